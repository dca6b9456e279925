"""`wirebeam backfill` end to end (a real `python -m pipeline` on the local runner): the bundled sample
archive through the same stages as `run`; filters; nothing written twice across backfills and live runs."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from pipeline.sample.corpus import load_manifest, read_data, substitute
from pipeline.sample.server import SampleServer
from pipeline.warc.sample import SAMPLE_ARCHIVE
from pipeline.warc.write import Capture, write_warc
from tests.warc.archives import page, records, write

pytestmark = pytest.mark.slow
ONE_PROCESS = ["--direct_num_workers", "1", "--direct_running_mode", "in_memory"]


def wirebeam(*args: str) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def rows(out: Path, columns: str, where: str = "true") -> list[tuple]:
    return duckdb.connect().execute(
        f"SELECT {columns} FROM read_parquet('{out}/articles/*/*.parquet', hive_partitioning = true, "
        f"union_by_name = true) WHERE {where}").fetchall()


def manifests(out: Path) -> list[dict]:
    return [json.loads(path.read_text()) for path in sorted((out / "runs").glob("*.json"))]


def test_the_sample_archive_lands_like_a_run_with_its_provenance(tmp_path):
    out = tmp_path / "out"
    result = wirebeam("backfill", "--warc", str(SAMPLE_ARCHIVE), "--output", str(out), "--run-id", "bf")
    assert "all 1 WARC file(s) read" in result.stderr
    written = rows(out, "article_id, url, warc_file, warc_record_id, warc_date, fetched_at, enrichment_status, story_id")
    assert len(written) == len({r[0] for r in written}) == 23
    assert all(r[2] == str(SAMPLE_ARCHIVE) and r[3].startswith("<urn:uuid:") and r[4] == r[5] for r in written)
    assert sum(1 for r in written if r[6] == "ok") == 22  # the German page is not run through the English model
    assert len({r[7] for r in written}) < 23  # syndicated copies share a story
    [manifest] = manifests(out)
    counters = manifest["counters"]
    assert (counters["warc_files_read"], counters["warc_records"], counters["warc_pages"]) == (1, 60, 23)
    assert (counters["warc_skipped_not_html"], counters["warc_skipped_revisit"], counters["warc_skipped_status"]) == (11, 1, 1)
    assert counters["written"] == 23 and counters["dead_lettered"] == 0
    ledger = duckdb.connect().execute(f"SELECT warc_file, status, run_id FROM read_parquet('{out}/state/warc/*/*.parquet')").fetchall()
    assert ledger == [(str(SAMPLE_ARCHIVE), "read", "bf-0001")]

    again = wirebeam("backfill", "--warc", str(SAMPLE_ARCHIVE), "--output", str(out), "--no-enrich")
    assert "all 1 WARC file(s) read" in again.stderr and len(manifests(out)) == 1  # the file was read: no new run

    # A later crawl captures three of the same pages again and one new page: only the new page is written.
    sample_pages = _sample_pages()
    archive = tmp_path / "later.warc.gz"
    with open(archive, "wb") as stream:
        write_warc(stream, [*(Capture(c.url, c.body, c.captured_at + timedelta(days=3)) for c in sample_pages[:3]),
                            page(1, host="wire.example")], created=sample_pages[0].captured_at)
    later = wirebeam("backfill", "--warc", str(archive), "--output", str(out), "--run-id", "later", "--no-enrich",
                     *ONE_PROCESS)
    assert "all 1 WARC file(s) read" in later.stderr
    latest = manifests(out)[-1]["counters"]
    assert (latest["items_already_written"], latest["written"]) == (3, 1)
    ids = [r[0] for r in rows(out, "article_id")]
    assert len(ids) == len(set(ids)) == 24


def _sample_pages() -> list[Capture]:
    from pipeline.warc.sample import sample_captures

    return [c for c in sample_captures() if c.record_type == "response" and c.status == 200
            and (c.content_type or "").startswith("text/html")]


def test_filters_keep_only_the_days_hosts_and_languages_asked_for(tmp_path):
    out = tmp_path / "out"
    hosts = tmp_path / "hosts.txt"
    hosts.write_text("# wire services\nhttps://wire.example/\nalpine.example\n")
    result = wirebeam("backfill", "--warc", str(SAMPLE_ARCHIVE), "--output", str(out), "--no-enrich",
                      "--from", "2025-03-23", "--to", "2025-03-24", "--hosts", str(hosts), "--languages", "en",
                      *ONE_PROCESS)
    assert "all 1 WARC file(s) read" in result.stderr
    written = rows(out, "url, language, CAST(warc_date AS DATE)")
    assert written and all(
        url.startswith(("https://wire.example/", "https://alpine.example/")) and language == "en"
        and str(day) in ("2025-03-23", "2025-03-24") for url, language, day in written)
    counters = manifests(out)[0]["counters"]
    assert counters["warc_skipped_other_host"] > 0 and counters["warc_skipped_outside_dates"] > 0
    assert counters["warc_other_language"] == 1  # the German page from Valais (23 March)


def test_a_backfill_writes_nothing_a_live_run_wrote(tmp_path):
    out = tmp_path / "out"
    with SampleServer() as server:
        feeds = server.feed_list_path("txt", tmp_path)
        wirebeam("run", "--feeds", str(feeds), "--output", str(out), "--allow-hosts", server.allow_hosts,
                 "--per-host-delay", "0", "--no-enrich", "--run-id", "live", *ONE_PROCESS)
        live = {r[0] for r in rows(out, "url")}
        # The same pages as a crawler archived them, at the server's addresses, and one page no feed listed.
        captures = [
            Capture(origin + path, substitute(read_data(route["file"]), server.origins), _at(route), route["content_type"])
            for site, site_routes in load_manifest()["routes"].items() for path, route in site_routes.items()
            for origin in [server.origins[site]] if "/pages/" in route["file"]
        ]
        extra = page(1)
        captures.append(Capture(server.origins["wire"] + "/world/2025/03/26/story-1", extra.body, extra.captured_at))
    archive = write(tmp_path / "crawl.warc", records(captures, gzipped=False))
    wirebeam("backfill", "--warc", str(archive), "--output", str(out), "--no-enrich", "--run-id", "bf", *ONE_PROCESS)
    counters = json.loads((out / "runs" / "bf-0001.json").read_text())["counters"]
    assert counters["items_already_written"] == len(live) == len(captures) - 1
    ids = [r[0] for r in rows(out, "article_id")]
    assert len(ids) == len(set(ids)) == len(live) + 1  # nothing twice; the page no feed listed is new
    assert counters["written"] == 1


def _at(route: dict):
    from datetime import datetime

    return datetime.fromisoformat(route["last_modified"].replace("Z", "+00:00"))
