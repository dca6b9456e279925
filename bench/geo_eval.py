"""Places resolved to coordinates (issue 13), on LGL and GeoWebNews (../shared/eval/geo/dev.jsonl).

A development set: the places rules were developed while reading its errors (--show, --explain), so its
figures are optimistic for news the rules have not seen.

Runs the enrichment's own steps on each text: spaCy entities (pipeline.enrich.entities), the dateline
as extraction reads it (pipeline.extract.wire), and the places step (pipeline.enrich.geo). Per corpus:
gold toponyms found (a place entity with a geo overlapping the gold span), right (its point within
161 km of the gold point) and accuracy of the found; beside it the most-populous baseline on the
same found toponyms (the candidate of the same name with the largest population, no context).
Then the cost: spaCy's time and the places step's time over the same texts, and the gazetteer's
load time and size.

    .venv/bin/python bench/geo_eval.py [--data FILE] [--show N] [--limit N] [--explain ID] [--no-cache]

The spaCy entities are cached in /tmp/wirebeam-geo-eval/ (keyed by the texts and the model), so
a second run measures the resolver alone; --no-cache runs the model again.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipeline.enrich.geo import gazetteer as gz  # noqa: E402
from pipeline.enrich.geo.attach import place_columns  # noqa: E402
from pipeline.enrich.geo.resolve import km  # noqa: E402
from pipeline.extract.wire import split_wire_furniture  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared" / "eval" / "geo" / "dev.jsonl"
CACHE = Path("/tmp/wirebeam-geo-eval")
RIGHT_KM = 161.0
TARGETS = {"lgl": 0.80, "gwn": 0.90}
NAMES = {"lgl": "LGL (local US news)", "gwn": "GeoWebNews"}
PLACE_LABELS = {"GPE", "LOC", "FAC", "NORP"}


def spacy_entities(rows: list[dict], use_cache: bool) -> tuple[list[list[dict]], float]:
    """Entities of every text (as enrichment makes them) and the seconds spaCy took (0 from the cache)."""
    from pipeline.enrich.entities import common_words, entities_from_doc
    from pipeline.enrich.model import DEFAULT_MODEL, load_nlp

    key = hashlib.sha256((DEFAULT_MODEL + "".join(r["text"] for r in rows)).encode()).hexdigest()[:16]
    path, seconds = CACHE / f"entities-{key}.json", CACHE / f"spacy-seconds-{key}.txt"
    if use_cache and path.exists():  # the model's time when it read these very texts
        return json.loads(path.read_text()), float(seconds.read_text()) if seconds.exists() else 0.0
    nlp = load_nlp(DEFAULT_MODEL)
    known = common_words(nlp)
    list(nlp.pipe(["Warm-up, not timed."]))
    t = time.perf_counter()
    out = [entities_from_doc(doc, known_words=known) for doc in nlp.pipe([r["text"] for r in rows], batch_size=8)]
    spent = time.perf_counter() - t
    CACHE.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out))
    seconds.write_text(f"{spent}")
    return out, spent


def most_populous(name: str, label: str, g: gz.Gazetteer) -> gz.Place | None:
    if label == "NORP":
        return g.demonym(name)
    found = g.lookup(name)
    return max((p for p, _ in found), key=lambda p: p.population, default=None) or g.demonym(name)


def overlapping(t: dict, entities: list[dict]) -> dict | None:
    best = None
    for e in entities:
        if e.get("geo") and e["label"] in PLACE_LABELS and e["start"] < t["end"] and t["start"] < e["end"]:
            overlap = min(e["end"], t["end"]) - max(e["start"], t["start"])
            if best is None or overlap > best[0]:
                best = (overlap, e)
    return best[1] if best else None


def explain(i: int, rows: list[dict], ents: list[list[dict]], g: gz.Gazetteer) -> int:
    from pipeline.enrich.geo.attach import resolve_places

    row = rows[i]
    print(row["id"], row["title"])
    gold = {(t["phrase"], round(t["lat"], 2), round(t["lon"], 2)) for t in row["toponyms"]}
    print("gold:", sorted(gold))
    dateline = split_wire_furniture(row["text"]).dateline_place
    for r in resolve_places(ents[i], row["text"], dateline, None, g):
        p = r.choice.place
        where = f"{p.name}, {p.admin1}, {p.country_code} ({p.lat:.2f},{p.lon:.2f})" if p else "-"
        print(f"  {r.mention.name!r} [{r.mention.label} x{r.mention.count}, {len(r.mention.candidates)} cand.] -> "
              f"{where} conf {r.choice.confidence:.2f}: {r.choice.reason}")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--show", type=int, default=0, help="print N wrong resolutions per corpus")
    ap.add_argument("--limit", type=int, default=0, help="only the first N articles")
    ap.add_argument("--no-cache", action="store_true")
    ap.add_argument("--explain", metavar="ID", help="print every place of one article with its choice and reason")
    args = ap.parse_args()
    if not args.data.exists():
        print(f"geo_eval: skipped -- no development data at {args.data} "
              "(it lives outside the repository, in ../shared/eval/geo/).")
        return 0
    rows = [json.loads(line) for line in args.data.read_text(encoding="utf-8").split("\n") if line.strip()]
    rows = rows[: args.limit] if args.limit else rows

    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.perf_counter()
    g = gz.load()
    load_s = time.perf_counter() - t
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    ents, spacy_s = spacy_entities(rows, not args.no_cache)

    if args.explain:
        return explain(next(i for i, r in enumerate(rows) if r["id"] == args.explain), rows, ents, g)
    stats: dict[str, Counter] = defaultdict(Counter)
    wrong: dict[str, list[str]] = defaultdict(list)
    t = time.perf_counter()
    resolved = []
    for row, entities in zip(rows, ents):
        dateline = split_wire_furniture(row["text"]).dateline_place
        article = {"text": row["text"], "dateline_place": dateline, "url": None}
        resolved.append(place_columns(article, entities, [], [], g)["entities"])
    resolve_s = time.perf_counter() - t
    for row, entities in zip(rows, resolved):
        s = stats[row["corpus"]]
        for tp in row["toponyms"]:
            s["total"] += 1
            e = overlapping(tp, entities)
            if e is None:
                continue
            s["found"] += 1
            geo = e["geo"]
            d = km(geo["lat"], geo["lon"], tp["lat"], tp["lon"])
            s["right"] += d <= RIGHT_KM
            base = most_populous(e.get("canonical") or e["text"], e["label"], g)
            s["baseline_right"] += base is not None and km(base.lat, base.lon, tp["lat"], tp["lon"]) <= RIGHT_KM
            if d > RIGHT_KM and len(wrong[row["corpus"]]) < args.show:
                wrong[row["corpus"]].append(
                    f"  {row['id']}: {tp['phrase']!r} -> {geo['name']}, {geo['admin1']}, {geo['country_code']} "
                    f"({d:.0f} km off; gold {tp['country']} {tp['lat']:.2f},{tp['lon']:.2f})")

    print(f"geo_eval: {len(rows)} articles from {args.data} (development set: the rules were developed on its errors)")
    print(f"{'corpus':<22}{'toponyms':>9}{'found':>7}{'right':>7}{'acc. of found':>15}{'target':>8}"
          f"{'most populous':>15}{'right/total':>12}")
    ok = True
    for corpus in sorted(stats, key=lambda c: c != "lgl"):
        s = stats[corpus]
        acc = s["right"] / s["found"] if s["found"] else 0.0
        base = s["baseline_right"] / s["found"] if s["found"] else 0.0
        target = TARGETS.get(corpus, 0.0)
        ok &= acc >= target
        print(f"{NAMES.get(corpus, corpus):<22}{s['total']:>9}{s['found']:>7}{s['right']:>7}{acc:>15.3f}"
              f"{target:>8.2f}{base:>15.3f}{s['right'] / s['total']:>12.3f}")
        for line in wrong[corpus]:
            print(line)
    words = sum(len(r["text"].split()) for r in rows)
    print(f"\ncost over {len(rows)} texts ({words:,} words): places step {resolve_s:.2f} s "
          f"({1000 * resolve_s / len(rows):.1f} ms/article)"
          + (f"; spaCy {spacy_s:.1f} s -> places = {resolve_s / spacy_s:.1%} of spaCy" if spacy_s else ""))
    print(f"gazetteer: {len(g):,} places, loaded in {load_s:.2f} s from {gz.cache_path()}, "
          f"arrays {g.nbytes / 2**20:.1f} MiB, peak RSS +{(rss1 - rss0) / 1024:.0f} MiB while loading")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
