"""Body-extraction quality of `extract_article` on the article-extraction benchmark.

Metric (as in the Zyte/Scrapinghub benchmark): per page, the sets of word
4-grams (shingles) of the extracted text and of the ground truth, after
lower-casing, removing punctuation and splitting on whitespace; precision and
recall per page, averaged over pages; F1 from the two averages. "Exact" is the
share of pages whose token sequence equals the ground truth. An empty output
(including a dead letter) scores precision 0 and recall 0.

Data: ../shared/eval/extraction beside the project checkout (override with
--data or WIREBEAM_EVAL_DIR). The data is never copied into the project; when it
is absent the script says so and exits 0.

    .venv/bin/python bench/extraction_eval.py [--setting default|precision|recall|all] [--raw]

--raw scores trafilatura's text before wire-furniture removal, to see what the
furniture step costs or gains against the benchmark's ground truth.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.extract import article as article_mod  # noqa: E402
from pipeline.records import FeedItem, FetchedPage, StageError  # noqa: E402

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "eval" / "extraction"
_PUNCT_RE = re.compile(r"[^\w\s]", re.UNICODE)

SETTINGS = {
    "default": {"favor_precision": False, "favor_recall": False},
    "precision": {"favor_precision": True, "favor_recall": False},
    "recall": {"favor_precision": False, "favor_recall": True},
    "default-no-tables": {"favor_precision": False, "favor_recall": False, "include_tables": False},
    "precision-no-tables": {"favor_precision": True, "favor_recall": False, "include_tables": False},
}


def tokens(text: str) -> list[str]:
    return _PUNCT_RE.sub(" ", text.lower()).split()


def shingles(words: list[str], n: int = 4) -> set[tuple[str, ...]]:
    if len(words) < n:
        return {tuple(words)} if words else set()
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def score_page(predicted: str, truth: str) -> tuple[float, float, bool]:
    """(precision, recall, exact) for one page."""
    p_words, t_words = tokens(predicted), tokens(truth)
    p_set, t_set = shingles(p_words), shingles(t_words)
    if not p_set or not t_set:
        return 0.0, 0.0, p_words == t_words and bool(t_words)
    common = len(p_set & t_set)
    return common / len(p_set), common / len(t_set), p_words == t_words


def load_pages(data: Path) -> list[tuple[str, str, bytes, str]]:
    truth = json.loads((data / "ground-truth.json").read_text())
    pages = []
    for page_id, entry in sorted(truth.items()):
        path = data / "html" / f"{page_id}.html.gz"
        if path.exists():
            pages.append((page_id, entry.get("url") or f"https://example.invalid/{page_id}", gzip.decompress(path.read_bytes()), entry["articleBody"]))
    return pages


def predict(url: str, body: bytes, raw: bool) -> str:
    item = FeedItem(feed_url="https://example.invalid/feed", link=url)
    page = FetchedPage(item=item, url=url, status=200, content_type="text/html", body=body,
                       fetched_at=datetime.now(timezone.utc))
    if raw:
        html, _ = article_mod.decode_html(body, page.content_type)
        doc = article_mod.parse_html(html, url)
        return (doc.text or "") if doc is not None else ""
    row = article_mod.extract_article(page, "bench")
    return row["text"]


def evaluate(pages: list[tuple[str, str, bytes, str]], raw: bool) -> dict[str, float]:
    precisions, recalls, exact, failures = [], [], 0, 0
    start = time.perf_counter()
    for _page_id, url, body, truth in pages:
        try:
            predicted = predict(url, body, raw)
        except StageError:
            predicted, failures = "", failures + 1
        p, r, e = score_page(predicted, truth)
        precisions.append(p)
        recalls.append(r)
        exact += e
    elapsed = time.perf_counter() - start
    precision = sum(precisions) / len(pages)
    recall = sum(recalls) / len(pages)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"pages": len(pages), "precision": precision, "recall": recall, "f1": f1,
            "exact": exact / len(pages), "failures": failures, "pages_per_s": len(pages) / elapsed}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("WIREBEAM_EVAL_DIR", DEFAULT_DATA)))
    parser.add_argument("--setting", choices=[*SETTINGS, "current", "all"], default="current")
    parser.add_argument("--raw", action="store_true", help="score trafilatura text before furniture removal")
    args = parser.parse_args()
    if not (args.data / "ground-truth.json").exists():
        print(f"SKIP: extraction eval data not found at {args.data} (set --data or WIREBEAM_EVAL_DIR)")
        return 0
    pages = load_pages(args.data)
    names = list(SETTINGS) if args.setting == "all" else [args.setting]
    baseline = dict(article_mod.EXTRACTION_OPTIONS)
    print(f"{'setting':<20} {'pages':>5} {'prec':>6} {'recall':>6} {'F1':>6} {'exact':>6} {'fail':>4} {'pages/s':>8}")
    for name in names:
        article_mod.EXTRACTION_OPTIONS = {**baseline, **SETTINGS.get(name, {})}
        result = evaluate(pages, args.raw)
        print(f"{name:<20} {result['pages']:>5} {result['precision']:>6.3f} {result['recall']:>6.3f} "
              f"{result['f1']:>6.3f} {result['exact']:>6.3f} {result['failures']:>4} {result['pages_per_s']:>8.1f}")
    article_mod.EXTRACTION_OPTIONS = baseline
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
