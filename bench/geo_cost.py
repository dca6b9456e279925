"""What the places step costs inside enrichment (issue 13: at most 5 % of the enrichment time).

Enriches wire-style pages (the throughput bench's generated corpus: 600-900 words, datelines, places,
counts) and the bundled sample's pages with `enrich_batch` as the stage runs it, then runs the places
step alone (`place_columns`) on the same rows, and prints both times and the share; and the gazetteer's
load time and the memory it adds to a process.

    .venv/bin/python bench/geo_cost.py [--articles 200]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.bare_loop import page_records  # noqa: E402
from bench.corpus import CorpusSpec  # noqa: E402


def rss_mib() -> float:
    """The process's resident memory now (Linux)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def sample_pages() -> list:
    from tests.enrich.test_sample_counts import ARTICLES, _page

    return [_page(a) for a in ARTICLES]


def measure(name: str, pages: list, nlp, known, quantities, gaz) -> None:
    from pipeline.enrich.geo.attach import place_columns
    from pipeline.enrich.transforms import DEFAULT_BATCH_SIZE, enrich_batch
    from pipeline.extract.article import extract_article
    from pipeline.records import DeadLetter

    rows = [extract_article(p, "geo-cost") for p in pages]
    t0 = time.perf_counter()
    enriched = []
    for start in range(0, len(rows), DEFAULT_BATCH_SIZE):
        enriched += [r for r in enrich_batch(nlp, rows[start:start + DEFAULT_BATCH_SIZE], quantities=quantities,
                                             known_words=known, gazetteer=gaz) if not isinstance(r, DeadLetter)]
    enrich_s = time.perf_counter() - t0
    read = [r for r in enriched if r["entities"]]
    t1 = time.perf_counter()
    for r in read:
        place_columns(r, r["entities"], r["entity_summary"], r["quantities"], gaz)
    places_s = time.perf_counter() - t1
    words = sum(r["word_count"] or 0 for r in read)
    print(f"{name}: {len(read)} articles, {words:,} words: enrichment {enrich_s:.2f} s "
          f"({1000 * enrich_s / max(len(read), 1):.0f} ms/article), places step {places_s:.3f} s "
          f"({1000 * places_s / max(len(read), 1):.2f} ms/article) = {places_s / enrich_s:.1%} of enrichment")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=200)
    args = ap.parse_args()
    from pipeline.enrich.entities import common_words
    from pipeline.enrich.geo.gazetteer import cache_path, load
    from pipeline.enrich.model import load_nlp
    from pipeline.enrich.transforms import _quantities_module

    if not cache_path().exists():  # a first run on this machine builds the cache: not the cost measured here
        subprocess.run([sys.executable, "-m", "pipeline.enrich.geo.gazetteer"], check=True)
    rss0, peak0 = rss_mib(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t = time.perf_counter()
    gaz = load()
    load_s = time.perf_counter() - t
    rss1, peak1 = rss_mib(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"gazetteer: {len(gaz):,} places; load {load_s:.2f} s from {cache_path()}; arrays {gaz.nbytes / 2**20:.1f} MiB; "
          f"the process's RSS +{rss1 - rss0:.0f} MiB (peak +{peak1 - peak0:.0f} MiB while loading)")
    nlp = load_nlp()
    known, quantities = common_words(nlp), _quantities_module()
    measure("wire-style corpus", page_records(CorpusSpec(articles=args.articles), args.articles),
            nlp, known, quantities, gaz)
    measure("bundled sample", sample_pages(), nlp, known, quantities, gaz)
    return 0


if __name__ == "__main__":
    sys.exit(main())
