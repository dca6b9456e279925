"""The article rollup on short hand-written articles (fixtures/quantities_rollup.yaml), with and without the parser."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipeline.enrich.model import load_nlp
from pipeline.enrich.quantities import extract_quantities, rollup_event_counts
from pipeline.enrich.quantities import PEOPLE_CATEGORIES

FIXTURES = Path(__file__).parent / "fixtures" / "quantities_rollup.yaml"
CASES = yaml.safe_load(FIXTURES.read_text(encoding="utf-8"))["cases"]


@pytest.fixture(scope="module", params=["tokens", "parser"])
def nlp(request):
    return load_nlp(with_parser=request.param == "parser")


def rollup_lows(nlp, text: str) -> dict[str, int]:
    found = {c: 0 for c in PEOPLE_CATEGORIES}
    for row in rollup_event_counts(extract_quantities(nlp(text))):
        if row["scope"] == "incident":
            found[row["category"]] = int(row["low"] or 0)
    return found


def test_fixture_file_covers_the_rules():
    assert len(CASES) >= 12
    assert all(case["rule"] and case["text"].strip() for case in CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["rule"][:60] for c in CASES])
def test_rollup_of_fixture_article(nlp, case):
    expected = {c: int(case["expect"].get(c, 0)) for c in PEOPLE_CATEGORIES}
    assert rollup_lows(nlp, case["text"]) == expected


def test_background_counts_stay_in_quantities_flagged(nlp):
    text = CASES[0]["text"]
    flagged = [q for q in extract_quantities(nlp(text)) if "background" in (q["qualifier"] or "").split()]
    assert {q["category"] for q in flagged} == {"killed", "displaced"}


def test_cumulative_totals_get_rows_of_their_own(nlp):
    text = "Floods forced 3,000 people from their homes on Sunday. Since June, more than 90,000 have been displaced."
    rows = {(r["category"], r["scope"]): r for r in rollup_event_counts(extract_quantities(nlp(text)))}
    assert rows[("displaced", "incident")]["low"] == 3000
    assert rows[("displaced", "cumulative")]["low"] == 90_001


def test_conflicting_figures_keep_the_range(nlp):
    text = "Hospital staff said 18 people were wounded, while police put the number at 25."
    (row,) = [r for r in rollup_event_counts(extract_quantities(nlp(text))) if r["category"] == "wounded"]
    assert (row["low"], row["high"]) == (18, 25)
