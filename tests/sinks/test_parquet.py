"""Partitioned Parquet writing: pure functions, the DoFn, and a small pipeline."""

from datetime import datetime, timedelta, timezone

import apache_beam as beam
import duckdb
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from pipeline.records import DeadLetter
from pipeline.sinks.parquet import (
    WritePartitionedParquet,
    WritePartitionFileFn,
    partition_date,
    partition_file_path,
    shard_of,
    write_parquet_file,
)
from pipeline.sinks.schema import DEAD_LETTER_SCHEMA

T0 = datetime(2026, 3, 24, 23, 30, tzinfo=timezone.utc)


def dead_row(url: str, when: datetime, run_id: str = "r1") -> dict:
    letter = DeadLetter(stage="page", url=url, error_type="http_error", message="404", http_status=404, failed_at=when)
    return {**letter.as_row(), "run_id": run_id}


def test_partition_date_is_utc():
    est = timezone(timedelta(hours=-5))
    assert partition_date(datetime(2026, 3, 24, 22, 0, tzinfo=est)) == "2026-03-25"
    assert partition_date(datetime(2026, 3, 24, 22, 0)) == "2026-03-24"  # naive means UTC
    with pytest.raises(ValueError):
        partition_date(None)


def test_shard_is_stable_and_in_range():
    assert shard_of("abc", 1) == 0
    shards = {shard_of(f"key{i}", 4) for i in range(200)}
    assert shards == {0, 1, 2, 3}
    assert shard_of("same", 4) == shard_of("same", 4)


def test_write_parquet_file_is_atomic_and_readable(tmp_path):
    path = partition_file_path(str(tmp_path), "2026-03-24", "r1", 0)
    rows = [dead_row(f"http://x/{i}", T0) for i in range(1203)]
    assert write_parquet_file(path, iter(rows), DEAD_LETTER_SCHEMA) == 1203
    table = pq.read_table(path)
    assert table.num_rows == 1203
    assert table.schema.equals(DEAD_LETTER_SCHEMA, check_metadata=False)
    # nothing hidden left behind
    assert [p.name for p in (tmp_path / "date=2026-03-24").iterdir()] == ["r1-0.parquet"]


def test_failed_write_leaves_no_file(tmp_path):
    path = partition_file_path(str(tmp_path), "2026-03-24", "r1", 0)
    bad = [dead_row("http://x/1", T0), {"stage": None}]  # stage is not nullable
    with pytest.raises(Exception):
        write_parquet_file(path, bad, DEAD_LETTER_SCHEMA)
    assert list((tmp_path / "date=2026-03-24").iterdir()) == []


def test_dofn_writes_one_file_per_group(tmp_path):
    fn = WritePartitionFileFn("dead_letters", str(tmp_path), DEAD_LETTER_SCHEMA, "r7")
    fn.setup()
    out = list(fn.process((("2026-03-24", 2), [dead_row("http://a", T0), dead_row("http://b", T0)])))
    assert len(out) == 1
    assert out[0].rows == 2 and out[0].partition == "date=2026-03-24"
    assert out[0].path.endswith("date=2026-03-24/r7-2.parquet")


def run_write(tmp_path, rows, run_id):
    with TestPipeline(runner="FnApiRunner") as p:
        written = (
            p
            | beam.Create(rows)
            | WritePartitionedParquet("dead_letters", str(tmp_path), DEAD_LETTER_SCHEMA, run_id,
                                      date_column="failed_at", key_column="url", shards=2)
        )
        assert_that(written | beam.Map(lambda f: f.rows) | beam.CombineGlobally(sum), equal_to([len(rows)]))


def test_pipeline_writes_partitions_and_second_run_keeps_first(tmp_path):
    rows = [dead_row(f"http://x/{i}", T0 + timedelta(hours=i), "run-a") for i in range(6)]  # 24th and 25th
    run_write(tmp_path, rows, "run-a")
    run_write(tmp_path, [{**r, "run_id": "run-b"} for r in rows], "run-b")

    files = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.parquet"))
    assert {f.split("/")[0] for f in files} == {"date=2026-03-24", "date=2026-03-25"}
    assert any("run-a-" in f for f in files) and any("run-b-" in f for f in files)

    con = duckdb.connect()
    counts = dict(con.execute(
        f"SELECT run_id, count(*) FROM read_parquet('{tmp_path}/*/*.parquet', hive_partitioning=true) GROUP BY run_id"
    ).fetchall())
    assert counts == {"run-a": 6, "run-b": 6}
    dates = con.execute(
        f"SELECT DISTINCT CAST(date AS VARCHAR) FROM read_parquet('{tmp_path}/*/*.parquet', hive_partitioning=true) ORDER BY 1"
    ).fetchall()
    assert dates == [("2026-03-24",), ("2026-03-25",)]
    assert ds.dataset(str(tmp_path), format="parquet", partitioning="hive").count_rows() == 12
