"""Open a report in headless Chromium (Debian's `chromium`, driven by Playwright) with the network off,
and say what happened: console errors, failed or blocked requests, how each chart drew.

Also a command, to refresh the README's screenshot from the demo's report:

    .venv/bin/python -m tests.report.browser out/demo/report.html docs/report.png
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM_NAMES = ("chromium", "chromium-browser")
INSTALL_HINT = "install it: apt-get install -y chromium (.ci/run does), or set WIREBEAM_CHROMIUM to its path"


def chromium_path() -> str | None:
    """Debian's chromium (or WIREBEAM_CHROMIUM); Playwright's own browser download is never used."""
    explicit = os.environ.get("WIREBEAM_CHROMIUM")
    if explicit:
        return explicit if Path(explicit).exists() else None
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


@dataclass
class PageVisit:
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    blocked_requests: list[str] = field(default_factory=list)  # anything but file:, data: and blob:
    charts: dict[str, dict] = field(default_factory=dict)  # name -> {rendered, width, height, svg_or_canvas}
    sections: list[str] = field(default_factory=list)
    page_height: int = 0
    probe: object = None  # what the `probe` expression evaluated to in the page


def visit(report: Path, screenshot: Path | None = None, *, probe: str | None = None, width: int = 1280,
          timeout_ms: int = 60_000) -> PageVisit:
    """Load `report` from disk with every non-file request blocked, wait for the charts, measure them."""
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    if executable is None:
        raise FileNotFoundError(f"no chromium found: {INSTALL_HINT}")
    seen = PageVisit()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True,
                                             args=["--disable-gpu", "--no-first-run", "--disable-extensions"])
        try:
            context = browser.new_context(viewport={"width": width, "height": 900}, offline=True,
                                          service_workers="block")

            def gate(route) -> None:
                url = route.request.url
                if url.startswith(("file:", "data:", "blob:")):
                    route.continue_()
                else:
                    seen.blocked_requests.append(url)
                    route.abort()

            context.route("**/*", gate)
            page = context.new_page()
            page.on("console", lambda m: seen.console_errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: seen.console_errors.append(f"page error: {e}"))
            page.on("requestfailed", lambda r: seen.failed_requests.append(f"{r.url}: {r.failure}"))
            page.goto(report.resolve().as_uri(), wait_until="load")
            page.wait_for_selector("html[data-charts=done]", timeout=timeout_ms)
            seen.charts = page.evaluate("""() => Object.fromEntries(
                Array.from(document.querySelectorAll('[data-chart]')).map(el => {
                    const drawn = el.querySelector('svg, canvas');
                    const box = drawn ? drawn.getBoundingClientRect() : {width: 0, height: 0};
                    return [el.dataset.chart, {rendered: el.dataset.rendered || null, width: box.width,
                            height: box.height, kind: drawn ? drawn.tagName.toLowerCase() : null,
                            marks: drawn ? drawn.querySelectorAll('.role-mark path, .role-mark line, .role-mark circle, .role-mark rect').length : 0}];
                }))""")
            seen.sections = page.evaluate("() => Array.from(document.querySelectorAll('section[id]')).map(s => s.id)")
            seen.page_height = page.evaluate("() => document.documentElement.scrollHeight")
            if probe:
                seen.probe = page.evaluate(probe)
            if screenshot is not None:
                screenshot.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(screenshot), full_page=True)
        finally:
            browser.close()
    return seen


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    result = visit(Path(argv[0]), Path(argv[1]))
    problems = result.console_errors + result.failed_requests + result.blocked_requests + [
        f"chart {name} did not draw" for name, c in result.charts.items() if not (c["width"] and c["height"])]
    print(f"{argv[1]}: {len(result.charts)} charts, {result.page_height} px tall"
          + (f"; problems: {problems}" if problems else ""))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
