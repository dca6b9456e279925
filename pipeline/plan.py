"""What the launcher decides before building the graph, for every kind of job.

Batch runs, enrich runs and streaming jobs are planned here alike: options
checked, the feed list read (fail fast, clearly), the state store read and an
unfinished run's files moved aside. A `--dry_run` only translates the job: it
touches no storage, so it needs no credentials.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from apache_beam.io.filesystems import FileSystems
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions, TestOptions

from pipeline.errors import UsageError
from pipeline.feeds.feedlist import load_feed_list
from pipeline.fetch.policy import DEFAULT_USER_AGENT, FetchPolicy
from pipeline.options import WirebeamOptions, new_run_id, validate_run_id
from pipeline.records import DeadLetter, FeedSource
from pipeline.sinks.manifest import manifest_path
from pipeline.sinks.staging import remove_stale_staging
from pipeline.state.store import (
    feed_validators,
    latest_manifest,
    quarantine_incomplete,
    read_state,
    run_id_of,
    state_root,
    store_call,
)

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
    dry_run: bool = False


def is_dry_run(options: PipelineOptions) -> bool:
    return bool(options.view_as(TestOptions).dry_run)


def fetch_policy_from(options: WirebeamOptions) -> FetchPolicy:
    for flag, value, least in (("--per-host-delay", options.per_host_delay, 0.0),
                               ("--connect-timeout", options.connect_timeout, 1e-3),
                               ("--read-timeout", options.read_timeout, 1e-3),
                               ("--fetch-deadline", options.fetch_deadline, 1e-3)):
        if value is None or value < least:
            raise UsageError(f"{flag} {value} must be {'zero or more' if least == 0 else 'more than zero'} seconds")
    try:
        return FetchPolicy(
            user_agent=options.user_agent or DEFAULT_USER_AGENT,
            allow_networks=tuple(options.allow_hosts or ()),
            per_host_delay=options.per_host_delay,
            connect_timeout=options.connect_timeout,
            read_timeout=options.read_timeout,
            deadline=options.fetch_deadline,
            obey_robots=not options.ignore_robots,
        )
    except ValueError as error:  # a negative delay, an unparsable --allow-hosts network ...
        raise UsageError(f"fetch options: {error}") from None


def plan_output(options: PipelineOptions) -> tuple[str, str, datetime]:
    """The output folder, run id and start time; refuses to reuse a finished run id."""
    wb = options.view_as(WirebeamOptions)
    if not wb.output:
        raise UsageError("--output is required: the folder to write articles/, dead_letters/ and runs/ into")
    started_at = datetime.now(timezone.utc)
    run_id = validate_run_id(wb.run_id or new_run_id(started_at))
    story_window(wb)  # a bad --story-window is said before anything is read or moved
    output = wb.output.rstrip("/")
    manifest = manifest_path(output, run_id)
    if not is_dry_run(options) and store_call("check", manifest, lambda: FileSystems.exists(manifest)):
        raise UsageError(
            f"run id {run_id!r} already finished into {output} (its manifest exists); "
            "pick another --run-id, or leave it out to use the start time"
        )
    return output, run_id, started_at


def story_window(wb: WirebeamOptions):
    """--story-window as a timedelta (UsageError when it is not an interval)."""
    from pipeline.schedule import parse_interval

    return parse_interval(wb.story_window, flag="--story-window")


def plan_run(options: PipelineOptions) -> RunPlan:
    """Validate options, read the feed list and the state store, on the launcher (batch and streaming)."""
    wb = options.view_as(WirebeamOptions)
    if not wb.feeds:
        raise UsageError("--feeds is required: a feed list (OPML, YAML, text) or a feed URL")
    output, run_id, started_at = plan_output(options)
    policy = fetch_policy_from(wb)
    feed_list = load_feed_list(wb.feeds, fetch=_launcher_fetch(policy))
    problems = tuple(
        DeadLetter(stage="feed_list", url=wb.feeds, error_type="bad_entry", message=warning)
        for warning in feed_list.warnings
    )
    dry_run = is_dry_run(options)
    state = prepare_state(output, wb, run_id, dry_run=dry_run)
    validators = {} if dry_run else feed_validators(latest_manifest(output, state["state_root"]))
    feeds = tuple(
        dataclasses.replace(feed, etag=validators[feed.url][0], last_modified=validators[feed.url][1])
        if feed.url in validators else feed
        for feed in feed_list.feeds
    )
    return RunPlan(run_id, output, feeds, problems, policy, started_at, dry_run=dry_run, **state)


def plan_enrich(options: PipelineOptions) -> RunPlan:
    wb = options.view_as(WirebeamOptions)
    output, run_id, started_at = plan_output(options)
    dry_run = is_dry_run(options)
    return RunPlan(run_id, output, (), (), fetch_policy_from(wb), started_at, dry_run=dry_run,
                   **prepare_state(output, wb, run_id, dry_run=dry_run))


def prepare_state(output: str, wb: WirebeamOptions, run_id: str, *, dry_run: bool = False) -> dict[str, Any]:
    """Read what finished runs wrote; move an unfinished run's files out of the way.

    A store that cannot be listed stops the run here (StoreUnavailable) before
    anything is moved: it must never look like a store where no run finished."""
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


def run_record(plan: RunPlan, options: PipelineOptions, **extra: Any) -> dict[str, Any]:
    """The part of the manifest known before the run starts."""
    return {
        "run_id": plan.run_id,
        "started_at": plan.started_at.isoformat(),
        "output": plan.output,
        "feeds_listed": len(plan.feeds),
        "state": plan.state_root,
        "seen_files_read": len(plan.seen_files),
        "quarantined_files": list(plan.quarantined),
        **extra,
        "options": {k: (list(v) if isinstance(v, tuple) else v)
                    for k, v in options.get_all_options(drop_default=True).items()},
    }


def announce(plan: RunPlan, options: PipelineOptions) -> None:
    """One line before the work starts, so a person knows what is happening."""
    runner = options.view_as(StandardOptions).runner
    parts = [f"run {plan.run_id}: {len(plan.feeds)} feed(s) listed"] if plan.feeds else [f"run {plan.run_id}"]
    if plan.seen_files:
        parts.append(f"{len(plan.seen_files)} seen-state file(s) from earlier runs")
    if plan.quarantined:
        parts.append(f"{len(plan.quarantined)} file(s) of an unfinished run moved to {plan.output}/_incomplete")
    verb = "translating (dry run) for" if plan.dry_run else "running on"
    progress.info("%s; %s %s ...", ", ".join(parts), verb, runner)


def new_pipeline(options: PipelineOptions):
    """beam.Pipeline(options), its option checks (Dataflow's project, region, temp location ...) said
    as a usage error: nothing has run yet."""
    import apache_beam as beam

    try:
        return beam.Pipeline(options=options)
    except ValueError as error:
        raise UsageError(str(error).strip()) from None
