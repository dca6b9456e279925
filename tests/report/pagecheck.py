"""Checks of a report page without a browser: what it references, its chart specs, what each spec
draws when Vega renders it (vl-convert, offline), and whether a spec is valid Vega-Lite."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

SECTION_IDS = ("articles", "failures", "stories", "casualties", "map", "entities", "runs")
_REMOTE = re.compile(r"^\s*(https?:)?//", re.I)


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.references: list[str] = []  # what the page would load: src/href of anything but a link to click
        self.specs: dict[str, dict[str, Any]] = {}
        self.sections: list[str] = []
        self.styles: list[str] = []
        self.csp: str | None = None
        self._in: tuple[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        for name in ("src", "href", "data", "poster", "srcset", "action", "background", "xlink:href"):
            if a.get(name) and not (tag == "a" and name == "href"):  # a link to click loads nothing
                self.references.append(f"<{tag} {name}> {a[name]}")
        if "url(" in (a.get("style") or ""):
            self.styles.append(a["style"] or "")
        if tag == "section" and a.get("id"):
            self.sections.append(a["id"])
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "content-security-policy":
            self.csp = a.get("content")
        if tag == "script" and a.get("type") == "application/json" and (a.get("id") or "").startswith("spec-"):
            self._in = ("spec", a["id"][len("spec-"):])
        elif tag == "style":
            self._in = ("style", "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in and self._in[0] == "spec":
            self.specs[self._in[1]] = json.loads(data)
        elif self._in and self._in[0] == "style":
            self.styles.append(data)


def read_page(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def remote_references(page: _Page) -> list[str]:
    """Every script, style, image, font or data the page (or a chart) would fetch from the network."""
    found = [r for r in page.references if _REMOTE.search(r.split("> ", 1)[1])]
    found += [f"css {m}" for css in page.styles for m in re.findall(r"(?:url\(|@import)[^;)]*", css)
              if "data:" not in m]
    for name, spec in page.specs.items():
        found += [f"chart {name}: data url {u}" for u in _data_urls(spec)]
    return found


def _data_urls(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["url"]] if isinstance(node.get("url"), str) else []
        return own + [u for v in node.values() for u in _data_urls(v)]
    if isinstance(node, list):
        return [u for v in node for u in _data_urls(v)]
    return []


@lru_cache(maxsize=1)
def _validator():
    import altair
    import jsonschema

    schema = json.loads((Path(altair.__file__).parent / "vegalite" / "v6" / "schema" / "vega-lite-schema.json")
                        .read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(schema)


def schema_errors(spec: dict[str, Any]) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in _validator().iter_errors(spec)]


def drawn_marks(spec: dict[str, Any]) -> dict[str, int]:
    """Render with Vega (vl-convert, offline) and count the items of each named mark; a line's
    pathgroup counts its series."""
    import vl_convert

    from pipeline.report.page import VEGA_LITE_VERSION

    counts: dict[str, int] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("marktype") and node.get("name"):
                counts[node["name"]] = counts.get(node["name"], 0) + len(node.get("items", []))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(vl_convert.vegalite_to_scenegraph(spec, vl_version=VEGA_LITE_VERSION))
    return counts


def svg_of(spec: dict[str, Any]) -> str:
    import vl_convert

    from pipeline.report.page import VEGA_LITE_VERSION

    return vl_convert.vegalite_to_svg(spec, vl_version=VEGA_LITE_VERSION)
