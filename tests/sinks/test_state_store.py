"""The seen-state store: finished vs unfinished runs, quarantine, feed validators."""

from datetime import datetime, timezone

from pipeline.sinks.parquet import write_parquet_file
from pipeline.state.store import (
    SEEN_SCHEMA,
    feed_validators,
    latest_manifest,
    quarantine_incomplete,
    read_state,
    run_id_of,
    seen_rows,
)

T = datetime(2026, 3, 24, tzinfo=timezone.utc)


def write_seen(root, run_id):
    rows = seen_rows({"article_id": "a" * 32, "content_sha256": "c", "published_at": T, "run_id": run_id},
                     ["https://x.org/a", "https://x.org/a", ""])
    assert len(rows) == 1  # keys de-duplicated, empty keys dropped
    path = f"{root}/seen/date=2026-03-24/{run_id}-0.parquet"
    write_parquet_file(path, rows, SEEN_SCHEMA)
    return path


def test_run_id_of_file_names():
    assert run_id_of("/o/articles/date=2026-01-01/20261127T190000Z-3.parquet") == "20261127T190000Z"
    assert run_id_of("/o/articles/date=2026-01-01/my-run-id-0.parquet") == "my-run-id"
    assert run_id_of("/o/articles/date=2026-01-01/.tmp") is None


def test_unfinished_run_files_are_quarantined_and_finished_ones_are_state(tmp_path):
    out, root = str(tmp_path), str(tmp_path / "state")
    (tmp_path / "runs").mkdir()
    (tmp_path / "runs" / "done.json").write_text('{"run_id": "done"}')
    done = write_seen(root, "done")
    killed = write_seen(root, "killed")
    article = tmp_path / "articles" / "date=2026-03-24" / "killed-0.parquet"
    article.parent.mkdir(parents=True)
    article.write_bytes(b"PAR1")

    view = read_state(out, root)
    assert view.finished_runs == {"done"}
    assert view.seen_files == (done,)
    assert set(view.incomplete_files) == {killed, str(article)}

    moved = quarantine_incomplete(out, view.incomplete_files)
    assert not article.exists()
    assert all("/_incomplete/killed/" in m for m in moved)
    assert read_state(out, root).incomplete_files == ()


def test_feed_validators_only_from_completely_read_feeds(tmp_path):
    manifest = {"feeds": [
        {"feed_url": "a", "ok": True, "dead_lettered": 0, "etag": '"e1"', "last_modified": None},
        {"feed_url": "b", "ok": True, "dead_lettered": 2, "etag": '"e2"', "last_modified": None},
        {"feed_url": "c", "ok": False, "dead_lettered": 0, "etag": '"e3"', "last_modified": None},
        {"feed_url": "d", "ok": True, "dead_lettered": 0, "etag": None, "last_modified": "Mon, 24 Mar 2025 07:00:00 GMT"},
    ]}
    assert feed_validators(manifest) == {"a": ('"e1"', None), "d": (None, "Mon, 24 Mar 2025 07:00:00 GMT")}
    assert feed_validators(None) == {}


def test_latest_manifest_is_per_state(tmp_path):
    runs = tmp_path / "runs"
    runs.mkdir()
    (runs / "r1.json").write_text('{"run_id": "r1", "state": "/s", "finished_at": "2026-01-01T00:00:00+00:00"}')
    (runs / "r2.json").write_text('{"run_id": "r2", "state": "/s", "finished_at": "2026-01-02T00:00:00+00:00"}')
    (runs / "r3.json").write_text('{"run_id": "r3", "state": "/other", "finished_at": "2026-01-03T00:00:00+00:00"}')
    (runs / "broken.json").write_text("{")
    assert latest_manifest(str(tmp_path), "/s")["run_id"] == "r2"
    assert latest_manifest(str(tmp_path), "/nowhere") is None
