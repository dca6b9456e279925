"""Beam wrappers: FetchedPage -> article rows, failures -> dead letters."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import apache_beam as beam
from apache_beam.metrics import Metrics

from pipeline.extract.article import MAX_HTML_BYTES, extract_article
from pipeline.extract.limits import ChildProcessRunner, run_with_limits
from pipeline.records import DeadLetter, FetchedPage, StageError

DEAD_LETTERS = "dead_letters"
ARTICLES = "articles"


class ExtractArticleFn(beam.DoFn):
    """One FetchedPage in; one article dict out, or one DeadLetter on 'dead_letters'.

    Never raises for a per-document failure. `isolate=True` runs extraction in a
    reusable child process so `timeout_s` is enforced even on Beam worker threads
    (see pipeline.extract.limits); without it the time limit applies only where
    SIGALRM can be used (the main thread).
    """

    def __init__(
        self,
        run_id: str,
        *,
        max_html_bytes: int = MAX_HTML_BYTES,
        timeout_s: float | None = 60.0,
        isolate: bool = False,
    ) -> None:
        self.run_id = run_id
        self.max_html_bytes = max_html_bytes
        self.timeout_s = timeout_s
        self.isolate = isolate
        self._runner: ChildProcessRunner | None = None
        self.extracted = Metrics.counter("extract", "articles")
        self.failed = Metrics.counter("extract", "dead_letters")
        self.words = Metrics.distribution("extract", "word_count")

    def setup(self) -> None:
        if self.isolate and self.timeout_s:
            self._runner = ChildProcessRunner(self.timeout_s)

    def teardown(self) -> None:
        if self._runner is not None:
            self._runner.close()
            self._runner = None

    def process(self, page: FetchedPage) -> Iterator[Any]:
        try:
            row = run_with_limits(
                extract_article, page, self.run_id,
                timeout_s=self.timeout_s, runner=self._runner, max_html_bytes=self.max_html_bytes,
            )
        except StageError as err:
            yield self._dead_letter(page, err.error_type, err.message)
            return
        except Exception as err:  # noqa: BLE001 — a bug on one page must not fail the bundle
            yield self._dead_letter(page, "internal_error", f"{type(err).__name__}: {err}"[:500])
            return
        self.extracted.inc()
        self.words.update(row["word_count"])
        yield row

    def _dead_letter(self, page: Any, error_type: str, message: str) -> beam.pvalue.TaggedOutput:
        self.failed.inc()
        Metrics.counter("extract", f"dead_letter_{error_type}").inc()
        if not isinstance(page, FetchedPage):  # a wiring bug upstream: still a dead letter, not a crash
            return beam.pvalue.TaggedOutput(
                DEAD_LETTERS,
                DeadLetter(stage="extract", url=repr(page)[:200], error_type=error_type, message=message),
            )
        return beam.pvalue.TaggedOutput(
            DEAD_LETTERS,
            DeadLetter(
                stage="extract",
                url=page.url,
                error_type=error_type,
                message=message,
                feed_url=page.item.feed_url,
                http_status=page.status,
                attempts=page.attempts,
            ),
        )


class ExtractArticles(beam.PTransform):
    """PCollection[FetchedPage] -> outputs `articles` (dicts) and `dead_letters` (DeadLetter)."""

    def __init__(
        self,
        run_id: str,
        *,
        max_html_bytes: int = MAX_HTML_BYTES,
        timeout_s: float | None = 60.0,
        isolate: bool = False,
        label: str | None = None,
    ) -> None:
        super().__init__(label)
        self.run_id = run_id
        self.max_html_bytes = max_html_bytes
        self.timeout_s = timeout_s
        self.isolate = isolate

    def expand(self, pages: beam.PCollection) -> beam.pvalue.DoOutputsTuple:
        return pages | "ExtractArticle" >> beam.ParDo(
            ExtractArticleFn(
                self.run_id, max_html_bytes=self.max_html_bytes, timeout_s=self.timeout_s, isolate=self.isolate
            )
        ).with_outputs(DEAD_LETTERS, main=ARTICLES)
