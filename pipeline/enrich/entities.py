"""Named entities of one article, canonical within the article.

spaCy's small English model finds the mentions; the small pure functions here
fix what it gets wrong on wire copy, using only the article itself:

- a surname or shorter form of a PERSON named in full earlier maps to the full
  name ("Romanowski" -> "Alina Romanowski"), whatever label the model gave it;
- an acronym defined in the article ("Islamic State (IS)") maps to its
  expansion, and its later mentions are found even when the model missed them;
- a name the model split into adjacent pieces ("Islamic" NORP + "State" ORG)
  is joined again;
- every mention of one canonical name gets one label, by majority vote;
- nothing comes from wire furniture (byline, dateline, credit lines) should any
  of it still be in the text.

Offsets are character offsets into the text the Doc was made from.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

# Names of people, organisations, places and events; the numeric labels
# (DATE, CARDINAL, MONEY, ...) are the quantities stage's business.
ENTITY_LABELS = frozenset({"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "EVENT"})

# Adjacent label pairs that, separated by one space only, are one name split in
# two by the model: "Islamic"(NORP) "State"(ORG), "Syrian"(NORP) "Democratic
# Forces"(ORG), "Alina"(PERSON) "Romanowski"(PERSON). GPE+ORG and NORP+PERSON
# are left apart: "U.S. Congress", "Ukrainian Oleksandr Syrskyi" are two names.
SPLIT_LABEL_PAIRS = frozenset(
    {("NORP", "ORG"), ("ORG", "ORG"), ("PERSON", "PERSON"), ("NORP", "NORP")}
)

# Words before a name that are not part of it (a span sometimes includes them).
# Royal and religious styles stay: "King Charles" is not "Charles".
PERSON_TITLES = frozenset(
    """mr mrs ms miss mx dr prof sir dame rev president vice prime minister
    gen general col colonel lt maj major capt captain sgt sen senator rep gov governor
    judge justice chancellor""".split()
)

# Lower-case words spaCy sometimes puts at the start of a place name.
LEADING_NON_NAME_WORDS = frozenset(
    """north south east west northern southern eastern western central northeast northwest
    southeast southwest northeastern northwestern southeastern southwestern""".split()
)

# Words that make a name an EVENT whatever the model said ("Typhoon Halong" is
# not a person): storms by their first word, contests by their last.
EVENT_FIRST_WORDS = frozenset({"Hurricane", "Typhoon", "Cyclone", "Storm"})
EVENT_LAST_WORDS = frozenset({"Olympics", "Paralympics", "Marathon", "Cup"})

_POSSESSIVE_RE = re.compile(r"(?:['’]s|['’])$")
_ACRONYM_AFTER_RE = re.compile(r"\s?\(\s*([A-Z][A-Z0-9&]{1,7})\s*\)")
# Small words an acronym skips: "Islamic State of Iraq and the Levant (ISIL)",
# "Tehreek-e-Taliban Pakistan (TTP)", "Hayat Tahrir al-Sham (HTS)".
_ACRONYM_STOPWORDS = frozenset(
    "of the and for in on to at de du des del la le e i y al el ul bin &".split()
)

# Wire furniture that must not produce body entities if it is still in the text
# (the extract stage normally strips it and keeps it as metadata).
_CREDIT_RE = re.compile(
    r"\((?=[^()]*\b(?:[Rr]eporting|[Ww]riting|[Ee]diting|[Cc]ompiled|[Pp]roduced|[Ii]nterview)\s+by\b)[^()]*\)"
)
_BYLINE_LINE_RE = re.compile(r"^[ \t]*By\s+[A-Z][^\n.!?]{0,80}$", re.MULTILINE)
_DATELINE_RE = re.compile(
    r"^[ \t]*[A-Z][A-Z.'\- ]*[A-Z.]"  # BAGHDAD / NEW YORK / ST. LOUIS, opening a line
    r"(?:,\s*[A-Z][A-Za-z.' ]{1,30}?)?"  # , Afghanistan
    r"(?:,?\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:,\s*\d{4})?)?"  # , March 24
    # "(Reuters) -", "-", or a dated parenthetical "(Jan. 25, 2013)"; an undated one
    # without a dash is body text: "NATO (North Atlantic ...) said"
    r"\s*(?:\([^()\n]{2,40}\)\s*[-—–]+|\([^()\n]{0,30}\d[^()\n]{0,30}\)|[-—–]+)\s",
    re.MULTILINE,
)
_DATELINE_ZONE = 400  # a dateline opens the story: look only at its first lines


@dataclass(frozen=True)
class Mention:
    """One entity mention: text[start:end] with a label."""

    start: int
    end: int
    label: str
    text: str


# --------------------------------------------------------------------------- spans


def trim_mention(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink [start, end) past surrounding space, quotes, a leading "the" and a possessive."""
    while start < end and (text[start].isspace() or text[start] in "\"'“‘(["):
        start += 1
    # "World Health Organization (WHO": the model swallowed the start of an
    # acronym's definition; the name ends where the parenthesis opens.
    paren = text.find("(", start, end)
    if paren > start:
        end = paren
    while end > start and (text[end - 1].isspace() or text[end - 1] in "\"'”’),.;:]"):
        # keep the last dot of an initialism: "U.S."
        if text[end - 1] == "." and end - start >= 2 and text[end - 2].isupper() and "." in text[start : end - 1]:
            break
        end -= 1
    m = _POSSESSIVE_RE.search(text, start, end)
    if m and m.start() > start:
        end = m.start()
    # "the United Nations", "The World Food Programme"; but "The Hague" keeps its article
    if (text.startswith("the ", start) or text.startswith("The ", start)) and " " in text[start + 4 : end].strip():
        start += 4
    elif text.startswith("the ", start) and end - start > 4:
        start += 4
    # "west London": a direction is not part of the place's name
    first, _, rest = text[start:end].partition(" ")
    if rest and first in LEADING_NON_NAME_WORDS:
        start += len(first) + 1
    return start, end


def mentions_from_doc(doc: Doc, labels: frozenset[str] = ENTITY_LABELS, text: str | None = None) -> list[Mention]:
    """The model's entity spans with a wanted label, trimmed, in text order.

    `text`: doc.text if the caller has it (spaCy rebuilds it from the tokens on every access).
    """
    text = doc.text if text is None else text
    out = []
    for ent in doc.ents:
        if ent.label_ not in labels:
            continue
        start, end = trim_mention(text, ent.start_char, ent.end_char)
        if end > start:
            out.append(Mention(start, end, ent.label_, text[start:end]))
    return out


def furniture_ranges(
    text: str, byline: str | None = None, credits: Iterable[str] | None = None
) -> list[tuple[int, int]]:
    """Character ranges of wire furniture still present in `text`.

    The byline and credit strings the extract stage kept as metadata, wherever
    they occur, plus credit parentheticals, a "By ..." line and a leading
    dateline, in case extraction left one in.
    """
    ranges: list[tuple[int, int]] = []
    for needle in [byline or "", *(credits or ())]:
        needle = needle.strip()
        if len(needle) >= 4:
            i = text.find(needle)
            while i >= 0:
                ranges.append((i, i + len(needle)))
                i = text.find(needle, i + len(needle))
    for regex in (_CREDIT_RE, _BYLINE_LINE_RE):
        ranges.extend(m.span() for m in regex.finditer(text))
    ranges.extend(m.span() for m in _DATELINE_RE.finditer(text, 0, _DATELINE_ZONE))
    return sorted(ranges)


def drop_overlapping(mentions: Sequence[Mention], ranges: Sequence[tuple[int, int]]) -> list[Mention]:
    """Mentions that overlap none of `ranges`."""
    return [m for m in mentions if not any(m.start < e and s < m.end for s, e in ranges)]


# ---------------------------------------------------------------- split repair


def _is_name_piece(s: str) -> bool:
    return bool(s) and (s[0].isupper() or s[0].isdigit())


def repair_split_names(mentions: Sequence[Mention], text: str) -> list[Mention]:
    """Join adjacent mentions that are one name the model cut in two.

    Two mentions separated by a single space are joined when the joined text is
    a mention elsewhere in the article, or when their labels are a known split
    pair (SPLIT_LABEL_PAIRS). The joined mention takes the label the whole
    form has elsewhere, else the label of its last piece (the head in English).
    """
    whole_labels: dict[str, str] = {}
    for m in mentions:
        whole_labels.setdefault(m.text, m.label)
    out: list[Mention] = []
    for m in mentions:
        prev = out[-1] if out else None
        if prev is not None and text[prev.end : m.start] == " " and _is_name_piece(m.text) and _is_name_piece(prev.text):
            joined = text[prev.start : m.end]
            if joined in whole_labels or (prev.label, m.label) in SPLIT_LABEL_PAIRS:
                out[-1] = Mention(prev.start, m.end, whole_labels.get(joined, m.label), joined)
                continue
        out.append(m)
    return out


# -------------------------------------------------------------------- acronyms


def _initials(words: Sequence[str]) -> str:
    """Letters an acronym of `words` may use: first letters, all of an all-caps word."""
    letters = []
    for w in words:
        core = re.sub(r"[^\w]", "", w)
        if not core or core.lower() in _ACRONYM_STOPWORDS:
            continue
        letters.append(core if core.isupper() else core[0].upper())
    return "".join(letters)


def acronym_matches(acronym: str, expansion: str) -> bool:
    """True when the acronym's letters are, in order, initials of the expansion's words.

    "IS" ~ "Islamic State", "ISIL" ~ "Islamic State of Iraq and the Levant",
    "UNHCR" ~ "UN High Commissioner for Refugees".
    """
    letters = [c for c in acronym.upper() if c.isalpha()]
    initials = _initials(expansion.replace("-", " ").split())
    if not letters or not initials or letters[0] != initials[0]:
        return False
    it = iter(initials)
    return all(any(c == x for x in it) for c in letters)


_WORD_RE = re.compile(r"[\w'’&.]+")
_MAX_EXPANSION_WORDS = 12


def expansion_span(text: str, end: int, acronym: str) -> tuple[int, int] | None:
    """Where the name an acronym abbreviates starts, for a name ending at `end`.

    Walks back over the words before "(ACRONYM)" (joined by spaces or hyphens,
    small connectors allowed inside) and keeps the start whose initials spell
    the acronym exactly, the longest such; failing that, the nearest whose
    initials contain its letters in order. "Fighters of Islamic State (IS)"
    -> "Islamic State"; "Tehreek-e-Taliban Pakistan (TTP)" -> all four words.
    """
    words = list(_WORD_RE.finditer(text, max(0, end - 200), end))
    if not words or words[-1].end() != end:
        return None
    letters = "".join(c for c in acronym.upper() if c.isalpha())
    starts: list[int] = []
    for k in range(len(words) - 1, max(-1, len(words) - 1 - _MAX_EXPANSION_WORDS), -1):
        w = words[k].group()
        if k < len(words) - 1 and text[words[k].end() : words[k + 1].start()] not in (" ", "-", " - "):
            break
        if w.lower() in _ACRONYM_STOPWORDS:  # inside a name, never its start ("The")
            continue
        if not (w[:1].isupper() or w[:1].isdigit()):
            break
        starts.append(words[k].start())
    exact = [s for s in starts if _initials(text[s:end].replace("-", " ").split()) == letters]
    if exact:
        return exact[-1], end
    for s in starts:
        if acronym_matches(acronym, text[s:end]):
            return s, end
    return None


def acronym_definitions(mentions: Sequence[Mention], text: str) -> tuple[dict[str, Mention], list[Mention]]:
    """Acronyms defined in the article, {"IS": Mention("Islamic State", ...)}, and the mentions.

    A definition is a name followed by an all-caps parenthetical, "Islamic State
    (IS)". The acronym's letters mark where the name starts (expansion_span):
    the mentions there are replaced by one mention of the whole name, labelled
    ORG if the model called any piece ORG. Without a fit, an ORG followed by an
    acronym still defines it (wire style, often a foreign-language acronym:
    "Central Anticorruption Bureau (CBA)").
    """
    found: dict[str, Mention] = {}
    out = list(mentions)
    for m in list(out):
        hit = _ACRONYM_AFTER_RE.match(text, m.end)
        if not hit:
            continue
        acronym = hit.group(1)
        if acronym == m.text or acronym in found:
            continue
        span = expansion_span(text, m.end, acronym)
        if span is not None:
            s, e = span
            covered = [x for x in out if x.start < e and s < x.end]
            label = "ORG" if any(x.label == "ORG" for x in covered) else m.label
            found[acronym] = Mention(s, e, label, text[s:e])
            out = sorted([x for x in out if x not in covered] + [found[acronym]], key=lambda x: (x.start, x.end))
        elif m.label == "ORG":
            found[acronym] = m
    return found, out


def _in_shouting(text: str, start: int, end: int) -> bool:
    """True inside an all-caps run (a shouted headline), where "IS" is just a word."""
    before = text[max(0, start - 40) : start].split()
    after = text[end : end + 40].split()
    neighbours = [w.strip(".,;:!?\"'()") for w in (before[-1:] + after[:1])]
    return len(neighbours) > 0 and all(len(w) >= 2 and w.isupper() for w in neighbours)


def add_acronym_mentions(
    mentions: Sequence[Mention], text: str, definitions: dict[str, Mention]
) -> list[Mention]:
    """Add every whole-word use of a defined acronym the model did not tag.

    The small model rarely tags "IS" or "RSF"; once the article has defined
    them, each use is a mention of the defined name, with its label.
    """
    added = []
    for acronym, expansion in definitions.items():
        for hit in re.finditer(rf"(?<![\w.&-]){re.escape(acronym)}(?![\w&-])", text):
            s, e = hit.span()
            if any(m.start < e and s < m.end for m in mentions) or _in_shouting(text, s, e):
                continue
            added.append(Mention(s, e, expansion.label, acronym))
    return sorted([*mentions, *added], key=lambda m: (m.start, m.end))


def find_whole_word(text: str, name: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each occurrence of `name` in `text` not inside a longer word."""
    i = text.find(name)
    while i >= 0:
        e = i + len(name)
        before = text[i - 1] if i > 0 else " "
        after = text[e] if e < len(text) else " "
        if not (before.isalnum() or before in "_-") and not (after.isalnum() or after in "_-"):
            yield i, e
        i = text.find(name, i + 1)


def propagate_names(mentions: Sequence[Mention], text: str) -> list[Mention]:
    """Tag every occurrence of a multi-word name the model found somewhere in the article.

    Where the model cut it ("Islamic"(NORP) + "State" untagged) or missed it,
    the occurrence becomes a mention with the name's label, replacing the
    pieces inside it. Single words are not spread: "Amazon" or "Labour" may
    be a common word elsewhere.
    """
    out = list(mentions)
    names: dict[str, str] = {}
    for m in mentions:
        if " " in m.text:
            names.setdefault(m.text, m.label)
    for name in sorted(names, key=len, reverse=True):
        for s, e in find_whole_word(text, name):
            overlapping = [m for m in out if m.start < e and s < m.end]
            if any(m.start == s and m.end == e for m in overlapping):
                continue
            if all(s <= m.start and m.end <= e for m in overlapping):
                out = [m for m in out if m not in overlapping]
                out.append(Mention(s, e, names[name], name))
    return sorted(out, key=lambda m: (m.start, m.end))


def add_surname_mentions(
    mentions: Sequence[Mention],
    text: str,
    is_proper_noun: Callable[[int, int], bool] | None = None,
) -> list[Mention]:
    """Add the surname of each person named in full wherever the model left it untagged.

    The small model often misses a lone surname ("Mutai, 26, pulled away").
    Only capitalised whole words count, and only where the tagger calls the
    word a proper noun (when `is_proper_noun` is given): "Young" in "Young
    people" is not Mr Young.
    """
    surnames = {words[-1] for _, words in person_full_names(mentions) if len(words[-1]) > 1}
    added = []
    for surname in surnames:
        if not surname[:1].isupper():
            continue
        for s, e in find_whole_word(text, surname):
            if any(m.start < e and s < m.end for m in mentions) or any(a.start == s for a in added):
                continue
            if is_proper_noun is None or is_proper_noun(s, e):
                added.append(Mention(s, e, "PERSON", surname))
    return sorted([*mentions, *added], key=lambda m: (m.start, m.end))


def lexical_label(name: str, label: str) -> str:
    """EVENT for storms and contests by their telltale word, else the model's label."""
    words = name.split()
    if len(words) >= 2 and (words[0] in EVENT_FIRST_WORDS or words[-1] in EVENT_LAST_WORDS):
        return "EVENT"
    return label


# ---------------------------------------------------------------- canonical names


def name_words(name: str) -> list[str]:
    """Words of a name without leading titles ("Dr. Alina Romanowski" -> [Alina, Romanowski])."""
    words = name.split()
    while len(words) > 1 and words[0].rstrip(".").lower() in PERSON_TITLES:
        words = words[1:]
    return words


def normalise_name(name: str, label: str) -> str:
    """The written form used as canonical: single spaces, no possessive, no title for people."""
    name = _POSSESSIVE_RE.sub("", " ".join(name.split()))
    if label == "PERSON":
        name = " ".join(name_words(name))
    return name


def is_short_form(short: Sequence[str], full: Sequence[str], *, first_name_ok: bool = True) -> bool:
    """True when `short` names the same person as the longer `full` name.

    The surname alone, the first name alone (if `first_name_ok`), or the words
    of `full` in order ending with the surname ("Alina Romanowski" for
    "Alina M. Romanowski").
    """
    if not short or len(short) >= len(full):
        return False
    if not all(w[:1].isupper() for w in short):
        return False
    if len(short) == 1:
        return short[0] == full[-1] or (first_name_ok and short[0] == full[0])
    if short[-1] != full[-1]:
        return False
    it = iter(full)
    return all(any(w == x for x in it) for w in short)


def person_full_names(mentions: Sequence[Mention]) -> list[tuple[int, list[str]]]:
    """(start, words) of every PERSON mention naming someone with two words or more."""
    out = []
    for m in mentions:
        if m.label == "PERSON":
            words = name_words(normalise_name(m.text, "PERSON"))
            if len(words) >= 2:
                out.append((m.start, words))
    return out


def resolve_person(
    words: Sequence[str],
    start: int,
    full_names: Sequence[tuple[int, list[str]]],
    *,
    first_name_ok: bool = True,
) -> list[str] | None:
    """The full name a shorter form refers to: the latest one named before it, else the only one named after."""
    earlier = [f for s, f in full_names if s < start and is_short_form(words, f, first_name_ok=first_name_ok)]
    if earlier:
        return earlier[-1]
    later = {tuple(f) for s, f in full_names if s > start and is_short_form(words, f, first_name_ok=first_name_ok)}
    return list(next(iter(later))) if len(later) == 1 else None


def canonical_names(
    mentions: Sequence[Mention], definitions: dict[str, Mention]
) -> tuple[list[str], list[bool]]:
    """Canonical name of each mention, and whether it was matched to a full PERSON name.

    Persons named in full earlier win over the model's label for a short form;
    acronyms map to the canonical of their expansion.
    """
    full_names = person_full_names(mentions)
    canonicals: list[str] = []
    person_matched: list[bool] = []
    by_span: dict[tuple[int, int], str] = {}
    for m in mentions:
        words = name_words(normalise_name(m.text, "PERSON"))
        # a lone first name is a person only if the model thought so ("Jordan" the country)
        full = (
            resolve_person(words, m.start, full_names, first_name_ok=m.label == "PERSON")
            if m.text not in definitions
            else None
        )
        if full is not None:
            # the full name may itself be a short form of a longer one named earlier
            longer = resolve_person(full, m.start, full_names)
            canonical, matched = " ".join(longer or full), True
        elif m.text in definitions:
            d = definitions[m.text]
            canonical, matched = by_span.get((d.start, d.end), normalise_name(d.text, d.label)), False
        else:
            canonical, matched = normalise_name(m.text, m.label), False
            if m.label == "PERSON":
                longer = resolve_person(name_words(canonical), m.start, full_names)
                canonical = " ".join(longer) if longer else canonical
        by_span[(m.start, m.end)] = canonical
        canonicals.append(canonical)
        person_matched.append(matched)
    return canonicals, person_matched


def majority_labels(votes: Sequence[tuple[str, str]]) -> dict[str, str]:
    """{canonical: label} by majority over (canonical, label) votes; ties go to the earliest vote."""
    counts: dict[str, Counter[str]] = {}
    first_seen: dict[tuple[str, str], int] = {}
    for i, (canonical, label) in enumerate(votes):
        counts.setdefault(canonical, Counter())[label] += 1
        first_seen.setdefault((canonical, label), i)
    return {
        c: max(cnt, key=lambda label: (cnt[label], -first_seen[(c, label)])) for c, cnt in counts.items()
    }


# ---------------------------------------------------------------------- public


def canonicalise(
    mentions: Sequence[Mention],
    text: str,
    exclude: Sequence[tuple[int, int]] = (),
    is_proper_noun: Callable[[int, int], bool] | None = None,
) -> list[dict]:
    """Entity dicts {text, label, start, end, canonical} from raw model mentions."""
    mentions = drop_overlapping(mentions, exclude)
    mentions = repair_split_names(mentions, text)
    mentions = propagate_names(drop_overlapping(mentions, exclude), text)
    definitions, mentions = acronym_definitions(mentions, text)
    mentions = add_acronym_mentions(mentions, text, definitions)
    mentions = add_surname_mentions(mentions, text, is_proper_noun)
    mentions = drop_overlapping(mentions, exclude)
    canonicals, person_matched = canonical_names(mentions, definitions)
    votes = [
        (c, "PERSON" if matched else lexical_label(c, m.label))
        for m, c, matched in zip(mentions, canonicals, person_matched)
    ]
    labels = majority_labels(votes)
    return [
        {"text": m.text, "label": labels[c], "start": m.start, "end": m.end, "canonical": c}
        for m, c in zip(mentions, canonicals)
    ]


def common_words(nlp: Language) -> frozenset[str]:
    """Lower-case English words from the pipeline's lemmatizer tables (WordNet's index).

    Used to tell a surname opening a sentence ("Okonjo later said") from a
    word that happens to be one ("Young people"). Empty without a lemmatizer.
    """
    if "lemmatizer" not in nlp.component_names:
        return frozenset()
    lookups = getattr(nlp.get_pipe("lemmatizer"), "lookups", None)
    if lookups is None or not lookups.has_table("lemma_index"):
        return frozenset()
    index = lookups.get_table("lemma_index")
    return frozenset(w for pos in ("noun", "verb", "adj", "adv") for w in (index.get(pos) or ()))


_SENTENCE_OPENERS = frozenset({".", "!", "?", '"', "“", "(", ":", "-", "—"})


def proper_noun_test(doc: Doc, known_words: frozenset[str] = frozenset()) -> Callable[[int, int], bool]:
    """A check "is text[s:e] one token that is a name here?".

    Capitalised inside a sentence: yes. Opening a sentence (capitalised anyway):
    only if the tagger says proper noun or the word is not an English word.
    """
    has_sents = doc.has_annotation("SENT_START") or doc.has_annotation("DEP")
    has_tags = doc.has_annotation("TAG")

    def is_proper_noun(s: int, e: int) -> bool:
        span = doc.char_span(s, e)
        if span is None or len(span) != 1:
            return False
        tok = span[0]
        prev = doc[tok.i - 1] if tok.i > 0 else None
        opens_sentence = (
            prev is None
            or bool(has_sents and tok.is_sent_start)
            or "\n" in prev.text_with_ws
            or prev.text in _SENTENCE_OPENERS
        )
        if not opens_sentence:
            return True
        return (has_tags and tok.tag_ in ("NNP", "NNPS")) or tok.lower_ not in known_words

    return is_proper_noun


def entities_from_doc(
    doc: Doc,
    *,
    byline: str | None = None,
    credits: Iterable[str] | None = None,
    known_words: frozenset[str] = frozenset(),
) -> list[dict]:
    """Canonical entity mentions of a Doc, none from wire furniture, in text order.

    `known_words`: common_words(nlp), to keep ordinary words opening a sentence
    ("Young people") from being taken for a surname; without it every
    capitalised whole-word use of a surname counts.
    """
    text = doc.text  # built from the tokens on each access: once is enough
    exclude = furniture_ranges(text, byline, credits)
    return canonicalise(mentions_from_doc(doc, text=text), text, exclude, proper_noun_test(doc, known_words))


def summarize_entities(entities: Iterable[dict]) -> list[dict]:
    """One row per canonical entity: {canonical, label, mentions, first_start}, most mentioned first."""
    rows: dict[str, dict] = {}
    for e in entities:
        row = rows.get(e["canonical"])
        if row is None:
            rows[e["canonical"]] = {
                "canonical": e["canonical"],
                "label": e["label"],
                "mentions": 1,
                "first_start": e["start"],
            }
        else:
            row["mentions"] += 1
            row["first_start"] = min(row["first_start"], e["start"])
    return sorted(rows.values(), key=lambda r: (-r["mentions"], r["first_start"]))
