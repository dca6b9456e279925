"""Choosing a mention's place: a pure function of the mention, its candidates and the article.

Every candidate gets a score that is a sum of named terms, so a choice can say why it was made:

- prior: what a place is without context. A country or continent outranks a division, a division a
  town of up to ten times its population (a parish of 22,000 is not a city of 650,000); among towns
  the larger (log10 of population), a capital more. A name that is only one of a place's alternate
  names counts less when another place bears it as its own name.
- what the text writes next to it: containment ("Paris, Texas": in Texas or not at all) and a
  designator ("Kunar province": a division; "Homs city": a town). A town that bears the name of
  the division it lies in ("Kabul", "Homs") is the town unless the text says province.
- the rest of the article: the countries and divisions its other places are in (one country or
  region explains most mentions; a neighbouring country a little), the distance to its other
  towns, the dateline's country and division, and the site's country (a weak hint).

When only the prior decides between several candidates, confidence is lowered.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from pipeline.enrich.geo.candidates import Candidate, Mention
from pipeline.enrich.geo.gazetteer import ADMIN1, CITY, CONTINENT, COUNTRY, REGION, Place
from pipeline.enrich.geo.names import normalize

# Weights of the terms (see the module docstring): round numbers, set while reading the development set's errors
# (bench/geo_eval.py --show), so its figures flatter them; no term is keyed to a text, each is tested on texts
# written for the project (tests/enrich/geo/).
COUNTRY_BASE, CONTINENT_BASE, REGION_BASE = 9.0, 10.0, 9.5
ADMIN1_BONUS = 1.0  # a division counts as a town of ten times its population (its places summed), never more
CAPITAL_BONUS, ALT_PENALTY, ALT_PENALTY_ALONE = 3.5, 4.0, 0.5
SEAT_BONUS = 2.5
SEAT_SPELLING = 0.8  # how alike a town's own name and the printed name must be for it to be the seat by another name
CONTAINED, NOT_CONTAINED = 8.0, -8.0
DESIGNATED, NOT_DESIGNATED = 4.0, -3.0
COUNTRY_SHARE, NEIGHBOUR_SHARE, ADMIN1_SHARE = 4.0, 1.5, 3.0
NEAR = ((50.0, 3.0), (150.0, 2.0), (400.0, 1.0))  # km, bonus
SUPPORT, SUPPORT_MAX = 2.0, 3  # per other mention beyond the first with a town beside this one (at most so many)
WITHIN = 1.5  # another mention can be a division this candidate lies in (or, for a division, a town in it)
FOREIGN = -2.0  # a town or division in a country none of the article's other places is in or beside
FOREIGN_MIN_WEIGHT = 2.0  # ... once the others weigh this much
MIN_SCORE = 2.0  # below it nothing fits well enough: no geo rather than a guess
DATELINE_COUNTRY, DATELINE_ADMIN1 = 1.5, 1.5
SITE_COUNTRY = 1.0
PRIOR_ONLY_FACTOR = 0.75


@dataclass(frozen=True)
class Context:
    """What the rest of the article says (the mention being resolved left out)."""

    country_weight: dict[str, float] = field(default_factory=dict)
    admin1_weight: dict[str, float] = field(default_factory=dict)
    points: tuple[tuple[float, float], ...] = ()  # towns chosen with confidence
    dateline: Place | None = None
    site_country: str | None = None
    neighbours: dict[str, list[str]] = field(default_factory=dict)
    support: dict[int, tuple[int, bool]] = field(default_factory=dict)  # row -> (names beside it, a name contains it)


@dataclass(frozen=True)
class Choice:
    place: Place | None
    confidence: float
    reason: str
    score: float = 0.0


NO_CHOICE = Choice(None, 0.0, "no candidate")


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def prior(c: Candidate, any_own_name: bool) -> tuple[float, str]:
    p = c.place
    pop = math.log10(p.population + 1)
    if p.kind == COUNTRY:
        score, why = COUNTRY_BASE + 0.3 * pop, "a country"
    elif p.kind == CONTINENT:
        score, why = CONTINENT_BASE, "a continent"
    elif p.kind == REGION:
        score, why = REGION_BASE, "a region"
    elif p.kind == ADMIN1:
        score, why = ADMIN1_BONUS + pop, "a first-level division"
    else:
        score, why = pop + (CAPITAL_BONUS if p.feature_code == "PPLC" else 0.0), f"population {p.population:,}"
        if p.feature_code == "PPLC":
            why = "a capital, " + why
    if c.alt:  # other names are often historic ("Victoria" for Hong Kong); exonyms news prints are aliases
        score -= ALT_PENALTY if any_own_name else ALT_PENALTY_ALONE
        why += ", by an alternate name"
    return score, why


def is_seat(c: Candidate, candidates: list[Candidate], name: str) -> bool:
    """A town bearing the name of the division it lies in ("Kabul" in Kabul province; "Hama" for Ḩamāh in
    Hama, a transliteration) -- not a town that has the name only as another of its names ("Montana City")."""
    key = c.place.admin1_key
    if c.place.kind != CITY or key is None:
        return False
    if c.alt and SequenceMatcher(None, normalize(c.place.name), normalize(name)).ratio() < SEAT_SPELLING:
        return False
    return any(o.place.kind == ADMIN1 and o.place.admin1_key == key and not o.alt for o in candidates)


def contains(container: Place, p: Place) -> bool:
    if container.kind == COUNTRY:
        return p.country_code == container.country_code and p.row != container.row
    if container.kind == ADMIN1:
        return p.admin1_key == container.admin1_key and p.row != container.row
    return False


def text_terms(c: Candidate, m: Mention) -> list[tuple[float, str]]:
    """What the words next to the mention say."""
    out: list[tuple[float, str]] = []
    p = c.place
    if m.container is not None:
        inside = contains(m.container, p)
        out.append((CONTAINED if inside else NOT_CONTAINED, f"{'in' if inside else 'not in'} {m.container.name} (written)"))
    if m.designator == "admin":
        out.append((DESIGNATED, "called a division") if p.kind in (ADMIN1, REGION) else (NOT_DESIGNATED, ""))
    elif m.designator == "city":
        out.append((DESIGNATED / 2, "called a town") if p.kind == CITY else (NOT_DESIGNATED, ""))
    return out


def share(weights: dict[str, float], key: str | None) -> float:
    total = sum(weights.values())
    return weights.get(key, 0.0) / total if key and total > 0 else 0.0


def context_terms(p: Place, ctx: Context) -> list[tuple[float, str]]:
    """What the rest of the article says of a candidate."""
    out: list[tuple[float, str]] = []
    s = share(ctx.country_weight, p.country_code)
    if s > 0:
        out.append((COUNTRY_SHARE * s, f"article's places {s:.0%} in {p.country_code}"))
    around = min(1.0, sum(share(ctx.country_weight, c) for c in p.borders)) if not p.country_code else 0.0
    if around > 0:  # a sea or region of several countries: where the article's places are ("the Gulf")
        out.append((COUNTRY_SHARE * around, f"article's places {around:.0%} in countries around it"))
    near = sum(share(ctx.country_weight, n) for n in ctx.neighbours.get(p.country_code or "", ()))
    if near > 0:
        out.append((NEIGHBOUR_SHARE * near, f"article's places {near:.0%} in neighbours"))
    if (s == 0 and near == 0 and p.kind in (CITY, ADMIN1) and p.country_code
            and sum(ctx.country_weight.values()) >= FOREIGN_MIN_WEIGHT):
        out.append((FOREIGN, ""))
    a = share(ctx.admin1_weight, p.admin1_key)
    if a > 0:
        out.append((ADMIN1_SHARE * a, f"article's places {a:.0%} in {p.admin1 or p.admin1_key}"))
    if p.kind == CITY and ctx.points:
        nearest = min(km(p.lat, p.lon, lat, lon) for lat, lon in ctx.points)
        for limit, bonus in NEAR:
            if nearest <= limit:
                out.append((bonus, f"{nearest:.0f} km from another place of the article"))
                break
    near_names, within = ctx.support.get(p.row, (0, False))
    if near_names >= 2:  # one neighbour can be chance; a cluster of names is a place's surroundings
        out.append((SUPPORT * min(near_names - 1, SUPPORT_MAX), f"{near_names} other names of the article lie within 60 km"))
    if within and a == 0:  # once the division is chosen, its share above says it
        out.append((WITHIN, "another name of the article can be its division (or a town in it)"))
    d = ctx.dateline
    if d is not None and d.row == p.row:
        out.append((DATELINE_COUNTRY + DATELINE_ADMIN1, "the dateline's place"))
    elif d is not None:
        if d.country_code and d.country_code == p.country_code:
            out.append((DATELINE_COUNTRY, f"dateline in {d.country_code}"))
        if d.admin1_key and d.admin1_key == p.admin1_key:
            out.append((DATELINE_ADMIN1, f"dateline in {d.admin1}"))
    if ctx.site_country and ctx.site_country == p.country_code:
        out.append((SITE_COUNTRY, f"site in {p.country_code}"))
    return out


def confidence(margin: float, contested: bool, decided_by_context: bool) -> float:
    """0.5 at a tie, ~0.8 at a margin of 2, ~0.96 at 5; lowered when only the prior spoke."""
    if not contested:
        return 0.9
    conf = 1.0 - 0.5 * math.exp(-max(margin, 0.0) / 2.0)
    return conf if decided_by_context else conf * PRIOR_ONLY_FACTOR


def resolve(m: Mention, ctx: Context) -> Choice:
    """The mention's place, its confidence and the reason; NO_CHOICE when nothing fits."""
    if m.demonym is not None and not m.candidates:
        return Choice(m.demonym, 0.9, f"demonym of {m.demonym.name}", 0.0)
    cands = [c for c in m.candidates if not (c.alt and m.label in ("LOC", "FAC"))]
    if not cands:
        return NO_CHOICE
    own = any(not c.alt for c in cands)
    scored = []
    for c in cands:
        base, why = prior(c, own)
        if is_seat(c, cands, m.name) and m.designator != "admin":  # a prior too: what a bare "Kabul" means
            base += SEAT_BONUS + (ALT_PENALTY if c.alt else 0.0)  # "Hama" for Ḩamāh in Hama is its own name
            why = "the town of its division's name, " + why
        terms = text_terms(c, m) + context_terms(c.place, ctx)
        total = base + sum(t for t, _ in terms)
        scored.append((total, base, terms, why, c))
    scored.sort(key=lambda s: (-s[0], -s[4].place.population, s[4].place.row))
    best_total, best_base, terms, why, best = scored[0]
    if best_total < MIN_SCORE:
        return Choice(None, 0.0, f"no candidate fits (best: {best.place.name}, {best.place.country_code}, "
                                 f"score {best_total:.1f})", best_total)
    margin = best_total - scored[1][0] if len(scored) > 1 else math.inf
    # did anything but the prior change the order? (the prior's own winner, scored without context)
    prior_winner = max(scored, key=lambda s: (s[1], s[4].place.population))[4]
    by_context = prior_winner is not best or any(t > 0 for t, _ in terms)
    conf = confidence(margin, len(scored) > 1, by_context)
    said = [w for t, w in sorted(terms, key=lambda t: -abs(t[0])) if w and t > 0][:3]
    reason = "; ".join(said + [why]) if said else f"prior: {why}"
    if len(scored) > 1:
        reason += f" (over {scored[1][4].place.name}, {scored[1][4].place.country_code or '-'})"
    return Choice(best.place, conf, reason, best_total)


KM_PER_DEGREE = 111.19  # of latitude, and of longitude at the equator (mean Earth radius)


def grid_cell(lat: float, lon: float) -> tuple[int, int]:
    """The 1° x 1° cell of a point, longitude taken modulo 360 (so -180 and 180 are one meridian)."""
    return math.floor(lat), math.floor(lon) % 360


def cells_within(lat: float, lon: float, radius_km: float) -> set[tuple[int, int]]:
    """Every grid cell holding a point within `radius_km` of (lat, lon): a degree of longitude shrinks with
    cos(latitude) (47 km at 65°N), so the cells to either side grow with the latitude of the band; across the
    antimeridian they wrap."""
    la, _ = grid_cell(lat, lon)
    rows = math.ceil(radius_km / KM_PER_DEGREE)
    poleward = min(90.0, max(abs(la - rows), abs(la + rows + 1)))  # the band's edge nearest a pole
    width = KM_PER_DEGREE * math.cos(math.radians(poleward))
    cols = 180 if width * 180 <= radius_km else min(180, math.ceil(radius_km / width))
    lo = math.floor(lon)
    return {(la + dla, (lo + dlo) % 360) for dla in range(-rows, rows + 1) for dlo in range(-cols, cols + 1)}


def spatial_support(candidate_lists: list[list[Candidate]], radius_km: float = 60.0) -> list[dict[int, tuple[int, bool]]]:
    """For each mention, its candidates' rows -> (how many OTHER mentions have a town candidate within
    `radius_km`, whether another mention has a division candidate containing it or, for a division,
    a town candidate inside it).

    Names of one article tend to lie together (a story names a town, the next town and the county seat;
    Athens with Georgia), so candidates with neighbours among the other names' candidates are likelier.
    """
    cells: dict[tuple[int, int], list[tuple[int, float, float]]] = {}
    in_admin1: dict[str, set[int]] = {}
    admin1_of: dict[str, set[int]] = {}
    for i, cands in enumerate(candidate_lists):
        for c in cands:
            p = c.place
            if c.alt:
                continue
            if p.kind == CITY:
                cells.setdefault(grid_cell(p.lat, p.lon), []).append((i, p.lat, p.lon))
                if p.admin1_key:
                    in_admin1.setdefault(p.admin1_key, set()).add(i)
            elif p.kind == ADMIN1 and p.admin1_key:
                admin1_of.setdefault(p.admin1_key, set()).add(i)
    out: list[dict[int, tuple[int, bool]]] = []
    for i, cands in enumerate(candidate_lists):
        support: dict[int, tuple[int, bool]] = {}
        for c in cands:
            p = c.place
            near: set[int] = set()
            if p.kind == CITY:
                for cell in cells_within(p.lat, p.lon, radius_km):
                    for j, lat, lon in cells.get(cell, ()):
                        if j != i and j not in near and km(p.lat, p.lon, lat, lon) <= radius_km:
                            near.add(j)
                within = bool(admin1_of.get(p.admin1_key or "", set()) - {i})
            else:
                within = p.kind == ADMIN1 and bool(in_admin1.get(p.admin1_key or "", set()) - {i})
            if near or within:
                support[p.row] = (len(near), within)
        out.append(support)
    return out
