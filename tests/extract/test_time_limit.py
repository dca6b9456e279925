"""The extraction time limit holds where Beam calls process(): on worker threads, in worker processes.

A page that hangs the parser is played by `extract_or_hang`: extract_article, except that for one
marked page it first spins inside a single C call holding the GIL, as lxml/libxml2 can on a hostile
document. No thread and no SIGALRM handler can stop that call; only killing its process can.
"""

from __future__ import annotations

import itertools
import threading
import time
from typing import Any

import apache_beam as beam
import pytest
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from pipeline.extract.article import extract_article
from pipeline.extract.transforms import ExtractArticleFn, ExtractArticles
from pipeline.records import FetchedPage
from tests.extract.pages import WIRE_PAGE, make_page

TIMEOUT_S = 3.0
HANGING = make_page(WIRE_PAGE, url="https://www.example-news.com/world/this-page-hangs-the-parser")
GOOD = [make_page(WIRE_PAGE, url=f"https://www.example-news.com/world/story-{n}") for n in range(6)]
# About 1-2 minutes of spinning, 20-40x the limit: a limit that does not hold fails the test, and the
# failure cannot leave a core spinning for ever on a shared machine.
SPIN_STEPS = 2 * 10**10


def extract_or_hang(page: FetchedPage, run_id: str, **kwargs: Any) -> dict[str, Any]:
    """Module-level, so worker processes and the extraction child import it by name."""
    if page.url == HANGING.url:
        any(itertools.repeat(False, SPIN_STEPS))  # one C call: signal handlers wait until it returns
    return extract_article(page, run_id, **kwargs)


def test_dofn_on_a_worker_thread_stops_a_hang_and_goes_on_with_a_fresh_child():
    fn = ExtractArticleFn("run-9", timeout_s=TIMEOUT_S, extract_fn=extract_or_hang)
    outputs: list[Any] = []
    seconds: list[float] = []
    restarts: list[int] = []

    def work() -> None:  # like a Beam worker thread: SIGALRM cannot reach it
        fn.setup()
        try:
            for page in (HANGING, GOOD[0]):
                started = time.monotonic()
                outputs.extend(fn.process(page))
                seconds.append(time.monotonic() - started)
            restarts.append(fn._runner.restarts)
        finally:
            fn.teardown()

    worker = threading.Thread(target=work, name="beam-like-worker")
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive(), "the hang was not stopped"
    dead, row = outputs
    assert (dead.tag, dead.value.stage, dead.value.url, dead.value.error_type) == (
        "dead_letters", "extract", HANGING.url, "timeout")
    assert row["url"] == GOOD[0].url and row["title"].startswith("Iraq says talks")
    assert TIMEOUT_S <= seconds[0] < TIMEOUT_S + 5
    assert restarts == [2]  # the child started in setup(), killed at the limit, a fresh one for the next page


@pytest.mark.slow
def test_a_page_that_hangs_the_parser_is_dead_lettered_on_the_multiprocess_runner():
    # The runner `wirebeam run` picks by default on a machine with 2+ cores (pipeline/run.py).
    options = PipelineOptions(["--direct_num_workers=2", "--direct_running_mode=multi_processing"])
    pipeline = TestPipeline(runner="FnApiRunner", options=options)
    started = time.monotonic()
    with pipeline as p:
        outputs = (
            p
            | beam.Create([HANGING, *GOOD])
            | ExtractArticles("run-9", timeout_s=TIMEOUT_S, extract_fn=extract_or_hang)
        )
        assert_that(outputs.articles | "Urls" >> beam.Map(lambda row: (row["url"], row["run_id"])),
                    equal_to([(page.url, "run-9") for page in GOOD]), label="CheckArticles")
        assert_that(outputs.dead_letters | "Letters" >> beam.Map(lambda d: (d.stage, d.url, d.error_type)),
                    equal_to([("extract", HANGING.url, "timeout")]), label="CheckDeadLetters")
    elapsed = time.monotonic() - started
    # The limit plus slack for starting two SDK worker processes and their extraction children on a
    # busy 2-core machine; a limit that did not hold would take the whole spin (1-2 minutes).
    assert elapsed < TIMEOUT_S + 40, f"the run took {elapsed:.0f} s"
