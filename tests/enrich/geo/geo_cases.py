"""Helpers of the places tests: entities for a text, and the ambiguous-name cases of ambiguous_places.yaml."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

CASES = yaml.safe_load((Path(__file__).parent / "ambiguous_places.yaml").read_text(encoding="utf-8"))


def entities_of(text: str, places: list[str], norp: list[str] = (), orgs: list[str] = ()) -> list[dict]:
    """Entity dicts (as pipeline.enrich.entities makes them) for every occurrence of the given names, in text order."""
    out = []
    for names, label in ((places, "GPE"), (norp, "NORP"), (orgs, "ORG")):
        for name in names:
            for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text):
                out.append({"text": name, "label": label, "start": m.start(), "end": m.end(), "canonical": name})
    return sorted(out, key=lambda e: e["start"])
