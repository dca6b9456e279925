"""Story fingerprints: which articles are copies of one wire story (issue 12).

One Reuters/AP story runs on many sites with a new headline, a trimmed or extended ending, credit
and correction lines, an inserted paragraph, other quotes and dashes, a site's page furniture, and
is updated through the day with new figures. The pipeline calls, per article, `signature(text)`
(776 bytes via `to_bytes`) and `band_keys(sig)` (63 strings: candidates share one), and for each
candidate pair `same_story(a, b)`.

The method, chosen on bench/stories_eval.py (638 dev pairs over 51 base texts, 159 held-out pairs
over 13; bench/data/stories/):

- Clean first: NFKC, straight quotes and dashes, casefold; drop credit/correction/copyright lines
  and known furniture (lists in data/), and any line under 16 words without closing punctuation
  (headlines, navigation, teasers: a site's own furniture that no list names); strip the dateline.
- Word 3-grams with every figure masked to "#": an update changes the figures, not the words
  around them. Before masking, updated versions were the main miss (21/51 dev versions below 0.5).
- Two datasketch MinHashes (pinned seed, affine32 scheme, sha1_hash32): of the lead (first 60
  words, 64 permutations) and of the whole text (128). Score = min(lead containment, body
  containment): the lead AND the whole must agree. Containment, not Jaccard, so a copy cut to
  half or extended by two paragraphs still scores ~1; the lead, because different stories
  sharing a long boilerplate paragraph (agency blurb, disclaimer, newsletter plug) reach body
  containment 0.4-0.5 while their leads share nothing.
- Ablation on dev (2nd-percentile same-story score / highest different-story score; 3-grams,
  60-word lead): body Jaccard alone 0.36/0.20, body containment alone 0.82/0.40 (boilerplate),
  lead containment alone 0.59/0.20, min(lead, containment) 0.59/0.12. Adding body Jaccard as a
  rescue (max(min(...), body J): 0.71/0.20) was dropped: two ~60-word stories ending in one
  70-word blurb reach body Jaccard 0.4 (tests/stories). 2-grams let unrelated texts share more
  (highest different 0.29-0.30); 4-5-grams gain nothing that holds across lead sizes.
- THRESHOLD 0.35 sits in that gap. At it: dev precision 1.000 recall 0.998 (one copy with a
  paragraph inserted into a short lead missed), held-out 1.000/1.000. The first version (lead
  Jaccard, figures kept, 4-row bands) had recall 0.912 dev, 0.931 held-out at 0.5 and LSH
  candidate recall 0.985 held-out.
- LSH: bands of 3 rows over both signatures (21 lead + 42 body keys). A pair is a candidate if
  any band agrees; candidate recall 1.000 on both splits (lead J 0.5 -> 94 %, body J 0.45 ->
  98 %, either), while unrelated articles sharing a shingle or two (J ~0.02) collide ~5e-4.

Limits: stories that differ only in place names and figures (auto-generated quake bulletins)
will merge; a paragraph inserted into a one-sentence lead can push a copy below the threshold.
"""

from __future__ import annotations

import re
import struct
import unicodedata
from functools import lru_cache
from importlib import resources
from typing import NamedTuple, Sequence

import numpy as np

# --- pinned parameters: signatures are stored and compared across runs; change none of these
# without bumping SIGNATURE_VERSION (and re-signing the stored articles).
SIGNATURE_VERSION = 1
SEED = 1212  # datasketch permutation seed (issue 12)
SCHEME = "affine32"  # datasketch >= 2.0 permutation scheme; 32-bit hash values
LEAD_PERM = 64  # permutations of the lead signature
BODY_PERM = 128  # permutations of the whole-text signature
SHINGLE = 3  # word n-gram size
LEAD_WORDS = 60  # words of the cleaned text that make the lead
ROWS = 3  # rows per LSH band
THRESHOLD = 0.35  # same_story: story_score at or above this


class Signature(NamedTuple):
    """MinHash of the lead and of the whole cleaned text, with the sizes of both shingle sets."""

    lead: np.ndarray  # uint32[LEAD_PERM]
    body: np.ndarray  # uint32[BODY_PERM]
    n_lead: int
    n_body: int


# ---------------------------------------------------------------- word lists (package data)


def _read_patterns(name: str, flags: int) -> tuple[re.Pattern[str], ...]:
    text = resources.files("pipeline.stories").joinpath("data", name).read_text(encoding="utf-8")
    lines = (line.strip() for line in text.splitlines())
    return tuple(re.compile(line, flags) for line in lines if line and not line.startswith("#"))


@lru_cache(maxsize=1)
def drop_patterns() -> tuple[re.Pattern[str], ...]:
    """Credit, correction, copyright and page-furniture lines (data/credit_lines.txt, furniture.txt)."""
    flags = re.IGNORECASE
    return _read_patterns("credit_lines.txt", flags) + _read_patterns("furniture.txt", flags)


@lru_cache(maxsize=1)
def dateline_patterns() -> tuple[re.Pattern[str], ...]:
    return _read_patterns("dateline.txt", 0)


# ---------------------------------------------------------------- normalisation

_PUNCT = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u00ad": None, "\u200b": None, "\u200c": None, "\u200d": None, "\ufeff": None,
})
_SPACE = re.compile(r"[^\S\n]+")
_CLOSING = re.compile(r"[.!?\"')\]]$")
SHORT_LINE = 16  # words: a shorter line without closing punctuation is a headline or furniture


def unify(text: str) -> str:
    """NFKC, straight quotes and dashes, no soft hyphens or zero-width marks, single spaces."""
    text = unicodedata.normalize("NFKC", text).translate(_PUNCT)
    return "\n".join(_SPACE.sub(" ", line).strip() for line in text.splitlines())


def is_furniture(line: str) -> bool:
    """A credit/correction/copyright line, known page furniture, or a short unpunctuated line.

    News paragraphs end in closing punctuation; headlines, navigation, teasers and share bars
    do not, which catches a site's own furniture that no list names.
    """
    if any(p.match(line) for p in drop_patterns()):
        return True
    return len(line.split()) < SHORT_LINE and not _CLOSING.search(line)


def strip_dateline(line: str) -> str:
    for pattern in dateline_patterns():
        match = pattern.match(line)
        if match:
            return line[match.end():]
    return line


def clean_lines(text: str) -> list[str]:
    """The story's paragraphs: unified, furniture and credits dropped, dateline stripped, casefolded.

    If nothing would be left (a text made only of short lines), the unified lines are kept.
    """
    lines = [line for line in unify(text).split("\n") if line]
    kept = [line for line in lines if not is_furniture(line)] or lines
    if kept:
        kept[0] = strip_dateline(kept[0])
    return [line.casefold() for line in kept if line]


_WORD = re.compile(r"\w+")
NUMBER = "#"  # what every token with a digit becomes


def mask_number(token: str) -> str:
    """Figures change as a story is updated ("toll rises to 137"); the words around them do not."""
    return NUMBER if any(c.isdigit() for c in token) else token


def words(text: str) -> list[str]:
    """Word tokens of the cleaned story (punctuation dropped, numbers masked)."""
    return [mask_number(t) for t in _WORD.findall(" ".join(clean_lines(text)))]


def shingles(tokens: Sequence[str], n: int = SHINGLE) -> set[bytes]:
    """Word n-grams as UTF-8 bytes; a text shorter than n words is one shingle."""
    if len(tokens) < n:
        return {" ".join(tokens).encode("utf-8")} if tokens else set()
    return {" ".join(tokens[i:i + n]).encode("utf-8") for i in range(len(tokens) - n + 1)}


# ---------------------------------------------------------------- signatures


@lru_cache(maxsize=1)
def _datasketch():  # imported on first use: ~0.5 s of CPU the launcher and a run with no article need not pay
    from datasketch import MinHash
    from datasketch.hashfunc import sha1_hash32

    return MinHash, sha1_hash32


@lru_cache(maxsize=4)
def _permutations(num_perm: int) -> np.ndarray:
    minhash_class, sha1_hash32 = _datasketch()
    return minhash_class(num_perm=num_perm, seed=SEED, scheme=SCHEME, hashfunc=sha1_hash32).permutations


def minhash(items: set[bytes], num_perm: int) -> np.ndarray:
    """datasketch MinHash values (uint32) of a set, with the pinned seed, scheme and hash."""
    minhash_class, sha1_hash32 = _datasketch()
    m = minhash_class(num_perm=num_perm, seed=SEED, scheme=SCHEME, hashfunc=sha1_hash32,
                      permutations=_permutations(num_perm))
    if items:
        m.update_batch(sorted(items))
    return np.asarray(m.hashvalues, dtype=np.uint32)


def sign_tokens(tokens: Sequence[str]) -> Signature:
    lead = shingles(tokens[:LEAD_WORDS], SHINGLE)
    body = shingles(tokens, SHINGLE)
    return Signature(minhash(lead, LEAD_PERM), minhash(body, BODY_PERM), len(lead), len(body))


def signature(text: str) -> Signature:
    """The story signature of an article's body text (the title is left out: outlets rewrite it)."""
    return sign_tokens(words(text))


# ---------------------------------------------------------------- serialisation

_HEADER = struct.Struct("<BBHI")  # version, reserved, n_lead, n_body
SIGNATURE_BYTES = _HEADER.size + 4 * (LEAD_PERM + BODY_PERM)


def to_bytes(sig: Signature) -> bytes:
    """Fixed-size little-endian record: header, then lead and body hash values as uint32."""
    header = _HEADER.pack(SIGNATURE_VERSION, 0, min(sig.n_lead, 0xFFFF), min(sig.n_body, 0xFFFFFFFF))
    return header + sig.lead.astype("<u4").tobytes() + sig.body.astype("<u4").tobytes()


def from_bytes(data: bytes) -> Signature:
    if len(data) != SIGNATURE_BYTES:
        raise ValueError(f"a story signature is {SIGNATURE_BYTES} bytes, got {len(data)}")
    version, _, n_lead, n_body = _HEADER.unpack_from(data)
    if version != SIGNATURE_VERSION:
        raise ValueError(f"story signature version {version}, expected {SIGNATURE_VERSION}")
    values = np.frombuffer(data, dtype="<u4", offset=_HEADER.size).astype(np.uint32)
    return Signature(values[:LEAD_PERM].copy(), values[LEAD_PERM:].copy(), n_lead, n_body)


# ---------------------------------------------------------------- LSH band keys


def band_keys(sig: Signature, rows: int = ROWS) -> list[str]:
    """LSH keys: one per band of `rows` hash values, of the lead and of the whole text.

    Two articles are candidates when they share any key. A key is the band's hash values in hex,
    prefixed by which signature and band it came from, so it is a plain string (Beam key, Parquet
    column) and equal keys mean equal bands. An empty text has no keys.
    """
    keys: list[str] = []
    for prefix, values, n in (("L", sig.lead, sig.n_lead), ("B", sig.body, sig.n_body)):
        if n == 0:
            continue
        for band in range(len(values) // rows):
            chunk = values[band * rows:(band + 1) * rows]
            keys.append(f"{prefix}{band:02d}:" + "".join(f"{int(v):08x}" for v in chunk))
    return keys


# ---------------------------------------------------------------- comparison


class Similarity(NamedTuple):
    lead: float  # estimated share of the smaller lead's shingles found in the other lead
    body: float  # estimated Jaccard of the whole texts
    containment: float  # estimated share of the smaller text's shingles found in the other


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """MinHash estimate: the share of permutations whose minima agree."""
    return float(np.count_nonzero(a == b)) / len(a)


def containment(j: float, n_a: int, n_b: int) -> float:
    """|A & B| / min(|A|, |B|) from a Jaccard estimate and the set sizes, capped at 1."""
    if min(n_a, n_b) == 0:
        return 0.0
    inter = j * (n_a + n_b) / (1.0 + j)
    return min(1.0, inter / min(n_a, n_b))


def similarity(a: Signature, b: Signature) -> Similarity:
    if min(a.n_body, b.n_body) == 0:
        return Similarity(0.0, 0.0, 0.0)
    body = jaccard(a.body, b.body)
    lead = containment(jaccard(a.lead, b.lead), a.n_lead, b.n_lead)
    return Similarity(lead, body, containment(body, a.n_body, b.n_body))


def story_score(a: Signature, b: Signature) -> float:
    """How surely two articles tell one story, in [0, 1]."""
    s = similarity(a, b)
    return min(s.lead, s.containment)


def same_story(a: Signature, b: Signature, threshold: float = THRESHOLD) -> bool:
    """The decision the pipeline applies to a candidate pair (articles sharing a band key)."""
    return story_score(a, b) >= threshold
