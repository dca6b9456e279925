"""Running the real `wirebeam` command line in a subprocess and reading what it wrote."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pyarrow.dataset as ds

# Small timeouts keep fault runs short; the shape of each rule is what is tested.
FAST_FETCH = ("--per-host-delay", "0", "--connect-timeout", "1", "--read-timeout", "1", "--fetch-deadline", "2.5")


def wirebeam(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, timeout=timeout)


def rows_of(folder: Path, run_id: str) -> list[dict]:
    """Every row of a run in a partitioned Parquet folder (articles/ or dead_letters/)."""
    if not folder.exists():
        return []
    table = ds.dataset(str(folder), format="parquet", partitioning="hive").to_table()
    return [row for row in table.to_pylist() if row["run_id"] == run_id]


def once_per_session(tmp_path_factory, name: str, produce: Callable[[], dict]) -> dict:
    """`produce()` run once per test session, even across pytest-xdist workers.

    A pipeline run costs ~20 s; under `-n 2` each worker would otherwise run
    it again for its share of the module's tests. The first worker runs it and
    leaves the JSON-able result in the session's shared temp folder; the others
    wait on a lock and read it.
    """
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return produce()
    shared = tmp_path_factory.getbasetemp().parent  # this session's folder, above the workers' own
    result = shared / f"{name}.json"
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if result.exists():
            return json.loads(result.read_text())
        data = json.loads(json.dumps(produce(), default=str))  # what the other workers will see
        result.write_text(json.dumps(data))
        return data
