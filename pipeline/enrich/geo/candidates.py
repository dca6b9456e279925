"""From a place mention to its gazetteer candidates, with what the text around it says.

- A designator inside or right after the name says what kind of place it is: "Kunar province",
  "Homs governorate", "the city of Hama" (not read: too rare), "Multnomah County".
- Containment written after it, "Paris, Texas", "Homs, Syria", "Alexandria, La.", names the
  country or first-level division it must be in (AP state abbreviations included).
- A country, division or US county opening an organisation's name ("Ohio State Highway Patrol") is
  context for the other mentions, never a place of the article's own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.enrich.geo.build import compass_words, data_rows
from pipeline.enrich.geo.gazetteer import ADMIN1, COUNTRY, Gazetteer, Place
from pipeline.enrich.geo.names import normalize

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# Words that open organisation names and are also the names of some division somewhere (data/org_openers.tsv,
# and every compass word of data/compass.tsv in both its forms)
_COMMON_OPENERS = frozenset({normalize(w) for (w,) in data_rows("org_openers.tsv")}
                            | {normalize(w) for pair in compass_words().items() for w in pair})
# After ", ": up to four capitalised words (a state, country or division), or an AP abbreviation
_CONTAINER = re.compile(r"\s*,\s*((?:[A-Z][\w'’.\-]*\.?)(?:\s+(?:of\s+|and\s+)?[A-Z][\w'’.\-]*\.?){0,3})")
_NEXT_WORD = re.compile(r"\s+([A-Za-z]+)")


@dataclass(frozen=True)
class Candidate:
    place: Place
    alt: bool  # matched only one of its alternate names


@dataclass
class Mention:
    """One place name of the article (all mentions of one canonical name share it)."""

    name: str  # as printed (canonical)
    label: str
    count: int = 1
    first_start: int = 0
    candidates: list[Candidate] = field(default_factory=list)
    designator: str | None = None  # admin | county | city
    container: Place | None = None  # "Paris, Texas": Texas
    county_states: tuple[str, ...] = ()  # "Kershaw County": the US states that have such a county
    demonym: Place | None = None  # NORP "Iraqi": Iraq
    is_dateline: bool = False
    context_only: bool = False  # a place inside an organisation's name: evidence, never output


def split_designator(name: str, designators: dict[str, str]) -> tuple[str, str | None]:
    """("Kunar", "admin") for "Kunar province" (and "Kershaw County Jail": ("Kershaw", "county"));
    (name, None) when no designator word follows the name's first word."""
    words = name.split()
    for k in range(1, len(words)):
        kind = designators.get(normalize(words[k]))
        if kind:
            return " ".join(words[:k]), kind
    return name, None


def container_after(text: str, end: int, gaz: Gazetteer) -> Place | None:
    """The country or division written right after a place: "Paris, Texas" -> Texas."""
    m = _CONTAINER.match(text, end)
    if not m:
        return None
    words = m.group(1).split()
    for n in range(len(words), 0, -1):  # longest first: "New South Wales" before "New"
        printed = " ".join(words[:n])
        state = gaz.us_states.get(printed) or gaz.us_states.get(printed.rstrip(".,"))
        if state:
            return gaz.admin1_place(state)
        kinds = [(p, alt) for p, alt in gaz.lookup(printed.rstrip(".,")) if p.kind in (COUNTRY, ADMIN1) and not alt]
        if kinds:
            # a country before a division of the same name ("Georgia" after a US town is decided by the resolver)
            countries = [p for p, _ in kinds if p.kind == COUNTRY]
            if len(kinds) == 1 or countries and len(countries) == len(kinds):
                return kinds[0][0]
            return None
    return None


def designator_after(text: str, end: int, designators: dict[str, str]) -> str | None:
    """ "Kunar province", "Multnomah County": the designator word right after the name, if any."""
    m = _NEXT_WORD.match(text, end)
    return designators.get(m.group(1).lower()) if m else None


def gather(entities: list[dict], text: str, gaz: Gazetteer) -> list[Mention]:
    """One Mention per canonical place name (and per demonym), in order of first mention."""
    found: dict[tuple[str, str], Mention] = {}
    for e in entities:
        label = e.get("label")
        canonical = e.get("canonical") or e.get("text") or ""
        if label not in PLACE_LABELS and label != "NORP":
            continue
        key = ("NORP" if label == "NORP" else "PLACE", canonical)
        m = found.get(key)
        if m is None:
            m = found[key] = _new_mention(canonical, label, e["start"], gaz)
        else:
            m.count += 1
        if label != "NORP":
            m.designator = m.designator or designator_after(text, e["end"], gaz.designators)
            m.container = m.container or container_after(text, e["end"], gaz)
    for e in entities:  # "Ohio State Highway Patrol", "Kershaw County Sheriff's Office": where, said in passing
        if e.get("label") == "ORG":
            inner = org_place(e.get("canonical") or e.get("text") or "", gaz)
            if inner is not None and ("PLACE", inner.name) not in found:
                found[("ORG", inner.name)] = inner
    return [m for m in found.values() if m.candidates or m.demonym or m.county_states]


def org_place(name: str, gaz: Gazetteer) -> Mention | None:
    """The country, division or US county an organisation's name opens with, as a context-only mention."""
    words = name.split()
    bare, designator = split_designator(name, gaz.designators)
    if designator == "county" and bare.split() == words[: len(bare.split())]:
        states = tuple(gaz.us_counties.get(normalize(bare), ()))
        return Mention(name=bare, label="ORG", county_states=states, context_only=True) if states else None
    for n in range(min(3, len(words) - 1), 0, -1):
        if n == 1 and normalize(words[0]) in _COMMON_OPENERS:
            continue  # "East Coast Railways", "Central Bank": a word, not a place
        found = [Candidate(p, alt) for p, alt in gaz.lookup(" ".join(words[:n]))
                 if p.kind in (COUNTRY, ADMIN1) and not alt]
        if found:
            return Mention(name=" ".join(words[:n]), label="ORG", candidates=found, context_only=True)
    return None


def _new_mention(name: str, label: str, start: int, gaz: Gazetteer) -> Mention:
    m = Mention(name=name, label=label, first_start=start)
    if label == "NORP":
        m.demonym = gaz.demonym(name)
        return m
    bare, designator = split_designator(name, gaz.designators)
    if designator == "county":
        m.designator = designator
        m.county_states = tuple(gaz.us_counties.get(normalize(bare), ()))
        return m  # a county has no point of its own here: it names its state
    state = gaz.us_states.get(name) if "." in name else None  # "Ala.", "N.Y." alone: AP style, always a state
    if state and gaz.admin1_place(state) is not None:
        m.candidates = [Candidate(gaz.admin1_place(state), False)]
        return m
    # the name as printed first ("Kansas City", "Jefferson City"); without its designator only when that fails
    m.candidates = candidates_for(name, gaz)
    if not m.candidates and bare != name:
        m.candidates, m.designator = candidates_for(bare, gaz), designator
    if not m.candidates:
        demonym = gaz.demonym(name)  # the model tags "Iraqi" GPE now and then
        if demonym is not None:
            m.demonym = demonym
    return m


def candidates_for(name: str, gaz: Gazetteer) -> list[Candidate]:
    return [Candidate(p, alt) for p, alt in gaz.lookup(name)]


def dateline_mention(dateline: str | None, gaz: Gazetteer) -> Mention | None:
    """The dateline place ("BAGHDAD", "KABUL, Afghanistan") as a mention of its own."""
    if not dateline or not dateline.strip():
        return None
    name, _, region = dateline.partition(",")
    name = name.strip().title() if name.isupper() else name.strip()
    m = Mention(name=name, label="GPE", first_start=-1, is_dateline=True)
    conventional = gaz.datelines.get(normalize(name))  # "UNITED NATIONS": where the UN is
    m.candidates = [Candidate(gaz.place(conventional), False)] if conventional is not None else candidates_for(name, gaz)
    if region.strip():
        m.container = container_after(", " + region.strip(), 0, gaz)
    return m if m.candidates else None
