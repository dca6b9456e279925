"""Counting distinct people across the sentences of one incident: coreference-lite.

A news story names the same people many times: "Four people were shot ... A 26-year-old man was
shot in the eye ... The victim was taken to hospital ... He is expected to survive." Adding every
mention would count seven people. The tally reads each sentence's mentions of one category as one
*statement* and keeps the largest reading consistent with all of them (`Tally.take`):

- a **group** ("Four people were shot", "one suspected insurgent was detained", "a man and two
  women") states how many there are: the larger figure wins, a repeat restates it;
- an **individual** (an indefinite "a 26-year-old man", "a woman") introduces someone; after a
  group, individuals are its members told one by one, and only those beyond the group's size add;
- a **referring** mention (a definite "the boy", "the victim", "both", a pronoun, a surname, a name
  that identifies someone already described) points back at people counted: it never adds, it
  only raises the figure if no one had been counted yet;
- **more** ("two more", "another three", "a further two", "additional") adds to everyone counted;
- **other** ("three other men", "another man", "also detained one") adds to the last people
  mentioned: beyond a group still being told one by one it fills the group, otherwise it adds;
- a **subset** ("including two children", "one of them", "all three") never adds; an **update**
  ("rose to 137") replaces the figure; a **rank** ("a third person died", "a fifth victim") says
  there are at least that many (victims rank over every category of the incident).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.enrich.quantities import lexicon as lex

_POINTING_BACK = ("the ", "his ", "her ", "their ", "its ", "these ", "those ")
_PRONOUNS = frozenset({"he", "she", "him", "her", "they", "them"}) | lex.REFLEXIVES
_DEFINITE = ("the ", "these ", "those ")
_MORE_WORDS = frozenset({"more", "further", "additional"})
_OTHER_WORDS = frozenset({"other", "others"})


def as_int(x: float | None) -> int | None:
    return None if x is None else int(round(x))


def head_word(obj: str | None) -> str:
    if not obj:
        return ""
    w = obj.lower().split()[-1]
    for suffix, repl in (("men", "man"), ("ies", "y"), ("s", "")):
        if w.endswith(suffix) and len(w) > 3:
            return w[: -len(suffix)] + repl
    return w


def words_of(q: dict) -> set[str]:
    return set((q.get("qualifier") or "").split())


def is_update(q: dict) -> bool:
    return bool(words_of(q) & lex.UPDATE_WORDS)


def is_subset(q: dict) -> bool:
    qual = q.get("qualifier") or ""
    # ("a double shooting" counts the people told beside it: it never adds to them)
    return bool(set(qual.split()) & (lex.SUBSET_WORDS | {"all", "multiple"})) or "of whom" in qual or "of the" in qual


def rank_of(q: dict) -> int:
    """'a third person died' -> 3 (the count is marked `rank` by the extractor); 0 when not a rank."""
    words = (q.get("qualifier") or "").split()
    if "rank" not in words:
        return 0
    return next((lex.RANKS[w] for w in (q.get("text") or "").lower().split() if w in lex.RANKS), 0)


def is_name(q: dict) -> bool:
    """One person told by name ("Mexicano", "Ella Smith"): the phrase is the name, every word capitalised."""
    text = (q.get("text") or "").strip()
    words = text.split()
    return bool(words) and q.get("low") == 1 and q.get("high") == 1 and text == (q.get("object") or "") \
        and all(w[:1].isupper() for w in words) and text.lower() not in _PRONOUNS \
        and not text.lower().startswith(("a ", "an ", "one ", "another "))


def is_pronoun(q: dict) -> bool:
    return (q.get("text") or "").lower() in _PRONOUNS


def _more(q: dict) -> bool:
    """More people than everyone counted: "two more", "another three", "a further two", "additional"."""
    obj = set((q.get("object") or "").lower().split())
    text = (q.get("text") or "").lower()
    if obj & _MORE_WORDS or words_of(q) & {"further", "additional"}:
        return True
    return "another" in words_of(q) and not text.startswith("another") and (q.get("low") or 0) > 1


def _other(q: dict) -> bool:
    """People other than the last mentioned: "three other men", "another man", "were also detained"."""
    if q.get("_after_other_category"):
        return False  # "killing one and wounding two others": others than the killed, told in this sentence
    obj = set((q.get("object") or "").lower().split())
    text = (q.get("text") or "").lower()
    return bool(obj & _OTHER_WORDS) or text.startswith("another ") or "also" in words_of(q) \
        or "another" in words_of(q)


def _individual(q: dict) -> bool:
    """Someone introduced by an indefinite description: "a 26-year-old man", "an officer", "another woman"."""
    text = (q.get("text") or "").lower()
    return q.get("low") == 1 and q.get("high") == 1 and text.startswith(("a ", "an ", "another "))


def _possessive(q: dict) -> bool:
    """"his father", "her son": someone named by a relation -- new beside the people of its sentence
    ("a man, his wife and their son"), someone already met when told alone ("He shot his father")."""
    return (q.get("text") or "").lower().startswith(("his ", "her ", "their ", "its "))


def _referring(q: dict) -> bool:
    """A definite description, a pronoun, "both", a bare noun of headline style ("Teen"): people the story
    has already introduced."""
    text = (q.get("text") or "").lower()
    if is_pronoun(q) or text == "both" or (text.startswith(_DEFINITE) and not is_subset(q)):
        return True
    bare = q.get("low") == 1 and q.get("high") == 1 and " " not in text.strip() and text == (
        q.get("object") or "").lower() and not is_name(q)
    return bare  # "Teen shot": a headline's bare noun


_MALE_PRONOUNS = frozenset({"he", "him", "himself"})
_FEMALE_PRONOUNS = frozenset({"she", "her", "herself"})


def _gender(head: str) -> str:
    return "m" if head in lex.MALE_NOUNS else "f" if head in lex.FEMALE_NOUNS else ""


def _genders_differ(a: str, b: str) -> bool:
    return bool(_gender(a)) and bool(_gender(b)) and _gender(a) != _gender(b)


def _agree(person: dict, pronoun: dict) -> bool:
    """Can the pronoun stand for the person? Gender decides when both have one ("a woman ... himself": no)."""
    words = set((person.get("object") or person.get("text") or "").lower().replace("-", " ").split())
    p = (pronoun.get("text") or "").lower()
    if p in _MALE_PRONOUNS:
        return not words & lex.FEMALE_NOUNS
    if p in _FEMALE_PRONOUNS:
        return not words & lex.MALE_NOUNS
    return True


def _same_kind(a: dict, b: dict) -> bool:
    head_a, head_b = head_word(a.get("object")), head_word(b.get("object"))
    return head_a == head_b or head_b in lex.GENERIC_OBJECTS or head_a in {"old"} or head_b in {"old"}


def profile(q: dict) -> tuple[str, str]:
    """(head noun, age) of one person: "a 56-year-old woman" -> ("woman", "56"); no age -> ""."""
    obj = (q.get("object") or "").lower()
    m = _AGE_RE.search(obj)
    head = head_word(obj)
    return ("old" if head.endswith("-old") else head), (m.group(1) if m else "")  # "a 14-year-old": age only


_AGE_RE = re.compile(r"\b(\w+)-(?:year|month|week)-old\b")


@dataclass
class Statement:
    """What one sentence says about one category: its kind, its figure and the people it points back at."""

    kind: str  # update, subset, group, more, other, individual, referring, rank
    low: int | None
    high: int | None
    approximate: bool
    refer: int = 0  # people it names definitely (they may be new if no one was counted yet)
    rank: int = 0
    heads: frozenset[str] = frozenset()  # kinds of people named ("leader", "insurgent"), generic words left out
    restates: bool = False  # it also names people definitely ("the commander and two associates")
    victims: bool = False  # a rank over victims ("a fourth victim"): it counts every category of the incident
    names: tuple[str, ...] = ()
    profiles: tuple[tuple[str, str], ...] = ()  # (head, age) of the people an indefinite introduces


def sentence_key(q: dict) -> str:
    """Who a count is about, within its sentence: "his wife" and "their son" are two people there,
    "a 22-year-old man and a 24-year-old man" two men; "The suspect shot himself" one person."""
    text = (q.get("text") or "").lower()
    if text.startswith("the ") or text == "both" or is_pronoun(q):
        return ""
    if _individual(q) and text.startswith(("a ", "an ", "another ")):
        return f"{head_word(q.get('object'))}@{q.get('start')}"  # every indefinite is someone new
    return head_word(q.get("object"))


def sentence_figure(main: list[dict]) -> tuple[int | None, int | None, bool]:
    """(low, high, approximate) of one sentence's counts of a category: different people add up ("a soldier
    and two civilians"), the same people named twice count once, conflicting sources keep their range."""
    by_key: dict[str, list[dict]] = {}
    for q in main:
        by_key.setdefault(sentence_key(q), []).append(q)
    conflicting = [q for q in main if "conflicting" in words_of(q)]
    if len(conflicting) > 1:
        for q in conflicting:
            by_key.pop(sentence_key(q), None)
        by_key["\0conflicting"] = conflicting
    low: int | None = None
    high: int | None = 0
    approx = False
    for key, qs in by_key.items():
        best = max(qs, key=lambda q: as_int(q.get("low")) or 0)
        k_low, k_high = as_int(best.get("low")), as_int(best.get("high"))
        if key == "\0conflicting":
            k_low = min(as_int(q.get("low")) or 0 for q in qs)
            k_high = max(as_int(q.get("high") if q.get("high") is not None else q.get("low")) or 0 for q in qs)
        for q in qs:
            if q is not best and (_more(q) or _other(q)):
                k_low, k_high = add(k_low, as_int(q.get("low"))), add_high(k_high, as_int(q.get("high")))
        low, high = add(low, k_low), add_high(high, k_high)
        approx = approx or any(bool(q.get("approximate")) for q in qs)
    return low, high, approx


def statement(group: list[dict], known_names: set[str]) -> Statement:
    """The statement one sentence makes about one category (its counts in `group`, in text order)."""
    # a pronoun after someone counted in the same sentence is that person ("an officer ... after he shot himself")
    kept: list[dict] = []
    for q in group:
        if is_pronoun(q) and any(not is_pronoun(x) and _agree(x, q) for x in kept):
            continue
        if (q.get("text") or "").lower().startswith("the ") and q.get("low") == 1 and any(
                x.get("low") == 1 and _individual(x) and _same_kind(x, q) for x in kept):
            continue  # "An 11-year-old boy ... when a bullet struck the boy": the one just introduced
        kept.append(q)
    subsets = [q for q in kept if is_subset(q)]
    main = [q for q in kept if not is_subset(q)]
    if subsets:  # "two of the men ..., and two others": the others are the rest of the same group
        main = [q for q in main if not (set((q.get("object") or "").lower().split()) & _OTHER_WORDS)]
    if not main:
        low, high, approx = sentence_figure(subsets)
        return Statement("subset", low, high, approx)
    updates = [q for q in main if is_update(q)]
    if updates:  # "climbed to 27 after three more died": the new total
        low, high, approx = sentence_figure(updates)
        return Statement("update", low, high, approx)
    low, high, approx = sentence_figure(main)
    names = tuple(head_word(q.get("text")) for q in main if is_name(q))
    refer = sum(1 for q in main if _referring(q) or (is_name(q) and head_word(q.get("text")) in known_names))
    ranks = [q for q in main if rank_of(q)]
    if ranks:
        q = ranks[0]
        return Statement("rank", low, high, approx, rank=rank_of(q), names=names, victims="overall" in words_of(q))
    if all(_referring(q) or _possessive(q) or (is_name(q) and head_word(q.get("text")) in known_names)
           for q in main):
        return Statement("referring", low, high, approx, refer=low or 0, names=names,
                         heads=frozenset(head_word(q.get("object")) for q in main) - lex.GENERIC_OBJECTS,
                         profiles=tuple(profile(q) for q in main if q.get("low") == 1))
    plain = [q for q in main if not (_more(q) or _other(q) or _individual(q) or _referring(q) or is_name(q)
                                     or _possessive(q))]
    heads = frozenset(head_word(q.get("object")) for q in main) - lex.GENERIC_OBJECTS
    restates = bool(refer) or any((q.get("text") or "").lower().startswith(_DEFINITE) for q in subsets)
    if plain or (restates and any(_more(q) or _other(q) for q in main)):
        # (a sentence naming someone definitely beside "two additional suspects" tells the same group again)
        return Statement("group", low, high, approx, names=names, heads=heads, restates=restates)
    if any(_more(q) for q in main):
        return Statement("more", low, high, approx, names=names, heads=heads)
    if any(_other(q) for q in main):
        return Statement("other", low, high, approx, names=names, heads=heads)
    fresh = [q for q in main if (_individual(q) or is_name(q) or _possessive(q)) and not _referring(q)
             and not (is_name(q) and head_word(q.get("text")) in known_names)]
    if fresh:
        n = (low or 0) - refer if refer < (low or 0) else len(fresh)
        return Statement("individual", n, n, approx, refer=refer, names=names, heads=heads,
                         profiles=tuple(profile(q) for q in fresh if _individual(q)))
    return Statement("referring", low, high, approx, refer=low or 0, names=names, heads=heads)


def add(a: int | None, b: int | None) -> int | None:
    if a is None and b is None:
        return None
    return (a or 0) + (b or 0)


def add_high(a: int | None, b: int | None) -> int | None:
    return None if a is None or b is None else a + b


@dataclass
class Tally:
    """The people of one category in one incident, as the statements about them come in (see the module)."""

    low: int | None = None
    high: int | None = 0
    approximate: bool = False
    group: int = 0  # size of the last group stated, whose members may be told one by one
    told: int = 0  # members of that group told one by one so far
    group_heads: frozenset[str] = frozenset()  # what the group's people are ("men"): "a woman" is not one of them
    named: int = 0  # people given a name so far (a name first identifies someone already described)
    seen: bool = False
    heads: set[str] = field(default_factory=set)  # kinds of people counted so far
    profiles: list[tuple[str, str]] = field(default_factory=list)  # (head, age) of the individuals met

    def _raise(self, low: int | None, high: int | None, approximate: bool) -> None:
        """The larger figure wins (a restatement never lowers the count)."""
        if not self.seen or (low or 0) > (self.low or 0):
            self.low, self.high = low, high
            self.approximate = self.approximate or approximate
        self.seen = True

    def _add(self, n: int, high: int | None = None, approximate: bool = False) -> None:
        self.low = (self.low or 0) + n
        self.high = add_high(self.high, n if high is None else high)
        self.approximate = self.approximate or approximate
        self.seen = True

    def _tell(self, n: int) -> None:
        """n people told one by one: members of the group being told, beyond it new people."""
        beyond_before = max(0, self.told - self.group)
        self.told += n
        self._add(max(0, self.told - self.group) - beyond_before)

    def _in_group(self, heads: frozenset[str]) -> bool:
        """Can people of these kinds be members of the group being told? Not when the genders differ
        ("Two men were shot ... A woman was also wounded")."""
        if self.told >= self.group:
            return False
        return not heads or not self.group_heads or any(not _genders_differ(h, g) for h in heads
                                                           for g in self.group_heads)

    def _met(self, who: tuple[str, str]) -> bool:
        head, age = who
        # "a 14-year-old" and "a 14-year-old male" are one person; "a boy" and "an 8-year-old boy" too
        return any((h == head or head in lex.GENERIC_OBJECTS or (age and a == age and "old" in {h, head}))
                   and (not a or not age or a == age) for h, a in self.profiles) or (
            head in lex.GENERIC_OBJECTS and (self.low or 0) > 0)

    def take(self, s: Statement, names_known: set[str], other_victims: int = 0) -> None:
        low = s.low or 0
        if s.kind == "update":
            self.low, self.high, self.approximate, self.seen = s.low, s.high, s.approximate, True
            self.group, self.told = low, 0
        elif s.kind == "subset":
            self._raise(s.low, s.high, s.approximate)
            if not self.group:  # "one of them", "a double shooting": a group they belong to
                self.group, self.told = self.low or 0, 0
        elif s.kind == "group":
            if self.heads and s.heads and not s.heads & self.heads and not s.restates:
                self._add(low, s.high, s.approximate)  # "a Taliban leader ... two suspected insurgents": other people
            else:
                self._raise(s.low, s.high, s.approximate)
            self.group, self.told, self.group_heads = low, 0, s.heads
        elif s.kind == "more":
            self._add(low, s.high, s.approximate)
            self.group, self.told, self.group_heads = low, 0, s.heads
        elif s.kind == "other":
            if self._in_group(s.heads):
                self._tell(low)  # "Another 26-year-old man was shot": the group told in turn
            else:
                self._add(low, s.high, s.approximate)
                self.group, self.told, self.group_heads = low, 0, s.heads
        elif s.kind == "individual":
            if s.refer:  # the people it names definitely are someone already counted, or the first ones
                self._raise(max(self.low or 0, s.refer), self.high if self.seen else s.refer, False)
            unnamed = (self.low or 0) - self.named
            fresh_names = [n for n in s.names if n not in names_known]
            # a name first heard identifies someone already described ("A 15-year-old ... Lavontay Allen was killed")
            identified = min(len(fresh_names), max(0, unnamed))
            if self.told >= self.group:
                # no group being told one by one: "a boy" again, or "an 8-year-old boy" after "a boy", is the
                # same person ("a 56-year-old woman" after "a 48-year-old woman" is not)
                identified += sum(1 for p in s.profiles if self._met(p))
                self._tell(max(0, low - identified))
            elif self._in_group(s.heads):
                self._tell(max(0, low - identified))
            else:
                self._add(max(0, low - identified))  # "Two men were shot ... a woman was wounded": someone else
            self.profiles.extend(s.profiles)
        elif s.kind == "referring":
            self._raise(max(self.low or 0, s.refer or low), s.high if not self.seen else self.high, s.approximate)
            self.profiles.extend(s.profiles)
        elif s.kind == "rank":
            floor = max(0, s.rank - other_victims) if s.victims else s.rank
            if floor > (self.low or 0):
                self._raise(floor, floor if self.high is not None else None, s.approximate)
            elif not self.seen:
                self._raise(floor, floor, s.approximate)
            self.group, self.told = self.low or 0, self.low or 0
        self.heads |= s.heads
        self.named += len([n for n in s.names if n not in names_known])
        names_known.update(s.names)
