"""Story fingerprints (issue 12): normalisation, shingles, signatures, band keys, decisions."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from pipeline.stories import fingerprint as fp

REPO = Path(__file__).resolve().parents[2]

STORY = """MALATYA, Turkey (Meridian) - A magnitude 6.4 earthquake struck eastern Turkey before dawn on Tuesday, killing at least 41 people and trapping dozens more under the rubble of collapsed apartment blocks, the country's disaster agency said.
The quake hit at 4:17 a.m. local time at a depth of 10 kilometres, with its epicentre near the town of Yesilyurt, about 15 kilometres south of the provincial capital Malatya.
Television footage showed rescuers and residents digging through concrete slabs with their hands as snow fell on the city. At least 160 people were injured, and 23 buildings were reported destroyed, the interior minister told reporters at the scene.
"We are working at 38 sites. Our priority is to reach everyone who is still under the debris," he said, adding that more than 2,300 rescue workers had been sent from neighbouring provinces.
Schools in Malatya and two neighbouring provinces were closed for the week. The Red Crescent set up tents and field kitchens in a stadium for families afraid to return to damaged homes."""

OTHER_QUAKE = """AREQUIPA, Peru (Meridian) - A magnitude 6.1 earthquake shook southern Peru on Thursday, killing at least nine people, injuring 74 and damaging hundreds of adobe homes in the highlands, Peru's civil defence institute said.
The quake struck at 11:42 a.m. local time, 32 kilometres north-east of the town of Chivay, at a depth of 58 kilometres, the U.S. Geological Survey said. It was felt strongly in the city of Arequipa.
Most of the dead were in rural villages of the Colca valley, where landslides blocked roads and cut off several communities, the regional governor said in a radio interview.
President Alberto Quispe declared a 60-day state of emergency in 12 districts."""

BLURB = ("About Meridian Wire: Meridian Wire is an independent international news agency founded in 1958 and owned "
         "by its journalists' cooperative. It employs more than 1,400 reporters, photographers and video journalists "
         "in 96 bureaus across six continents and publishes in English, French, Spanish and Arabic. Its services are "
         "used by more than 2,000 newspapers, broadcasters and websites, and its editorial decisions are taken by its "
         "editors alone, under the agency's charter of independence.")


def sig(text: str) -> fp.Signature:
    return fp.signature(text)


# ------------------------------------------------------------------ normalisation


def test_unify_quotes_dashes_nfkc_and_spaces():
    assert fp.unify("\u201cIt\u2019s ﬁne\u201d \u2014 she said\u00a0 twice\u2026") == "\"It's fine\" - she said twice..."


def test_clean_lines_drop_credits_corrections_furniture_and_dateline():
    text = "\n".join([
        "Skip to main content",
        "Home | World | Asia",
        "UPDATE 1-Quake kills 41 in Turkey",
        "MALATYA, Turkey (Meridian) - A strong quake struck on Tuesday, officials said.",
        "Rescuers dug through the night.",
        "(Reporting by Ali Kucukgocmen; Editing by Mark Heinrich)",
        "Correction: An earlier version of this story misspelled a name.",
        "Our Standards: The Meridian Trust Principles.",
        "Copyright 2025 The Lakeside Courier. All rights reserved.",
        "Daniel Okoro in Geneva contributed reporting.",
    ])
    assert fp.clean_lines(text) == ["a strong quake struck on tuesday, officials said.", "rescuers dug through the night."]


def test_a_long_unpunctuated_line_is_kept_and_text_of_only_short_lines_survives():
    long_line = "police said the man had been arrested at his home in the north of the city on monday night"
    assert fp.clean_lines(long_line) == [long_line]
    assert fp.clean_lines("Arsenal 2 Chelsea 1") == ["arsenal 2 chelsea 1"]


def test_words_mask_figures():
    assert fp.words("The toll rose to 137, from 1,200 in 2025.") == ["the", "toll", "rose", "to", "#", "from", "#", "#", "in", "#"]


# ------------------------------------------------------------------ shingles and signatures


def test_shingles_are_word_ngrams_and_short_texts_are_one_shingle():
    assert fp.shingles(["a", "b", "c", "d"], 3) == {b"a b c", b"b c d"}
    assert fp.shingles(["a", "b"], 3) == {b"a b"}
    assert fp.shingles([], 3) == set()


def test_signature_shape_and_determinism():
    a = sig(STORY)
    assert a.lead.dtype == np.uint32 and a.lead.shape == (fp.LEAD_PERM,)
    assert a.body.dtype == np.uint32 and a.body.shape == (fp.BODY_PERM,)
    assert a.n_lead > 0 and a.n_body > a.n_lead
    assert fp.to_bytes(sig(STORY)) == fp.to_bytes(a)


def test_signature_is_identical_in_a_spawned_process():
    code = ("import sys; from pipeline.stories import fingerprint as fp; "
            "sys.stdout.write(fp.to_bytes(fp.signature(sys.stdin.read())).hex())")
    out = subprocess.run([sys.executable, "-c", code], input=STORY, capture_output=True, text=True,
                         cwd=REPO, check=True, env={"PYTHONHASHSEED": "123", "PATH": ""})
    assert bytes.fromhex(out.stdout) == fp.to_bytes(sig(STORY))


def test_serialisation_round_trip_and_size():
    a = sig(STORY)
    data = fp.to_bytes(a)
    assert len(data) == fp.SIGNATURE_BYTES == 776
    b = fp.from_bytes(data)
    assert np.array_equal(a.lead, b.lead) and np.array_equal(a.body, b.body)
    assert (a.n_lead, a.n_body) == (b.n_lead, b.n_body)
    with pytest.raises(ValueError):
        fp.from_bytes(data[:-1])
    with pytest.raises(ValueError):
        fp.from_bytes(b"\x09" + data[1:])


def test_band_keys_are_plain_strings_and_shared_by_copies():
    a, b = sig(STORY), sig(STORY.replace("before dawn", "early"))
    keys = fp.band_keys(a)
    assert len(keys) == fp.LEAD_PERM // fp.ROWS + fp.BODY_PERM // fp.ROWS == 63
    assert all(isinstance(k, str) for k in keys) and len(set(keys)) == len(keys)
    assert set(keys) & set(fp.band_keys(b))
    assert not set(keys) & set(fp.band_keys(sig(OTHER_QUAKE)))
    assert fp.band_keys(sig("")) == []


def test_empty_texts_are_never_the_same_story():
    assert not fp.same_story(sig(""), sig(""))


# ------------------------------------------------------------------ decisions by kind

PARAS = STORY.split("\n")


def copies() -> dict[str, str]:
    return {
        "headline": "UPDATE 1-Quake in eastern Turkey kills dozens\n" + STORY,
        "trim": "\n".join(PARAS[:2]),
        "extend": STORY + "\nThe news was met with concern abroad, and several governments offered help.\n"
                          "Analysts said the disaster would weigh on the government ahead of elections.",
        "credit": "(Corrects day of week)\n" + STORY + "\n(Reporting by Jane Doe; Editing by John Roe)",
        "insert": "\n".join(PARAS[:1] + ["Officials said they would give more details at a news conference later."] + PARAS[1:]),
        "quotes": STORY.replace('"We', "\u201cWe").replace('debris,"', "debris,\u201d").replace(" - ", " \u2014 "),
        "furniture": "Advertisement\nListen to this article · 4 min\n" + STORY + "\nMost read\nGet the Courier app for alerts",
        "version": STORY.replace("41", "57").replace("160", "230").replace("23 buildings", "31 buildings")
                        .replace("Schools in Malatya", "The toll could rise further, officials said. Schools in Malatya"),
    }


@pytest.mark.parametrize("kind", sorted(copies()))
def test_copies_are_the_same_story(kind):
    assert fp.same_story(sig(STORY), sig(copies()[kind])), fp.similarity(sig(STORY), sig(copies()[kind]))


def test_same_topic_different_event_is_not_the_same_story():
    assert not fp.same_story(sig(STORY), sig(OTHER_QUAKE))


def test_shared_boilerplate_paragraph_does_not_merge_stories():
    a = "\n".join(PARAS[:2] + [BLURB])
    b = "\n".join(OTHER_QUAKE.split("\n")[:2] + [BLURB])
    assert fp.similarity(sig(a), sig(b)).containment > 0.3  # the blurb is shared ...
    assert not fp.same_story(sig(a), sig(b))  # ... the story is not


def test_template_stories_do_not_merge():
    a = ("QUETTA, Pakistan (Meridian) - Police in Quetta said six people were killed and 19 wounded when a bomb "
         "exploded in a crowded vegetable market in the city on Monday.\nThe bomb had been planted on a motorcycle "
         "and was detonated by remote control, a senior police officer said.")
    b = ("LAGOS (Meridian) - Police in Lagos said four people were killed in a shooting at a bus station in the "
         "city's Oshodi district on Tuesday.\nArmed men on two motorcycles opened fire on transport union officials "
         "collecting fees from drivers, a police spokesman said.")
    assert not fp.same_story(sig(a), sig(b))
