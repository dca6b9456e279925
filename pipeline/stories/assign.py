"""Which story each new article belongs to: a pure function of the run's articles and the index.

1. New articles that share an LSH band key are compared (`same_story`), and the
   pairs that match join one group (union-find): five outlets' copies of one
   wire story become one group however they were edited.
2. Each new article is compared with the recorded articles it shares a band
   key with; a group that matches a recorded story joins it (the earliest
   first seen, if it matches several), so a copy arriving days later gets the
   story id the first copy got.
   A new version of a recorded article (new text at the same canonical URL)
   stays in the story of its first version, however much the text changed:
   that decides before any text match.
3. A group that matches nothing is a new story, named after its earliest copy
   (deterministic: a retried bundle names it the same).

A band key shared by very many articles is boilerplate (a disclaimer, an
agency blurb): its members are not compared through it; real copies share
many other keys.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Sequence

from pipeline.stories.fingerprint import Signature, band_keys, same_story
from pipeline.stories.index import StoryIndex

CROWDED_BAND = 200  # members past which a band key is boilerplate, not evidence


@dataclass(frozen=True)
class Assignment:
    story_id: str
    first_seen: datetime
    new_story: bool


def story_id_for(article_id: str) -> str:
    """The id of a story first seen as `article_id` (stable: derived, not counted)."""
    return "st-" + hashlib.blake2b(f"story:{article_id}".encode(), digest_size=12).hexdigest()


class _Groups:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def group_copies(signatures: Sequence[Signature]) -> list[list[int]]:
    """Indices of `signatures` grouped into stories (each group sorted, groups by first member)."""
    groups = _Groups(len(signatures))
    buckets: dict[str, list[int]] = defaultdict(list)
    for i, sig in enumerate(signatures):
        for key in band_keys(sig):
            buckets[key].append(i)
    compared: set[tuple[int, int]] = set()
    for members in buckets.values():
        if len(members) < 2 or len(members) > CROWDED_BAND:
            continue
        for x, a in enumerate(members):
            for b in members[x + 1:]:
                if (a, b) in compared or groups.find(a) == groups.find(b):
                    continue
                compared.add((a, b))
                if same_story(signatures[a], signatures[b]):
                    groups.join(a, b)
    by_root: dict[int, list[int]] = defaultdict(list)
    for i in range(len(signatures)):
        by_root[groups.find(i)].append(i)
    return sorted(by_root.values())


def recorded_matches(sig: Signature, index: StoryIndex) -> list[tuple[datetime, str]]:
    """(first seen, story id) of every recorded story `sig` is a copy of."""
    found = set()
    for row in index.candidates(sig, crowded=CROWDED_BAND):
        if same_story(sig, index.signature(row)):
            found.add(index.story_of(row))
    return sorted(found)


def assign_stories(articles: Sequence[dict[str, Any]], signatures: Sequence[Signature],
                   index: StoryIndex) -> list[Assignment]:
    """One Assignment per article (same order). `articles` need article_id and fetched_at."""
    assignments: list[Assignment | None] = [None] * len(articles)
    earlier_versions = index.stories_of_articles([article["article_id"] for article in articles])
    for group in group_copies(signatures):
        # an article's own earlier version decides before any text match
        matched = sorted(earlier_versions[articles[i]["article_id"]] for i in group
                         if articles[i]["article_id"] in earlier_versions)
        matched = matched or sorted(match for i in group for match in recorded_matches(signatures[i], index))
        if matched:
            first_seen, story_id = matched[0]
            outcome = Assignment(story_id, first_seen, new_story=False)
        else:
            earliest = min(group, key=lambda i: (articles[i]["fetched_at"], articles[i]["article_id"]))
            outcome = Assignment(story_id_for(articles[earliest]["article_id"]), articles[earliest]["fetched_at"],
                                 new_story=True)
        for i in group:
            assignments[i] = outcome
    return assignments  # type: ignore[return-value] - every index is in exactly one group
