"""The article rollup: distinct people per category from an article's quantities.

Reads only the QUANTITY dicts (`extract.extract_quantities`): their category, bounds, flags,
sentence offsets, object and the context words kept in `qualifier`. How mentions of the same
people across sentences are told apart from new people is `tally.py`; see `rollup_event_counts`
for the rest.
"""

from __future__ import annotations

from typing import Callable, Iterable

from pipeline.enrich.quantities import lexicon as lex
from pipeline.enrich.quantities.tally import Tally, add, add_high, as_int, head_word, is_pronoun, statement, words_of


def _is_background(q: dict) -> bool:
    """Not the article's incident: a background or running total, history, a release, a standing strength."""
    qual = q.get("qualifier") or ""
    words = set(qual.split())
    if words & {"background", "superseded"} or any(cue in qual for cue in lex.BACKGROUND_QUALIFIERS):
        return True
    if q.get("category") == "detained" and "released" in words:
        return True  # a prisoner release or exchange sets people free; it detains no one
    return q.get("category") == "troops" and "standing" in words


def _separate(q: dict) -> bool:
    """A count told as another incident than the ones before it ("In a separate attack", "elsewhere")."""
    return bool(words_of(q) & {"separate", "elsewhere", "meanwhile"})


def rollup_event_counts(quantities: list[dict]) -> list[dict]:
    """Best estimate of distinct people per category for one article (EVENT_COUNT dicts).

    Not counted: negated and hypothetical counts (a category seen only negated
    appears with low 0 and mentions 0); background totals, marked `background` in
    their qualifier by the extractor, followed by the cue: running or past-period
    totals ("since January", "so far", "last year", "in 2015", "in January",
    "between 1985 and 2018", "over the past decade", "a decade ago"), a war's or an
    epidemic's toll to date ("the war has killed", "displaced by gang violence"),
    running totals ("already displaced", "adding to"); history ("linked to an
    attack that killed four"); either-or counts ("captured or killed"); detainees
    `released` or exchanged; troops with no movement verb (`standing` strength:
    "the mission has 11,000 troops"). A category whose only counts are background
    is absent. Planned deployments ("will deploy 3,000 soldiers", qualifier
    `planned`) count.

    The article's sentences form incidents: a count marked as another incident ("in a separate
    attack", "elsewhere", "meanwhile") starts a new one, and separate incidents add up. Within an
    incident the mentions of one category are tallied as people, not summed (`tally.Tally`): a
    toll repeated in lede and body counts once, victims told one by one after a total stay within
    it, "the victim", "he", "both" point back, "two more" and "three other" add, an updated toll
    supersedes, subsets never add. People told only as shot are wounded net of the killed ("four
    people were shot; one died" -> 3), except the killed told as other people beside them.
    `mentions` is the number of counted mentions. These rows have `scope` `incident`; cumulative
    totals follow in rows of their own with `scope` `cumulative`.
    """
    facts = [q for q in quantities if q.get("category") in lex.PEOPLE_CATEGORIES and not q.get("negated")
             and not q.get("hypothetical") and not _is_background(q) and " or " not in (q.get("qualifier") or "")]
    facts = _mark_after_other_category(quantities, facts)
    roundup = [q for q in facts if "roundup" in words_of(q)]
    headlines = [q for q in facts if "headline" in words_of(q) and q not in roundup]
    blocks = _blocks([q for q in facts if q not in roundup and q not in headlines], scenes=bool(roundup))
    if roundup:
        # a round-up tells several incidents: the article's incident is the first one it tells in full
        blocks = blocks[:1] or [roundup]
    counts = _counts(blocks, headlines)
    out: list[dict] = []
    for category in lex.PEOPLE_CATEGORIES:
        qs = [q for q in quantities if q.get("category") == category]
        if not qs:
            continue
        if category not in counts:
            if not any(q.get("category") == category for q in facts) and any(
                    q.get("negated") and not q.get("hypothetical") for q in qs):
                out.append({"category": category, "low": 0, "high": 0, "approximate": False, "mentions": 0,
                            "scope": "incident"})
            continue  # (told only in a round-up: its row follows)
        low, high, approx = counts[category]
        out.append({"category": category, "low": low, "high": high, "approximate": approx,
                    "mentions": sum(1 for q in facts if q.get("category") == category), "scope": "incident"})
    for category, (low, high, approx) in (_counts([roundup], []) if roundup else {}).items():
        out.append({"category": category, "low": low, "high": high, "approximate": approx,
                    "mentions": sum(1 for q in roundup if q.get("category") == category), "scope": "roundup"})
    return out + _cumulative_rows(quantities)


Figure = tuple[int | None, int | None, bool]  # low, high, approximate


def _blocks(facts: list[dict], scenes: bool) -> list[list[dict]]:
    """The article's incidents, in text order: a count marked as another incident starts one; with `scenes`
    (a round-up) so does a change of scene."""
    blocks: list[list[dict]] = [[]]
    for group in _by_sentence(facts):
        if blocks[-1] and all(_separate(q) or (scenes and "scene" in words_of(q)) for q in group):
            blocks.append([])
        blocks[-1].extend(group)
    return [block for block in blocks if block]


def _counts(blocks: list[list[dict]], headlines: list[dict]) -> dict[str, Figure]:
    """Per category, the people of the incidents (added up) and the headline (which never adds: it stands
    alone only where the body is silent or gives fewer); the wounded told only as shot are netted of the
    article's killed."""
    out: dict[str, Figure] = {}
    for category in lex.PEOPLE_CATEGORIES:
        figure = _figure(blocks, headlines, category, out)
        if figure is not None:
            out[category] = _net_of_killed(blocks, headlines, figure, out) if category == "wounded" else figure
    return out


def _figure(blocks: list[list[dict]], headlines: list[dict], category: str, known: dict[str, Figure],
            keep: Callable[[dict], bool] = lambda q: True) -> Figure | None:
    """One category's (low, high, approximate) over the incidents and the headline, of the counts `keep`
    accepts; None when there are none."""
    low: int | None = None
    high: int | None = 0
    approx = False
    seen = False
    for block in blocks:
        facts = [q for q in block if q.get("category") == category and keep(q)]
        if facts:
            # a rank of victims counts the incident's dead and hurt together ("a fourth victim" after three dead)
            other = {"killed": "wounded", "wounded": "killed"}.get(category)
            others = _tally([q for q in block if q.get("category") == other
                             and not {"rank", "overall"} <= words_of(q)], 0)[0] if other else 0
            b_low, b_high, b_approx = _tally(facts, others or 0)
            low, high, approx, seen = add(low, b_low), add_high(high, b_high), approx or b_approx, True
    heads = [q for q in headlines if q.get("category") == category and keep(q)]
    if heads:  # each headline line sums up the story on its own: the largest
        killed = (known.get("killed") or (0, 0, False))[0] or 0
        h_low, h_high, h_approx = max((_tally(line, killed) for line in _by_sentence(heads)),
                                      key=lambda f: f[0] or 0)
        if not seen or (h_low or 0) > (low or 0):
            low, high, approx, seen = h_low, h_high, h_approx, True
    return (low, high, approx) if seen else None


def _unsure(q: dict) -> bool:
    """Told as shot or hurt without saying the person lived (a victim ranked after the dead is not among them)."""
    return "shot" in words_of(q) and not {"rank", "overall"} <= words_of(q)


def _net_of_killed(blocks: list[list[dict]], headlines: list[dict], figure: Figure,
                   known: dict[str, Figure]) -> Figure:
    """"shot" alone does not say the person lived: those told only as shot count as wounded net of the killed
    ("four people were shot; one died" -> 3); the dead can only be among those not also told as wounded,
    and not the killed told beside them as other people ("A woman was killed and her son was shot")."""
    shot = _figure(blocks, headlines, "wounded", known, _unsure)
    killed = (known.get("killed") or (0, 0, False))[0] or 0
    # (a victim ranked after those hurt -- "a second man who was shot died" -- is not one of them)
    killed -= sum(1 for block in blocks for q in block
                  if q.get("category") == "killed" and {"rank", "overall"} <= words_of(q))
    if shot is None or killed <= 0:
        return figure
    certain = _figure(blocks, headlines, "wounded", known, lambda q: not _unsure(q))
    facts = [q for block in blocks + [headlines] for q in block]
    apart = _killed_apart(facts, [q for q in facts if q.get("category") == "wounded" and _unsure(q)])
    low, high, approx = figure
    unsure = (low or 0) - ((certain[0] or 0) if certain else 0)
    deduct = max(0, min(killed - apart, shot[0] or 0, unsure))
    low = max(0, (low or 0) - deduct)
    return low, None if high is None else max(low, high - deduct), approx


def _tally(facts: list[dict], other_victims: int) -> tuple[int | None, int | None, bool]:
    tally = Tally()
    names: set[str] = set()
    for group in _by_sentence(facts):
        tally.take(statement(group, names), names, other_victims)
    return tally.low, tally.high, tally.approximate


def _mark_after_other_category(quantities: list[dict], facts: list[dict]) -> list[dict]:
    """Mark counts told after people of another category in their sentence: "killing one and wounding two
    others" -- those others are others than the killed, not more wounded."""
    firsts: dict[tuple[int, str], int] = {}
    for q in quantities:
        if q.get("category") in lex.PEOPLE_CATEGORIES:
            key = (int(q.get("sentence_start") or 0), str(q.get("category")))
            firsts[key] = min(firsts.get(key, 1 << 30), int(q.get("start") or 0))
    out = []
    for q in facts:
        sentence, start = int(q.get("sentence_start") or 0), int(q.get("start") or 0)
        earlier = any(s == sentence and c != q.get("category") and first < start for (s, c), first in firsts.items())
        out.append(dict(q, _after_other_category=earlier))
    return out


def _cumulative_rows(quantities: list[dict]) -> list[dict]:
    """Totals to date per category ("since March, 40,000 have fled"), apart from the incident's rows:
    the largest figure given (a running total only grows), how many gave one."""
    out = []
    for category in lex.PEOPLE_CATEGORIES:
        cum = [q for q in quantities if q.get("category") == category and q.get("scope") == "cumulative"
               and not q.get("negated") and not q.get("hypothetical")
               and "superseded" not in (q.get("qualifier") or "").split()]
        if cum:
            best = max(cum, key=lambda q: (as_int(q.get("low")) or 0, as_int(q.get("high")) or 0))
            out.append({"category": category, "low": as_int(best.get("low")), "high": as_int(best.get("high")),
                        "approximate": bool(best.get("approximate")), "mentions": len(cum), "scope": "cumulative"})
    return out


def _killed_apart(facts: list[dict], shot: list[dict]) -> int:
    """The killed told beside those shot as other people ("A woman was killed and her son was shot"):
    they are not among the shot, so the wounded are not netted of them."""
    shot_heads: dict[int, set[str]] = {}
    for q in shot:
        if is_pronoun(q) or (q.get("text") or "").lower().startswith("the ") or "multiple" in words_of(q):
            continue  # "Lewis died after he was shot", "... the child was shot": the same person
        shot_heads.setdefault(int(q.get("sentence_start") or 0), set()).add(head_word(q.get("object")))
    apart = 0
    for q in facts:
        heads = shot_heads.get(int(q.get("sentence_start") or 0))
        head = head_word(q.get("object"))
        if q.get("category") == "killed" and heads and head not in lex.GENERIC_OBJECTS and head not in heads:
            apart += as_int(q.get("low")) or 0
    return apart


def _by_sentence(facts: list[dict]) -> Iterable[list[dict]]:
    groups: dict[int, list[dict]] = {}
    for q in sorted(facts, key=lambda q: (q.get("start") or 0)):
        groups.setdefault(int(q.get("sentence_start") or 0), []).append(q)
    return groups.values()
