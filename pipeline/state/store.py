"""State between scheduled runs: what finished runs already wrote.

Exactly-once output over at-least-once attempts rests on three rules:
1. A run is finished when its manifest (`OUTPUT/runs/<run_id>.json`) exists;
   the manifest is written last.
2. Seen keys (`STATE/seen/date=*/<run_id>-<n>.parquet`: canonical URL keys and
   article ids of every article a run wrote) are written in the same run, so
   they count only once that run's manifest exists.
3. Before a run starts (under the run lock), files of runs that never finished
   — a killed run — are moved out of the readers' way to
   `OUTPUT/_incomplete/<run_id>/...`; their articles are not in the seen state,
   so this run fetches and writes them again.
Everything goes through Beam's FileSystems, so `gs://` works as local paths do.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass
from typing import Callable, Iterable, TypeVar

import pyarrow as pa
from apache_beam.io.filesystems import FileSystems

from pipeline.errors import StoreUnavailable

log = logging.getLogger(__name__)
T = TypeVar("T")

# A listing that fails is retried briefly, then the run stops: a store that is
# down for a moment must never look empty (every finished run would then look
# unfinished and be moved aside). A call that hangs (no network: the GCS client
# retries for many minutes) is given up after STORE_CALL_SECONDS.
STORE_ATTEMPTS = 3
STORE_CALL_SECONDS = 20.0
STORE_BACKOFF_SECONDS = (1.0, 3.0)

SEEN_SCHEMA = pa.schema(
    [
        pa.field("url_key", pa.string(), nullable=False),
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("content_sha256", pa.string()),
        pa.field("published_at", pa.timestamp("us", tz="UTC"), nullable=False),
        pa.field("run_id", pa.string(), nullable=False),
    ],
    metadata={"wirebeam.schema": "seen", "wirebeam.schema_version": "1"},
)

DATA_FOLDERS = ("articles", "dead_letters", "stories")
INCOMPLETE_FOLDER = "_incomplete"
_RUN_FILE = re.compile(r"^(?P<run_id>.+)-(?P<shard>\d+)\.parquet$")


def state_root(output: str, state: str | None) -> str:
    return (state or FileSystems.join(output, "state")).rstrip("/")


def seen_folder(root: str) -> str:
    return FileSystems.join(root, "seen")


class NoAnswer(Exception):
    """A storage call that did not return in time (not a timeout the call itself raised)."""


def call_with_deadline(fn: Callable[[], T], seconds: float) -> T:
    """fn() on a helper thread, given up (NoAnswer) after `seconds`; the thread is left to end on its own."""
    outcome: list = []

    def target() -> None:
        try:
            outcome.append((True, fn()))
        except BaseException as error:  # noqa: BLE001 - handed to the caller's thread
            outcome.append((False, error))

    thread = threading.Thread(target=target, name="wirebeam-store", daemon=True)
    thread.start()
    thread.join(seconds)
    if not outcome:
        raise NoAnswer(f"no answer in {seconds:g} s")
    ok, value = outcome[0]
    if not ok:
        raise value
    return value


def store_call(action: str, location: str, fn: Callable[[], T], *, attempts: int = STORE_ATTEMPTS,
               seconds: float = STORE_CALL_SECONDS, sleep: Callable[[float], None] = time.sleep) -> T:
    """fn(), retried briefly on any error; StoreUnavailable (naming `location`) when it keeps failing.
    A call that hangs is not retried: a store that does not answer in `seconds` is unreachable."""
    for attempt in range(1, attempts + 1):
        try:
            return call_with_deadline(fn, seconds)
        except NoAnswer as error:
            raise StoreUnavailable(action, location, error) from None
        except Exception as error:  # noqa: BLE001 - any failure to list is an error, never "empty"
            if attempt == attempts:
                raise StoreUnavailable(action, location, f"{type(error).__name__}: {error}") from error
            log.warning("could not %s %s (%s); retrying", action, location, error)
            sleep(STORE_BACKOFF_SECONDS[min(attempt, len(STORE_BACKOFF_SECONDS)) - 1])
    raise AssertionError("unreachable")


def match_files(pattern: str) -> list[str]:
    """Paths matching `pattern`; [] when its folder does not exist yet (FileSystems.match says so
    without raising). Any error is retried briefly, then raised as StoreUnavailable."""
    return store_call(
        "list", pattern, lambda: [m.path for m in FileSystems.match([pattern])[0].metadata_list]
    )


def run_id_of(path: str) -> str | None:
    """The run id in a data file name `<run_id>-<n>.parquet`."""
    match = _RUN_FILE.match(path.rsplit("/", 1)[-1])
    return match.group("run_id") if match else None


def finished_run_ids(output: str) -> set[str]:
    return {
        path.rsplit("/", 1)[-1][: -len(".json")]
        for path in match_files(FileSystems.join(output, "runs", "*.json"))
    }


def run_files(output: str, root: str) -> list[str]:
    """Every data and state file written by any run."""
    patterns = [FileSystems.join(output, folder, "date=*", "*.parquet") for folder in DATA_FOLDERS]
    patterns.append(FileSystems.join(seen_folder(root), "date=*", "*.parquet"))
    patterns.append(FileSystems.join(root, "stories", "date=*", "*.parquet"))  # story records (stories/index.py)
    patterns.append(FileSystems.join(root, "warc", "date=*", "*.parquet"))  # WARC files read (warc/ledger.py)
    return sorted(path for pattern in patterns for path in match_files(pattern))


@dataclass(frozen=True)
class StateView:
    """What the launcher knows of earlier runs when a run starts."""

    finished_runs: frozenset[str]
    seen_files: tuple[str, ...]  # seen-key files of finished runs
    incomplete_files: tuple[str, ...]  # files of runs that never finished


def read_state(output: str, root: str) -> StateView:
    finished = finished_run_ids(output)
    seen, incomplete = [], []
    for path in run_files(output, root):
        if run_id_of(path) in finished:
            if path.startswith(seen_folder(root)):
                seen.append(path)
        else:
            incomplete.append(path)
    return StateView(frozenset(finished), tuple(seen), tuple(incomplete))


def quarantine_incomplete(output: str, paths: Iterable[str]) -> list[str]:
    """Move files of unfinished runs to OUTPUT/_incomplete/<run_id>/<relative path>."""
    moved = []
    prefix = output.rstrip("/") + "/"
    for path in paths:
        relative = path[len(prefix):] if path.startswith(prefix) else path.rsplit("/", 1)[-1]
        target = FileSystems.join(output, INCOMPLETE_FOLDER, run_id_of(path) or "unknown", relative)
        try:
            FileSystems.mkdirs(target.rsplit("/", 1)[0])
        except (IOError, OSError):
            pass  # exists already, or object stores have no folders
        store_call("move", path, lambda path=path, target=target: _move(path, target))
        moved.append(target)
    if moved:
        log.warning("moved %d file(s) of unfinished runs to %s", len(moved), FileSystems.join(output, INCOMPLETE_FOLDER))
    return moved


def _move(path: str, target: str) -> None:
    """Rename, safe to retry: an attempt that moved the file but raised is not repeated."""
    if not FileSystems.exists(path) and FileSystems.exists(target):
        return
    FileSystems.rename([path], [target])


def seen_rows(article: dict, url_keys: Iterable[str]) -> list[dict]:
    """The seen-state rows for one written article: one per URL key that leads to it."""
    return [
        {
            "url_key": key,
            "article_id": article["article_id"],
            "content_sha256": article.get("content_sha256"),
            "published_at": article["published_at"],
            "run_id": article["run_id"],
        }
        for key in sorted(set(k for k in url_keys if k))
    ]


def latest_manifest(output: str, root: str) -> dict | None:
    """The manifest of the most recently finished run on the same state, if any."""
    import json

    newest: tuple[str, dict] | None = None
    for path in match_files(FileSystems.join(output, "runs", "*.json")):
        try:
            manifest = json.loads(store_call("read", path, lambda path=path: _read_bytes(path)).decode("utf-8"))
        except ValueError:  # a damaged manifest: that run's validators are not used, nothing else changes
            log.warning("unreadable manifest %s ignored", path)
            continue
        if manifest.get("state") != root:
            continue
        finished = str(manifest.get("finished_at") or "")
        if newest is None or finished > newest[0]:
            newest = (finished, manifest)
    return newest[1] if newest else None


def _read_bytes(path: str) -> bytes:
    with FileSystems.open(path) as source:
        return source.read()


def feed_validators(manifest: dict | None) -> dict[str, tuple[str | None, str | None]]:
    """ETag / Last-Modified per feed URL from a finished run, for a conditional GET.

    Only feeds that run read completely qualify: a feed with any dead letter
    (a page that timed out, say) is fetched in full again, so the failed items
    are retried instead of hidden behind a 304."""
    validators = {}
    for feed in (manifest or {}).get("feeds", []):
        if feed.get("ok") and not feed.get("dead_lettered") and (feed.get("etag") or feed.get("last_modified")):
            validators[feed["feed_url"]] = (feed.get("etag"), feed.get("last_modified"))
    return validators
