"""The command line against gs:// with no cloud account and no network: a dry run
returns at once with what it translated; a real run says within seconds that the
location cannot be reached. Both run `wirebeam` as a user would (a subprocess)."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from pipeline.errors import EXIT_STORAGE

DATAFLOW = [
    "--runner", "DataflowRunner", "--project", "wirebeam-test", "--region", "us-central1",
    "--temp_location", "gs://wirebeam-test-bucket/tmp", "--sdk_container_image", "example.test/wirebeam:1",
    "--sdk_location", "container",
]


def wirebeam(*args: str, timeout: float = 90) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    completed = subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True,
                               timeout=timeout, stdin=subprocess.DEVNULL)
    return completed, time.monotonic() - started


@pytest.fixture
def feed_list(tmp_path):
    path = tmp_path / "feeds.txt"
    path.write_text("https://news.example.test/rss.xml\n")
    return str(path)


@pytest.mark.slow
def test_a_dataflow_dry_run_returns_at_once_with_a_summary_and_touches_no_storage(feed_list):
    completed, seconds = wirebeam("run", "--feeds", feed_list, "--output", "gs://wirebeam-test-bucket/news",
                                  *DATAFLOW, "--dry_run=True", "--no-enrich", "--run-id", "dry-1")
    assert completed.returncode == 0, completed.stderr
    assert seconds < 60
    out = completed.stdout
    assert "dry run: the job translated for DataflowRunner" in out
    assert "JOB_TYPE_BATCH" in out and "gs://wirebeam-test-bucket/news/state" in out
    assert "example.test/wirebeam:1" in out and "dry-1" in out
    steps = int(next(line for line in out.splitlines() if line.strip().startswith("steps")).split()[-1])
    assert steps > 50
    assert "could not" not in completed.stderr


@pytest.mark.slow
def test_a_streaming_dry_run_describes_a_streaming_job(feed_list):
    completed, seconds = wirebeam("run", "--streaming", "--feeds", feed_list, "--output",
                                  "gs://wirebeam-test-bucket/news", *DATAFLOW, "--dry_run=True", "--no-enrich")
    assert completed.returncode == 0, completed.stderr
    assert seconds < 60 and "JOB_TYPE_STREAMING" in completed.stdout


@pytest.mark.slow
def test_a_run_whose_gcs_output_cannot_be_reached_fails_within_a_minute_saying_what_to_check(feed_list):
    completed, seconds = wirebeam("run", "--feeds", feed_list, "--output", "gs://wirebeam-unreachable-bucket/news",
                                  "--no-enrich")
    assert completed.returncode == EXIT_STORAGE, (completed.returncode, completed.stderr[-2000:])
    assert seconds < 60
    err = completed.stderr
    assert "gs://wirebeam-unreachable-bucket/news" in err and "credentials" in err and "network" in err
    assert "Traceback" not in err
