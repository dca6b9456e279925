"""The report's numbers, aggregated in DuckDB: every query returns a few hundred rows at most,
never the output's rows themselves, so the page stays small however big the output grows.

Counts of people are summed over stories (the newest row per story_id), never over articles:
one bombing carried by five outlets is one bombing. A story's day is the day its first copy was
published (its earliest `published_at`), else the day wirebeam first fetched it: a backfill, or
the first run on a new feed, fetches old news on one day.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from statistics import median
from typing import Any

from pipeline.report.dataset import Output, Period, run_started

CATEGORIES = ("killed", "wounded", "detained", "displaced")
ENTITY_KINDS = {"PERSON": "people", "ORG": "organisations", "GPE": "places", "LOC": "places", "FAC": "places"}
ENTITY_KIND_ORDER = ("people", "organisations", "places")
TOP_SOURCES = 10
TOP_COUNTRIES = 8
TOP_REASONS = 8
FAILURE_RUNS = 30
UNKNOWN_COUNTRY = "country unknown"
OTHER = "other"
# A URL's host: after the scheme and any user@, up to the port, path, query or fragment.
HOST_SQL = r"lower(regexp_extract(url, '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/]*@)?(\[[^\]]*\]|[^:/?#]*)', 1))"
# Where a dead letter failed: its URL's host; for a backfill's dead letters of a WARC file itself (a local path,
# gs://..., with #byte=N for a record), the file's name: they have no web host, and the file is what to look at.
FAILED_AT_SQL = rf"""CASE WHEN stage = 'warc' AND NOT regexp_matches(url, '^https?://', 'i')
    THEN regexp_extract(url, '([^/\\]*?)(#[^/]*)?$', 1) ELSE {HOST_SQL} END"""


def grain_for(first: date | None, last: date | None) -> str:
    """Bucket by day up to two months, by week up to two years, else by month: charts stay readable."""
    if first is None or last is None or (last - first).days <= 62:
        return "day"
    return "week" if (last - first).days <= 731 else "month"


def _bucket(column: str, grain: str) -> str:
    return column if grain == "day" else f"CAST(date_trunc('{grain}', {column}) AS DATE)"


# ---------------------------------------------------------------- articles and feeds

def totals(out: Output, period: Period) -> dict[str, Any]:
    found: dict[str, Any] = {"articles": 0, "sources": 0, "first_day": None, "last_day": None, "stories": 0,
                             "dead_letters": 0}
    if out.has("articles"):
        found.update(out.rows(f"""
            SELECT count(*) AS articles, count(DISTINCT source) AS sources, min(date) AS first_day,
                   max(date) AS last_day
            FROM articles WHERE {period.where('date')}""")[0])
    if out.has("stories"):
        found["stories"] = out.value(f"SELECT count(*) FROM {story_facts(out)} WHERE {period.where('day')}")
    if out.has("dead_letters"):
        found["dead_letters"] = out.value(
            f"SELECT count(*) FROM dead_letters WHERE {period.where('CAST(failed_at AS DATE)')}")
    found["runs"] = sum(1 for run in out.finished_runs
                        if run_started(run) is None or period.contains(run_started(run).date()))
    return found


def articles_by_day_and_source(out: Output, period: Period, grain: str) -> list[dict[str, Any]]:
    """Articles per day (bucket) per source; sources past the busiest TOP_SOURCES are one 'other sources'
    row a day, `grouped` true (a real source may be called 'other ...' too)."""
    if not out.has("articles"):
        return []
    return out.rows(f"""
        WITH a AS (SELECT {_bucket('date', grain)} AS day, coalesce(source, '(no source)') AS source
                   FROM articles WHERE {period.where('date')}),
             top AS (SELECT source FROM a GROUP BY source ORDER BY count(*) DESC, source LIMIT {TOP_SOURCES}),
             marked AS (SELECT day, source, source NOT IN (SELECT source FROM top) AS grouped FROM a)
        SELECT day, CASE WHEN grouped THEN '{OTHER} sources' ELSE source END AS source, grouped,
               count(*) AS articles
        FROM marked GROUP BY ALL ORDER BY day, source""")


def last_run_time(out: Output) -> datetime | None:
    starts = [_parse_time(m.get("started_at")) for m in out.manifests]
    return max((s for s in starts if s), default=None)


def quiet_feeds(out: Output, period: Period, limit: int = 20) -> list[dict[str, Any]]:
    """Feeds that delivered new articles in at least two runs and then stopped for longer than
    three of their usual gaps (and at least a day), as of the period's last run."""
    if not out.has("articles", "feed_url"):
        return []
    now = last_run_time(out)
    end = period.until or (now.date() if now else None)
    deliveries = out.rows(f"""
        SELECT feed_url, any_value(feed_title) AS feed_title, any_value(source) AS source, run_id,
               min(fetched_at) AS delivered_at, count(*) AS articles
        FROM articles
        WHERE feed_url IS NOT NULL AND {Period(None, end).where('CAST(fetched_at AS DATE)')}
        GROUP BY feed_url, run_id ORDER BY feed_url, delivered_at""")
    now = now or max((d["delivered_at"] for d in deliveries), default=None)
    status = feed_status_in_last_run(out)
    quiet = []
    for feed_url, runs in _group(deliveries, "feed_url").items():
        verdict = quiet_verdict([r["delivered_at"] for r in runs], now)
        if verdict:
            quiet.append({"feed_url": feed_url, "feed_title": runs[-1]["feed_title"], "source": runs[-1]["source"],
                          "articles": sum(r["articles"] for r in runs), "last_article": runs[-1]["delivered_at"],
                          **verdict, "last_poll": status.get(feed_url, "not in the last run's feed list")})
    return sorted(quiet, key=lambda q: q["last_article"], reverse=True)[:limit]


def quiet_verdict(deliveries: list[datetime], now: datetime | None) -> dict[str, timedelta] | None:
    """(silent for, usual gap) when a feed's silence is long for it, else None. Pure."""
    if len(deliveries) < 2 or now is None:
        return None
    gaps = [b - a for a, b in zip(deliveries, deliveries[1:])]
    usual = median(gaps)
    silent = now - deliveries[-1]
    return {"silent_for": silent, "usual_gap": usual} if silent > max(timedelta(days=1), 3 * usual) else None


def feed_status_in_last_run(out: Output) -> dict[str, str]:
    """feed_url -> what the newest manifest says of it: polled fine, unchanged, or failing."""
    newest = max(out.manifests, key=lambda m: str(m.get("started_at")), default=None)
    statuses = {}
    for feed in (newest or {}).get("feeds", []):
        if not feed.get("ok"):
            statuses[feed["feed_url"]] = f"failing: feed:{feed.get('error_type')}"
        elif feed.get("not_modified"):
            statuses[feed["feed_url"]] = "polled fine: unchanged (304)"
        else:
            statuses[feed["feed_url"]] = f"polled fine: {feed.get('items_seen', 0)} items, {feed.get('written', 0)} new"
    return statuses


# ---------------------------------------------------------------- failures

def failures_by_run(out: Output, period: Period) -> list[dict[str, Any]]:
    """Dead letters per run and reason (stage:error_type), for the last FAILURE_RUNS runs that had any;
    reasons past the TOP_REASONS commonest are one 'other'."""
    if not out.has("dead_letters"):
        return []
    rows = out.rows(f"""
        SELECT run_id, stage || ':' || error_type AS reason, count(*) AS failures, min(failed_at) AS first_failed
        FROM dead_letters WHERE {period.where('CAST(failed_at AS DATE)')} GROUP BY ALL""")
    started = {}
    for row in rows:
        at = run_started(row["run_id"]) or row["first_failed"].replace(tzinfo=None)
        started[row["run_id"]] = min(at, started.get(row["run_id"], at))
    runs = sorted(started, key=lambda r: (started[r], r))[-FAILURE_RUNS:]
    reasons = _top(rows, "reason", "failures", TOP_REASONS)
    merged: dict[tuple[str, str], int] = {}
    for row in rows:
        if row["run_id"] in runs:
            key = (row["run_id"], row["reason"] if row["reason"] in reasons else f"{OTHER} reasons")
            merged[key] = merged.get(key, 0) + row["failures"]
    order = {run: i for i, run in enumerate(runs)}
    return [{"run_id": run, "run_order": order[run], "started": started[run].strftime("%Y-%m-%d %H:%M"),
             "reason": reason, "failures": n}
            for (run, reason), n in sorted(merged.items(), key=lambda kv: (order[kv[0][0]], kv[0][1]))]


def failing_hosts(out: Output, period: Period, limit: int = 10) -> list[dict[str, Any]]:
    if not out.has("dead_letters"):
        return []
    return out.rows(f"""
        SELECT {FAILED_AT_SQL} AS host, count(*) AS failures, count(DISTINCT url) AS urls,
               mode(stage || ':' || error_type) AS main_reason, list(DISTINCT stage || ':' || error_type) AS reasons,
               max(failed_at) AS last_failed, arg_max(message, failed_at) AS last_message
        FROM dead_letters WHERE {period.where('CAST(failed_at AS DATE)')}
        GROUP BY host ORDER BY failures DESC, host LIMIT {int(limit)}""")


# ---------------------------------------------------------------- stories and their counts

def story_facts_sql(out: Output) -> str:
    """The current stories with their day, country, place and first copy's URL, from whichever columns
    this output has (older outputs have no places, v1 articles no story_id)."""
    cols = out.columns.get("stories", frozenset())
    joined = out.has("articles", "story_id")
    article_country = joined and out.has("articles", "primary_country")
    countries = [c for c, ok in (("s.country_code", "country_code" in cols), ("a.article_country", article_country)) if ok]
    first = "coalesce(a.first_published, s.first_seen)" if joined else "s.first_seen"
    place = "s.place.name" if "place" in cols else ("s.admin1" if "admin1" in cols else "NULL")
    join = f"""LEFT JOIN (
        SELECT story_id, min(published_at) AS first_published, arg_min(canonical_url, published_at) AS first_url
               {', arg_min(primary_country, published_at) FILTER (WHERE primary_country IS NOT NULL) AS article_country'
                if article_country else ''}
        FROM articles WHERE story_id IS NOT NULL GROUP BY story_id) a USING (story_id)""" if joined else ""
    return f"""
        SELECT s.story_id, s.title, s.first_seen, s.last_seen, s.sources, s.n_sources, s.n_articles, s.event_counts,
               {first} AS first_reported, CAST({first} AS DATE) AS day,
               {f"coalesce({', '.join(countries)})" if countries else "CAST(NULL AS VARCHAR)"} AS country,
               {"s.admin1" if "admin1" in cols else "CAST(NULL AS VARCHAR)"} AS admin1,
               CAST({place} AS VARCHAR) AS place,
               {"s.lat" if "lat" in cols else "CAST(NULL AS DOUBLE)"} AS lat,
               {"s.lon" if "lon" in cols else "CAST(NULL AS DOUBLE)"} AS lon,
               {"a.first_url" if joined else "CAST(NULL AS VARCHAR)"} AS first_url
        FROM stories_current s {join}"""


def story_facts(out: Output) -> str:
    """The story facts as a temp table, made once: several sections read them."""
    if "story_facts" not in out.tables_made:
        out.rows(f"CREATE TEMP TABLE story_facts AS {story_facts_sql(out)}")
        out.tables_made.add("story_facts")
    return "story_facts"


def latest_stories(out: Output, period: Period, limit: int = 25) -> list[dict[str, Any]]:
    if not out.has("stories"):
        return []
    return out.rows(f"""
        SELECT * FROM {story_facts(out)} WHERE {period.where('day')}
        ORDER BY last_seen DESC, n_sources DESC, story_id LIMIT {int(limit)}""")


def event_totals(out: Output, period: Period, grain: str) -> list[dict[str, Any]]:
    """People killed, wounded, detained, displaced per day (bucket), country and category, summed over
    stories: `low` sums the lower bounds (an open one counts 0), `high` the upper bounds (an open one
    counts its lower bound) and `open_high` says how many stories gave no upper bound ("at least")."""
    if not out.has("stories"):
        return []
    categories = ", ".join(f"'{c}'" for c in CATEGORIES)
    return out.rows(f"""
        WITH f AS (SELECT * FROM {story_facts(out)} WHERE {period.where('day')}),
             c AS (SELECT {_bucket('day', grain)} AS day, coalesce(country, '{UNKNOWN_COUNTRY}') AS country,
                          e.category AS category, e.low AS low, e.high AS high
                   FROM (SELECT day, country, unnest(event_counts) AS e FROM f)
                   WHERE e.category IN ({categories}) AND (e.low IS NOT NULL OR e.high IS NOT NULL)),
             top AS (SELECT country FROM c WHERE country <> '{UNKNOWN_COUNTRY}' GROUP BY country
                     ORDER BY sum(coalesce(low, high)) DESC, country LIMIT {TOP_COUNTRIES})
        SELECT day, CASE WHEN country IN (SELECT country FROM top) OR country = '{UNKNOWN_COUNTRY}' THEN country
                         ELSE '{OTHER} countries' END AS country,
               category, sum(coalesce(low, 0)) AS low, sum(coalesce(high, low)) AS high,
               count_if(high IS NULL) AS open_high, count(*) AS stories
        FROM c GROUP BY ALL ORDER BY category, day, country""")


def story_places(out: Output, period: Period, limit: int = 300) -> dict[str, list[dict[str, Any]]]:
    """Located stories grouped by place (points), and stories per country (the map's shading)."""
    if not out.has("stories"):
        return {"points": [], "countries": []}
    facts = f"SELECT * FROM {story_facts(out)} WHERE {period.where('day')}"
    points = out.rows(f"""
        WITH f AS ({facts}),
             k AS (SELECT story_id, sum(coalesce(e.low, 0)) AS killed
                   FROM (SELECT story_id, unnest(event_counts) AS e FROM f) WHERE e.category = 'killed' GROUP BY 1)
        SELECT round(lat, 2) AS lat, round(lon, 2) AS lon, coalesce(any_value(place), any_value(admin1)) AS place,
               any_value(country) AS country, count(*) AS stories, sum(coalesce(k.killed, 0)) AS killed,
               arg_max(title, n_sources) AS example
        FROM f LEFT JOIN k USING (story_id)
        WHERE lat IS NOT NULL AND lon IS NOT NULL
        GROUP BY 1, 2 ORDER BY stories DESC, killed DESC LIMIT {int(limit)}""")
    countries = out.rows(f"""
        SELECT country, count(*) AS stories FROM ({facts}) WHERE country IS NOT NULL
        GROUP BY country ORDER BY stories DESC, country""")
    return {"points": points, "countries": countries}


def located_share(out: Output, period: Period) -> dict[str, int]:
    if not out.has("stories"):
        return {"stories": 0, "located": 0, "with_country": 0}
    return out.rows(f"""
        SELECT count(*) AS stories, count_if(lat IS NOT NULL AND lon IS NOT NULL) AS located,
               count_if(country IS NOT NULL) AS with_country
        FROM {story_facts(out)} WHERE {period.where('day')}""")[0]


# ---------------------------------------------------------------- entities

def top_entities(out: Output, period: Period, grain: str, per_kind: int = 8) -> dict[str, list[dict[str, Any]]]:
    """The people, organisations and places in the most stories of the period, and per day (bucket) how
    many stories mentioned each. A story counts once however many copies mention the name."""
    if not out.has("articles", "entity_summary"):
        return {"ranking": [], "series": []}
    story = "coalesce(story_id, article_id)" if out.has("articles", "story_id") else "article_id"
    kinds = " ".join(f"WHEN '{label}' THEN '{kind}'" for label, kind in ENTITY_KINDS.items())
    mentions = f"""
        SELECT day, story, e.canonical AS name, CASE e.label {kinds} END AS kind, e.mentions AS mentions
        FROM (SELECT {_bucket('date', grain)} AS day, {story} AS story, unnest(entity_summary) AS e
              FROM articles WHERE {period.where('date')})"""
    ranking = out.rows(f"""
        WITH m AS ({mentions})
        SELECT kind, name, count(DISTINCT story) AS stories, sum(mentions) AS mentions FROM m
        WHERE kind IS NOT NULL AND name IS NOT NULL AND name <> '' GROUP BY kind, name
        QUALIFY row_number() OVER (PARTITION BY kind ORDER BY count(DISTINCT story) DESC, sum(mentions) DESC, name)
                <= {int(per_kind)}
        ORDER BY array_position({list(ENTITY_KIND_ORDER)}, kind), stories DESC, mentions DESC, name""")
    if not ranking:
        return {"ranking": [], "series": []}
    series = out.rows(f"""
        WITH m AS ({mentions}), r AS (SELECT unnest(?::VARCHAR[]) AS kind, unnest(?::VARCHAR[]) AS name)
        SELECT m.kind, m.name, m.day, count(DISTINCT m.story) AS stories FROM m JOIN r USING (kind, name)
        GROUP BY ALL ORDER BY m.kind, m.name, m.day""", [[r["kind"] for r in ranking], [r["name"] for r in ranking]])
    return {"ranking": ranking, "series": series}


# ---------------------------------------------------------------- runs (manifests)

def runs_table(out: Output, limit: int = 30) -> list[dict[str, Any]]:
    """The newest runs of the period, from their manifests: when, how long, what they wrote and what failed."""
    rows = []
    for manifest in out.manifests:
        counters = manifest.get("counters", {})
        started, finished = _parse_time(manifest.get("started_at")), _parse_time(manifest.get("finished_at"))
        rows.append({
            "run_id": manifest.get("run_id"), "mode": manifest.get("mode", "batch"), "started": started,
            "duration": (finished - started) if started and finished else None,
            "feeds_ok": counters.get("feeds_ok", 0), "feeds_failed": counters.get("feeds_failed", 0),
            "written": counters.get("article_rows_written", counters.get("written", 0)),
            "stories_new": counters.get("stories_new", 0), "stories_updated": counters.get("stories_updated", 0),
            "failed": counters.get("dead_lettered", 0),
            "failures": counters.get("dead_letters_by_error", {}),
        })
    epoch = datetime.min.replace(tzinfo=timezone.utc)
    return sorted(rows, key=lambda r: (r["started"] or epoch, str(r["run_id"])), reverse=True)[:limit]


# ---------------------------------------------------------------- helpers

def _parse_time(text: Any) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(str(text))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _group(rows: list[dict[str, Any]], key: str) -> dict[Any, list[dict[str, Any]]]:
    grouped: dict[Any, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(row[key], []).append(row)
    return grouped


def _top(rows: list[dict[str, Any]], key: str, weight: str, n: int) -> set[Any]:
    totals: dict[Any, int] = {}
    for row in rows:
        totals[row[key]] = totals.get(row[key], 0) + row[weight]
    return set(sorted(totals, key=lambda k: (-totals[k], str(k)))[:n])
