"""How long `wirebeam report` takes over a big output, and how big the page gets.

    .venv/bin/python bench/report_bench.py                      # a synthetic 10,000-article output
    .venv/bin/python bench/report_bench.py --articles 50000
    .venv/bin/python bench/report_bench.py --output /tmp/wirebeam-bench/out-n10000-lat100

Without --output it writes (once, cached under --work) a synthetic output with the real schemas
(bench/report_output.py: a month of runs four times a day, 32 outlets, stories of 1-5 copies, places,
dead letters), and also measures the throughput bench's 10,000-article output when that is on disk.
Each measurement runs the command in a fresh process (imports, DuckDB, Altair, the inlined Vega
JavaScript and the file write included), --repeat times; prints the median wall time, the peak RSS,
the page's size and how much of it is the Vega JavaScript. Targets: under 30 s and under 5 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.report_output import OutputSpec, write_output  # noqa: E402

THROUGHPUT_OUTPUT = Path("/tmp/wirebeam-bench/out-n10000-lat100")
LIMIT_SECONDS, LIMIT_BYTES = 30, 5_000_000


def synthetic(work: Path, articles: int) -> Path:
    spec = OutputSpec(articles=articles)
    folder = work / f"synthetic-{articles}"
    stamp = folder / "bench-spec.json"
    if not (stamp.exists() and json.loads(stamp.read_text()) == json.loads(json.dumps(asdict(spec), default=str))):
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
        started = time.perf_counter()
        truth = write_output(folder, spec)
        stamp.write_text(json.dumps(asdict(spec), default=str))
        print(f"wrote {truth.articles:,} articles, {truth.stories:,} stories, {truth.dead_letters:,} dead letters, "
              f"{truth.runs} runs into {folder} in {time.perf_counter() - started:.1f} s")
    return folder


def measure(output: Path, page: Path, repeat: int, fmt: str) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "pipeline", "report", "--output", str(output), "--out", str(page), "--format", fmt]
    walls, summary = [], ""
    for _ in range(repeat):
        started = time.perf_counter()
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
        walls.append(time.perf_counter() - started)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} exited {done.returncode}:\n{done.stderr[-3000:]}")
        summary = done.stdout.strip().splitlines()[0]
    from pipeline.report.page import vega_javascript

    size = page.stat().st_size
    return {
        "output": str(output), "command": " ".join(cmd), "runs": [round(w, 2) for w in walls],
        "median_seconds": round(statistics.median(walls), 2),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
        "html_bytes": size, "vega_js_bytes": len(vega_javascript().encode("utf-8")), "summary": summary,
        "loadavg": [round(x, 2) for x in os.getloadavg()],
    }


def describe(result: dict[str, Any]) -> str:
    ok = result["median_seconds"] < LIMIT_SECONDS and result["html_bytes"] < LIMIT_BYTES
    return (f"{result['output']}\n  {result['summary']}\n"
            f"  build {result['median_seconds']:.2f} s median of {result['runs']} (limit {LIMIT_SECONDS} s), "
            f"peak RSS {result['peak_rss_mib']:,.0f} MiB\n"
            f"  page {result['html_bytes'] / 1e6:.2f} MB (limit {LIMIT_BYTES / 1e6:.0f} MB), of which the Vega "
            f"JavaScript {result['vega_js_bytes'] / 1e6:.2f} MB and the report "
            f"{(result['html_bytes'] - result['vega_js_bytes']) / 1e6:.2f} MB\n"
            f"  load average {result['loadavg']}  {'OK' if ok else 'OVER THE LIMIT'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=10_000, help="size of the synthetic output")
    parser.add_argument("--output", type=Path, action="append", help="measure this output instead (repeatable)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/wirebeam-report-bench"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--format", default="html", choices=("html", "svg", "png"), help="also export the charts")
    parser.add_argument("--json", type=Path, default=None, help="save the results here")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    outputs = args.output or [synthetic(args.work, args.articles)] + (
        [THROUGHPUT_OUTPUT] if (THROUGHPUT_OUTPUT / "runs").is_dir() else [])
    results = []
    for i, output in enumerate(outputs):
        result = measure(output, args.work / f"report-{i}.html", args.repeat, args.format)
        print(describe(result))
        results.append(result)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0 if all(r["median_seconds"] < LIMIT_SECONDS and r["html_bytes"] < LIMIT_BYTES for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
