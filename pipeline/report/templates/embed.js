// Draw every chart of the page from its inline spec; mark each container with how it went,
// and the page once all are done (the browser test waits for data-charts="done").
(function () {
  "use strict";
  var charts = Array.prototype.slice.call(document.querySelectorAll("[data-chart]"));
  var drawn = charts.map(function (el) {
    var name = el.getAttribute("data-chart");
    var spec = JSON.parse(document.getElementById("spec-" + name).textContent);
    el.textContent = "";
    return vegaEmbed(el, spec, { actions: false, renderer: "svg" })
      .then(function () { el.setAttribute("data-rendered", "ok"); })
      .catch(function (error) {
        el.setAttribute("data-rendered", "error");
        el.textContent = "This chart could not be drawn (" + error + "); the table beside it has its numbers.";
        console.error("chart " + name + ": " + error);
      });
  });
  Promise.all(drawn).then(function () {
    document.documentElement.setAttribute("data-charts", "done");
  });
})();
