"""Article language: a language identifier (py3langid) on the article text, page metadata beside it.

py3langid (a maintained fork of langid.py: naive Bayes over byte n-grams, 97
languages, model shipped in the wheel) was chosen by measurement
(`bench/langid_eval.py`: 171 texts in 19 languages written for the project).
Its top label is right on 33/38 texts of 2-4 words, 94/95 headlines and 38/38
paragraphs at ~12,000 texts/s on one core; lingua (96 MB of models) 35/38,
93/95, 38/38 at ~800 texts/s (high accuracy mode; low: 27/38, 88/95, 38/38);
the stop-word vote it replaces 0/38, 0/95, 23/38 (12 languages only, and no
answer for short texts). fastText's model is fetched at run time, which a
worker without internet cannot do. The cost: ~1 s and ~90 MiB to load the
model, once per process that extracts.

Which wins when page metadata and the text disagree: the text, when the
identifier is sure (probability >= OVERRIDE_CONFIDENCE on at least
OVERRIDE_MIN_CHARS characters). Templates lie: on the 84 real pages of the
extraction benchmark, 69 declare a language and 2 of them declare it wrongly
(English Business Insider pages archived with `<html lang="de">` from a German
edge); the identifier agreed with the other 67 and was right on those 2. On short texts, or between close
languages where it is less sure (Indonesian and Malay, Czech and Slovak),
the page's own declaration stands. With no declaration, the identifier's
answer is taken when its probability is at least MIN_CONFIDENCE (27/38 tiny
texts right, 2 wrong, 9 unanswered; 93/95 headlines); below it, no language
(better none than a wrong one: enrichment skips an article whose language its
model does not know, and runs one whose language is unknown).
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from importlib import resources

MIN_CONFIDENCE = 0.3  # tiny texts (2-4 words): 27 of 38 right, 2 wrong, 9 unanswered; at 0.5: 21, 1, 16
OVERRIDE_CONFIDENCE = 0.95
OVERRIDE_MIN_CHARS = 200
MAX_CHARS = 5_000  # the identifier reads the first 5,000 characters: plenty, and its time grows with length
# One language under several codes: a page declaring one and text identified as another agree.
SAME_LANGUAGE = ({"no", "nb", "nn"},)

_LETTER_RE = re.compile(r"[^\W\d_]", re.UNICODE)
_HTML_LANG_RE = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)?", re.I)
_OG_LOCALE_RE = re.compile(
    r"<meta\b[^>]*?(?:property|name)\s*=\s*[\"']og:locale[\"'][^>]*?content\s*=\s*[\"']\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)?"
    r"|<meta\b[^>]*?content\s*=\s*[\"']\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)?[\"'][^>]*?(?:property|name)\s*=\s*[\"']og:locale[\"']",
    re.I,
)
_CONTENT_LANG_RE = re.compile(
    r"<meta\b[^>]*?http-equiv\s*=\s*[\"']content-language[\"'][^>]*?content\s*=\s*[\"']\s*([A-Za-z]{2,3})", re.I
)
_LOCK = threading.Lock()  # around classify
_LOAD_LOCK = threading.Lock()  # around the model's one load
_model = None


def _iso639_1(code: str | None) -> str | None:
    if not code:
        return None
    code = code.strip().lower()
    return code if len(code) == 2 and code.isalpha() else None


def language_from_html(html: str) -> str | None:
    """ISO 639-1 code from <html lang>, og:locale or Content-Language in the page head."""
    head = html[:50_000]
    for pattern in (_HTML_LANG_RE, _OG_LOCALE_RE, _CONTENT_LANG_RE):
        m = pattern.search(head)
        if m:
            code = _iso639_1(next((g for g in m.groups() if g), None))
            if code:
                return code
    return None


@lru_cache(maxsize=1)
def _aliases() -> dict[str, str]:
    text = resources.files("pipeline.extract").joinpath("data", "language_aliases.txt").read_text(encoding="utf-8")
    pairs = (line.split() for line in text.splitlines() if line.strip() and not line.startswith("#"))
    return {label: code for label, code in pairs}


def identifier():
    """py3langid's model with probabilities, loaded once per process (~1 s, ~90 MiB): threads that ask while
    it loads wait for that one load instead of each loading their own."""
    global _model
    if _model is None:
        with _LOAD_LOCK:
            if _model is None:
                from py3langid.langid import MODEL_FILE, LanguageIdentifier

                _model = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return _model


def iso_code(label: str) -> str | None:
    """An identifier label as ISO 639-1 (two letters), or None."""
    return label if len(label) == 2 else _aliases().get(label)


def identify_language(text: str) -> tuple[str | None, float]:
    """(ISO 639-1 code or None, probability) of the text's language; (None, 0.0) for text without letters."""
    sample = text[:MAX_CHARS]
    if not _LETTER_RE.search(sample):
        return None, 0.0
    with _LOCK:  # the model is shared by a worker's threads; classify is not documented as thread-safe
        label, probability = identifier().classify(sample)
    return iso_code(label), probability


def detect_language(text: str, *, min_confidence: float = MIN_CONFIDENCE) -> str | None:
    """The text's language when the identifier is at least `min_confidence` sure, else None."""
    code, probability = identify_language(text)
    return code if probability >= min_confidence else None


def same_language(a: str, b: str) -> bool:
    return a == b or any(a in group and b in group for group in SAME_LANGUAGE)


def choose_language(metadata_lang: str | None, html: str, text: str) -> str | None:
    """The text's language when the identifier is sure of it on enough text; else page metadata
    (trafilatura's, then the HTML head); else the identifier's answer if it is sure enough."""
    # "en-US" -> "en"; a three-letter code ("fil-PH") is no ISO 639-1 code, not its first two letters ("fi")
    declared = _iso639_1(re.split(r"[-_]", metadata_lang or "", maxsplit=1)[0]) or language_from_html(html)
    detected, probability = identify_language(text)
    if declared is None:
        return detected if probability >= MIN_CONFIDENCE else None
    if (detected and not same_language(detected, declared) and probability >= OVERRIDE_CONFIDENCE
            and len(text) >= OVERRIDE_MIN_CHARS):
        return detected
    return declared
