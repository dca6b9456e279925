"""The context of a count: negation, hypotheticals, plans, background totals, attribution, place.

The words that shaped a reading are recorded, space-separated, in `qualifier`, so the rollup (and an
analyst) can see why a count was or was not added: updates ("rose"), subsets ("including", "of the"),
separate incidents ("separate", "elsewhere"), history told about someone ("linked to"), either-or
triggers ("captured or killed"), `released` detainees, and `background` + its cue for totals that
are not the article's incident (running, past-period or conflict totals)."""

from __future__ import annotations


from pipeline.enrich.quantities import lexicon as lex
from pipeline.enrich.quantities.reading import YEAR_RE
from pipeline.enrich.quantities.tokens import Count, Tok, span_text
from pipeline.enrich.quantities.triggers import trigger_category


def is_hypothetical(toks: list[Tok], c: Count, trig: int, lo: int, planned_ok: bool = False) -> bool:
    """A modal or an intention verb governs the trigger: 'could kill thousands', 'threatened to behead two'.

    `planned_ok`: "will"/"shall" are a decided plan, not a possibility (troop deployments are announced so)."""
    a, b = (min(c.start, trig), max(c.end, trig))
    t = toks[trig]
    if trigger_category(t) == "displaced" and any(x.lemma in {"order", "force", "compel", "tell"} and x.tag == "VBN"
                                                  for x in toks[max(lo, trig - 3):trig]):
        return False  # "were ordered to leave their homes": an evacuation order moves people
    if t.tag == "VB" and trig - 1 >= lo and toks[trig - 1].lower == "to" and not (
            trig - 2 >= lo and toks[trig - 2].lemma in {"force", "compel", "begin", "start", "have", "manage"}) \
            and not _forced_to(toks, c, trig, lo):
        return True  # "an operation to arrest a leader", "plans to kill": intended, not done
    window = toks[max(lo, a - 4):b]
    for t in window:
        if planned_ok and t.lower in lex.PLANNED_MODALS:
            continue
        if (t.lower in lex.MODALS and t.tag in {"MD", ""}) or t.lower in lex.HYPOTHETICAL_MARKERS:
            return True
        if t.lemma in lex.HYPOTHETICAL_VERBS and t.pos in {"VERB", "ADJ", "ADV", "NOUN"} and t is not toks[trig]:
            return True  # (the trigger itself is the event: "ordered 10,000 troops to the border")
    # "if ... killed", "threatened to ... kill": look a little further back in the clause
    for t in toks[max(lo, a - 8):max(lo, a - 4)]:
        if t.lower in {"if", "unless"} or (t.lemma in {"threaten", "plan", "vow", "intend", "plot"}):
            return True
    return False


def _forced_to(toks: list[Tok], c: Count, trig: int, lo: int) -> bool:
    """'forcing some 2,500 families to flee', 'forced 300 people to leave': the event happened."""
    if not c.start < trig:
        return False
    return any(t.lemma in {"force", "compel", "cause", "drive", "prompt", "push", "lead", "make"}
               for t in toks[max(lo, c.start - 3):c.start])


def is_negated(toks: list[Tok], c: Count, trig: int, lo: int) -> bool:
    a, b = (min(c.end, trig), max(c.end, trig))
    between = toks[a:b]
    if any(t.lower in {"not", "n't", "never"} for t in between):
        return True
    if trig < c.start:
        return any(t.lower in {"not", "n't", "never"} for t in toks[max(lo, trig - 3):trig])
    return False


def is_planned(toks: list[Tok], c: Count, trig: int, lo: int) -> bool:
    a = min(c.start, trig)
    return any(t.lower in lex.PLANNED_MODALS for t in toks[max(lo, a - 4):a])


def note_context_words(toks: list[Tok], c: Count, trig: int, lo: int, hi: int) -> None:
    """Add update ('rose to') and subset ('including', 'among') words in front of the count to the qualifier."""
    window = toks[max(lo, min(c.start, trig) - 3):c.start] if trig < c.start else toks[max(lo, c.start - 4):c.start]
    extra = []
    for t in window:
        if t.lower in lex.UPDATE_WORDS or t.lemma in lex.UPDATE_WORDS:
            extra.append(t.lower)
        if t.lower in lex.SUBSET_WORDS:
            extra.append(t.lower)
    if c.start - 3 >= lo and [t.lower for t in toks[c.start - 3:c.start]] in (["of", "whom", "were"],):
        extra.append("of whom")
    if c.start - 1 >= lo and toks[c.start - 1].lower == "all" and not c.implicit:
        extra.append("all")  # "killing all three": the group already counted
    if not c.implicit and c.end + 1 < len(toks) and toks[c.end].lower == "of" \
            and toks[c.end + 1].lower in {"the", "them", "those", "these", "which", "whom"}:
        extra.append("of the")  # "five of the insurgents killed were commanders": part of a group
    # "captured or killed 12": either reading may hold, so the count is not a fact of one category
    for k in (trig - 2, trig + 2):
        if lo <= k < hi and toks[(k + trig) // 2].lower == "or" and trigger_category(toks[k]) \
                and trigger_category(toks[k]) != c.category:
            a, b = sorted((k, trig))
            extra.append(f"{toks[a].lower} or {toks[b].lower}")
            break
    # a separate incident announced earlier in the sentence: "In a separate attack, two ... were killed"
    for t in toks[lo:c.start]:
        if t.lower in {"separate", "elsewhere", "meanwhile"}:
            extra.append(t.lower)
            break
    if c.start - 1 >= lo and toks[c.start - 1].lower in {"another", "further", "additional"}:
        extra.append("another")  # "Another 4 people were killed in a second strike"
    # "were also wounded", "also detained two suspects": people besides those just named
    span = toks[c.end:trig] if trig > c.start else toks[max(lo, trig - 2):trig]
    if any(t.lower == "also" for t in span):
        extra.append("also")
    superseded = _superseded_cue(toks, c, lo, hi)
    if superseded:
        extra.append("superseded")
        extra.append(superseded)
    background = _background_cue(toks, c, trig, lo, hi)
    if background:
        extra.append("background")
        extra.append(background)
    if c.category in {"detained", "kidnapped"} and is_released(toks, c, trig, lo, hi):
        extra.append("released")
    # background: the count belongs to an earlier event tied to someone ("linked to an attack that killed four")
    first = min(c.start, trig)
    relative = any(t.lower in {"that", "which"} for t in toks[max(lo, trig - 2):trig])
    for k in range(lo, first - 1 if relative else lo):
        pair = (toks[k].lower, toks[k + 1].lower)
        if pair in lex.BACKGROUND_CUES:
            extra.append(" ".join(pair))
            break
    if extra:
        c.qualifier = [w for w in dict.fromkeys(extra) if w not in c.qualifier] + c.qualifier


def scope_of(qualifier: list[str]) -> str:
    """`scope` of a people count: `incident` (the article's event), `cumulative` (a total to date or over a
    period: "since March", "the war has killed", "already displaced"), `history` (an earlier event told about
    someone: "linked to an attack that killed four") or `standing` (forces stationed, not moved)."""
    words = set(qualifier)
    if "standing" in words:
        return "standing"
    if words & {" ".join(cue) for cue in lex.BACKGROUND_CUES}:
        return "history"
    return "cumulative" if "background" in words else "incident"


def _superseded_cue(toks: list[Tok], c: Count, lo: int, hi: int) -> str | None:
    """Why a figure is one the article replaces, or None: "revising an earlier toll of four", "up from 20",
    "An earlier version of this story said nine" (a correction notice)."""
    before = [t.lower for t in toks[max(lo, c.start - 4):c.start]]
    if set(before[:-2]) & lex.EARLIER_WORDS and before[-2:-1] and before[-2] in lex.FIGURE_NOUNS | {"estimate"} \
            and before[-1] in {"of", "at", "was", "had"}:
        return "earlier figure"  # "revising an earlier toll of four"
    if before[-2:] in (["up", "from"], ["down", "from"]):
        return " ".join(before[-2:])
    words = [t.lower for t in toks[lo:hi]]
    for k in range(len(words) - 1):
        if words[k] in lex.EARLIER_WORDS and words[k + 1] in {"version", "versions"} or words[k] in lex.RETRACTING_WORDS:
            return "correction"
    return None


def _background_cue(toks: list[Tok], c: Count, trig: int, lo: int, hi: int) -> str | None:
    """Why a count is a background total rather than the article's incident, or None.

    Sentence-level cues (a wire sentence carries one time frame): a past or running period
    ("last year", "in 2015", "in January", "between 1985 and 2018", "since ...", "so far",
    "earlier this year", "over the past decade", "a decade ago"); a long-running cause told in the
    present perfect or as agent ("the war has killed", "displaced by gang violence"); a running
    total ("already displaced", "adding to").
    """
    first = min(c.start, trig)
    for k in range(lo, hi):
        t = toks[k]
        low = t.lower
        nxt = toks[k + 1] if k + 1 < hi else None
        nxt2 = toks[k + 2] if k + 2 < hi else None
        if low == "since" and not (k > lo and toks[k - 1].lower == "ever" and nxt is not None and nxt.lower == ","):
            return "since"
        if low in {"last", "past", "previous"} and nxt is not None and nxt.lower in lex.PAST_PERIOD_NOUNS:
            return f"{low} {nxt.lower}"
        if low in {"last", "past"} and nxt is not None and nxt.lower in {"few", "several", "two", "three", "five",
                                                                         "ten"} \
                and nxt2 is not None and nxt2.lower in lex.PAST_PERIOD_NOUNS:
            return f"{low} {nxt2.lower}"
        if low == "ago" and k > lo and toks[k - 1].lower in lex.PAST_PERIOD_NOUNS | {"weeks", "month"}:
            return "ago"
        if low == "so" and nxt is not None and nxt.lower == "far":
            return "so far"
        if low == "earlier" and nxt is not None and nxt.lower == "this" and nxt2 is not None \
                and nxt2.lower in {"year", "month"}:
            return "earlier this " + nxt2.lower
        if low in {"in", "during", "between", "from", "throughout", "by"} and nxt is not None:
            # "in 2015", "in March 2024", "In January," -- but not "in March 24" or "in May 2,000 people"
            if YEAR_RE.match(nxt.text) and not (nxt2 is not None and nxt2.tag in {"NNS", "NNPS"}):
                return f"{low} year"
            if nxt.lower.rstrip(".") in lex.MONTHS and nxt.is_title and low != "by":
                after = nxt2.text if nxt2 is not None else ""
                if YEAR_RE.match(after) or not after[:1].isdigit():
                    return f"{low} month"
        if low in lex.CUMULATIVE_WORDS and min(c.start, trig) - 6 <= k <= max(c.end, trig):
            return low  # "the 400,000 people already displaced" (a cue near this count, not the sentence's)
        if low == "adding" and nxt is not None and nxt.lower == "to" and k < c.start:
            return "adding to"
        if k == c.start - 1 and trig == c.obj_head and (low in {"for", "hosting", "hosts", "host", "houses"} or (
                low == "to" and k > lo and toks[k - 1].lower == "home")):
            return "population"  # "rations for 700,000 refugees", "home to 300,000 refugees"
        if low in lex.CONFLICT_NOUNS and t.pos in {"NOUN", "ADJ", "PROPN", ""} and not _recent(toks, lo, hi):
            # "the war ... has killed", "the conflict has displaced" (a total to date)
            if k < first and _present_perfect_after(toks, k + 1, hi):
                return "conflict total"
            # "displaced by gang violence", "killed by the war"
            if k > trig and any(toks[j].lower == "by" for j in range(max(lo, k - 3), k)) and k - trig <= 8:
                return "conflict total"
    return None


def _recent(toks: list[Tok], lo: int, hi: int) -> bool:
    """'in the past 48 hours', 'over the last two days', 'overnight': the incident's own time frame."""
    return any(t.lower in lex.RECENT_PERIOD_NOUNS and any(x.lower in {"past", "last"} for x in toks[max(lo, k - 3):k])
               for k, t in enumerate(toks[lo:hi], start=lo)) or any(t.lower == "overnight" for t in toks[lo:hi])


def _present_perfect_after(toks: list[Tok], k: int, hi: int) -> bool:
    """'has killed', 'have also driven', ', which erupted in 2023, has killed': a total up to now."""
    for j in range(k, min(hi, k + 24)):
        t = toks[j]
        if t.lower in {"has", "have"} and j + 1 < hi:
            j2 = j + 1
            while j2 < hi and toks[j2].tag in {"RB", "RBR"}:
                j2 += 1
            return j2 < hi and toks[j2].tag == "VBN" and toks[j2].lemma != "be"
        if t.lower in {".", ";"} or (t.pos == "VERB" and t.tag in {"VBD", "VBZ", "VBP"} and not
                                      any(x.lower in {"which", "that", "who"} for x in toks[k:j])):
            return False
    return False


def is_released(toks: list[Tok], c: Count, trig: int, lo: int, hi: int) -> bool:
    """'release 213 detainees', 'the release of 150 fighters held by ...', 'were freed': set free, not detained."""
    for k in range(lo, hi):
        t = toks[k]
        if t.lemma in lex.RELEASE_LEMMAS or t.lower in {"freed", "released", "release", "free", "exchange", "swap"}:
            nxt = toks[k + 1] if k + 1 < hi else None
            if nxt is not None and nxt.lower in lex.RELEASED_THINGS or k > lo and toks[k - 1].lower in {
                    "immediate", "press", "news"}:
                continue  # "released a statement", "For Immediate Release"
            if t.lower == "free" and t.pos == "ADJ" and k > c.start and toks[k - 1].lemma != "set":
                continue  # ("were set free" is a release)
            if k < c.start and c.start - k <= 14 or c.end <= k <= max(c.obj_end, c.end) + 4:
                return True
    return False


def attribution_of(toks: list[Tok], lo: int, hi: int, ents: list[tuple[int, int, str, str]]) -> str | None:
    """The source named in the sentence: 'according to the health ministry', 'police said', 'said a spokesman'."""
    for k in range(lo, hi):
        t = toks[k]
        if t.lower == "according" and k + 1 < hi and toks[k + 1].lower == "to":
            j = k + 2
            e = k + 2
            while e < hi and e - j < 8 and toks[e].lower not in {",", ".", ";", "said", "which", "who", "on"} \
                    and toks[e].pos not in {"VERB", "AUX", "PUNCT"}:
                e += 1
            if e > j:
                return span_text(toks, j, e)
        if t.lemma in lex.REPORTING_LEMMAS and t.pos == "VERB" and t.lemma != "according":
            ent = _entity_next_to(toks, k, ents)
            if ent:
                return ent
            # "police said": a noun phrase just before the verb
            s = k
            while s - 1 >= lo and (toks[s - 1].pos in {"NOUN", "PROPN", "ADJ", "DET"} or toks[s - 1].lower in {"'s"}) \
                    and k - s < 6:
                s -= 1
            if s < k and any(x.pos in {"NOUN", "PROPN"} for x in toks[s:k]):
                return span_text(toks, s, k)
            # "said a spokesman for the army": a noun phrase just after the verb
            if t.lemma == "tell":
                continue  # "told reporters": the listener, not the source
            e = k + 1
            while e < hi and (toks[e].pos in {"NOUN", "PROPN", "ADJ"} or (e == k + 1 and toks[e].pos == "DET")) \
                    and e - k < 6:
                e += 1
            if e > k + 1 and any(x.pos in {"NOUN", "PROPN"} for x in toks[k + 1:e]):
                return span_text(toks, k + 1, e)
    return None


def _entity_next_to(toks: list[Tok], k: int, ents: list[tuple[int, int, str, str]]) -> str | None:
    verb_start, verb_end = toks[k].idx, toks[k].end
    for s, e, label, text in ents:
        if label not in {"ORG", "PERSON", "NORP", "GPE"}:
            continue
        gap_before = verb_start - e
        gap_after = s - verb_end
        if 0 <= gap_before <= 2 or 0 <= gap_after <= 2:
            return text
    return None


def nearest_place(ents: list[tuple[int, int, str, str]], start: int, end: int) -> str | None:
    """The place entity of the sentence nearest to the count (a dateline's city is usually farther)."""
    best: tuple[int, str] | None = None
    for s, e, label, text in ents:
        if label in {"GPE", "LOC", "FAC"} and not (s < end and start < e):
            distance = start - e if e <= start else s - end
            if best is None or distance < best[0]:
                best = (distance, text)
    return best[1] if best else None
