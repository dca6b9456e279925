"""Time limits for a parser that may hang on one hostile document.

A thread cannot stop lxml or a runaway regex, and SIGALRM reaches only the main
thread, where Beam workers do not call process(): the only sure way to stop
one call is to run it in another process and kill that process. Hence:

- `ChildProcessRunner`: one reusable child process per runner. Each call ships
  the function (by reference) and its arguments over a socket pair; if no
  answer comes within `timeout_s` the child is killed, StageError('timeout') is
  raised, and the next call starts a fresh child. A child that dies (segfault,
  out of memory) gives StageError('parse_error'); any other exception the
  function raises is raised here as it was raised there.
  The child is a plain `python -c` interpreter, not a multiprocessing "spawn"
  child: spawn re-imports the parent's __main__, which in a Beam worker is the
  SDK harness (+170 MiB and ~1 s per child); this one imports only `preload`
  (~40 MiB with trafilatura) before it reports ready, so start-up never counts
  against a document's time limit. A plain process is also safe to start from
  a threaded worker, where fork is not.
- `run_with_limits(fn, *args, timeout_s=..., runner=None)`: uses the runner when
  given; otherwise, on the main thread of a Unix process, SIGALRM (interrupts
  Python-level parsing loops — most of trafilatura — but not one long C call);
  otherwise (a Beam worker thread) it runs `fn` with no time limit.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import pickle
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from pipeline.records import StageError

T = TypeVar("T")

# What the child runs: the socket's file descriptor and the modules to preload come as arguments.
_CHILD_COMMAND = "import sys; from pipeline.extract.limits import _child_main; _child_main(int(sys.argv[1]), sys.argv[2:])"


def _child_main(fd: int, preload: list[str]) -> None:
    """Loop of the child process: run each (fn, args, kwargs) and send back the outcome."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when we stop
    conn = Connection(fd)
    for module in preload:  # import before the first call so start-up is not billed to it
        importlib.import_module(module)
    conn.send(("ready", None))
    while True:
        try:
            request = conn.recv_bytes()
        except (EOFError, OSError):  # the parent closed its end or died
            return
        try:
            call = pickle.loads(request)  # here, not in recv(): a function that cannot be imported is its error
            if call is None:
                return
            fn, args, kwargs = call
            outcome: tuple[str, Any] = ("ok", fn(*args, **kwargs))
        except BaseException as err:  # noqa: BLE001 — every failure goes back to the parent
            outcome = ("error", _sendable(err))
        try:
            conn.send(outcome)
        except Exception as err:  # noqa: BLE001 — an unpicklable result or exception
            conn.send(("error", RuntimeError(f"{type(outcome[1]).__name__} could not be sent back: {err}"[:500])))


def _child_environment() -> dict[str, str]:
    """The parent's environment, with its import path, so the child finds the same modules."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join(path for path in sys.path if path)}


def _sendable(err: BaseException) -> Exception:
    """err itself if it survives pickling both ways, else a RuntimeError that names it."""
    if isinstance(err, Exception):
        try:
            pickle.loads(pickle.dumps(err))
            return err
        except Exception:  # noqa: BLE001 — e.g. an exception class with required keyword arguments
            pass
    return RuntimeError(f"{type(err).__name__}: {err}"[:500])


class ChildProcessRunner:
    """Runs picklable functions in one reusable child process, with a per-call time limit."""

    def __init__(
        self,
        timeout_s: float,
        *,
        preload: tuple[str, ...] = ("pipeline.extract.article",),
        startup_timeout_s: float = 120.0,
    ) -> None:
        if timeout_s <= 0:
            raise ValueError("timeout_s must be positive")
        self.timeout_s = timeout_s
        self.preload = preload
        self.startup_timeout_s = startup_timeout_s
        self._process: subprocess.Popen | None = None
        self._conn: Connection | None = None
        self._lock = threading.Lock()  # one call at a time per child
        self.restarts = 0

    def start(self) -> None:
        """Start the child now (e.g. in DoFn.setup) rather than on the first call."""
        with self._lock:
            self._ensure_started()

    def _ensure_started(self) -> Connection:
        if self._process is None or self._process.poll() is not None or self._conn is None:
            self._stop(kill=True)
            parent_conn, child_conn = multiprocessing.Pipe(duplex=True)
            try:
                process = subprocess.Popen(
                    [sys.executable, "-c", _CHILD_COMMAND, str(child_conn.fileno()), *self.preload],
                    pass_fds=(child_conn.fileno(),), stdin=subprocess.DEVNULL, env=_child_environment(),
                )
            finally:
                child_conn.close()
            self._process, self._conn = process, parent_conn
            self.restarts += 1
            try:
                ready = parent_conn.poll(self.startup_timeout_s) and parent_conn.recv()[0] == "ready"
            except (EOFError, OSError):
                ready = False
            if not ready:
                code = process.poll()
                self._stop(kill=True)
                raise StageError("parse_error", f"extraction process failed to start (exit code {code})")
        return self._conn

    def _stop(self, *, kill: bool) -> None:
        process, conn = self._process, self._conn
        self._process = self._conn = None
        if conn is not None:
            if not kill:
                try:
                    conn.send(None)
                except OSError:
                    pass
            conn.close()
        if process is not None:
            if kill:
                process.kill()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)

    def _exit_code(self) -> int | None:
        """The exit code of a child that closed its end: it may still be exiting."""
        if self._process is None:
            return None
        try:
            return self._process.wait(timeout=1)
        except subprocess.TimeoutExpired:
            return None

    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """fn(*args, **kwargs) in the child; StageError('timeout') if it takes over timeout_s."""
        with self._lock:
            conn = self._ensure_started()
            try:
                conn.send((fn, args, kwargs))
                ready = conn.poll(self.timeout_s)
            except OSError as err:
                self._stop(kill=True)
                raise StageError("parse_error", f"extraction process unavailable: {err}") from err
            if not ready:
                self._stop(kill=True)
                raise StageError("timeout", f"extraction took over {self.timeout_s:g} s; the parser was stopped")
            try:
                status, value = conn.recv()
            except (EOFError, OSError) as err:
                code = self._exit_code()
                self._stop(kill=True)
                raise StageError("parse_error", f"extraction process died (exit code {code})") from err
        if status == "ok":
            return value
        raise value

    def close(self) -> None:
        with self._lock:
            self._stop(kill=False)

    def __enter__(self) -> ChildProcessRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Alarm(BaseException):  # BaseException: parsers catch Exception
    pass


def _raise_alarm(signum: int, frame: object) -> None:
    raise _Alarm()


def run_with_limits(
    fn: Callable[..., T],
    *args: Any,
    timeout_s: float | None = None,
    runner: ChildProcessRunner | None = None,
    **kwargs: Any,
) -> T:
    """fn(*args, **kwargs) under a time limit when one can be enforced (see module docstring)."""
    if runner is not None:
        return runner.call(fn, *args, **kwargs)
    can_alarm = (
        timeout_s is not None
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not can_alarm:
        return fn(*args, **kwargs)
    previous = signal.signal(signal.SIGALRM, _raise_alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout_s)
    try:
        return fn(*args, **kwargs)
    except _Alarm:
        raise StageError("timeout", f"extraction took over {timeout_s:g} s and was interrupted") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
