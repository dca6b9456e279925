"""The batch jobs: one bounded run of the feed job, or of the enrich job.

Both are the one job graph of job.py in the global window, with the seen
state as finished runs left it when this run started (read under the run
lock, so it stays true for the whole run).
"""

from __future__ import annotations

from typing import Any

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions

from pipeline.errors import UsageError
from pipeline.job import EnrichAndWrite, IngestFeeds, facts_of, feed_of_row
from pipeline.options import DEFAULT_LOCAL_RUNNER, limit_malloc_arenas, local_parallelism_args
from pipeline.plan import RunPlan, announce, check_enrichment_ready, new_pipeline, plan_enrich, plan_run
from pipeline.state.store import store_call
from pipeline.state.transforms import ReadSeenSets, SnapshotSeen

__all__ = ["build_pipeline", "build_enrich_pipeline", "pipeline_options_from", "run", "run_enrich"]


def build_pipeline(p: beam.Pipeline, plan: RunPlan, options: PipelineOptions) -> None:
    """The feed job: feed list -> feeds -> items -> pages -> articles -> outputs."""
    seen = SnapshotSeen(p | "ReadSeenState" >> ReadSeenSets(plan.seen_files))
    ingested = p | "ListFeeds" >> beam.Create(list(plan.feeds)) | "IngestFeeds" >> IngestFeeds(plan, options, seen)
    {
        **ingested,
        "dead_letters:feed_list": p | "FeedListProblems" >> beam.Create(list(plan.feed_list_problems)),
    } | "EnrichAndWrite" >> EnrichAndWrite(plan, options, seen)


def build_enrich_pipeline(p: beam.Pipeline, plan: RunPlan, options: PipelineOptions, input_path: str) -> None:
    """The enrich job: texts extracted elsewhere (JSONL) -> the same outputs. Texts are
    written again on every enrich run (a new model's entities are the point of it)."""
    from pipeline.extract.from_jsonl import ReadJsonlArticles

    read = p | "ReadJsonl" >> ReadJsonlArticles(input_path, plan.run_id)
    {
        "articles": read.articles,
        "feed_status": p | "NoFeeds" >> beam.Create([]),
        "dead_letters:extract": read.dead_letters,
        "facts:extracted": read.articles | facts_of("CountExtracted", "extracted", feed_of_row),
    } | "EnrichAndWrite" >> EnrichAndWrite(plan, options, SnapshotSeen(p | "NoSeenState" >> ReadSeenSets(())))


def pipeline_options_from(argv: list[str]) -> PipelineOptions:
    """Beam options from the command line, with the offline-safe local runner as default:
    one worker process per core unless --direct_num_workers/--direct_running_mode say otherwise."""
    options = PipelineOptions(argv)
    if not options.view_as(StandardOptions).runner:
        parallelism = local_parallelism_args(argv)
        if parallelism:
            limit_malloc_arenas()
        options = PipelineOptions([*argv, *parallelism])
        options.view_as(StandardOptions).runner = DEFAULT_LOCAL_RUNNER
    return options


def run(argv: list[str]) -> tuple[RunPlan, Any]:
    """Plan, build and run the feed job; returns the plan and the runner's result."""
    options = pipeline_options_from(argv)
    check_enrichment_ready(options)
    plan = plan_run(options)
    announce(plan, options)
    p = new_pipeline(options)
    build_pipeline(p, plan, options)
    return plan, p.run()


def run_enrich(input_path: str, argv: list[str]) -> tuple[RunPlan, Any]:
    """Plan, build and run the enrich job on a JSONL file of texts."""
    options = pipeline_options_from(argv)
    check_enrichment_ready(options)
    if not store_call("check", input_path, lambda: FileSystems.exists(input_path)):
        raise UsageError(f"--input {input_path} does not exist (expected a JSONL file of {{\"id\", \"text\"}} lines)")
    plan = plan_enrich(options)
    announce(plan, options)
    p = new_pipeline(options)
    build_enrich_pipeline(p, plan, options, input_path)
    return plan, p.run()
