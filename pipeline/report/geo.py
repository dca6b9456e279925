"""Country outlines and names for the map, from data shipped in an installed package; never fetched.

The outlines are those of the `countryinfo` package (MIT; 1.4 MB on disk): one GeoJSON feature per
country, Natural Earth's 1:110m boundaries, with ISO 3166-1 alpha-2 codes, so story rows'
`country_code` joins them directly. Its 1.x needs Python 3.11; on 3.10 its 0.1.2 is installed
(pyproject.toml), with the same files in the same layout (`countryinfo/data/<country>.json`). A few countries have no outline there (Hungary, Serbia,
Montenegro, Myanmar, Jamaica and small island states): the map leaves them blank, and their
stories still show as points at their own coordinates. Coordinates are rounded to 0.01 degree
(about 1 km, far below what 1:110m draws), which halves the size in the page (~170 KB).
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

PACKAGE = "countryinfo"


class MapDataMissing(RuntimeError):
    """The package with the outlines is not installed (wirebeam installed without its report extra)."""


@lru_cache(maxsize=1)
def _countries() -> tuple[dict[str, Any], ...]:
    try:
        folder = resources.files(PACKAGE) / "data"
    except ModuleNotFoundError as error:
        raise MapDataMissing(f"the map's country outlines come from the {PACKAGE} package, which is not installed "
                             "(pip install 'wirebeam[report]')") from error
    found = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            record = json.loads(entry.read_text(encoding="utf-8"))
            code = (record.get("ISO") or {}).get("alpha2")
            if code:
                found.append({"code": code.upper(), "name": record.get("name") or code,
                              "features": (record.get("geoJSON") or {}).get("features") or []})
    return tuple(found)


def _ring_area(ring: list[list[float]]) -> float:
    """Twice the planar signed area of a lon/lat ring: positive when counter-clockwise."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]))


def _d3_winding(polygon: list[list[list[float]]]) -> list[list[list[float]]]:
    """Outer ring clockwise, holes counter-clockwise: d3-geo (Vega) reads rings on the sphere and
    takes a counter-clockwise outer ring (GeoJSON's RFC 7946 order) for everything *but* the country."""
    return [ring if (_ring_area(ring) < 0) == (i == 0) else ring[::-1] for i, ring in enumerate(polygon)]


def _geometry(geometry: dict[str, Any]) -> dict[str, Any]:
    coordinates = _rounded(geometry["coordinates"])
    if geometry["type"] == "Polygon":
        coordinates = _d3_winding(coordinates)
    elif geometry["type"] == "MultiPolygon":
        coordinates = [_d3_winding(polygon) for polygon in coordinates]
    return {"type": geometry["type"], "coordinates": coordinates}


def _rounded(coordinates: Any) -> Any:
    """Coordinates to 0.01 degree, repeated points dropped."""
    if coordinates and isinstance(coordinates[0], (int, float)):
        return [round(coordinates[0], 2), round(coordinates[1], 2)]
    points = [_rounded(c) for c in coordinates]
    if points and points[0] and isinstance(points[0][0], (int, float)):
        return [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]
    return points


@lru_cache(maxsize=1)
def world_outlines() -> dict[str, Any]:
    """A GeoJSON FeatureCollection of the countries with an outline; `properties.code` is ISO alpha-2."""
    features = []
    for country in _countries():
        for feature in country["features"]:
            geometry = feature.get("geometry")
            if geometry:
                features.append({"type": "Feature", "properties": {"code": country["code"], "name": country["name"]},
                                 "geometry": _geometry(geometry)})
    return {"type": "FeatureCollection", "features": features}


def country_name(code: str | None) -> str | None:
    """'SD' -> 'Sudan'; unknown codes come back as they are."""
    if not code:
        return code
    try:
        return _names().get(code.upper(), code)
    except MapDataMissing:
        return code


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    return {c["code"]: c["name"] for c in _countries()}
