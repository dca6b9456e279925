"""The published schema files match the Arrow schemas in code."""

import json
from pathlib import Path

import pyarrow as pa

from pipeline.sinks.schema import ARTICLE_SCHEMA, published_schemas, schema_to_json

SCHEMAS_DIR = Path(__file__).resolve().parents[2] / "schemas"


def test_every_published_schema_file_matches_the_code():
    for name, schema in published_schemas().items():
        on_disk = json.loads((SCHEMAS_DIR / name).read_text())
        assert on_disk == schema_to_json(schema), (
            f"schemas/{name} drifted from pipeline/sinks/schema.py: run `make schemas` and bump the version "
            "if readers would notice"
        )


def test_no_stray_schema_files():
    assert sorted(p.name for p in SCHEMAS_DIR.glob("*.json")) == sorted(published_schemas())


def test_article_schema_has_the_contract_columns():
    required = {
        "article_id", "url", "canonical_url", "feed_url", "feed_title", "source", "title", "authors",
        "published_at", "published_at_source", "fetched_at", "language", "description", "tags", "text",
        "word_count", "content_sha256", "run_id", "entities", "quantities",
    }
    assert required <= set(ARTICLE_SCHEMA.names)
    assert ARTICLE_SCHEMA.field("published_at").type == pa.timestamp("us", tz="UTC")
    assert pa.types.is_list(ARTICLE_SCHEMA.field("authors").type)


def test_schema_json_describes_nested_types():
    described = schema_to_json(ARTICLE_SCHEMA)
    entities = next(f for f in described["fields"] if f["name"] == "entities")
    assert [f["name"] for f in entities["type"]["list"]["struct"]] == ["text", "label", "start", "end", "canonical", "geo"]
    geo = next(f for f in entities["type"]["list"]["struct"] if f["name"] == "geo")
    assert "country_code" in [f["name"] for f in geo["type"]["struct"]]
    assert described["version"] >= 3
