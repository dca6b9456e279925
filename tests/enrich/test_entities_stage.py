"""The entities stage with the real spaCy model: fixtures, the DoFn, a Beam run."""

from __future__ import annotations

import threading
import types
from pathlib import Path

import apache_beam as beam
import pytest
import spacy
from apache_beam import pvalue
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to
from apache_beam.utils import shared
from spacy.language import Language

from pipeline.enrich.entities import common_words, entities_from_doc
from pipeline.enrich.entities.names import is_short_form, name_words
from pipeline.enrich.entity_eval import load_gold, score_mentions
from pipeline.enrich.model import DEFAULT_MODEL, ModelNotInstalled, load_nlp
from pipeline.enrich.transforms import EnrichArticles, EnrichArticlesFn, enrich_batch
from pipeline.records import DeadLetter

GOLD = Path(__file__).parent / "fixtures" / "entities_gold.jsonl"

GERMAN = {
    "url": "https://example.de/politik/1",
    "feed_url": "https://example.de/feed",
    "language": "de",
    "text": "Bundeskanzlerin Anna Berger traf am Montag in Berlin den französischen Präsidenten Michel Laurent.",
}
ENGLISH = {
    "url": "https://example.com/world/1",
    "feed_url": "https://example.com/feed",
    "language": "en",
    "byline": "By Fiona Mackay",
    "credits": ["Reporting by Fiona Mackay and David Osei", "Editing by Sara Lindqvist"],
    "text": (
        "Alina Romanowski, the head of Frontex, said at least 12 people were killed when a boat capsized "
        "off Lampedusa. Romanowski told reporters in Warsaw that Italy needed help."
    ),
}


@pytest.fixture(scope="module")
def nlp() -> Language:
    return load_nlp(DEFAULT_MODEL)


@pytest.fixture(scope="module")
def gold_results(nlp):
    gold = load_gold(GOLD)
    known = common_words(nlp)
    docs = nlp.pipe([g.record["text"] for g in gold])
    return [
        (g, entities_from_doc(d, byline=g.record.get("byline"), credits=g.record.get("credits"), known_words=known))
        for g, d in zip(gold, docs)
    ]


def test_fixtures_are_enough_and_well_formed():
    gold = load_gold(GOLD)
    assert len(gold) >= 20
    labels = {m.label for g in gold for m in g.mentions}
    assert {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT"} <= labels


def test_every_person_named_in_full_earlier_has_the_full_name_as_canonical(gold_results):
    checked = 0
    for g, ents in gold_results:
        full_people: list[tuple[int, list[str]]] = []
        for e in ents:
            if e["label"] != "PERSON":
                continue
            words = name_words(e["text"])
            earlier = [f for s, f in full_people if s < e["start"] and is_short_form(words, f)]
            if earlier:
                assert e["canonical"] == " ".join(earlier[-1]), (g.id, e)
                checked += 1
            if len(words) >= 2:
                full_people.append((e["start"], words))
    assert checked >= 15  # the fixtures are full of surnames


def test_gold_surname_mentions_are_found_with_their_full_name(gold_results):
    for g, ents in gold_results:
        predicted = {(e["start"], e["end"]): e for e in ents}
        for m in g.mentions:
            if m.label == "PERSON" and m.canonical != g.record["text"][m.start : m.end]:
                e = predicted.get((m.start, m.end))
                assert e is not None, (g.id, m)
                assert (e["label"], e["canonical"]) == ("PERSON", m.canonical), (g.id, e)


def test_fixture_scores_stay_at_the_measured_level(gold_results):
    """A regression floor a few points under what bench/entities_bench.py measured."""
    predicted = [[(e["start"], e["end"], e["label"]) for e in ents] for _, ents in gold_results]
    gold = [[(m.start, m.end, m.label) for m in g.mentions] for g, _ in gold_results]
    scores = score_mentions(predicted, gold)
    assert scores["ALL"].f1 >= 0.84
    assert scores["PERSON"].f1 >= 0.90
    assert scores["ORG"].f1 >= 0.80


def test_acronym_and_split_names_on_real_model_output(gold_results):
    by_id = {g.id: ents for g, ents in gold_results}
    w02 = by_id["w02"]
    assert [e["canonical"] for e in w02 if e["text"] == "IS"] == ["Islamic State", "Islamic State"]
    w15 = by_id["w15"]
    assert [e["text"] for e in w15 if "Islamic" in e["text"]] == ["Islamic State", "Islamic State"]


def test_no_entity_comes_from_bylines_or_credits(nlp):
    out = list(enrich_batch(nlp, [ENGLISH], known_words=common_words(nlp)))
    names = {e["text"] for e in out[0]["entities"]}
    assert {"Alina Romanowski", "Frontex", "Warsaw"} <= names
    assert not names & {"Fiona Mackay", "David Osei", "Sara Lindqvist"}
    # the same furniture left in the text by a failed extraction still gives nothing
    dirty = {**ENGLISH, "text": "By Fiona Mackay\n" + ENGLISH["text"] + "\n(Reporting by David Osei; Editing by Sara Lindqvist)"}
    names = {e["text"] for e in next(enrich_batch(nlp, [dirty]))["entities"]}
    assert "Alina Romanowski" in names
    assert not {n for n in names if any(x in n for x in ("Mackay", "Osei", "Lindqvist"))}


def test_non_english_article_has_no_english_entities(nlp):
    out = next(enrich_batch(nlp, [GERMAN]))
    assert out["entities"] == [] and out["entity_summary"] == [] and out["quantities"] == []
    assert out["enrichment_status"] == "skipped: language=de, model is English"
    assert out["text"] == GERMAN["text"]


def test_dofn_setup_and_process_share_one_model_and_split_failures():
    fn = EnrichArticlesFn()
    fn.setup()
    other = EnrichArticlesFn(shared_handle=fn._shared_handle)
    other.setup()
    assert other.model() is fn.model()  # one model per process, whatever the number of DoFn copies
    assert fn._quantities is not None  # pipeline.enrich.quantities is wired in
    assert fn._gazetteer is other._gazetteer is not None  # one gazetteer per process too
    bad = {"url": "https://example.com/broken", "feed_url": "https://example.com/feed", "text": None}
    outputs = list(fn.process([ENGLISH, GERMAN, bad]))
    articles = [o for o in outputs if isinstance(o, dict)]
    dead = [o.value for o in outputs if isinstance(o, pvalue.TaggedOutput) and o.tag == "dead_letters"]
    assert [a["url"] for a in articles] == [ENGLISH["url"], GERMAN["url"]]
    english = articles[0]
    assert english["enrichment_status"] == "ok"
    summary = english["entity_summary"]
    assert summary[0] == {"canonical": "Alina Romanowski", "label": "PERSON", "mentions": 2, "first_start": 0,
                          "geo": None}  # a person has no place; the places step ran (pipeline/enrich/geo)
    assert any(q["value"] == 12 for q in english["quantities"])  # one nlp pass feeds the counts too
    assert len(dead) == 1 and isinstance(dead[0], DeadLetter)
    assert (dead[0].stage, dead[0].url, dead[0].feed_url, dead[0].error_type) == (
        "enrich", bad["url"], bad["feed_url"], "bad_input"
    )
    # a single article (not a batch) is accepted too
    assert next(iter(fn.process(ENGLISH)))["url"] == ENGLISH["url"]


@spacy.Language.component("wirebeam_test_explode")
def _explode(doc):
    if "EXPLODE" in doc.text:
        raise ValueError("component failed on this document")
    return doc


def test_a_document_that_makes_spacy_raise_becomes_a_dead_letter_and_the_batch_goes_on():
    nlp = spacy.blank("en")
    nlp.add_pipe("wirebeam_test_explode")
    articles = [
        {"url": "u1", "text": "Quiet day in Oslo."},
        {"url": "u2", "feed_url": "f", "text": "It will EXPLODE here."},
        {"url": "u3", "text": "Another quiet day."},
    ]
    out = list(enrich_batch(nlp, articles))
    assert [type(o).__name__ for o in out] == ["dict", "DeadLetter", "dict"]
    assert (out[1].url, out[1].feed_url, out[1].error_type) == ("u2", "f", "nlp_error")
    assert "component failed" in out[1].message


def test_long_text_is_truncated_and_offsets_stay_inside_it(nlp):
    text = "Alina Romanowski met Italian officials in Rome. " * 40
    out = next(enrich_batch(nlp, [{"url": "u", "text": text}], max_chars=500))
    assert out["enrichment_status"].startswith("ok; truncated to ")
    assert out["entities"] and max(e["end"] for e in out["entities"]) <= 500
    assert all(text[e["start"] : e["end"]] == e["text"] for e in out["entities"])


def test_missing_model_fails_at_construction_with_the_install_command():
    with pytest.raises(ModelNotInstalled, match="pip install|spacy download"):
        EnrichArticles(spacy_model="en_core_web_nonexistent_xx")


def test_pipeline_run_on_the_local_runner():
    bad = {"url": "https://example.com/broken", "text": 42}
    with TestPipeline(runner="FnApiRunner") as p:
        outputs = p | beam.Create([ENGLISH, GERMAN, bad]) | EnrichArticles(batch_size=8)
        assert_that(
            outputs.articles | "Status" >> beam.Map(lambda a: (a["url"], a["enrichment_status"])),
            equal_to([(ENGLISH["url"], "ok"), (GERMAN["url"], "skipped: language=de, model is English")]),
            label="articles",
        )
        assert_that(
            outputs.dead_letters | "Codes" >> beam.Map(lambda d: (d.stage, d.url, d.error_type)),
            equal_to([("enrich", bad["url"], "bad_input")]),
            label="dead_letters",
        )
        assert_that(
            outputs.articles
            | "Romanowski"
            >> beam.FlatMap(lambda a: [e["canonical"] for e in a["entities"] if "Romanowski" in e["text"]]),
            equal_to(["Alina Romanowski", "Alina Romanowski"]),
            label="people",
        )


def test_pipeline_runs_only_what_enrichment_needs_and_breaks_sentences_at_lines(nlp):
    assert "parser" not in nlp.pipe_names
    assert {"senter", "wirebeam_paragraph_breaks", "ner"} <= set(nlp.pipe_names)
    doc = nlp("Floods in Bavaria\nRescuers in Passau said 3 people died. Roads were closed.\n\nMore rain is due")
    assert [s.text.strip() for s in doc.sents] == [
        "Floods in Bavaria",
        "Rescuers in Passau said 3 people died.",
        "Roads were closed.",
        "More rain is due",
    ]


def test_a_failing_count_step_keeps_the_entities_and_says_why(nlp):
    broken = types.ModuleType("broken_quantities")

    def extract_quantities(doc, entities=None):
        raise ValueError("no rule for this")

    broken.extract_quantities = extract_quantities
    broken.rollup_event_counts = lambda quantities: []
    out = next(enrich_batch(nlp, [ENGLISH], quantities=broken))
    assert out["entities"] and out["quantities"] == [] and out["event_counts"] == []
    assert out["enrichment_status"] == "partial: quantities failed (ValueError: no rule for this)"


class _GatedLoad(EnrichArticlesFn):
    """A DoFn whose model load waits for a test's signal (or fails on it)."""

    def __init__(self, gate: "threading.Event", fail: bool = False) -> None:
        super().__init__(shared_handle=shared.Shared())
        self.gate, self.fail = gate, fail

    def _load(self):
        self.gate.wait(timeout=60)
        if self.fail:
            raise OSError("model files unreadable")
        return super()._load()


def test_setup_returns_before_the_model_is_loaded_and_process_waits_for_it():
    gate = threading.Event()
    fn = _GatedLoad(gate)
    fn.setup()  # returns at once: the load is blocked on the gate
    assert fn._nlp is None and fn._loading.is_alive()
    gate.set()
    outputs = list(fn.process([ENGLISH]))
    assert outputs[0]["enrichment_status"] == "ok" and not fn._loading.is_alive()


def test_a_model_that_fails_to_load_fails_the_first_bundle_clearly():
    gate = threading.Event()
    gate.set()
    fn = _GatedLoad(gate, fail=True)
    fn.setup()
    with pytest.raises(RuntimeError, match="loading spaCy model .* failed: model files unreadable"):
        list(fn.process([ENGLISH]))
