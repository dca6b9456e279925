"""`wirebeam backfill`: WARC archives -> the same articles, stories and state as `wirebeam run`.

    WARC files -> ReadArchives -> DropSeenPages -> ExtractArticles -> KeepLanguages -> EnrichAndWrite (job.py)

The files are read in runs of `--files-per-run`, one after the other, each a
finished run of its own (manifest last) before the next is planned: so what
one run wrote is in the seen state the next one reads (nothing twice, across
backfill runs and live runs alike), and a killed backfill resumes with the
files no finished run read (ledger.py). Each run takes the state's run lock
only while it runs, so scheduled live runs go on between backfill runs.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import apache_beam as beam
from apache_beam.options.pipeline_options import PipelineOptions

from pipeline.errors import EXIT_OK, UsageError
from pipeline.extract.transforms import ExtractArticles
from pipeline.job import EnrichAndWrite, facts_of, feed_of_row
from pipeline.options import WirebeamOptions, new_run_id, validate_run_id
from pipeline.plan import RunPlan, announce, check_enrichment_ready, fetch_policy_from, is_dry_run, new_pipeline, \
    plan_output, prepare_state
from pipeline.sinks.manifest import count_fact, manifest_path
from pipeline.sinks.parquet import WritePartitionedParquet
from pipeline.state.store import state_root, store_call
from pipeline.state.transforms import ReadSeenSets, SnapshotSeen
from pipeline.warc.ledger import LEDGER_KIND, LEDGER_SCHEMA, completed_files, files_read, ledger_folder, run_ledger
from pipeline.warc.page import extract_archived_page, page_url_key
from pipeline.warc.records import RecordFilter, normalise_host
from pipeline.warc.sources import (WarcSplit, file_sizes, list_warc_files, plan_splits, read_whole_file,
                                   split_bytes_for)
from pipeline.warc.transforms import KeepLanguages, ReadArchives, files_read_facts, ledger_facts

progress = logging.getLogger("wirebeam.progress")
LOCK_RETRY_SECONDS = 15.0


def _page_feed(page) -> str | None:
    return None


def build_backfill_pipeline(p: beam.Pipeline, plan: RunPlan, options: PipelineOptions, splits: list[WarcSplit],
                            keep: RecordFilter) -> None:
    """One backfill run: these WARC files (whole, or in byte ranges) -> the shared tail of every job."""
    wb = options.view_as(WirebeamOptions)
    seen = SnapshotSeen(p | "ReadSeenState" >> ReadSeenSets(plan.seen_files))
    read = p | "ListWarcSplits" >> beam.Create(splits) | "ReadArchives" >> ReadArchives(keep, plan.run_id)
    new_pages = read.pages | "DropSeenPages" >> seen.drop("url_key", page_url_key)
    extracted = new_pages.unseen | "ExtractArticles" >> ExtractArticles(
        plan.run_id, timeout_s=wb.extract_timeout, isolate=not wb.no_extract_isolation,
        extract_fn=extract_archived_page,
    )
    articles, language_facts = extracted.articles, {}
    if wb.languages:
        by_language = articles | "KeepLanguages" >> KeepLanguages(wb.languages)
        articles = by_language.kept
        language_facts["facts:other_language"] = by_language.other | facts_of(
            "CountOtherLanguage", "warc_other_language", feed_of_row)
    ledger_written = read.ledger | "WriteWarcLedger" >> WritePartitionedParquet(
        LEDGER_KIND, ledger_folder(plan.state_root), LEDGER_SCHEMA, plan.run_id,
        date_column="completed_at", key_column="warc_file",
    )
    {
        "articles": articles,
        "feed_status": p | "NoFeeds" >> beam.Create([]),
        "dead_letters:warc": read.dead_letters,
        "dead_letters:extract": extracted.dead_letters,
        # Counted from the written ledger files: the manifest waits for them (a run's ledger is in by then).
        "facts:warc_splits": ledger_written | "CountWarcSplits" >> beam.FlatMap(
            lambda written: [count_fact("warc_splits_read", None)] * written.rows),
        "facts:warc_files": read.ledger | "LedgerRows" >> beam.combiners.ToList()
        | "CountWarcFiles" >> beam.FlatMap(files_read_facts),
        "facts:warc_records": read.ledger | "CountWarcRecords" >> beam.FlatMap(ledger_facts),
        "facts:seen_pages": new_pages.already_seen | facts_of("CountSeenPages", "items_already_written", _page_feed),
        "facts:pages": new_pages.unseen | facts_of("CountNewPages", "pages_fetched", _page_feed),
        "facts:extracted": extracted.articles | facts_of("CountExtracted", "extracted", feed_of_row),
        **language_facts,
    } | "EnrichAndWrite" >> EnrichAndWrite(plan, options, seen)


# ------------------------------------------------------------------------------------------ launcher

def parse_day(text: str | None, flag: str) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.strptime(text.strip(), "%Y-%m-%d").replace(tzinfo=timezone.utc)
    except ValueError:
        raise UsageError(f"{flag} {text!r} is not a day like 2016-08-26") from None


def load_hosts(path: str | None) -> frozenset[str]:
    if not path:
        return frozenset()
    try:
        text = store_call("read", path, lambda: read_whole_file(path)).decode("utf-8")
    except Exception as error:  # noqa: BLE001 - a hosts file named on the command line: a usage error
        raise UsageError(f"--hosts {path}: cannot read it ({error})") from None
    hosts = frozenset(host for host in map(normalise_host, text.splitlines()) if host)
    if not hosts:
        raise UsageError(f"--hosts {path}: no host names in it (one a line, e.g. bbc.co.uk)")
    return hosts


def record_filter(wb: WirebeamOptions) -> RecordFilter:
    """--from/--to (whole UTC days, both included) and --hosts, checked."""
    since, until = parse_day(wb.warc_from, "--from"), parse_day(wb.warc_to, "--to")
    if until is not None:
        until += timedelta(days=1)
    if since and until and since >= until:
        raise UsageError(f"--from {wb.warc_from} is after --to {wb.warc_to}")
    bad = [code for code in wb.languages if len(code) != 2 or not code.isalpha()]
    if bad:
        raise UsageError(f"--languages: {', '.join(bad)} is not an ISO 639-1 code (two letters, e.g. en,fr)")
    return RecordFilter(since=since, until=until, hosts=load_hosts(wb.warc_hosts))


def plan_backfill(options: PipelineOptions) -> RunPlan:
    wb = options.view_as(WirebeamOptions)
    output, run_id, started_at = plan_output(options)
    dry_run = is_dry_run(options)
    return RunPlan(run_id, output, (), (), fetch_policy_from(wb), started_at, dry_run=dry_run,
                   **prepare_state(output, wb, run_id, dry_run=dry_run))


def next_run_id(base: str, output: str, number: int) -> tuple[str, int]:
    """`BASE-0001`, `BASE-0002`, ...: the first whose run has not finished (a rerun with the same --run-id
    goes on after the runs that did)."""
    while True:
        run_id = validate_run_id(f"{base}-{number:04d}")
        path = manifest_path(output, run_id)
        if not store_call("check", path, lambda: _exists(path)):
            return run_id, number
        number += 1


def _exists(path: str) -> bool:
    from apache_beam.io.filesystems import FileSystems

    return FileSystems.exists(path)


def _without_run_id(argv: list[str]) -> list[str]:
    out, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--run-id":
            skip = True
        elif not arg.startswith("--run-id="):
            out.append(arg)
    return out


def backfill(argv: list[str], finish: Callable[..., int], *, options_from: Callable[[list[str]], Any]) -> int:
    """Read every WARC file `--warc` names, `--files-per-run` files a run, skipping files finished runs
    read; `finish(plan, result, argv)` reports each run (the CLI's summary)."""
    options = options_from(argv)
    wb = options.view_as(WirebeamOptions)
    if not wb.warc:
        raise UsageError("--warc is required: WARC files (a path, a glob, or a list such as warc.paths.gz)")
    if not wb.output:
        raise UsageError("--output is required: the folder to write articles/, dead_letters/ and runs/ into")
    if wb.files_per_run is None or wb.files_per_run < 1:
        raise UsageError(f"--files-per-run {wb.files_per_run} must be 1 or more")
    keep = record_filter(wb)
    check_enrichment_ready(options)
    output, root = wb.output.rstrip("/"), state_root(wb.output.rstrip("/"), wb.state)
    base = validate_run_id(wb.run_id or new_run_id())
    rest = _without_run_id(argv)
    if is_dry_run(options):  # translate one run over the files as named; no storage is touched
        return _one_run([*rest, "--run-id", f"{base}-0001"], [WarcSplit(wb.warc)], keep, finish, options_from)
    files = list_warc_files(wb.warc, wb.warc_base)
    progress.info("backfill: %d WARC file(s) named by --warc", len(files))
    # The ledger is read once; each run of this backfill then adds its own rows. (Another backfill on the
    # same state at the same time is not seen: files it reads meanwhile may be read again, their articles
    # still written once, as the seen state drops them.)
    done = completed_files(output, root)
    tried: set[str] = set()
    number, totals, started = 1, {"records": 0, "files": 0}, time.monotonic()
    while True:
        with _state_lock(argv):
            pending = [path for path in files if path not in done and path not in tried]
            if not pending:
                break
            chunk = pending[: wb.files_per_run]
            tried.update(chunk)
            run_id, number = next_run_id(base, output, number)
            splits = splits_of(chunk, local_workers(options))
            progress.info("backfill: %d of %d file(s) read before; run %s reads %d more (%d split(s))",
                          len(set(files) & done), len(files), run_id, len(chunk), len(splits))
            code = _one_run([*rest, "--run-id", run_id], splits, keep, finish, options_from)
            if code != EXIT_OK:
                return code
            rows = run_ledger(root, run_id)  # the run finished: its ledger rows count
            done |= files_read(rows)
            _report_progress(rows, done, files, totals, started)
    unread = [path for path in files if path in tried and path not in done]
    if unread:
        progress.info("backfill: %d file(s) could not be read (see `wirebeam failures`, stage warc); the same "
                      "command reads them again", len(unread))
    else:
        progress.info("backfill: all %d WARC file(s) read", len(files))
    return EXIT_OK


def local_workers(options: PipelineOptions) -> int:
    """Worker processes of the local runner (1 elsewhere: on Dataflow splits are as large as allowed)."""
    from apache_beam.options.pipeline_options import DirectOptions

    return max(1, int(options.view_as(DirectOptions).direct_num_workers or 1))


def splits_of(files: list[str], workers: int) -> list[WarcSplit]:
    """One run's files as splits: .warc.gz files in byte ranges, so that even one file keeps every worker busy."""
    sizes = file_sizes(files)
    return plan_splits(files, sizes, split_bytes_for(sum(sizes.values()), workers))


def _one_run(argv: list[str], splits: list[WarcSplit], keep: RecordFilter, finish, options_from) -> int:
    options = options_from(argv)
    plan = plan_backfill(options)
    announce(plan, options)
    p = new_pipeline(options)
    build_backfill_pipeline(p, plan, options, splits, keep)
    return finish(plan, p.run(), argv)


def _report_progress(rows: list[dict[str, Any]], done: set[str], files: list[str], totals: dict[str, int],
                     started: float) -> None:
    """After a run: the files read so far, and this backfill's pace (from the run's ledger rows)."""
    totals["records"] += sum(row["records"] for row in rows)
    totals["files"] += len(files_read(rows))
    seconds = time.monotonic() - started
    read = len(set(files) & done)
    progress.info("backfill: %d of %d WARC file(s) read (%.0f %%); this backfill: %d file(s), %s records in %.0f s "
                  "(%.0f records/s)", read, len(files), 100.0 * read / len(files), totals["files"],
                  f"{totals['records']:,}", seconds, totals["records"] / seconds if seconds else 0.0)


class _state_lock:
    """The state's run lock for one backfill run; waits (and says so) while a live run holds it."""

    def __init__(self, argv: list[str]) -> None:
        from pipeline.schedule import RunLock, state_for_argv

        self._lock = RunLock(state_for_argv(argv), command="wirebeam backfill")

    def __enter__(self):
        from pipeline.schedule import RunLockHeld

        said = False
        while True:
            try:
                return self._lock.acquire()
            except RunLockHeld as held:
                if not said:
                    progress.info("backfill: %s; waiting for it", str(held).split(";")[0])
                    said = True
                time.sleep(LOCK_RETRY_SECONDS)

    def __exit__(self, *exc_info) -> None:
        self._lock.release()
