"""`wirebeam` command line: run, demo.

Anything wirebeam does not know (--runner, --direct_num_workers, Dataflow
options ...) passes through to Beam untouched.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
from pathlib import Path

from pipeline.errors import EXIT_DATA, EXIT_FAILED, EXIT_OK, EXIT_STORAGE, EXIT_USAGE, UsageError

USAGE = """wirebeam COMMAND [options] [Beam pipeline options]

commands:
  run    --feeds PATH_OR_URL --output DIR [--run-id ID] [--max-articles N] [--allow-hosts CIDR[,CIDR]]
  demo   --output DIR     run the same job on the bundled sample corpus (served on 127.0.0.1)
  enrich --input FILE.jsonl --output DIR   entities and counts for texts extracted elsewhere
  backfill --warc PATH_OR_GLOB --output DIR [--from DAY --to DAY] [--hosts FILE] [--languages en,fr]
                                            the same job on WARC archives (Common Crawl CC-NEWS, own crawls)
  failures --output DIR [--run-id ID]       list dead letters: what failed, where, and why
  stories --output DIR [--since YYYY-MM-DD] the latest stories: first seen, outlets, merged counts, title
  report --output DIR [--since DAY] [--until DAY] [--out FILE.html] [--format html|svg|png]
                                            one self-contained HTML page with charts (opens with no network)
  watch  --every 15m [run options]          run the same job every interval (one run at a time per --state)

`wirebeam run --help` lists every option."""


def _configure_logging(verbose: bool) -> None:
    # Logs are for diagnosis: quiet on the happy path unless asked.
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if not verbose:
        for noisy in ("apache_beam", "trafilatura", "htmldate", "courlan", "urllib3"):
            logging.getLogger(noisy).setLevel(logging.ERROR)
    progress = logging.getLogger("wirebeam.progress")
    progress.setLevel(logging.INFO)
    progress.propagate = False
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("wirebeam: %(message)s"))
    progress.addHandler(handler)


def _print_help() -> None:
    from apache_beam.options.pipeline_options import PipelineOptions

    from pipeline.options import WirebeamOptions

    parser = argparse.ArgumentParser(prog="wirebeam run", add_help=False)
    WirebeamOptions._add_argparse_args(parser)
    parser.print_help()
    print("\nBeam options pass through, e.g. --runner DataflowRunner --project P --region R "
          "--temp_location gs://B/tmp, or --direct_num_workers 2 --direct_running_mode multi_processing.")
    del PipelineOptions


def cmd_run(argv: list[str], *, show_articles: bool = False) -> int:
    if "--streaming" in argv:
        from pipeline.streaming import launch_streaming, streaming_options_from

        streaming_options_from(argv)  # a wrong runner or interval is said before the lock is taken
        # Planning reads the state and may move an unfinished run's files: under the lock.
        return _run_locked(argv, lambda: launch_streaming(argv))

    def run_job() -> int:
        from pipeline.run import run  # heavy: imported once the lock is ours

        return _finish(*run(argv), argv, show_articles=show_articles)

    return _run_locked(argv, run_job)


# --- scheduled runs (pipeline/schedule.py): the state lock and `wirebeam watch` ---

def _run_locked(argv: list[str], body, command: str = "wirebeam run") -> int:
    """Run `body` holding the state's run lock; exit 3 (did nothing) when another run holds it."""
    from pipeline.schedule import EXIT_LOCKED, RunLock, RunLockHeld, state_for_argv

    try:
        with RunLock(state_for_argv(argv), command=command):
            return body()
    except RunLockHeld as held:
        print(f"{command}: {held}", file=sys.stderr)
        return EXIT_LOCKED
    except Exception as error:
        # On Dataflow a fixed --job_name is the lock: an active job of that name refuses the new one.
        if type(error).__name__ == "DataflowJobAlreadyExistsError":
            print(f"wirebeam run: {error}; this run did nothing.", file=sys.stderr)
            return EXIT_LOCKED
        raise


def cmd_watch(argv: list[str]) -> int:
    from pipeline.schedule import parse_interval, watch

    parser = argparse.ArgumentParser(
        prog="wirebeam watch", description="run the same bounded job every interval (for machines without a scheduler)"
    )
    parser.add_argument("--every", required=True, help="interval between run starts: 15m, 1h, 90s")
    parser.add_argument("--max-runs", type=int, default=None, help="stop after N runs (default: until stopped)")
    args, run_argv = parser.parse_known_args(argv)
    if any(a == "--run-id" or a.startswith("--run-id=") for a in run_argv):
        raise UsageError("--run-id cannot be used with watch: each run gets its own id (its UTC start time)")
    if "--streaming" in run_argv:
        raise UsageError("--streaming is a job that never ends: use `wirebeam run --streaming` on Dataflow, not watch")
    outcome = watch(run_argv, parse_interval(args.every), max_runs=args.max_runs)
    return EXIT_USAGE if outcome.exit_codes[-1:] == [EXIT_USAGE] else EXIT_OK

# --- end scheduled runs ---


def cmd_enrich(argv: list[str]) -> int:
    from pipeline.run import run_enrich

    parser = argparse.ArgumentParser(prog="wirebeam enrich")
    parser.add_argument("--input", required=True, help='JSONL file: one {"id", "text"} object a line; optional '
                        "title, url, published_at, language")
    args, rest = parser.parse_known_args(argv)
    # Same output, same state, same lock as `wirebeam run`: the two must not overlap.
    return _run_locked(rest, lambda: _finish(*run_enrich(args.input, rest), rest), command="wirebeam enrich")


def cmd_backfill(argv: list[str]) -> int:
    from pipeline.run import pipeline_options_from
    from pipeline.warc.job import backfill

    # Same output, state and lock as `wirebeam run`: the lock is taken per backfill run (pipeline/warc/job.py).
    return backfill(argv, _finish, options_from=pipeline_options_from)


def _finish(plan, result, argv: list[str], *, show_articles: bool = False) -> int:
    from apache_beam.runners.runner import PipelineState

    from pipeline.report import format_summary
    from pipeline.sinks.manifest import manifest_path, read_manifest

    state = result.wait_until_finish()
    if plan.dry_run:  # nothing was written: describe the translated job instead of reading a manifest
        from pipeline.dry_run import describe_dry_run

        print(describe_dry_run(plan, result, argv))
        return EXIT_OK
    location = manifest_path(plan.output, plan.run_id)
    if state not in (PipelineState.DONE, None) and str(state) != "DONE":
        print(f"wirebeam run {plan.run_id} ended in state {state}; nothing is final until {location} exists.", file=sys.stderr)
        return EXIT_FAILED
    from pipeline.state.store import store_call

    manifest = store_call("read", location, lambda: read_manifest(location))
    print(format_summary(manifest, location))
    if show_articles and manifest["files"]["articles"]:
        from pipeline.report import format_articles_table

        print("\n" + format_articles_table([f["path"] for f in manifest["files"]["articles"]]))
    return 0


def cmd_demo(argv: list[str]) -> int:
    from pipeline.sample.server import SampleServer

    parser = argparse.ArgumentParser(prog="wirebeam demo")
    parser.add_argument("--output", required=True, help="folder to write the demo's output into")
    parser.add_argument("--format", default="opml", choices=("opml", "yaml", "txt"), help="feed list format to use")
    args, beam_args = parser.parse_known_args(argv)
    with SampleServer() as server, tempfile.TemporaryDirectory(prefix="wirebeam-demo-") as tmp:
        feed_list = server.feed_list_path(args.format, Path(tmp))
        print(f"serving the bundled sample on {', '.join(sorted(server.origins.values()))}")
        # The sample is ours and on loopback: open exactly that, and be quick about it.
        return cmd_run(
            ["--feeds", str(feed_list), "--output", args.output, "--allow-hosts", server.allow_hosts,
             "--per-host-delay", "0.02", *beam_args],
            show_articles=True,
        )


def cmd_failures(argv: list[str]) -> int:
    import pyarrow.dataset as ds

    from pipeline.report import format_failures

    parser = argparse.ArgumentParser(prog="wirebeam failures", description="list a run's dead letters")
    parser.add_argument("--output", required=True, help="the run's output folder")
    parser.add_argument("--run-id", default=None, help="only this run (default: all runs)")
    args = parser.parse_args(argv)
    folder = Path(args.output) / "dead_letters"
    if not folder.exists():
        print(f"no dead letters under {args.output}")
        return 0
    table = ds.dataset(str(folder), format="parquet", partitioning="hive").to_table(
        columns=["stage", "error_type", "url", "message", "run_id"]
    ).to_pylist()
    rows = [(r["stage"], r["error_type"], r["url"], r["message"]) for r in table
            if args.run_id is None or r["run_id"] == args.run_id]
    print(format_failures(rows))
    return 0


def cmd_stories(argv: list[str]) -> int:
    from pipeline.report import format_stories, latest_stories

    parser = argparse.ArgumentParser(prog="wirebeam stories", description="the latest stories: one row per story "
                                     "however many outlets carried it")
    parser.add_argument("--output", required=True, help="the runs' output folder")
    parser.add_argument("--since", default=None, help="only stories seen on or after this day (YYYY-MM-DD)")
    parser.add_argument("--limit", type=int, default=20, help="how many stories (default 20)")
    args = parser.parse_args(argv)
    if not list(Path(args.output).glob("stories/date=*/*.parquet")) and "://" not in args.output:
        print(f"no stories under {args.output} (runs since wirebeam 0.2 write OUTPUT/stories/)")
        return EXIT_OK
    print(format_stories(latest_stories(args.output, args.since, args.limit)))
    return EXIT_OK


def cmd_report(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="wirebeam report", description="one self-contained HTML page with charts "
                                     "from an output folder: articles, failures, stories, counts, map, names, runs")
    parser.add_argument("--output", required=True, help="the runs' output folder")
    parser.add_argument("--since", default=None, help="first day to report on (YYYY-MM-DD, UTC)")
    parser.add_argument("--until", default=None, help="last day to report on (YYYY-MM-DD, UTC)")
    parser.add_argument("--out", default=None, help="the HTML file to write (default OUTPUT/report.html)")
    parser.add_argument("--format", default="html", choices=("html", "svg", "png"),
                        help="svg or png: also write every chart as an image, into FILE-charts/ beside the page")
    args = parser.parse_args(argv)
    try:
        from pipeline.report.build import build_report
        from pipeline.report.dataset import UnreadableOutput
    except ModuleNotFoundError as missing:
        raise UsageError(f"wirebeam report needs {missing.name}: pip install 'wirebeam[report]'") from missing
    try:
        report = build_report(args.output, since=args.since, until=args.until, out_file=args.out, fmt=args.format)
    except UnreadableOutput as error:
        print(f"wirebeam report: {error}", file=sys.stderr)
        return EXIT_DATA
    print(report.summary())
    return EXIT_OK


COMMANDS = {"run": cmd_run, "demo": cmd_demo, "enrich": cmd_enrich, "failures": cmd_failures, "watch": cmd_watch,
            "stories": cmd_stories, "report": cmd_report, "backfill": cmd_backfill}


def console_main() -> None:
    """The `wirebeam` command: `main()`, then exit without the interpreter's teardown.

    A process that ran several Beam jobs (backfill runs, `watch`) can be left with gRPC threads of
    the local runner that abort the teardown ("terminate called without an active exception",
    SIGABRT) after all work is done and reported: a scheduler would see a failure. Everything is
    written and flushed before this exit."""
    code = main()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(USAGE)
        return 0
    command, rest = argv[0], argv[1:]
    if command not in COMMANDS:
        print(f"wirebeam: unknown command {command!r}\n\n{USAGE}", file=sys.stderr)
        return 2
    if command in ("run", "enrich", "backfill") and any(a in ("-h", "--help") for a in rest):
        _print_help()
        return 0
    _configure_logging(verbose="--verbose" in rest)
    if command != "watch":  # watch passes it on to every run it starts
        rest = [a for a in rest if a != "--verbose"]
    return run_command(command, rest)


def run_command(command: str, rest: list[str]) -> int:
    """Run one command; its exit code says what happened (pipeline/errors.py)."""
    from pipeline.enrich.model import ModelNotInstalled
    from pipeline.errors import StoreUnavailable
    from pipeline.records import StageError

    try:
        return COMMANDS[command](rest)
    except (UsageError, ModelNotInstalled) as error:
        print(f"wirebeam {command}: {error}", file=sys.stderr)
        return EXIT_USAGE
    except StageError as error:  # the feed list named by --feeds: unreadable or unusable
        print(f"wirebeam {command}: {error.message}", file=sys.stderr)
        return EXIT_USAGE
    except (StoreUnavailable, PermissionError) as error:
        print(f"wirebeam {command}: {error}", file=sys.stderr)
        return EXIT_STORAGE
    except Exception as error:  # noqa: BLE001 - the traceback first (for diagnosis), then a clear last word
        import traceback

        traceback.print_exc()
        if _is_data_error(error):
            print(f"wirebeam {command}: a file could not be read: {type(error).__name__}: {error}\n"
                  "  the traceback above names it; move that file aside (or restore it) and run again.",
                  file=sys.stderr)
            return EXIT_DATA
        print(f"wirebeam {command}: the run failed: {type(error).__name__}: {error}\n"
              "  it wrote no manifest, so the next run moves its files aside and fetches its articles again.",
              file=sys.stderr)
        return EXIT_FAILED


def _is_data_error(error: BaseException) -> bool:
    """A file in the output or state that is not what it should be (Arrow's errors, anywhere in the chain)."""
    import pyarrow as pa

    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, pa.ArrowException):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


if __name__ == "__main__":
    sys.exit(main())
