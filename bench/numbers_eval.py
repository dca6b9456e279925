"""Accuracy of the article count rollup on the development sets.

Three yardsticks, each scored as exact-match accuracy of the rollup `low` (a missing
category counts as 0), with the all-zero answer beside it:

- press releases (../shared/eval/numbers/press_releases.jsonl): killed vs labels.min_killed,
  detained vs labels.min_captured;
- US local shooting reports (../shared/eval/numbers/gun_violence.jsonl): killed and
  wounded vs the incident's Gun Violence Archive `killed` / `injured`, over all rows and over
  incidents reported by one article (`n_articles_in_incident == 1`, where the article is the
  whole record; an early report of a larger incident may predate its final toll);
- the project's wire sentence suite (bench/data/numbers/wire_suite_dev.yaml and the held-out
  wire_suite_heldout.yaml): every expected category of every item, and the share of items
  right in full.

The outside data is never copied into the repository; when it is absent its section says so
and is skipped (exit 0). The suite lives in the repository and always runs.

    .venv/bin/python bench/numbers_eval.py [--data DIR] [--parser] [--show N] [--only press,gun,suite]
                                            [--heldout] [--explain N]

The suite's held-out part runs only with --heldout: it is for a final reading after a change,
never for tuning (a part looked at while writing rules stops being held out).

`--explain N` prints, for up to N missed rows per field (single-article rows for the shooting
reports), the row's opening words and every people count that reached the rollup, with its
trigger, qualifier and scope: the evidence for grouping misses by cause before changing a rule.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "eval" / "numbers"
SUITE_DIR = REPO / "bench" / "data" / "numbers"
sys.path.insert(0, str(REPO))

# (rollup category, gold label field)
PRESS_FIELDS = (("killed", "min_killed"), ("detained", "min_captured"))
GUN_FIELDS = (("killed", "killed"), ("wounded", "injured"))


def rollup_low(rollup: list[dict], category: str) -> int:
    """The rollup's lower bound for a category's incident; a missing category (or open low) counts as 0."""
    for row in rollup:
        if row["category"] == category and row.get("scope", "incident") == "incident":
            return int(row["low"] or 0)
    return 0


def score(gold: list[int], predicted: list[int]) -> float:
    return sum(g == p for g, p in zip(gold, predicted)) / len(gold) if gold else 0.0


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]


def explain_misses(name: str, gold: list[int], pred: list[int], ids: list[str], texts: list[str],
                   quantities: list[list[dict]], limit: int) -> None:
    """Each missed row: id, gold/predicted, its opening words and the people counts the rollup read."""
    category = name.split()[0]
    misses = [k for k, (g, p) in enumerate(zip(gold, pred)) if g != p][:limit]
    for k in misses:
        opening = " ".join(texts[k].split())[:160]
        print(f"    - {ids[k]}: {category} gold {gold[k]}, predicted {pred[k]} | {opening}")
        for q in quantities[k]:
            if q["category"] in PEOPLE:
                flags = "".join(f" {f}" for f in ("negated", "hypothetical") if q[f])
                print(f"        {q['category']:9s} {q['text'][:50]!r} low={q['low']} trigger={q['trigger']!r}"
                      f" qualifier={q['qualifier']!r} scope={q['scope']}{flags}")


def report_field(name: str, gold: list[int], pred: list[int], ids: list[str], show: int) -> None:
    """One line of accuracy (and the all-zero answer), then the confusions and the worst misses."""
    print(f"  {name:34s} exact match {score(gold, pred):.3f}   (all-zero answer {score(gold, [0] * len(gold)):.3f},"
          f" n={len(gold)})")
    if show <= 0:
        return
    confusion = Counter((g, p) for g, p in zip(gold, pred) if g != p)
    print("    confusions (gold -> predicted: n):",
          ", ".join(f"{g}->{p}: {n}" for (g, p), n in confusion.most_common(12)) or "none")
    misses = sorted(((abs(g - p), i, g, p) for i, g, p in zip(ids, gold, pred) if g != p), reverse=True)
    print("    worst misses (id gold/pred):", " ".join(f"{i}:{g}/{p}" for _, i, g, p in misses[:show]))


class Reader:
    """spaCy once per text, the rules timed apart from it."""

    def __init__(self, parser: bool) -> None:
        from pipeline.enrich.model import load_nlp
        from pipeline.enrich.quantities import extract_quantities, rollup_event_counts

        self.nlp = load_nlp(with_parser=parser)
        self.extract: Callable = extract_quantities
        self.rollup: Callable = rollup_event_counts
        self.t_nlp = 0.0
        self.t_rules = 0.0

    def rollups(self, texts: list[str]) -> list[list[dict]]:
        t0 = time.perf_counter()
        docs = list(self.nlp.pipe(texts))
        self.t_nlp += time.perf_counter() - t0
        t0 = time.perf_counter()
        self.quantities = [self.extract(doc) for doc in docs]
        self.t_rules += time.perf_counter() - t0
        return [self.rollup(qs) for qs in self.quantities]


def press_releases(reader: Reader, path: Path, show: int, explain: int = 0) -> None:
    rows = read_jsonl(path)
    rollups = reader.rollups([r["text"] for r in rows])
    print(f"\npress releases: {len(rows)} from {path}")
    for category, label in PRESS_FIELDS:
        gold = [int(r["labels"].get(label) or 0) for r in rows]
        pred = [rollup_low(ru, category) for ru in rollups]
        report_field(f"{category} vs {label}", gold, pred, [r["id"] for r in rows], show)
        if explain:
            explain_misses(category, gold, pred, [str(r["id"]) for r in rows], [r["text"] for r in rows],
                           reader.quantities, explain)


def gun_violence(reader: Reader, path: Path, show: int, explain: int = 0) -> None:
    rows = read_jsonl(path)
    rollups = reader.rollups([r["text"] for r in rows])
    single = [k for k, r in enumerate(rows) if int(r.get("n_articles_in_incident") or 0) == 1]
    print(f"\nshooting reports: {len(rows)} from {path} ({len(single)} single-article incidents)")
    for category, label in GUN_FIELDS:
        gold = [int(r.get(label) or 0) for r in rows]
        pred = [rollup_low(ru, category) for ru in rollups]
        ids = [r["id"][4:16] for r in rows]
        report_field(f"{category} vs {label}, all rows", gold, pred, ids, 0)
        report_field(f"{category} vs {label}, single-article", [gold[k] for k in single],
                     [pred[k] for k in single], [ids[k] for k in single], show)
        if explain:
            explain_misses(category, [gold[k] for k in single], [pred[k] for k in single], [ids[k] for k in single],
                           [rows[k]["text"] for k in single], [reader.quantities[k] for k in single], explain)


PEOPLE = ("killed", "wounded", "missing", "detained", "kidnapped", "displaced", "troops")
SCOPES = {"cum": ("cumulative", "history"), "standing": ("standing",)}


def suite_problems(item: dict, quantities: list[dict], rollup: list[dict]) -> list[str]:
    """What an item of the sentence suite expects and did not get (empty: the item is right)."""
    problems = []
    expect = item.get("expect") or {}
    for category in PEOPLE:
        got = rollup_low(rollup, category)
        if got != int(expect.get(category, 0)):
            problems.append(f"{category} {got} != {expect.get(category, 0)}")
    for category, high in (item.get("high") or {}).items():
        got_high = next((r["high"] for r in rollup if r["category"] == category and r["scope"] == "incident"), None)
        if got_high != high:
            problems.append(f"{category} high {got_high} != {high}")
    for scope, marks in SCOPES.items():
        for category, value in (item.get(scope) or {}).items():
            if not any(q["category"] == category and int(q["low"] or q["value"] or 0) == value
                       and not q["negated"] and not q["hypothetical"] and q["scope"] in marks for q in quantities):
                problems.append(f"no {scope} {category} {value}")
    return problems


def wire_suite(reader: Reader, folder: Path, heldout: bool, show: int) -> None:
    """The project's sentence suite: share of items right in full, per part and per event type."""
    import yaml

    parts = [("development", folder / "wire_suite_dev.yaml")]
    if heldout:
        parts.append(("held out", folder / "wire_suite_heldout.yaml"))
    for name, path in parts:
        items = yaml.safe_load(path.read_text(encoding="utf-8"))["items"]
        texts = [item["text"] for item in items]
        t0 = time.perf_counter()
        docs = list(reader.nlp.pipe(texts))
        reader.t_nlp += time.perf_counter() - t0
        t0 = time.perf_counter()
        quantities = [reader.extract(doc) for doc in docs]
        reader.t_rules += time.perf_counter() - t0
        problems = [suite_problems(item, qs, reader.rollup(qs)) for item, qs in zip(items, quantities)]
        right = sum(not p for p in problems)
        print(f"\nwire sentence suite, {name}: {right}/{len(items)} items right = {right / len(items):.3f}  ({path.name})")
        by_type: dict[str, list[int]] = {}
        for item, p in zip(items, problems):
            by_type.setdefault(item["type"], [0, 0])[bool(p)] += 1
        print("  per type (right/n):", ", ".join(f"{t} {ok}/{ok + bad}" for t, (ok, bad) in by_type.items()))
        for item, p in [(i, p) for i, p in zip(items, problems) if p][:show]:
            print(f"    {item['type']}: {item['text'][:90]!r}: {'; '.join(p)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help="folder with press_releases.jsonl and gun_violence.jsonl (or one of the files)")
    parser.add_argument("--parser", action="store_true", help="run the dependency parser too")
    parser.add_argument("--show", type=int, default=10, help="worst misses to list per field")
    parser.add_argument("--only", default="press,gun,suite", help="comma-separated sections to run")
    parser.add_argument("--heldout", action="store_true",
                        help="also run the held-out part of the suite (a final reading, never for tuning)")
    parser.add_argument("--explain", type=int, default=0, metavar="N",
                        help="for up to N missed rows per field, print the people counts the rollup read")
    args = parser.parse_args(argv)
    sections = set(args.only.split(","))
    folder = args.data if args.data.is_dir() else args.data.parent
    reader = Reader(args.parser)
    list(reader.nlp.pipe(["Warm-up, not timed: three people were killed."]))
    print(f"numbers_eval (parser: {'on' if args.parser else 'off'})")
    for name, file, run in (("press", "press_releases.jsonl", press_releases),
                            ("gun", "gun_violence.jsonl", gun_violence)):
        if name not in sections:
            continue
        path = folder / file
        if not path.exists():
            print(f"\n{file}: skipped -- no development data at {path} "
                  f"(it lives outside the repository, in ../shared/eval/numbers/).")
            continue
        run(reader, path, args.show, args.explain)
    if "suite" in sections:
        wire_suite(reader, SUITE_DIR, heldout=args.heldout, show=args.show)
    share = reader.t_rules / reader.t_nlp if reader.t_nlp else 0.0
    print(f"\ntime: nlp.pipe {reader.t_nlp:.2f}s, extract_quantities {reader.t_rules:.3f}s = {share:.1%} of nlp.pipe")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
