"""Beam steps of the stories stage: sign each article, then assign stories once per run.

    enriched rows -> SignStories (fused before staging: the signature rides on the claim)
    kept claims   -> AssignStories: one group per window (a run), matched against the story
                     records of finished runs (index.py) -> claims with story_id,
                     story records for the state store, story rows for OUTPUT/stories/
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any, Iterable, Iterator, Tuple

import apache_beam as beam
from apache_beam.coders import PickleCoder
from apache_beam.pvalue import TaggedOutput
from apache_beam.transforms.userstate import ReadModifyWriteStateSpec
from apache_beam.transforms.window import GlobalWindows, TimestampedValue
from apache_beam.utils import shared

from pipeline.sinks.manifest import count_fact
from pipeline.sinks.windows import output_run_id
from pipeline.stories.assign import assign_stories
from pipeline.stories.fingerprint import from_bytes, signature, to_bytes
from pipeline.stories.index import StackedIndex, StoreStoryView, build_index
from pipeline.stories.merge import report_of, story_row

CLAIMS = "claims"
RECORDS = "records"
STORIES = "stories"
FACTS = "facts"
TOP_ENTITIES = 5


def signed(row: dict[str, Any]) -> dict[str, Any]:
    """The row with its story signature and the few entities a story row shows (not written as columns)."""
    return {
        **row,
        "story_signature": to_bytes(signature(row.get("text") or "")),
        "story_top_entities": list(row.get("entity_summary") or [])[:TOP_ENTITIES],
        "story_place": row.get("main_place"),  # the places step's choice (pipeline/enrich/geo/attach.py)
    }


def versions(recorded: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[int]:
    """Per new report of one story, its version: 1 + the copies of the story the same outlet
    published before it (a story re-issued by an outlet is version 2, 3, ...; no row is replaced)."""
    def order(report: dict[str, Any]) -> tuple:
        return (report.get("published_at") or report["fetched_at"], report["fetched_at"], report["article_id"])

    earlier_by_source: dict[Any, list[tuple]] = defaultdict(list)
    for report in recorded:
        earlier_by_source[report.get("source")].append(order(report))
    out = []
    for report in new:
        same_outlet = [*earlier_by_source[report.get("source")],
                       *(order(other) for other in new if other.get("source") == report.get("source"))]
        out.append(1 + sum(1 for key in same_outlet if key < order(report)))
    return out


_VIEWS = shared.Shared()  # one story index per store per worker process


class AssignStoriesFn(beam.DoFn):
    """(None, a window's kept claims) -> claims with story_id; story records and story rows tagged."""

    def __init__(self, output: str, root: str, run_id: str, window_seconds: float) -> None:
        self._output, self._root, self._run_id, self._window = output, root, run_id, window_seconds
        self._view: StoreStoryView | None = None

    def setup(self) -> None:
        output, root, window = self._output, self._root, timedelta(seconds=self._window)
        # Tagged with the run: a view never outlives its job (a worker process may serve the next run).
        self._view = _VIEWS.acquire(lambda: StoreStoryView(output, root, window),
                                    tag=f"stories|{self._run_id}|{output}|{root}|{self._window}")

    def process(self, element: tuple[Any, Iterable[dict[str, Any]]], window=beam.DoFn.WindowParam) -> Iterator[Any]:
        _key, grouped = element
        claims = list(grouped)
        yield from self.assign(claims, window, self._view.as_of(window.end, now=newest_copy(claims)))

    def assign(self, grouped: Iterable[dict[str, Any]], window: Any, index: Any) -> Iterator[Any]:
        """The window's claims with their story; its story records, story rows and facts, tagged."""
        claims = sorted(grouped, key=lambda claim: claim["article_id"])
        by_id = {claim["article_id"]: claim for claim in claims}
        assignments = assign_stories(claims, [from_bytes(c["story_signature"]) for c in claims], index)
        reports: dict[str, list[dict[str, Any]]] = defaultdict(list)
        recorded: dict[str, list[dict[str, Any]]] = {}
        new_stories = set()
        for claim, assignment in zip(claims, assignments):
            reports[assignment.story_id].append(report_of(claim, assignment.story_id, assignment.first_seen))
            if assignment.new_story:
                new_stories.add(assignment.story_id)
            elif assignment.story_id not in recorded:
                recorded[assignment.story_id] = index.reports_of(assignment.story_id)
        run_id = output_run_id(self._run_id, window)
        for story_id, new_reports in sorted(reports.items()):
            earlier = recorded.get(story_id, [])
            for report, version in zip(new_reports, versions(earlier, new_reports)):
                yield {**by_id[report["article_id"]], "story_id": story_id, "version": version}
                yield beam.pvalue.TaggedOutput(RECORDS, report)
            yield beam.pvalue.TaggedOutput(STORIES, story_row(story_id, earlier + new_reports, run_id))
            fact = "stories_new" if story_id in new_stories else "stories_updated"
            yield beam.pvalue.TaggedOutput(FACTS, count_fact(fact, None))


class CarryRecentStoriesFn(AssignStoriesFn):
    """Streaming: ("stories", (window, its claims)) in the global window -> the same outputs,
    each at its window's last instant (to be put back into that window).

    A window's story records reach the store only when its run finishes writing, after the next
    window may already be assigning: so the records of recent windows are kept in keyed state and
    matched too, until the store has them (their run finished) or they leave --story-window."""

    RECENT = ReadModifyWriteStateSpec("recent_story_records", PickleCoder())

    def process(self, element: tuple[str, tuple[Any, list[dict[str, Any]]]],
                recent_state=beam.DoFn.StateParam(RECENT)) -> Iterator[Any]:
        _key, (window, grouped) = element
        store = self._view.as_of(window.end, now=newest_copy(grouped))
        recent = recent_state.read() or []
        new_records = []
        for output in self.assign(grouped, window, StackedIndex(store, build_index(recent))):
            if isinstance(output, TaggedOutput) and output.tag == RECORDS:
                new_records.append(output.value)
            yield at_window_end(output, window)
        recent_state.write(still_recent(recent + new_records, store.run_ids(),
                                        window.end.to_utc_datetime(has_tz=True) - timedelta(seconds=self._window)))


def newest_copy(claims: list[dict[str, Any]]) -> datetime | None:
    """When the run's newest copy was fetched (or archived): --story-window reaches back from
    there, so a backfill of last year's archive finds last year's stories."""
    return max((claim["fetched_at"] for claim in claims), default=None)


def still_recent(records: list[dict[str, Any]], stored_runs: set[str], since: datetime) -> list[dict[str, Any]]:
    """Records the store does not have yet and that can still attract copies."""
    return [r for r in records if r["run_id"] not in stored_runs and r["story_first_seen"] >= since]


def at_window_end(output: Any, window: Any) -> Any:
    """An output of the global-window step, timestamped to go back into `window`."""
    if isinstance(output, TaggedOutput):
        return TaggedOutput(output.tag, TimestampedValue(output.value, window.max_timestamp()))
    return TimestampedValue(output, window.max_timestamp())


class _WithWindow(beam.DoFn):
    def process(self, element: tuple[Any, Iterable[dict[str, Any]]], window=beam.DoFn.WindowParam):
        yield "stories", (window, list(element[1]))


class AssignStories(beam.PTransform):
    """Kept claims -> 'claims' (with story_id), 'records' (STORY_STATE_SCHEMA rows), 'stories'
    (STORY_SCHEMA rows) and 'facts'. One group per window: a run's claims are small (~1.5 KB)."""

    def __init__(self, output: str, root: str, run_id: str, window: timedelta, windowing: Any = None) -> None:
        super().__init__()
        self._output, self._root, self._run_id, self._window = output, root, run_id, window
        self._windowing = windowing  # streaming: the job's WindowFn, to carry recent records across windows

    def expand(self, claims) -> dict[str, Any]:
        args = (self._output, self._root, self._run_id, self._window.total_seconds())
        runs = (
            claims
            | "OneGroupPerRun" >> beam.Map(lambda claim: (None, claim))
            | "GatherRun" >> beam.GroupByKey()
        )
        if self._windowing is None:
            assigned = runs | "Assign" >> beam.ParDo(AssignStoriesFn(*args)).with_outputs(
                RECORDS, STORIES, FACTS, main=CLAIMS)
            return {tag: assigned[tag] for tag in (CLAIMS, RECORDS, STORIES, FACTS)}
        assigned = (
            runs
            | "WithWindow" >> beam.ParDo(_WithWindow())
            | "AcrossWindows" >> beam.WindowInto(GlobalWindows())
            | "AssignCarryingRecent" >> beam.ParDo(CarryRecentStoriesFn(*args))
            .with_input_types(Tuple[str, Any])  # a deterministic key coder for the keyed state
            .with_outputs(RECORDS, STORIES, FACTS, main=CLAIMS)
        )
        return {tag: assigned[tag] | f"BackIntoWindows{tag.title()}" >> beam.WindowInto(self._windowing)
                for tag in (CLAIMS, RECORDS, STORIES, FACTS)}
