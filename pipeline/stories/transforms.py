"""Beam steps of the stories stage: sign each article, then assign stories once per run.

    enriched rows -> SignStories (fused before staging: the signature rides on the claim)
    kept claims   -> AssignStories: one group per window (a run), matched against the story
                     records of finished runs (index.py) -> claims with story_id,
                     story records for the state store, story rows for OUTPUT/stories/
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any, Iterable, Iterator

import apache_beam as beam
from apache_beam.utils import shared

from pipeline.sinks.manifest import count_fact
from pipeline.sinks.windows import output_run_id
from pipeline.stories.assign import assign_stories
from pipeline.stories.fingerprint import from_bytes, signature, to_bytes
from pipeline.stories.index import StoreStoryView
from pipeline.stories.merge import report_of, story_row

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
    }


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
        claims = sorted(grouped, key=lambda claim: claim["article_id"])
        index = self._view.as_of(window.end)
        assignments = assign_stories(claims, [from_bytes(c["story_signature"]) for c in claims], index)
        reports: dict[str, list[dict[str, Any]]] = defaultdict(list)
        new_stories = set()
        for claim, assignment in zip(claims, assignments):
            report = report_of(claim, assignment.story_id, assignment.first_seen)
            reports[assignment.story_id].append(report)
            if assignment.new_story:
                new_stories.add(assignment.story_id)
            yield {**claim, "story_id": assignment.story_id}
            yield beam.pvalue.TaggedOutput(RECORDS, report)
        run_id = output_run_id(self._run_id, window)
        for story_id, new_reports in sorted(reports.items()):
            recorded = [] if story_id in new_stories else index.reports_of(story_id)
            yield beam.pvalue.TaggedOutput(STORIES, story_row(story_id, recorded + new_reports, run_id))
            fact = "stories_new" if story_id in new_stories else "stories_updated"
            yield beam.pvalue.TaggedOutput(FACTS, count_fact(fact, None))


class AssignStories(beam.PTransform):
    """Kept claims -> 'claims' (with story_id), 'records' (STORY_STATE_SCHEMA rows), 'stories'
    (STORY_SCHEMA rows) and 'facts'. One group per window: a run's claims are small (~1.5 KB)."""

    def __init__(self, output: str, root: str, run_id: str, window: timedelta) -> None:
        super().__init__()
        self._output, self._root, self._run_id, self._window = output, root, run_id, window

    def expand(self, claims):
        return (
            claims
            | "OneGroupPerRun" >> beam.Map(lambda claim: (None, claim))
            | "GatherRun" >> beam.GroupByKey()
            | "Assign" >> beam.ParDo(
                AssignStoriesFn(self._output, self._root, self._run_id, self._window.total_seconds())
            ).with_outputs(RECORDS, STORIES, FACTS, main="claims")
        )
