"""Quantity extraction and the article rollup, on hand-written fixtures, with and without the parser."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.enrich.model import load_nlp
from pipeline.enrich.quantities.numbers import parse_numeral
from pipeline.enrich.quantities import extract_quantities, rollup_event_counts
from pipeline.sinks.schema import EVENT_COUNT, QUANTITY

# --- the fixture file and how a case is scored -----------------------------------------------
FIXTURES = Path(__file__).parent / "fixtures" / "quantities.yaml"
PEOPLE = ("killed", "wounded", "missing", "detained", "kidnapped", "displaced", "troops")
BOUND_KEYS = ("category", "value", "low", "high")
FLAG_KEYS = ("negated", "hypothetical")


def load_cases() -> list[dict[str, Any]]:
    return yaml.safe_load(FIXTURES.read_text(encoding="utf-8"))["cases"]


def locate(text: str, expected: dict) -> tuple[int, int]:
    start = text.index(expected["text"])
    return start, start + len(expected["text"])


def matches(q: dict, expected: dict, text: str) -> bool:
    """A found quantity matches an expected one: overlapping span, same category, value, bounds, flags."""
    s, e = locate(text, expected)
    if not (q["start"] < e and s < q["end"]):
        return False
    if any(q[k] != expected[k] for k in BOUND_KEYS):
        return False
    return all(q[k] == expected.get(k, False) for k in FLAG_KEYS)


def score(results: list[tuple[dict, list[dict]]]) -> dict[str, tuple[int, int, int]]:
    """Per category: (true positives, false positives, false negatives) over all cases.

    Predicted amounts count only where the case lists amounts (amounts are not exhaustively labelled)."""
    table: dict[str, list[int]] = {}
    for case, found in results:
        expected = case["expect"] or []
        text = case["text"]
        used: set[int] = set()
        for exp in expected:
            row = table.setdefault(exp["category"], [0, 0, 0])
            hit = next((k for k, q in enumerate(found) if k not in used and matches(q, exp, text)), None)
            if hit is None:
                row[2] += 1
            else:
                used.add(hit)
                row[0] += 1
        for k, q in enumerate(found):
            if k in used or q["category"] not in PEOPLE:
                continue
            table.setdefault(q["category"], [0, 0, 0])[1] += 1
    return {k: (v[0], v[1], v[2]) for k, v in table.items()}


def mismatches(case: dict, found: list[dict]) -> list[str]:
    """Human-readable differences between what a case expects and what was found (empty = pass)."""
    problems = []
    text = case["text"]
    used: set[int] = set()
    for exp in case["expect"] or []:
        hit = next((k for k, q in enumerate(found) if k not in used and matches(q, exp, text)), None)
        if hit is None:
            problems.append(f"missing {exp}")
            continue
        used.add(hit)
        for key in ("approximate", "unit", "object", "trigger", "qualifier", "attribution", "place"):
            if key in exp and found[hit][key] != exp[key]:
                problems.append(f"{exp['text']!r}: {key} is {found[hit][key]!r}, expected {exp[key]!r}")
    for k, q in enumerate(found):
        if k not in used and q["category"] in PEOPLE:
            problems.append(f"unexpected {q['category']} {q['text']!r} value={q['value']}")
    for bad in case.get("not_counts", []):
        for q in found:
            as_number = parse_numeral(bad)
            if bad in q["text"] and (as_number is None or q["value"] == as_number) and not (q["category"] == "amount" and q["unit"] not in (None, "count")):
                problems.append(f"{bad!r} read as a count: {q['category']} {q['text']!r}")
    return problems


CASES = load_cases()


@pytest.fixture(scope="module")
def nlp_tokens():
    return load_nlp()


@pytest.fixture(scope="module")
def nlp_parser():
    return load_nlp(with_parser=True)


@pytest.fixture(scope="module", params=["tokens", "parser"])
def nlp(request, nlp_tokens, nlp_parser):
    return nlp_tokens if request.param == "tokens" else nlp_parser


def quantities(nlp, text: str) -> list[dict]:
    return extract_quantities(nlp(text))


def test_fixture_set_is_large_and_covers_every_category():
    assert len(CASES) >= 60
    categories = {e["category"] for c in CASES for e in c["expect"]}
    assert categories >= set(PEOPLE) | {"amount"}
    assert any(e.get("negated") for c in CASES for e in c["expect"])
    assert any(e.get("hypothetical") for c in CASES for e in c["expect"])
    assert sum(1 for c in CASES if c.get("not_counts")) >= 6


def test_the_model_runs_without_a_parser(nlp_tokens, nlp_parser):
    assert not nlp_tokens("Three people were killed.").has_annotation("DEP")
    assert nlp_parser("Three people were killed.").has_annotation("DEP")


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:48] for c in CASES])
def test_fixture_sentence_without_parser(nlp_tokens, case):
    assert mismatches(case, quantities(nlp_tokens, case["text"])) == []


def test_precision_and_recall_per_category(nlp):
    results = [(case, quantities(nlp, case["text"])) for case in CASES]
    table = score(results)
    assert set(table) >= set(PEOPLE)
    for category, (tp, fp, fn) in table.items():
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        assert precision >= 0.9 and recall >= 0.9, (category, precision, recall, table)


def test_dicts_have_exactly_the_schema_fields_and_convert_to_arrow(nlp_tokens):
    text = ("At least 12 people were killed and dozens injured in Kabul on Monday, police said. "
            "No one was arrested. The city spent $3 million on repairs.")
    found = quantities(nlp_tokens, text)
    assert len(found) >= 4
    names = [f.name for f in QUANTITY]
    for q in found:
        assert list(q) == names
        assert text[q["start"]:q["end"]] == q["text"]
        assert q["sentence_start"] <= q["start"] < q["end"] <= q["sentence_end"]
    pa.array(found, type=QUANTITY)  # raises if a value has the wrong type
    rollup = rollup_event_counts(found)
    assert [f.name for f in EVENT_COUNT] == list(rollup[0])
    pa.array(rollup, type=EVENT_COUNT)


def test_entities_argument_picks_place_and_attribution(nlp_tokens):
    text = "Five people were killed in Springfield, the sheriff's office said."
    doc = nlp_tokens(text)
    start = text.index("Springfield")
    ents = [{"text": "Springfield", "label": "GPE", "start": start, "end": start + 11, "canonical": "Springfield, IL"}]
    (q,) = [q for q in extract_quantities(doc, ents) if q["category"] == "killed"]
    assert q["place"] == "Springfield, IL"
    assert q["attribution"] == "the sheriff's office"


def test_empty_and_numberless_texts(nlp_tokens):
    assert extract_quantities(nlp_tokens("")) == []
    assert extract_quantities(nlp_tokens("The talks ended without agreement.")) == []
    assert rollup_event_counts([]) == []


# --- rollup ---------------------------------------------------------------------------------

def rollup(nlp, text: str) -> dict[str, dict]:
    return {r["category"]: r for r in rollup_event_counts(quantities(nlp, text)) if r["scope"] == "incident"}


def test_rollup_counts_a_toll_repeated_in_lede_and_body_once(nlp):
    text = ("Twelve people were killed in a bombing in the capital on Friday.\n"
            "The explosion tore through a crowded market. Police said 12 people were killed and 30 wounded.")
    r = rollup(nlp, text)
    assert (r["killed"]["low"], r["killed"]["high"]) == (12, 12)
    assert r["killed"]["mentions"] == 2
    assert r["wounded"]["low"] == 30


def test_rollup_updated_toll_supersedes(nlp):
    text = ("At least 80 people died when the building collapsed. "
            "Rescuers worked through the night. By Sunday the death toll had risen to 137.")
    r = rollup(nlp, text)
    assert r["killed"]["low"] == 137


def test_rollup_separate_incidents_add_up(nlp):
    text = ("Three soldiers were killed in an ambush in Kandahar. "
            "In a separate attack in Herat, two other soldiers were killed.")
    assert rollup(nlp, text)["killed"]["low"] == 5


def test_rollup_incidents_marked_elsewhere_add_up(nlp):
    text = "Four people were killed in Mosul on Monday. Elsewhere, six people were killed in Basra."
    assert rollup(nlp, text)["killed"]["low"] == 10


def test_rollup_same_toll_with_a_finer_place_is_one(nlp):
    text = ("Six people were killed in Nineveh province on Monday. "
            "The six people were killed at a checkpoint near Mosul, police said.")
    assert rollup(nlp, text)["killed"]["low"] == 6


def test_rollup_adds_coordinated_people_in_one_sentence(nlp):
    r = rollup(nlp, "A soldier and two civilians were killed when the bomb exploded.")
    assert (r["killed"]["low"], r["killed"]["high"], r["killed"]["mentions"]) == (3, 3, 2)


def test_rollup_leader_and_other_suspects_add(nlp):
    text = ("Security forces captured a militia leader in the district yesterday. "
            "During the operation the force detained two suspected fighters.")
    assert rollup(nlp, text)["detained"]["low"] == 3


def test_rollup_subset_does_not_add(nlp):
    text = "The floods killed 30 people. Among the dead were eight children."
    assert rollup(nlp, text)["killed"]["low"] == 30


def test_rollup_skips_negated_and_hypothetical(nlp):
    r = rollup(nlp, "No one was killed in the blast. The group had threatened to kill 100 hostages.")
    assert r["killed"]["low"] == 0 and r["killed"]["mentions"] == 0
    r = rollup(nlp, "Officials warned the storm could displace 5,000 residents.")
    assert "displaced" not in r


def test_rollup_vague_and_bounds(nlp):
    r = rollup(nlp, "Several insurgents were killed and more than 10 were detained.")
    assert r["killed"] == {"category": "killed", "low": 3, "high": None, "approximate": True, "mentions": 1,
                           "scope": "incident"}
    assert (r["detained"]["low"], r["detained"]["high"]) == (11, None)


def test_rollup_leaves_out_running_totals_and_history(nlp):
    text = ("Police arrested two men on Friday. Since January, police have arrested more than 400 people. "
            "One of the men was linked to a bombing that killed 12 people.")
    r = rollup(nlp, text)
    assert r["detained"]["low"] == 2
    assert "killed" not in r


def test_rollup_leaves_out_either_or_counts(nlp):
    r = rollup(nlp, "Troops captured or killed dozens of fighters. Two soldiers were wounded.")
    assert "killed" not in r and "detained" not in r
    assert r["wounded"]["low"] == 2


def test_rollup_ignores_amounts():
    amount = {"category": "amount", "low": 5.0, "high": 5.0, "negated": False, "hypothetical": False}
    assert rollup_event_counts([amount]) == []


# --- cost -------------------------------------------------------------------------------------

def _cost_share(nlp, texts: list[str]) -> tuple[float, float]:
    """CPU seconds of the rules and of the model over `texts`: a ratio, robust to a busy machine."""
    list(nlp.pipe(texts[:5]))  # warm-up
    t0 = time.process_time()
    docs = list(nlp.pipe(texts))
    t_nlp = time.process_time() - t0
    t0 = time.process_time()
    for doc in docs:
        extract_quantities(doc)
    return time.process_time() - t0, t_nlp


def test_extraction_costs_well_under_a_fifth_of_the_nlp_time(nlp_tokens):
    t_rules, t_nlp = _cost_share(nlp_tokens, [c["text"] for c in CASES] * 3)
    assert t_rules < 0.2 * t_nlp, (t_rules, t_nlp)


def test_cost_stays_linear_on_one_long_article(nlp_tokens):
    # one Doc of ~300 sentences: nothing may scan the whole document per count
    long_text = "\n".join(c["text"] for c in CASES * 3)
    t_rules, t_nlp = _cost_share(nlp_tokens, [long_text])
    assert t_rules < 0.2 * t_nlp, (t_rules, t_nlp)


# --- robustness -------------------------------------------------------------------------------

_WORDS = ["3", "2,500", "1.5", "million", "twenty", "-", "one", "a", "the", "no", "several", "dozens", "of",
          "people", "soldiers", "were", "was", "killed", "wounded", "arrested", "at", "least", "between", "and",
          "to", "in", "Kabul", "2011", "said", "police", "not", "could", ",", ".", "\n", "$", "%", "he", "both",
          "since", "June", "or", "others", "along", "with", "toll", "rose", "23-year-old", "Route", "66"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(_WORDS), min_size=0, max_size=40))
def test_any_word_salad_gives_well_formed_quantities(nlp_tokens, words):
    text = " ".join(words)
    found = extract_quantities(nlp_tokens(text))
    for q in found:
        assert text[q["start"]:q["end"]] == q["text"]
        assert q["low"] is None or q["high"] is None or q["low"] <= q["high"]
        assert q["category"] in set(PEOPLE) | {"amount"}
    for row in rollup_event_counts(found):
        assert row["low"] is None or row["low"] >= 0


def test_a_blank_pipeline_without_tags_or_sentences_does_not_fail():
    import spacy

    doc = spacy.blank("en")("At least 3 people were killed and $5 million was lost.\nNo one was hurt.")
    found = extract_quantities(doc)
    assert any(q["text"] == "At least 3" and q["low"] == 3 for q in found)
    assert any(q["unit"] == "USD" and q["value"] == 5_000_000 for q in found)


def test_rollup_people_pointed_back_to_do_not_add(nlp):
    text = ("Security forces captured a militia leader and two fighters on Monday. "
            "He and one of his associates were later taken into custody.")
    r = rollup(nlp, text)
    assert r["detained"]["low"] == 3
    assert r["detained"]["mentions"] == 4
