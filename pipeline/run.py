"""The wirebeam job: feeds -> pages -> clean text -> entities and counts -> Parquet.

`build_pipeline` reads as the pipeline's sentence; each stage lives in the
folder named after where the data meets it.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions, TestOptions

from pipeline.feeds.feedlist import load_feed_list
from pipeline.feeds.transforms import PollFeeds
from pipeline.fetch.policy import DEFAULT_USER_AGENT, FetchPolicy
from pipeline.fetch.transforms import DedupeItems, FetchPages, LimitItems
from pipeline.extract.dedupe import DUPLICATES, KeepOneCopy
from pipeline.extract.transforms import ExtractArticles
from pipeline.options import (
    DEFAULT_LOCAL_RUNNER,
    WirebeamOptions,
    limit_malloc_arenas,
    local_parallelism_args,
    new_run_id,
    validate_run_id,
)
from pipeline.records import DeadLetter, FeedSource
from pipeline.sinks.manifest import WriteManifest, count_fact, dead_letter_fact, manifest_path
from pipeline.sinks.parquet import WritePartitionedParquet
from pipeline.sinks.staging import FinalizePartitions, StageRows, remove_stale_staging, staging_folder
from pipeline.sinks.schema import ARTICLE_SCHEMA, DEAD_LETTER_SCHEMA
from pipeline.state.store import (
    SEEN_SCHEMA,
    feed_validators,
    latest_manifest,
    quarantine_incomplete,
    read_state,
    run_id_of,
    seen_folder,
    state_root,
)
from pipeline.state.transforms import ALREADY_SEEN, DropSeen, ReadSeenSets, item_key, seen_rows_of

log = logging.getLogger(__name__)
progress = logging.getLogger("wirebeam.progress")


@dataclass(frozen=True)
class RunPlan:
    """What the launcher decided before building the graph."""

    run_id: str
    output: str
    feeds: tuple[FeedSource, ...]
    feed_list_problems: tuple[DeadLetter, ...]
    policy: FetchPolicy
    started_at: datetime
    state_root: str = ""
    seen_files: tuple[str, ...] = ()
    quarantined: tuple[str, ...] = ()


def fetch_policy_from(options: WirebeamOptions) -> FetchPolicy:
    return FetchPolicy(
        user_agent=options.user_agent or DEFAULT_USER_AGENT,
        allow_networks=tuple(options.allow_hosts or ()),
        per_host_delay=options.per_host_delay,
        connect_timeout=options.connect_timeout,
        read_timeout=options.read_timeout,
        deadline=options.fetch_deadline,
        obey_robots=not options.ignore_robots,
    )


def plan_output(options: PipelineOptions) -> tuple[str, str, datetime]:
    """The output folder, run id and start time; refuses to reuse a finished run id."""
    wb = options.view_as(WirebeamOptions)
    if not wb.output:
        raise ValueError("--output is required: the folder to write articles/, dead_letters/ and runs/ into")
    started_at = datetime.now(timezone.utc)
    run_id = validate_run_id(wb.run_id or new_run_id(started_at))
    output = wb.output.rstrip("/")
    # A --dry_run only translates the job (tests, CI): it must not need credentials to look at gs://.
    if not options.view_as(TestOptions).dry_run and FileSystems.exists(manifest_path(output, run_id)):
        raise ValueError(
            f"run id {run_id!r} already finished into {output} (its manifest exists); "
            "pick another --run-id, or leave it out to use the start time"
        )
    return output, run_id, started_at


def plan_run(options: PipelineOptions) -> RunPlan:
    """Validate options and read the feed list on the launcher (fail fast, clearly)."""
    wb = options.view_as(WirebeamOptions)
    if not wb.feeds:
        raise ValueError("--feeds is required: a feed list (OPML, YAML, text) or a feed URL")
    output, run_id, started_at = plan_output(options)
    policy = fetch_policy_from(wb)
    feed_list = load_feed_list(wb.feeds, fetch=_launcher_fetch(policy))
    problems = tuple(
        DeadLetter(stage="feed_list", url=wb.feeds, error_type="bad_entry", message=warning)
        for warning in feed_list.warnings
    )
    dry_run = bool(options.view_as(TestOptions).dry_run)
    state = prepare_state(output, wb, run_id, dry_run=dry_run)
    validators = {} if dry_run else feed_validators(latest_manifest(output, state["state_root"]))
    feeds = tuple(
        dataclasses.replace(feed, etag=validators[feed.url][0], last_modified=validators[feed.url][1])
        if feed.url in validators else feed
        for feed in feed_list.feeds
    )
    return RunPlan(run_id, output, feeds, problems, policy, started_at, **state)


def plan_enrich(options: PipelineOptions) -> RunPlan:
    wb = options.view_as(WirebeamOptions)
    output, run_id, started_at = plan_output(options)
    return RunPlan(run_id, output, (), (), fetch_policy_from(wb), started_at, **prepare_state(output, wb, run_id))


def prepare_state(output: str, wb: WirebeamOptions, run_id: str, *, dry_run: bool = False) -> dict[str, Any]:
    """Read what finished runs wrote; move an unfinished run's files out of the way."""
    root = state_root(output, wb.state)
    if dry_run:  # --dry_run only translates the job: no credentials to read gs:// state, nothing to move
        return {"state_root": root, "seen_files": (), "quarantined": ()}
    view = read_state(output, root)
    moved = quarantine_incomplete(output, view.incomplete_files)
    # Temp rows of finished or killed runs (their articles are fetched again); a run
    # that may still be going elsewhere keeps its own (see STALE_STAGING_SECONDS).
    dead = set(view.finished_runs) | {run_id_of(path) for path in view.incomplete_files}
    remove_stale_staging(output, current_run=run_id, dead_runs=dead, now=time.time())
    return {"state_root": root, "seen_files": view.seen_files, "quarantined": tuple(moved)}


def check_enrichment_ready(options: PipelineOptions) -> None:
    """A missing spaCy model fails here, on the launcher, before any work."""
    wb = options.view_as(WirebeamOptions)
    if not wb.no_enrich:
        from pipeline.enrich.model import check_model_installed

        check_model_installed(wb.spacy_model)


def _launcher_fetch(policy: FetchPolicy):
    def fetch(url: str) -> bytes:
        from pipeline.fetch.http import HttpClient

        client = HttpClient(policy)
        try:
            return client.fetch(url, kind="feed").body
        finally:
            client.close()

    return fetch


def run_record(plan: RunPlan, options: PipelineOptions) -> dict[str, Any]:
    """The part of the manifest known before the run starts."""
    return {
        "run_id": plan.run_id,
        "started_at": plan.started_at.isoformat(),
        "output": plan.output,
        "feeds_listed": len(plan.feeds),
        "state": plan.state_root,
        "seen_files_read": len(plan.seen_files),
        "quarantined_files": list(plan.quarantined),
        "options": {k: (list(v) if isinstance(v, tuple) else v) for k, v in options.get_all_options(drop_default=True).items()},
    }


def count_rows(rows, label: str, counter: str):
    return rows | label >> beam.Map(lambda row: count_fact(counter, row.get("feed_url")))


class EnrichAndWrite(beam.PTransform):
    """The shared tail of every job: enrich articles, keep one copy of each
    article no finished run wrote, write articles and dead letters as date
    partitions, then the manifest.

    Input: a dict of PCollections: "articles", "feed_status", optionally
    "seen_ids" (a SeenSet of finished runs' article ids), and any number of
    "dead_letters:<stage>" and "facts:<name>" entries.

    Rows are staged in temp files right after enrichment and only small claims
    cross the GroupByKeys that choose them (sinks/staging.py): memory does not
    grow with the corpus on any runner.
    """

    def __init__(self, plan: "RunPlan", options: PipelineOptions) -> None:
        super().__init__()
        self._plan = plan
        self._options = options

    def expand(self, inputs):
        articles, feed_status = inputs["articles"], inputs["feed_status"]
        dead_letter_sets = [pc for name, pc in inputs.items() if name.startswith("dead_letters:")]
        fact_sets = [pc for name, pc in inputs.items() if name.startswith("facts:")]
        plan, wb = self._plan, self._options.view_as(WirebeamOptions)
        if not wb.no_enrich:
            from pipeline.enrich.transforms import EnrichArticles

            enriched = articles | "EnrichArticles" >> EnrichArticles(
                spacy_model=wb.spacy_model, with_parser=wb.spacy_parser
            )
            articles = enriched.articles
            dead_letter_sets.append(enriched.dead_letters)

        staging = staging_folder(plan.output, plan.run_id)
        claims = articles | "StageArticles" >> StageRows(
            FileSystems.join(staging, "articles"), ARTICLE_SCHEMA, date_column="published_at"
        )
        chosen = claims | "KeepOneCopy" >> KeepOneCopy(inputs.get("seen_ids"))
        kept = chosen.kept
        articles_out = kept | "WriteArticles" >> FinalizePartitions(
            "articles", FileSystems.join(plan.output, "articles"), ARTICLE_SCHEMA, plan.run_id,
            key_column="article_id", shards=wb.output_shards,
        )
        dead_letters = tuple(dead_letter_sets) | "AllDeadLetters" >> beam.Flatten()
        run_id = plan.run_id
        dead_out = (
            dead_letters
            | "DeadLetterRows" >> beam.Map(lambda letter: {**letter.as_row(), "run_id": run_id})
            | "WriteDeadLetters" >> WritePartitionedParquet(
                "dead_letters", FileSystems.join(plan.output, "dead_letters"), DEAD_LETTER_SCHEMA, plan.run_id,
                date_column="failed_at", key_column="url",
            )
        )
        already_seen, duplicates = chosen[ALREADY_SEEN], chosen[DUPLICATES]
        facts = (
            *fact_sets,
            count_rows(kept, "CountDistinct", "distinct_articles"),
            count_rows(already_seen, "CountDistinctSeen", "distinct_articles"),
            count_rows(duplicates, "CountDuplicates", "duplicate_copies"),
            count_rows(already_seen, "CountSeenArticles", "articles_already_written"),
            kept | "CountEnriched" >> beam.Map(
                lambda row: count_fact(
                    "enriched" if (row.get("enrichment_status") or "").startswith("ok") else "not_enriched", row.get("feed_url")
                )
            ),
            count_rows(kept, "CountWritten", "written"),
            dead_letters | "CountDeadLetters" >> beam.Map(dead_letter_fact),
        ) | "AllFacts" >> beam.Flatten()
        seen_out = (
            # The URLs of every copy lead to an article that is written: none is fetched again.
            (kept, duplicates, already_seen)
            | "AllCopies" >> beam.Flatten()
            | "SeenRows" >> beam.FlatMap(seen_rows_of)
            | "WriteSeenState" >> WritePartitionedParquet(
                "state", seen_folder(plan.state_root), SEEN_SCHEMA, plan.run_id,
                date_column="published_at", key_column="url_key",
            )
        )
        files = (articles_out, dead_out, seen_out) | "AllFiles" >> beam.Flatten()
        return (facts, feed_status, files) | "WriteManifest" >> WriteManifest(
            plan.output, run_record(plan, self._options), cleanup=(staging,)
        )


def build_pipeline(p: beam.Pipeline, plan: RunPlan, options: PipelineOptions) -> None:
    """The feed job: feed list -> feeds -> items -> pages -> articles -> outputs."""
    wb = options.view_as(WirebeamOptions)
    seen = p | "ReadSeenState" >> ReadSeenSets(plan.seen_files)

    feeds = p | "ListFeeds" >> beam.Create(list(plan.feeds))
    polled = feeds | "PollFeeds" >> PollFeeds(plan.policy)
    items = polled.items | "DedupeItems" >> DedupeItems()
    new_items = items | "DropSeenItems" >> DropSeen(seen.url_keys, key=item_key)
    items = new_items.unseen
    if wb.max_articles:
        items = items | "LimitItems" >> LimitItems(wb.max_articles)
    fetched = items | "FetchPages" >> FetchPages(plan.policy, concurrency=wb.fetch_concurrency)
    extracted = fetched.pages | "ExtractArticles" >> ExtractArticles(plan.run_id)

    {
        "articles": extracted.articles,
        "seen_ids": seen.article_ids,
        "feed_status": polled.feed_status,
        "dead_letters:feed_list": p | "FeedListProblems" >> beam.Create(list(plan.feed_list_problems)),
        "dead_letters:feed": polled.dead_letters,
        "dead_letters:page": fetched.dead_letters,
        "dead_letters:extract": extracted.dead_letters,
        "facts:items_seen": polled.items | "CountItemsSeen" >> beam.Map(lambda it: count_fact("items_seen", it.feed_url)),
        "facts:items_queued": items | "CountItemsQueued" >> beam.Map(lambda it: count_fact("items_queued", it.feed_url)),
        "facts:pages_fetched": fetched.pages | "CountPagesFetched" >> beam.Map(
            lambda page: count_fact("pages_fetched", page.item.feed_url)
        ),
        "facts:extracted": count_rows(extracted.articles, "CountExtracted", "extracted"),
        "facts:seen_items": new_items[ALREADY_SEEN] | "CountSeenItems" >> beam.Map(
            lambda it: count_fact("items_already_written", it.feed_url)
        ),
    } | "EnrichAndWrite" >> EnrichAndWrite(plan, options)


def build_enrich_pipeline(p: beam.Pipeline, plan: RunPlan, options: PipelineOptions, input_path: str) -> None:
    """The enrich job: texts extracted elsewhere (JSONL) -> the same outputs."""
    from pipeline.extract.from_jsonl import ReadJsonlArticles

    read = p | "ReadJsonl" >> ReadJsonlArticles(input_path, plan.run_id)
    {
        "articles": read.articles,
        "feed_status": p | "NoFeeds" >> beam.Create([]),
        "dead_letters:extract": read.dead_letters,
        "facts:extracted": count_rows(read.articles, "CountExtracted", "extracted"),
    } | "EnrichAndWrite" >> EnrichAndWrite(plan, options)


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


def announce(plan: RunPlan, options: PipelineOptions) -> None:
    """One line before the work starts, so a person knows what is happening."""
    runner = options.view_as(StandardOptions).runner
    parts = [f"run {plan.run_id}: {len(plan.feeds)} feed(s) listed"] if plan.feeds else [f"run {plan.run_id}"]
    if plan.seen_files:
        parts.append(f"{len(plan.seen_files)} seen-state file(s) from earlier runs")
    if plan.quarantined:
        parts.append(f"{len(plan.quarantined)} file(s) of an unfinished run moved to {plan.output}/_incomplete")
    progress.info("%s; running on %s ...", ", ".join(parts), runner)


def run(argv: list[str]) -> tuple[RunPlan, Any]:
    """Plan, build and run the feed job; returns the plan and the runner's result."""
    options = pipeline_options_from(argv)
    check_enrichment_ready(options)
    plan = plan_run(options)
    announce(plan, options)
    p = beam.Pipeline(options=options)
    build_pipeline(p, plan, options)
    return plan, p.run()


def run_enrich(input_path: str, argv: list[str]) -> tuple[RunPlan, Any]:
    """Plan, build and run the enrich job on a JSONL file of texts."""
    options = pipeline_options_from(argv)
    check_enrichment_ready(options)
    if not FileSystems.exists(input_path):
        raise FileNotFoundError(f"--input {input_path} does not exist (expected a JSONL file of {{\"id\", \"text\"}} lines)")
    plan = plan_enrich(options)
    announce(plan, options)
    p = beam.Pipeline(options=options)
    build_enrich_pipeline(p, plan, options, input_path)
    return plan, p.run()
