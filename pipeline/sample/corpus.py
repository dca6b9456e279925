"""Read the bundled demo corpus (files under `pipeline/sample/data/`).

Uses importlib.resources so it works from a source checkout and from an
installed wheel alike. Origins are stored as tokens (``{{SITE_WIRE}}``...) and
filled in by `substitute` once a server knows its ports.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from importlib.abc import Traversable
from typing import Any, Mapping

FEED_LIST_FORMATS = ("opml", "yaml", "txt")
_FORMAT_ALIASES = {"yml": "yaml", "text": "txt", "xml": "opml"}


def data_root() -> Traversable:
    return resources.files("pipeline.sample").joinpath("data")


def read_data(relative_path: str) -> bytes:
    node = data_root()
    for part in relative_path.split("/"):
        node = node.joinpath(part)
    return node.read_bytes()


@lru_cache(maxsize=1)
def _manifest_text() -> str:
    return read_data("manifest.json").decode("utf-8")


def load_manifest() -> dict[str, Any]:
    """Sites, tokens, and per site every served path -> {file, content_type, last_modified}."""
    return json.loads(_manifest_text())


def site_tokens() -> dict[str, str]:
    return {site: info["token"] for site, info in load_manifest()["sites"].items()}


def normalise_list_format(fmt: str) -> str:
    fmt = _FORMAT_ALIASES.get(fmt.lower().lstrip("."), fmt.lower().lstrip("."))
    if fmt not in FEED_LIST_FORMATS:
        raise ValueError(f"unknown feed list format {fmt!r}; expected one of {FEED_LIST_FORMATS}")
    return fmt


def substitute(data: bytes, origins: Mapping[str, str]) -> bytes:
    """Replace each site's token with its origin (tokens are ASCII, so any charset is safe)."""
    for site, token in site_tokens().items():
        data = data.replace(token.encode("ascii"), origins[site].encode("ascii"))
    return data


def load_expected(origins: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The corpus facts (`expected.json`); with origins, URLs are real rather than tokens."""
    raw = read_data("expected.json")
    if origins is not None:
        raw = substitute(raw, origins)
    return json.loads(raw.decode("utf-8"))
