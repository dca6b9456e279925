"""`wirebeam watch`: the interval grammar, the schedule grid, and the loop."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import timedelta

import pytest

from pipeline.cli import main
from pipeline.schedule import EXIT_LOCKED, next_start, parse_interval, watch


@pytest.mark.parametrize("text, seconds", [("15m", 900), ("1h30m", 5400), ("90s", 90), ("2h", 7200), ("1d", 86400),
                                           ("900", 900), ("0.5s", 0.5), (" 5M ", 300)])
def test_parse_interval(text, seconds):
    assert parse_interval(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "m", "15 minutes", "0m", "-5m", "1h-5m", "15mm", "soon"])
def test_parse_interval_refuses(text):
    with pytest.raises(ValueError, match="--every"):
        parse_interval(text)


def test_next_start_keeps_the_grid_and_skips_overrun_slots():
    assert next_start(100.0, 60.0, now=130.0) == 160.0  # a short run waits for its slot
    assert next_start(100.0, 60.0, now=160.0) == 160.0
    assert next_start(100.0, 60.0, now=170.0) == 220.0  # overran one slot: skip it, no catch-up burst
    assert next_start(100.0, 60.0, now=400.0) == 400.0  # exactly on a slot


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_watch_runs_on_the_interval_and_goes_on_after_failures_and_locks():
    clock = FakeClock()
    starts, durations, codes = [], iter([10.0, 130.0, 5.0, 5.0]), iter([0, 1, EXIT_LOCKED, 0])

    def run_once(argv):
        assert argv == ["--feeds", "f", "--output", "o"]
        starts.append(clock.now)
        clock.now += next(durations)
        return next(codes)

    outcome = watch(["--feeds", "f", "--output", "o"], timedelta(minutes=1), max_runs=4,
                    runner=run_once, clock=clock, sleep=clock.sleep)
    assert outcome.exit_codes == [0, 1, EXIT_LOCKED, 0]
    assert starts == [0.0, 60.0, 240.0, 300.0]  # the 130 s run skipped the 120 and 180 slots


def test_watch_stops_on_a_usage_error():
    clock = FakeClock()
    outcome = watch([], timedelta(seconds=1), max_runs=5, runner=lambda argv: 2, clock=clock, sleep=clock.sleep)
    assert outcome.exit_codes == [2]


def test_cli_watch_runs_real_children_and_stops_on_their_usage_error(tmp_path):
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "pipeline", "watch", "--every", "1s", "--max-runs", "3",
                             "--output", str(tmp_path / "out")], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr.count("--feeds is required") == 1  # one child run, then the loop stopped
    assert time.monotonic() - started < 60


def test_cli_watch_refuses_run_id_and_streaming(capsys):
    assert main(["watch", "--every", "15m", "--run-id", "x", "--feeds", "f", "--output", "o"]) == 2
    assert "--run-id cannot be used with watch" in capsys.readouterr().err
    assert main(["watch", "--every", "15m", "--streaming", "--feeds", "f", "--output", "o"]) == 2
    assert "never ends" in capsys.readouterr().err
    assert main(["watch", "--every", "soon", "--feeds", "f", "--output", "o"]) == 2
    assert "is not an interval" in capsys.readouterr().err


def test_cli_watch_passes_verbose_on_to_its_runs(monkeypatch):
    import pipeline.schedule

    seen = []

    def fake_watch(run_argv, interval, max_runs=None):
        seen.append(list(run_argv))
        return pipeline.schedule.WatchOutcome(1, [0])

    monkeypatch.setattr(pipeline.schedule, "watch", fake_watch)
    assert main(["watch", "--every", "15m", "--max-runs", "1", "--verbose", "--feeds", "f", "--output", "o"]) == 0
    assert seen == [["--verbose", "--feeds", "f", "--output", "o"]]


def test_watch_goes_on_after_an_unreachable_store_and_a_data_error_and_says_so(caplog):
    from pipeline.errors import EXIT_DATA, EXIT_STORAGE

    clock = FakeClock()
    codes = iter([EXIT_STORAGE, EXIT_DATA, 0])
    with caplog.at_level("WARNING", logger="pipeline.schedule"):
        outcome = watch([], timedelta(seconds=1), max_runs=3, runner=lambda argv: next(codes), clock=clock,
                        sleep=clock.sleep)
    assert outcome.exit_codes == [EXIT_STORAGE, EXIT_DATA, 0]
    said = [r.getMessage() for r in caplog.records]
    assert any("exit code 4; trying again next slot" in m for m in said)
    assert any("exit code 5; trying again next slot" in m for m in said)
