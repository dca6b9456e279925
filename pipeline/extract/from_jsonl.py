"""Article rows from texts extracted elsewhere (`wirebeam enrich --input FILE.jsonl`).

Each line is `{"id", "text"}` with optional `title`, `url`, `published_at`,
`language`. The text goes through the same wire-furniture split as fetched
pages, so bylines and credits never reach the entity or count stages.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, Iterator

import apache_beam as beam

from pipeline.extract.article import body_columns
from pipeline.extract.dates import as_utc
from pipeline.extract.language import detect_language
from pipeline.extract.wire import split_wire_furniture
from pipeline.records import DeadLetter, StageError

REQUIRED_FIELDS = ("id", "text")


def parse_published_at(value: Any) -> datetime | None:
    """ISO 8601 (a trailing Z allowed) or epoch seconds; naive times are UTC."""
    if value in (None, ""):
        return None
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, tz=timezone.utc)
    try:
        parsed = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError as error:
        raise StageError("bad_input", f"published_at {value!r} is not ISO 8601 (e.g. 2026-03-24T07:05:00Z)") from error
    return as_utc(parsed)


def article_from_record(record: Any, run_id: str, now: datetime) -> dict[str, Any]:
    """One input record -> an article row with empty enrichment columns."""
    if not isinstance(record, dict):
        raise StageError("bad_input", "each line must be a JSON object like {\"id\": \"a1\", \"text\": \"...\"}")
    missing = [name for name in REQUIRED_FIELDS if not str(record.get(name) or "").strip()]
    if missing:
        raise StageError("bad_input", f"missing {', '.join(missing)}: each line needs a non-empty id and text")
    published = parse_published_at(record.get("published_at"))
    wire = split_wire_furniture(str(record["text"]), published)
    text = wire.text.strip()
    if not text:
        raise StageError("no_text", "the text is only a byline, dateline or credits, no body")
    url = str(record.get("url") or f"urn:wirebeam:input:{record['id']}")
    return {
        "article_id": str(record["id"]),
        "url": url,
        "canonical_url": url,
        "feed_url": None,
        "feed_title": None,
        "item_link": None,
        "item_guid": None,
        "item_title": None,
        "item_summary": None,
        "item_updated": None,
        "source": None,
        "title": record.get("title"),
        "authors": [],
        "published_at": published or now,
        "published_at_source": "input" if published else "fetch",
        "fetched_at": now,
        "language": (str(record["language"]).lower()[:2] if record.get("language") else detect_language(text)),
        "description": None,
        "tags": [],
        "image_url": None,
        **body_columns(text, wire, run_id),
    }


class ParseJsonlRecordFn(beam.DoFn):
    DEAD_LETTERS = "dead_letters"

    def __init__(self, run_id: str, source: str) -> None:
        self._run_id = run_id
        self._source = source

    def process(self, line: str) -> Iterator[Any]:
        if not line.strip():
            return
        record: Any = None
        try:
            record = json.loads(line)
            yield article_from_record(record, self._run_id, datetime.now(timezone.utc))
        except json.JSONDecodeError as error:
            yield beam.pvalue.TaggedOutput(self.DEAD_LETTERS, DeadLetter(
                stage="extract", url=self._source, error_type="bad_input",
                message=f"a line is not JSON ({error}): {line[:80]!r}",
            ))
        except StageError as error:
            record_id = record.get("id") if isinstance(record, dict) else None
            yield beam.pvalue.TaggedOutput(self.DEAD_LETTERS, DeadLetter(
                stage="extract", url=str(record_id or self._source), error_type=error.error_type,
                message=f"{error.message} (line starting {line[:60]!r})",
            ))


class ReadJsonlArticles(beam.PTransform):
    """A JSONL file (local or gs://) -> article rows (main) and dead letters ('dead_letters')."""

    def __init__(self, path: str, run_id: str) -> None:
        super().__init__()
        self._path = path
        self._run_id = run_id

    def expand(self, pbegin):
        return (
            pbegin
            | "ReadLines" >> beam.io.ReadFromText(self._path)
            | "ParseRecords" >> beam.ParDo(ParseJsonlRecordFn(self._run_id, self._path)).with_outputs(
                ParseJsonlRecordFn.DEAD_LETTERS, main="articles"
            )
        )
