"""The backfill launcher in this process (pipeline/warc/job.py): what it reads of the state between runs."""

from __future__ import annotations

import pytest

from pipeline.cli import cmd_backfill
from pipeline.warc import ledger
from tests.warc.archives import page, records, write

pytestmark = pytest.mark.slow
ONE_PROCESS = ["--direct_num_workers", "1", "--direct_running_mode", "in_memory"]


def backfill(warc: str, out: str, run_id: str) -> int:
    return cmd_backfill(["--warc", warc, "--output", out, "--no-enrich", "--files-per-run", "1", "--run-id", run_id,
                         *ONE_PROCESS])


def test_the_ledger_is_read_once_then_each_run_adds_its_own_rows(tmp_path, monkeypatch):
    """Each run of a backfill used to read every ledger file again, twice (n runs: about n² reads). Now a
    backfill reads the ledger files there are once at its start, then each of its runs' own."""
    for n in range(4):
        write(tmp_path / f"crawl-{n}.warc.gz", records([page(10 * n + i) for i in range(2)]))
    out = str(tmp_path / "out")
    reads: list[str] = []
    read_table = ledger._read_table
    monkeypatch.setattr(ledger, "_read_table", lambda path: reads.append(path) or read_table(path))

    assert backfill(str(tmp_path / "crawl-[01].warc.gz"), out, "first") == 0
    assert len(reads) == len(set(reads)) == 2  # two runs (one file a run), each one's ledger file read once
    reads.clear()
    assert backfill(str(tmp_path / "crawl-*.warc.gz"), out, "second") == 0
    assert len(reads) == len(set(reads)) == 4  # the first backfill's two at the start, then its own two runs'
    assert len(list((tmp_path / "out" / "runs").glob("*.json"))) == 4  # each file read by one run only
