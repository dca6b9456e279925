"""Beam steps of a backfill: WARC splits -> archived pages, dead letters and one ledger row per split.

The splits (whole files, or byte ranges of a .warc.gz: sources.py) are spread
over workers first (a Reshuffle of the list), so a runner reads as many at
once as it has workers; each is read record by record as a stream
(framing.py), its pages handed on as they are read.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

import apache_beam as beam
from apache_beam.metrics import Metrics

from pipeline.records import DeadLetter
from pipeline.sinks.manifest import count_fact
from pipeline.warc.framing import NotWarc, frames
from pipeline.warc.ledger import NOT_WARC, READ, files_read, ledger_row
from pipeline.warc.records import MAX_BLOCK_BYTES, SKIP_REASONS, RecordFilter, Skipped, read_record, warc_dead_letter
from pipeline.warc.page import ArchivedPage
from pipeline.warc.sources import WarcSplit, open_warc

progress = logging.getLogger("wirebeam.progress")
DEAD_LETTERS, LEDGER, PAGES = "dead_letters", "ledger", "pages"


def read_warc_split(split: WarcSplit, keep: RecordFilter, tally: Counter) -> Iterator[ArchivedPage | DeadLetter]:
    """The kept pages and dead letters of one split, counting every record in `tally`.

    Raises NotWarc for a file that is not WARC, OSError when it cannot be read. A record that breaks
    the reader in a way no one foresaw is that record's dead letter: the rest of the file is still read
    (were it the file's, the file would stop there and be read again, and stop again, every backfill)."""
    with open_warc(split.path, stop=split.end) as stream:
        for frame in frames(stream, MAX_BLOCK_BYTES, split.start, split.end):
            try:
                outcome = read_record(frame, split.path, keep)
            except Exception as error:  # noqa: BLE001 - one record, not the file
                outcome = warc_dead_letter(split.path, frame.offset, "bad_record", (
                    f"the record at byte {frame.offset:,} could not be read "
                    f"({type(error).__name__}: {error}); the rest of the file was read"))
            tally["records"] += 1
            if isinstance(outcome, Skipped):
                tally[f"skipped_{outcome.reason}"] += 1
                continue
            tally["pages" if isinstance(outcome, ArchivedPage) else "dead_letters"] += 1
            yield outcome


class ReadWarcFileFn(beam.DoFn):
    """A WarcSplit (or a file path) in; its archived pages out, then its ledger row on 'ledger'; dead letters
    on 'dead_letters'. A split that cannot be read is a dead letter without a ledger row (read again next run)."""

    def __init__(self, keep: RecordFilter, run_id: str) -> None:
        self._keep = keep
        self._run_id = run_id
        self.splits = Metrics.counter("warc", "splits")
        self.records = Metrics.counter("warc", "records")

    def process(self, split: WarcSplit | str) -> Iterator[Any]:
        split = WarcSplit(split) if isinstance(split, str) else split
        warc_file = split.path
        started, tally, status = time.monotonic(), Counter(), READ
        try:
            for outcome in read_warc_split(split, self._keep, tally):
                if isinstance(outcome, DeadLetter):
                    yield beam.pvalue.TaggedOutput(DEAD_LETTERS, outcome)
                else:
                    yield outcome
        except NotWarc as error:
            status = NOT_WARC
            tally["dead_letters"] += 1
            yield beam.pvalue.TaggedOutput(DEAD_LETTERS, DeadLetter(
                stage="warc", url=warc_file, error_type="not_warc", message=f"not a WARC file: it {error}"))
        except Exception as error:  # noqa: BLE001 - storage, network or a bug: this file, not the run
            yield beam.pvalue.TaggedOutput(DEAD_LETTERS, warc_dead_letter(
                warc_file, 0, "read_error",
                f"reading stopped after {tally['records']:,} records: {type(error).__name__}: {error}; "
                "the next backfill reads this file again", url=warc_file))
            return
        seconds = time.monotonic() - started
        self.splits.inc()
        self.records.inc(tally["records"])
        progress.info("warc: %s (part %d of %d) read: %s records, %s pages, %s dead letters in %.1f s "
                      "(%.0f records/s)", warc_file, split.part + 1, split.parts, f"{tally['records']:,}",
                      f"{tally['pages']:,}", f"{tally['dead_letters']:,}", seconds,
                      tally["records"] / seconds if seconds else 0.0)
        yield beam.pvalue.TaggedOutput(LEDGER, ledger_row(split, status, tally, seconds, self._run_id))


class ReadArchives(beam.PTransform):
    """WarcSplits (or paths) -> `pages` (ArchivedPage), `dead_letters` (stage warc), `ledger` (one row a split)."""

    def __init__(self, keep: RecordFilter, run_id: str) -> None:
        super().__init__()
        self._keep = keep
        self._run_id = run_id

    def expand(self, files):
        return (
            files
            | "SpreadFiles" >> beam.Reshuffle()
            | "ReadRecords" >> beam.ParDo(ReadWarcFileFn(self._keep, self._run_id)).with_outputs(
                DEAD_LETTERS, LEDGER, main=PAGES
            )
        )


class LanguageSplit(NamedTuple):
    kept: Any
    other: Any


def split_language(row: dict[str, Any], languages: frozenset[str]) -> Iterator[Any]:
    if row.get("language") in languages:
        yield row
    else:
        yield beam.pvalue.TaggedOutput("other", row)


class KeepLanguages(beam.PTransform):
    """Article rows in the asked languages go on; the others are counted and dropped (not dead letters:
    a later backfill asking for their language writes them)."""

    def __init__(self, languages: Iterable[str]) -> None:
        super().__init__()
        self._languages = frozenset(languages)

    def expand(self, rows) -> LanguageSplit:
        split = rows | "ByLanguage" >> beam.FlatMap(split_language, self._languages).with_outputs("other", main="kept")
        return LanguageSplit(split.kept, split.other)


def files_read_facts(rows: Iterable[dict[str, Any]]) -> list[tuple[str, str]]:
    """One `warc_files_read` fact per file all of whose splits the run read."""
    return [count_fact("warc_files_read", None)] * len(files_read(list(rows)))


def ledger_facts(row: dict[str, Any]) -> list[tuple[str, str]]:
    """Count facts of one file's ledger row, for the manifest."""
    facts = [count_fact("warc_records", None)] * row["records"]
    facts += [count_fact("warc_pages", None)] * row["pages"]
    for reason in SKIP_REASONS:
        facts += [count_fact(f"warc_skipped_{reason}", None)] * row[f"skipped_{reason}"]
    return facts
