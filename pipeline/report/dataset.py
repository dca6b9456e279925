"""An output folder opened for the report: DuckDB views over the rows of finished runs.

A run is finished when its manifest (`runs/<run_id>.json`) exists; rows of a run that is still
going, or was killed and not yet moved aside, sit in the same `date=` folders and are left out
(and counted, so the page can say so). Older outputs lack newer columns: `columns` says which
exist, and the queries ask it before using one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from pipeline.errors import UsageError
from pipeline.report.summary import CURRENT_STORY_ROW

KINDS = ("articles", "stories", "dead_letters")
# Manifests read for the runs table and the feeds' last status: the newest ones in the period.
MAX_MANIFESTS = 400
_RUN_START = re.compile(r"^(\d{8}T\d{6}Z)")


# Errors in the report's own SQL: bugs to see, never taken for a damaged file.
_OUR_MISTAKES = (duckdb.BinderException, duckdb.ParserException, duckdb.CatalogException,
                 duckdb.NotImplementedException, duckdb.InternalException)


class NotWirebeamOutput(UsageError):
    """The folder named by --output holds no wirebeam output (exit 2: fix the command)."""


class UnreadableOutput(Exception):
    """A manifest or Parquet file of the output cannot be read (exit 5: move it aside or restore it)."""


@dataclass(frozen=True)
class Period:
    """Days to report on, inclusive; None is open."""

    since: date | None = None
    until: date | None = None

    def where(self, column: str) -> str:
        """A SQL condition on a DATE column (the bounds are dates, so the literal is safe)."""
        parts = ([f"{column} >= DATE '{self.since.isoformat()}'"] if self.since else []) + (
            [f"{column} <= DATE '{self.until.isoformat()}'"] if self.until else [])
        return " AND ".join(parts) or "TRUE"

    def contains(self, day: date | None) -> bool:
        return day is not None and (self.since is None or day >= self.since) and (self.until is None or day <= self.until)

    @property
    def label(self) -> str:
        if not (self.since or self.until):
            return "everything in the output"
        return f"{self.since or 'the start'} to {self.until or 'the latest run'}"


def parse_day(text: str | None, flag: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{flag} {text!r} is not a day: use YYYY-MM-DD") from None


def run_started(run_id: str) -> datetime | None:
    """The start time a default run id spells (`20261205T020207Z`, streaming `...-<window>`), else None."""
    match = _RUN_START.match(run_id)
    return datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ") if match else None


@dataclass
class Output:
    """DuckDB views `articles`, `stories` (every row), `stories_current` (newest row per story) and
    `dead_letters` over finished runs, plus the manifests read."""

    path: Path
    con: duckdb.DuckDBPyConnection
    finished_runs: list[str]
    manifests: list[dict[str, Any]]
    kinds: frozenset[str]
    columns: dict[str, frozenset[str]] = field(default_factory=dict)
    unfinished_rows: dict[str, int] = field(default_factory=dict)
    tables_made: set[str] = field(default_factory=set)  # temp tables the queries made once and share

    def has(self, kind: str, *columns: str) -> bool:
        return kind in self.kinds and set(columns) <= self.columns.get(kind, frozenset())

    def rows(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        """Run a query; a file DuckDB cannot read is the output's problem (UnreadableOutput), not ours."""
        try:
            cursor = self.con.execute(sql, params or [])
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row)) for row in cursor.fetchall()]
        except _OUR_MISTAKES:
            raise
        except duckdb.Error as error:  # a damaged or foreign file (DuckDB names it), or types that do not match
            first_line = str(error).strip().splitlines()[0]
            raise UnreadableOutput(f"a file under {self.path} could not be read: {first_line}; "
                                   "move that file aside (or restore it) and run again") from error

    def value(self, sql: str, params: list[Any] | None = None) -> Any:
        found = self.rows(sql, params)
        return next(iter(found[0].values())) if found else None


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _has_files(folder: Path, kind: str) -> bool:
    return any((folder / kind).glob("date=*/*.parquet"))


def _read_manifests(runs: list[Path], period: Period) -> list[dict[str, Any]]:
    """The newest manifests whose run could fall in the period (a run id that is not a start time
    is read and judged by its started_at)."""
    candidates = []
    for path in runs:
        started = run_started(path.stem)
        if started is None or period.contains(started.date()):
            candidates.append((started or datetime.fromtimestamp(path.stat().st_mtime), path))
    manifests = []
    for _, path in sorted(candidates, reverse=True)[:MAX_MANIFESTS]:
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise UnreadableOutput(f"the run manifest {path} could not be read ({error}); "
                                   "move it aside or restore it") from error
        started_at = _timestamp(manifest.get("started_at"))
        if started_at is None or period.contains(started_at.date()):
            manifests.append(manifest)
    return manifests


def _timestamp(text: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(text))
    except ValueError:
        return None


def open_output(folder: str, period: Period) -> Output:
    """Open OUTPUT for reading, or say why it cannot be (UsageError: exit 2)."""
    if "://" in folder:
        raise UsageError(f"wirebeam report reads a local folder; copy {folder} first "
                         f"(e.g. gsutil -m cp -r {folder.rstrip('/')} .) and pass the copy")
    path = Path(folder)
    if not path.is_dir():
        raise UsageError(f"--output {folder}: no such folder (pass the folder given to `wirebeam run --output`)")
    runs = sorted((path / "runs").glob("*.json"))
    kinds = frozenset(kind for kind in KINDS if _has_files(path, kind))
    if not runs and not kinds:
        raise NotWirebeamOutput(
            f"{folder} is not a wirebeam output folder: it has no runs/ manifests and no articles/, stories/ "
            "or dead_letters/ partitions. Pass the folder given to `wirebeam run --output` "
            "(after `make run`: out/demo).")
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")  # days are UTC days, as the date= partitions are
    finished = [p.stem for p in runs]
    con.execute("CREATE TEMP TABLE finished AS SELECT unnest(?::VARCHAR[]) AS run_id", [finished])
    output = Output(path, con, finished, _read_manifests(runs, period), kinds)
    for kind in sorted(kinds):
        files = _sql_text(str(path / kind / "date=*" / "*.parquet"))
        output.rows(f"CREATE VIEW {kind}_all AS SELECT * FROM read_parquet({files}, hive_partitioning = true, "
                    "union_by_name = true)")
        output.rows(f"CREATE VIEW {kind} AS SELECT * FROM {kind}_all WHERE run_id IN (SELECT run_id FROM finished)")
        output.columns[kind] = frozenset(r["column_name"] for r in output.rows(f"DESCRIBE {kind}"))
        output.unfinished_rows[kind] = output.value(
            f"SELECT count(*) FROM {kind}_all WHERE run_id NOT IN (SELECT run_id FROM finished)")
    if "stories" in kinds:
        output.rows(f"CREATE VIEW stories_current AS SELECT * FROM stories {CURRENT_STORY_ROW}")
    return output
