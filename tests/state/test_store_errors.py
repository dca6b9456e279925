"""A store that fails is an error, never an empty store: nothing is moved, the run stops and says where."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from apache_beam.options.pipeline_options import PipelineOptions

from pipeline.cli import main
from pipeline.errors import EXIT_DATA, EXIT_STORAGE, StoreUnavailable
from pipeline.options import WirebeamOptions
from pipeline.plan import prepare_state
from pipeline.state import store
from pipeline.state.store import SEEN_SCHEMA, call_with_deadline, match_files, store_call
from tests.state.broken_fs import PREFIX, BrokenListings


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch):
    monkeypatch.setattr(store, "STORE_BACKOFF_SECONDS", (0.05, 0.1))
    BrokenListings.failing = set()
    BrokenListings.calls = []
    yield
    BrokenListings.failing = set()


def tiny_parquet(path: Path, schema: pa.Schema | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if schema is None:
        pq.write_table(pa.table({"article_id": ["x"]}), path)
    else:
        pq.write_table(pa.Table.from_pylist([], schema=schema), path)


def output_with_a_finished_and_a_killed_run(root: Path) -> Path:
    out = root / "out"
    (out / "runs").mkdir(parents=True)
    (out / "runs" / "r-old.json").write_text(json.dumps({"run_id": "r-old", "state": str(out / "state")}))
    tiny_parquet(out / "articles" / "date=2026-01-01" / "r-old-0.parquet")
    tiny_parquet(out / "state" / "seen" / "date=2026-01-01" / "r-old-0.parquet", SEEN_SCHEMA)
    tiny_parquet(out / "articles" / "date=2026-01-01" / "r-killed-0.parquet")
    return out


def files_under(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


def wirebeam_options(out: str) -> WirebeamOptions:
    return PipelineOptions(["--output", out]).view_as(WirebeamOptions)


def test_a_missing_folder_is_empty_and_an_error_is_an_error(tmp_path):
    assert match_files(str(tmp_path / "nothing" / "runs" / "*.json")) == []
    BrokenListings.failing = {"/runs/"}
    with pytest.raises(StoreUnavailable, match="could not list brokenfs://.*/runs/\\*.json"):
        match_files(f"{PREFIX}{tmp_path}/runs/*.json")
    assert len(BrokenListings.calls) == store.STORE_ATTEMPTS  # retried briefly, then given up


def test_store_call_retries_a_passing_failure_and_gives_up_on_a_hang():
    outcomes = iter([OSError("blip"), "listed"])

    def flaky():
        outcome = next(outcomes)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    assert store_call("list", "gs://b/x", flaky, sleep=lambda s: None) == "listed"
    calls = []

    def hang():
        calls.append(1)
        __import__("time").sleep(5)

    with pytest.raises(StoreUnavailable, match="no answer in 0.2 s"):
        store_call("list", "gs://b/x", hang, seconds=0.2, sleep=lambda s: None)
    assert len(calls) == 1  # a store that does not answer is not asked again

    def own_timeout():
        calls.append(2)
        raise TimeoutError("socket timed out")  # the call's own timeout: retried like any error

    with pytest.raises(StoreUnavailable, match="TimeoutError: socket timed out"):
        store_call("list", "gs://b/x", own_timeout, sleep=lambda s: None)
    assert calls.count(2) == store.STORE_ATTEMPTS
    with pytest.raises(ZeroDivisionError):
        call_with_deadline(lambda: 1 / 0, 1.0)


def test_with_a_working_store_a_killed_runs_files_are_moved_aside(tmp_path):
    out = output_with_a_finished_and_a_killed_run(tmp_path)
    state = prepare_state(f"{PREFIX}{out}", wirebeam_options(f"{PREFIX}{out}"), "r-new")
    assert [Path(p).name for p in state["quarantined"]] == ["r-killed-0.parquet"]
    assert (out / "_incomplete" / "r-killed" / "articles" / "date=2026-01-01" / "r-killed-0.parquet").exists()
    assert [Path(p).name for p in state["seen_files"]] == ["r-old-0.parquet"]


def test_when_listing_runs_fails_nothing_is_moved_and_the_run_stops_naming_the_location(tmp_path, capsys):
    out = output_with_a_finished_and_a_killed_run(tmp_path)
    before = files_under(out)
    feeds = tmp_path / "feeds.txt"
    feeds.write_text("http://127.0.0.1:9/feed.xml\n")
    BrokenListings.failing = {"/runs/*.json"}

    code = main(["run", "--feeds", str(feeds), "--output", f"{PREFIX}{out}", "--no-enrich"])

    assert code == EXIT_STORAGE
    err = capsys.readouterr().err
    assert f"could not list {PREFIX}{out}/runs/*.json" in err and "The run stopped there" in err
    assert files_under(out) == before  # the finished run is not taken for a killed one
    assert not (out / "_incomplete").exists()


@pytest.mark.slow
def test_a_damaged_state_file_is_a_data_error_with_its_traceback_not_a_usage_error(tmp_path, capsys):
    out = output_with_a_finished_and_a_killed_run(tmp_path)
    (out / "state" / "seen" / "date=2026-01-01" / "r-old-0.parquet").write_bytes(b"not parquet at all")
    feeds = tmp_path / "feeds.txt"
    feeds.write_text("http://127.0.0.1:9/feed.xml\n")

    code = main(["run", "--feeds", str(feeds), "--output", str(out), "--no-enrich", "--allow-hosts", "127.0.0.1/32",
                 "--direct_num_workers", "1", "--direct_running_mode", "in_memory"])

    assert code == EXIT_DATA
    err = capsys.readouterr().err
    assert "Traceback" in err and "a file could not be read" in err
    assert not list((out / "runs").glob("2*.json"))  # the run did not finish


@pytest.mark.parametrize("bad", [["--run-id", "no spaces/allowed"], ["--per-host-delay", "-1"]])
def test_bad_options_are_a_usage_error_before_anything_is_touched(tmp_path, capsys, bad):
    feeds = tmp_path / "feeds.txt"
    feeds.write_text("http://127.0.0.1:9/feed.xml\n")
    code = main(["run", "--feeds", str(feeds), "--output", str(tmp_path / "out"), "--no-enrich", *bad])
    assert code == 2
    assert "Traceback" not in capsys.readouterr().err
    assert not (tmp_path / "out" / "runs").exists()
