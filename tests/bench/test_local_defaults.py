"""The local runner's default parallelism: one worker process per core (as memory
allows), only when the user chose neither the runner nor the local options."""

from __future__ import annotations

from apache_beam.options.pipeline_options import DirectOptions, StandardOptions

from pipeline.options import local_parallelism_args, local_worker_count
from pipeline.run import pipeline_options_from

GiB = 1024**3


def test_one_worker_process_per_core_as_memory_allows():
    assert local_worker_count(2, 24 * GiB) == 2
    assert local_worker_count(16, 4 * GiB) == 4  # 768 MiB a worker, one share left for the launcher
    assert local_worker_count(8, None) == 8
    assert local_worker_count(None, None) == 1
    assert local_parallelism_args([], cpus=2, memory_bytes=24 * GiB) == [
        "--direct_num_workers", "2", "--direct_running_mode", "multi_processing"]
    assert local_parallelism_args([], cpus=1, memory_bytes=24 * GiB) == []  # in-process is faster on one core
    assert local_parallelism_args([], cpus=4, memory_bytes=1 * GiB) == []


def test_user_choices_win():
    for argv in (["--direct_num_workers", "1"], ["--direct_running_mode=in_memory"], ["--direct_num_workers=3"]):
        assert local_parallelism_args(argv, cpus=8, memory_bytes=64 * GiB) == []


def test_pipeline_options_default_to_the_local_runner_with_worker_processes():
    options = pipeline_options_from(["--output", "/tmp/x"])
    assert options.view_as(StandardOptions).runner == "FnApiRunner"
    direct = options.view_as(DirectOptions)
    expected = local_parallelism_args([])
    if expected:  # a machine with 2+ cores and the memory for them
        assert (direct.direct_num_workers, direct.direct_running_mode) == (int(expected[1]), "multi_processing")

    chosen = pipeline_options_from(["--direct_running_mode", "multi_threading", "--direct_num_workers", "4"])
    assert (chosen.view_as(DirectOptions).direct_num_workers,
            chosen.view_as(DirectOptions).direct_running_mode) == (4, "multi_threading")

    dataflow = pipeline_options_from(["--runner", "DataflowRunner"])
    assert dataflow.view_as(StandardOptions).runner == "DataflowRunner"
    assert dataflow.view_as(DirectOptions).direct_running_mode == "in_memory"  # untouched


def test_worker_processes_inherit_a_malloc_arena_cap(monkeypatch):
    import os

    from pipeline.options import MALLOC_ARENAS, limit_malloc_arenas

    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    limit_malloc_arenas()
    assert os.environ["MALLOC_ARENA_MAX"] == str(MALLOC_ARENAS)
    monkeypatch.setenv("MALLOC_ARENA_MAX", "8")  # the user's own setting wins
    limit_malloc_arenas()
    assert os.environ["MALLOC_ARENA_MAX"] == "8"
