"""The entity canonicalisation rules, one pure function at a time (no model)."""

from __future__ import annotations

import spacy
from spacy.tokens import Doc, Span

from pipeline.enrich.entities import Mention, canonicalise, entities_from_doc, summarize_entities
from pipeline.enrich.entities.acronyms import (
    acronym_definitions,
    acronym_matches,
    add_acronym_mentions,
    expansion_span,
)
from pipeline.enrich.entities.mentions import drop_overlapping, furniture_ranges, trim_mention
from pipeline.enrich.entities.names import is_short_form, lexical_label, majority_labels, normalise_name
from pipeline.enrich.entities.repair import add_surname_mentions, propagate_names, repair_split_names
from pipeline.enrich.transforms import language_mismatch, plan_article, truncate_text


def mention(text: str, surface: str, label: str, nth: int = 0) -> Mention:
    """The nth occurrence of `surface` in `text` as a Mention."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    return Mention(start, start + len(surface), label, surface)


def doc_with_ents(text: str, ents: list[tuple[str, str, int]]) -> Doc:
    """A real (blank) spaCy Doc whose entities are set by hand: (surface, label, nth)."""
    doc = spacy.blank("en")(text)
    spans = []
    for surface, label, nth in ents:
        m = mention(text, surface, label, nth)
        span = doc.char_span(m.start, m.end, label=label)
        assert span is not None, surface
        spans.append(span)
    doc.ents = spans
    return doc


# ------------------------------------------------------------------ surnames


def test_surname_maps_to_earlier_full_person_whatever_its_label():
    text = "Alina Romanowski heads Frontex. Romanowski said arrivals fell. Romanowski's agency agreed."
    mentions = [
        mention(text, "Alina Romanowski", "PERSON"),
        mention(text, "Frontex", "ORG"),
        mention(text, "Romanowski", "ORG", 1),
        mention(text, "Romanowski", "GPE", 2),
    ]
    ents = canonicalise(mentions, text)
    by_start = {e["start"]: e for e in ents}
    for m in mentions[2:]:
        assert by_start[m.start]["canonical"] == "Alina Romanowski"
        assert by_start[m.start]["label"] == "PERSON"
    assert by_start[mentions[1].start]["canonical"] == "Frontex"


def test_short_form_takes_the_latest_full_name_before_it():
    text = "Thomas Reyes spoke first. Maria Reyes spoke next. Reyes said she would run. Thomas Reyes declined."
    mentions = [
        mention(text, "Thomas Reyes", "PERSON"),
        mention(text, "Maria Reyes", "PERSON"),
        Mention(text.index("Reyes said"), text.index("Reyes said") + 5, "PERSON", "Reyes"),
        mention(text, "Thomas Reyes", "PERSON", 1),
    ]
    canon = [e["canonical"] for e in canonicalise(mentions, text)]
    assert canon == ["Thomas Reyes", "Maria Reyes", "Maria Reyes", "Thomas Reyes"]


def test_lone_first_name_maps_only_when_the_model_called_it_a_person():
    text = "Jordan Hale visited Amman. Jordan said it would help. Later Jordan smiled."
    mentions = [
        mention(text, "Jordan Hale", "PERSON"),
        mention(text, "Amman", "GPE"),
        mention(text, "Jordan", "GPE", 1),
        mention(text, "Jordan", "PERSON", 2),
    ]
    ents = canonicalise(mentions, text)
    assert [(e["canonical"], e["label"]) for e in ents[2:]] == [("Jordan", "GPE"), ("Jordan Hale", "PERSON")]


def test_titles_and_possessives_are_not_part_of_the_canonical_name():
    assert normalise_name("Dr. Alina  Romanowski's", "PERSON") == "Alina Romanowski"
    assert normalise_name("President Emmanuel Okoro", "PERSON") == "Emmanuel Okoro"
    assert normalise_name("Workers' Party", "ORG") == "Workers' Party"


def test_short_form_rules():
    full = ["Alina", "M.", "Romanowski"]
    assert is_short_form(["Romanowski"], full)
    assert is_short_form(["Alina", "Romanowski"], full)
    assert is_short_form(["Alina"], full)
    assert not is_short_form(["Alina"], full, first_name_ok=False)
    assert not is_short_form(["Romanowski", "Alina"], full)  # order matters
    assert not is_short_form(["romanowski"], full)
    assert not is_short_form(["Alina", "M.", "Romanowski"], full)  # not shorter


def test_surnames_the_model_missed_are_added_unless_an_ordinary_word_opens_a_sentence():
    text = "Neil Young spoke. Young people cheered. Mutai and Young left."
    mentions = [mention(text, "Neil Young", "PERSON")]
    doc = spacy.blank("en")(text)
    starts = {t.idx for t in doc}
    # stand-in for the tagger-and-lexicon check: "Young" opening a sentence is the adjective
    out = add_surname_mentions(mentions, text, lambda s, e: s in starts and s != text.index("Young people"))
    assert [m.text for m in out] == ["Neil Young", "Young"]
    assert out[1].start == text.rindex("Young")


def test_entities_from_doc_adds_missed_surnames_with_the_full_name():
    text = "Rachel Okonjo addressed the crowd. Okonjo later said she would vote against it."
    doc = doc_with_ents(text, [("Rachel Okonjo", "PERSON", 0)])
    ents = entities_from_doc(doc, known_words=frozenset({"later"}))
    assert [(e["text"], e["canonical"], e["label"]) for e in ents] == [
        ("Rachel Okonjo", "Rachel Okonjo", "PERSON"),
        ("Okonjo", "Rachel Okonjo", "PERSON"),
    ]


def test_surname_that_is_an_english_word_is_not_added_at_sentence_start():
    text = "Neil Young sang. Young people cheered."
    doc = doc_with_ents(text, [("Neil Young", "PERSON", 0)])
    ents = entities_from_doc(doc, known_words=frozenset({"young"}))
    assert [e["text"] for e in ents] == ["Neil Young"]


# ------------------------------------------------------------------ acronyms


def test_acronym_letters_must_fit_the_initials():
    assert acronym_matches("IS", "Islamic State")
    assert acronym_matches("ISIL", "Islamic State of Iraq and the Levant")
    assert acronym_matches("UNHCR", "UN High Commissioner for Refugees")
    assert acronym_matches("WFP", "World Food Programme")
    assert not acronym_matches("IS", "Fighters of Islamic State")
    assert not acronym_matches("CBA", "Central Anticorruption Bureau")


def test_acronym_definition_maps_later_uses_including_untagged_ones():
    text = "Fighters of Islamic State (IS) attacked. IS claimed it. THIS IS NOT A DRILL SAID IS MEDIA. This is it."
    mentions = [mention(text, "Fighters of Islamic State", "ORG")]
    ents = canonicalise(mentions, text)
    assert [(e["text"], e["canonical"], e["label"]) for e in ents] == [
        ("Islamic State", "Islamic State", "ORG"),  # cut to the words the acronym covers
        ("IS", "Islamic State", "ORG"),
        ("IS", "Islamic State", "ORG"),
    ]


def test_the_acronym_marks_where_its_name_starts():
    def expansion(text: str, acronym: str) -> str | None:
        span = expansion_span(text, len(text), acronym)
        return text[span[0] : span[1]] if span else None

    assert expansion("Fighters of Islamic State", "IS") == "Islamic State"
    assert expansion("known as Tehreek-e-Taliban Pakistan", "TTP") == "Tehreek-e-Taliban Pakistan"
    assert expansion("The Islamic State of Iraq and the Levant", "ISIL") == "Islamic State of Iraq and the Levant"
    assert expansion("militants of Hayat Tahrir al-Sham", "HTS") == "Hayat Tahrir al-Sham"
    assert expansion("officers of the Central Anticorruption Bureau", "CBA") is None


def test_a_name_the_model_cut_into_pieces_is_rebuilt_from_its_acronym():
    text = "Tehreek-e-Taliban Pakistan (TTP) said. The TTP denied it."
    mentions = [mention(text, "Tehreek", "ORG"), mention(text, "Pakistan", "GPE")]
    ents = canonicalise(mentions, text)
    assert [(e["text"], e["canonical"], e["label"]) for e in ents] == [
        ("Tehreek-e-Taliban Pakistan", "Tehreek-e-Taliban Pakistan", "ORG"),
        ("TTP", "Tehreek-e-Taliban Pakistan", "ORG"),
        ("TTP", "Tehreek-e-Taliban Pakistan", "ORG"),
    ]


def test_any_acronym_after_an_org_is_a_definition_but_not_after_a_person():
    text = "He met the Central Anticorruption Bureau (CBA) and Anna Kowal (PSL). The CBA and PSL agreed."
    mentions = [mention(text, "Central Anticorruption Bureau", "ORG"), mention(text, "Anna Kowal", "PERSON")]
    defs, _ = acronym_definitions(mentions, text)
    assert set(defs) == {"CBA"}
    added = add_acronym_mentions(mentions, text, defs)
    assert [m.text for m in added].count("CBA") == 2
    assert "PSL" not in [m.text for m in added]


# --------------------------------------------------------------- split names


def test_split_name_is_joined_with_the_head_label():
    text = "Fighters loyal to Islamic State attacked."
    mentions = [mention(text, "Islamic", "NORP"), mention(text, "State", "ORG")]
    assert repair_split_names(mentions, text) == [mention(text, "Islamic State", "ORG")]


def test_adjacent_different_names_stay_apart():
    text = "The U.S. Congress voted. Ukrainian Oleksandr Bondar spoke. Britain, France agreed."
    mentions = [
        mention(text, "U.S.", "GPE"),
        mention(text, "Congress", "ORG"),
        mention(text, "Ukrainian", "NORP"),
        mention(text, "Oleksandr Bondar", "PERSON"),
        mention(text, "Britain", "GPE"),
        mention(text, "France", "GPE"),
    ]
    assert repair_split_names(mentions, text) == mentions


def test_a_name_found_whole_elsewhere_replaces_its_pieces():
    text = "A senior Islamic State commander died. Islamic State denied it."
    mentions = [mention(text, "Islamic", "NORP"), mention(text, "Islamic State", "ORG", 1)]
    out = propagate_names(mentions, text)
    assert out == [mention(text, "Islamic State", "ORG"), mention(text, "Islamic State", "ORG", 1)]


# ------------------------------------------------------------- labels, summary


def test_label_is_decided_by_majority_and_ties_go_to_the_first():
    votes = [("Hamas", "ORG"), ("Hamas", "GPE"), ("Hamas", "ORG"), ("Gaza", "GPE"), ("Gaza", "ORG")]
    assert majority_labels(votes) == {"Hamas": "ORG", "Gaza": "GPE"}


def test_every_mention_of_a_name_gets_its_majority_label():
    text = "Hamas said. Hamas agreed. Hamas left."
    mentions = [mention(text, "Hamas", lab, i) for i, lab in enumerate(["ORG", "GPE", "ORG"])]
    assert {e["label"] for e in canonicalise(mentions, text)} == {"ORG"}


def test_storms_and_contests_are_events():
    assert lexical_label("Typhoon Halong", "PERSON") == "EVENT"
    assert lexical_label("Berlin Marathon", "FAC") == "EVENT"
    assert lexical_label("Halong", "PERSON") == "PERSON"


def test_summary_counts_mentions_most_mentioned_first():
    ents = [
        {"text": "Kyiv", "label": "GPE", "start": 0, "end": 4, "canonical": "Kyiv"},
        {"text": "Alina Romanowski", "label": "PERSON", "start": 10, "end": 26, "canonical": "Alina Romanowski"},
        {"text": "Romanowski", "label": "PERSON", "start": 40, "end": 50, "canonical": "Alina Romanowski"},
    ]
    assert summarize_entities(ents) == [
        {"canonical": "Alina Romanowski", "label": "PERSON", "mentions": 2, "first_start": 10},
        {"canonical": "Kyiv", "label": "GPE", "mentions": 1, "first_start": 0},
    ]


def test_trim_mention():
    def trimmed(text: str) -> str:
        s, e = trim_mention(text, 0, len(text))
        return text[s:e]

    assert trimmed("the United Nations") == "United Nations"
    assert trimmed("The World Food Programme") == "World Food Programme"
    assert trimmed("The Hague") == "The Hague"
    assert trimmed("west London") == "London"
    assert trimmed("Romanowski's") == "Romanowski"
    assert trimmed("U.S.") == "U.S."
    assert trimmed("Kyiv,") == "Kyiv"
    # a span that swallowed the start of an acronym definition ends at the parenthesis
    assert trimmed("World Health Organization (WHO") == "World Health Organization"
    assert trimmed("(IS)") == "IS"


def test_acronym_defined_inside_a_model_span_is_split_and_used():
    text = ("The World Health Organization (WHO) warned on Friday. "
            "A WHO spokesman said more cases were expected.")
    s, e = trim_mention(text, 4, text.index(")"))  # the model's span: "World Health Organization (WHO"
    entities = canonicalise([Mention(s, e, "ORG", text[s:e])], text)
    who = [e for e in entities if e["text"] == "WHO"]
    assert len(who) == 2 and {e["canonical"] for e in who} == {"World Health Organization"}
    assert any(e["text"] == "World Health Organization" for e in entities)


# ------------------------------------------------------------ wire furniture


def test_byline_and_credits_left_in_the_text_give_no_entities():
    text = (
        "By Fiona Mackay\n"
        "LONDON, March 24 (Reuters) - The Bank of England held rates, Governor Edward Lang said.\n"
        "(Reporting by Fiona Mackay and David Osei; Editing by Sara Lindqvist)"
    )
    doc = doc_with_ents(
        text,
        [
            ("Fiona Mackay", "PERSON", 0),
            ("LONDON", "GPE", 0),
            ("Reuters", "ORG", 0),
            ("Bank of England", "ORG", 0),
            ("Edward Lang", "PERSON", 0),
            ("Fiona Mackay", "PERSON", 1),
            ("David Osei", "PERSON", 0),
            ("Sara Lindqvist", "PERSON", 0),
        ],
    )
    ents = entities_from_doc(doc, byline="By Fiona Mackay", credits=["Reporting by Fiona Mackay and David Osei"])
    assert [e["text"] for e in ents] == ["Bank of England", "Edward Lang"]


def test_furniture_is_found_from_metadata_strings_too():
    text = "Body text. Story by Anna Kowal for the wire."
    ranges = furniture_ranges(text, byline="Anna Kowal for the wire")
    assert drop_overlapping([mention(text, "Anna Kowal", "PERSON")], ranges) == []
    # an ordinary sentence opening with "By" is body text
    body = "By Tuesday, the fighting had stopped."
    assert furniture_ranges(body) == []


# ------------------------------------------------------------ article plans


def test_non_english_articles_are_skipped_with_the_reason():
    assert language_mismatch("de", "en") == "skipped: language=de, model is English"
    assert language_mismatch("en-GB", "en") is None
    assert language_mismatch(None, "en") is None
    assert language_mismatch("de", "xx") is None
    plan = plan_article({"text": "Die Regierung in Berlin.", "language": "de"}, "en", 1000)
    assert plan.text is None and plan.status.startswith("skipped: language=de")


def test_long_texts_are_truncated_at_a_word_boundary_with_a_note():
    assert truncate_text("alpha beta gamma", 12) == "alpha beta"
    plan = plan_article({"text": "word " * 100, "language": "en"}, "en", 52)
    assert plan.text is not None and len(plan.text) <= 52 and plan.text.endswith("word")
    assert plan.status == f"ok; truncated to {len(plan.text)} of 500 characters"
