"""A generated, deterministic news corpus for throughput benchmarks, served on loopback.

    spec = CorpusSpec(articles=1000, hosts=32, seed=7)
    with CorpusServer(spec, latency_s=0.1) as server:
        server.write_feed_list(tmp / "feeds.txt")   # then: wirebeam run --feeds tmp/feeds.txt ...

Why generated: the benchmark needs thousands of pages shaped like real wire
copy (600-900 words with datelines, bylines, names, places, organisations and
casualty counts, inside real page chrome: menus, share bars, related links,
cookie banners, scripts, JSON-LD) without copying anyone's text, and the same
pages every time (seeded per article, so page i is identical whatever N is).

Why rendered on request: the server must not hold the corpus either, or the
benchmark would measure its own memory. Every page, feed and robots.txt is a
pure function of (spec, path), built in ~1 ms.

Layout: article i lives on host i % hosts; each host (its own port on
127.0.0.1, so its own politeness key) serves /robots.txt, feeds of at most
`items_per_feed` items (/feeds/latest-K.xml) and its article pages.
"""

from __future__ import annotations

import dataclasses
import random
import re
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

LOOPBACK = "127.0.0.1"
# Newest article; the others go back an hour at a time over ~3 days (3-4 date partitions).
CORPUS_EPOCH = datetime(2026, 11, 20, 18, 0, tzinfo=timezone.utc)

# ------------------------------------------------------------------ vocabulary (all invented or generic)

CITIES = (
    ("BAGHDAD", "Iraq"), ("KABUL", "Afghanistan"), ("NAIROBI", "Kenya"), ("LAGOS", "Nigeria"),
    ("KARACHI", "Pakistan"), ("DHAKA", "Bangladesh"), ("MANILA", "Philippines"), ("JAKARTA", "Indonesia"),
    ("LIMA", "Peru"), ("BOGOTA", "Colombia"), ("CARACAS", "Venezuela"), ("KHARTOUM", "Sudan"),
    ("ADDIS ABABA", "Ethiopia"), ("KYIV", "Ukraine"), ("BEIRUT", "Lebanon"), ("DAMASCUS", "Syria"),
    ("ANKARA", "Turkey"), ("CAIRO", "Egypt"), ("TUNIS", "Tunisia"), ("BAMAKO", "Mali"),
    ("NIAMEY", "Niger"), ("KINSHASA", "Congo"), ("MAPUTO", "Mozambique"), ("HARARE", "Zimbabwe"),
    ("KATHMANDU", "Nepal"), ("COLOMBO", "Sri Lanka"), ("YANGON", "Myanmar"), ("HANOI", "Vietnam"),
    ("QUITO", "Ecuador"), ("LA PAZ", "Bolivia"), ("SANTIAGO", "Chile"), ("TEGUCIGALPA", "Honduras"),
    ("TBILISI", "Georgia"), ("BAKU", "Azerbaijan"), ("ALMATY", "Kazakhstan"), ("ISLAMABAD", "Pakistan"),
    ("MOGADISHU", "Somalia"), ("JUBA", "South Sudan"), ("ACCRA", "Ghana"), ("DAKAR", "Senegal"),
)
PROVINCES = (
    "northern", "southern", "eastern", "western", "central", "coastal", "mountainous", "border",
)
FIRST = (
    "Amina", "Tomas", "Leila", "Rafael", "Priya", "Kwame", "Sofia", "Dmitri", "Nadia", "Jonas", "Mei", "Omar",
    "Ines", "Carlos", "Hana", "Viktor", "Farida", "Lucas", "Zanele", "Arjun", "Elena", "Samuel", "Yusuf",
    "Marta", "Kenji", "Aisha", "Pavel", "Grace", "Ahmed", "Lina", "Mateo", "Irina", "David", "Fatima", "Oscar",
)
LAST = (
    "Okonkwo", "Haddad", "Varga", "Mendoza", "Kowalski", "Nakamura", "Osei", "Rahman", "Lindqvist", "Petrov",
    "Castillo", "Adeyemi", "Moreau", "Sandoval", "Kaya", "Hussain", "Brennan", "Ferreira", "Ilunga", "Novak",
    "Tanaka", "Mwangi", "Richter", "Qureshi", "Aguilar", "Demir", "Oyelaran", "Halvorsen", "Banerjee", "Costa",
    "Nyambura", "Sokolov", "Delacroix", "Ibrahim", "Vasquez",
)
TITLES = (
    "police spokesman", "provincial governor", "health minister", "interior ministry spokeswoman",
    "army spokesman", "local mayor", "emergency services chief", "hospital director", "civil defence official",
    "foreign minister", "opposition leader", "senior aid official", "central bank governor", "trade minister",
)
ORGS = (
    ("United Nations", "UN"), ("World Health Organization", "WHO"), ("International Committee of the Red Cross", "ICRC"),
    ("World Food Programme", "WFP"), ("International Monetary Fund", "IMF"), ("African Union", "AU"),
    ("European Union", "EU"), ("Doctors Without Borders", "MSF"), ("International Organization for Migration", "IOM"),
    ("Human Rights Watch", None), ("Amnesty International", None), ("World Bank", None),
    ("National Disaster Management Authority", "NDMA"), ("Interior Ministry", None), ("Electoral Commission", None),
)
COMPANIES = (
    "Meridian Mining", "Halvorsen Polymers", "Castellan Energy", "Orinoco Cement", "Baltic Freight Lines",
    "Sahel Telecom", "Andes Copper", "Lakeshore Foods", "Northgate Logistics", "Delta Textiles",
)
AGENCIES = ("Reuters", "AP", "AFP", "Meridian Wire")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
NUMBER_WORDS = ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "a dozen", "several", "dozens of")
QUALIFIERS = ("at least", "more than", "nearly", "about", "some", "up to", "")

KINDS = ("attack", "quake", "flood", "protest", "election", "economy", "court", "outbreak", "accident")
SECTIONS = {
    "attack": "World", "quake": "World", "flood": "World", "protest": "World", "election": "Politics",
    "economy": "Business", "court": "World", "outbreak": "Health", "accident": "World",
}

HEADLINES = {
    "attack": "{attacker} kill {killed} in attack on {target} in {province} {country}",
    "quake": "Death toll from {province} {country} earthquake rises to {killed}",
    "flood": "Floods in {province} {country} kill {killed}, force {displaced} from homes",
    "protest": "{country} police detain {arrested} after {city_t} protest over {issue}",
    "election": "{country} opposition rejects provisional results as {person} leads count",
    "economy": "{country} central bank raises rates to {rate} percent as inflation bites",
    "court": "{country} court sentences {arrested} over {year} {issue} unrest",
    "outbreak": "{disease} outbreak in {province} {country} kills {killed}, {org} says",
    "accident": "{vehicle} crash in {province} {country} kills {killed}, injures {wounded}",
}
LEADS = {
    "attack": "{attacker} attacked {target} in {province} {country} on {day}, killing {q_killed} {killed} people and "
    "wounding {q_wounded} {wounded}, {source} said.",
    "quake": "The death toll from a magnitude {magnitude} earthquake in {province} {country} rose to {killed} on {day} "
    "as rescuers reached remote villages and some {displaced} families slept in the open.",
    "flood": "Floods after days of torrential rain killed {q_killed} {killed} people in {province} {country} and forced "
    "{q_displaced} {displaced} residents from their homes, {source} said on {day}.",
    "protest": "Police in {city_t} detained {arrested} people on {day} after thousands marched through the capital to "
    "protest against {issue}, {source} said.",
    "election": "{person} took an early lead in {country}'s presidential election on {day} with {percent} percent of "
    "ballots counted, but the opposition said it would not accept the provisional results.",
    "economy": "{country}'s central bank raised its benchmark interest rate to {rate} percent on {day}, its {nth} increase "
    "this year, as annual inflation climbed to {percent} percent.",
    "court": "A court in {city_t} on {day} sentenced {arrested} people to prison terms of up to {years} years over unrest "
    "linked to {issue} in {year}, {source} said.",
    "outbreak": "An outbreak of {disease} has killed {q_killed} {killed} people in {province} {country} and sickened "
    "{q_wounded} {wounded} more, the {org} said on {day}.",
    "accident": "A {vehicle} plunged off a mountain road in {province} {country} on {day}, killing {q_killed} {killed} "
    "passengers and injuring {wounded}, {source} said.",
}
BODY = (
    '"{quote}," {person}, the {title}, told reporters in {city_t}.',
    "{person}, the {title}, said {q_killed} {killed} of the dead were women and children and that the toll could rise.",
    "The {org_long} ({org_short}) said its teams had reached {n_small} districts and were treating {q_wounded} {wounded} "
    "people, many of them with serious injuries.",
    "Residents said {n_word} houses had collapsed in the village of {village}, about {km} km (about {miles} miles) "
    "from {city_t}.",
    "No group immediately claimed responsibility, and the {org_long} called for an independent investigation.",
    "{company} said {n_small} of its employees were among the injured and that it had suspended operations at its "
    "{province} site.",
    "The government declared {n_small} days of national mourning and promised {money} million dollars in emergency aid.",
    "Officials said {q_displaced} {displaced} people were staying in schools and tents, and that clean water was running short.",
    '"We heard a loud noise and then everything went dark," said {person2}, a {age}-year-old shopkeeper. "{quote2}"',
    "In a statement, {org_long} urged all sides to protect civilians and allow aid to reach those in need.",
    "The {title} said {q_arrested} {arrested} suspects had been detained and that security had been tightened across {province} {country}.",
    "Similar {event_word} in {year} killed {past_killed} people in the same region, according to figures from the {org_long}.",
    "{country}'s parliament is due to debate the {issue} on {day2}, and opposition lawmakers have threatened a boycott.",
    "Analysts said the crisis could cost the economy up to {percent_small} percent of output this year, with exports of "
    "{commodity} likely to be hit hardest.",
    "{person}, who took office in {year}, has promised to rebuild roads, schools and clinics in the {province} provinces.",
    "Television footage showed rescuers digging through rubble with their hands while ambulances waited nearby.",
    "The {org_short_or_long} said it needed {money} million dollars to help {q_displaced} {displaced} people over the next {n_small} months.",
    "Hospitals in {city_t} said they had received {wounded} wounded and appealed for blood donations.",
    "The {title} denied reports that {n_word} soldiers had been killed, calling them \"baseless\".",
    "Neighbouring {country2} offered to send rescue teams and {n_small} cargo planes of tents, blankets and medicine.",
)
QUOTES = (
    "We are doing everything we can to reach the people who are still trapped",
    "This is a tragedy for the whole nation and those responsible will be brought to justice",
    "The situation remains very difficult and we expect the numbers to change",
    "We need more help, and we need it now",
    "Our teams are working around the clock, but many roads are still blocked",
    "There will be no impunity for these crimes",
)
QUOTES2 = (
    "My brother is still missing.", "We ran outside with the children.", "Nobody came to help us for hours.",
    "I have lost everything I owned.", "The whole street was shaking.",
)
ATTACKERS = ("Gunmen", "Suspected militants", "Armed men on motorcycles", "Insurgents", "Bandits")
TARGETS = ("a police station", "a village market", "an army checkpoint", "a bus station", "a mosque", "a military convoy")
ISSUES = ("fuel price rises", "a disputed election", "a new tax law", "power cuts", "the cost of living", "a mining deal")
DISEASES = ("cholera", "measles", "dengue fever", "meningitis", "Lassa fever")
VEHICLES = ("bus", "minibus", "truck", "passenger train", "ferry")
EVENT_WORDS = ("attacks", "floods", "earthquakes", "clashes", "outbreaks")
COMMODITIES = ("coffee", "copper", "cocoa", "oil", "textiles", "rice")
VILLAGES = ("Kerem", "Ostrava Nova", "San Ildefonso", "Bakori", "Tilsa", "Mawar", "Qaryat al-Nur", "Lumbwa", "Pradera")
NTH = ("second", "third", "fourth", "fifth")

NAV = ("World", "Business", "Markets", "Politics", "Health", "Technology", "Climate", "Sports", "Opinion", "Video",
       "Pictures", "Investigations", "Newsletters", "Podcasts")
FOOTER = ("About us", "Careers", "Contact", "Advertise with us", "Terms of use", "Privacy policy", "Cookie settings",
          "Accessibility", "Corrections", "Ethics policy", "RSS feeds", "Site map", "Help centre", "Licensing")


# ------------------------------------------------------------------ the corpus

@dataclass(frozen=True)
class CorpusSpec:
    """Which corpus: N articles over `hosts` hosts; page i is the same whatever N is."""

    articles: int
    hosts: int = 32
    seed: int = 20261127
    items_per_feed: int = 100

    def __post_init__(self) -> None:
        if self.articles < 1 or self.hosts < 1 or self.items_per_feed < 1:
            raise ValueError("articles, hosts and items_per_feed must be positive")

    def host_of(self, index: int) -> int:
        return index % self.hosts

    def articles_on(self, host: int) -> range:
        return range(host, self.articles, self.hosts)

    def feeds_on(self, host: int) -> int:
        count = len(self.articles_on(host))
        return (count + self.items_per_feed - 1) // self.items_per_feed

    def feed_items(self, host: int, feed: int) -> range:
        on_host = self.articles_on(host)
        return on_host[feed * self.items_per_feed:(feed + 1) * self.items_per_feed]


@dataclass(frozen=True)
class Story:
    index: int
    kind: str
    headline: str
    summary: str
    paragraphs: tuple[str, ...]
    authors: tuple[str, ...]
    agency: str
    published: datetime
    section: str
    tags: tuple[str, ...]

    @property
    def word_count(self) -> int:
        return sum(len(p.split()) for p in self.paragraphs)


def _rng(spec: CorpusSpec, index: int, salt: str = "") -> random.Random:
    return random.Random(f"{spec.seed}:{index}:{salt}")


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


_FILLERS: dict[str, Any] = {
    "province": lambda r, f: r.choice(PROVINCES), "day": lambda r, f: r.choice(WEEKDAYS),
    "day2": lambda r, f: r.choice(WEEKDAYS), "person": lambda r, f: _person(r), "person2": lambda r, f: _person(r),
    "title": lambda r, f: r.choice(TITLES), "org_long": lambda r, f: r.choice(ORGS)[0],
    "org_short": lambda r, f: next(s or l for l, s in ORGS if l == f["org_long"]),
    "org": lambda r, f: f["org_short"], "org_short_or_long": lambda r, f: f["org_short"],
    "company": lambda r, f: r.choice(COMPANIES),
    "killed": lambda r, f: r.choice((r.randint(2, 30), r.randint(30, 300))),
    "wounded": lambda r, f: r.randint(3, 600), "arrested": lambda r, f: r.randint(5, 240),
    "displaced": lambda r, f: f"{r.randint(1, 90) * 100:,}", "past_killed": lambda r, f: r.randint(10, 900),
    "q_killed": lambda r, f: r.choice(QUALIFIERS), "q_wounded": lambda r, f: r.choice(QUALIFIERS),
    "q_displaced": lambda r, f: r.choice(QUALIFIERS), "q_arrested": lambda r, f: r.choice(QUALIFIERS),
    "n_small": lambda r, f: r.randint(2, 9), "n_word": lambda r, f: r.choice(NUMBER_WORDS),
    "money": lambda r, f: r.randint(5, 400), "miles": lambda r, f: r.randint(10, 250),
    "km": lambda r, f: round(f["miles"] * 1.609), "age": lambda r, f: r.randint(19, 78),
    "year": lambda r, f: r.randint(2009, 2025), "years": lambda r, f: r.randint(3, 25),
    "percent": lambda r, f: round(r.uniform(8, 61), 1), "percent_small": lambda r, f: round(r.uniform(0.5, 4), 1),
    "rate": lambda r, f: round(r.uniform(4, 30), 2), "nth": lambda r, f: r.choice(NTH),
    "magnitude": lambda r, f: round(r.uniform(5.1, 7.8), 1), "quote": lambda r, f: r.choice(QUOTES),
    "quote2": lambda r, f: r.choice(QUOTES2), "attacker": lambda r, f: r.choice(ATTACKERS),
    "target": lambda r, f: r.choice(TARGETS), "issue": lambda r, f: r.choice(ISSUES),
    "disease": lambda r, f: r.choice(DISEASES), "vehicle": lambda r, f: r.choice(VEHICLES),
    "event_word": lambda r, f: r.choice(EVENT_WORDS), "commodity": lambda r, f: r.choice(COMMODITIES),
    "village": lambda r, f: r.choice(VILLAGES),
    "country2": lambda r, f: r.choice([c for _, c in CITIES if c != f["country"]]),
}


class _Fills(dict):
    """Template values drawn on first use, in the order the template asks for them:
    a paragraph costs only the draws it needs (the server renders pages on request)."""

    def __init__(self, rng: random.Random, fixed: dict[str, Any]) -> None:
        super().__init__(fixed)
        self._rng = rng

    def __missing__(self, key: str) -> Any:
        value = self[key] = _FILLERS[key](self._rng, self)
        return value


def _place(rng: random.Random) -> dict[str, str]:
    city, country = rng.choice(CITIES)
    return {"city": city, "city_t": city.title(), "country": country}


def _tidy(sentence: str) -> str:
    return " ".join(sentence.split())


@dataclass(frozen=True)
class Header:
    """What a feed item or a related link needs: cheap (no body)."""

    index: int
    kind: str
    headline: str
    lead: str
    authors: tuple[str, ...]
    agency: str
    published: datetime
    section: str
    tags: tuple[str, ...]
    fills: dict[str, Any]


def make_header(spec: CorpusSpec, index: int) -> Header:
    rng = _rng(spec, index, "head")
    kind = rng.choice(KINDS)
    fills = _Fills(rng, _place(rng))
    headline = HEADLINES[kind].format_map(fills).strip()
    return Header(
        index=index, kind=kind, headline=headline[0].upper() + headline[1:],
        lead=_tidy(LEADS[kind].format_map(_Fills(rng, {**fills, "source": f"the {fills['title']}"}))),
        authors=tuple(_person(rng) for _ in range(rng.randint(1, 2))), agency=rng.choice(AGENCIES),
        published=CORPUS_EPOCH - timedelta(hours=index % 72, minutes=rng.randint(0, 59)),
        section=SECTIONS[kind], tags=(SECTIONS[kind], fills["country"], kind.title()), fills=dict(fills),
    )


def make_story(spec: CorpusSpec, index: int) -> Story:
    """Article `index`: a wire story of 600-900 words, the same for every N."""
    head = make_header(spec, index)
    rng = _rng(spec, index, "body")
    target_words = rng.randint(600, 900)
    published = head.published
    dateline = f"{head.fills['city']}, {published.strftime('%B')} {published.day} ({head.agency}) - "
    paragraphs = [dateline + head.lead]
    words = len(paragraphs[0].split())
    fills = head.fills
    while words < target_words:
        # Fresh names and numbers each paragraph; the story stays in one country.
        fills = _Fills(rng, {k: head.fills[k] for k in ("city", "city_t", "country")})
        paragraph = " ".join(_tidy(rng.choice(BODY).format_map(fills)) for _ in range(rng.randint(1, 3)))
        paragraphs.append(paragraph)
        words += len(paragraph.split())
    paragraphs.append(
        f"(Reporting by {head.authors[0]}; Additional reporting by {_person(rng)}; Editing by {_person(rng)})"
    )
    return Story(
        index=index, kind=head.kind, headline=head.headline, summary=head.lead, paragraphs=tuple(paragraphs),
        authors=head.authors, agency=head.agency, published=published, section=head.section, tags=head.tags,
    )


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80]


def article_path(story: Story | Header) -> str:
    day = story.published.strftime("%Y/%m/%d")
    return f"/{story.section.lower()}/{day}/{slug(story.headline)}-id{story.index:07d}"


_INDEX_RE = re.compile(r"-id(\d{7})$")


def index_from_path(path: str) -> int | None:
    m = _INDEX_RE.search(path)
    return int(m.group(1)) if m else None


def feed_path(feed: int) -> str:
    return f"/feeds/latest-{feed}.xml"


# ------------------------------------------------------------------ rendering

_SCRIPT = (
    "window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}gtag('js',new Date());"
    "gtag('config','G-XXXXXXX',{anonymize_ip:true});(function(w,d,s){var f=d.getElementsByTagName(s)[0],"
    "j=d.createElement(s);j.async=true;j.src='/assets/ads.js?v=20261120';f.parentNode.insertBefore(j,f)})"
    "(window,document,'script');"
) * 8
_STYLE = (
    ".hdr{display:flex;align-items:center;justify-content:space-between}.menu li{display:inline-block;margin:0 8px}"
    ".article-body p{font-size:18px;line-height:1.6}.related li{margin-bottom:6px}.footer a{color:#666}"
) * 6


def _site_name(host: int) -> str:
    return f"Wire Daily {host:03d}"


def render_page(spec: CorpusSpec, story: Story, origin: str, host: int) -> bytes:
    """The article's HTML page with the chrome of a commercial news site (~40-60 KB)."""
    url = origin + article_path(story)
    title = escape(story.headline)
    iso = story.published.isoformat()
    byline = " and ".join(story.authors)
    related = []
    for k in range(1, 7):  # links to neighbours on the same host: real headlines, cheap to build
        other = story.index + k * spec.hosts
        if other < spec.articles:
            s = make_header(spec, other)
            related.append(f'<li><a href="{article_path(s)}">{escape(s.headline)}</a>'
                           f'<span class="time">{s.published.strftime("%H:%M")}</span></li>')
    body = "\n".join(f"<p>{escape(p)}</p>" for p in story.paragraphs[:-1])
    credits = escape(story.paragraphs[-1])
    nav = "".join(f'<li><a href="/{n.lower()}/">{n}</a></li>' for n in NAV)
    footer = "".join(f'<li><a href="/{slug(n)}">{n}</a></li>' for n in FOOTER)
    tags = "".join(f'<meta property="article:tag" content="{escape(t)}">' for t in story.tags)
    tag_links = "".join(f'<li><a href="/tag/{slug(t)}">{escape(t)}</a></li>' for t in story.tags)
    share = "".join(
        f'<li><a href="https://{net}/share?u={escape(url)}" rel="noopener">{name}</a></li>'
        for net, name in (("www.facebook.com", "Facebook"), ("x.com", "X"), ("www.linkedin.com", "LinkedIn"),
                          ("wa.me", "WhatsApp"))
    )
    html = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title} | {_site_name(host)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="description" content="{escape(story.summary)}">
<link rel="canonical" href="{url}">
<meta property="og:type" content="article"><meta property="og:title" content="{title}">
<meta property="og:url" content="{url}"><meta property="og:site_name" content="{_site_name(host)}">
<meta property="article:published_time" content="{iso}"><meta property="article:section" content="{story.section}">
{tags}
<script type="application/ld+json">{{"@context":"https://schema.org","@type":"NewsArticle","headline":"{title}",
"datePublished":"{iso}","dateModified":"{iso}","author":[{",".join('{"@type":"Person","name":"%s"}' % a for a in story.authors)}],
"publisher":{{"@type":"Organization","name":"{_site_name(host)}"}},"mainEntityOfPage":"{url}"}}</script>
<style>{_STYLE}</style>
<script>{_SCRIPT}</script>
</head>
<body>
<div id="cookie-banner" class="consent">We and our partners use cookies to personalise content and ads and to analyse
our traffic. <a href="/cookie-settings">Manage settings</a> <button>Accept all</button></div>
<header class="hdr"><a class="logo" href="/">{_site_name(host)}</a>
<nav><ul class="menu">{nav}</ul></nav>
<form class="search" action="/search"><input name="q" placeholder="Search"></form>
<a class="subscribe" href="/subscribe">Subscribe for $1 a week</a></header>
<div class="ad-slot" id="ad-top">Advertisement</div>
<main>
<article class="story">
<ul class="breadcrumbs"><li><a href="/">Home</a></li><li><a href="/{story.section.lower()}/">{story.section}</a></li></ul>
<h1>{title}</h1>
<div class="byline">By {escape(byline)}</div>
<time datetime="{iso}">{story.published.strftime("%B %d, %Y %I:%M %p UTC")}</time>
<ul class="share">{share}</ul>
<figure><img src="/img/{story.index}.jpg" alt=""><figcaption>File photo. {escape(story.tags[1])}.</figcaption></figure>
<div class="article-body">
{body}
<p class="credits">{credits}</p>
</div>
<ul class="tags">{tag_links}</ul>
<div class="newsletter"><h3>Sign up for our daily briefing</h3><p>Get the top stories in your inbox every morning.</p>
<form action="/newsletter"><input type="email" name="email"><button>Sign up</button></form></div>
</article>
<aside class="related"><h2>More from {story.section}</h2><ul>{"".join(related)}</ul></aside>
<aside class="most-read"><h2>Most read</h2><ol>{"".join(related[:4][::-1])}</ol></aside>
<div class="ad-slot" id="ad-bottom">Advertisement</div>
</main>
<footer class="footer"><ul>{footer}</ul><p>&copy; 2026 {_site_name(host)}. All quotes delayed a minimum of 15 minutes.</p></footer>
<script>{_SCRIPT}</script>
</body>
</html>
"""
    return html.encode("utf-8")


def render_feed(spec: CorpusSpec, host: int, feed: int, origin: str) -> bytes:
    """RSS 2.0 listing the host's articles of one feed, newest first."""
    items = []
    for index in spec.feed_items(host, feed):
        s = make_header(spec, index)
        link = origin + article_path(s)
        creators = "".join(f"<dc:creator>{escape(a)}</dc:creator>" for a in s.authors)
        cats = "".join(f"<category>{escape(t)}</category>" for t in s.tags)
        items.append(
            f"<item><title>{escape(s.headline)}</title><link>{escape(link)}</link>"
            f'<guid isPermaLink="false">wiredaily{host:03d}:{s.index}</guid>'
            f"<pubDate>{format_datetime(s.published, usegmt=True)}</pubDate>"
            f"<description>{escape(s.lead)}</description>{creators}{cats}</item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        f"<title>{_site_name(host)} - Latest {feed}</title><link>{origin}/</link>"
        f"<description>Latest news (generated benchmark corpus)</description><language>en</language>"
        + "".join(items) + "</channel></rss>\n"
    ).encode("utf-8")


ROBOTS_TXT = b"User-agent: *\nDisallow: /search\nAllow: /\n"


# ------------------------------------------------------------------ the server

@dataclass
class HostStats:
    requests: int = 0
    in_flight: int = 0
    max_in_flight: int = 0


class _HostServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256

    def __init__(self, host: int, owner: "CorpusServer") -> None:
        super().__init__((LOOPBACK, 0), _Handler)
        self.host = host
        self.owner = owner
        self.origin = f"http://{LOOPBACK}:{self.server_address[1]}"

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients hanging up are normal in a benchmark


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "wirebeam-bench/1"
    timeout = 30
    server: _HostServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass

    def do_GET(self) -> None:
        owner, host = self.server.owner, self.server.host
        owner._enter(host)
        try:
            if owner.latency_s > 0:
                time.sleep(owner.latency_s)  # the network and the server's think time
            status, content_type, body = owner.respond(host, self.server.origin, self.path.split("?", 1)[0])
        finally:
            owner._leave(host)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class CorpusServer:
    """Serves a CorpusSpec on loopback: one ThreadingHTTPServer (port, politeness key) per host.

    Every request waits `latency_s` before it is answered. Bodies are sent
    uncompressed: compressing on this same machine would bill the server's
    CPU to the pipeline under test.
    """

    def __init__(self, spec: CorpusSpec, latency_s: float = 0.1, rendered: Path | None = None) -> None:
        self.spec = spec
        self.latency_s = latency_s
        # A folder from `render_corpus`: pages are then read from disk (~0.1 ms) rather
        # than built (~2 ms), so the server takes almost no CPU from the pipeline under test.
        self.rendered = Path(rendered) if rendered is not None else None
        self._servers: list[_HostServer] = []
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self.stats = [HostStats() for _ in range(spec.hosts)]
        self.in_flight = 0  # across all hosts
        self.max_in_flight = 0

    def start(self) -> "CorpusServer":
        try:
            for host in range(self.spec.hosts):
                self._servers.append(_HostServer(host, self))
            for srv in self._servers:
                thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
                thread.start()
                self._threads.append(thread)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        servers, self._servers = self._servers, []
        for srv, _thread in zip(servers, self._threads):
            srv.shutdown()
        for srv in servers:
            srv.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads = []

    def __enter__(self) -> "CorpusServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def origins(self) -> list[str]:
        return [srv.origin for srv in self._servers]

    @property
    def allow_hosts(self) -> str:
        return f"{LOOPBACK}/32"

    def feed_urls(self) -> list[str]:
        return [srv.origin + feed_path(k) for host, srv in enumerate(self._servers) for k in range(self.spec.feeds_on(host))]

    def write_feed_list(self, path: Path) -> Path:
        path = Path(path)
        path.write_text("".join(url + "\n" for url in self.feed_urls()))
        return path

    def respond(self, host: int, origin: str, path: str) -> tuple[int, str, bytes]:
        """(status, content type, body) for a GET of `path` on `host`."""
        if path == "/robots.txt":
            return 200, "text/plain; charset=utf-8", ROBOTS_TXT
        if path.startswith("/feeds/latest-") and path.endswith(".xml"):
            try:
                feed = int(path[len("/feeds/latest-"):-len(".xml")])
            except ValueError:
                feed = -1
            if 0 <= feed < self.spec.feeds_on(host):
                if self.rendered is not None:
                    body = (self.rendered / _feed_file(host, feed)).read_bytes().replace(ORIGIN_TOKEN, origin.encode())
                else:
                    body = render_feed(self.spec, host, feed, origin)
                return 200, "application/rss+xml; charset=utf-8", body
        index = index_from_path(path)
        if index is not None and index < self.spec.articles and self.spec.host_of(index) == host:
            head = make_header(self.spec, index)
            if article_path(head) == path:
                if self.rendered is not None:
                    body = (self.rendered / _page_file(index)).read_bytes().replace(ORIGIN_TOKEN, origin.encode())
                else:
                    body = render_page(self.spec, make_story(self.spec, index), origin, host)
                return 200, "text/html; charset=utf-8", body
        return 404, "text/html; charset=utf-8", b"<html><body><h1>Not found</h1></body></html>"

    def _enter(self, host: int) -> None:
        with self._lock:
            st = self.stats[host]
            st.requests += 1
            st.in_flight += 1
            st.max_in_flight = max(st.max_in_flight, st.in_flight)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def _leave(self, host: int) -> None:
        with self._lock:
            self.stats[host].in_flight -= 1
            self.in_flight -= 1

    @property
    def requests(self) -> int:
        with self._lock:
            return sum(st.requests for st in self.stats)


ORIGIN_TOKEN = b"{{ORIGIN}}"


def _page_file(index: int) -> str:
    return f"pages/{index // 1000:04d}/{index}.html"


def _feed_file(host: int, feed: int) -> str:
    return f"feeds/{host}-{feed}.xml"


def _render_range(args: tuple[CorpusSpec, str, int, int]) -> int:
    spec, folder, start, stop = args
    root, token = Path(folder), ORIGIN_TOKEN.decode()
    for index in range(start, stop):
        path = root / _page_file(index)
        path.parent.mkdir(parents=True, exist_ok=True)
        host = spec.host_of(index)
        path.write_bytes(render_page(spec, make_story(spec, index), token, host))
    return stop - start


def render_corpus(spec: CorpusSpec, folder: Path, processes: int = 2) -> Path:
    """Write every page and feed of `spec` under `folder` (origins as a token), once.

    A finished folder is marked by `spec.json` and reused by later runs.
    """
    import json
    from multiprocessing import get_context

    folder = Path(folder)
    marker = folder / "spec.json"
    wanted = json.dumps(dataclasses.asdict(spec), sort_keys=True)
    if marker.exists() and marker.read_text() == wanted:
        return folder
    (folder / "feeds").mkdir(parents=True, exist_ok=True)
    step = 250
    chunks = [(spec, str(folder), a, min(a + step, spec.articles)) for a in range(0, spec.articles, step)]
    with get_context("spawn").Pool(max(1, processes)) as pool:
        sum(pool.imap_unordered(_render_range, chunks))
    token = ORIGIN_TOKEN.decode()
    for host in range(spec.hosts):
        for feed in range(spec.feeds_on(host)):
            (folder / _feed_file(host, feed)).write_bytes(render_feed(spec, host, feed, token))
    marker.write_text(wanted)
    return folder


def pages_in_memory(spec: CorpusSpec, indices: range, origin_of: "callable[[int], str] | None" = None) -> list[tuple[str, bytes, Story]]:
    """(url, html, story) for the given articles, rendered exactly as the server sends them."""
    origin_of = origin_of or (lambda host: f"http://{LOOPBACK}:{10000 + host}")
    out = []
    for index in indices:
        story = make_story(spec, index)
        host = spec.host_of(index)
        origin = origin_of(host)
        out.append((origin + article_path(story), render_page(spec, story, origin, host), story))
    return out
