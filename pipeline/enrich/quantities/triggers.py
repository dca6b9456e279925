"""The word that decides a count's category, and triggers whose category depends on context.

A trigger is a verb, noun or adjective next to the count (data/triggers.yaml): before it
("killing one", "the death toll rose to 137"), or after the counted noun ("three civilians were
killed", "were taken hostage"); counts joined by "and" share it. Some words decide by their
context (`context_triggers`): being shot is `wounded` unless said fatal; seized by gunmen is
`kidnapped`, by police `detained`."""

from __future__ import annotations


from pipeline.enrich.quantities import lexicon as lex
from pipeline.enrich.quantities.tokens import Count, Tok


def trigger_category(t: Tok) -> str | None:
    if t.cat is not None:
        return t.cat or None
    cat = lex.EVENT_TRIGGERS.get(t.lemma) or lex.EVENT_TRIGGERS.get(t.lower)
    if cat is None:
        return None
    if t.lemma == "lose" or t.lower in {"lost", "lose", "losing"}:
        return None  # handled as "lost their lives" in pre_trigger
    if t.lower == "held" or t.lemma == "hold":
        return "detained"
    return cat


def context_triggers(toks: list[Tok], lo: int, hi: int) -> None:
    """Decide the triggers whose category depends on the words around them, once per sentence.

    Being shot is `wounded` unless the sentence says it was fatal ("shot dead", "fatally shot",
    "shot and killed", "who was shot on Monday died"); "shot at" hit no one. Being hit or grazed by
    gunfire ("hit by gunfire", "a stray bullet struck a girl"), suffering a gunshot wound or being
    treated for injuries is `wounded`; "one fatally" after a shooting is `killed`. Leaving or
    abandoning one's home, seeking refuge and being moved to shelters is `displaced`, fleeing the
    scene is not; people rounded up are `detained`.
    """
    for k in range(lo, hi):
        t = toks[k]
        if t.lemma == "shoot" and t.pos in {"VERB", "AUX", ""} and t.tag != "VBG":
            t.cat = _shot_outcome(toks, k, lo, hi)
        elif t.lower in lex.FATAL_ADVERBS and not (k + 1 < hi and toks[k + 1].pos in {"VERB", "ADJ"}):
            t.cat = "killed"  # "three people were shot, one fatally"
        elif t.lemma in lex.HIT_VERBS and t.tag in {"VBN", "VBD"} and k + 1 < hi and toks[k + 1].lower == "by" \
                and any(x.lemma in lex.GUNFIRE_NOUNS for x in toks[k + 2:min(hi, k + 5)]):
            t.cat = "wounded"  # "hit by gunfire", "grazed by a bullet", "struck by shrapnel"
        elif t.lemma in lex.HIT_VERBS and t.tag == "VBN" and _in_body_part(toks, k + 1, hi):
            t.cat = "wounded"  # "was hit in the arm", "struck in the head"
        elif t.lemma in lex.HIT_VERBS and t.tag in {"VBD", "VBZ", "VBG"} and _gunfire_before(toks, k, lo):
            t.cat = "wounded"  # "a stray bullet struck an 11-year-old", "the gun went off, hitting a bystander"
        elif t.lemma in lex.DISPLACE_VERBS | {"flee"} or t.lemma in lex.REFUGE_VERBS and k + 1 < hi and toks[
                k + 1].lower in lex.REFUGE_NOUNS:
            t.cat = _leaving_category(toks, k, lo, hi, t.cat)
        elif t.lemma == "round" and k + 1 < hi and toks[k + 1].lower == "up":
            t.cat = "detained"  # "rounded up hundreds of people"
        elif t.lemma in lex.CUSTODY_VERBS and t.tag in {"VBD", "VBN", "VBZ", "VBG"} and _into_custody(toks, k, hi):
            t.cat = "detained"  # "was booked into the county jail", "turned himself in", "surrendered to police"
        elif t.lemma in lex.ABDUCT_VERBS | {"take", "hold", "keep"} and t.pos in {"VERB", "AUX", ""}:
            t.cat = _taking_category(toks, k, lo, hi, t.cat)
        elif t.lemma in lex.SUFFER_VERBS and t.pos in {"VERB", ""} and not any(
                x.lower in {"no", "not", "n't"} for x in toks[max(lo, k - 2):k + 2]) \
                and any(x.lemma in lex.INJURY_NOUNS for x in toks[k + 1:min(hi, k + 6)]):
            # "suffered a gunshot wound", "sustained injuries", "treated for burns"; "suffered a fatal gunshot wound"
            t.cat = "killed" if any(x.lower in lex.FATAL_ADJECTIVES for x in toks[k + 1:min(hi, k + 5)]) \
                else "wounded"


def _into_custody(toks: list[Tok], k: int, hi: int) -> bool:
    """'booked into jail', 'booked on a murder charge', 'turned himself in', 'surrendered to police': custody.
    (Being charged is not: charges can come by summons or to someone already held.)"""
    after = [x.lower for x in toks[k + 1:min(hi, k + 6)]]
    if toks[k].lemma == "turn":
        return len(after) >= 2 and after[0] in lex.REFLEXIVES and after[1] == "in"
    if toks[k].lemma == "surrender":
        return bool(set(after[:3]) & (lex.STATE_AGENTS | {"police", "authorities"}))
    after = [x.lower for x in toks[k + 1:min(hi, k + 8)]]
    return bool(set(after) & {"jail", "custody", "prison", "detention"}) or (
        bool(set(after) & {"on", "for", "with"}) and bool(set(after) & {"charge", "charges", "count", "counts",
                                                                         "suspicion"}))


def _taking_category(toks: list[Tok], k: int, lo: int, hi: int, default: str | None) -> str | None:
    """People seized, snatched, carried off, taken or held captive, hostage, for ransom or by an armed group
    are `kidnapped`; seized by police or soldiers they are `detained`. Otherwise the word decides nothing."""
    t = toks[k]
    after = [x.lower for x in toks[k + 1:min(hi, k + 8)]]
    by_group = "by" in after[:3] and bool(set(after[after.index("by"):][:4]) & lex.ARMED_GROUPS)
    captive = bool(set(after) & {"captive", "hostage", "hostages", "ransom", "captivity"})
    if t.lemma in {"take", "hold", "keep"}:
        if set(after) & {"hostage", "hostages"}:
            return default  # the noun "hostage" is the trigger
        exchange = any(x.lower in lex.EXCHANGE_WORDS for x in toks[lo:hi])  # both sides' prisoners, not hostages
        if captive or (by_group and not exchange and (t.lemma == "hold" or "away" in after[:2])):
            return "kidnapped"
        return default
    if t.lemma == "carry" and not (after[:1] == ["off"] or after[:1] == ["away"]):
        return default
    subject = {x.lower for x in toks[max(lo, k - 4):k]}
    by_state = "by" in after[:3] and bool(set(after[after.index("by"):][:4]) & lex.STATE_AGENTS)
    if subject & lex.STATE_AGENTS or by_state:
        return "detained"  # "police seized two suspects"
    return "kidnapped"


def _in_body_part(toks: list[Tok], j: int, hi: int) -> bool:
    """'in the arm', 'in his left leg', 'in the back of the head': where a bullet hit someone."""
    if not (j < hi and toks[j].lower == "in"):
        return False
    return any(t.lemma in lex.BODY_PARTS for t in toks[j + 1:min(hi, j + 5)])


def _gunfire_before(toks: list[Tok], k: int, lo: int) -> bool:
    """A bullet, a round or a gun going off is the subject of the verb hitting someone."""
    before = toks[max(lo, k - 6):k]
    return any(x.lemma in lex.GUNFIRE_NOUNS for x in before[-4:]) or any(
        x.lemma in {"discharge", "go"} and (x.lemma == "discharge" or (j + 1 < len(before) and before[j + 1].lower == "off"))
        for j, x in enumerate(before))


def _leaving_category(toks: list[Tok], k: int, lo: int, hi: int, default: str | None) -> str | None:
    """People who leave or abandon their homes, seek refuge or are moved to shelters are displaced;
    suspects who flee the scene (on foot, in a car) are not."""
    t = toks[k]
    after = [x.lower for x in toks[k + 1:min(hi, k + 7)]]
    if t.lemma == "flee":
        subject = {x.lemma for x in toks[max(lo, k - 4):k]}
        if set(after[:3]) & lex.ESCAPE_PLACES or subject & (lex.ARMED_GROUPS | lex.OFFENDER_NOUNS):
            return ""
        return default
    if t.lemma in lex.REFUGE_VERBS:
        return "displaced"  # "sought refuge in a school"
    if set(after) & lex.HOME_NOUNS or set(after) & lex.SHELTER_NOUNS and t.lemma in {"move", "relocate", "transfer", "take"} \
            or "homeless" in after or ("without" in after and set(after) & {"home", "shelter", "roof"}):
        return "displaced"  # "abandoned their village", "ordered to leave their homes", "left 35 without a home"
    return default


def _shot_outcome(toks: list[Tok], k: int, lo: int, hi: int) -> str:
    """'killed' when the shooting was fatal, 'wounded' when the person shot is not said to have died."""
    if k + 1 < hi and toks[k + 1].lower == "at" and _fired_at(toks, k + 2, hi):
        return ""  # "shot at police", "they were shot at": fired at, not hit
    if k + 2 < hi and toks[k + 1].lower in {"a", "an"} and toks[k + 2].pos == "NUM" \
            and not (k + 3 < hi and toks[k + 3].lower in {"-", "year", "month"}):
        return ""  # "shot a 68": a score (not "shot a 17-year-old")
    if k > lo and toks[k - 1].lower in lex.FATAL_ADVERBS:
        return "killed"
    # the next verb or outcome word: "shot dead", "shot to death", "shot and killed", "shot on Monday died"
    for j in range(k + 1, min(hi, k + 10)):
        x = toks[j]
        if j == k + 1 and x.pos == "PRON" and x.lower not in lex.REFLEXIVES:
            continue  # "shot him to death", "shot her dead": the one shot, then the outcome
        if x.lower in {"dead", "death"} or x.lower in lex.FATAL_ADVERBS:
            return "killed"
        if x.lemma in {"kill", "die", "succumb"} and x.pos in {"VERB", "AUX", ""}:
            return "killed"
        if x.lower in lex.REFLEXIVES:
            continue  # "shot himself and died"
        if x.lower in {",", ";", ".", ":", "but", "while", "when", "after", "before", "as"} or x.pos in {
                "NUM", "PRON"} or x.ent == "PERSON" or (x.pos == "VERB" and x.tag != "VBN"
                                                        and toks[j - 1].lower != "and"):
            break  # (a verb joined by "and" is still this person's: "shot in the chest and pronounced dead")
    return "wounded"


def _fired_at(toks: list[Tok], j: int, hi: int) -> bool:
    """After "shot at": a target (a person, "him", a car) or nothing -- fired at; a place ("shot at a party",
    "Shot At The Spot") is where people were hit."""
    while j < hi and toks[j].pos in {"DET", "ADJ", "NUM"} | ({""} if toks[j].lower in {"the", "a", "an"} else set()):
        j += 1
    if j >= hi or toks[j].pos in {"PUNCT", "ADP", "CCONJ", "SCONJ", "ADV"} or toks[j].pos == "PRON":
        return True
    k = j
    while k + 1 < hi and toks[k + 1].pos in {"NOUN", "PROPN"}:
        k += 1  # the head of "a police car", "The Spot Tulsa Nightclub"
    head = toks[k]
    return head.lemma in lex.PERSON_NOUNS or head.lower in lex.PERSON_NOUNS or head.lemma in lex.TARGET_NOUNS


def pre_trigger(toks: list[Tok], c: Count, lo: int) -> tuple[int, str] | None:
    """A trigger before the count: 'killing one', 'arrested at least 12', 'the death toll rose to 137',
    'killed a soldier and two civilians' (across the coordinated phrase)."""
    k = c.start - 1
    steps = 0
    while k >= lo and steps < 14:
        t = toks[k]
        if t.lower in {"shooting", "shootings"} and k + 1 < len(toks) and toks[k + 1].lower == "of":
            return k, "wounded"  # "the shootings of four people": shot, outcome untold
        cat = trigger_category(t)
        if cat is not None and t.tag == "VBN" and k - 1 >= lo and toks[k - 1].pos == "DET":
            return None  # "the detained insurgent, X": a modifier, not a verb acting on what follows
        if cat is not None and t.lemma not in {"toll"} and t.pos not in {"ADJ"} or (cat and t.lemma == "toll"):
            if t.pos == "NOUN" and t.lemma not in {"toll", "death", "fatality", "arrest", "detention", "injury",
                                                  "abduction", "kidnapping", "dead", "hostage", "custody",
                                                  "killing", "capture", "kill"}:
                return None
            return k, cat
        if cat is not None and t.pos == "ADJ" and t.lower in {"dead", "wounded", "injured", "missing"}:
            # "the number of dead rose to 30", "among the dead were three children"
            return k, cat
        if t.lower in {"lives", "life"} and k - 2 >= lo and toks[k - 1].lower in {"their", "his", "her"} \
                and toks[k - 2].lemma == "lose":
            return k, "killed"
        if t.lemma in lex.TOLL_VERBS and t.pos in {"VERB", "AUX", ""}:
            subject = _toll_subject(toks, k, lo)
            if subject is not None:
                return subject
        if t.lower in lex.PRE_SKIP or t.pos in {"ADV"} or t.lower in lex.SUBSET_WORDS or t.lower in {"were", "was"} \
                or t.tag == "RP":  # "carried off 40 villagers"
            k -= 1
            steps += 1
            continue
        if t.lower in {"and", ",", "plus", "with"} and k - 1 >= lo:
            # skip back over a coordinated noun phrase: "killed a soldier and [two civilians]"
            if t.lower == "with" and not (k - 1 >= lo and toks[k - 1].lower in {"along", "together"}):
                return None
            k2 = k - 1 if t.lower != "with" else k - 2
            if t.lower == "with" and k2 >= lo and toks[k2].lower == ",":
                k2 -= 1  # "killed leader, Mahjur, along with one other"
            if k2 >= lo and toks[k2].lower in {"as"} and k2 - 1 >= lo and toks[k2 - 1].lower == "well":
                k2 -= 3
            skipped = 0
            while k2 >= lo and skipped < 10 and (toks[k2].pos in {"NOUN", "PROPN", "ADJ", "DET", "NUM", "PART"}
                                                 or toks[k2].lower in {"-", "'s", "other", "others"}
                                                 or toks[k2].tag == "VBN"
                                                 or (toks[k2].lower == "," and k2 + 1 < len(toks) and
                                                     toks[k2 + 1].ent == "PERSON")):
                if trigger_category(toks[k2]) is not None and toks[k2].pos not in {"NOUN", "PROPN"}:
                    break
                k2 -= 1
                skipped += 1
            if skipped == 0:
                if t.lower == "with" and k2 >= lo and trigger_category(toks[k2]) and toks[k2].tag == "VBN":
                    return k2, trigger_category(toks[k2])  # "the mayor was killed along with two others"
                return None
            k = k2
            steps += 1
            continue
        return None
    return None


def _relative_clause_end(toks: list[Tok], j: int, hi: int) -> int | None:
    """Where the main clause resumes after a relative clause with no commas ("who was walking past | was also
    wounded"): the first helper verb after the clause's own verb, or None when the clause itself holds a trigger
    (then the trigger there is the person's: "a man who was shot")."""
    seen_verb = False
    for k in range(j, min(hi, j + 10)):
        t = toks[k]
        if trigger_category(t) is not None and t.pos in {"VERB", "ADJ"}:
            return k if not seen_verb else None
        if t.lower in {",", ";", ".", "and"}:
            return None
        if seen_verb and (t.lower in {"was", "were", "is", "are", "has", "have", "had"}
                          or t.pos == "VERB" and t.tag in {"VBD", "VBZ", "VBP"} and not toks[k - 1].pos == "VERB"):
            return k  # the main clause's verb: "who fired the shot | later took his own life"
        if t.pos in {"VERB", "AUX"}:
            seen_verb = seen_verb or t.pos == "VERB"
    return None


def _own_life(toks: list[Tok], j: int, hi: int) -> bool:
    """'his own life', 'their own lives', 'own life' (headline) after a form of "take"."""
    words = [t.lower for t in toks[j:min(hi, j + 3)]]
    if words[:1] in (["his"], ["her"], ["their"]):
        words = words[1:]
    return words[:2] in (["own", "life"], ["own", "lives"])


def _joined_predicate(toks: list[Tok], k: int, hi: int) -> tuple[int, str] | None:
    """The subject's second predicate when its first is no trigger: 'survived but were also hit and injured'."""
    if toks[k].pos != "VERB" or toks[k].tag not in {"VBD", "VBN"} or trigger_category(toks[k]) is not None:
        return None
    if not (k + 1 < hi and toks[k + 1].lower in {"and", "but"}):
        return None
    for j in range(k + 2, min(hi, k + 8)):
        x = toks[j]
        cat = trigger_category(x)
        if cat is not None and x.pos in {"VERB", "ADJ"} and x.tag in {"VBN", "VBD", "JJ"}:
            return j, cat
        if not (x.lower in lex.PASSIVE_HELPERS or x.tag in {"RB", "VBN"} or x.lower == "and"):
            return None
    return None


def _toll_subject(toks: list[Tok], verb: int, lo: int) -> tuple[int, str] | None:
    """The toll a figure updates, named before a long subject: 'The death toll from a quake that struck
    western Nepal on Friday rose to 137' (the subject noun is the first toll word of the clause)."""
    for k in range(max(lo, verb - 25), verb):
        t = toks[k]
        if t.lower in {";", ":"}:
            return None
        if t.lemma in lex.TOLL_NOUNS or t.lower in lex.TOLL_NOUNS:
            cat = trigger_category(t)
            if cat is not None and t.pos in {"NOUN", "ADJ", ""}:
                while k + 1 < verb and toks[k + 1].lemma in lex.TOLL_NOUNS:
                    k += 1  # "death toll": the head noun
                return k, cat
        if t.pos == "NUM" or (t.pos == "VERB" and t.tag in {"VBD", "VBZ", "VBP"} and k > lo
                              and toks[k - 1].lower not in {"that", "which", "who"}):
            return None  # another figure or clause stands between
    return None


def post_trigger(toks: list[Tok], c: Count, hi: int) -> tuple[int, str] | None:
    """A trigger after the count and its noun: 'three civilians were killed', '12 dead', '20 fled',
    'a soldier and two civilians were wounded', 'two remain missing', 'were taken hostage'."""
    k = c.obj_end if c.obj_head != -1 else c.end
    steps = 0
    while k < hi and steps < 10:
        t = toks[k]
        if t.lemma == "lose" and k + 2 < hi and toks[k + 2].lower in {"lives", "life"}:
            return k, "killed"  # "eleven people lost their lives"
        if t.lemma == "take" and _own_life(toks, k + 1, hi):
            return k, "killed"  # "a student took his own life", "Student Takes Own Life"
        cat = trigger_category(t)
        if cat is not None and (t.pos in {"VERB", "ADJ", "AUX", "NOUN"} or t.cat):
            if t.pos == "NOUN" and t.lower not in {"hostage", "custody", "dead"}:
                return None
            if t.tag in {"VBD", "VBZ", "VBP"} and t.lemma not in lex.INTRANSITIVE | lex.SUFFER_VERBS and cat != "displaced" and k + 1 < hi and (toks[k + 1].pos in {"DET", "NUM", "PRON", "PROPN", "ADJ"}
                                                  or toks[k + 1].tag in {"NNS", "NN"}) \
                    and toks[k + 1].lower not in lex.REFLEXIVES:
                return None  # the count is the agent: "two gunmen killed three people" (not "shot himself")
            if t.tag == "VBG" and steps == 0:
                return None  # "three insurgents killing ..." is not about them being killed
            return k, cat
        if t.lower in {"of", "from"} and (steps == 0 and c.obj_head != -1 or toks[k - 1].lower == ",") \
                and k + 1 < hi and toks[k + 1].pos in {"PROPN", "DET", "NUM"}:
            # "a commander of Kunduz Province ... was killed", "nine members of one family were killed",
            # "Damon Sochko, 16, of Morgantown, died", "Davienne Lewis from Springfield died"
            k2 = k + 1
            while k2 < hi and k2 - k < 8 and toks[k2].pos in {"PROPN", "DET", "NOUN", "ADJ", "PART", "NUM"}:
                k2 += 1
            if toks[k - 1].lower == "," and k2 < hi and toks[k2].lower == ",":
                k2 += 1  # the aside closes: "Damon Sochko, 16, of Morgantown, died"
            k = k2
            steps += 1
            continue
        if t.lower in {"and", ",", "as", "well", "plus", "along", "together"}:
            # skip a coordinated phrase: "a soldier and two civilians were killed"
            k2 = k + 1
            if t.lower in {"along", "together"}:
                if not (k + 1 < hi and toks[k + 1].lower == "with"):
                    return None
                k2 = k + 2
            if t.lower == "as":
                if not (k + 2 < hi and toks[k + 1].lower == "well" and toks[k + 2].lower == "as"):
                    return None
                k2 = k + 3
            skipped = 0
            while k2 < hi and skipped < 12 and (toks[k2].pos in {"NOUN", "PROPN", "ADJ", "DET", "NUM"}
                                                 or toks[k2].lower in {"-", "'s", "other", "others", "of"}
                                                 or toks[k2].tag == "PRP$"
                                                 or (toks[k2].tag == "VBN" and k2 + 1 < hi
                                                     and toks[k2 + 1].pos in {"NOUN", "ADJ", "PROPN"})):
                if trigger_category(toks[k2]) is not None and toks[k2].pos != "NOUN":
                    break
                k2 += 1
                skipped += 1
            if skipped == 0 and t.lower == "," and k2 < hi and toks[k2].tag == "VBD" and trigger_category(toks[k2]):
                return k2, trigger_category(toks[k2])  # "Damon Sochko, 16, of Morgantown, died"
            if skipped == 0 and t.lower == "," and k2 < hi and toks[k - 1].pos == "NUM" and k - 1 >= c.end \
                    and toks[k2].lower in lex.PASSIVE_HELPERS:
                k = k2  # the aside closes: "A boy, 7, was wounded"
                steps += 1
                continue
            if skipped == 0 and t.lower == ",":
                close = next((j for j in range(k + 1, min(hi, k + 13)) if toks[j].lower == ","), None)
                if close is not None and not any(toks[j].pos in {"VERB", "AUX"} and toks[j].tag != "VBN"
                                                 and toks[j].lower not in lex.SUBSET_WORDS
                                                 for j in range(k + 1, close)):  # (", including a girl,")
                    k = close + 1  # an aside between commas: "The suspect, aged 45, was detained"
                    steps += 1
                    continue
            if skipped == 0:
                if t.lower == "," and k2 < hi and toks[k2].lower in {"who", "which", "that"}:
                    k = k2
                    steps += 1
                    continue
                return None
            k = k2
            steps += 1
            continue
        if steps == 0 and t.lower in {"who", "that"} and c.obj_head != -1:
            relative = _relative_clause_end(toks, k + 1, hi)  # "A woman who was walking past was also wounded"
            if relative is not None:
                k = relative
                steps += 1
                continue
        if t.lower in lex.PASSIVE_HELPERS or t.lemma in lex.PASSIVE_HELPERS or t.tag in {"RB", "MD"}:
            if t.lower in {"in", "into", "under"} and not (k + 1 < hi and toks[k + 1].lower in {"custody", "detention"}):
                return None
            k += 1
            steps += 1
            continue
        if t.tag == "VBN" and k + 2 < hi and toks[k + 1].lower == "and" and trigger_category(toks[k + 2]):
            k += 2  # "were trapped and killed": the second participle is the outcome
            steps += 1
            continue
        joined = _joined_predicate(toks, k, hi)
        if joined is not None:
            return joined  # "three other teens survived but were also hit and injured by gunfire"
        if steps == 0 and c.obj_head == -1 and t.lower in {"more", "others"}:
            k += 1  # "two more were wounded"
            steps += 1
            continue
        if t.tag in {"VBN", "VBD"} and t.lemma in {"shoot", "find", "confirm", "report", "believe", "know", "think",
                                                  "understand", "presume", "fear", "order", "force", "tell"}:
            k += 1
            steps += 1
            continue
        return None
    return None
