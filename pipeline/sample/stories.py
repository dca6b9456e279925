"""The stories of the demo corpus, read from `data/source/` (one YAML file per article).

Every story, person, organisation, quote and figure there is invented for wirebeam's
tests and demo; no text is copied from any outlet. Real agency names appear only in
datelines and credit lines, because recognising those conventions is part of what the
pipeline has to do. `build_corpus.py` renders the stories into HTML pages, feeds and
`expected.json`.

`data/source/corpus.yaml` lists each site's articles in feed order, the feed item whose
page is gone and the pages that tell one story. `data/source/stories/<slug>.yaml` is one
article: its page and feed metadata, `body` (paragraphs separated by blank lines, the first
starting with the dateline; line breaks inside a paragraph do not matter), `credits` (the
credit line printed as the last paragraph) and `facts`. A copy of another article's text
names it in `body_from` and lists the `edits` a syndicating site made (`drop_last_paragraphs`,
`insert_after_paragraph` with its `paragraph`, `curly_quotes`), applied in order.

`facts` record what a reader of the text can check, and tests assert each piece of
evidence occurs verbatim in the body:
  people:        surname -> full name (the full name appears first, then the surname alone)
  organizations: acronym -> expansion, defined in the text as "Expansion (ACRONYM)"
  counts:        article-level best estimate per category, using the conventions of
                 shared/notes/enrichment.md ("at least 12" -> low 12, high open;
                 "more than 40" -> low 41; "some 2,500" -> 2,500 approximate);
                 `evidence` is the phrase that supports it
  negations / hypotheticals: phrases that must NOT become counts
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable

import yaml

from pipeline.sample.corpus import data_root

SOURCE_DIR = "source"


@dataclass(frozen=True)
class Story:
    slug: str
    site: str  # wire | herald | monitor | alpine
    path: str  # URL path on that site
    title: str
    summary: str  # feed item summary / page description
    authors: tuple[str, ...]
    paragraphs: tuple[str, ...]  # the body; the first starts with the dateline
    credits: str | None  # the credit line printed as the last paragraph
    published: str  # ISO 8601 with the publisher's local offset
    updated: str | None
    categories: tuple[str, ...]
    dateline_place: str | None
    agency: str | None
    language: str = "en"
    charset: str = "utf-8"
    # where the page states its date: jsonld | meta | visible | none
    page_date: str = "jsonld"
    canonical: str | None = None  # slug of the original this page's rel=canonical points at
    feed_zone_name: str | None = None  # the zone name (EDT...) an RSS 2.0 feed writes for its date
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def byline(self) -> str | None:
        if not self.authors:
            return None
        names = list(self.authors)
        joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        return ("Von " if self.language == "de" else "By ") + joined


@dataclass(frozen=True)
class StoryCorpus:
    stories: tuple[Story, ...]  # every site's stories, sites in corpus.yaml's order, each in feed order
    gone: dict[str, Any]  # the feed item whose page answers 404
    same_story: tuple[tuple[str, tuple[Story, ...]], ...]  # (kind, pages that tell one story)

    def story(self, slug: str) -> Story:
        return next(s for s in self.stories if s.slug == slug)


# ----------------------------------------------------------------------------- text

def paragraphs_of(body: str) -> tuple[str, ...]:
    """Paragraphs separated by blank lines, each on one line with single spaces."""
    return tuple(" ".join(p.split()) for p in body.strip().split("\n\n") if p.strip())


def curly_quotes(text: str) -> str:
    """Typographic quotes, as a site's CMS prints them: "..." -> \u201c...\u201d, ' -> \u2019."""
    text = re.sub(r'"(?=\S)', "\u201c", text)
    return text.replace('"', "\u201d").replace("'", "\u2019")


def apply_edit(paragraphs: tuple[str, ...], edit: dict[str, Any]) -> tuple[str, ...]:
    """One edit a syndicating site makes to wire copy (see the module docstring)."""
    if "drop_last_paragraphs" in edit:  # trimmed to fit
        return paragraphs[:-edit["drop_last_paragraphs"]]
    if "insert_after_paragraph" in edit:  # a paragraph of the site's own, after paragraph n (1-based)
        after = edit["insert_after_paragraph"]
        return (*paragraphs[:after], *paragraphs_of(edit["paragraph"]), *paragraphs[after:])
    if edit.get("curly_quotes"):
        return tuple(curly_quotes(p) for p in paragraphs)
    raise ValueError(f"unknown edit {edit!r}")


def _count(category: str, evidence: str, low: int | None, high: int | None = None,
           approximate: bool = False) -> dict[str, Any]:
    return {"category": category, "low": low, "high": high, "approximate": approximate,
            "evidence": evidence}


def _facts(raw: dict[str, Any] | None) -> dict[str, Any]:
    facts = dict(raw or {})
    if "counts" in facts:
        facts["counts"] = [_count(**c) for c in facts["counts"]]
    return facts


# ----------------------------------------------------------------------------- files

def _read_yaml(*parts: str) -> Any:
    node = data_root().joinpath(SOURCE_DIR)
    for part in parts:
        node = node.joinpath(part)
    return yaml.safe_load(node.read_text(encoding="utf-8"))


def _story(raw: dict[str, Any], bodies: dict[str, tuple[str, ...]]) -> Story:
    if "body_from" in raw:
        paragraphs = bodies[raw["body_from"]]
        for edit in raw.get("edits", []):
            paragraphs = apply_edit(paragraphs, edit)
    else:
        paragraphs = paragraphs_of(raw["body"])
    optional = {k: raw[k] for k in ("language", "charset", "page_date", "canonical", "feed_zone_name")
                if k in raw}
    return Story(
        slug=raw["slug"], site=raw["site"], path=raw["path"], title=raw["title"], summary=raw["summary"],
        authors=tuple(raw["authors"]), paragraphs=paragraphs, credits=raw["credits"],
        published=raw["published"], updated=raw["updated"], categories=tuple(raw["categories"]),
        dateline_place=raw["dateline_place"], agency=raw["agency"], facts=_facts(raw.get("facts")),
        **optional,
    )


def _in_dependency_order(raws: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Originals before the copies made from their text (body_from)."""
    raws = list(raws)
    return [r for r in raws if "body_from" not in r] + [r for r in raws if "body_from" in r]


@lru_cache(maxsize=1)
def load_stories() -> StoryCorpus:
    index = _read_yaml("corpus.yaml")
    slugs = [slug for site_slugs in index["feeds"].values() for slug in site_slugs]
    raws = {slug: _read_yaml("stories", f"{slug}.yaml") for slug in slugs}
    bodies: dict[str, tuple[str, ...]] = {}
    built: dict[str, Story] = {}
    for raw in _in_dependency_order(raws.values()):
        built[raw["slug"]] = story = _story(raw, bodies)
        bodies[story.slug] = story.paragraphs
    for site, site_slugs in index["feeds"].items():
        wrong = [slug for slug in site_slugs if built[slug].site != site]
        if wrong:
            raise ValueError(f"corpus.yaml lists {wrong} under {site!r}, but their files say another site")
    return StoryCorpus(
        stories=tuple(built[slug] for slug in slugs),
        gone=index["gone"],
        same_story=tuple((group["kind"], tuple(built[s] for s in group["articles"]))
                         for group in index["same_story"]),
    )


@lru_cache(maxsize=1)
def alpine_words() -> dict[str, Any]:
    """Alpine Dispatch's page words in English and German, and German day and month names."""
    return _read_yaml("alpine_words.yaml")
