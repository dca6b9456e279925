"""The stack's limit on one core: extraction + enrichment in a plain loop.

    .venv/bin/python -m bench.bare_loop --articles 300 [--hosts 32] [--seed N] [--rendered DIR]

The same functions the pipeline's DoFns call (`extract_article`, then
`enrich_batch` in batches of the stage's size, with the same model, counts
module and word list), over the same generated pages, already in memory: no
Beam, no network, no Parquet, one process. Model loading is not timed.
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.corpus import CorpusSpec, pages_in_memory  # noqa: E402


def page_records(spec: CorpusSpec, count: int, rendered: Path | None = None) -> list[Any]:
    """FetchedPages for the first `count` articles, as the fetcher would build them."""
    from bench.corpus import LOOPBACK, ORIGIN_TOKEN, _page_file, article_path, make_header
    from pipeline.records import FeedItem, FetchedPage

    def origin_of(host: int) -> str:
        return f"http://{LOOPBACK}:{20000 + host}"

    fetched_at = datetime.now(timezone.utc)
    if rendered is None:
        triples = [(url, html, story.headline, story.published)
                   for url, html, story in pages_in_memory(spec, range(count), origin_of)]
    else:  # the very bytes the server sends
        triples = []
        for index in range(count):
            head = make_header(spec, index)
            origin = origin_of(spec.host_of(index))
            html = (Path(rendered) / _page_file(index)).read_bytes().replace(ORIGIN_TOKEN, origin.encode())
            triples.append((origin + article_path(head), html, head.headline, head.published))
    pages = []
    for url, html, title, published in triples:
        item = FeedItem(feed_url=url.rsplit("/", 4)[0] + "/feeds/latest-0.xml", link=url, title=title,
                        published=published)
        pages.append(FetchedPage(item=item, url=url, status=200, content_type="text/html; charset=utf-8",
                                 body=html, fetched_at=fetched_at, attempts=1))
    return pages


def run_bare_loop(pages: list[Any], spacy_model: str | None = None) -> dict[str, Any]:
    """Extract then enrich every page, as the stages do; returns timings."""
    from pipeline.enrich.entities import common_words
    from pipeline.enrich.model import DEFAULT_MODEL, load_nlp
    from pipeline.enrich.transforms import DEFAULT_BATCH_SIZE, _quantities_module, enrich_batch
    from pipeline.extract.article import extract_article
    from pipeline.records import DeadLetter, StageError

    from pipeline.enrich.geo.gazetteer import shared_gazetteer

    nlp = load_nlp(spacy_model or DEFAULT_MODEL)
    known, quantities, gazetteer = common_words(nlp), _quantities_module(), shared_gazetteer()  # as the stage does
    enrich_batch(nlp, [{"text": "Warm-up: 3 people in Paris.", "language": "en"}], quantities=quantities,
                 known_words=known)  # first-call costs (lazy init) are not the loop's
    cpu0, t0 = time.process_time(), time.perf_counter()
    rows, failed = [], 0
    for page in pages:
        try:
            rows.append(extract_article(page, "bare"))
        except StageError:
            failed += 1
    t1 = time.perf_counter()
    enriched = words = 0
    for start in range(0, len(rows), DEFAULT_BATCH_SIZE):
        for out in enrich_batch(nlp, rows[start:start + DEFAULT_BATCH_SIZE], quantities=quantities,
                                known_words=known, gazetteer=gazetteer):
            if not isinstance(out, DeadLetter):
                enriched += 1
                words += out["word_count"] or 0
    t2 = time.perf_counter()
    seconds = t2 - t0
    return {
        "pages": len(pages),
        "articles": enriched,
        "extract_failed": failed,
        "words": words,
        "seconds": round(seconds, 3),
        "cpu_seconds": round(time.process_time() - cpu0, 3),
        "extract_seconds": round(t1 - t0, 3),
        "enrich_seconds": round(t2 - t1, 3),
        "articles_per_s": round(enriched / seconds, 3) if seconds else None,
        "extract_pages_per_s": round(len(pages) / (t1 - t0), 2) if t1 > t0 else None,
        "enrich_words_per_s": round(words / (t2 - t1)) if t2 > t1 else None,
        "loadavg": [round(x, 2) for x in os.getloadavg()],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300, help="pages to run (the first N of the corpus)")
    parser.add_argument("--corpus-articles", type=int, default=None, help="N of the corpus spec (default: --articles)")
    parser.add_argument("--hosts", type=int, default=32)
    parser.add_argument("--seed", type=int, default=CorpusSpec(1).seed)
    parser.add_argument("--rendered", type=Path, default=None, help="a render_corpus folder to read pages from")
    parser.add_argument("--spacy-model", default=None)
    args = parser.parse_args(argv)
    spec = CorpusSpec(articles=args.corpus_articles or args.articles, hosts=args.hosts, seed=args.seed)
    pages = page_records(spec, min(args.articles, spec.articles), args.rendered)
    print(json.dumps(run_bare_loop(pages, args.spacy_model)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
