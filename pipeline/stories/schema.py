"""Arrow schemas of the stories output and of the story records kept in the state store."""

from __future__ import annotations

import pyarrow as pa

from pipeline.sinks.schema import ENTITY_SUMMARY, EVENT_COUNT, GEO, _field

STORY_SCHEMA_VERSION = 2  # 2: the main place (country_code, admin1, lat, lon)
_TS = pa.timestamp("us", tz="UTC")

# One category's count merged over a story's reports: the latest report's figure, and the
# spread across outlets and updates, so a rising or disputed toll stays visible.
STORY_COUNT = pa.struct(
    [
        ("category", pa.string()),
        ("low", pa.int64()),
        ("high", pa.int64()),
        ("approximate", pa.bool_()),
        ("min_reported", pa.int64()),
        ("max_reported", pa.int64()),
        ("n_reports", pa.int32()),
        ("latest_article_id", pa.string()),
    ]
)

STORY_SCHEMA = pa.schema(
    [
        _field("story_id", pa.string(), "one story however many outlets carry it; articles.story_id", False),
        _field("first_seen", _TS, "when wirebeam first fetched a copy, UTC (the date= partition)", False),
        _field("last_seen", _TS, "when wirebeam last fetched a copy, UTC", False),
        _field("title", pa.string(), "title of the representative copy"),
        _field("representative_article_id", pa.string(), "the earliest copy (ties: the longest)", False),
        _field("article_ids", pa.list_(pa.string()), "every copy recorded so far", False),
        _field("sources", pa.list_(pa.string()), "outlets that carried it, first first", False),
        _field("n_sources", pa.int32(), "distinct outlets", False),
        _field("n_articles", pa.int32(), "copies recorded so far", False),
        _field("languages", pa.list_(pa.string()), "languages of the copies"),
        _field("top_entities", pa.list_(ENTITY_SUMMARY), "entities of the representative copy, most mentioned first"),
        _field("event_counts", pa.list_(STORY_COUNT), "per category: the latest report's figure and the spread over reports"),
        _field("place", GEO, "the story's main place: the representative copy's dateline place if in its primary country, else its most mentioned place there"),
        _field("country_code", pa.string(), "ISO 3166-1 alpha-2 of the main place"),
        _field("admin1", pa.string(), "first-level division (province, state) of the main place"),
        _field("lat", pa.float64(), "latitude of the main place (its GeoNames feature)"),
        _field("lon", pa.float64(), "longitude of the main place (its GeoNames feature)"),
        _field("run_id", pa.string(), "run that wrote this row; the newest row per story_id is the current view", False),
    ],
    metadata={"wirebeam.schema": "story", "wirebeam.schema_version": str(STORY_SCHEMA_VERSION)},
)

# What a run records per article it wrote (state store, not for readers): enough to match a later
# copy (signature) and to merge the story's counts without reading the articles again.
STORY_STATE_SCHEMA = pa.schema(
    [
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("story_id", pa.string(), nullable=False),
        pa.field("story_first_seen", _TS, nullable=False),
        pa.field("source", pa.string()),
        pa.field("published_at", _TS),
        pa.field("fetched_at", _TS, nullable=False),
        pa.field("title", pa.string()),
        pa.field("language", pa.string()),
        pa.field("word_count", pa.int32()),
        pa.field("signature", pa.binary(), nullable=False),
        pa.field("event_counts", pa.list_(EVENT_COUNT)),
        pa.field("top_entities", pa.list_(ENTITY_SUMMARY)),
        pa.field("place", GEO),  # the article's main place; records written before it read as null
        pa.field("run_id", pa.string(), nullable=False),
    ],
    metadata={"wirebeam.schema": "story_state", "wirebeam.schema_version": "2"},
)
