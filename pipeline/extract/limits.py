"""Time limits for a parser that may hang on one hostile document.

A thread cannot stop lxml or a runaway regex: the only sure way to stop one
call is to run it in another process and kill that process. Hence two tools:

- `ChildProcessRunner`: one reusable child process (started with "spawn", safe
  inside a threaded Beam worker). Each call ships the function and arguments
  over a pipe; if no answer comes within `timeout_s` the child is killed,
  StageError('timeout') is raised, and the next call starts a fresh child. A
  child that dies (segfault, out of memory) gives StageError('parse_error').
  The child imports `preload` modules before it reports ready, so start-up
  (~1 s to import trafilatura) never counts against a document's time limit.
  Cost: pickling the page both ways and one extra process (~100 MB with
  trafilatura loaded) per DoFn instance — so it is opt-in.
- `run_with_limits(fn, *args, timeout_s=..., runner=None)`: uses the runner when
  given; otherwise, on the main thread of a Unix process, SIGALRM (interrupts
  Python-level parsing loops — most of trafilatura — but not one long C call);
  otherwise (a Beam worker thread) it runs `fn` with no time limit.
"""

from __future__ import annotations

import importlib
import multiprocessing
import signal
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from pipeline.records import StageError

T = TypeVar("T")


def _child_main(conn: Connection, preload: tuple[str, ...]) -> None:
    """Loop of the child process: run each (fn, args, kwargs) and send back the outcome."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when we stop
    for module in preload:  # import before the first call so start-up is not billed to it
        importlib.import_module(module)
    conn.send(("ready", None))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        fn, args, kwargs = request
        try:
            outcome: tuple[str, Any] = ("ok", fn(*args, **kwargs))
        except StageError as err:
            outcome = ("error", err)
        except BaseException as err:  # noqa: BLE001 — report every failure to the parent
            outcome = ("error", StageError("parse_error", f"{type(err).__name__}: {err}"[:500]))
        try:
            conn.send(outcome)
        except Exception as err:  # noqa: BLE001 — e.g. an unpicklable result
            conn.send(("error", StageError("parse_error", f"result could not be sent back: {err}"[:500])))


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
        self._context = multiprocessing.get_context("spawn")
        self._process: multiprocessing.process.BaseProcess | None = None
        self._conn: Connection | None = None
        self._lock = threading.Lock()  # one call at a time per child
        self.restarts = 0

    def _ensure_started(self) -> Connection:
        if self._process is None or not self._process.is_alive() or self._conn is None:
            self._stop(kill=True)
            parent_conn, child_conn = self._context.Pipe(duplex=True)
            process = self._context.Process(target=_child_main, args=(child_conn, self.preload), daemon=True,
                                            name="wirebeam-extract")
            process.start()
            child_conn.close()
            self._process, self._conn = process, parent_conn
            self.restarts += 1
            try:
                ready = parent_conn.poll(self.startup_timeout_s) and parent_conn.recv()[0] == "ready"
            except (EOFError, OSError):
                ready = False
            if not ready:
                code = process.exitcode
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
                except (OSError, BrokenPipeError):
                    pass
            conn.close()
        if process is not None:
            if kill:
                process.kill()
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
                process.join(timeout=5)

    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """fn(*args, **kwargs) in the child; StageError('timeout') if it takes over timeout_s."""
        with self._lock:
            conn = self._ensure_started()
            try:
                conn.send((fn, args, kwargs))
                ready = conn.poll(self.timeout_s)
            except (OSError, BrokenPipeError) as err:
                self._stop(kill=True)
                raise StageError("parse_error", f"extraction process unavailable: {err}") from err
            if not ready:
                self._stop(kill=True)
                raise StageError("timeout", f"extraction took over {self.timeout_s:g} s; the parser was stopped")
            try:
                status, value = conn.recv()
            except (EOFError, OSError) as err:
                code = self._process.exitcode if self._process is not None else None
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
