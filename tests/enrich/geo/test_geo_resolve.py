"""The resolver: a pure function from (mention, candidates, article context) to a choice with a reason.

First on hand-made places (each term of the score on its own), then on the real gazetteer with the
ambiguous names of ambiguous_places.yaml, each in a context that decides it and one that does not.
"""

from __future__ import annotations

import pytest
from geo_cases import CASES, entities_of

from pipeline.enrich.geo.attach import resolve_places
from pipeline.enrich.geo.candidates import Candidate, Mention
from pipeline.enrich.geo.gazetteer import ADMIN1, CITY, COUNTRY, Place
from pipeline.enrich.geo.resolve import (
    MIN_SCORE,
    PRIOR_ONLY_FACTOR,
    Context,
    km,
    resolve,
    spatial_support,
)


def place(row: int, name: str, kind: int, cc: str, admin1: str | None = None, pop: int = 0,
          lat: float = 0.0, lon: float = 0.0, feature: str | None = None) -> Place:
    feature = feature or {CITY: "PPL", ADMIN1: "ADM1", COUNTRY: "PCLI"}[kind]
    return Place(row, 1000 + row, name, kind, feature, cc, admin1, admin1, lat, lon, pop)


PARIS_FR = place(1, "Paris", CITY, "FR", "11", 2_138_551, 48.85, 2.35, "PPLC")
PARIS_TX = place(2, "Paris", CITY, "US", "TX", 24_782, 33.66, -95.56)
TEXAS = place(3, "Texas", ADMIN1, "US", "TX", 25_000_000, 31.25, -99.25)
KABUL_PROVINCE = place(4, "Kabul", ADMIN1, "AF", "13", 4_500_000, 34.5, 69.2)
KABUL_CITY = place(5, "Kabul", CITY, "AF", "13", 4_434_550, 34.53, 69.17, "PPLC")
DALLAS = place(6, "Dallas", CITY, "US", "TX", 1_300_000, 32.78, -96.8)


def paris(**kw) -> Mention:
    return Mention("Paris", "GPE", candidates=[Candidate(PARIS_FR, False), Candidate(PARIS_TX, False)], **kw)


def test_the_prior_decides_alone_with_lowered_confidence():
    choice = resolve(paris(), Context())
    assert choice.place is PARIS_FR
    assert choice.reason.startswith("prior: a capital")
    assert "over Paris, US" in choice.reason
    assert choice.confidence <= PRIOR_ONLY_FACTOR


def test_containment_written_in_the_text_decides():
    choice = resolve(paris(container=TEXAS), Context())
    assert choice.place is PARIS_TX
    assert "in Texas (written)" in choice.reason
    assert choice.confidence > 0.9


def test_the_articles_other_places_decide():
    ctx = Context(country_weight={"US": 3.0}, admin1_weight={"US.TX": 2.0}, points=((DALLAS.lat, DALLAS.lon),))
    choice = resolve(paris(), ctx)
    assert choice.place is PARIS_TX
    assert "in US" in choice.reason and "km from another place" in choice.reason


def test_a_dateline_in_the_same_division_weighs():
    ctx = Context(dateline=DALLAS, country_weight={"US": 1.0}, admin1_weight={"US.TX": 1.0})
    assert resolve(paris(), ctx).place is PARIS_TX


def test_a_town_named_like_its_division_is_the_town_unless_called_a_province():
    both = [Candidate(KABUL_PROVINCE, False), Candidate(KABUL_CITY, False)]
    assert resolve(Mention("Kabul", "GPE", candidates=both), Context()).place is KABUL_CITY
    assert resolve(Mention("Kabul", "GPE", candidates=both, designator="admin"), Context()).place is KABUL_PROVINCE


def test_a_demonym_is_its_country():
    iraq = place(7, "Iraq", COUNTRY, "IQ", pop=40_000_000)
    choice = resolve(Mention("Iraqi", "NORP", demonym=iraq), Context())
    assert choice.place is iraq and choice.reason == "demonym of Iraq"


def test_a_town_abroad_that_fits_no_other_place_of_the_article_gives_no_place():
    hamlet = place(8, "Ashcombe", CITY, "GB", "ENG", 2_000, 51.5, -0.2)
    m = Mention("Ashcombe", "GPE", candidates=[Candidate(hamlet, False)])
    assert resolve(m, Context()).place is hamlet  # alone, the only candidate
    choice = resolve(m, Context(country_weight={"US": 5.0}))  # an all-American article: a hamlet in England does not fit
    assert choice.place is None and "no candidate fits" in choice.reason and choice.score < MIN_SCORE


def test_alternate_names_only_for_names_with_a_place_of_their_own_name_count_less():
    hong_kong = place(9, "Hong Kong", CITY, "HK", None, 7_400_000)  # "Victoria" is one of its old names
    victoria = place(10, "Victoria", CITY, "CA", "BC", 290_000)
    m = Mention("Victoria", "GPE", candidates=[Candidate(hong_kong, True), Candidate(victoria, False)])
    assert resolve(m, Context()).place is victoria


def test_a_small_division_does_not_outrank_a_much_larger_town_of_its_name():
    parish = place(15, "Portland", ADMIN1, "JM", "07", 22_000)  # a division's population: its places summed
    city = place(16, "Portland", CITY, "US", "OR", 650_000)
    state = place(17, "Victoria", ADMIN1, "AU", "07", 6_000_000)
    town = place(18, "Victoria", CITY, "CA", "BC", 290_000)
    assert resolve(Mention("Portland", "GPE", candidates=[Candidate(parish, False), Candidate(city, False)]),
                   Context()).place is city
    assert resolve(Mention("Victoria", "GPE", candidates=[Candidate(state, False), Candidate(town, False)]),
                   Context()).place is state


def test_names_that_lie_together_support_each_other():
    # three invented towns of one county in Minnesota; "Lakeview" is also a larger town in Florida
    lakeview_mn = place(11, "Lakeview", CITY, "US", "MN", 3_000, 46.10, -94.40)
    lakeview_fl = place(12, "Lakeview", CITY, "US", "FL", 100_000, 28.00, -82.30)
    elm_grove_mn = place(13, "Elm Grove", CITY, "US", "MN", 300, 46.00, -94.55)
    cedar_bend_mn = place(14, "Cedar Bend", CITY, "US", "MN", 13_000, 46.25, -94.20)
    lists = [[Candidate(lakeview_mn, False), Candidate(lakeview_fl, False)],
             [Candidate(elm_grove_mn, False)], [Candidate(cedar_bend_mn, False)]]
    support = spatial_support(lists)
    assert support[0] == {11: (2, False)}  # two other names within 60 km of Lakeview, Minn.; none of Lakeview, Fla.
    m = Mention("Lakeview", "GPE", candidates=lists[0])
    tied = {"US.MN": 1.0, "US.FL": 1.0}  # the other names alone do not decide between the two states
    assert resolve(m, Context(admin1_weight=tied)).place is lakeview_fl  # the larger town
    choice = resolve(m, Context(admin1_weight=tied, support=support[0]))
    assert choice.place is lakeview_mn and "2 other names of the article lie within 60 km" in choice.reason


def test_a_division_another_name_can_be_speaks_for_the_towns_in_it():
    athens_oh = place(19, "Athens", CITY, "US", "OH", 25_000, 39.33, -82.10)
    athens_al = place(20, "Athens", CITY, "US", "AL", 26_000, 34.80, -86.97)
    ohio = place(21, "Ohio", ADMIN1, "US", "OH", 11_000_000)
    lists = [[Candidate(athens_oh, False), Candidate(athens_al, False)], [Candidate(ohio, False)]]
    support = spatial_support(lists)
    assert support[0] == {19: (0, True)} and support[1] == {21: (0, True)}  # each can hold or lie in the other
    m = Mention("Athens", "GPE", candidates=lists[0])
    assert resolve(m, Context()).place is athens_al  # the larger, by a little
    choice = resolve(m, Context(support=support[0]))
    assert choice.place is athens_oh and "another name of the article can be its division" in choice.reason


def test_the_sites_country_is_a_weak_hint():
    hamilton_ca = place(22, "Hamilton", CITY, "CA", "ON", 570_000)
    hamilton_nz = place(23, "Hamilton", CITY, "NZ", "WKO", 170_000)
    m = Mention("Hamilton", "GPE", candidates=[Candidate(hamilton_ca, False), Candidate(hamilton_nz, False)])
    assert resolve(m, Context()).place is hamilton_ca
    choice = resolve(m, Context(site_country="NZ"))  # a New Zealand site tips a near tie
    assert choice.place is hamilton_nz and "site in NZ" in choice.reason
    assert resolve(m, Context(site_country="NZ", country_weight={"CA": 2.0})).place is hamilton_ca  # never the text


def _town(row: int, lat: float, lon: float, cc: str = "XX") -> list[Candidate]:
    return [Candidate(place(row, f"Town {row}", CITY, cc, "01", 1_000, lat, lon), False)]


@pytest.mark.parametrize("a, b", [
    ((65.0, 24.95), (65.0, 26.01)),  # 65°N: 50 km apart, two 1° cells apart (a degree of longitude is 47 km there)
    ((70.5, 30.9), (70.6, 32.2)),  # 70°N: 49 km apart, across two cell boundaries
    ((-16.8, 179.95), (-16.75, -179.8)),  # a Fiji-like pair astride the antimeridian, 27 km apart
    ((65.0, 179.6), (65.1, -179.7)),  # a Chukotka-like pair, high and astride the antimeridian, 35 km apart
])
def test_neighbours_within_60_km_are_found_at_high_latitudes_and_across_the_antimeridian(a, b):
    assert km(*a, *b) <= 60.0
    lists = [_town(1, *a), _town(2, *b), _town(3, *b)]
    support = spatial_support(lists)
    assert support[0] == {1: (2, False)}, support  # both names beside the first are its neighbours
    assert support[1][2][0] == 2 and support[2][3][0] == 2


def test_towns_further_than_60_km_are_no_neighbours_wherever_they_are():
    for a, b in [((65.0, 24.0), (65.0, 25.5)), ((-16.8, 179.5), (-16.8, -179.5)), ((0.0, 10.0), (0.0, 10.6))]:
        assert km(*a, *b) > 60.0
        assert spatial_support([_town(1, *a), _town(2, *b), _town(3, *b)])[0] == {}, (a, b)


def test_km():
    assert km(48.8566, 2.3522, 51.5072, -0.1276) == pytest.approx(344, abs=2)


CASE_PARAMS = [(c["name"], i, d) for c in CASES for i, d in enumerate(c["decided"])]


def _choice(gaz, name: str, case: dict):
    entities = entities_of(case["text"], case["places"], case.get("norp", []), case.get("orgs", []))
    resolved = resolve_places(entities, case["text"],
                              case.get("dateline"), case.get("url"), gaz)
    return next(r.choice for r in resolved if r.mention.name == name and not r.mention.is_dateline)


def _check(choice, expect: dict) -> None:
    p = choice.place
    assert p is not None, choice.reason
    assert p.country_code == expect["country"], choice.reason
    if "name" in expect:
        assert p.name == expect["name"], choice.reason
    if "admin1" in expect:
        assert p.admin1 == expect["admin1"], choice.reason
    if "feature" in expect:
        assert p.feature_code == expect["feature"], choice.reason


@pytest.mark.parametrize("name, i, case", CASE_PARAMS, ids=[f"{n}-decided-{i}" for n, i, _ in CASE_PARAMS])
def test_an_ambiguous_name_in_a_context_that_decides_it(gaz, name, i, case):
    choice = _choice(gaz, name, case)
    _check(choice, case["expect"])
    assert not choice.reason.startswith("prior:"), choice.reason  # the context decided, and says how


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_an_ambiguous_name_in_a_context_that_does_not_decide_it(gaz, case):
    undecided = case["undecided"]
    choice = _choice(gaz, case["name"], undecided)
    _check(choice, undecided["expect"])
    if "max_confidence" in undecided:
        assert choice.reason.startswith("prior:"), choice.reason
        assert choice.confidence <= undecided["max_confidence"]
