"""The bundled sample corpus through extraction and enrichment, places included (as tests/enrich/test_sample_counts.py
runs it): every English article's dateline resolves to its country and division, and every count row that
names a place carries that place's geo."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import pipeline.enrich.quantities as quantities_module
from pipeline.enrich.entities import common_words
from pipeline.enrich.model import load_nlp
from pipeline.enrich.transforms import enrich_batch
from pipeline.extract.article import extract_article
from tests.enrich.test_sample_counts import ARTICLES, ENGLISH, _page

TRUTH = yaml.safe_load((Path(__file__).parent / "sample_places.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def rows(gaz) -> dict[str, dict]:
    nlp = load_nlp()
    pages = [extract_article(_page(a), "sample") for a in ARTICLES]
    enriched = enrich_batch(nlp, pages, quantities=quantities_module, known_words=common_words(nlp), gazetteer=gaz)
    return {a["id"]: row for a, row in zip(ARTICLES, enriched)}


def test_every_english_article_is_listed():
    assert {a["id"] for a in ENGLISH} == set(TRUTH)


@pytest.mark.parametrize("article_id", sorted(TRUTH))
def test_the_dateline_resolves_to_its_country_and_division(rows, article_id):
    row, truth = rows[article_id], TRUTH[article_id]
    assert row["dateline_place"] == truth["dateline"]
    place = row["dateline_geo"]
    assert place is not None and place["country_code"] == truth["country"], place
    if "admin1" in truth:
        assert place["admin1"] == truth["admin1"], place
    assert row["countries"] and truth["country"] in row["countries"]
    # the article is about its dateline's country unless it was filed from elsewhere (`about`)
    about = truth.get("about", truth["country"])
    assert row["primary_country"] == about and row["main_place"]["country_code"] == about, row["main_place"]
    if about == truth["country"]:
        assert row["main_place"] == place  # the story's place is the dateline's


def test_count_rows_that_name_a_place_carry_its_geo(rows):
    named = [q for row in rows.values() for q in row["quantities"] if q["place"]]
    assert len(named) > 40
    placed = [q for q in named if q["place_geo"]]
    # the count rows whose place is a known place: all of them (the rest are the model's misreadings,
    # "dark sea", a person's name tagged as a place, or places no gazetteer holds: Abu Shouk and Tawila camps)
    unplaced = {q["place"] for q in named if not q["place_geo"]}
    assert unplaced <= {"dark sea", "Prabowo", "Abu Shouk", "Tawila"}, unplaced
    for q in placed:
        assert q["place_geo"]["country_code"] or q["place_geo"]["feature_code"] in {"CONT", "SEA", "OCN", "RGN"}


def test_a_page_the_english_model_skips_still_has_its_dateline_place(rows):
    (german,) = [rows[a["id"]] for a in ARTICLES if a["language"] != "en"]
    assert german["entities"] == [] and german["dateline_place"] == "SITTEN"
    assert german["primary_country"] == "CH" and german["countries"] == ["CH"]  # Sitten is Sion, Valais
    assert german["main_place"]["admin1"] == "Valais"
