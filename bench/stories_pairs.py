"""Labelled article pairs for the story fingerprint (issue 12): copies of one story vs different stories.

The base texts are fictional wire stories in bench/data/stories/ (dev_*.yaml for development,
heldout.yaml kept apart). From each base the generator makes syndicated copies the way outlets do --
a new headline, the ending cut to half, two paragraphs added, credit and correction lines, an
inserted paragraph, curly quotes and dashes, a site's page furniture and a rewritten dateline,
an updated version with new figures and a sentence changed, and all of these at once -- and pairs
them with the agency's own text: label "same". Different-story pairs ("different") are every pair
inside a group (one topic, different events; one template), every pair sharing a boilerplate
paragraph, and random pairs dressed in the same site's furniture. Deterministic for a seed.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Callable

import yaml

DATA = Path(__file__).resolve().parent / "data" / "stories"
SAME_KINDS = ("headline", "trim", "extend", "credit", "insert", "quotes", "furniture", "version",
              "syndicated", "trim_vs_extend")


@dataclass(frozen=True)
class Base:
    id: str
    group: str
    title: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Article:
    title: str
    text: str


@dataclass(frozen=True)
class Pair:
    a: Article
    b: Article
    same: bool
    kind: str  # SAME_KINDS, or same-topic / template / boilerplate / same-site
    ids: tuple[str, str]


def load_parts() -> dict:
    return yaml.safe_load((DATA / "copy_parts.yaml").read_text(encoding="utf-8"))


def load_bases(split: str) -> list[Base]:
    """split: 'dev' (dev_*.yaml) or 'heldout' (heldout.yaml). Boilerplate is appended to its stories."""
    boiler = yaml.safe_load((DATA / "boilerplate.yaml").read_text(encoding="utf-8"))
    files = sorted(DATA.glob("dev_*.yaml")) if split == "dev" else [DATA / "heldout.yaml"]
    bases = []
    for path in files:
        for row in yaml.safe_load(path.read_text(encoding="utf-8")):
            paragraphs = [p.strip().replace("\n", " ") for p in row["text"].split("\n\n") if p.strip()]
            if row.get("boilerplate"):
                paragraphs.append(boiler[row["boilerplate"]])
            group = row.get("group") or ""
            bases.append(Base(row["id"], group, row["title"], tuple(paragraphs)))
    return bases


def boilerplate_of(split: str) -> dict[str, str]:
    """base id -> boilerplate id, for the boilerplate-sharing pairs."""
    files = sorted(DATA.glob("dev_*.yaml")) if split == "dev" else [DATA / "heldout.yaml"]
    out = {}
    for path in files:
        for row in yaml.safe_load(path.read_text(encoding="utf-8")):
            if row.get("boilerplate"):
                out[row["id"]] = row["boilerplate"]
    return out


# ------------------------------------------------------------------ edits (paragraph lists)

Paras = list[str]


def _fill(template: str, rng: random.Random, parts: dict, site: dict, other_title: str) -> str:
    return template.format(
        site=site["name"], domain=site["domain"], section=rng.choice(parts["sections"]),
        date=f"{rng.randint(1, 28)} Mar 2025 {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d} GMT",
        minutes=rng.randint(2, 9), year=2025, title="", other_title=other_title,
        r1=rng.choice(parts["reporters"]), r2=rng.choice(parts["reporters"]),
        e1=rng.choice(parts["editors"]), e2=rng.choice(parts["editors"]),
        city=rng.choice(["Geneva", "Nairobi", "Washington", "Madrid", "Dubai", "Bangkok"]),
        time=f"{rng.randint(0, 23):02d}{rng.randint(0, 59):02d}")


def trim(p: Paras, rng: random.Random) -> Paras:
    """Cut the ending so about half the words remain (at a paragraph, else a sentence, boundary)."""
    total = sum(len(x.split()) for x in p)
    out: Paras = []
    for para in p:
        if sum(len(x.split()) for x in out) >= total / 2:
            break
        out.append(para)
    if len(out) == len(p) or sum(len(x.split()) for x in out) > 0.75 * total:
        sentences = re.split(r"(?<=[.!?\"])\s+(?=[A-Z\"])", " ".join(p))
        out, count = [], 0
        for s in sentences:
            if count >= total / 2:
                break
            out.append(s)
            count += len(s.split())
        return [" ".join(out)]
    return out


def extend(p: Paras, rng: random.Random, parts: dict) -> Paras:
    return p + rng.sample(parts["extensions"], 2)


def insert(p: Paras, rng: random.Random, parts: dict, site: dict, other_title: str) -> Paras:
    para = _fill(rng.choice(parts["inserts"]), rng, parts, site, other_title)
    at = rng.randint(1, max(1, len(p) - 1))
    return p[:at] + [para] + p[at:]


def credit(p: Paras, rng: random.Random, parts: dict, site: dict) -> Paras:
    out = p + [_fill(rng.choice(parts["credits"]), rng, parts, site, "")]
    if rng.random() < 0.6:
        note = _fill(rng.choice(parts["corrections"]), rng, parts, site, "")
        out = [note] + out if rng.random() < 0.5 else out + [note]
    return out


def curly(p: Paras, rng: random.Random) -> Paras:
    def one(text: str) -> str:
        text = re.sub(r'"([^"]*)"', "\u201c\\1\u201d", text)
        text = re.sub(r"(\w)'(\w)", "\\1\u2019\\2", text)
        text = text.replace(" - ", rng.choice([" \u2014 ", " \u2013 ", "\u2014"]))
        text = text.replace("...", "\u2026")
        return text.replace(". ", ".\u00a0 ") if rng.random() < 0.3 else text
    return [one(x) for x in p]


def redateline(p: Paras, rng: random.Random) -> Paras:
    """Outlets drop the agency tag, spell it out, or drop the dateline altogether."""
    first = p[0]
    choice = rng.randrange(3)
    if choice == 0:
        first = first.replace(" (Meridian) - ", " - ", 1)
    elif choice == 1:
        first = first.replace("(Meridian)", "(Meridian Wire)", 1)
    else:
        first = re.sub(r"^[A-Z][A-Z .,'a-z-]*\(Meridian\) - ", "", first, count=1)
    return [first] + p[1:]


def furniture(p: Paras, rng: random.Random, parts: dict, site: dict, other_title: str) -> Paras:
    top = [_fill(t, rng, parts, site, other_title) for t in rng.sample(parts["furniture_top"], rng.randint(1, 4))]
    bottom = [_fill(t, rng, parts, site, other_title) for t in rng.sample(parts["furniture_bottom"], rng.randint(2, 5))]
    return top + redateline(p, rng) + bottom


def _bump(match: re.Match[str], rng: random.Random) -> str:
    raw = match.group(0)
    n = int(raw.replace(",", ""))
    if 1900 <= n <= 2100:
        return raw
    new = n + rng.randint(1, max(2, n // 4))
    return f"{new:,}" if "," in raw else str(new)


def version(p: Paras, rng: random.Random, parts: dict) -> Paras:
    """The story updated later: new figures, one later sentence dropped, an update sentence added."""
    out = [re.sub(r"\b\d{1,3}(?:,\d{3})+\b|\b\d+\b", lambda m: _bump(m, rng), x) for x in p]
    if len(out) > 1:
        i = rng.randrange(1, len(out))
        sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z])", out[i])
        if len(sentences) > 1:
            del sentences[rng.randrange(len(sentences))]
            out[i] = " ".join(sentences)
    out[0] = out[0] + " " + rng.choice(parts["updates"])
    return out


def new_headline(title: str, rng: random.Random, parts: dict) -> str:
    words = title.split()
    if rng.random() < 0.5 and len(words) > 5:
        words = words[: rng.randint(4, len(words) - 1)]
    return rng.choice(parts["headline_prefixes"]) + " ".join(words)


# ------------------------------------------------------------------ copies and pairs


def agency(base: Base, rng: random.Random, parts: dict) -> Article:
    """The agency's own text: the base with its credit line."""
    line = _fill("(Reporting by {r1}; Editing by {e1})", rng, parts, {"name": "", "domain": ""}, "")
    return Article(base.title, "\n".join(list(base.paragraphs) + [line]))


def copy_of(base: Base, kind: str, rng: random.Random, parts: dict, other_title: str,
            site: dict | None = None) -> Article:
    site = site or rng.choice(parts["sites"])
    p: Paras = list(base.paragraphs)
    title = base.title
    steps: dict[str, Callable[[Paras], Paras]] = {
        "trim": lambda x: trim(x, rng),
        "extend": lambda x: extend(x, rng, parts),
        "credit": lambda x: credit(x, rng, parts, site),
        "insert": lambda x: insert(x, rng, parts, site, other_title),
        "quotes": lambda x: curly(x, rng),
        "furniture": lambda x: furniture(x, rng, parts, site, other_title),
        "version": lambda x: version(x, rng, parts),
    }
    if kind == "syndicated":
        chosen = ["version"] if rng.random() < 0.3 else []
        chosen += [rng.choice(["trim", "extend", "insert", "credit"]), "credit", "quotes", "furniture"]
    elif kind == "headline":
        chosen = []
    else:
        chosen = [kind]
    for step in chosen:
        p = steps[step](p)
    if kind in ("headline", "syndicated"):
        title = new_headline(base.title, rng, parts)
        if rng.random() < 0.5:
            p = [title] + p
    return Article(title, "\n".join(p))


def same_pairs(bases: list[Base], rng: random.Random, parts: dict) -> list[Pair]:
    pairs = []
    for base in bases:
        other = rng.choice([b for b in bases if b.id != base.id]).title
        original = agency(base, rng, parts)
        for kind in SAME_KINDS:
            if kind == "trim_vs_extend":  # two outlets' copies of one story, neither the original
                a, b = copy_of(base, "trim", rng, parts, other), copy_of(base, "extend", rng, parts, other)
            else:
                a, b = original, copy_of(base, kind, rng, parts, other)
            pairs.append(Pair(a, b, True, kind, (base.id, base.id)))
    return pairs


def group_kind(group: str) -> str:
    return "template" if "template" in group else "same-topic"


def different_pairs(bases: list[Base], split: str, rng: random.Random, parts: dict,
                    random_per_base: int = 2) -> list[Pair]:
    by_id = {b.id: b for b in bases}
    boiler = boilerplate_of(split)
    related: list[tuple[str, str, str]] = []
    for x, y in combinations(bases, 2):
        if x.group and x.group == y.group:
            related.append((x.id, y.id, group_kind(x.group)))
        elif boiler.get(x.id) and boiler.get(x.id) == boiler.get(y.id):
            related.append((x.id, y.id, "boilerplate"))
    for base in bases:
        for _ in range(random_per_base):
            other = rng.choice([b for b in bases if b.id != base.id and (not b.group or b.group != base.group)])
            related.append((base.id, other.id, "same-site"))
    pairs = []
    for x_id, y_id, kind in related:
        x, y = by_id[x_id], by_id[y_id]
        site = rng.choice(parts["sites"]) if kind == "same-site" or rng.random() < 0.5 else None
        kx = rng.choice(["syndicated", "furniture", "credit", "trim", "extend", "headline"])
        ky = rng.choice(["syndicated", "furniture", "credit", "trim", "extend", "headline"])
        a = copy_of(x, kx, rng, parts, y.title, site)
        b = copy_of(y, ky, rng, parts, x.title, site)
        pairs.append(Pair(a, b, False, kind, (x_id, y_id)))
    return pairs


def make_pairs(split: str, seed: int = 12) -> list[Pair]:
    """All labelled pairs of a split ('dev' or 'heldout'), deterministic for the seed."""
    rng = random.Random(f"{split}:{seed}")
    parts = load_parts()
    bases = load_bases(split)
    return same_pairs(bases, rng, parts) + different_pairs(bases, split, rng, parts)
