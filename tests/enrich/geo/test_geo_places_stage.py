"""The places step in enrichment: the geo columns of an article, then the step inside enrich_batch,
the DoFn and a small Beam pipeline."""

from __future__ import annotations

import apache_beam as beam
import pytest
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that
from geo_cases import entities_of

import pipeline.enrich.quantities as quantities_module
from pipeline.enrich.entities import summarize_entities
from pipeline.enrich.geo.attach import place_columns
from pipeline.enrich.transforms import EnrichArticles, enrich_batch

TEXT = ("Turkish police detained 12 people in Hama, and two soldiers were killed near Homs, Syria. "
        "Syria's army said Homs was calm. Officials in Damascus and Ankara gave no figures.")
PLACES = ["Hama", "Homs", "Syria", "Damascus", "Ankara"]


@pytest.fixture(scope="module")
def columns(gaz) -> dict:
    entities = entities_of(TEXT, PLACES, ["Turkish"])
    quantities = [{"text": "12", "place": "Hama"}, {"text": "two", "place": "Homs"}, {"text": "3", "place": None},
                  {"text": "5", "place": "Aleppo"}]  # a place no entity printed: resolved in the article's context
    article = {"text": TEXT, "dateline_place": "BEIRUT", "url": "https://example.com/a"}
    return place_columns(article, entities, summarize_entities(entities), quantities, gaz)


def test_every_place_entity_has_its_geo(columns):
    by_text = {e["text"]: e["geo"] for e in columns["entities"]}
    assert by_text["Hama"]["country_code"] == "SY" and by_text["Hama"]["admin1"] == "Hama"
    assert by_text["Homs"]["admin1"] == "Homs" and by_text["Homs"]["feature_code"] == "PPL"
    assert by_text["Syria"]["feature_code"] == "PCLI" and by_text["Syria"]["geonames_id"] == 163843
    assert by_text["Ankara"]["country_code"] == "TR"
    assert by_text["Turkish"]["country_code"] == "TR"  # a demonym as a modifier: its country
    for geo in by_text.values():
        assert 0 < geo["confidence"] <= 1 and -90 <= geo["lat"] <= 90


def test_summary_countries_and_primary_country(columns):
    summary = {s["canonical"]: s["geo"] for s in columns["entity_summary"]}
    assert summary["Homs"]["admin1"] == "Homs" and summary["Turkish"]["country_code"] == "TR"
    assert columns["countries"] == ["SY", "TR", "LB"]  # most mentioned first; the dateline weighs 1.5 mentions
    # filed from BEIRUT about fighting in Syria: the article is about Syria, its place the most mentioned there
    assert columns["primary_country"] == "SY"
    assert columns["main_place"]["country_code"] == "SY" and columns["main_place"]["name"] == "Homs"


def test_the_dateline_decides_between_countries_mentioned_as_often(gaz):
    text = "Police in Geneva said two men were arrested. Officials in Yemen confirmed the exchange."
    entities = entities_of(text, ["Geneva", "Yemen"], [])
    out = place_columns({"text": text, "dateline_place": "GENEVA"}, entities, summarize_entities(entities), [], gaz)
    assert out["countries"] == ["CH", "YE"] and out["primary_country"] == "CH"
    assert out["main_place"]["name"] == "Geneva"


def test_count_rows_naming_a_place_carry_its_geo(columns):
    by_text = {q["text"]: q["place_geo"] for q in columns["quantities"]}
    assert by_text["12"]["admin1"] == "Hama"
    assert by_text["two"]["name"] == "Homs"
    assert by_text["3"] is None
    assert by_text["5"]["country_code"] == "SY" and by_text["5"]["name"] == "Aleppo"


def test_without_a_dateline_the_most_mentioned_country_is_primary(gaz):
    entities = entities_of(TEXT, PLACES, ["Turkish"])
    out = place_columns({"text": TEXT}, entities, summarize_entities(entities), [], gaz)
    assert out["primary_country"] == out["countries"][0] == "SY"
    assert out["main_place"]["name"] in {"Homs", "Syria"}  # the most mentioned place


ARTICLE = {"url": "https://example.com/kabul", "language": "en", "dateline_place": "KABUL",
           "text": "A suicide bomber killed six people outside a ministry in Kabul, police in Kabul province said."}


def test_enrich_batch_fills_the_geo_columns(nlp, gaz):
    row = next(enrich_batch(nlp, [ARTICLE], quantities=quantities_module, gazetteer=gaz))
    assert row["enrichment_status"] == "ok"
    assert row["primary_country"] == "AF" and row["countries"][0] == "AF"
    kabul = [e for e in row["entities"] if e["text"] == "Kabul"]
    assert kabul and all(e["geo"]["country_code"] == "AF" for e in kabul)
    killed = [q for q in row["quantities"] if q["category"] == "killed"]
    assert killed and killed[0]["place"] == "Kabul" and killed[0]["place_geo"]["country_code"] == "AF"


def test_a_failing_places_step_keeps_entities_and_counts(nlp):
    class Broken:
        def __getattr__(self, name):
            raise RuntimeError("gazetteer unreadable")

    row = next(enrich_batch(nlp, [ARTICLE], quantities=quantities_module, gazetteer=Broken()))
    assert row["enrichment_status"].startswith("partial: places failed (RuntimeError")
    assert row["entities"] and row["quantities"]  # nothing else lost


def test_skipped_articles_keep_only_their_dateline_place(nlp, gaz):
    row = next(enrich_batch(nlp, [{**ARTICLE, "language": "de"}], gazetteer=gaz))
    assert row["entities"] == [] and row["primary_country"] == "AF" and row["countries"] == ["AF"]
    row = next(enrich_batch(nlp, [{**ARTICLE, "language": "de", "dateline_place": None}], gazetteer=gaz))
    assert row["countries"] == [] and row["primary_country"] is None


@pytest.mark.slow
def test_enrich_articles_pipeline_fills_geo():
    def check(rows):
        (row,) = rows
        assert row["primary_country"] == "AF", row["primary_country"]
        assert any((e.get("geo") or {}).get("country_code") == "AF" for e in row["entities"])

    with TestPipeline() as p:
        out = p | beam.Create([ARTICLE]) | EnrichArticles()
        assert_that(out.articles, check)


@pytest.fixture(scope="module")
def nlp():
    from pipeline.enrich.model import load_nlp

    return load_nlp()


def test_the_stories_table_shows_where():
    from datetime import datetime, timezone

    from pipeline.report.summary import format_stories

    story = {"first_seen": datetime(2025, 3, 24, tzinfo=timezone.utc), "n_sources": 2, "event_counts": [],
             "title": "Bus plunges into ravine", "country_code": "PE", "admin1": "Lima"}
    lines = format_stories([story, {**story, "country_code": None, "admin1": None}]).splitlines()
    assert "where" in lines[0] and "PE Lima" in lines[1] and " - " in lines[2]
