"""Place names as keys: one normal form for the gazetteer's names and the article's mentions."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "‐": "-", "–": "-", "—": "-"})
_DROP = re.compile(r"[.\"()\[\],;:!?]")
_SPACE = re.compile(r"[\s\-/]+")
_LATIN_OK = re.compile(r"^[A-Za-z\s'\-.&]+$")


def fold(text: str) -> str:
    """Accents off (NFKD without combining marks): "Sant Julià" -> "Sant Julia"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalize(name: str) -> str:
    """The key of a place name: folded, lower case, no dots or brackets, hyphens as spaces,
    a leading "the" and a trailing possessive dropped ("the Netherlands'" -> "netherlands",
    "U.S." -> "us", "Kunar-e" stays "kunar e")."""
    s = fold(name.translate(_QUOTES)).casefold()
    s = _DROP.sub("", s)
    s = _SPACE.sub(" ", s).strip(" '")
    if s.endswith("'s"):
        s = s[:-2]
    if s.startswith("the "):
        s = s[4:]
    return s


def is_latin_name(name: str) -> bool:
    """A name news in English could print: Latin letters once folded, no digits."""
    return bool(_LATIN_OK.match(fold(name)))


def key_hash(key: str) -> int:
    """A 64-bit hash of a key, the same in every process (Python's hash() is salted per process)."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "little")
