"""A synthetic wirebeam output for the report: runs with manifests, articles, stories and dead letters
written with the real schemas, shaped like a month of scheduled runs over many outlets.

Used by bench/report_bench.py (10,000 articles) and by tests/report (a few hundred), which also
check the report's figures against what was written (`Truth`). Deterministic for a seed.

- every story is carried by 1 to 5 outlets, each copy an article row; some stories are updated
  (an earlier story row with a lower toll, a later one with the higher: the report must take the
  later one, and count it once however many copies carry it);
- some sources stop delivering ten days before the end (a quiet feed);
- `places=False` writes the columns of outputs from before places (no countries, no coordinates).
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.sinks.schema import ARTICLE_SCHEMA, DEAD_LETTER_SCHEMA
from pipeline.stories.schema import STORY_SCHEMA

PLACES_CSV = Path(__file__).resolve().parent / "data" / "report" / "places.csv"
PLACE_COLUMNS = {"articles": ("countries", "primary_country"),
                 "stories": ("place", "country_code", "admin1", "lat", "lon")}
CATEGORIES = ("killed", "wounded", "detained", "displaced", "kidnapped")
FAILURES = (("page", "http_error", 404), ("page", "timeout", None), ("page", "robots_disallowed", None),
            ("extract", "no_text", None), ("feed", "not_a_feed", 200), ("page", "tls_error", None))
FAILING_HOSTS = ("slow.example", "gone.example", "private.example", "scripted.example")
SENTENCES = (
    "Officials said the situation remained tense on Tuesday.",
    "Witnesses described scenes of chaos as rescue teams arrived.",
    "The ministry said it would publish a full account within days.",
    "Aid agencies warned that supplies were running short.",
    "Police said an investigation had been opened.",
    "Residents said they had heard several explosions overnight.",
)


@dataclass(frozen=True)
class OutputSpec:
    articles: int = 10_000
    days: int = 30
    sources: int = 32
    runs_per_day: int = 4
    seed: int = 7
    places: bool = True
    quiet_sources: int = 1  # the first N sources deliver nothing in the last ten days
    start: date = date(2026, 11, 1)
    first_title: str | None = None  # the first story's title, e.g. markup a page must escape


@dataclass
class Truth:
    """What was written, for tests to hold the report to."""

    articles: int = 0
    stories: int = 0
    dead_letters: int = 0
    runs: int = 0
    quiet_feeds: list[str] = field(default_factory=list)
    current_low: dict[str, int] = field(default_factory=dict)  # category -> sum of lows over current story rows
    updated_story: dict[str, Any] = field(default_factory=dict)


def _schema(kind: str, places: bool) -> pa.Schema:
    schema = {"articles": ARTICLE_SCHEMA, "stories": STORY_SCHEMA, "dead_letters": DEAD_LETTER_SCHEMA}[kind]
    drop = () if places else PLACE_COLUMNS.get(kind, ())
    return pa.schema([f for f in schema if f.name not in drop], metadata=schema.metadata)


def _places() -> list[dict[str, Any]]:
    with PLACES_CSV.open(encoding="utf-8") as source:
        return [{**row, "lat": float(row["lat"]), "lon": float(row["lon"])} for row in csv.DictReader(source)]


def _counts(rng: random.Random) -> list[dict[str, Any]]:
    counts = []
    for category in rng.sample(CATEGORIES, rng.choice((0, 1, 1, 2))):
        low = rng.choice((1, 2, 3, 5, 8, 12, 20, 31, 50)) * (40 if category == "displaced" else 1)
        high = rng.choices((low, None, low + rng.randint(1, 20)), weights=(6, 3, 1))[0]
        counts.append({"category": category, "low": low, "high": high, "approximate": high is None})
    return counts


def _entities(rng: random.Random, place: dict[str, Any] | None) -> list[dict[str, Any]]:
    people = {f"Person {int(rng.paretovariate(1.2)) % 60:02d}" for _ in range(2)}
    orgs = {f"Agency {int(rng.paretovariate(1.5)) % 25:02d}" for _ in range(2)}
    names = [(p, "PERSON") for p in sorted(people)] + [(o, "ORG") for o in sorted(orgs)]
    if place:
        names.append((place["place"], "GPE"))
    return [{"canonical": n, "label": label, "mentions": rng.randint(1, 6), "first_start": 10 * i, "geo": None}
            for i, (n, label) in enumerate(names)]


def _write(folder: Path, kind: str, rows: list[dict[str, Any]], places: bool, run_id: str) -> list[dict[str, Any]]:
    by_day: dict[str, list[dict[str, Any]]] = defaultdict(list)
    stamp = {"articles": "published_at", "stories": "first_seen", "dead_letters": "failed_at"}[kind]
    for row in rows:
        by_day[row[stamp].date().isoformat()].append(row)
    written = []
    for day, day_rows in sorted(by_day.items()):
        path = folder / kind / f"date={day}" / f"{run_id}-0.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.Table.from_pylist(day_rows, schema=_schema(kind, places)), path)
        written.append({"path": str(path), "partition": f"date={day}", "rows": len(day_rows)})
    return written


def write_output(folder: Path, spec: OutputSpec = OutputSpec()) -> Truth:
    """Write the output into `folder` (which should be empty); returns what a reader should find."""
    rng = random.Random(spec.seed)
    places = _places()
    first = datetime(spec.start.year, spec.start.month, spec.start.day, tzinfo=timezone.utc)
    end = first + timedelta(days=spec.days)
    run_starts = [first + timedelta(hours=h * 24 / spec.runs_per_day, minutes=5)
                  for h in range(spec.days * spec.runs_per_day)]
    quiet_from = end - timedelta(days=10)
    sources = [f"Outlet {i:02d}" for i in range(spec.sources)]
    truth = Truth(runs=len(run_starts), quiet_feeds=[_feed(i) for i in range(spec.quiet_sources)])
    per_run: dict[int, dict[str, list]] = defaultdict(lambda: {"articles": [], "stories": [], "dead_letters": []})

    def run_for(moment: datetime) -> int:
        later = [i for i, s in enumerate(run_starts) if s >= moment]
        return later[0] if later else len(run_starts) - 1

    story_no = 0
    while truth.articles < spec.articles:
        published = first + timedelta(seconds=rng.uniform(0, (end - first).total_seconds() - 7200))
        if story_no == 0 and spec.first_title:
            published = end - timedelta(hours=8)  # among the latest stories, so the page shows its title
        open_sources = [i for i in range(spec.sources) if i >= spec.quiet_sources or published < quiet_from]
        copies = min(rng.choice((1, 1, 1, 2, 2, 3, 5)), spec.articles - truth.articles, len(open_sources))
        place = rng.choice(places) if rng.random() < 0.8 else None
        counts, entities = _counts(rng), _entities(rng, place)
        story_id = f"st-{story_no:024x}"
        reports = []
        for copy, source in enumerate(rng.sample(open_sources, copies)):
            at = published + timedelta(minutes=rng.randint(0, 240) * (copy > 0))
            run = run_for(at)
            fetched = run_starts[run] + timedelta(seconds=30 + copy)
            url = f"https://{_host(source)}/{at:%Y/%m/%d}/story-{story_no}-{copy}"
            text = " ".join(rng.choice(SENTENCES) for _ in range(40))
            article = {
                "article_id": hashlib.sha256(url.encode()).hexdigest()[:32], "url": url, "canonical_url": url,
                "feed_url": _feed(source), "feed_title": f"{sources[source]} - World", "source": sources[source],
                "title": (spec.first_title if story_no == 0 and spec.first_title else
                          f"Story {story_no}: {place['place'] if place else 'Report'} update"), "published_at": at,
                "published_at_source": "page", "fetched_at": fetched, "language": "en", "text": text,
                "word_count": len(text.split()), "content_sha256": hashlib.sha256(text.encode()).hexdigest(),
                "story_id": story_id, "version": 1, "entity_summary": entities,
                "event_counts": [{**c, "mentions": 1} for c in counts], "enrichment_status": "ok",
                "countries": [place["country_code"]] if place else [],
                "primary_country": place["country_code"] if place else None, "run_id": _run_id(run_starts[run]),
            }
            per_run[run]["articles"].append(article)
            reports.append((run, fetched, article))
            truth.articles += 1
        rows = _story_rows(story_id, reports, counts, place, updated=bool(counts) and rng.random() < 0.1)
        for run, row in rows:
            per_run[run]["stories"].append(row)
        if len(rows) > 1 and not truth.updated_story:
            truth.updated_story = {"story_id": story_id, "event_counts": rows[-1][1]["event_counts"]}
        for c in rows[-1][1]["event_counts"]:
            truth.current_low[c["category"]] = truth.current_low.get(c["category"], 0) + c["low"]
        truth.stories += 1
        story_no += 1

    for run, started in enumerate(run_starts):
        for _ in range(rng.choice((0, 0, 1, 2, 4))):
            stage, error_type, status = rng.choice(FAILURES)
            host = rng.choice(FAILING_HOSTS)
            per_run[run]["dead_letters"].append({
                "stage": stage, "url": f"https://{host}/a/{rng.randint(1, 99)}", "feed_url": _feed(0),
                "error_type": error_type, "message": f"{error_type} at {host}; see the advice", "http_status": status,
                "attempts": 1 if status else 3, "failed_at": started + timedelta(seconds=50), "run_id": _run_id(started)})
            truth.dead_letters += 1
        _write_run(folder, run, started, per_run[run], spec, sources)
    return truth


def _story_rows(story_id: str, reports: list[tuple[int, datetime, dict]], counts: list[dict[str, Any]],
                place: dict[str, Any] | None, *, updated: bool) -> list[tuple[int, dict[str, Any]]]:
    """Story rows as the runs wrote them: one per run that carried a copy, the newest merging all; an
    updated story gets an earlier row with a lower toll."""
    runs = sorted({run for run, _, _ in reports})
    if updated and len(runs) == 1:
        runs = [runs[0] - 1, runs[0]] if runs[0] > 0 else runs
    rows = []
    for i, run in enumerate(runs):
        carried = [r for r in reports if r[0] <= run] or reports[:1]
        earlier = updated and i < len(runs) - 1
        story_counts = [{**c, "low": max(1, c["low"] // 2) if earlier else c["low"],
                         "high": (max(1, c["low"] // 2) if earlier else c["high"]),
                         "min_reported": max(1, c["low"] // 2) if updated else c["low"], "max_reported": c["low"],
                         "n_reports": 2 if updated else 1, "latest_article_id": carried[-1][2]["article_id"]}
                        for c in counts]
        rows.append((run, {
            "story_id": story_id, "first_seen": reports[0][1], "last_seen": carried[-1][1],
            "title": reports[0][2]["title"], "representative_article_id": reports[0][2]["article_id"],
            "article_ids": [r[2]["article_id"] for r in carried], "sources": [r[2]["source"] for r in carried],
            "n_sources": len({r[2]["source"] for r in carried}), "n_articles": len(carried), "languages": ["en"],
            "top_entities": reports[0][2]["entity_summary"], "event_counts": story_counts,
            "place": ({"name": place["place"], "country_code": place["country_code"], "admin1": place["admin1"],
                       "lat": place["lat"], "lon": place["lon"]} if place else None),
            "country_code": place["country_code"] if place else None, "admin1": place["admin1"] if place else None,
            "lat": place["lat"] if place else None, "lon": place["lon"] if place else None,
            "run_id": None,  # the run that writes the row stamps it
        }))
    return rows


def _write_run(folder: Path, run: int, started: datetime, rows: dict[str, list], spec: OutputSpec,
               sources: list[str]) -> None:
    run_id = _run_id(started)
    for row in rows["stories"]:
        row["run_id"] = run_id
    files = {kind: _write(folder, kind, rows[kind], spec.places, run_id) for kind in ("articles", "stories", "dead_letters")}
    written_by_feed: dict[str, int] = defaultdict(int)
    for article in rows["articles"]:
        written_by_feed[article["feed_url"]] += 1
    by_error: dict[str, int] = defaultdict(int)
    for letter in rows["dead_letters"]:
        by_error[f"{letter['stage']}:{letter['error_type']}"] += 1
    manifest = {
        "run_id": run_id, "started_at": started.isoformat(), "output": str(folder), "feeds_listed": len(sources),
        "mode": "batch", "status": "finished", "finished_at": (started + timedelta(seconds=95)).isoformat(),
        "counters": {"feeds_ok": len(sources), "feeds_failed": 0, "written": len(rows["articles"]),
                     "stories_new": len(rows["stories"]), "stories_updated": 0,
                     "dead_lettered": len(rows["dead_letters"]), "dead_letters_by_error": dict(by_error),
                     "article_rows_written": len(rows["articles"]), "dead_letter_rows_written": len(rows["dead_letters"])},
        "feeds": [{"feed_url": _feed(i), "title": f"{name} - World", "ok": True, "not_modified": False,
                   "items_seen": 20, "written": written_by_feed[_feed(i)]} for i, name in enumerate(sources)],
        "files": files,
    }
    (folder / "runs").mkdir(parents=True, exist_ok=True)
    (folder / "runs" / f"{run_id}.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")


def _run_id(started: datetime) -> str:
    return started.strftime("%Y%m%dT%H%M%SZ")


def _host(source: int) -> str:
    return f"outlet{source:02d}.example"


def _feed(source: int) -> str:
    return f"https://{_host(source)}/feed.xml"
