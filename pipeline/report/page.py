"""The report's HTML: a model of sections, figures and tables, rendered with the Jinja2 template shipped
in `templates/` into one self-contained file.

Self-contained means no network at all: the Vega, Vega-Lite and vega-embed JavaScript is inlined
(vl-convert's bundle), styles are inline, every chart's data is inside its spec, and a Content
Security Policy forbids the page any request. Text from the web (titles, sources, messages) is
escaped by the template; specs are JSON with `<`, `>` and `&` escaped, so a title cannot end a
script element. Readable without JavaScript: every chart has a table of the same numbers beside it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import jinja2

# vl-convert's bundle is built for a Vega-Lite version; the specs Altair writes declare theirs.
VEGA_LITE_VERSION = "6.4"


@dataclass(frozen=True)
class Link:
    text: str
    href: str


@dataclass
class Table:
    columns: list[str]
    rows: list[list[Any]]
    caption: str = ""
    numeric: frozenset[int] = frozenset()  # right-aligned columns
    more: str = ""  # what the table leaves out, said under it

    def __post_init__(self) -> None:
        self.rows = [[_safe_cell(cell) for cell in row] for row in self.rows]


@dataclass
class Figure:
    name: str  # the chart's id: spec-NAME, figure-NAME, NAME.svg
    spec: dict[str, Any]
    table: Table
    caption: str
    description: str  # aria-label: what the chart shows, for screen readers

    @property
    def spec_json(self) -> str:
        return spec_json(self.spec)


@dataclass
class Section:
    id: str
    title: str
    lead: str = ""
    notes: list[str] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    empty: str = ""  # said instead of figures and tables when there is nothing to show


def _safe_cell(cell: Any) -> Any:
    """Only http(s) links stay links: a javascript: or data: URL from a feed is shown as text."""
    if isinstance(cell, Link) and not cell.href.lower().startswith(("http://", "https://")):
        return cell.text
    return cell


def spec_json(spec: dict[str, Any]) -> str:
    """JSON safe inside <script type="application/json">: no '<', '>' or '&' left to end the element."""
    text = json.dumps(spec, separators=(",", ":"), ensure_ascii=False, default=str)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


@lru_cache(maxsize=1)
def vega_javascript() -> str:
    """Vega, Vega-Lite and vega-embed in one script (vl-convert bundles them; no CDN)."""
    import vl_convert

    bundle = vl_convert.javascript_bundle(vl_version=VEGA_LITE_VERSION)
    return bundle.replace("</script", "<\\/script")  # never true today; cheap insurance


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("pipeline.report", "templates"),
        autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined,
    )
    environment.filters["number"] = lambda n: f"{n:,}" if isinstance(n, int) else n
    environment.tests["link"] = lambda cell: isinstance(cell, Link)
    return environment


def render_page(*, title: str, header: dict[str, Any], sections: list[Section]) -> str:
    """The whole page as one string."""
    environment = _environment()
    return environment.get_template("report.html.j2").render(
        title=title, header=header, sections=sections,
        css=environment.loader.get_source(environment, "report.css")[0],
        embed_js=environment.loader.get_source(environment, "embed.js")[0],
        vega_js=vega_javascript(),
    )
