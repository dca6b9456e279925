"""Article language: py3langid on the text, page metadata beside it (pipeline/extract/language.py)."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from pipeline.extract.language import (
    OVERRIDE_MIN_CHARS, choose_language, detect_language, identify_language, iso_code,
)

LABELLED = Path(__file__).resolve().parents[2] / "bench" / "data" / "langid" / "texts.jsonl"
ENGLISH = ("The minister said on Tuesday that the government would not raise taxes before the end of the year, "
           "and the opposition accused the cabinet of hiding the true size of the deficit. ") * 2


@pytest.mark.parametrize("text, language", [
    ("Der Minister sagte, dass die Regierung die Pläne für das Jahr nicht ändern wird.", "de"),
    ("El gobierno dijo que la reunión con los ministros se celebrará en la capital.", "es"),
    ("Міністр заявив, що уряд не підвищуватиме податки до кінця року.", "uk"),
    ("Министр заявил, что правительство не будет повышать налоги до конца года.", "ru"),
    ("Ministr v úterý novinářům řekl, že vláda do konce roku nezvýší daně.", "cs"),
    ("Ministrul a declarat marți jurnaliștilor că guvernul nu va crește taxele.", "ro"),
])
def test_languages_the_old_vote_never_knew_or_confused_are_identified(text, language):
    assert detect_language(text) == language


def test_the_labelled_set_headlines_and_paragraphs_are_nearly_all_right():
    rows = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines()]
    graded = [r for r in rows if r["length"] in ("short", "long")]
    right = sum(detect_language(r["text"]) == r["lang"] for r in graded)
    assert len({r["lang"] for r in rows}) >= 10 and right / len(graded) >= 0.95


def test_text_without_letters_has_no_language():
    assert identify_language("12 34 56 -- 7.5%") == (None, 0.0)
    assert detect_language("") is None


def test_labels_that_are_not_iso_639_1_map_to_their_language_or_to_none():
    assert iso_code("en") == "en" and iso_code("arz") == "ar" and iso_code("yue") == "zh"
    assert iso_code("zxx") is None and iso_code("vec") is None


def test_a_lying_template_is_overruled_by_a_long_text_the_identifier_is_sure_of():
    assert len(ENGLISH) >= OVERRIDE_MIN_CHARS
    assert choose_language(None, '<html lang="de">', ENGLISH) == "en"
    assert choose_language("de-DE", "<html>", ENGLISH) == "en"


def test_short_text_keeps_the_page_declaration():
    assert choose_language(None, '<html lang="de">', "Kurz: ok.") == "de"
    assert choose_language("en-US", '<html lang="de">', "") == "en"  # trafilatura's metadata first, then the head


def test_a_three_letter_declaration_is_not_cut_to_another_language():
    assert choose_language("fil-PH", "<html>", "") is None  # Filipino, not "fi" (Finnish)
    assert choose_language("en_GB", "<html>", "") == "en"


def test_close_languages_keep_the_declaration_when_the_text_agrees_enough():
    norwegian = ("Ministeren sa til journalister tirsdag at regjeringen ikke kommer til å øke skattene i år. "
                 "Opposisjonen anklager regjeringen for å skjule hvor stort underskuddet egentlig er. ") * 2
    assert choose_language(None, '<html lang="nb-NO">', norwegian) == "nb"


def test_without_a_declaration_an_unsure_answer_is_no_answer():
    assert choose_language(None, "<html>", ENGLISH) == "en"
    assert choose_language(None, "<html>", "ok") is None


def test_threads_asking_for_the_model_at_once_share_one_load(monkeypatch):
    """A worker's threads all classify their first article at once: one ~90 MiB load, not one each."""
    from py3langid.langid import LanguageIdentifier

    from pipeline.extract import language

    real, loads = LanguageIdentifier.from_model_file.__func__, []

    def slow_load(cls, *args, **kwargs):
        loads.append(threading.get_ident())
        time.sleep(0.2)  # wide enough for every thread to ask while it loads
        return real(cls, *args, **kwargs)

    monkeypatch.setattr(LanguageIdentifier, "from_model_file", classmethod(slow_load))
    monkeypatch.setattr(language, "_model", None)
    start, got = threading.Barrier(8), []
    threads = [threading.Thread(target=lambda: (start.wait(), got.append(language.identifier()))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(loads) == 1 and len(got) == 8 and all(model is got[0] for model in got)
    assert language.detect_language(ENGLISH) == "en"
