from __future__ import annotations

import os
import threading
import time

import pytest

from pipeline.extract.article import extract_article
from pipeline.extract.limits import ChildProcessRunner, run_with_limits
from pipeline.records import StageError
from tests.extract.pages import WIRE_PAGE, make_page


# Module-level so the spawned child can unpickle them.
def add(a: int, b: int) -> int:
    return a + b


def sleep_then_return(seconds: float) -> str:
    time.sleep(seconds)
    return "done"


def spin_forever() -> None:
    while True:  # a pure-Python hang, like a runaway parsing loop
        pass


def raise_value_error() -> None:
    raise ValueError("parser exploded")


def raise_stage_error() -> None:
    raise StageError("no_text", "nothing here")


def die() -> None:
    os._exit(3)  # like a segfault or the OOM killer


class UnpicklableError(Exception):
    def __init__(self, message: str, *, code: int) -> None:  # pickle cannot rebuild it: `code` is keyword-only
        super().__init__(message)
        self.code = code


def raise_unpicklable_error() -> None:
    raise UnpicklableError("x", code=1)


def exit_child() -> None:
    raise SystemExit(0)


@pytest.fixture(scope="module")
def runner():
    with ChildProcessRunner(timeout_s=1.0, preload=("tests.extract.test_limits",)) as r:
        r.call(add, 0, 0)  # start the child (imports take seconds on a busy machine) before any test times a call
        yield r


def test_runner_returns_results_and_reuses_its_child(runner):
    assert runner.call(add, 2, 3) == 5
    restarts = runner.restarts
    assert runner.call(add, b=1, a=1) == 2
    assert runner.restarts == restarts


def test_runner_kills_an_overrunning_call_and_recovers(runner):
    start = time.monotonic()
    with pytest.raises(StageError) as info:
        runner.call(spin_forever)
    assert info.value.error_type == "timeout"
    assert time.monotonic() - start < 5
    restarts = runner.restarts
    assert runner.call(sleep_then_return, 0.01) == "done"
    assert runner.restarts == restarts + 1


def test_runner_maps_errors(runner):
    # Raised here as raised there, so the DoFn maps them as in-process: StageError by its type, others internal_error.
    with pytest.raises(ValueError, match="parser exploded"):
        runner.call(raise_value_error)
    with pytest.raises(StageError) as info:
        runner.call(raise_stage_error)
    assert info.value.error_type == "no_text"
    with pytest.raises(RuntimeError, match="UnpicklableError: x"):
        runner.call(raise_unpicklable_error)
    with pytest.raises(RuntimeError, match="SystemExit"):  # never a SystemExit in the worker
        runner.call(exit_child)
    assert runner.call(add, 1, 2) == 3


def test_runner_survives_a_dying_child(runner):
    with pytest.raises(StageError) as info:
        runner.call(die)
    assert info.value.error_type == "parse_error" and "died (exit code 3)" in info.value.message
    assert runner.call(add, 1, 1) == 2


def test_start_launches_the_child_before_the_first_call():
    with ChildProcessRunner(timeout_s=60.0, preload=("tests.extract.test_limits",)) as runner:
        runner.start()
        assert runner.restarts == 1
        assert runner.call(add, 1, 1) == 2
        assert runner.restarts == 1


def test_runner_extracts_a_real_page():
    page = make_page(WIRE_PAGE)
    # A fresh child's first extraction pays one-off set-up, so a limit for hangs only.
    with ChildProcessRunner(timeout_s=60.0) as runner:
        assert runner.call(extract_article, page, "r") == extract_article(page, "r")


def test_alarm_on_main_thread_interrupts_a_hang():
    assert threading.current_thread() is threading.main_thread()
    start = time.monotonic()
    with pytest.raises(StageError) as info:
        run_with_limits(spin_forever, timeout_s=0.2)
    assert info.value.error_type == "timeout"
    assert time.monotonic() - start < 2
    # the timer is cleared: a later slow-ish call is not interrupted
    assert run_with_limits(sleep_then_return, 0.3, timeout_s=None) == "done"


def test_without_runner_off_main_thread_there_is_no_limit_but_it_runs():
    results = []
    worker = threading.Thread(target=lambda: results.append(run_with_limits(sleep_then_return, 0.3, timeout_s=0.1)))
    worker.start()
    worker.join()
    assert results == ["done"]


def test_runner_rejects_bad_timeout():
    with pytest.raises(ValueError):
        ChildProcessRunner(timeout_s=0)
