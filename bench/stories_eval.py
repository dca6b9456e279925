"""Story fingerprint accuracy on the labelled pairs (issue 12), and its cost per article.

Makes the pairs (bench/stories_pairs.py), signs every article with pipeline/stories/fingerprint.py,
and prints, for the development and the held-out split apart: pairwise precision and recall of
"same story" at the threshold in use, a table across thresholds, the errors by kind of pair, and
the LSH candidate recall (same-story pairs sharing at least one band key) with the share of
different-story pairs that become candidates. --ablate compares the measures and shingle sizes
the method was chosen from; --timing signs a 600-word text in a loop.

    .venv/bin/python bench/stories_eval.py [--ablate] [--timing]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Callable, NamedTuple

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.stories_pairs import Pair, make_pairs  # noqa: E402
from pipeline.stories import fingerprint as fp  # noqa: E402

TARGET_PRECISION = 0.97
TARGET_RECALL = 0.95
TARGET_CANDIDATE_RECALL = 0.99


class Scored(NamedTuple):
    pair: Pair
    sim: fp.Similarity
    score: float
    candidate: bool


class Result(NamedTuple):
    precision: float
    recall: float
    candidate_recall: float
    candidate_rate_different: float
    missed: Counter
    merged: Counter


def score_pairs(pairs: list[Pair], score: Callable[[fp.Signature, fp.Signature], float] | None = None) -> list[Scored]:
    score = score or fp.story_score
    cache: dict[str, tuple[fp.Signature, set[str]]] = {}

    def sign(text: str) -> tuple[fp.Signature, set[str]]:
        if text not in cache:
            sig = fp.signature(text)
            cache[text] = (sig, set(fp.band_keys(sig)))
        return cache[text]

    out = []
    for pair in pairs:
        (sa, ka), (sb, kb) = sign(pair.a.text), sign(pair.b.text)
        out.append(Scored(pair, fp.similarity(sa, sb), score(sa, sb), bool(ka & kb)))
    return out


def result(scored: list[Scored], threshold: float) -> Result:
    same = [s for s in scored if s.pair.same]
    diff = [s for s in scored if not s.pair.same]
    tp = sum(s.score >= threshold for s in same)
    fp_ = sum(s.score >= threshold for s in diff)
    return Result(
        precision=tp / (tp + fp_) if tp + fp_ else 1.0,
        recall=tp / len(same) if same else 1.0,
        candidate_recall=sum(s.candidate for s in same) / len(same) if same else 1.0,
        candidate_rate_different=sum(s.candidate for s in diff) / len(diff) if diff else 0.0,
        missed=Counter(s.pair.kind for s in same if s.score < threshold),
        merged=Counter(s.pair.kind for s in diff if s.score >= threshold),
    )


def report(name: str, scored: list[Scored], threshold: float) -> Result:
    r = result(scored, threshold)
    n_same = sum(s.pair.same for s in scored)
    bases = {i for s in scored for i in s.pair.ids}
    print(f"\n== {name}: {len(scored)} pairs ({n_same} same, {len(scored) - n_same} different) over {len(bases)} base texts")
    print(f"threshold {threshold:.2f}: precision {r.precision:.3f}  recall {r.recall:.3f}   "
          f"(targets {TARGET_PRECISION} / {TARGET_RECALL})")
    print(f"LSH candidate recall {r.candidate_recall:.3f} (target {TARGET_CANDIDATE_RECALL}); "
          f"different-story pairs that are candidates: {r.candidate_rate_different:.3f}")
    print("threshold  precision  recall")
    for t in (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7):
        x = result(scored, t)
        print(f"  {t:5.2f}     {x.precision:.3f}    {x.recall:.3f}")
    kinds = Counter(s.pair.kind for s in scored)
    print("missed same-story pairs by kind: " + (", ".join(f"{k} {v}/{kinds[k]}" for k, v in r.missed.most_common()) or "none"))
    print("merged different-story pairs by kind: " + (", ".join(f"{k} {v}/{kinds[k]}" for k, v in r.merged.most_common()) or "none"))
    print("median lead / body Jaccard / containment / score by kind:")
    for kind in sorted(kinds):
        rows = sorted((s for s in scored if s.pair.kind == kind), key=lambda s: s.score)
        mid = rows[len(rows) // 2]
        worst = rows[0] if rows[0].pair.same else rows[-1]
        print(f"  {kind:15s} n={len(rows):3d}  median {mid.sim.lead:.2f} {mid.sim.body:.2f} {mid.sim.containment:.2f} "
              f"{mid.score:.2f}   worst {worst.score:.2f} ({worst.pair.ids[0]} / {worst.pair.ids[1]})")
    return r


MEASURES: dict[str, Callable[[fp.Similarity], float]] = {
    "body Jaccard": lambda s: s.body,
    "containment": lambda s: s.containment,
    "lead containment": lambda s: s.lead,
    "min(lead, containment)": lambda s: min(s.lead, s.containment),
}


def separation(scored: list[Scored], measure: Callable[[fp.Similarity], float]) -> tuple[float, float]:
    """(2nd-percentile same-story score, highest different-story score): a wide gap is robust."""
    same = sorted(measure(s.sim) for s in scored if s.pair.same)
    diff = [measure(s.sim) for s in scored if not s.pair.same]
    return same[len(same) // 50], max(diff)


def ablate(pairs: list[Pair]) -> None:
    print("\n== ablation on dev: 2nd-percentile same-story score / highest different-story score")
    saved = (fp.SHINGLE, fp.LEAD_WORDS)
    measures = dict(MEASURES, **{"max(min(lead, containment), body J)": lambda s: max(min(s.lead, s.containment), s.body)})
    for n in (2, 3, 4, 5):
        for lead in (40, 60, 100):
            fp.SHINGLE, fp.LEAD_WORDS = n, lead
            scored = score_pairs(pairs)
            cells = [f"{name} {lo:.2f}/{hi:.2f}" for name, m in measures.items() for lo, hi in [separation(scored, m)]]
            print(f"  n={n} lead={lead:3d}: " + " | ".join(cells))
    fp.SHINGLE, fp.LEAD_WORDS = saved


def timing(pairs: list[Pair], loops: int = 200) -> None:
    long = next(p.a.text for p in pairs if len(p.a.text.split()) > 900)
    text = " ".join(long.split()[:600])
    fp.signature(text)
    start = time.perf_counter()
    for _ in range(loops):
        fp.words(text)
    mid = time.perf_counter()
    for _ in range(loops):
        fp.signature(text)
    end = time.perf_counter()
    sig = fp.signature(text)
    print(f"\n== cost per 600-word article: normalise {1000 * (mid - start) / loops:.2f} ms, "
          f"normalise + sign {1000 * (end - mid) / loops:.2f} ms; "
          f"{len(fp.to_bytes(sig))} bytes serialised, {len(fp.band_keys(sig))} band keys")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ablate", action="store_true", help="compare measures and shingle sizes on dev")
    parser.add_argument("--timing", action="store_true", help="time normalising and signing a 600-word text")
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args(argv)
    dev, held = make_pairs("dev", args.seed), make_pairs("heldout", args.seed)
    ok = True
    for name, pairs in (("dev", dev), ("held-out", held)):
        r = report(name, score_pairs(pairs), fp.THRESHOLD)
        ok &= r.precision >= TARGET_PRECISION and r.recall >= TARGET_RECALL and r.candidate_recall >= TARGET_CANDIDATE_RECALL
    if args.ablate:
        ablate(dev)
    if args.timing:
        timing(dev)
    print("\ntargets met" if ok else "\ntargets NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
