"""WARC backfill: the reader alone (speed, robustness) and end to end against `wirebeam run` on the same pages.

    .venv/bin/python -m bench.warc_bench                       # 3,000 pages for the reader, 300 end to end
    .venv/bin/python -m bench.warc_bench --pages 3000 --e2e-pages 300 [--skip-e2e] [--json FILE]

1. Writes (once, under --work) the throughput benchmark's deterministic pages (bench/corpus.py: wire-style,
   600-900 words in page chrome) as WARC files with warcio: gzip per record and uncompressed.
2. Reader alone, one core (process time, best of 3): records/s of FastWARC's and warcio's own iterators and of
   wirebeam's reader (its framing, then FastWARC on each record: pipeline/warc/), headers and the page read.
3. Robustness: the same 200 records with one kind of damage each (a truncated gzip member, bytes damaged in a
   member, the file cut mid-record, a Content-Length longer or shorter than the record, in .warc.gz and .warc):
   how many pages each reader returns (199 is right: all but the damaged one) and whether it says what happened.
4. End to end, small (the lead runs the big throughput bench): `wirebeam backfill` on a WARC of the first
   --e2e-pages pages and `wirebeam run` on the same pages served on loopback (bench/corpus.py, 0 ms latency,
   --per-host-delay 0.25 as bench/throughput.py), both with enrichment and the default local runner:
   articles/s (articles written / wall time), CPU, peak RSS.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.corpus import CorpusSpec, pages_in_memory, render_corpus  # noqa: E402
from bench.throughput import MiB, TreeMonitor, count_output_rows, loadavg, machine, run_pipeline  # noqa: E402
from pipeline.warc.write import Capture, write_warc  # noqa: E402

MAX_BODY = 5 * 1024 * 1024


def captures(spec: CorpusSpec, count: int) -> list[Capture]:
    return [Capture(url, html, story.published) for url, html, story in pages_in_memory(spec, range(count))]


def write_archives(spec: CorpusSpec, count: int, folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"warc.gz": folder / f"pages-{count}.warc.gz", "warc": folder / f"pages-{count}.warc"}
    if not all(path.exists() for path in paths.values()):
        pages = captures(spec, count)
        for kind, path in paths.items():
            with open(path.with_suffix(".tmp"), "wb") as stream:
                write_warc(stream, pages, gzip=kind == "warc.gz", created=pages[0].captured_at)
            path.with_suffix(".tmp").rename(path)
    return paths


# ------------------------------------------------------------------------------------------ readers

def fastwarc_iterator(stream) -> tuple[int, str | None]:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    pages = 0
    try:
        for record in ArchiveIterator(stream, record_types=WarcRecordType.response, parse_http=True):
            record.headers.get("WARC-Target-URI")
            record.reader.read(MAX_BODY + 1)
            pages += 1
    except Exception as error:  # noqa: BLE001 - what the library does on damage is the measurement
        return pages, f"{type(error).__name__}: {error}"[:80]
    return pages, None


def warcio_iterator(stream) -> tuple[int, str | None]:
    from warcio.archiveiterator import ArchiveIterator

    pages = 0
    try:
        for record in ArchiveIterator(stream):
            if record.rec_type != "response":
                continue
            record.rec_headers.get_header("WARC-Target-URI")
            record.content_stream().read(MAX_BODY + 1)
            pages += 1
    except Exception as error:  # noqa: BLE001
        return pages, f"{type(error).__name__}: {error}"[:80]
    return pages, None


def wirebeam_reader(stream) -> tuple[int, str | None]:
    from pipeline.warc.framing import NotWarc, frames
    from pipeline.warc.page import ArchivedPage
    from pipeline.warc.records import MAX_BLOCK_BYTES, RecordFilter, read_record

    keep, pages, problems = RecordFilter(), 0, []
    try:
        for frame in frames(stream, MAX_BLOCK_BYTES):
            outcome = read_record(frame, "bench.warc", keep)
            if isinstance(outcome, ArchivedPage):
                pages += 1
            elif getattr(outcome, "stage", None) == "warc":
                problems.append(outcome.error_type)
    except NotWarc as error:
        return pages, f"not_warc: {error}"[:80]
    return pages, ", ".join(f"dead letter {p}" for p in problems) or None


READERS: dict[str, Callable[[Any], tuple[int, str | None]]] = {
    "FastWARC 2.0 iterator": fastwarc_iterator,
    "warcio 1.8 iterator": warcio_iterator,
    "wirebeam (framing + FastWARC)": wirebeam_reader,
}


def reader_speed(paths: dict[str, Path], repeats: int = 3) -> list[dict[str, Any]]:
    rows = []
    for kind, path in paths.items():
        data = path.read_bytes()  # from memory: the reader's work, not the disk's
        for name, read in READERS.items():
            best = None
            for _ in range(repeats):
                started = time.process_time()
                pages, _problem = read(io.BytesIO(data))
                seconds = time.process_time() - started
                best = seconds if best is None else min(best, seconds)
            rows.append({"file": kind, "reader": name, "records": pages, "records_per_s": round(pages / best)})
    return rows


def damaged_files(spec: CorpusSpec) -> dict[str, bytes]:
    from tests.warc.archives import archive, lie_about_length, records

    pages = captures(spec, 200)
    middle = 100
    out: dict[str, bytes] = {}
    for gzipped, suffix in ((True, ".warc.gz"), (False, ".warc")):
        parts = records(pages, gzipped=gzipped)
        if gzipped:
            cut = list(parts)
            cut[middle] = cut[middle][: len(cut[middle]) // 2]
            out["truncated gzip member" + suffix] = b"".join(cut)
            damaged = list(parts)
            member = bytearray(damaged[middle])
            member[len(member) // 3: len(member) // 3 + 64] = bytes(64)
            damaged[middle] = bytes(member)
            out["bytes damaged in a member" + suffix] = b"".join(damaged)
        whole = archive(pages, gzipped=gzipped)
        out["file cut mid-record" + suffix] = whole[: len(whole) - len(parts[-1]) // 2]
        for delta, label in ((4000, "longer"), (-40, "shorter")):
            lying = list(parts)
            lying[middle] = lie_about_length(lying[middle], delta, gzipped=gzipped)
            out[f"Content-Length {label} than the record" + suffix] = b"".join(lying)
    return out


def robustness(spec: CorpusSpec) -> list[dict[str, Any]]:
    rows = []
    for case, data in damaged_files(spec).items():
        row: dict[str, Any] = {"damage": case}
        for name, read in READERS.items():
            with contextlib.redirect_stderr(io.StringIO()):  # warcio prints its warnings
                pages, problem = read(io.BytesIO(data))
            row[name] = {"records": pages, "said": problem}
        rows.append(row)
    return rows


# ------------------------------------------------------------------------------------------ end to end

def run_backfill(archive: Path, work: Path, label: str, timeout_s: float) -> dict[str, Any]:
    out = work / f"out-{label}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    cmd = [sys.executable, "-m", "pipeline", "backfill", "--warc", str(archive), "--output", str(out),
           "--run-id", label]
    before, cpu_before = loadavg(), resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with (out / "job.log").open("w") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        monitor = TreeMonitor(proc.pid)
        monitor.start()
        try:
            code = proc.wait(timeout=timeout_s)
        finally:
            usage = monitor.stop()
    wall = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if code != 0:
        raise RuntimeError(f"wirebeam backfill exited {code}:\n{(out / 'job.log').read_text()[-3000:]}")
    rows = count_output_rows(out, f"{label}-0001")
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    return {"label": label, "command": " ".join(cmd), "wall_seconds": round(wall, 2),
            "articles_written": rows["articles"], "dead_letters": rows["dead_letters"],
            "articles_per_s": round(rows["articles"] / wall, 3), "cpu_seconds": round(cpu, 1),
            "peak_rss_mib": round(usage.peak_rss_bytes / MiB, 1), "loadavg_before": before, "loadavg_after": loadavg()}


def end_to_end(spec: CorpusSpec, count: int, work: Path, timeout_s: float) -> dict[str, Any]:
    small = CorpusSpec(articles=count, hosts=spec.hosts, seed=spec.seed)
    archive = write_archives(small, count, work / "archives")["warc.gz"]
    rendered = render_corpus(small, work / f"corpus-{small.articles}-{small.hosts}-{small.seed}")
    print(f"wirebeam run on {count} pages (0 ms latency, per-host delay 0.25 s) ...", flush=True)
    run = run_pipeline(small, rendered, work, latency_ms=0, per_host_delay=0.25, extra_args=[], timeout_s=timeout_s)
    print(f"  {run['articles_written']} articles in {run['wall_seconds']} s: {run['articles_per_s']} articles/s",
          flush=True)
    print(f"wirebeam backfill on the same {count} pages as one WARC file ...", flush=True)
    backfill = run_backfill(archive, work, f"backfill-{count}", timeout_s)
    print(f"  {backfill['articles_written']} articles in {backfill['wall_seconds']} s: "
          f"{backfill['articles_per_s']} articles/s", flush=True)
    return {"pages": count, "run": {k: run[k] for k in backfill if k in run}, "backfill": backfill,
            "backfill_over_run": round(backfill["articles_per_s"] / run["articles_per_s"], 3)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=3000, help="pages in the reader's WARC files")
    parser.add_argument("--e2e-pages", type=int, default=300, help="pages in the end-to-end comparison")
    parser.add_argument("--skip-e2e", action="store_true")
    parser.add_argument("--work", type=Path, default=Path("/tmp/wirebeam-warc-bench"))
    parser.add_argument("--timeout", type=float, default=3600)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    spec = CorpusSpec(articles=args.pages)
    results: dict[str, Any] = {"machine": machine(), "loadavg_before": loadavg()}
    paths = write_archives(spec, args.pages, args.work / "archives")
    sizes = ", ".join(f"{kind} {path.stat().st_size / MiB:.1f} MiB" for kind, path in paths.items())
    print(f"{args.pages} pages as WARC: {sizes}")
    results["reader_speed"] = reader_speed(paths)
    print(f"\nreader alone, one core (best of 3), records/s:")
    for row in results["reader_speed"]:
        print(f"  {row['file']:8} {row['reader']:30} {row['records_per_s']:>8,}  ({row['records']} records)")
    results["robustness"] = robustness(spec)
    print("\nrobustness: pages returned from 200 (one damaged: 199 is right, with word of the damage), and what "
          "the reader said")
    for row in results["robustness"]:
        print(f"  {row['damage']}")
        for name in READERS:
            cell = row[name]
            print(f"    {name:30} {cell['records']:>4}  {cell['said'] or 'nothing'}")
    if not args.skip_e2e:
        print()
        results["end_to_end"] = end_to_end(spec, args.e2e_pages, args.work, args.timeout)
        print(f"backfill / run: {results['end_to_end']['backfill_over_run']:.3f}")
    results["loadavg_after"] = loadavg()
    target = args.json or args.work / f"warc-bench-{args.pages}.json"
    target.write_text(json.dumps(results, indent=2, default=str))
    print(f"\nresults: {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
