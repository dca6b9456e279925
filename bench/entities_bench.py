"""Entities stage: quality on the project's annotated fixtures, and speed next to bare spaCy.

    .venv/bin/python bench/entities_bench.py [--model NAME] [--repeat 3] [--sentences]

Quality: per-label precision/recall/F1 (exact span and label) on
tests/enrich/fixtures/entities_gold.jsonl (26 wire paragraphs, the development
set) and entities_heldout.jsonl (10 more, annotated before any run), for the model's raw entities and
after the stage's within-article canonicalisation; plus canonical-name accuracy.

Speed: words per second of
  bare        for doc in nlp.pipe(texts): pass           (same nlp, same components)
  entities    the stage's enrich_batch, entities only
  full        the stage's enrich_batch, entities + quantities (what the DoFn runs)
  per-item    the stage fed one article at a time (no batching), to show why it batches
  beam        EnrichArticles in a Beam pipeline on the FnApiRunner (model load excluded)
over the fixture texts repeated to a useful size and, when ../shared/eval is
present beside the checkout, real news bodies from its extraction benchmark.
Runs alternate and the best of --repeat is kept (other processes share the CPU).
With --sentences it also compares senter / sentencizer for sentence boundaries.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.enrich.entities import (  # noqa: E402
    ENTITY_LABELS,
    common_words,
    entities_from_doc,
    mentions_from_doc,
)
from pipeline.enrich.entity_eval import load_gold, score_mentions  # noqa: E402
from pipeline.enrich.model import DEFAULT_MODEL, load_nlp  # noqa: E402  (registers wirebeam_paragraph_breaks)
from pipeline.enrich.transforms import _quantities_module, enrich_batch  # noqa: E402

GOLD = ROOT / "tests" / "enrich" / "fixtures" / "entities_gold.jsonl"
HELDOUT = ROOT / "tests" / "enrich" / "fixtures" / "entities_heldout.jsonl"
EVAL_EXTRACTION = ROOT.parent / "shared" / "eval" / "extraction" / "ground-truth.json"


# ------------------------------------------------------------------- quality


def quality(nlp, gold_path: Path, note: str) -> None:
    gold = load_gold(gold_path)
    known = common_words(nlp)
    docs = list(nlp.pipe([g.record["text"] for g in gold]))
    raw, ours, truth = [], [], []
    canon_ok = canon_total = 0
    for g, doc in zip(gold, docs):
        raw.append([(m.start, m.end, m.label) for m in mentions_from_doc(doc, ENTITY_LABELS)])
        ents = entities_from_doc(doc, byline=g.record.get("byline"), credits=g.record.get("credits"), known_words=known)
        ours.append([(e["start"], e["end"], e["label"]) for e in ents])
        truth.append([(m.start, m.end, m.label) for m in g.mentions])
        predicted = {(e["start"], e["end"]): e["canonical"] for e in ents}
        for m in g.mentions:
            if (m.start, m.end) in predicted:
                canon_total += 1
                canon_ok += predicted[(m.start, m.end)] == m.canonical
    print(f"\n## Quality on {gold_path.name} ({note}): {len(gold)} articles, {sum(len(t) for t in truth)} gold mentions")
    print("exact span + label; 'raw' = model entities (trimmed), 'stage' = after canonicalisation\n")
    raw_s, our_s = score_mentions(raw, truth), score_mentions(ours, truth)
    print(f"{'label':8} {'gold':>5} | {'raw P':>6} {'R':>5} {'F1':>5} | {'stage P':>7} {'R':>5} {'F1':>5}")
    for label in sorted(set(our_s) | set(raw_s), key=lambda x: (x == "ALL", x)):
        r, o = raw_s.get(label), our_s.get(label)
        n = (o.tp + o.fn) if o else (r.tp + r.fn)
        cells = [f"{s.precision:6.2f} {s.recall:5.2f} {s.f1:5.2f}" if s else f"{'-':>6} {'-':>5} {'-':>5}" for s in (r, o)]
        print(f"{label:8} {n:5d} | {cells[0]} | {' ' if o else ''}{cells[1]}")
    print(f"\ncanonical name right for {canon_ok}/{canon_total} gold mentions the stage found "
          f"({canon_ok / max(canon_total, 1):.1%})")


# --------------------------------------------------------------------- speed


def corpus(min_words: int) -> tuple[str, list[str]]:
    texts = [g.record["text"] for g in load_gold(GOLD)]
    fixture = texts * max(1, min_words // sum(len(t.split()) for t in texts) + 1)
    yield "fixtures (repeated)", fixture
    if EVAL_EXTRACTION.exists():
        bodies = [v["articleBody"] for v in json.loads(EVAL_EXTRACTION.read_text()).values() if v.get("articleBody")]
        yield f"news bodies ({EVAL_EXTRACTION.parent.name} eval set)", bodies


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def beam_run(articles: list[dict], model: str, batch_size: int) -> float:
    """Seconds of the enrich step in a Beam pipeline, model already loaded (process-shared)."""
    import apache_beam as beam
    from apache_beam.testing.test_pipeline import TestPipeline

    from pipeline.enrich.transforms import EnrichArticles

    def run(items: list[dict]) -> None:
        with TestPipeline(runner="FnApiRunner") as p:
            _ = p | beam.Create(items) | EnrichArticles(model, batch_size=batch_size)

    run(articles[:2])  # pays the model load once; Shared keeps it for the next run
    # subtract the fixed cost of building and starting a pipeline
    empty, _ = timed(lambda: run(articles[:1]))
    full, _ = timed(lambda: run(articles))
    return max(full - empty, 1e-9)


def speed(nlp, model: str, repeat: int, batch_size: int, min_words: int, with_beam: bool) -> None:
    quantities = _quantities_module()
    known = common_words(nlp)
    print(f"\n## Speed: pipeline {nlp.pipe_names}, nlp.pipe batch {batch_size}, best of {repeat}")
    for name, texts in corpus(min_words):
        words = sum(len(t.split()) for t in texts)
        articles = [{"url": f"u{i}", "language": "en", "text": t} for i, t in enumerate(texts)]
        batches = [articles[i : i + batch_size] for i in range(0, len(articles), batch_size)]

        def bare():
            for _ in nlp.pipe(texts, batch_size=batch_size):
                pass

        def stage(q):
            def go():
                for batch in batches:
                    for _ in enrich_batch(nlp, batch, batch_size=batch_size, quantities=q, known_words=known):
                        pass
            return go

        def per_item():
            for a in articles:
                for _ in enrich_batch(nlp, [a], quantities=None, known_words=known):
                    pass

        runs = {"bare nlp.pipe": bare, "entities stage": stage(None), "entities+quantities": stage(quantities),
                "entities, 1 per call": per_item}
        bare()  # warm up
        best: dict[str, tuple[float, float]] = {}
        for _ in range(repeat):
            for label, fn in runs.items():
                w, c = timed(fn)
                b = best.get(label, (float("inf"), float("inf")))
                best[label] = (min(b[0], w), min(b[1], c))
        print(f"\n{name}: {len(texts)} texts, {words} words")
        print(f"{'':24} {'words/s wall':>13} {'words/CPU-s':>12} {'vs bare (CPU)':>14}")
        bare_cpu = best["bare nlp.pipe"][1]
        for label, (w, c) in best.items():
            print(f"{label:24} {words / w:13.0f} {words / c:12.0f} {bare_cpu / c:14.2f}")
        # The runs above share the CPU with whatever else runs here, so their
        # ratio is noisy. Steadier: time the stage's own work on ready Docs and
        # add it to the bare nlp time (the stage = one nlp.pipe + this work).
        docs = list(nlp.pipe(texts, batch_size=batch_size))
        ents = [entities_from_doc(d, known_words=known) for d in docs]
        post_e = post_q = float("inf")
        for _ in range(repeat):
            post_e = min(post_e, timed(lambda: [entities_from_doc(d, known_words=known) for d in docs])[1])
            if quantities is not None:
                post_q = min(post_q, timed(
                    lambda: [quantities.rollup_event_counts(quantities.extract_quantities(d, e))
                             for d, e in zip(docs, ents)])[1])
        print(f"decomposed: entity rules {post_e:.2f} CPU-s = {post_e / bare_cpu:.1%} of nlp -> entities stage "
              f"{bare_cpu / (bare_cpu + post_e):.3f} x bare", end="")
        if quantities is not None:
            print(f"; quantity rules {post_q:.2f} CPU-s = {post_q / bare_cpu:.1%} -> entities+quantities "
                  f"{bare_cpu / (bare_cpu + post_e + post_q):.3f} x bare")
        else:
            print()
        if with_beam:
            secs = min(beam_run(articles, model, batch_size) for _ in range(max(1, repeat - 1)))
            print(f"{'beam FnApiRunner (full)':24} {words / secs:13.0f} {'':>12} "
                  f"{best['bare nlp.pipe'][0] / secs:14.2f} (wall)")


# ---------------------------------------------------------------- sentences


def sentences(model: str, repeat: int, min_words: int) -> None:
    """senter vs sentencizer, with and without the line-break rule: agreement with the parser, speed."""
    import spacy

    def starts(doc, line_breaks: bool) -> set[int]:
        firsts = [s.start for s in doc.sents]
        if line_breaks:  # the reference: parser boundaries, and every line break
            firsts += [t.i + 1 for t in doc if "\n" in t.text_with_ws]
        out = set()
        for i in firsts:
            while i < len(doc) and doc[i].is_space:
                i += 1
            if i < len(doc):
                out.add(doc[i].idx)
        return out

    print("\n## Sentence boundaries (reference: the dependency parser's, plus every line break)")
    parser = spacy.load(model)
    for name, texts in corpus(min_words):
        ref = [starts(d, True) for d in parser.pipe(texts)]
        words = sum(len(t.split()) for t in texts)
        variants = {}
        for kind in ("senter", "senter+breaks", "sentencizer", "sentencizer+breaks"):
            nlp = spacy.load(model, disable=["parser", "senter"])
            seg = kind.split("+")[0]
            if seg == "senter":
                nlp.enable_pipe("senter")
            else:
                nlp.add_pipe("sentencizer", before="ner")
            if kind.endswith("+breaks"):
                nlp.add_pipe("wirebeam_paragraph_breaks", after=seg)
            variants[kind] = nlp
        print(f"\n{name}: {words} words")
        best = {k: float("inf") for k in variants}
        for _ in range(repeat):
            for kind, nlp in variants.items():
                _, c = timed(lambda: list(nlp.pipe(texts)))
                best[kind] = min(best[kind], c)
        for kind, nlp in variants.items():
            tp = fp = fn = 0
            for doc, r in zip(nlp.pipe(texts), ref):
                s = starts(doc, False)
                tp, fp, fn = tp + len(s & r), fp + len(s - r), fn + len(r - s)
            p, rc = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
            print(f"{kind:20} P {p:.3f} R {rc:.3f} F1 {2 * p * rc / max(p + rc, 1e-9):.3f}   "
                  f"{words / best[kind]:6.0f} words/CPU-s (whole pipeline)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default=DEFAULT_MODEL)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--min-words", type=int, default=20_000, help="repeat the fixtures to at least this many words")
    ap.add_argument("--no-beam", action="store_true", help="skip the Beam pipeline timing")
    ap.add_argument("--sentences", action="store_true", help="also compare senter and sentencizer")
    args = ap.parse_args()
    nlp = load_nlp(args.model)
    quality(nlp, GOLD, "development set: the rules were tuned on it")
    quality(nlp, HELDOUT, "held out: annotated before the stage ever ran on it")
    speed(nlp, args.model, args.repeat, args.batch_size, args.min_words, not args.no_beam)
    if args.sentences:
        sentences(args.model, args.repeat, args.min_words)


if __name__ == "__main__":
    main()
