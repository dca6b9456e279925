"""The word lists the count rules read, loaded once from the YAML files in `data/`.

The lists are data so a reader can audit (and a maintainer edit) what decides a category without
reading code: `triggers.yaml` (what makes a count `killed`, `wounded`, ...), `people.yaml` (who is
counted), `context.yaml` (negation, hypotheticals, updates, background totals), `numbers.yaml`
(bounds, vague quantifiers, what is not a count) and `units.yaml`. Each name below is one key of
those files, upper-cased; lists become frozensets, mappings dicts.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def _file(name: str) -> dict[str, Any]:
    text = resources.files("pipeline.enrich.quantities").joinpath("data", name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _words(name: str, key: str) -> frozenset[str]:
    values = _file(name)[key]
    if not all(isinstance(v, str) for v in values):  # a bare `no` or `on` in YAML is a boolean: quote it
        raise ValueError(f"{name}: {key} holds a value that is not a string: {values!r}")
    return frozenset(values)


def _mapping(name: str, key: str) -> dict[str, Any]:
    return dict(_file(name)[key])


# triggers.yaml
PEOPLE_CATEGORIES: tuple[str, ...] = tuple(_file("triggers.yaml")["people_categories"])
EVENT_TRIGGERS: dict[str, str] = _mapping("triggers.yaml", "event_triggers")
NOUN_TRIGGERS = _words("triggers.yaml", "noun_triggers")
ADJ_TRIGGERS: dict[str, str] = _mapping("triggers.yaml", "adj_triggers")
INTRANSITIVE = _words("triggers.yaml", "intransitive")
REFLEXIVES = _words("triggers.yaml", "reflexives")
TOLL_VERBS = _words("triggers.yaml", "toll_verbs")
TOLL_NOUNS = _words("triggers.yaml", "toll_nouns")
FATAL_ADVERBS = _words("triggers.yaml", "fatal_adverbs")
FATAL_ADJECTIVES = _words("triggers.yaml", "fatal_adjectives")
CUSTODY_VERBS = _words("triggers.yaml", "custody_verbs")
MODIFIER_TRIGGERS: dict[str, str] = _mapping("triggers.yaml", "modifier_triggers")
MULTIPLE_WORDS: dict[str, int] = _mapping("triggers.yaml", "multiple_words")
MULTIPLE_EVENTS: dict[str, str] = _mapping("triggers.yaml", "multiple_events")
HIT_VERBS = _words("triggers.yaml", "hit_verbs")
GUNFIRE_NOUNS = _words("triggers.yaml", "gunfire_nouns")
SUFFER_VERBS = _words("triggers.yaml", "suffer_verbs")
INJURY_NOUNS = _words("triggers.yaml", "injury_nouns")
ABDUCT_VERBS = _words("triggers.yaml", "abduct_verbs")
ARMED_GROUPS = _words("triggers.yaml", "armed_groups")
STATE_AGENTS = _words("triggers.yaml", "state_agents")
EXCHANGE_WORDS = _words("triggers.yaml", "exchange_words")
TROOP_NOUNS = _words("triggers.yaml", "troop_nouns")
TROOP_MOVE_LEMMAS = _words("triggers.yaml", "troop_move_lemmas")
DISPLACE_VERBS = _words("triggers.yaml", "displace_verbs")
REFUGE_VERBS = _words("triggers.yaml", "refuge_verbs")
REFUGE_NOUNS = _words("triggers.yaml", "refuge_nouns")
HOME_NOUNS = _words("triggers.yaml", "home_nouns")
SHELTER_NOUNS = _words("triggers.yaml", "shelter_nouns")
ESCAPE_PLACES = _words("triggers.yaml", "escape_places")
OFFENDER_NOUNS = _words("triggers.yaml", "offender_nouns")
UNCERTAIN_WOUND_LEMMAS = _words("triggers.yaml", "uncertain_wound_lemmas")
TARGET_NOUNS = _words("triggers.yaml", "target_nouns")
BODY_PARTS = _words("triggers.yaml", "body_parts")
ADJUNCT_CONJUNCTIONS = _words("triggers.yaml", "adjunct_conjunctions")
HOSPITAL_CONDITIONS = _words("triggers.yaml", "hospital_conditions")
HOSPITAL_WORDS = _words("triggers.yaml", "hospital_words")
CARRY_VERBS = _words("triggers.yaml", "carry_verbs")
ARRIVE_VERBS = _words("triggers.yaml", "arrive_verbs")
HEADLINE_VERB_FORMS: dict[str, tuple[str, str]] = {
    form: (lemma, tag) for form, (lemma, tag) in _mapping("triggers.yaml", "headline_verb_forms").items()}

# people.yaml
PERSON_NOUNS = _words("people.yaml", "person_nouns")
PERSON_SUFFIXES: tuple[str, ...] = tuple(_file("people.yaml")["person_suffixes"])
NOT_PERSON = _words("people.yaml", "not_person")
GENERIC_OBJECTS = _words("people.yaml", "generic_objects")
TIME_NOUNS = _words("people.yaml", "time_nouns")
ORDINALS = _words("people.yaml", "ordinals")
# "second" -> 2, "third" -> 3 ... (the list is in order, from "second")
RANKS: dict[str, int] = {word: n for n, word in enumerate(_file("people.yaml")["ordinals"], start=2)}
COLLECTIVE_NOUNS = _words("people.yaml", "collective_nouns")
MALE_NOUNS = _words("people.yaml", "male_nouns")
FEMALE_NOUNS = _words("people.yaml", "female_nouns")
DYING_LEMMAS = _words("people.yaml", "dying_lemmas")

# context.yaml
PASSIVE_HELPERS = _words("context.yaml", "passive_helpers")
PRE_SKIP = _words("context.yaml", "pre_skip")
UPDATE_WORDS = _words("context.yaml", "update_words")
SUBSET_WORDS = _words("context.yaml", "subset_words")
ADDITIVE_WORDS = _words("context.yaml", "additive_words")
MODALS = _words("context.yaml", "modals")
PLANNED_MODALS = _words("context.yaml", "planned_modals")
HYPOTHETICAL_VERBS = _words("context.yaml", "hypothetical_verbs")
HYPOTHETICAL_MARKERS = _words("context.yaml", "hypothetical_markers")
REPORTING_LEMMAS = _words("context.yaml", "reporting_lemmas")
BACKGROUND_CUES: frozenset[tuple[str, ...]] = frozenset(
    tuple(cue.split()) for cue in _words("context.yaml", "background_cues"))
BACKGROUND_QUALIFIERS = _words("context.yaml", "background_cues") | {"since"}
PAST_PERIOD_NOUNS = _words("context.yaml", "past_period_nouns")
CONFLICT_NOUNS = _words("context.yaml", "conflict_nouns")
CUMULATIVE_WORDS = _words("context.yaml", "cumulative_words")
RELEASE_LEMMAS = _words("context.yaml", "release_lemmas")
RELEASED_THINGS = _words("context.yaml", "released_things")
FIGURE_NOUNS = _words("context.yaml", "figure_nouns")
CONTRAST_WORDS = _words("context.yaml", "contrast_words")
EARLIER_WORDS = _words("context.yaml", "earlier_words")
RETRACTING_WORDS = _words("context.yaml", "retracting_words")
RECENT_PERIOD_NOUNS = _words("context.yaml", "recent_period_nouns")
INCIDENT_NOUNS = _words("context.yaml", "incident_nouns")
SEVERAL_WORDS = _words("context.yaml", "several_words")

# numbers.yaml
VAGUE_FIRST = _words("numbers.yaml", "vague_first")
SCALE_AFTER_A = _words("numbers.yaml", "scale_after_a")
MONTHS = _words("numbers.yaml", "months")
DESIGNATORS = _words("numbers.yaml", "designators")
STREET_WORDS = _words("numbers.yaml", "street_words")
SCORE_WORDS = _words("numbers.yaml", "score_words")
AGE_WORDS = _words("numbers.yaml", "age_words")
CLOCK_WORDS = _words("numbers.yaml", "clock_words")
UNIT_WORDS = _words("numbers.yaml", "unit_words")
TEN_WORDS = _words("numbers.yaml", "ten_words")
SCALE_WORDS = _words("numbers.yaml", "scale_words")
SCALE_SUFFIXES: dict[str, int] = _mapping("numbers.yaml", "scale_suffixes")
# phrase (lower-case words) -> bound kind: min, gt, max, lt, near, approx, exact
QUALIFIERS: dict[tuple[str, ...], str] = {
    tuple(phrase.split()): kind for kind, phrases in _mapping("numbers.yaml", "qualifiers").items() for phrase in phrases
}
# phrase -> (value, low, high), high None = open
VAGUE_QUANTIFIERS: dict[str, tuple[float, float, float | None]] = {
    phrase: (value, low, high) for phrase, (value, low, high) in _mapping("numbers.yaml", "vague_quantifiers").items()
}

# units.yaml
CURRENCY_SYMBOLS: dict[str, str] = _mapping("units.yaml", "currency_symbols")
CURRENCY_WORDS: dict[str, str] = _mapping("units.yaml", "currency_words")
MEASURE_UNITS: dict[str, str] = _mapping("units.yaml", "measure_units")
