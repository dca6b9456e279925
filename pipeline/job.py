"""The one job graph: what batch runs and streaming jobs share.

    feeds -> IngestFeeds -> articles, feed statuses, dead letters, facts
          -> EnrichAndWrite -> articles/, dead_letters/, seen state, the run manifest

A batch run feeds it the feed list once, in the global window, with the seen
state as read when the run started (`SnapshotSeen`); a streaming job feeds it
the feed list on every tick, in fixed windows, with the seen state read as it
grows plus a lease on work in flight (`LiveSeen`). Everything else is the
same steps: failures are retried the same way (a failed page is not in the
seen state, so it is tried again), both write the seen state, and the count
facts of the manifest are declared once, here. Writers name their output
after the run of the element's window (sinks/windows.py): the whole job in
batch, each window in streaming.
"""

from __future__ import annotations

from typing import Any, Callable, Protocol

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from apache_beam.options.pipeline_options import PipelineOptions

from pipeline.stories.copies import DUPLICATES, KeepOneCopy
from pipeline.extract.transforms import ExtractArticles
from pipeline.feeds.transforms import PollFeeds
from pipeline.fetch.transforms import DedupeItems, FetchPages, LimitItems
from pipeline.options import WirebeamOptions
from pipeline.plan import RunPlan, run_record, story_window
from pipeline.records import DeadLetter
from pipeline.sinks.manifest import WriteManifest, count_fact, dead_letter_fact
from pipeline.sinks.parquet import WritePartitionedParquet
from pipeline.sinks.schema import ARTICLE_SCHEMA, DEAD_LETTER_SCHEMA
from pipeline.sinks.staging import FinalizePartitions, StageRows
from pipeline.sinks.windows import output_run_id
from pipeline.state.store import SEEN_SCHEMA, seen_folder
from pipeline.stories.index import story_state_folder
from pipeline.stories.schema import STORY_SCHEMA, STORY_STATE_SCHEMA
from pipeline.stories.transforms import CLAIMS, FACTS, RECORDS, STORIES, AssignStories, signed
from pipeline.state.transforms import REVISION, URL_KEY, article_revision, item_key, seen_rows_of


class SeenState(Protocol):
    """How a job knows what finished runs wrote (state/transforms.py SnapshotSeen, state/live.py LiveSeen)."""

    def drop(self, kind: str, key: Callable[[Any], str]) -> beam.PTransform: ...


def facts_of(label: str, counter: str, feed_url: Callable[[Any], str | None]) -> beam.PTransform:
    """A step turning each element into one count fact of the manifest."""
    return label >> beam.Map(lambda element: count_fact(counter, feed_url(element)))


def _item_feed(item) -> str | None:
    return item.feed_url


def _page_feed(page) -> str | None:
    return page.item.feed_url


def feed_of_row(row: dict[str, Any]) -> str | None:
    return row.get("feed_url")


def enrichment_fact(row: dict[str, Any]) -> tuple[str, str]:
    enriched = (row.get("enrichment_status") or "").startswith("ok")
    return count_fact("enriched" if enriched else "not_enriched", row.get("feed_url"))


class IngestFeeds(beam.PTransform):
    """FeedSources -> the shared tail's inputs: articles, feed statuses, dead letters and facts of
    every stage (a dict; see EnrichAndWrite)."""

    def __init__(self, plan: RunPlan, options: PipelineOptions, seen: SeenState) -> None:
        super().__init__()
        self._plan = plan
        self._options = options
        self._seen = seen

    def expand(self, feeds) -> dict[str, Any]:
        plan, wb = self._plan, self._options.view_as(WirebeamOptions)
        polled = feeds | "PollFeeds" >> PollFeeds(plan.policy)
        items = polled.items | "DedupeItems" >> DedupeItems()
        new_items = items | "DropSeenItems" >> self._seen.drop(URL_KEY, item_key)
        queued = new_items.unseen
        if wb.max_articles:
            queued = queued | "LimitItems" >> LimitItems(wb.max_articles)
        fetched = queued | "FetchPages" >> FetchPages(plan.policy, concurrency=wb.fetch_concurrency)
        extracted = fetched.pages | "ExtractArticles" >> ExtractArticles(
            plan.run_id, timeout_s=wb.extract_timeout, isolate=not wb.no_extract_isolation
        )
        outputs = {
            "articles": extracted.articles,
            "feed_status": polled.feed_status,
            "dead_letters:feed": polled.dead_letters,
            "dead_letters:page": fetched.dead_letters,
            "dead_letters:extract": extracted.dead_letters,
            "facts:items_seen": polled.items | facts_of("CountItemsSeen", "items_seen", _item_feed),
            "facts:items_queued": queued | facts_of("CountItemsQueued", "items_queued", _item_feed),
            "facts:seen_items": new_items.already_seen | facts_of(
                "CountSeenItems", "items_already_written", _item_feed
            ),
            "facts:pages_fetched": fetched.pages | facts_of("CountPagesFetched", "pages_fetched", _page_feed),
            "facts:extracted": extracted.articles | facts_of("CountExtracted", "extracted", feed_of_row),
        }
        if new_items.deferred is not None:
            outputs["facts:deferred_items"] = new_items.deferred | facts_of(
                "CountDeferredItems", "items_in_flight", _item_feed
            )
        return outputs


class StampRunId(beam.DoFn):
    """Rows carry the run id of their window (the name of the file they are written to)."""

    def __init__(self, run_id: str) -> None:
        self._run_id = run_id

    def process(self, row: dict[str, Any], window=beam.DoFn.WindowParam):
        yield {**row, "run_id": output_run_id(self._run_id, window)}


class EnrichAndWrite(beam.PTransform):
    """The shared tail of every job: enrich articles, keep one copy of each
    article no finished run wrote, group the copies other outlets carry into
    stories (pipeline/stories/), write articles, stories and dead letters as
    date partitions and the seen state and story records, then the manifest of
    each run.

    Input: a dict of PCollections: "articles", "feed_status", and any number
    of "dead_letters:<stage>" and "facts:<name>" entries. `bounded`: a batch
    job (one run, a manifest even when nothing came in) or a streaming one
    (a run per window).

    Rows are staged in temp files right after enrichment and only small claims
    cross the GroupByKeys that choose them (sinks/staging.py): memory does not
    grow with the corpus on any runner.
    """

    def __init__(self, plan: RunPlan, options: PipelineOptions, seen: SeenState, *, bounded: bool = True,
                 windowing: Any = None) -> None:
        super().__init__()
        self._plan = plan
        self._options = options
        self._seen = seen
        self._bounded = bounded
        self._windowing = windowing  # streaming: the job's WindowFn

    def expand(self, inputs):
        articles, feed_status = inputs["articles"], inputs["feed_status"]
        dead_letter_sets = [pc for name, pc in inputs.items() if name.startswith("dead_letters:")]
        fact_sets = [pc for name, pc in inputs.items() if name.startswith("facts:")]
        plan, wb = self._plan, self._options.view_as(WirebeamOptions)
        if not wb.no_enrich:
            from pipeline.enrich.transforms import EnrichArticles

            enriched = articles | "EnrichArticles" >> EnrichArticles(
                spacy_model=wb.spacy_model, with_parser=wb.spacy_parser
            )
            articles = enriched.articles
            dead_letter_sets.append(enriched.dead_letters)

        claims = (
            articles
            | "StampRunId" >> beam.ParDo(StampRunId(plan.run_id))
            | "SignStories" >> beam.Map(signed)
            | "StageArticles" >> StageRows(plan.output, plan.run_id, "articles", ARTICLE_SCHEMA,
                                           date_column="published_at")
        )
        copies = claims | "KeepOneCopy" >> KeepOneCopy()
        chosen = copies.kept | "DropSeenArticles" >> self._seen.drop(REVISION, article_revision)
        stories = chosen.unseen | "AssignStories" >> AssignStories(
            plan.output, plan.state_root, plan.run_id, story_window(wb), windowing=self._windowing
        )
        kept, already_seen, duplicates = stories[CLAIMS], chosen.already_seen, copies[DUPLICATES]
        stories_out = (
            stories[STORIES] | "WriteStories" >> WritePartitionedParquet(
                "stories", FileSystems.join(plan.output, "stories"), STORY_SCHEMA, plan.run_id,
                date_column="first_seen", key_column="story_id",
            ),
            stories[RECORDS] | "WriteStoryRecords" >> WritePartitionedParquet(
                "story_state", story_state_folder(plan.state_root), STORY_STATE_SCHEMA, plan.run_id,
                date_column="fetched_at", key_column="article_id",
            ),
        )
        articles_out = kept | "WriteArticles" >> FinalizePartitions(
            "articles", FileSystems.join(plan.output, "articles"), ARTICLE_SCHEMA, plan.run_id,
            key_column="article_id", shards=wb.output_shards,
        )
        dead_letters = tuple(dead_letter_sets) | "AllDeadLetters" >> beam.Flatten()
        dead_out = (
            dead_letters
            | "DeadLetterRows" >> beam.Map(DeadLetter.as_row)
            | "StampDeadLetterRunId" >> beam.ParDo(StampRunId(plan.run_id))
            | "WriteDeadLetters" >> WritePartitionedParquet(
                "dead_letters", FileSystems.join(plan.output, "dead_letters"), DEAD_LETTER_SCHEMA, plan.run_id,
                date_column="failed_at", key_column="url",
            )
        )
        late_sets = [] if chosen.deferred is None else [
            chosen.deferred | facts_of("CountDeferredArticles", "articles_in_flight", feed_of_row)
        ]
        facts = (
            *fact_sets,
            stories[FACTS],
            *late_sets,
            kept | facts_of("CountDistinct", "distinct_articles", feed_of_row),
            already_seen | facts_of("CountDistinctSeen", "distinct_articles", feed_of_row),
            duplicates | facts_of("CountDuplicates", "duplicate_copies", feed_of_row),
            already_seen | facts_of("CountSeenArticles", "articles_already_written", feed_of_row),
            kept | "CountEnriched" >> beam.Map(enrichment_fact),
            kept | facts_of("CountWritten", "written", feed_of_row),
            dead_letters | "CountDeadLetters" >> beam.Map(dead_letter_fact),
        ) | "AllFacts" >> beam.Flatten()
        seen_out = (
            # The URLs of every copy lead to an article that is written: none is fetched again.
            (kept, duplicates, already_seen)
            | "AllCopies" >> beam.Flatten()
            | "SeenRows" >> beam.FlatMap(seen_rows_of)
            | "WriteSeenState" >> WritePartitionedParquet(
                "state", seen_folder(plan.state_root), SEEN_SCHEMA, plan.run_id,
                date_column="published_at", key_column="url_key",
            )
        )
        files = (articles_out, dead_out, seen_out, *stories_out) | "AllFiles" >> beam.Flatten()
        run = run_record(plan, self._options, mode="batch" if self._bounded else "streaming")
        return (facts, feed_status, files) | "WriteManifest" >> WriteManifest(plan.output, run, bounded=self._bounded)
