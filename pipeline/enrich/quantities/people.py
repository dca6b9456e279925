"""Who is counted: the counted noun phrase, person-likeness, and counts written without a numeral.

"killed a Taliban commander" (1), "the leader was captured" (1), "Maria Lopez was abducted" (1),
"he was killed" (1), "no one" / "no civilians" / "not ... any" (0, negated). Such implicit counts
are kept only when a trigger is found for them."""

from __future__ import annotations


from pipeline.enrich.quantities import lexicon as lex
from pipeline.enrich.quantities.tokens import Count, Tok, span_text
from pipeline.enrich.quantities.triggers import trigger_category


def _noun_phrase_end(toks: list[Tok], j: int, hi: int) -> tuple[int, int]:
    """From token j, skip modifiers to the head noun: (head index, one past the phrase) or (-1, j)."""
    head = -1
    k = j
    while k < hi and k - j < 11:
        t = toks[k]
        if head != -1 and (t.ent in {"DATE", "TIME"} or t.lower in lex.TIME_NOUNS):
            break  # "insurgents yesterday"
        if head != -1 and t.tag in {"VBN", "JJ"} and k + 1 < hi and (toks[k + 1].pos in {"NOUN", "PROPN", "ADJ"}
                                                                     or toks[k + 1].tag == "VBN") \
                and t.lower not in lex.ADJ_TRIGGERS:
            head = -1  # "al-Qaeda associated Taliban leader": the head comes later
            k += 1
            continue
        if head != -1 and t.lower in {"hostage", "hostages", "custody"}:
            break  # "took 18 crew members hostage": the trigger, not part of the phrase
        if t.pos in {"NOUN", "PROPN"} or (t.pos == "ADJ" and t.lower in {"wounded", "dead", "injured"}) or \
                (head == -1 and k == j and t.lower == "missing"):  # "left 17 missing"
            head = k
            k += 1
            continue
        if t.pos in {"ADJ", "VERB"} and t.tag in {"JJ", "VBN", "JJR", "VBG"} and head == -1:
            k += 1
            continue
        if t.tag == "RB" and head == -1 and k + 1 < hi and toks[k + 1].tag in {"JJ", "VBN"} and t.lower != "not":
            k += 1  # "heavily armed insurgents"
            continue
        if t.lower in {"-", "'s", "’s"} and head != -1 and k + 1 < hi and (toks[k + 1].pos in {"NOUN", "PROPN", "ADJ"}
                                                                            or toks[k + 1].tag == "VBN"):
            k += 1
            continue
        if t.lower in {"-"} and head == -1:
            k += 1
            continue
        if t.pos == "NUM" and head == -1 and k + 4 < hi and toks[k + 1].lower == "-" and \
                toks[k + 3].lower == "-" and toks[k + 4].lower == "old":
            k += 5  # "a 23-year-old man": the age is a modifier
            continue
        if t.lower in lex.ADDITIVE_WORDS and head == -1:
            k += 1
            continue
        break
    if head == -1:
        return -1, j
    return head, head + 1


def implicit_counts(toks: list[Tok], lo: int, hi: int, taken: set[int]) -> list[Count]:
    """'a Taliban commander' (1) and 'no one' / 'no civilians' / 'none' (0, negated) as counts.

    They are kept only if a trigger is found for them later (the caller drops the rest).
    """
    out: list[Count] = []
    i = lo
    while i < hi:
        if i in taken:
            i += 1
            continue
        t = toks[i]
        if t.lower in lex.MULTIPLE_WORDS and i + 1 < hi and toks[i + 1].lemma in lex.MULTIPLE_EVENTS:
            n = float(lex.MULTIPLE_WORDS[t.lower])  # "a quadruple shooting": four people shot
            c = Count(i, i, i + 1, n, n, n, False, ["multiple"], implicit=True)
            c.obj_start, c.obj_end, c.obj_head = i + 1, i + 2, i + 1
            out.append(c)
            i += 2
            continue
        ordinal = _ordinal_person(toks, i, hi)
        if ordinal != -1:  # "a third died later", "A fourth victim": one more person, told by rank
            # a rank counts everyone hurt ("a second man was wounded" after a man killed, "a fourth victim"),
            # except a rank of the dying ("a third person has died", "a third died later"): the dead
            dying = any(x.lemma in lex.DYING_LEMMAS for x in toks[ordinal + 1:min(hi, ordinal + 4)]) and not (
                ordinal + 1 < hi and toks[ordinal + 1].lower in {"who", "that"})
            c = Count(i, i, i + 1, 1.0, 1.0, 1.0, False, ["rank"] + ([] if dying else ["overall"]), implicit=True)
            c.obj_start, c.obj_end, c.obj_head = i + 1, ordinal + 1, ordinal
            out.append(c)
            i = ordinal + 1
            continue
        if (t.lower in {"a", "an", "one", "another", "the"} and t.pos in {"DET", "NUM", ""}
                or t.lower in {"his", "her", "their"} and t.tag == "PRP$") \
                and not (i - 1 > lo and toks[i - 1].lower == "of" and trigger_category(toks[i - 2]) is None):
            # "associates of the dealer" is not a count; "the detention of an insurgent" is
            age = _age_noun(toks, i + 1, hi)
            if age != -1:  # "a 15-year-old was killed": the age names the person
                c = Count(i, i, i + 1, 1.0, 1.0, 1.0, False, [], implicit=True)
                c.obj_start, c.obj_end, c.obj_head = i + 1, age + 1, age
                out.append(c)
                i = age + 1
                continue
            head, end = _noun_phrase_end(toks, i + 1, hi)
            modifier = head != -1 and end < hi and toks[end].lower in {"and", "-", "/"} and toks[head].ent == "NORP"
            definite_name = t.lower == "the" and toks[head].tag != "NN" and toks[head].ent != "PERSON" \
                if head != -1 else False
            if head != -1 and not modifier and not definite_name and is_person_word(toks[head]) \
                    and toks[head].tag not in {"NNS", "NNPS"}:
                end = _skip_appositive_name(toks, end, hi)
                c = Count(i, i, i + 1, 1.0, 1.0, 1.0, False, [], implicit=True)
                c.obj_start, c.obj_end, c.obj_head = i + 1, end, head
                out.append(c)
                i = end
                continue
        if t.ent == "PERSON" and (i == lo or toks[i - 1].ent != "PERSON") and \
                not (i > lo and toks[i - 1].pos in {"NUM", "DET"}) and \
                not (i - 2 >= lo and toks[i - 1].lower == "of" and toks[i - 2].lower == ","):
            # (not "Tony McLaughlin, 38, of Calais": a home town the tagger took for a name)
            end = i + 1
            while end < hi and toks[end].ent == "PERSON" and toks[end].pos in {"PROPN", "NOUN"}:
                end += 1
            c = Count(i, i, end, 1.0, 1.0, 1.0, False, [], implicit=True)  # "Mahjur was killed"
            c.obj_start, c.obj_end, c.obj_head = i, end, end - 1
            out.append(c)
            i = end
            continue
        if t.lower in {"he", "she", "him", "her"} and t.pos == "PRON" and t.tag in {"PRP", ""} or (
                t.lower in lex.REFLEXIVES and i > lo and (trigger_category(toks[i - 1]) or toks[i - 1].lemma == "shoot")):
            # "he was killed", "killing him"; "shot himself": the one who fired is the one hit
            c = Count(i, i, i + 1, 1.0, 1.0, 1.0, False, [], implicit=True)
            c.obj_start, c.obj_end, c.obj_head = i, i + 1, i
            out.append(c)
            i += 1
            continue
        if _headline_subject(toks, i, lo, hi):  # "Teen hospitalized after shooting", "5-year-old shot in hand"
            head = _age_noun(toks, i, hi) if toks[i].pos == "NUM" else i
            c = Count(i, i, i + 1, 1.0, 1.0, 1.0, False, [], implicit=True)
            c.obj_start, c.obj_end, c.obj_head = i, head + 1, head
            out.append(c)
            i = head + 1
            continue
        if i > lo and toks[i - 1].tag in {"VBD", "VBG", "VBZ"} and trigger_category(toks[i - 1]) \
                and t.pos in {"PROPN", "NOUN", "ADJ"} \
                and t.ent != "NORP":
            # a bare singular person after the verb: "killed Taliban leader Mahjur"
            head, end = _noun_phrase_end(toks, i, hi)
            if head != -1 and is_person_word(toks[head]) and toks[head].tag in {"NN", "NNP"}:
                end = _skip_appositive_name(toks, end, hi)
                c = Count(i, i, end, 1.0, 1.0, 1.0, False, [], implicit=True)
                c.obj_start, c.obj_end, c.obj_head = i, end, head
                out.append(c)
                i = end
                continue
        if t.lower in {"nobody", "none"} or (t.lower == "no" and i + 1 < hi and toks[i + 1].lower in {"one", "-"}):
            end = i + 1 if t.lower in {"nobody", "none"} else i + 2
            if t.lower == "no" and toks[i + 1].lower == "-":
                end = i + 3  # "no-one"
            c = Count(i, i, end, 0.0, 0.0, 0.0, False, [], negated=True, implicit=True)
            out.append(c)
            i = end
            continue
        if t.lower in {"no", "any"} and i + 1 < hi:
            head, end = _noun_phrase_end(toks, i + 1, hi)
            if head != -1 and (person_like(toks[head]) or toks[head].lemma in lex.NOUN_TRIGGERS
                               or toks[head].lower in {"deaths", "injuries", "casualties", "arrests"}):
                if t.lower == "any" and not _negated_before(toks, i, lo):
                    i += 1
                    continue
                c = Count(i, i, i + 1, 0.0, 0.0, 0.0, False, [], negated=True, implicit=True)
                c.obj_start, c.obj_end, c.obj_head = i + 1, end, head
                out.append(c)
                i = end
                continue
        i += 1
    return out


def _ordinal_person(toks: list[Tok], i: int, hi: int) -> int:
    """Index of the rank in "a third died", "a fourth person was wounded" (one more person), else -1.

    Not a fraction ("a third of the population") nor a rank of a thing ("a second strike")."""
    if not (toks[i].lower in {"a", "an"} and i + 1 < hi and toks[i + 1].lower in lex.ORDINALS):
        return -1
    nxt = toks[i + 2] if i + 2 < hi else None
    if nxt is None or nxt.lower == "of":
        return -1
    if nxt.pos in {"NOUN", "PROPN"}:
        return i + 2 if is_person_word(nxt) else -1
    return i + 1


def _headline_subject(toks: list[Tok], i: int, lo: int, hi: int) -> bool:
    """A bare singular person opening a headline-like sentence: "Teen shot", "5-year-old hospitalized"."""
    if i != lo or not toks[i].is_title and not toks[i].text[:1].isdigit():
        return False
    if toks[i].pos == "NUM":
        return _age_noun(toks, i, hi) != -1
    word = toks[i].lemma if toks[i].tag == "NN" else toks[i].lower  # "Juvenile" (tagged NNP) in title case
    return toks[i].tag in {"NN", "NNP"} and toks[i].ent != "PERSON" and word in lex.PERSON_NOUNS \
        and word not in lex.COLLECTIVE_NOUNS and i + 1 < hi and toks[i + 1].pos in {"VERB", "ADV", "AUX"}


def _age_noun(toks: list[Tok], j: int, hi: int) -> int:
    """Index of "old" in "23-year-old" used as a noun ("a 23-year-old was shot"), else -1."""
    if j + 4 < hi and toks[j].pos == "NUM" and toks[j + 1].lower == "-" and toks[j + 2].lower in {"year", "month"} \
            and toks[j + 3].lower == "-" and toks[j + 4].lower == "old" and not (
            j + 5 < hi and toks[j + 5].pos in {"NOUN", "PROPN", "ADJ"}):
        return j + 4
    return -1


def _skip_appositive_name(toks: list[Tok], end: int, hi: int) -> int:
    """'the gang's leader, Tom Reyes,': the name is the same person, so the phrase extends over it."""
    if end + 1 < hi and toks[end].lower == "," and toks[end + 1].ent == "PERSON":
        end += 1
        while end < hi and toks[end].ent == "PERSON":
            end += 1
    return end


def _negated_before(toks: list[Tok], i: int, lo: int) -> bool:
    return any(t.lower in {"not", "n't", "never", "without"} for t in toks[max(lo, i - 5):i])


def person_like(t: Tok) -> bool:
    """The counted noun names people: a listed person noun, a nationality or name, or an agent noun."""
    if is_person_word(t) or t.pos == "PROPN" or t.lower in {"them", "he", "she", "him", "her", "old", "more"} \
            or t.lower in lex.REFLEXIVES or t.lower in lex.ORDINALS:
        return True  # "old": the head of "a 23-year-old" (see _age_noun); "two more", "a third" point to people
    return t.lower not in lex.NOT_PERSON and t.lower.endswith(lex.PERSON_SUFFIXES) and t.lower not in lex.MEASURE_UNITS


def is_person_word(t: Tok) -> bool:
    return t.lemma in lex.PERSON_NOUNS or t.lower in lex.PERSON_NOUNS or t.ent == "NORP"


def object_of(toks: list[Tok], c: Count, hi: int) -> None:
    """Fill c.obj_* with the counted noun phrase after the number ("of the" partitives included)."""
    if c.obj_head != -1:
        return
    j = c.end
    if j < hi and toks[j].lower == "of":
        j += 1
        if j < hi and toks[j].lower in {"the", "these", "those", "them", "their", "his", "its"}:
            if toks[j].lower == "them":
                c.obj_start, c.obj_end, c.obj_head = j, j + 1, j
                return
            j += 1
    head, end = _noun_phrase_end(toks, j, hi)
    if head != -1:
        # a number word glued to a unit ("155 mm" tagged CD) or a following number are not objects
        c.obj_start, c.obj_end, c.obj_head = j, end, head
    elif j == c.end and j < hi and toks[j].lower in {"more", "others", "other"}:
        c.obj_start, c.obj_end, c.obj_head = j, j + 1, j  # "two more were wounded": more of the people counted


def object_text(toks: list[Tok], c: Count) -> str | None:
    if c.obj_head == -1:
        return None
    start = c.obj_start
    while start < c.obj_end and toks[start].lower in {"the", "these", "those"}:
        start += 1
    return span_text(toks, start, c.obj_end) if start < c.obj_end else None
