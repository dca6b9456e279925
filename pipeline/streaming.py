"""Streaming mode: the same stages as the batch job, on an unbounded input.

    PeriodicImpulse (one tick per --poll-interval)
      -> the feed list, timestamped with the tick -> FixedWindows(--window-size)
      -> PollFeeds -> DedupeItems (per window)
      -> FirstSeen by canonical URL (global window, keyed state: survives windows)
      -> FetchPages -> ExtractArticles -> DedupeArticles (per window)
      -> FirstSeen by article id (global window, keyed state)
      -> EnrichArticles -> one set of date-partitioned Parquet files per window
      -> one manifest per window: OUTPUT/runs/<run_id>-<window start>.json

Every poll returns mostly items already seen: the keyed first-seen state
drops them before any page is fetched again. State in Beam is scoped per key
*and window*, so the first-seen steps run in the global window (their state
outlives every fixed window) and their elements are re-windowed after.
Seen keys expire after --seen-ttl (an event-time timer clears them), so state
does not grow without end.

Each window is written as a "run" named `<run_id>-<window start>`, with the
same file names and manifest as a batch run, so readers, `wirebeam failures`
and the state store treat a window like a finished scheduled run.

Where it runs: an unbounded pipeline needs a streaming runner (Dataflow, or
Flink through Beam's portable runner). Local runners cannot run it to
completion: the FnApiRunner only fires windows when the source ends, and the
BundleBasedDirectRunner does not run PeriodicImpulse. Locally, use
`wirebeam watch` (scheduled micro-batches); tests drive this graph with
TestStream instead of PeriodicImpulse (tests/streaming/).
"""

from __future__ import annotations

import logging
import sys
from datetime import datetime, timezone
from typing import Any, Iterable, Iterator, Tuple

import apache_beam as beam
from apache_beam.coders import VarIntCoder
from apache_beam.io.filesystems import FileSystems
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions, TestOptions
from apache_beam.transforms import window as beam_window
from apache_beam.transforms.periodicsequence import PeriodicImpulse
from apache_beam.transforms.timeutil import TimeDomain
from apache_beam.transforms.userstate import ReadModifyWriteStateSpec, TimerSpec, on_timer
from apache_beam.utils.timestamp import Duration, Timestamp

from pipeline.extract.dedupe import DUPLICATES, DedupeArticles
from pipeline.extract.transforms import ExtractArticles
from pipeline.feeds.transforms import PollFeeds
from pipeline.fetch.transforms import DedupeItems, FetchPages
from pipeline.options import WirebeamOptions
from pipeline.records import FeedSource
from pipeline.sinks.manifest import build_manifest, count_fact, dead_letter_fact, manifest_path, write_json_atomically
from pipeline.sinks.parquet import WrittenFile, partition_date, partition_file_path, shard_of, write_parquet_file
from pipeline.sinks.schema import ARTICLE_SCHEMA, DEAD_LETTER_SCHEMA

log = logging.getLogger(__name__)

LOCAL_RUNNERS = frozenset({"FnApiRunner", "DirectRunner", "BundleBasedDirectRunner", "SwitchingDirectRunner",
                           "PrismRunner"})


class StreamingOptions(PipelineOptions):
    """Options of `wirebeam run --streaming` (ignored by batch runs)."""

    @classmethod
    def _add_argparse_args(cls, parser) -> None:
        group = parser.add_argument_group("wirebeam streaming")
        group.add_argument("--poll-interval", "--poll_interval", dest="poll_interval", default="15m",
                           help="how often every feed is polled, e.g. 5m, 15m, 1h")
        group.add_argument("--window-size", "--window_size", dest="window_size", default=None,
                           help="fixed window of output files and manifests (default: the poll interval)")
        group.add_argument("--seen-ttl", "--seen_ttl", dest="seen_ttl", default="30d",
                           help="how long a seen URL or article id is remembered (event time), e.g. 7d, 30d")


# --- the pure parts -------------------------------------------------------------------------------------------


def window_run_id(run_id: str, window: beam_window.BoundedWindow) -> str:
    """The run id of one window's output: `<run_id>-<window start, UTC>`."""
    start = window.start.to_utc_datetime(has_tz=True) if hasattr(window, "start") else None
    return f"{run_id}-{start:%Y%m%dT%H%M%SZ}" if start else f"{run_id}-global"


def feeds_for_tick(_tick: Any, feeds: tuple[FeedSource, ...]) -> Iterator[FeedSource]:
    """One poll of every feed per tick (the element keeps the tick's timestamp)."""
    yield from feeds


def seconds(interval_text: str) -> float:
    from pipeline.schedule import parse_interval

    return parse_interval(interval_text).total_seconds()


# --- keyed state: what was seen in earlier windows --------------------------------------------------------------


class FirstSeenFn(beam.DoFn):
    """(key, value) -> value, the first time `key` is seen; later copies go to 'already_seen'.

    Runs in the global window so the state survives fixed windows. An event-time
    timer forgets the key `ttl_seconds` after it was first seen.
    """

    ALREADY_SEEN = "already_seen"
    SEEN = ReadModifyWriteStateSpec("first_seen_micros", VarIntCoder())
    EXPIRE = TimerSpec("expire", TimeDomain.WATERMARK)

    def __init__(self, ttl_seconds: float) -> None:
        self._ttl = Duration(seconds=ttl_seconds)

    def process(
        self,
        element: tuple[str, Any],
        timestamp=beam.DoFn.TimestampParam,
        seen=beam.DoFn.StateParam(SEEN),
        expire=beam.DoFn.TimerParam(EXPIRE),
    ) -> Iterator[Any]:
        _key, value = element
        if seen.read() is not None:
            yield beam.pvalue.TaggedOutput(self.ALREADY_SEEN, value)
            return
        seen.write(timestamp.micros)
        expire.set(timestamp + self._ttl)
        yield value

    @on_timer(EXPIRE)
    def forget(self, seen=beam.DoFn.StateParam(SEEN)) -> Iterable[Any]:
        seen.clear()
        return ()


class FirstSeen(beam.PTransform):
    """Elements -> those whose key was not seen in any earlier window (main), and the rest ('already_seen').

    Output elements keep their timestamps and are put back in `windowing`.
    """

    def __init__(self, key, ttl_seconds: float, window_seconds: float) -> None:
        super().__init__()
        self._key = key
        self._ttl = ttl_seconds
        self._window = window_seconds

    def expand(self, elements):
        key, size = self._key, self._window
        results = (
            elements
            # str keys: a deterministic key coder, as keyed state requires
            | "KeyForState" >> beam.Map(lambda element: (str(key(element)), element)).with_output_types(
                Tuple[str, Any]
            )
            | "IntoGlobalWindow" >> beam.WindowInto(beam_window.GlobalWindows())
            | "FirstSeen" >> beam.ParDo(FirstSeenFn(self._ttl)).with_outputs(FirstSeenFn.ALREADY_SEEN, main="new")
        )
        return {
            "new": results.new | "BackIntoWindows" >> beam.WindowInto(beam_window.FixedWindows(size)),
            FirstSeenFn.ALREADY_SEEN: results[FirstSeenFn.ALREADY_SEEN]
            | "SeenBackIntoWindows" >> beam.WindowInto(beam_window.FixedWindows(size)),
        }


# --- windowed output --------------------------------------------------------------------------------------------


class WriteWindowPartitionFn(beam.DoFn):
    """One (date, shard) group of one window -> one Parquet file named after the window's run id.

    The name depends only on (run, window, date, shard): a retried bundle rewrites
    the same file, and two windows never write the same file.
    """

    def __init__(self, kind: str, base: str, schema, run_id: str) -> None:
        self._kind, self._base, self._schema, self._run_id = kind, base, schema, run_id

    def process(self, element, window=beam.DoFn.WindowParam) -> Iterator[WrittenFile]:
        (date, shard), rows = element
        path = partition_file_path(self._base, date, window_run_id(self._run_id, window), shard)
        count = write_parquet_file(path, rows, self._schema)
        yield WrittenFile(kind=self._kind, path=path, partition=f"date={date}", rows=count)


class WriteWindowedParquet(beam.PTransform):
    """Windowed rows -> `BASE/date=YYYY-MM-DD/<run_id>-<window start>-<shard>.parquet`; emits WrittenFile."""

    def __init__(self, kind: str, base: str, schema, run_id: str, *, date_column: str, key_column: str,
                 shards: int = 1) -> None:
        super().__init__()
        self._kind, self._base, self._schema, self._run_id = kind, base, schema, run_id
        self._date_column, self._key_column, self._shards = date_column, key_column, max(1, shards)

    def expand(self, rows):
        date_column, key_column, shards = self._date_column, self._key_column, self._shards
        return (
            rows
            | "KeyByPartition" >> beam.Map(
                lambda row: ((partition_date(row[date_column]), shard_of(str(row[key_column]), shards)), row)
            )
            | "GroupByPartition" >> beam.GroupByKey()
            | "WriteFiles" >> beam.ParDo(WriteWindowPartitionFn(self._kind, self._base, self._schema, self._run_id))
        )


class WriteWindowManifestFn(beam.DoFn):
    """Once per window, after the window's files: `OUTPUT/runs/<run_id>-<window start>.json`."""

    def __init__(self, output: str, run: dict[str, Any]) -> None:
        self._output, self._run = output, run

    def process(self, element, window=beam.DoFn.WindowParam) -> Iterator[str]:
        _key, groups = element
        run_id = window_run_id(self._run["run_id"], window)
        counts: dict[tuple[str, str], int] = {}
        for fact in groups["facts"]:
            counts[fact] = counts.get(fact, 0) + 1
        document = build_manifest(
            run={**self._run, "run_id": run_id, "stream_run_id": self._run["run_id"],
                 "window_start": window.start.to_utc_datetime(has_tz=True).isoformat(),
                 "window_end": window.end.to_utc_datetime(has_tz=True).isoformat()},
            counts=counts.items(),
            feed_statuses=groups["feed_status"],
            files=groups["files"],
            finished_at=datetime.now(timezone.utc),
        )
        path = manifest_path(self._output, run_id)
        write_json_atomically(path, document)
        yield path


# --- the graph --------------------------------------------------------------------------------------------------


class StreamingIngest(beam.PTransform):
    """Timestamped FeedSources (one copy of the feed list per poll) -> windowed output; emits manifest paths."""

    def __init__(self, plan, options: PipelineOptions) -> None:
        super().__init__()
        self._plan = plan
        self._options = options

    def expand(self, feeds):
        plan, wb = self._plan, self._options.view_as(WirebeamOptions)
        stream = self._options.view_as(StreamingOptions)
        size = seconds(stream.window_size or stream.poll_interval)
        ttl = seconds(stream.seen_ttl)
        run_id = plan.run_id

        windowed = feeds | "FixedWindows" >> beam.WindowInto(beam_window.FixedWindows(size))
        polled = windowed | "PollFeeds" >> PollFeeds(plan.policy)
        items = polled.items | "DedupeItems" >> DedupeItems()
        new_items = items | "NewItems" >> FirstSeen(_item_key, ttl, size)
        fetched = new_items["new"] | "FetchPages" >> FetchPages(plan.policy, concurrency=wb.fetch_concurrency)
        extracted = fetched.pages | "ExtractArticles" >> ExtractArticles(run_id)
        deduped = extracted.articles | "DedupeArticles" >> DedupeArticles()
        distinct = deduped.kept
        new_articles = distinct | "NewArticles" >> FirstSeen(lambda row: row["article_id"], ttl, size)
        articles = new_articles["new"]
        dead_letter_sets = [polled.dead_letters, fetched.dead_letters, extracted.dead_letters]
        if not wb.no_enrich:
            from pipeline.enrich.transforms import EnrichArticles

            enriched = articles | "EnrichArticles" >> EnrichArticles(
                spacy_model=wb.spacy_model, with_parser=wb.spacy_parser
            )
            articles = enriched.articles
            dead_letter_sets.append(enriched.dead_letters)
        articles = articles | "WindowRunId" >> beam.ParDo(_SetWindowRunId(run_id))

        articles_out = articles | "WriteArticles" >> WriteWindowedParquet(
            "articles", FileSystems.join(plan.output, "articles"), ARTICLE_SCHEMA, run_id,
            date_column="published_at", key_column="article_id", shards=wb.output_shards,
        )
        dead_letters = tuple(dead_letter_sets) | "AllDeadLetters" >> beam.Flatten()
        dead_out = (
            dead_letters
            | "DeadLetterRows" >> beam.ParDo(_DeadLetterRow(run_id))
            | "WriteDeadLetters" >> WriteWindowedParquet(
                "dead_letters", FileSystems.join(plan.output, "dead_letters"), DEAD_LETTER_SCHEMA, run_id,
                date_column="failed_at", key_column="url",
            )
        )
        facts = (
            polled.items | "CountItemsSeen" >> beam.Map(lambda it: count_fact("items_seen", it.feed_url)),
            new_items["new"] | "CountItemsQueued" >> beam.Map(lambda it: count_fact("items_queued", it.feed_url)),
            new_items["already_seen"] | "CountSeenItems" >> beam.Map(
                lambda it: count_fact("items_already_written", it.feed_url)
            ),
            fetched.pages | "CountPagesFetched" >> beam.Map(lambda page: count_fact("pages_fetched", page.item.feed_url)),
            extracted.articles | "CountExtracted" >> beam.Map(lambda row: count_fact("extracted", row.get("feed_url"))),
            distinct | "CountDistinct" >> beam.Map(lambda row: count_fact("distinct_articles", row.get("feed_url"))),
            deduped[DUPLICATES] | "CountDuplicates" >> beam.Map(
                lambda row: count_fact("duplicate_copies", row.get("feed_url"))
            ),
            new_articles["already_seen"] | "CountSeenArticles" >> beam.Map(
                lambda row: count_fact("articles_already_written", row.get("feed_url"))
            ),
            articles | "CountEnriched" >> beam.Map(
                lambda row: count_fact(
                    "enriched" if (row.get("enrichment_status") or "").startswith("ok") else "not_enriched", row.get("feed_url")
                )
            ),
            articles | "CountWritten" >> beam.Map(lambda row: count_fact("written", row.get("feed_url"))),
            dead_letters | "CountDeadLetters" >> beam.Map(dead_letter_fact),
        ) | "AllFacts" >> beam.Flatten()
        files = (articles_out, dead_out) | "AllFiles" >> beam.Flatten()
        run = {
            "run_id": run_id,
            "mode": "streaming",
            "started_at": plan.started_at.isoformat(),
            "output": plan.output,
            "feeds_listed": len(plan.feeds),
            "window_seconds": size,
        }
        return (
            {
                "facts": facts | "FactsByWindow" >> beam.Map(lambda fact: (None, fact)),
                "feed_status": polled.feed_status | "StatusByWindow" >> beam.Map(lambda status: (None, status)),
                "files": files | "FilesByWindow" >> beam.Map(lambda f: (None, f)),
            }
            | "GatherWindow" >> beam.CoGroupByKey()
            | "WriteManifest" >> beam.ParDo(WriteWindowManifestFn(plan.output, run))
        )


def _item_key(item) -> str:
    from pipeline.state.transforms import item_key

    return item_key(item)


class _SetWindowRunId(beam.DoFn):
    """Rows carry the run id of the window they are written in (their file's name)."""

    def __init__(self, run_id: str) -> None:
        self._run_id = run_id

    def process(self, row, window=beam.DoFn.WindowParam):
        yield {**row, "run_id": window_run_id(self._run_id, window)}


class _DeadLetterRow(beam.DoFn):
    def __init__(self, run_id: str) -> None:
        self._run_id = run_id

    def process(self, letter, window=beam.DoFn.WindowParam):
        yield {**letter.as_row(), "run_id": window_run_id(self._run_id, window)}


def build_streaming_pipeline(p: beam.Pipeline, plan, options: PipelineOptions) -> None:
    """The production source: a tick every --poll-interval from now on, each tick polling every feed."""
    stream = options.view_as(StreamingOptions)
    feeds = plan.feeds
    start = Timestamp.of(plan.started_at.timestamp())  # explicit: the default is fixed at import time
    (
        p
        | "PollTicks" >> PeriodicImpulse(start_timestamp=start, fire_interval=seconds(stream.poll_interval))
        | "FeedList" >> beam.FlatMap(feeds_for_tick, feeds)
        | "StreamingIngest" >> StreamingIngest(plan, options)
    )


def plan_streaming(options: PipelineOptions):
    """Output, run id, fetch policy and feed list, read on the launcher. No state is read or moved:
    the streaming job keeps its seen keys in Beam state."""
    from pipeline.feeds.feedlist import load_feed_list
    from pipeline.records import DeadLetter
    from pipeline.run import RunPlan, _launcher_fetch, fetch_policy_from, plan_output
    from pipeline.state.store import state_root

    wb = options.view_as(WirebeamOptions)
    if not wb.feeds:
        raise ValueError("--feeds is required: a feed list (OPML, YAML, text) or a feed URL")
    seconds(options.view_as(StreamingOptions).poll_interval)  # fail fast on a bad interval
    output, run_id, started_at = plan_output(options)
    policy = fetch_policy_from(wb)
    feed_list = load_feed_list(wb.feeds, fetch=_launcher_fetch(policy))
    problems = tuple(
        DeadLetter(stage="feed_list", url=wb.feeds, error_type="bad_entry", message=warning)
        for warning in feed_list.warnings
    )
    return RunPlan(run_id, output, tuple(feed_list.feeds), problems, policy, started_at,
                   state_root=state_root(output, wb.state))


def check_streaming_runner(options: PipelineOptions) -> None:
    runner = options.view_as(StandardOptions).runner or ""
    name = runner if isinstance(runner, str) else type(runner).__name__
    if name in LOCAL_RUNNERS and not options.view_as(TestOptions).dry_run:
        raise ValueError(
            f"--streaming needs a streaming runner (DataflowRunner, or FlinkRunner/PortableRunner): {name} cannot "
            "run an unbounded pipeline to completion. Locally, run the bounded job on a schedule: "
            "wirebeam watch --every 15m --feeds ... --output ..."
        )


def run_streaming(argv: list[str]):
    """Plan, build and submit the streaming job; returns (plan, result) without waiting (it never ends)."""
    from pipeline.run import check_enrichment_ready, pipeline_options_from

    options = pipeline_options_from(argv)
    options.view_as(StandardOptions).streaming = True
    check_streaming_runner(options)
    check_enrichment_ready(options)
    plan = plan_streaming(options)
    p = beam.Pipeline(options=options)
    build_streaming_pipeline(p, plan, options)
    return plan, p.run()


def launch_streaming(argv: list[str]) -> int:
    """`wirebeam run --streaming`: submit, say where output goes, return (the job runs until cancelled)."""
    plan, result = run_streaming(argv)
    job_id = result.job_id() if hasattr(result, "job_id") else None  # DataflowPipelineResult has one
    print(
        f"wirebeam streaming job {plan.run_id} submitted{f' (job id {job_id})' if job_id else ''}.\n"
        f"  each window writes {plan.output}/articles/date=*/{plan.run_id}-<window start>-*.parquet\n"
        f"  and, last, its manifest {plan.output}/runs/{plan.run_id}-<window start>.json\n"
        "  it runs until you cancel or drain it (gcloud dataflow jobs drain JOB_ID --region R)."
    )
    sys.stdout.flush()
    return 0
