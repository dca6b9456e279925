"""Beam wrappers: FetchedPage -> article rows, failures -> dead letters."""

from __future__ import annotations

from collections.abc import Callable, Iterator
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

    Never raises for a per-document failure. By default extraction runs in one
    reusable child process per DoFn instance, started in setup(), so `timeout_s`
    holds on Beam worker threads too (see pipeline.extract.limits): a page over
    the limit becomes an `extract:timeout` dead letter and the next page gets a
    fresh child. `isolate=False` falls back to SIGALRM, which can only fire when
    process() runs on the main thread (the in-process runner), and never stops
    one long C call.

    `extract_fn` is `extract_article` unless a test swaps in another module-level
    (picklable, importable) function with the same signature.
    """

    def __init__(
        self,
        run_id: str,
        *,
        max_html_bytes: int = MAX_HTML_BYTES,
        timeout_s: float | None = 60.0,
        isolate: bool = True,
        extract_fn: Callable[..., dict[str, Any]] = extract_article,
    ) -> None:
        self.run_id = run_id
        self.max_html_bytes = max_html_bytes
        self.timeout_s = timeout_s
        self.isolate = isolate
        self.extract_fn = extract_fn
        self._runner: ChildProcessRunner | None = None
        self.extracted = Metrics.counter("extract", "articles")
        self.failed = Metrics.counter("extract", "dead_letters")
        self.words = Metrics.distribution("extract", "word_count")

    def setup(self) -> None:
        if self.isolate and self.timeout_s:
            # The child imports only the extraction function's module; started here so no page pays for it.
            self._runner = ChildProcessRunner(self.timeout_s, preload=(self.extract_fn.__module__,))
            self._runner.start()

    def teardown(self) -> None:
        if self._runner is not None:
            self._runner.close()
            self._runner = None

    def process(self, page: FetchedPage) -> Iterator[Any]:
        try:
            row = run_with_limits(
                self.extract_fn, page, self.run_id,
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
        isolate: bool = True,
        extract_fn: Callable[..., dict[str, Any]] = extract_article,
        label: str | None = None,
    ) -> None:
        super().__init__(label)
        self.run_id = run_id
        self.max_html_bytes = max_html_bytes
        self.timeout_s = timeout_s
        self.isolate = isolate
        self.extract_fn = extract_fn

    def expand(self, pages: beam.PCollection) -> beam.pvalue.DoOutputsTuple:
        return pages | "ExtractArticle" >> beam.ParDo(
            ExtractArticleFn(
                self.run_id, max_html_bytes=self.max_html_bytes, timeout_s=self.timeout_s, isolate=self.isolate,
                extract_fn=self.extract_fn,
            )
        ).with_outputs(DEAD_LETTERS, main=ARTICLES)
