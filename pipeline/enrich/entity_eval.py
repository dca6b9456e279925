"""Scoring entity mentions against hand-annotated articles.

Gold files are JSON lines: {"id", "text", "language", "entities": [[text, label]
or [text, label, canonical], ...], optional byline/credits/agency/dateline_place}.
Mentions are listed in text order and located by searching forward from the
previous one, whole words only, so annotators need not count characters.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class GoldMention:
    start: int
    end: int
    label: str
    canonical: str


@dataclass(frozen=True)
class GoldArticle:
    id: str
    record: dict[str, Any]  # the article fields (text, language, byline, credits, ...)
    mentions: tuple[GoldMention, ...]


def locate_mentions(text: str, annotated: Iterable[list[str]]) -> list[GoldMention]:
    """Character spans of mentions listed in order; raises if one is not found."""
    out, pos = [], 0
    for item in annotated:
        surface, label = item[0], item[1]
        canonical = item[2] if len(item) > 2 else surface
        m = re.compile(rf"(?<!\w){re.escape(surface)}(?!\w)").search(text, pos)
        if m is None:
            raise ValueError(f"gold mention {surface!r} not found after offset {pos}")
        out.append(GoldMention(m.start(), m.end(), label, canonical))
        pos = m.end()
    return out


def load_gold(path: Path) -> list[GoldArticle]:
    articles = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        mentions = locate_mentions(row["text"], row.pop("entities"))
        row.setdefault("url", f"https://fixtures.invalid/{row['id']}")
        articles.append(GoldArticle(row["id"], row, tuple(mentions)))
    return articles


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score_mentions(
    predicted: Iterable[Iterable[tuple[int, int, str]]], gold: Iterable[Iterable[tuple[int, int, str]]]
) -> dict[str, Score]:
    """Exact-span, exact-label scores per label and over all labels ("ALL")."""
    scores: dict[str, Score] = {"ALL": Score()}
    for pred_set, gold_set in zip(predicted, gold):
        p, g = set(pred_set), set(gold_set)
        for label in {x[2] for x in p | g}:
            s = scores.setdefault(label, Score())
            pl = {x for x in p if x[2] == label}
            gl = {x for x in g if x[2] == label}
            s.tp += len(pl & gl)
            s.fp += len(pl - gl)
            s.fn += len(gl - pl)
        scores["ALL"].tp += len(p & g)
        scores["ALL"].fp += len(p - g)
        scores["ALL"].fn += len(g - p)
    return scores
