"""The run lock: two runs on one state never overlap, and a crashed holder leaves no stale lock."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.cli import main
from pipeline.sample.server import SampleServer
from pipeline.schedule import EXIT_LOCKED, LockHolder, RunLock, RunLockHeld, lock_file_for, parse_holder, state_for_argv

HOLD_LOCK = """
import sys, time
from pipeline.schedule import RunLock
with RunLock(sys.argv[1], command="test holder"):
    print("locked", flush=True)
    time.sleep(60)
"""


def hold_lock_in_child(state: str) -> subprocess.Popen:
    child = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, state], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "locked"
    return child


def test_lock_file_records_the_holder_and_is_cleared_on_release(tmp_path):
    with RunLock(str(tmp_path / "state"), command="wirebeam run") as lock:
        holder = parse_holder((tmp_path / "state" / "run.lock").read_text())
        assert lock.locked
        assert (holder.pid, holder.host, holder.command) == (os.getpid(), socket.gethostname(), "wirebeam run")
        assert holder.started_at and holder.started_at.endswith("+00:00")
    assert not lock.locked
    assert (tmp_path / "state" / "run.lock").read_text() == ""
    with RunLock(str(tmp_path / "state")):  # free again
        pass


def test_second_process_is_refused_with_who_holds_it(tmp_path):
    state = str(tmp_path / "state")
    child = hold_lock_in_child(state)
    try:
        with pytest.raises(RunLockHeld) as refused:
            RunLock(state).acquire()
        assert refused.value.holder.pid == child.pid
        message = str(refused.value)
        assert f"pid {child.pid}" in message and f"{state}/run.lock" in message and "did nothing" in message
    finally:
        child.kill()
        child.wait()


def test_a_killed_holder_leaves_no_stale_lock(tmp_path):
    state = str(tmp_path / "state")
    child = hold_lock_in_child(state)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert (tmp_path / "state" / "run.lock").read_text()  # its record is still there...
    with RunLock(state) as lock:  # ...but the kernel released the lock
        assert lock.locked


def test_remote_state_is_locked_per_machine_by_a_local_file():
    path = lock_file_for("gs://wirebeam-bucket/news/state")
    assert not path.startswith("gs://") and path.endswith(".lock")
    assert path != lock_file_for("gs://wirebeam-bucket/other/state")
    with RunLock("gs://wirebeam-bucket/news/state") as lock:
        assert lock.locked and lock.local_only
        with pytest.raises(RunLockHeld, match="gs://wirebeam-bucket/news/state"):
            RunLock("gs://wirebeam-bucket/news/state").acquire()


def test_state_location_follows_the_options(tmp_path):
    assert state_for_argv(["--output", str(tmp_path / "out")]) == f"{tmp_path}/out/state"
    assert state_for_argv(["--output", "gs://b/o", "--state", "gs://b/s/"]) == "gs://b/s"


def test_half_written_holder_record_still_gives_a_message():
    assert parse_holder("") == LockHolder(None, None, None)
    assert parse_holder('{"pid": 12') == LockHolder(None, None, None)
    assert "pid unknown" in LockHolder(None, None, None).describe()
    assert LockHolder(7, "h", "2026-11-27T19:05:00+00:00").describe() == "pid 7, on host h, started 2026-11-27 19:05Z"


@pytest.mark.parametrize("command, missing_input", [("run", "--feeds"), ("enrich", "--input")])
def test_cli_exits_3_and_does_nothing_when_the_state_is_locked(tmp_path, capsys, command, missing_input):
    # enrich writes the same output and state as run: it takes the same lock
    out = tmp_path / "out"
    child = hold_lock_in_child(str(out / "state"))
    try:
        code = main([command, missing_input, str(tmp_path / "no-such-input"), "--output", str(out)])
    finally:
        child.kill()
        child.wait()
    assert code == EXIT_LOCKED
    err = capsys.readouterr().err
    assert f"wirebeam {command}:" in err and "another wirebeam run" in err
    assert f"pid {child.pid}" in err and "this run did nothing" in err
    # the missing input was never even read: nothing but the lock exists
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == ["state", "state/run.lock"]


def wirebeam_run(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "pipeline", "run", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.slow
def test_two_overlapping_real_runs_second_exits_3_first_is_intact(tmp_path):
    out = tmp_path / "out"
    lock_file = out / "state" / "run.lock"
    with SampleServer() as server:
        feeds = server.feed_list_path("txt", tmp_path)
        common = ["--feeds", str(feeds), "--output", str(out), "--allow-hosts", server.allow_hosts, "--no-enrich"]
        # Slow enough (a delay between requests to one host) that the second run starts mid-way.
        first = wirebeam_run(*common, "--run-id", "first", "--per-host-delay", "0.4")
        deadline = time.monotonic() + 60
        while not (lock_file.exists() and parse_holder(lock_file.read_text()).pid == first.pid):
            assert first.poll() is None, first.communicate()
            assert time.monotonic() < deadline, "the first run never took the lock"
            time.sleep(0.05)
        second = wirebeam_run(*common, "--run-id", "second", "--per-host-delay", "0")
        second_out, second_err = second.communicate(timeout=120)
        assert first.poll() is None, "the first run must still be running when the second is refused"
        first_out, first_err = first.communicate(timeout=300)

    assert second.returncode == EXIT_LOCKED, second_err
    assert f"another wirebeam run (pid {first.pid}, on host {socket.gethostname()}" in second_err
    assert f"{out}/state/run.lock" in second_err and "this run did nothing" in second_err
    assert first.returncode == 0, first_err[-3000:]

    # Only the first run's output exists, complete, and nothing was moved aside as "incomplete".
    manifests = sorted(p.name for p in (out / "runs").glob("*.json"))
    assert manifests == ["first.json"]
    manifest = json.loads((out / "runs" / "first.json").read_text())
    assert manifest["counters"]["article_rows_written"] >= 15
    listed = {f["path"] for f in manifest["files"]["articles"]}
    on_disk = {str(p) for p in (out / "articles").rglob("*.parquet")}
    assert listed == on_disk
    assert sum(pq.read_metadata(p).num_rows for p in on_disk) == manifest["counters"]["article_rows_written"]
    assert not list(out.rglob("second*")) and not (out / "_incomplete").exists()
    assert lock_file.read_text() == ""  # released by the first run
