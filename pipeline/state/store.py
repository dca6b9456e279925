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
from dataclasses import dataclass
from typing import Iterable

import pyarrow as pa
from apache_beam.io.filesystems import FileSystems

log = logging.getLogger(__name__)

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

DATA_FOLDERS = ("articles", "dead_letters")
INCOMPLETE_FOLDER = "_incomplete"
_RUN_FILE = re.compile(r"^(?P<run_id>.+)-(?P<shard>\d+)\.parquet$")


def state_root(output: str, state: str | None) -> str:
    return (state or FileSystems.join(output, "state")).rstrip("/")


def seen_folder(root: str) -> str:
    return FileSystems.join(root, "seen")


def _match(pattern: str) -> list[str]:
    try:
        return [m.path for m in FileSystems.match([pattern])[0].metadata_list]
    except Exception:  # no such folder yet: nothing matches
        return []


def run_id_of(path: str) -> str | None:
    """The run id in a data file name `<run_id>-<n>.parquet`."""
    match = _RUN_FILE.match(path.rsplit("/", 1)[-1])
    return match.group("run_id") if match else None


def finished_run_ids(output: str) -> set[str]:
    return {
        path.rsplit("/", 1)[-1][: -len(".json")]
        for path in _match(FileSystems.join(output, "runs", "*.json"))
    }


def run_files(output: str, root: str) -> list[str]:
    """Every data and state file written by any run."""
    patterns = [FileSystems.join(output, folder, "date=*", "*.parquet") for folder in DATA_FOLDERS]
    patterns.append(FileSystems.join(seen_folder(root), "date=*", "*.parquet"))
    return sorted(path for pattern in patterns for path in _match(pattern))


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
            pass
        FileSystems.rename([path], [target])
        moved.append(target)
    if moved:
        log.warning("moved %d file(s) of unfinished runs to %s", len(moved), FileSystems.join(output, INCOMPLETE_FOLDER))
    return moved


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
    for path in _match(FileSystems.join(output, "runs", "*.json")):
        try:
            with FileSystems.open(path) as source:
                manifest = json.loads(source.read().decode("utf-8"))
        except (OSError, ValueError):
            log.warning("unreadable manifest %s ignored", path)
            continue
        if manifest.get("state") != root:
            continue
        finished = str(manifest.get("finished_at") or "")
        if newest is None or finished > newest[0]:
            newest = (finished, manifest)
    return newest[1] if newest else None


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
