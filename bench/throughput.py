"""End-to-end throughput of `wirebeam run` against the stack's one-core limit.

    .venv/bin/python -m bench.throughput --articles 1000
    .venv/bin/python -m bench.throughput --articles 10000 --bare-articles 500 --no-zero-latency

In one invocation:
1. generates (once, cached under --work) a deterministic corpus of N wire-style
   pages of 600-900 words in realistic page chrome, and feeds listing them,
   spread over --hosts hosts (one loopback port each: its own politeness key);
2. runs the "bare loop": the extraction and enrichment functions the DoFns call,
   in one plain Python process, over --bare-articles of the same pages already in
   memory (no Beam, no network) -- the stack's limit on one core;
3. serves the corpus with --latency-ms added to every request and runs
   `wirebeam run` on it end to end (default runner options), reporting
   articles/s, the ratio to the bare loop, per-stage busy time, peak RSS of all
   the job's processes (parent + workers, psutil), CPU use and output rows;
4. runs the same job again with 0 ms latency, so the cost of waiting shows.

Every figure is printed with the machine's load average: other work on the
machine slows both the bare loop and the pipeline. Results also go to
--json (default WORK/results-N.json).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402

from bench.corpus import CorpusServer, CorpusSpec, render_corpus  # noqa: E402

MiB = 1024 * 1024


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def machine() -> dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import apache_beam

    return {
        "cpus": os.cpu_count(),
        "cpu_model": model or platform.processor(),
        "memory_gib": round(psutil.virtual_memory().total / 1024**3, 1),
        "python": platform.python_version(),
        "beam": apache_beam.__version__,
        "platform": platform.platform(),
    }


# ------------------------------------------------------------------ process-tree monitor

@dataclass
class TreeUsage:
    peak_rss_bytes: int = 0
    peak_processes: int = 0
    samples: int = 0
    rss_at_peak: dict[str, int] = field(default_factory=dict)  # process name -> rss at the peak


class TreeMonitor(threading.Thread):
    """Samples the summed RSS of a process and all its descendants.

    RSS summed over processes counts shared library pages once per process,
    so it errs high (the honest side for a memory limit).
    """

    def __init__(self, pid: int, interval_s: float = 0.2) -> None:
        super().__init__(daemon=True, name="rss-monitor")
        self._root = psutil.Process(pid)
        self._interval = interval_s
        self._halt = threading.Event()
        self.usage = TreeUsage()

    def sample(self) -> None:
        try:
            procs = [self._root, *self._root.children(recursive=True)]
        except psutil.Error:
            return
        total, by_name = 0, {}
        for proc in procs:
            try:
                rss = proc.memory_info().rss
                label = f"{proc.pid}:{' '.join(proc.cmdline()[1:4])[:60]}"
            except psutil.Error:
                continue
            total += rss
            by_name[label] = rss
        self.usage.samples += 1
        self.usage.peak_processes = max(self.usage.peak_processes, len(by_name))
        if total > self.usage.peak_rss_bytes:
            self.usage.peak_rss_bytes = total
            self.usage.rss_at_peak = by_name

    def run(self) -> None:
        while not self._halt.is_set():
            self.sample()
            self._halt.wait(self._interval)

    def stop(self) -> TreeUsage:
        self._halt.set()
        self.join(timeout=5)
        return self.usage


# ------------------------------------------------------------------ the runs

def run_bare(spec: CorpusSpec, rendered: Path, count: int, timeout_s: float) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "bench.bare_loop", "--articles", str(count), "--corpus-articles", str(spec.articles),
           "--hosts", str(spec.hosts), "--seed", str(spec.seed), "--rendered", str(rendered)]
    before = loadavg()
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout_s)
    if done.returncode != 0:
        raise RuntimeError(f"bare loop failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["loadavg_before"] = before
    return result


def count_output_rows(output: Path, run_id: str) -> dict[str, int]:
    import pyarrow.dataset as ds

    out: dict[str, int] = {}
    for kind in ("articles", "dead_letters"):
        folder = output / kind
        if not folder.exists():
            out[kind] = 0
            continue
        table = ds.dataset(str(folder), format="parquet", partitioning="hive").to_table(columns=["run_id"])
        out[kind] = sum(1 for value in table.column("run_id").to_pylist() if value == run_id)
    return out


def run_pipeline(
    spec: CorpusSpec,
    rendered: Path,
    work: Path,
    *,
    latency_ms: float,
    per_host_delay: float,
    extra_args: list[str],
    timeout_s: float,
) -> dict[str, Any]:
    """Serve the corpus with `latency_ms` per request and run the job on it once."""
    label = f"n{spec.articles}-lat{int(latency_ms)}"
    out = work / f"out-{label}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    stats_path, log_path = out / "bench-stats.json", out / "job.log"
    with CorpusServer(spec, latency_s=latency_ms / 1000, rendered=rendered) as server:
        feeds = server.write_feed_list(out / "feeds.txt")
        cmd = [sys.executable, "-m", "bench.run_job", "--bench-stats", str(stats_path),
               "--feeds", str(feeds), "--output", str(out), "--run-id", label,
               "--allow-hosts", server.allow_hosts, "--per-host-delay", str(per_host_delay), *extra_args]
        before = loadavg()
        cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        with log_path.open("w") as log:
            proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
            monitor = TreeMonitor(proc.pid)
            monitor.start()
            try:
                code = proc.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)  # the job and its workers: our own process group
                proc.wait()
                code = "timeout"
            finally:
                usage = monitor.stop()
        wall = time.perf_counter() - started
        cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        host_stats = list(server.stats)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    if code != 0:
        raise RuntimeError(f"wirebeam run exited {code}; see {log_path}:\n{log_path.read_text()[-3000:]}")
    stats = json.loads(stats_path.read_text())
    rows = count_output_rows(out, label)
    return {
        "label": label,
        "latency_ms": latency_ms,
        "per_host_delay_s": per_host_delay,
        "command": " ".join(cmd),
        "wall_seconds": round(wall, 2),
        "articles_written": rows["articles"],
        "dead_letters": rows["dead_letters"],
        "articles_per_s": round(rows["articles"] / wall, 3),
        "peak_rss_mib": round(usage.peak_rss_bytes / MiB, 1),
        "peak_processes": usage.peak_processes,
        "rss_at_peak_mib": {k: round(v / MiB, 1) for k, v in usage.rss_at_peak.items()},
        "cpu_seconds": round(cpu, 1),
        "cores_busy": round(cpu / wall, 2),
        "stage_busy_seconds": stats["stage_busy_seconds"],
        "what_ifs": stats.get("what_ifs", []),
        "requests_served": sum(h.requests for h in host_stats),
        "max_requests_in_flight_per_host": max((h.max_in_flight for h in host_stats), default=0),
        "loadavg_before": before,
        "loadavg_after": loadavg(),
    }


# ------------------------------------------------------------------ report

def describe_run(run: dict[str, Any], bare_rate: float) -> str:
    stages = ", ".join(f"{k} {v:.0f}" for k, v in sorted(run["stage_busy_seconds"].items()))
    what_if = f" [what-if: {', '.join(run['what_ifs'])}]" if run.get("what_ifs") else ""
    return (
        f"  latency {run['latency_ms']:.0f} ms{what_if}: {run['articles_written']} articles in {run['wall_seconds']:.1f} s = "
        f"{run['articles_per_s']:.2f} articles/s = {run['articles_per_s'] / bare_rate:.2f} x bare loop\n"
        f"    peak RSS {run['peak_rss_mib']:.0f} MiB over {run['peak_processes']} processes; "
        f"CPU {run['cpu_seconds']:.0f} s ({run['cores_busy']:.2f} cores busy); dead letters {run['dead_letters']}\n"
        f"    busy seconds per stage (summed over workers): {stages}\n"
        f"    requests served {run['requests_served']}, max in flight per host {run['max_requests_in_flight_per_host']}; "
        f"load average before {run['loadavg_before']} after {run['loadavg_after']}"
    )


def report(results: dict[str, Any]) -> str:
    m, c, bare = results["machine"], results["corpus"], results["bare_loop"]
    lines = [
        f"wirebeam throughput: {c['articles']} articles over {c['hosts']} hosts (loopback ports), "
        f"per-host delay {results['per_host_delay_s']} s, runner defaults + {results['extra_args'] or 'no extra options'}",
        f"machine: {m['cpus']} CPUs ({m['cpu_model']}), {m['memory_gib']} GiB, Python {m['python']}, Beam {m['beam']}",
        f"  bare loop (1 process, {bare['pages']} pages in memory): {bare['articles_per_s']:.2f} articles/s "
        f"(extract {bare['extract_pages_per_s']} pages/s, enrich {bare['enrich_words_per_s']} words/s; "
        f"CPU {bare['cpu_seconds']:.0f} s of {bare['seconds']:.0f} s; load {bare['loadavg_before']})",
    ]
    for run in results["runs"]:
        lines.append(describe_run(run, bare["articles_per_s"]))
    if len(results["runs"]) == 2:
        slow, fast = results["runs"]
        lines.append(
            f"  cost of {slow['latency_ms']:.0f} ms latency: "
            f"{(1 - slow['articles_per_s'] / fast['articles_per_s']) * 100:.1f} % of the {fast['latency_ms']:.0f} ms throughput"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     epilog="Anything after -- is passed to wirebeam run.")
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--hosts", type=int, default=32, help="distinct hosts (ports on 127.0.0.1)")
    parser.add_argument("--seed", type=int, default=CorpusSpec(1).seed)
    parser.add_argument("--latency-ms", type=float, default=100.0, help="added to every request")
    parser.add_argument("--no-zero-latency", action="store_true", help="skip the 0 ms comparison run")
    parser.add_argument("--per-host-delay", type=float, default=0.25,
                        help="wirebeam's --per-host-delay for the run (its default, for the open web, is 1 s)")
    parser.add_argument("--bare-articles", type=int, default=None,
                        help="pages in the bare loop (default: min(N, 500); it measures a rate)")
    parser.add_argument("--skip-bare", type=Path, default=None, help="reuse the bare loop of this results JSON")
    parser.add_argument("--work", type=Path, default=Path("/tmp/wirebeam-bench"))
    parser.add_argument("--timeout", type=float, default=7200, help="seconds allowed per run")
    parser.add_argument("--json", type=Path, default=None)
    args, extra = parser.parse_known_args(argv)
    extra = [a for a in extra if a != "--"]
    spec = CorpusSpec(articles=args.articles, hosts=args.hosts, seed=args.seed)
    work = args.work
    work.mkdir(parents=True, exist_ok=True)

    t = time.perf_counter()
    rendered = render_corpus(spec, work / f"corpus-{spec.articles}-{spec.hosts}-{spec.seed}")
    print(f"corpus ready in {rendered} ({time.perf_counter() - t:.0f} s)", flush=True)

    results: dict[str, Any] = {
        "machine": machine(),
        "corpus": {"articles": spec.articles, "hosts": spec.hosts, "seed": spec.seed,
                   "items_per_feed": spec.items_per_feed},
        "per_host_delay_s": args.per_host_delay,
        "extra_args": " ".join(extra),
        "runs": [],
    }
    if args.skip_bare:
        results["bare_loop"] = json.loads(args.skip_bare.read_text())["bare_loop"]
    else:
        bare_count = args.bare_articles or min(spec.articles, 500)
        print(f"bare loop over {bare_count} pages ...", flush=True)
        results["bare_loop"] = run_bare(spec, rendered, bare_count, args.timeout)
        print(f"  {results['bare_loop']}", flush=True)
    latencies = [args.latency_ms] + ([] if args.no_zero_latency or args.latency_ms == 0 else [0.0])
    for latency in latencies:
        print(f"wirebeam run at {latency:.0f} ms latency ...", flush=True)
        run = run_pipeline(spec, rendered, work, latency_ms=latency, per_host_delay=args.per_host_delay,
                           extra_args=extra, timeout_s=args.timeout)
        results["runs"].append(run)
        print(describe_run(run, results["bare_loop"]["articles_per_s"]), flush=True)
    text = report(results)
    results["report"] = text
    path = args.json or work / f"results-{spec.articles}.json"
    path.write_text(json.dumps(results, indent=1))
    print("\n" + text + f"\n(results: {path})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
