"""The places step of enrichment: every place of an article resolved together, then written into its columns.

`resolve_places` reads the whole article first (its mentions, dateline and site), resolves every
mention with the others as context, and resolves again with the choices of that first round
(twice: a choice that changed can change its neighbours once more). `place_columns` turns the
choices into `geo` on entities and entity_summary, `place_geo` on quantities, and the article's
`countries` and `primary_country`; `main_place` is the story's place (the dateline's, else the
most mentioned place's).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlsplit

from pipeline.enrich.geo.build import data_rows
from pipeline.enrich.geo.candidates import Mention, dateline_mention, gather, split_designator
from pipeline.enrich.geo.gazetteer import ADMIN1, CITY, COUNTRY, Gazetteer, Place
from pipeline.enrich.geo.resolve import NO_CHOICE, Choice, Context, resolve, spatial_support

ROUNDS = 2
DATELINE_WEIGHT = 3.0
POINT_CONFIDENCE = 0.7  # a town chosen at least this surely anchors the distance term
COUNTRY_NAME_WEIGHT = 0.5  # a country named counts less than a town or division in it: "U.S." says less of where
IN_ORG_WEIGHT = 0.5  # a place inside an organisation's name ("Oregon Department of Forestry") says less again


_OUTLETS = {host.lower(): code for host, code in data_rows("outlets.tsv")}  # sites whose domain hides their country
# Country codes used worldwide as generic names (.co, .io, .tv), and the registry labels under which they are still
# their country's own ("example.com.co")
_GENERIC_TLDS = {label for label, kind in data_rows("generic_tlds.tsv") if kind == "generic"}
_REGISTRY_LABELS = {label for label, kind in data_rows("generic_tlds.tsv") if kind == "registry"}


def site_country(url: str | None, tlds: dict[str, str]) -> str | None:
    """The country of a site: a known outlet's, else its country-code top-level domain's (a weak hint), unless
    that code is sold as a generic name (a ".co" or ".io" site can be anywhere)."""
    host = (urlsplit(url).hostname or "") if url else ""
    labels = host.lower().rstrip(".").split(".")
    for i in range(len(labels) - 1):
        code = _OUTLETS.get(".".join(labels[i:]))
        if code:
            return code
    if len(labels) < 2 or len(labels[-1]) != 2:
        return None
    if labels[-1] in _GENERIC_TLDS and not (len(labels) > 2 and labels[-2] in _REGISTRY_LABELS):
        return None
    return tlds.get(labels[-1])


@dataclass(frozen=True)
class Resolved:
    mention: Mention
    choice: Choice


def _weight(r: Resolved) -> float:
    w = r.mention.count * max(r.choice.confidence, 0.3)
    if r.mention.context_only:
        return w * IN_ORG_WEIGHT
    return w * DATELINE_WEIGHT if r.mention.is_dateline else w


def build_context(resolved: list[Resolved], skip: int, dateline: Place | None, site: str | None,
                  neighbours: dict[str, list[str]], support: dict[int, int] | None = None) -> Context:
    """The rest of the article as context for the mention at index `skip`."""
    countries: Counter[str] = Counter()
    admin1: Counter[str] = Counter()
    points: list[tuple[float, float]] = []
    for i, r in enumerate(resolved):
        if i == skip:
            continue
        if r.mention.county_states:  # "Kershaw County": its state(s), no place of its own
            w = r.mention.count * (IN_ORG_WEIGHT if r.mention.context_only else 1.0)
            for state in r.mention.county_states:
                admin1[f"US.{state}"] += w / len(r.mention.county_states)
            countries["US"] += w
            continue
        p = r.choice.place
        if p is None:
            continue
        w = _weight(r) * (COUNTRY_NAME_WEIGHT if p.kind == COUNTRY else 1.0)
        if p.country_code:
            countries[p.country_code] += w
        if p.admin1_key and p.kind in (CITY, ADMIN1):
            admin1[p.admin1_key] += w
        if p.kind == CITY and r.choice.confidence >= POINT_CONFIDENCE:
            points.append((p.lat, p.lon))
    return Context(dict(countries), dict(admin1), tuple(points), dateline, site, neighbours, support or {})


def resolve_places(entities: list[dict], text: str, dateline: str | None, url: str | None,
                   gaz: Gazetteer) -> list[Resolved]:
    """Every place mention of the article (the dateline's first, if any) with its choice."""
    dl = dateline_mention(dateline, gaz)
    mentions = ([dl] if dl else []) + gather(entities, text, gaz)
    site = site_country(url, gaz.tlds)
    support = spatial_support([m.candidates for m in mentions])
    resolved = [Resolved(m, resolve(m, Context(site_country=site, support=s))) for m, s in zip(mentions, support)]
    for _ in range(ROUNDS):
        dl_place = resolved[0].choice.place if dl else None
        resolved = [Resolved(r.mention, resolve(r.mention, build_context(
            resolved, i, None if r.mention.is_dateline else dl_place, site, gaz.neighbours, support[i])))
            for i, r in enumerate(resolved)]
    return resolved


def _geo(choice: Choice) -> dict | None:
    return choice.place.as_geo(choice.confidence) if choice.place is not None else None


def place_columns(article: dict, entities: list[dict], summary: list[dict], quantities: list[dict],
                  gaz: Gazetteer) -> dict:
    """The geo-bearing columns of one article (entities, entity_summary, quantities copied with geo added)."""
    text = article.get("text") or ""
    resolved = resolve_places(entities, text, article.get("dateline_place"), article.get("url"), gaz)
    by_name: dict[tuple[str, str], Choice] = {}
    dateline_choice: Choice | None = None
    for r in resolved:
        if r.mention.is_dateline:
            dateline_choice = r.choice
        elif not r.mention.context_only:
            by_name[("NORP" if r.mention.label == "NORP" else "PLACE", r.mention.name)] = r.choice

    def choice_of(name: str | None, label: str | None) -> Choice:
        kind = "NORP" if label == "NORP" else "PLACE"
        return by_name.get((kind, name or ""), NO_CHOICE)

    out_entities = []
    country_mentions: Counter[str] = Counter()
    for e in entities:
        choice = choice_of(e.get("canonical") or e.get("text"), e.get("label")) if _is_place(e) else NO_CHOICE
        geo = _geo(choice)
        if geo and geo["country_code"]:
            country_mentions[geo["country_code"]] += 1
        out_entities.append({**e, "geo": geo})
    out_summary = [{**s, "geo": _geo(choice_of(s.get("canonical"), s.get("label"))) if _is_place(s) else None}
                   for s in summary]
    out_quantities = [{**q, "place_geo": _quantity_place(q.get("place"), entities, by_name, resolved, gaz)}
                      for q in quantities]
    dateline_geo = _geo(dateline_choice) if dateline_choice else None
    weights: Counter[str] = Counter({code: float(n) for code, n in country_mentions.items()})
    if dateline_geo and dateline_geo["country_code"]:
        weights[dateline_geo["country_code"]] += DATELINE_WEIGHT
    countries = [c for c, _ in sorted(weights.items(), key=lambda kv: (
        -kv[1], -1 if dateline_geo and kv[0] == dateline_geo["country_code"] else _first_of(kv[0], out_entities)))]
    primary = countries[0] if countries else None
    return {
        "entities": out_entities,
        "entity_summary": out_summary,
        "quantities": out_quantities,
        "countries": countries,
        "primary_country": primary,
        "dateline_geo": dateline_geo,
        "main_place": main_place(dateline_geo, out_summary, primary),
    }


# A wire dateline names where the reporter files from: CAIRO for a story about Darfur, UNITED
# NATIONS for one about Sudan. It outweighs a passing mention of another country and breaks ties,
# but an article about elsewhere, whose places are mostly in another country, is about that country.
DATELINE_WEIGHT = 1.5


def main_place(dateline_geo: dict | None, summary: list[dict], primary: str | None) -> dict | None:
    """The article's (and its story's) place: the dateline's when it is in the primary country, else
    the most mentioned place there (a demonym's country only if nothing else names it)."""
    if dateline_geo and dateline_geo.get("country_code") == primary:
        return dateline_geo
    in_primary = [s for s in summary if (s.get("geo") or {}).get("country_code") == primary]
    return _most_mentioned(in_primary) or dateline_geo or _most_mentioned(summary)


def _is_place(e: dict) -> bool:
    return e.get("label") in ("GPE", "LOC", "FAC", "NORP")


def _first_of(code: str, entities: list[dict]) -> int:
    return min((e["start"] for e in entities if (e.get("geo") or {}).get("country_code") == code), default=1 << 30)


def _most_mentioned(summary: list[dict]) -> dict | None:
    """The story's place when there is no dateline: the most mentioned place (a demonym only if nothing else)."""
    places = [s for s in summary if s.get("geo")]
    named = [s for s in places if s.get("label") != "NORP"]
    return (named or places or [{}])[0].get("geo")


def _quantity_place(place: str | None, entities: list[dict], by_name: dict[tuple[str, str], Choice],
                    resolved: list[Resolved], gaz: Gazetteer) -> dict | None:
    """The geo of a count's place: the resolved entity printed so, else the name resolved in the article's context."""
    if not place:
        return None
    for e in entities:
        if e.get("text") == place and _is_place(e):
            choice = by_name.get(("NORP" if e.get("label") == "NORP" else "PLACE", e.get("canonical") or place))
            if choice is not None and choice.place is not None:
                return _geo(choice)
    choice = by_name.get(("PLACE", place))
    if choice is not None and choice.place is not None:
        return _geo(choice)
    bare, _ = split_designator(place, gaz.designators)
    m = gather([{"text": bare, "canonical": bare, "label": "GPE", "start": 0, "end": len(bare)}], bare, gaz)
    if not m:
        return None
    dl = next((r.choice.place for r in resolved if r.mention.is_dateline), None)
    ctx = build_context(resolved, -1, dl, None, gaz.neighbours)
    return _geo(resolve(m[0], ctx))
