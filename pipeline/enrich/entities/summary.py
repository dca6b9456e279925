"""One row per canonical entity of an article (the `entity_summary` column)."""

from __future__ import annotations

from collections.abc import Iterable


def summarize_entities(entities: Iterable[dict]) -> list[dict]:
    """One row per canonical entity: {canonical, label, mentions, first_start}, most mentioned first."""
    rows: dict[str, dict] = {}
    for e in entities:
        row = rows.get(e["canonical"])
        if row is None:
            rows[e["canonical"]] = {
                "canonical": e["canonical"],
                "label": e["label"],
                "mentions": 1,
                "first_start": e["start"],
            }
        else:
            row["mentions"] += 1
            row["first_start"] = min(row["first_start"], e["start"])
    return sorted(rows.values(), key=lambda r: (-r["mentions"], r["first_start"]))
