"""The output contract: Arrow schemas for articles and dead letters (stories: pipeline/stories/schema.py).

Defined once here; `schemas/article.v3.json`, `schemas/dead_letter.v1.json` and
`schemas/story.v2.json` are generated from these (`python -m pipeline.sinks.schema --write schemas/`)
and a test fails if they drift. Bump the version for any change a reader would
notice (a removed or retyped column); adding a nullable column is still a bump.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pyarrow as pa

ARTICLE_SCHEMA_VERSION = 3  # 2: story_id, version; 3: geo on places, countries, WARC provenance, count scope
DEAD_LETTER_SCHEMA_VERSION = 1

_TS = pa.timestamp("us", tz="UTC")

# A place resolved to its GeoNames feature (pipeline/enrich/geo); null when nothing fits.
GEO = pa.struct(
    [
        ("geonames_id", pa.int64()),
        ("name", pa.string()),
        ("feature_code", pa.string()),
        ("country_code", pa.string()),
        ("admin1_code", pa.string()),
        ("admin1", pa.string()),
        ("lat", pa.float64()),
        ("lon", pa.float64()),
        ("population", pa.int64()),
        ("confidence", pa.float64()),
    ]
)

ENTITY = pa.struct(
    [
        ("text", pa.string()),
        ("label", pa.string()),
        ("start", pa.int32()),
        ("end", pa.int32()),
        ("canonical", pa.string()),
        ("geo", GEO),
    ]
)

ENTITY_SUMMARY = pa.struct(
    [
        ("canonical", pa.string()),
        ("label", pa.string()),
        ("mentions", pa.int32()),
        ("first_start", pa.int32()),
        ("geo", GEO),
    ]
)

QUANTITY = pa.struct(
    [
        ("text", pa.string()),
        ("value", pa.float64()),
        ("low", pa.float64()),
        ("high", pa.float64()),
        ("approximate", pa.bool_()),
        ("qualifier", pa.string()),
        ("category", pa.string()),
        ("unit", pa.string()),
        ("object", pa.string()),
        ("trigger", pa.string()),
        ("negated", pa.bool_()),
        ("hypothetical", pa.bool_()),
        ("scope", pa.string()),
        ("attribution", pa.string()),
        ("place", pa.string()),
        ("place_geo", GEO),
        ("start", pa.int32()),
        ("end", pa.int32()),
        ("sentence_start", pa.int32()),
        ("sentence_end", pa.int32()),
    ]
)

EVENT_COUNT = pa.struct(
    [
        ("category", pa.string()),
        ("low", pa.int64()),
        ("high", pa.int64()),
        ("approximate", pa.bool_()),
        ("mentions", pa.int32()),
        ("scope", pa.string()),
    ]
)


def _field(name: str, type_: pa.DataType, doc: str, nullable: bool = True) -> pa.Field:
    return pa.field(name, type_, nullable=nullable, metadata={"doc": doc})


ARTICLE_SCHEMA = pa.schema(
    [
        _field("article_id", pa.string(), "sha256 (first 32 hex) of the canonical URL; stable across runs", False),
        _field("url", pa.string(), "URL fetched, after redirects", False),
        _field("canonical_url", pa.string(), "normalised canonical URL (page's rel=canonical if on the same site, else the fetched URL), tracking parameters removed", False),
        _field("feed_url", pa.string(), "feed the article was listed in"),
        _field("feed_title", pa.string(), "title of that feed"),
        _field("item_link", pa.string(), "link of the feed item, as listed (before redirects)"),
        _field("item_guid", pa.string(), "guid/id of the feed item"),
        _field("item_title", pa.string(), "title given in the feed item"),
        _field("item_summary", pa.string(), "summary/description of the feed item, as plain text"),
        _field("item_updated", _TS, "when the feed says the outlet revised the article (its updated time, if later than published); a revision is fetched again"),
        _field("source", pa.string(), "site name (page metadata, else the host)"),
        _field("title", pa.string(), "article title"),
        _field("authors", pa.list_(pa.string()), "author names, page metadata first, then feed item"),
        _field("published_at", _TS, "publication time, UTC", False),
        _field("published_at_source", pa.string(), "where published_at came from: page | feed | fetch", False),
        _field("fetched_at", _TS, "when the page was fetched, UTC; in a backfill the capture time (WARC-Date), or when the backfill read a record that has none", False),
        _field("language", pa.string(), "ISO 639-1 code (page metadata, else detected)"),
        _field("description", pa.string(), "page description / standfirst"),
        _field("tags", pa.list_(pa.string()), "categories and tags from page and feed, deduplicated"),
        _field("image_url", pa.string(), "main image"),
        _field("text", pa.string(), "clean body text", False),
        _field("word_count", pa.int32(), "whitespace-separated words in text", False),
        _field("content_sha256", pa.string(), "sha256 of the normalised body text (finds syndicated copies)", False),
        _field("story_id", pa.string(), "the story this article is a copy of: copies on other outlets, edited or updated, share it (stories/)"),
        _field("version", pa.int32(), "1 for an outlet's first copy of the story; 2, 3, ... when the same outlet re-issues it"),
        _field("byline", pa.string(), "byline as printed (By ...), kept out of the body"),
        _field("dateline_place", pa.string(), "place of the dateline (BAGHDAD, March 24 (Reuters) -)"),
        _field("dateline_geo", GEO, "the dateline's place resolved (where the reporter filed from: CAIRO for a story about Darfur)"),
        _field("agency", pa.string(), "news agency named in the dateline or credits"),
        _field("credits", pa.list_(pa.string()), "credit lines: (Reporting by ...; Editing by ...)"),
        _field("entities", pa.list_(ENTITY), "named-entity mentions with character offsets into text"),
        _field("entity_summary", pa.list_(ENTITY_SUMMARY), "one row per canonical entity, most mentioned first"),
        _field("countries", pa.list_(pa.string()), "ISO 3166-1 alpha-2 codes of the places mentioned, most mentioned first"),
        _field("primary_country", pa.string(), "the country the article is about (the most mentioned; the dateline weighs 1.5 mentions and breaks ties), ISO 3166-1 alpha-2"),
        _field("quantities", pa.list_(QUANTITY), "every numeric expression, with bounds and category"),
        _field("event_counts", pa.list_(EVENT_COUNT), "article-level estimate of distinct people per category"),
        _field("enrichment_status", pa.string(), "ok (possibly with a note, e.g. ok; truncated), partial: ..., or skipped: why (e.g. skipped: language=de, model is English)"),
        _field("warc_file", pa.string(), "WARC file the page was read from (backfill); null for live runs"),
        _field("warc_record_id", pa.string(), "WARC-Record-ID of that response record; null for live runs"),
        _field("warc_date", _TS, "WARC-Date: when the archive captured the page, UTC; null for live runs and for a record without one"),
        _field("run_id", pa.string(), "run that wrote the row", False),
    ],
    metadata={"wirebeam.schema": "article", "wirebeam.schema_version": str(ARTICLE_SCHEMA_VERSION)},
)

DEAD_LETTER_SCHEMA = pa.schema(
    [
        _field("stage", pa.string(), "feed_list | feed | page | extract | enrich | write", False),
        _field("url", pa.string(), "URL (or input id) of what failed", False),
        _field("feed_url", pa.string(), "feed the item came from"),
        _field("error_type", pa.string(), "stable error code, e.g. http_error, timeout, blocked_address", False),
        _field("message", pa.string(), "what happened and what to do next", False),
        _field("http_status", pa.int32(), "last HTTP status, if any"),
        _field("attempts", pa.int32(), "attempts made", False),
        _field("failed_at", _TS, "when it failed, UTC", False),
        _field("run_id", pa.string(), "run that recorded the failure", False),
    ],
    metadata={"wirebeam.schema": "dead_letter", "wirebeam.schema_version": str(DEAD_LETTER_SCHEMA_VERSION)},
)


def _type_to_json(t: pa.DataType) -> Any:
    if pa.types.is_struct(t):
        return {"struct": [{"name": f.name, "type": _type_to_json(f.type)} for f in t]}
    if pa.types.is_list(t):
        return {"list": _type_to_json(t.value_type)}
    return str(t)


def schema_to_json(schema: pa.Schema) -> dict[str, Any]:
    """A reader-facing description of a schema: names, types, nullability, docs."""
    meta = {k.decode(): v.decode() for k, v in (schema.metadata or {}).items()}
    return {
        "name": meta.get("wirebeam.schema"),
        "version": int(meta.get("wirebeam.schema_version", "0")),
        "fields": [
            {
                "name": f.name,
                "type": _type_to_json(f.type),
                "nullable": f.nullable,
                "doc": (f.metadata or {}).get(b"doc", b"").decode(),
            }
            for f in schema
        ],
    }


def published_schemas() -> dict[str, pa.Schema]:
    from pipeline.stories.schema import STORY_SCHEMA, STORY_SCHEMA_VERSION  # the stories stage owns its schema

    return {
        f"article.v{ARTICLE_SCHEMA_VERSION}.json": ARTICLE_SCHEMA,
        f"dead_letter.v{DEAD_LETTER_SCHEMA_VERSION}.json": DEAD_LETTER_SCHEMA,
        f"story.v{STORY_SCHEMA_VERSION}.json": STORY_SCHEMA,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="Write the published schema files.")
    parser.add_argument("--write", type=Path, required=True, help="folder to write schema JSON into")
    args = parser.parse_args()
    args.write.mkdir(parents=True, exist_ok=True)
    for name, schema in published_schemas().items():
        (args.write / name).write_text(json.dumps(schema_to_json(schema), indent=2) + "\n")
        print(args.write / name)


if __name__ == "__main__":
    main()
