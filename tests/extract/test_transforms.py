from __future__ import annotations

import apache_beam as beam
from apache_beam.metrics.metric import MetricsFilter
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from pipeline.extract.article import extract_article
from pipeline.extract.transforms import DEAD_LETTERS, ExtractArticleFn, ExtractArticles
from pipeline.records import DeadLetter
from tests.extract.pages import NAV_ONLY_PAGE, WIRE_PAGE, make_page

GOOD = make_page(WIRE_PAGE)
NAV = make_page(NAV_ONLY_PAGE, url="https://www.example-news.com/")
PDF = make_page(b"%PDF-1.7 binary", url="https://www.example-news.com/report.pdf")
HUGE = make_page(WIRE_PAGE + "<!--" + "x" * 6_000_000 + "-->", url="https://www.example-news.com/huge")


def run_fn(fn: ExtractArticleFn, page) -> list:
    fn.setup()
    try:
        return list(fn.process(page))
    finally:
        fn.teardown()


def test_dofn_yields_an_article_dict():
    (row,) = run_fn(ExtractArticleFn("run-7"), GOOD)
    assert isinstance(row, dict)
    assert row == extract_article(GOOD, "run-7")


def test_dofn_turns_failures_into_tagged_dead_letters():
    for page, error_type in ((NAV, "no_text"), (PDF, "not_html"), (HUGE, "too_large")):
        (out,) = run_fn(ExtractArticleFn("run-7"), page)
        assert isinstance(out, beam.pvalue.TaggedOutput)
        assert out.tag == DEAD_LETTERS
        letter = out.value
        assert isinstance(letter, DeadLetter)
        assert (letter.stage, letter.url, letter.error_type) == ("extract", page.url, error_type)
        assert letter.feed_url == page.item.feed_url and letter.message


def test_dofn_never_raises_on_unexpected_input():
    (out,) = run_fn(ExtractArticleFn("run-7"), make_page(GOOD.body, url="not a url at all"))
    assert out.tag == DEAD_LETTERS
    assert out.value.error_type == "bad_url"
    (out,) = run_fn(ExtractArticleFn("run-7"), {"not": "a FetchedPage"})
    assert out.tag == DEAD_LETTERS
    assert out.value.error_type == "internal_error"
    assert "AttributeError" in out.value.message


def test_dofn_isolated_in_a_child_process_by_default():
    fn = ExtractArticleFn("run-7", timeout_s=30)
    fn.setup()
    try:
        assert fn._runner is not None and fn._runner.restarts == 1  # started in setup(), not billed to a page
        (row,) = list(fn.process(GOOD))
        (dead,) = list(fn.process(NAV))
        assert fn._runner.restarts == 1
    finally:
        fn.teardown()
    assert row["title"].startswith("Iraq says talks")
    assert dead.value.error_type == "no_text"


def test_dofn_without_isolation_extracts_in_process():
    fn = ExtractArticleFn("run-7", isolate=False)
    (row,) = run_fn(fn, GOOD)
    assert fn._runner is None
    assert row == extract_article(GOOD, "run-7")


def test_pipeline_on_fnapirunner_splits_articles_and_dead_letters():
    expected_id = extract_article(GOOD, "run-8")["article_id"]
    pipeline = TestPipeline(runner="FnApiRunner")
    with pipeline as p:
        outputs = p | beam.Create([GOOD, NAV, PDF]) | ExtractArticles("run-8")
        assert_that(outputs.articles | "Ids" >> beam.Map(lambda r: (r["article_id"], r["run_id"])),
                    equal_to([(expected_id, "run-8")]), label="CheckArticles")
        assert_that(outputs.dead_letters | "Types" >> beam.Map(lambda d: (d.stage, d.error_type)),
                    equal_to([("extract", "no_text"), ("extract", "not_html")]), label="CheckDeadLetters")
    result = pipeline.result
    counters = {c.key.metric.name: c.committed for c in result.metrics().query(MetricsFilter().with_namespace("extract"))["counters"]}
    assert counters["articles"] == 1
    assert counters["dead_letters"] == 2
    assert counters["dead_letter_no_text"] == 1
