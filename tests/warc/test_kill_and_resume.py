"""A backfill killed with SIGKILL half-way, then run again: every article exactly once, and the files
finished runs read are not read again (`python -m pipeline backfill`, a real subprocess)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.warc.archives import page, records, write

pytestmark = pytest.mark.slow
FILES, PAGES_PER_FILE, FILES_PER_RUN = 12, 3, 2


def backfill(warcs: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "pipeline", "backfill", "--warc", str(warcs / "*.warc.gz"), "--output", str(out),
            "--no-enrich", "--files-per-run", str(FILES_PER_RUN)]


def finished_runs(out: Path) -> set[str]:
    return {path.stem for path in (out / "runs").glob("*.json")} if (out / "runs").exists() else set()


def mid_run(out: Path) -> bool:
    """Two runs finished and a third is writing (its staged rows exist, its manifest does not)."""
    done = finished_runs(out)
    staging = out / "_temporary"
    return len(done) >= 2 and staging.exists() and any(p.name not in done for p in staging.iterdir())


def test_sigkill_half_way_then_rerun_writes_every_article_once_and_resumes(tmp_path):
    warcs = tmp_path / "warcs"
    warcs.mkdir()
    for n in range(FILES):
        write(warcs / f"crawl-{n:02d}.warc.gz", records([page(n * 10 + i) for i in range(PAGES_PER_FILE)]))
    out = tmp_path / "out"

    killed = subprocess.Popen(backfill(warcs, out), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              start_new_session=True)
    deadline = time.monotonic() + 400
    while time.monotonic() < deadline and killed.poll() is None and not mid_run(out):
        time.sleep(0.01)
    assert killed.poll() is None, "the backfill ended before it could be killed half-way"
    os.killpg(killed.pid, signal.SIGKILL)
    killed.wait()
    before_kill = finished_runs(out)
    read_before_kill = len(before_kill) * FILES_PER_RUN
    assert 2 * FILES_PER_RUN <= read_before_kill < FILES

    rerun = subprocess.run(backfill(warcs, out), capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert f"{read_before_kill} of {FILES} file(s) read before" in rerun.stderr
    assert f"all {FILES} WARC file(s) read" in rerun.stderr

    con = duckdb.connect()
    ids = [r[0] for r in con.execute(
        f"SELECT article_id FROM read_parquet('{out}/articles/*/*.parquet', hive_partitioning = true)").fetchall()]
    assert len(ids) == len(set(ids)) == FILES * PAGES_PER_FILE  # nothing lost, nothing twice
    ledger = con.execute(f"SELECT warc_file FROM read_parquet('{out}/state/warc/*/*.parquet')").fetchall()
    assert sorted(r[0] for r in ledger) == sorted(str(p) for p in warcs.glob("*.warc.gz"))  # each file read once
    read_by_rerun = sum(json.loads((out / "runs" / f"{run}.json").read_text())["counters"]["warc_files_read"]
                        for run in finished_runs(out) - before_kill)
    assert read_by_rerun == FILES - read_before_kill  # it resumed: finished runs' files were not read again

    again = subprocess.run(backfill(warcs, out), capture_output=True, text=True, timeout=600)
    assert again.returncode == 0 and f"all {FILES} WARC file(s) read" in again.stderr
    assert len(finished_runs(out)) == FILES // FILES_PER_RUN  # nothing left to read: no new run
