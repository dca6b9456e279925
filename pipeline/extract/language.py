"""Article language: page metadata, checked by a cheap stop-word vote.

The vote counts the most frequent function words of a dozen languages in the
first 2,000 words; it needs at least 5 hits and 5 % of the words, else it
answers None (better no language than a wrong one: enrichment skips by language).

Page metadata is used unless the vote is *confident* (20+ hits, 10 %+ of the
words) and says otherwise: templates do lie (an English Business Insider page
archived with `<html lang="de">` from a German edge), and a wrong code makes
enrichment skip the article.
"""

from __future__ import annotations

import re
from collections import Counter

_STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset("the and of to in is that for it with was on as are be by this have from at which were has".split()),
    "de": frozenset("der die und das ist nicht den von zu mit sich des auf für im dem ein eine auch es an wurde".split()),
    "fr": frozenset("le la les et des est une dans que pour qui pas sur au du avec ce il elle sont ont été".split()),
    "es": frozenset("el la los las y que en del se por con una para es su al lo como más pero fue".split()),
    "it": frozenset("il la che di e è per una del della sono non con gli nel alla le si anche ha".split()),
    "pt": frozenset("o a os as e que do da em um uma para com não no na se por mais foi são".split()),
    "nl": frozenset("de het een en van is dat op te in voor niet met zijn er aan ook als maar".split()),
    "sv": frozenset("och att det som en på är av för med till den har inte om ett var jag".split()),
    "pl": frozenset("i w na z że się do nie jest to o od po jak ale przez dla jego".split()),
    "tr": frozenset("ve bir bu da de için ile olarak çok daha gibi olan ama en ne kadar".split()),
    "ru": frozenset("и в не на что с по это как он из за от но его для то к".split()),
    "id": frozenset("yang dan di ini itu dengan untuk dari dalam tidak akan pada juga ke adalah".split()),
}
_WORD_RE = re.compile(r"\w+", re.UNICODE)
_HTML_LANG_RE = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)?", re.I)
_OG_LOCALE_RE = re.compile(
    r"<meta\b[^>]*?(?:property|name)\s*=\s*[\"']og:locale[\"'][^>]*?content\s*=\s*[\"']\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)?"
    r"|<meta\b[^>]*?content\s*=\s*[\"']\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)?[\"'][^>]*?(?:property|name)\s*=\s*[\"']og:locale[\"']",
    re.I,
)
_CONTENT_LANG_RE = re.compile(
    r"<meta\b[^>]*?http-equiv\s*=\s*[\"']content-language[\"'][^>]*?content\s*=\s*[\"']\s*([A-Za-z]{2,3})", re.I
)


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


def detect_language(text: str, *, min_hits: int = 5, min_share: float = 0.05) -> str | None:
    """Best stop-word vote over the first 2,000 words, or None when unsure."""
    words = [w.lower() for w in _WORD_RE.findall(text[:20_000])][:2000]
    if not words:
        return None
    counts = Counter(words)
    scores = {lang: sum(counts[w] for w in stops) for lang, stops in _STOPWORDS.items()}
    lang, hits = max(scores.items(), key=lambda kv: kv[1])
    if hits < min_hits or hits < min_share * len(words):
        return None
    return lang


def choose_language(metadata_lang: str | None, html: str, text: str) -> str | None:
    """Page metadata (trafilatura's, then the HTML head) unless a confident vote disagrees; else the vote."""
    declared = _iso639_1((metadata_lang or "")[:2] or None) or language_from_html(html)
    if declared is None:
        return detect_language(text)
    confident = detect_language(text, min_hits=20, min_share=0.10)
    return confident if confident and confident != declared else declared
