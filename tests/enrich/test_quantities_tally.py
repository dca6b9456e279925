"""The pure parts of the article rollup: statements and the tally of people (tally.py), and the sentence frames
(frames.py: headlines, round-ups, changes of scene) on real tokens."""

from __future__ import annotations

import pytest

from pipeline.enrich.model import load_nlp
from pipeline.enrich.quantities import extract_quantities, rollup_event_counts
from pipeline.enrich.quantities.frames import is_title_line, roundup_cue, scene_cue
from pipeline.enrich.quantities.tally import Tally, statement
from pipeline.enrich.quantities.tokens import sentence_bounds, tokens_of


def q(text: str, low: int, obj: str | None = None, qualifier: str | None = None, start: int = 0) -> dict:
    """A people count as extract_quantities gives it (the fields the tally reads)."""
    return {"text": text, "low": float(low), "high": float(low), "object": obj, "qualifier": qualifier,
            "start": start}


def tally_of(*sentences: list[dict]) -> int:
    tally, names = Tally(), set()
    for group in sentences:
        tally.take(statement(group, names), names)
    return int(tally.low or 0)


def test_statement_kinds():
    names: set[str] = set()
    assert statement([q("Four", 4, "people")], names).kind == "group"
    assert statement([q("A 26-year-old man", 1, "26-year-old man")], names).kind == "individual"
    assert statement([q("The victim", 1, "victim")], names).kind == "referring"
    assert statement([q("he", 1, "he")], names).kind == "referring"
    assert statement([q("two", 2, "more")], names).kind == "more"
    assert statement([q("three", 3, "other men")], names).kind == "other"
    assert statement([q("one", 1, "them", "of the")], names).kind == "subset"
    assert statement([q("137", 137, None, "rose")], names).kind == "update"
    assert statement([q("A third person", 1, "third person", "rank")], names).kind == "rank"


def test_individuals_after_a_group_are_its_members():
    assert tally_of([q("Four", 4, "people")], [q("A 26-year-old man", 1, "26-year-old man")],
                    [q("Another 26-year-old man", 1, "26-year-old man")], [q("A woman", 1, "woman")]) == 4
    # beyond the group they add
    assert tally_of([q("Two", 2, "people")], [q("A man", 1, "man", start=1), q("a boy", 1, "boy", start=9)],
                    [q("A woman", 1, "woman")]) == 3


def test_definites_pronouns_and_headline_nouns_never_add():
    assert tally_of([q("A 19-year-old man", 1, "19-year-old man")], [q("The man", 1, "man")], [q("He", 1, "He")],
                    [q("Teen", 1, "Teen")]) == 1
    assert tally_of([q("The victim", 1, "victim")]) == 1  # the first mention still counts


def test_more_adds_to_all_other_to_the_last_named():
    assert tally_of([q("Three", 3, "people")], [q("two", 2, "more")]) == 5
    assert tally_of([q("he", 1, "he")], [q("Three", 3, "other men", "also")]) == 4


def test_a_group_of_another_gender_is_not_told_by_its_members():
    assert tally_of([q("Two", 2, "men")], [q("A woman", 1, "woman", "also")]) == 3


def test_same_description_again_is_the_same_person_a_different_age_is_not():
    assert tally_of([q("a boy", 1, "boy")], [q("A 9-year-old boy", 1, "9-year-old boy")]) == 1
    assert tally_of([q("A 24-year-old man", 1, "24-year-old man")], [q("A 31-year-old man", 1, "31-year-old man")]) == 2


def test_a_name_first_heard_identifies_someone_described():
    assert tally_of([q("A 15-year-old", 1, "15-year-old")], [q("Jordan Ellis", 1, "Jordan Ellis")]) == 1
    assert tally_of([q("Jordan Ellis", 1, "Jordan Ellis")], [q("Maya Cole", 1, "Maya Cole")]) == 2


def test_ranks_set_a_floor():
    assert tally_of([q("Two", 2, "guards")], [q("a third", 1, "third", "rank")]) == 3
    tally, names = Tally(), set()
    tally.take(statement([q("A fourth victim", 1, "fourth victim", "rank overall")], names), names, other_victims=3)
    assert tally.low == 1  # three dead before: the fourth victim is one person hurt


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


def frames_of(nlp, text: str) -> list[tuple[bool, str | None, str | None]]:
    doc = nlp(text)
    toks = tokens_of(doc)
    return [(is_title_line(toks, lo, hi), roundup_cue(toks, lo, hi), scene_cue(toks, lo, hi))
            for lo, hi in sentence_bounds(doc, toks)]


def test_frames_of_a_round_up(nlp):
    text = ("3 wounded in weekend shootings\n"
            "Three people were wounded in shootings across the city over the weekend, police said.\n"
            "About 11 p.m. Saturday, a 20-year-old man was shot in the leg on Grand Avenue.\n"
            "The shootings happened within a mile of each other.")
    (title, cue0, _), (line, cue1, _), (_, _, scene), (_, cue3, _) = frames_of(nlp, text)
    assert title and not line
    assert cue0 is not None and cue1 is not None and "shootings" in cue1
    assert scene is not None and scene.startswith("About 11")
    assert cue3 is None  # "the shootings": one event told in full


def test_round_up_rows_are_kept_apart(nlp):
    text = ("Five people were shot in separate incidents overnight, police said.\n"
            "In the first shooting, a man was shot in the foot outside a bar.")
    rows = rollup_event_counts(extract_quantities(nlp(text)))
    by_scope = {(r["category"], r["scope"]): r["low"] for r in rows}
    assert by_scope == {("wounded", "incident"): 1, ("wounded", "roundup"): 5}
