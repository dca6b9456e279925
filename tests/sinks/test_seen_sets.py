"""Seen keys as hashed sets: membership, the combine, and the Beam steps that read and use them."""

from __future__ import annotations

import hashlib
import pickle
from datetime import datetime, timezone

import apache_beam as beam
import numpy as np
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.sinks.parquet import write_parquet_file
from pipeline.state.store import SEEN_SCHEMA, seen_rows
from pipeline.state.transforms import (
    ALREADY_SEEN,
    CombineSeenSet,
    DropSeen,
    ReadSeenSets,
    SeenSet,
    hash_keys,
    revision_key,
    split_seen,
)

T = datetime(2026, 3, 24, tzinfo=timezone.utc)


def test_hashes_are_stable_64_bit_values():
    hashes = hash_keys(["https://x.org/a", "https://x.org/b", "https://x.org/a"])
    assert hashes.dtype == np.dtype("<u8") and len(hashes) == 3
    assert hashes[0] == hashes[2] != hashes[1]
    # BLAKE2b, not Python's per-process hash(): the same in every worker and run.
    expected = int.from_bytes(hashlib.blake2b(b"https://x.org/a", digest_size=8).digest(), "little")
    assert int(hashes[0]) == expected


@settings(max_examples=200, deadline=None)
@given(members=st.sets(st.text(max_size=40), max_size=50), others=st.sets(st.text(max_size=40), max_size=50))
def test_a_seen_set_holds_its_keys_and_nothing_else(members, others):
    seen = SeenSet.of(members)
    assert len(seen) == len(members)
    assert all(key in seen for key in members)
    assert not any(key in seen for key in others - members)


def test_an_empty_seen_set_holds_nothing_and_pickles_small():
    assert "x" not in SeenSet() and len(SeenSet()) == 0
    big = SeenSet.of(f"https://x.org/{i}" for i in range(10_000))
    assert len(pickle.dumps(big)) < 10_000 * 8 + 1_000  # 8 bytes a key, whatever the keys' length


def test_combine_merges_partial_sets_into_one():
    fn = CombineSeenSet()
    first = fn.add_input(fn.create_accumulator(), hash_keys(["a", "b"]))
    second = fn.add_input(fn.add_input(fn.create_accumulator(), hash_keys(["b", "c"])), hash_keys(["d"]))
    merged = fn.compact(fn.merge_accumulators([first, second]))
    assert len(merged) == 1  # compacted to one sorted array
    seen = fn.extract_output(merged)
    assert len(seen) == 4 and all(k in seen for k in "abcd") and "e" not in seen
    assert len(fn.extract_output(fn.create_accumulator())) == 0


def test_split_seen_routes_elements_by_their_key():
    seen = SeenSet.of(["https://x.org/old"])
    old = list(split_seen({"u": "https://x.org/old"}, lambda e: e["u"], seen))
    new = list(split_seen({"u": "https://x.org/new"}, lambda e: e["u"], seen))
    assert isinstance(old[0], beam.pvalue.TaggedOutput) and old[0].tag == ALREADY_SEEN
    assert new == [{"u": "https://x.org/new"}]


def write_seen(folder, run_id: str, articles: dict[str, list[str]]) -> str:
    rows = [row for article_id, urls in articles.items()
            for row in seen_rows({"article_id": article_id, "content_sha256": f"text-of-{article_id}",
                                  "published_at": T, "run_id": run_id}, urls)]
    path = f"{folder}/seen/date=2026-03-24/{run_id}-0.parquet"
    write_parquet_file(path, rows, SEEN_SCHEMA)
    return path


def test_pipeline_reads_seen_files_and_drops_seen_work(tmp_path):
    files = [
        write_seen(tmp_path, "r1", {"id1": ["https://x.org/1", "https://x.org/1-print"]}),
        write_seen(tmp_path, "r2", {"id2": ["https://x.org/2"], "id3": ["https://x.org/3"]}),
    ]
    urls = ["https://x.org/1-print", "https://x.org/2", "https://x.org/new", "https://x.org/newer"]
    with TestPipeline(runner="FnApiRunner") as p:
        seen = p | "Seen" >> ReadSeenSets(files)
        split = p | "Urls" >> beam.Create(urls) | "Drop" >> DropSeen(seen.url_keys, key=lambda url: url)
        # an article written with this text is seen; new text at the same URL (id3) is a new version
        revisions = [revision_key("id1", "text-of-id1"), revision_key("id3", "new text"), revision_key("id9", "x")]
        ids = p | "Ids" >> beam.Create(revisions) | "DropIds" >> DropSeen(seen.revisions, key=lambda i: i)
        assert_that(split.unseen, equal_to(["https://x.org/new", "https://x.org/newer"]), label="unseen")
        assert_that(split.already_seen, equal_to(["https://x.org/1-print", "https://x.org/2"]), label="seen")
        assert_that(ids.unseen, equal_to(revisions[1:]), label="new revisions")
        assert_that(seen.url_keys | beam.Map(len), equal_to([4]), label="four url keys")


def test_pipeline_with_no_seen_files_drops_nothing():
    with TestPipeline(runner="FnApiRunner") as p:
        seen = p | "Seen" >> ReadSeenSets([])
        split = p | beam.Create(["https://x.org/a"]) | DropSeen(seen.url_keys, key=lambda url: url)
        assert_that(split.unseen, equal_to(["https://x.org/a"]), label="unseen")
        assert_that(split.already_seen, equal_to([]), label="seen")


def test_columns_are_hashed_a_bounded_chunk_at_a_time():
    import pyarrow as pa

    from pipeline.state.transforms import hashed_columns

    table = pa.table({"url_key": [f"https://x.org/{i}" for i in range(5)], "article_id": [f"id{i}" for i in range(5)],
                      "content_sha256": [f"sha{i}" for i in range(5)]})
    chunks = list(hashed_columns(table, chunk_rows=2))
    assert [(column, len(hashes)) for column, hashes in chunks] == [
        ("url_key", 2), ("revision", 2), ("url_key", 2), ("revision", 2), ("url_key", 1), ("revision", 1)]
    url_hashes = np.concatenate([hashes for column, hashes in chunks if column == "url_key"])
    assert (url_hashes == hash_keys(table.column("url_key").to_pylist())).all()
    revision_hashes = np.concatenate([hashes for column, hashes in chunks if column == "revision"])
    assert (revision_hashes == hash_keys([revision_key(f"id{i}", f"sha{i}") for i in range(5)])).all()
