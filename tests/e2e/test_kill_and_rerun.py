"""A run killed with SIGKILL mid-write leaves nothing partial under articles/,
and the next run completes the work: zero lost, zero duplicated articles."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from pipeline.sample.server import SampleServer

pytestmark = pytest.mark.slow


def start_run(feeds: Path, out: Path, run_id: str, allow: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline", "run", "--feeds", str(feeds), "--output", str(out), "--run-id", run_id,
         "--allow-hosts", allow, "--per-host-delay", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
    )


def kill_when(process: subprocess.Popen, condition, timeout: float = 300) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if condition():
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            return True
        time.sleep(0.005)
    return False


def visible_files(out: Path) -> list[Path]:
    return sorted(p for p in (out / "articles").rglob("*.parquet") if not p.name.startswith("."))


def test_sigkill_mid_write_then_rerun_is_exactly_once(tmp_path):
    out = tmp_path / "out"
    with SampleServer() as server:
        feeds = server.feed_list_path("opml", tmp_path)
        expected = len([a for a in server.expected()["articles"] if a["status"] == 200])

        killed = start_run(feeds, out, "killed", server.allow_hosts)
        # Kill as soon as the first article file (or its hidden temp file) exists: mid-write.
        assert kill_when(killed, lambda: any((out / "articles").rglob("*.parquet*")) if (out / "articles").exists() else False)
        assert not (out / "runs" / "killed.json").exists()
        for path in visible_files(out):  # whatever is visible is complete Parquet
            assert pq.read_metadata(path).num_rows > 0

        rerun = subprocess.run(
            [sys.executable, "-m", "pipeline", "run", "--feeds", str(feeds), "--output", str(out), "--run-id", "rerun",
             "--allow-hosts", server.allow_hosts, "--per-host-delay", "0"],
            capture_output=True, text=True, timeout=600,
        )
        assert rerun.returncode == 0, rerun.stderr[-3000:]

        again = subprocess.run(
            [sys.executable, "-m", "pipeline", "run", "--feeds", str(feeds), "--output", str(out), "--run-id", "again",
             "--allow-hosts", server.allow_hosts, "--per-host-delay", "0"],
            capture_output=True, text=True, timeout=600,
        )
        assert again.returncode == 0, again.stderr[-3000:]

    # Only finished runs' files are visible; the killed run's were moved aside.
    assert {p.name.rsplit("-", 1)[0] for p in visible_files(out)} == {"rerun"}
    manifest = json.loads((out / "runs" / "rerun.json").read_text())
    assert all(p.startswith(str(out / "_incomplete" / "killed")) for p in manifest["quarantined_files"])

    rows = duckdb.connect().execute(
        f"SELECT article_id, run_id FROM read_parquet('{out}/articles/*/*.parquet', hive_partitioning = true)"
    ).fetchall()
    ids = [r[0] for r in rows]
    assert len(ids) == len(set(ids)) == expected  # nothing lost, nothing twice
    assert json.loads((out / "runs" / "again.json").read_text())["counters"]["written"] == 0
