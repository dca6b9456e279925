"""`wirebeam run`, plus the runner's per-step times, for the throughput benchmark.

    .venv/bin/python -m bench.run_job --bench-stats STATS.json [--bench-what-if NAME[,NAME]] [wirebeam run options]

Runs exactly what `wirebeam run` runs (the same run lock, `pipeline.run.run`,
the same summary), then writes the runner's per-transform execution time
(Beam's `ptransform_execution_time` metric, summed over workers) and the
job's own timings as JSON to STATS.json. The CLI itself keeps no result
object, hence this thin wrapper.
"""

from __future__ import annotations

import json
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

EXECUTION_TIME = "ptransform_execution_time:total_msecs"


def step_msecs(result: Any) -> dict[str, int]:
    """Execution msecs per step name, from the runner's monitoring metrics (empty if unsupported)."""
    try:
        counters = result.monitoring_metrics().query()["counters"]
    except Exception:  # noqa: BLE001 — a runner without these metrics: no per-step figures
        return {}
    out: dict[str, int] = defaultdict(int)
    for counter in counters:
        if EXECUTION_TIME in counter.key.metric.name and counter.key.step:
            out[counter.key.step] += int(counter.committed or 0)
    return dict(out)


# Steps summed under one stage name, by the first path prefix that matches.
STAGES = (
    ("feeds", ("ListFeeds", "IngestFeeds/PollFeeds", "IngestFeeds/DedupeItems", "IngestFeeds/DropSeenItems",
               "IngestFeeds/LimitItems", "ReadSeenState", "FeedListProblems", "IngestFeeds/Count")),
    ("fetch", ("IngestFeeds/FetchPages",)),
    ("extract", ("IngestFeeds/ExtractArticles",)),
    ("enrich", ("EnrichAndWrite/EnrichArticles",)),
    ("write", ("EnrichAndWrite/StageArticles", "EnrichAndWrite/KeepOneCopy", "EnrichAndWrite/WriteArticles",
               "EnrichAndWrite/WriteDeadLetters", "EnrichAndWrite/WriteSeenState", "EnrichAndWrite/StampRunId",
               "EnrichAndWrite/DropSeenArticles",
               "EnrichAndWrite/WriteManifest", "EnrichAndWrite/DeadLetterRows", "EnrichAndWrite/SeenRows",
               "EnrichAndWrite/StampDeadLetterRunId")),
    ("stories", ("EnrichAndWrite/SignStories", "EnrichAndWrite/AssignStories", "EnrichAndWrite/WriteStories",
                 "EnrichAndWrite/WriteStoryRecords")),
)


def stage_seconds(msecs: dict[str, int]) -> dict[str, float]:
    totals: dict[str, float] = defaultdict(float)
    for step, ms in msecs.items():
        name = next((stage for stage, prefixes in STAGES if step.startswith(prefixes)), "other")
        totals[name] += ms / 1000
    return {k: round(v, 2) for k, v in totals.items()}


def main(argv: list[str]) -> int:
    from pipeline.cli import _configure_logging, _finish, _run_locked
    from pipeline.run import run

    if "--bench-stats" not in argv:
        raise SystemExit("usage: python -m bench.run_job --bench-stats STATS.json [wirebeam run options]")
    at = argv.index("--bench-stats")
    stats_path = Path(argv[at + 1])
    argv = argv[:at] + argv[at + 2:]
    held: dict[str, Any] = {}
    what_ifs: list[str] = []
    if "--bench-what-if" in argv:  # experiments on stages the bench does not own (bench/experiments.py)
        from bench.experiments import apply

        at = argv.index("--bench-what-if")
        what_ifs = apply(argv[at + 1].split(","))
        argv = argv[:at] + argv[at + 2:]
    trace = "--bench-tracemalloc" in argv  # where the launcher's memory goes (top allocation sites at the end)
    if trace:
        import tracemalloc

        argv = [a for a in argv if a != "--bench-tracemalloc"]
        tracemalloc.start(8)
        held["snapshot"] = (0, None)

        def keep_largest() -> None:
            while True:
                time.sleep(5)
                current = tracemalloc.get_traced_memory()[0]
                if current > held["snapshot"][0]:
                    held["snapshot"] = (current, tracemalloc.take_snapshot())

        import threading

        threading.Thread(target=keep_largest, daemon=True).start()
    _configure_logging(verbose=False)
    started = time.perf_counter()

    def body() -> int:
        plan, result = run(argv)
        held["graph_built"] = time.perf_counter() - started
        held["result"] = result
        return _finish(plan, result, argv)

    code = _run_locked(argv, body)
    msecs = step_msecs(held["result"]) if "result" in held else {}
    if trace:
        current, peak = tracemalloc.get_traced_memory()
        at_peak, snapshot = held.pop("snapshot")
        top = (snapshot or tracemalloc.take_snapshot()).statistics("traceback")[:8]
        held["tracemalloc"] = {"current_mib": current >> 20, "peak_mib": peak >> 20, "snapshot_mib": at_peak >> 20,
                               "top": [{"mib": round(s.size / 2**20, 1), "where": s.traceback.format()[-6:]} for s in top]}
    stats_path.write_text(json.dumps({
        "exit_code": code,
        "what_ifs": what_ifs,
        "seconds": round(time.perf_counter() - started, 3),
        "stage_busy_seconds": stage_seconds(msecs),
        "step_msecs": msecs,
        "tracemalloc": held.get("tracemalloc"),
    }, indent=1))
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
