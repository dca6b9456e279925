"""Streaming mode: the one job graph (job.py) on an unbounded input.

    PeriodicImpulse (one tick per --poll-interval)
      -> the feed list, timestamped with the tick -> FixedWindows(--window-size)
      -> IngestFeeds -> EnrichAndWrite, as in a batch run, with two differences:
         each window is written as a run of its own, `<run_id>-<window start>`
         (files, seen state and manifest, like a finished scheduled run), and
         the seen state is the store read as it grows plus a lease on work in
         flight (state/live.py), instead of a snapshot taken at the start.

So a page that failed is tried again after --retry-after, as the next
scheduled batch run would; what streaming wrote is in the seen state a later
batch run reads, and the reverse.

Where it runs: an unbounded pipeline needs a streaming runner (Dataflow, or
Flink through Beam's portable runner). Local runners cannot run it to
completion: the FnApiRunner only fires windows when the source ends, and the
BundleBasedDirectRunner does not run PeriodicImpulse. Locally, use
`wirebeam watch` (scheduled micro-batches); tests drive this graph with
TestStream instead of PeriodicImpulse (tests/streaming/).
"""

from __future__ import annotations

import sys
from typing import Any, Iterator

import apache_beam as beam
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions, TestOptions
from apache_beam.transforms import window as beam_window
from apache_beam.transforms.periodicsequence import PeriodicImpulse
from apache_beam.utils.timestamp import Timestamp

from pipeline.errors import UsageError
from pipeline.job import EnrichAndWrite, IngestFeeds
from pipeline.plan import RunPlan, check_enrichment_ready, new_pipeline, plan_run
from pipeline.records import FeedSource
from pipeline.state.live import LiveSeen

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
        group.add_argument("--retry-after", "--retry_after", dest="retry_after", default=None,
                           help="how long an item or article let through is not taken again while its window "
                                "is written; a page that failed is tried again after it (event time; default: "
                                "two windows, at least 30m), e.g. 1h")


def seconds(interval_text: str, flag: str) -> float:
    from pipeline.schedule import parse_interval

    return parse_interval(interval_text, flag=flag).total_seconds()


def streaming_timing(options: PipelineOptions) -> tuple[float, float]:
    """(window seconds, lease seconds), checked: a lease shorter than a window would let work in flight
    be taken twice within a window's writing. A lease of exactly one window retries a failed page in
    the next window, which may start before the previous window's output is in the store; the
    default, two windows and at least 30 minutes, leaves a window that much time to be written."""
    stream = options.view_as(StreamingOptions)
    poll = seconds(stream.poll_interval, "--poll-interval")
    window = seconds(stream.window_size, "--window-size") if stream.window_size else poll
    lease = seconds(stream.retry_after, "--retry-after") if stream.retry_after else max(2 * window, 1800.0)
    if lease < window:
        raise UsageError(f"--retry-after ({stream.retry_after}) must be at least one window ({window:g} s)")
    return window, lease


def feeds_for_tick(_tick: Any, feeds: tuple[FeedSource, ...]) -> Iterator[FeedSource]:
    """One poll of every feed per tick (the element keeps the tick's timestamp)."""
    yield from feeds


class StreamingIngest(beam.PTransform):
    """Timestamped FeedSources (one copy of the feed list per poll) -> windowed output; emits manifest paths."""

    def __init__(self, plan: RunPlan, options: PipelineOptions) -> None:
        super().__init__()
        self._plan = plan
        self._options = options

    def expand(self, feeds):
        plan, options = self._plan, self._options
        size, lease = streaming_timing(options)
        windowing = beam_window.FixedWindows(size)
        seen = LiveSeen(plan.output, plan.state_root, lease, windowing, job=plan.run_id)
        start = Timestamp.of(plan.started_at.timestamp())
        problems = (
            feeds.pipeline
            | "FeedListProblems" >> beam.Create(list(plan.feed_list_problems))
            # reported with the first window's run, like a batch run reports them
            | "AtStart" >> beam.Map(lambda problem: beam.window.TimestampedValue(problem, start))
            | "ProblemsIntoWindows" >> beam.WindowInto(windowing)
        )
        ingested = (
            feeds
            | "FixedWindows" >> beam.WindowInto(windowing)
            | "IngestFeeds" >> IngestFeeds(plan, options, seen)
        )
        return {**ingested, "dead_letters:feed_list": problems} | "EnrichAndWrite" >> EnrichAndWrite(
            plan, options, seen, bounded=False, windowing=windowing
        )


def build_streaming_pipeline(p: beam.Pipeline, plan: RunPlan, options: PipelineOptions) -> None:
    """The production source: a tick every --poll-interval from now on, each tick polling every feed."""
    stream = options.view_as(StreamingOptions)
    feeds = plan.feeds
    start = Timestamp.of(plan.started_at.timestamp())  # explicit: the default is fixed at import time
    (
        p
        | "PollTicks" >> PeriodicImpulse(start_timestamp=start,
                                         fire_interval=seconds(stream.poll_interval, "--poll-interval"))
        | "FeedList" >> beam.FlatMap(feeds_for_tick, feeds)
        | "StreamingIngest" >> StreamingIngest(plan, options)
    )


def check_streaming_runner(options: PipelineOptions) -> None:
    runner = options.view_as(StandardOptions).runner or ""
    name = runner if isinstance(runner, str) else type(runner).__name__
    if name in LOCAL_RUNNERS and not options.view_as(TestOptions).dry_run:
        raise UsageError(
            f"--streaming needs a streaming runner (DataflowRunner, or FlinkRunner/PortableRunner): {name} cannot "
            "run an unbounded pipeline to completion. Locally, run the bounded job on a schedule: "
            "wirebeam watch --every 15m --feeds ... --output ..."
        )


def streaming_options_from(argv: list[str]) -> PipelineOptions:
    """The streaming job's options, checked before anything is read, locked or written."""
    from pipeline.run import pipeline_options_from

    options = pipeline_options_from(argv)
    options.view_as(StandardOptions).streaming = True
    check_streaming_runner(options)
    streaming_timing(options)
    return options


def run_streaming(argv: list[str]):
    """Plan, build and submit the streaming job; returns (plan, result) without waiting (it never ends)."""
    options = streaming_options_from(argv)
    check_enrichment_ready(options)
    plan = plan_run(options)
    p = new_pipeline(options)
    build_streaming_pipeline(p, plan, options)
    return plan, p.run()


def launch_streaming(argv: list[str]) -> int:
    """`wirebeam run --streaming`: submit, say where output goes, return (the job runs until cancelled)."""
    plan, result = run_streaming(argv)
    if plan.dry_run:
        from pipeline.dry_run import describe_dry_run

        print(describe_dry_run(plan, result, argv))
        return 0
    job_id = result.job_id() if hasattr(result, "job_id") else None  # DataflowPipelineResult has one
    print(
        f"wirebeam streaming job {plan.run_id} submitted{f' (job id {job_id})' if job_id else ''}.\n"
        f"  each window writes {plan.output}/articles/date=*/{plan.run_id}-<window start>-*.parquet\n"
        f"  and, last, its manifest {plan.output}/runs/{plan.run_id}-<window start>.json\n"
        "  it runs until you cancel or drain it (gcloud dataflow jobs drain JOB_ID --region R)."
    )
    sys.stdout.flush()
    return 0
