"""The run manifest: `OUTPUT/runs/<run_id>.json`, written last.

It is computed inside the pipeline (not from runner metrics) so it is the same
on every runner, and it is written by a step that waits for every data file,
so its presence means the run finished. Readers should trust the files it
lists, not a folder listing (renames on object stores are not atomic).
"""

from __future__ import annotations

import json
import uuid
from collections import Counter, defaultdict
from datetime import datetime, timezone
from typing import Any, Iterable, Iterator

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems

from pipeline.records import DeadLetter
from pipeline.sinks.parquet import WrittenFile
from pipeline.sinks.schema import ARTICLE_SCHEMA_VERSION, DEAD_LETTER_SCHEMA_VERSION
from pipeline.sinks.windows import output_run_id, window_fields
from pipeline.stories.schema import STORY_SCHEMA_VERSION

# Stage counters, in the order of the data's journey.
STAGE_COUNTERS = (
    "items_seen", "items_already_written", "items_in_flight", "items_queued", "pages_fetched", "extracted",
    "distinct_articles", "duplicate_copies", "articles_already_written", "articles_in_flight", "enriched",
    "not_enriched", "written", "stories_new", "stories_updated",
)
# items_in_flight / articles_in_flight: streaming only, work a recent window let through
# whose output is not in the seen state yet (state/live.py); it is not done twice.


def manifest_path(output: str, run_id: str) -> str:
    return FileSystems.join(output, "runs", f"{run_id}.json")


def count_fact(counter: str, feed_url: str | None) -> tuple[str, str]:
    """A fact counted for the manifest: (counter, feed_url or '')."""
    return (counter, feed_url or "")


def dead_letter_fact(letter: DeadLetter) -> tuple[str, str]:
    return (f"dead_letter:{letter.stage}:{letter.error_type}", letter.feed_url or "")


def one_status_per_feed(statuses: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """A feed polled more than once in a run (a streaming window longer than the poll interval) is one
    feed: its status is that of a poll that worked, if any did (the failed polls keep their dead letters)."""
    chosen: dict[str, dict[str, Any]] = {}
    for status in statuses:
        held = chosen.get(status["feed_url"])
        if held is None or (status.get("ok") and not held.get("ok")):
            chosen[status["feed_url"]] = status
    return [chosen[url] for url in sorted(chosen)]


def build_manifest(
    *,
    run: dict[str, Any],
    counts: Iterable[tuple[tuple[str, str], int]],
    feed_statuses: Iterable[dict[str, Any]],
    files: Iterable[WrittenFile],
    finished_at: datetime,
) -> dict[str, Any]:
    """Assemble the manifest from what the pipeline counted and wrote (pure)."""
    totals: Counter[str] = Counter()
    per_feed: dict[str, Counter[str]] = defaultdict(Counter)
    by_stage: Counter[str] = Counter()
    by_error: Counter[str] = Counter()
    for (counter, feed_url), n in counts:
        if counter.startswith("dead_letter:"):
            _, stage, error_type = counter.split(":", 2)
            by_stage[stage] += n
            by_error[f"{stage}:{error_type}"] += n
            totals["dead_lettered"] += n
            if feed_url:
                per_feed[feed_url]["dead_lettered"] += n
            continue
        totals[counter] += n
        if feed_url:
            per_feed[feed_url][counter] += n

    feeds = []
    statuses = one_status_per_feed(feed_statuses)
    for status in statuses:
        tally = per_feed.get(status["feed_url"], Counter())
        feeds.append(
            {
                "feed_url": status["feed_url"],
                "title": status.get("title"),
                "ok": bool(status.get("ok")),
                "error_type": status.get("error_type"),
                "warnings": list(status.get("warnings") or []),
                "not_modified": bool(status.get("not_modified")),
                "etag": status.get("etag"),
                "last_modified": status.get("last_modified"),
                **{name: tally.get(name, 0) for name in (*STAGE_COUNTERS, "dead_lettered")},
            }
        )

    files_by_kind: dict[str, list[dict[str, Any]]] = {"articles": [], "dead_letters": [], "state": []}
    for f in sorted(files, key=lambda f: (f.kind, f.path)):
        files_by_kind.setdefault(f.kind, []).append({"path": f.path, "partition": f.partition, "rows": f.rows})

    counters = {
        "feeds_ok": sum(1 for s in statuses if s.get("ok")),
        "feeds_failed": sum(1 for s in statuses if not s.get("ok")),
        **{name: totals.get(name, 0) for name in STAGE_COUNTERS},
        # A job's own facts (backfill's warc_*), after the stage counters every job shares.
        **{name: n for name, n in sorted(totals.items()) if name not in STAGE_COUNTERS and name != "dead_lettered"},
        "dead_lettered": totals.get("dead_lettered", 0),
        "dead_letters_by_stage": dict(sorted(by_stage.items())),
        "dead_letters_by_error": dict(sorted(by_error.items())),
        "article_rows_written": sum(f["rows"] for f in files_by_kind["articles"]),
        "dead_letter_rows_written": sum(f["rows"] for f in files_by_kind["dead_letters"]),
    }
    return {
        **run,
        "status": "finished",
        "finished_at": finished_at.astimezone(timezone.utc).isoformat(),
        "schema_versions": {"article": ARTICLE_SCHEMA_VERSION, "dead_letter": DEAD_LETTER_SCHEMA_VERSION,
                            "story": STORY_SCHEMA_VERSION},
        "counters": counters,
        "feeds": feeds,
        "files": files_by_kind,
    }


def write_json_atomically(path: str, document: dict[str, Any]) -> None:
    folder = path.rsplit("/", 1)[0]
    try:
        FileSystems.mkdirs(folder)
    except (IOError, OSError):
        pass
    temp_path = FileSystems.join(folder, f".{uuid.uuid4().hex}.tmp")
    with FileSystems.create(temp_path, mime_type="application/json") as sink:
        sink.write(json.dumps(document, indent=2, default=str).encode("utf-8"))
    if FileSystems.exists(path):
        FileSystems.delete([path])
    FileSystems.rename([temp_path], [path])


def read_manifest(path: str) -> dict[str, Any]:
    with FileSystems.open(path) as source:
        return json.loads(source.read().decode("utf-8"))


def gathered_facts(gathered: dict[str, Iterable[Any]]) -> dict[str, Any]:
    """What CoGroupByKey gathered for one run -> build_manifest's keyword arguments."""
    return {
        "counts": list(gathered.get("counts", ())),
        "feed_statuses": list(gathered.get("feed_status", ())),
        "files": list(gathered.get("files", ())),
    }


class WriteManifestFn(beam.DoFn):
    """Once per run (the whole job in batch, each window in streaming), after every file of it:
    deletes the run's temp rows, then writes `OUTPUT/runs/<run id>.json`."""

    def __init__(self, output: str, run: dict[str, Any]) -> None:
        self._output = output
        self._run = run

    def process(self, element: tuple[Any, dict[str, Iterable[Any]]], window=beam.DoFn.WindowParam) -> Iterator[str]:
        from pipeline.sinks.staging import delete_staging, staging_folder

        _key, gathered = element
        run_id = output_run_id(self._run["run_id"], window)
        delete_staging(staging_folder(self._output, run_id))  # every data file is final by now
        document = build_manifest(
            run={**self._run, "run_id": run_id, **window_fields(self._run["run_id"], window)},
            finished_at=datetime.now(timezone.utc),
            **gathered_facts(gathered),
        )
        path = manifest_path(self._output, run_id)
        write_json_atomically(path, document)
        yield path


class WriteManifest(beam.PTransform):
    """(facts, feed statuses, written files) -> one manifest per run; emits its path.

    Facts are counted per window, then gathered with the statuses and files of
    the same window by one CoGroupByKey: it fires once every file of the
    window is written, so the manifest is last. `bounded`: a batch job writes
    its manifest even when nothing at all came in (an empty run is a finished
    run); a streaming window with no input has nothing to report.
    """

    def __init__(self, output: str, run: dict[str, Any], *, bounded: bool = True) -> None:
        super().__init__()
        self._output = output
        self._run = run
        self._bounded = bounded

    def expand(self, inputs):
        facts, feed_statuses, files = inputs
        gathered = {
            "counts": facts | "CountFacts" >> beam.combiners.Count.PerElement() | "CountsByRun" >> beam.Map(_by_run),
            "feed_status": feed_statuses | "StatusByRun" >> beam.Map(_by_run),
            "files": files | "FilesByRun" >> beam.Map(_by_run),
        }
        if self._bounded:
            gathered["once"] = facts.pipeline | "Once" >> beam.Create([(None, None)])
        return (
            gathered
            | "GatherRun" >> beam.CoGroupByKey()
            | "Write" >> beam.ParDo(WriteManifestFn(self._output, self._run))
        )


def _by_run(value: Any) -> tuple[None, Any]:
    return (None, value)
