"""Accuracy of the article count rollup on the development press releases.

Reads ../shared/eval/numbers/press_releases.jsonl (beside the checkout; or --data PATH),
runs load_nlp + extract_quantities + rollup_event_counts over every text, and prints the
exact-match accuracy of the rollup `low` for killed (vs labels.min_killed) and detained
(vs labels.min_captured) -- a missing category counts as 0 --, the confusions, the ids of
the worst misses, and the time extract_quantities takes relative to nlp.pipe.

The data is an outside yardstick: it is never copied into the repository. When the folder
is absent the script says so and exits 0.

    .venv/bin/python bench/numbers_eval.py [--data PATH] [--parser] [--show N]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "eval" / "numbers" / "press_releases.jsonl"
sys.path.insert(0, str(REPO))

# (rollup category, gold label field)
FIELDS = (("killed", "min_killed"), ("detained", "min_captured"))


def rollup_low(rollup: list[dict], category: str) -> int:
    """The rollup's lower bound for a category; a missing category (or open low) counts as 0."""
    for row in rollup:
        if row["category"] == category:
            return int(row["low"] or 0)
    return 0


def score(gold: list[int], predicted: list[int]) -> float:
    return sum(g == p for g, p in zip(gold, predicted)) / len(gold) if gold else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="press_releases.jsonl (or its folder)")
    parser.add_argument("--parser", action="store_true", help="run the dependency parser too")
    parser.add_argument("--show", type=int, default=10, help="worst misses to list per field")
    args = parser.parse_args(argv)
    path = args.data / "press_releases.jsonl" if args.data.is_dir() else args.data
    if not path.exists():
        print(f"numbers_eval: skipped -- no development data at {path} "
              f"(it lives outside the repository, in ../shared/eval/numbers/).")
        return 0

    from pipeline.enrich.model import load_nlp
    from pipeline.enrich.quantities import extract_quantities, rollup_event_counts

    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]
    nlp = load_nlp(with_parser=args.parser)
    texts = [r["text"] for r in rows]
    list(nlp.pipe(texts[:5]))  # warm-up, not timed

    t0 = time.perf_counter()
    docs = list(nlp.pipe(texts))
    t_nlp = time.perf_counter() - t0
    t0 = time.perf_counter()
    all_quantities = [extract_quantities(doc) for doc in docs]
    t_rules = time.perf_counter() - t0
    rollups = [rollup_event_counts(qs) for qs in all_quantities]

    print(f"{len(rows)} press releases from {path}  (parser: {'on' if args.parser else 'off'})")
    for category, label in FIELDS:
        gold = [int(r["labels"].get(label) or 0) for r in rows]
        pred = [rollup_low(ru, category) for ru in rollups]
        acc = score(gold, pred)
        print(f"\n{category:9s} vs {label:13s} exact-match accuracy {acc:.3f}"
              f"   (all-zero answer: {score(gold, [0] * len(gold)):.3f})")
        confusion = Counter((g, p) for g, p in zip(gold, pred) if g != p)
        print("  confusions (gold -> predicted: releases):",
              ", ".join(f"{g}->{p}: {n}" for (g, p), n in confusion.most_common()) or "none")
        misses = sorted(((abs(g - p), r["id"], g, p) for r, g, p in zip(rows, gold, pred) if g != p), reverse=True)
        print("  worst misses (id gold pred):", " ".join(f"{i}:{g}/{p}" for _, i, g, p in misses[:args.show]))
    share = t_rules / t_nlp if t_nlp else 0.0
    print(f"\ntime: nlp.pipe {t_nlp:.2f}s, extract_quantities {t_rules:.3f}s = {share:.1%} of nlp.pipe")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
