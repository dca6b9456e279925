"""Charts as images, rendered offline by vl-convert (a real Vega engine, no browser, no network)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.report.page import VEGA_LITE_VERSION

FORMATS = ("svg", "png")


def chart_image(spec: dict[str, Any], fmt: str) -> bytes:
    import vl_convert

    if fmt == "svg":
        return vl_convert.vegalite_to_svg(spec, vl_version=VEGA_LITE_VERSION).encode("utf-8")
    if fmt == "png":
        return vl_convert.vegalite_to_png(spec, vl_version=VEGA_LITE_VERSION, scale=2)
    raise ValueError(f"unknown image format {fmt!r}: one of {', '.join(FORMATS)}")


def export_charts(specs: dict[str, dict[str, Any]], folder: Path, fmt: str) -> list[Path]:
    """Write NAME.FMT for every chart into `folder`; returns the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, spec in specs.items():
        path = folder / f"{name}.{fmt}"
        path.write_bytes(chart_image(spec, fmt))
        written.append(path)
    return written
