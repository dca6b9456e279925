"""A story's row: its copies merged (pure).

Counts are merged per category over the reports that give one: the figure of
the latest report (a toll "rises to 137" supersedes 90), and the lowest and
highest figures any report gave with how many reports gave one, so a disputed
or rising toll stays visible instead of being summed over outlets.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Iterable

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def report_of(claim: dict[str, Any], story_id: str, first_seen: datetime) -> dict[str, Any]:
    """What the story state records of one article (STORY_STATE_SCHEMA, signature included)."""
    return {
        "article_id": claim["article_id"],
        "story_id": story_id,
        "story_first_seen": first_seen,
        "source": claim.get("source"),
        "published_at": claim.get("published_at"),
        "fetched_at": claim["fetched_at"],
        "title": claim.get("title"),
        "language": claim.get("language"),
        "word_count": claim.get("word_count"),
        "signature": claim["story_signature"],
        "event_counts": claim.get("event_counts") or [],
        "top_entities": claim.get("story_top_entities") or [],
        "place": claim.get("story_place"),
        "run_id": claim["run_id"],
    }


def _when(report: dict[str, Any]) -> datetime:
    return report.get("published_at") or report.get("fetched_at") or _EPOCH


def _unique(values: Iterable[Any]) -> list[Any]:
    seen: dict[Any, None] = {}
    for value in values:
        if value:
            seen.setdefault(value, None)
    return list(seen)


def merged_counts(reports: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_category: dict[str, list[tuple[dict[str, Any], dict[str, Any]]]] = {}
    for report in reports:
        for count in report.get("event_counts") or []:
            if (count.get("scope") or "incident") != "incident":
                continue  # a cumulative total ("40,000 have fled since March") is not the story's event
            by_category.setdefault(count["category"], []).append((report, count))
    merged = []
    for category, given in sorted(by_category.items()):
        # the latest published, and of one article's versions the latest fetched
        latest_report, latest = max(given, key=lambda pair: (_when(pair[0]), pair[0].get("fetched_at") or _EPOCH,
                                                             pair[0]["article_id"]))
        merged.append({
            "category": category,
            "low": latest["low"],
            "high": latest["high"],
            "approximate": latest.get("approximate"),
            # "up to 50" has no low, "at least 31" no high: a bound a report did not give is left out
            "min_reported": min((c["low"] for _r, c in given if c["low"] is not None), default=None),
            "max_reported": max((c["high"] if c["high"] is not None else c["low"] for _r, c in given
                                 if c["high"] is not None or c["low"] is not None), default=None),
            "n_reports": len(given),
            "latest_article_id": latest_report["article_id"],
        })
    return merged


def story_row(story_id: str, reports: list[dict[str, Any]], run_id: str) -> dict[str, Any]:
    """The story's current view from every report recorded of it (earlier runs' and this run's)."""
    # A report is one fetch of one article: versions of an article (same id, fetched later) are
    # reports of their own, so the toll the first version gave stays in the spread.
    unique = {(report["article_id"], report["fetched_at"]): report for report in reports}
    ordered = sorted(unique.values(), key=lambda r: (r["fetched_at"], -(r.get("word_count") or 0), r["article_id"]))
    representative = ordered[0]
    sources = _unique(r.get("source") for r in ordered)
    article_ids = _unique(r["article_id"] for r in ordered)
    return {
        "story_id": story_id,
        "first_seen": min(r["story_first_seen"] for r in ordered),
        "last_seen": max(r["fetched_at"] for r in ordered),
        "title": representative.get("title"),
        "representative_article_id": representative["article_id"],
        "article_ids": article_ids,
        "sources": sources,
        "n_sources": len(sources),
        "n_articles": len(article_ids),
        "languages": _unique(r.get("language") for r in ordered),
        "top_entities": representative.get("top_entities") or [],
        "event_counts": merged_counts(ordered),
        **main_place(representative, ordered),
        "run_id": run_id,
    }


def main_place(representative: dict[str, Any], ordered: list[dict[str, Any]]) -> dict[str, Any]:
    """The story's place columns: the representative copy's place (its dateline's, else its most mentioned),
    else the first copy that has one (a copy recorded before places were resolved has none)."""
    place = representative.get("place") or next((r["place"] for r in ordered if r.get("place")), None)
    return {"place": place, **{k: (place or {}).get(k) for k in ("country_code", "admin1", "lat", "lon")}}
