"""Scheduled batch runs: the run lock, and `wirebeam watch`'s loop.

A scheduled job (cron, a systemd timer, a Kubernetes CronJob, Airflow) may
start a run while the previous one is still working on the same state. The
second run must not start: two runs reading and writing the same seen-articles
state would each fetch what the other is fetching and race on the state files.

On a local (POSIX) path the lock is an `fcntl.flock` on `STATE/run.lock`, held
for the whole run. The kernel drops it when the holder exits, even by a crash
or SIGKILL, so there is never a stale lock to clean up by hand. The file keeps
who holds it (pid, host, start) only to say so in the refusal message.

On gs:// (or any non-local) state the lock is a local file named after the
state URL (`TMPDIR/wirebeam-locks/<hash>.lock`): it stops two runs started
from one machine (cron, watch, by hand), the usual way to overlap. It cannot
see a run on another machine, nor a Dataflow job whose launcher has returned.
There the overlap guard is Dataflow's own: a job name that is still active is
refused (HTTP 409 ALREADY_EXISTS, before the launcher runs), so schedule
with a fixed job name and one scheduler per state. See deploy/schedule/README.md.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import math
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Iterator, Sequence

from pipeline.errors import EXIT_LOCKED, EXIT_USAGE, UsageError

log = logging.getLogger(__name__)

LOCK_FILE_NAME = "run.lock"

_INTERVAL_PART = re.compile(r"(\d+(?:\.\d+)?)([smhd])")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def state_location(output: str, state: str | None) -> str:
    """Where a run keeps its state: --state, else OUTPUT/state (same rule as the state store)."""
    if state:
        return state.rstrip("/")
    if not output:
        raise UsageError("--output is required: the folder to write articles/, dead_letters/ and runs/ into")
    return output.rstrip("/") + "/state"


def state_for_argv(argv: Sequence[str]) -> str:
    """The state folder a `wirebeam run ARGV` would use."""
    from apache_beam.options.pipeline_options import PipelineOptions

    from pipeline.options import WirebeamOptions

    wb = PipelineOptions(list(argv)).view_as(WirebeamOptions)
    return state_location(wb.output or "", wb.state)


def is_local_path(path: str) -> bool:
    """A path on this machine's filesystem (no scheme, or file://)."""
    scheme = path.split("://", 1)[0].lower() if "://" in path else ""
    return scheme in ("", "file")


def _local(path: str) -> Path:
    return Path(path[len("file://"):] if path.startswith("file://") else path)


def lock_file_for(state_path: str) -> str:
    """STATE/run.lock for local state; for remote state, a local file named after the state URL."""
    state_path = state_path.rstrip("/")
    if is_local_path(state_path):
        return f"{state_path}/{LOCK_FILE_NAME}"
    digest = hashlib.sha256(state_path.encode("utf-8")).hexdigest()[:16]
    return str(Path(tempfile.gettempdir()) / "wirebeam-locks" / f"{digest}.lock")


@dataclass(frozen=True)
class LockHolder:
    """Who holds a run lock, as recorded in the lock file."""

    pid: int | None
    host: str | None
    started_at: str | None
    command: str | None = None

    def describe(self) -> str:
        when = _short_time(self.started_at)
        parts = [f"pid {self.pid}" if self.pid is not None else "pid unknown"]
        if self.host:
            parts.append(f"on host {self.host}")
        if when:
            parts.append(f"started {when}")
        return ", ".join(parts)


def _short_time(iso: str | None) -> str:
    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso).astimezone(timezone.utc)
    except ValueError:
        return iso
    return moment.strftime("%Y-%m-%d %H:%MZ")


def parse_holder(text: str) -> LockHolder:
    """The holder recorded in a lock file; tolerant of an empty or half-written file."""
    try:
        data = json.loads(text) if text.strip() else {}
    except json.JSONDecodeError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    pid = data.get("pid")
    return LockHolder(
        pid=pid if isinstance(pid, int) else None,
        host=data.get("host") if isinstance(data.get("host"), str) else None,
        started_at=data.get("started_at") if isinstance(data.get("started_at"), str) else None,
        command=data.get("command") if isinstance(data.get("command"), str) else None,
    )


class RunLockHeld(Exception):
    """Another run holds the lock on this state: this run must do nothing."""

    def __init__(self, lock_path: str, holder: LockHolder, state_path: str | None = None) -> None:
        self.lock_path = lock_path
        self.holder = holder
        super().__init__(
            f"another wirebeam run ({holder.describe()}) holds {lock_path}"
            f"{'' if state_path is None else f' (the lock of state {state_path})'}; this run did nothing. "
            "Wait for it to finish, or make the schedule's interval longer than a run takes "
            "(the lock is released when that process exits, even if it crashes)."
        )


class RunLock:
    """Exclusive lock on a state folder for the duration of a run.

        with RunLock(state_path):
            ...  # plan, run, write state

    Raises RunLockHeld on entry when another process holds it. Non-local
    state (gs://) is not locked here (see the module docstring); `locked`
    says whether this instance holds a real lock.
    """

    def __init__(self, state_path: str, command: str | None = None) -> None:
        self.state_path = state_path.rstrip("/")
        self.lock_path = lock_file_for(self.state_path)
        self._command = command
        self._fd: int | None = None

    @property
    def local_only(self) -> bool:
        """True when the state is remote and this lock only covers runs started on this machine."""
        return not is_local_path(self.state_path)

    @property
    def locked(self) -> bool:
        return self._fd is not None

    def acquire(self) -> "RunLock":
        path = _local(self.lock_path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = parse_holder(_read_fd(fd))
            os.close(fd)
            raise RunLockHeld(self.lock_path, holder, self.state_path if self.local_only else None) from None
        except BaseException:
            os.close(fd)
            raise
        record = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "command": self._command,
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(record).encode("utf-8"), 0)
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            os.ftruncate(fd, 0)  # the holder is gone: leave no misleading record behind
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def __enter__(self) -> "RunLock":
        return self.acquire()

    def __exit__(self, *exc_info) -> None:
        self.release()


def _read_fd(fd: int) -> str:
    try:
        return os.pread(fd, 4096, 0).decode("utf-8", "replace")
    except OSError:
        return ""


def parse_interval(text: str, flag: str = "--every") -> timedelta:
    """'15m', '1h30m', '90s', '2h', '1d' or plain seconds ('900') -> timedelta (> 0); `flag` names the
    option in the error."""
    cleaned = text.strip().lower().replace(" ", "")
    if re.fullmatch(r"\d+(\.\d+)?", cleaned):
        seconds = float(cleaned)
    else:
        parts = _INTERVAL_PART.findall(cleaned)
        if not parts or "".join(n + u for n, u in parts) != cleaned:
            raise UsageError(f"{flag} {text!r} is not an interval: use e.g. 15m, 1h, 1h30m, 90s")
        seconds = sum(float(n) * _UNIT_SECONDS[u] for n, u in parts)
    if seconds <= 0:
        raise UsageError(f"{flag} {text!r} must be longer than zero")
    return timedelta(seconds=seconds)


def next_start(previous_start: float, interval: float, now: float) -> float:
    """When the next run starts: the first slot on the interval's grid (counted from
    the previous start) that is not in the past. A run that overran its slot does
    not cause runs back to back to catch up: the missed slots are skipped."""
    slots = max(1, math.ceil((now - previous_start) / interval))
    return previous_start + slots * interval


@dataclass
class WatchOutcome:
    runs: int
    exit_codes: list[int]


def watch(
    run_argv: Sequence[str],
    interval: timedelta,
    *,
    max_runs: int | None = None,
    runner: Callable[[Sequence[str]], int] | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> WatchOutcome:
    """Run `wirebeam run RUN_ARGV` every `interval` until stopped (SIGINT/SIGTERM) or `max_runs`.

    Each run is a child process: a crash or a memory leak in one run cannot
    take the loop down, and each run takes the state lock like a cron-started
    one would. A usage error (exit 2) stops the loop: it would repeat forever.
    """
    run_once = runner or run_in_subprocess
    stop = _StopFlag()
    codes: list[int] = []
    with stop.installed():
        while not stop.requested:
            started = clock()
            code = run_once(run_argv)
            codes.append(code)
            if code == EXIT_USAGE:
                log.error("wirebeam watch: the run's options are wrong (exit 2); stopping")
                break
            if code == EXIT_LOCKED:
                log.warning("wirebeam watch: another run holds the state lock; skipped this slot")
            elif code != 0:
                log.warning("wirebeam watch: run ended with exit code %s; trying again next slot", code)
            if max_runs is not None and len(codes) >= max_runs:
                break
            wait = next_start(started, interval.total_seconds(), clock()) - clock()
            if wait > 0:
                log.info("wirebeam watch: next run in %.0f s", wait)
                stop.wait(wait, clock, sleep)
    return WatchOutcome(len(codes), codes)


def run_in_subprocess(run_argv: Sequence[str]) -> int:
    """One `wirebeam run`, as a child of this Python, its output passed through."""
    completed = subprocess.run([sys.executable, "-m", "pipeline", "run", *run_argv], check=False)
    return completed.returncode


class _StopFlag:
    """SIGINT/SIGTERM end the loop after the current run (the child gets the signal too, from the terminal
    or from systemd's control group, and stops on its own)."""

    def __init__(self) -> None:
        self.requested = False

    def _handle(self, signum, _frame) -> None:
        log.warning("wirebeam watch: signal %s: stopping after the current run", signum)
        self.requested = True

    @contextlib.contextmanager
    def installed(self) -> Iterator["_StopFlag"]:
        previous = {}
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                previous[sig] = signal.signal(sig, self._handle)
            except ValueError:  # not the main thread (e.g. called from a test runner's thread)
                pass
        try:
            yield self
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def wait(self, seconds: float, clock: Callable[[], float], sleep: Callable[[float], None]) -> None:
        deadline = clock() + seconds
        while not self.requested:
            left = deadline - clock()
            if left <= 0:
                return
            sleep(min(left, 1.0))
