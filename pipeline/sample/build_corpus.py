"""Render the demo corpus from `stories.py` into `data/` (run once; output is committed).

    python -m pipeline.sample.build_corpus            # rewrite pipeline/sample/data/
    python -m pipeline.sample.build_corpus --check    # exit 1 if data/ is stale

Each site's origin is written as a token (``{{SITE_WIRE}}``...) that `server.py`
replaces at serve time, because ports are only known then. `data/manifest.json`
maps every served path to its file, Content-Type and Last-Modified;
`data/expected.json` is what tests may assert about the corpus.
"""

from __future__ import annotations

import argparse
import html
import json
import shutil
import sys
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from typing import Any, Callable, Iterable

import yaml

from pipeline.sample import stories as S
from pipeline.sample.stories import Story

DATA_DIR = Path(__file__).resolve().parent / "data"
CORPUS_VERSION = 1
# Last-Modified of files that are not articles or feeds (robots.txt, lists, home pages).
CORPUS_TIME = datetime(2025, 3, 25, 6, 0, tzinfo=timezone.utc)
TRACKING_QUERY = "?utm_source=rss&utm_medium=feed&utm_campaign=reliefline"


@dataclass(frozen=True)
class Site:
    key: str
    name: str
    token: str
    feed_path: str
    feed_format: str  # feedparser's version string: rss20 | atom10 | rss10 | rss092
    feed_title: str
    feed_content_type: str
    tags: tuple[str, ...]
    group: tuple[str, ...]  # OPML folder path
    html_lang: str


SITES: dict[str, Site] = {
    "wire": Site("wire", "Meridian Wire", "{{SITE_WIRE}}", "/rss/world.xml", "rss20",
                 "Meridian Wire - World News", "application/rss+xml; charset=utf-8",
                 ("world", "agency"), ("News", "Agencies"), "en"),
    "herald": Site("herald", "The Northgate Herald", "{{SITE_HERALD}}", "/feeds/atom.xml", "atom10",
                   "The Northgate Herald: Top Stories", "application/atom+xml; charset=utf-8",
                   ("us", "newspaper"), ("News", "Newspapers"), "en-US"),
    "monitor": Site("monitor", "ReliefLine Monitor", "{{SITE_MONITOR}}", "/rdf/index.rdf", "rss10",
                    "ReliefLine Monitor - Crisis news", "application/rdf+xml; charset=utf-8",
                    ("humanitarian",), ("Humanitarian",), "en-GB"),
    # ISO-8859-1 declared only in the XML prolog; the header names no charset.
    "alpine": Site("alpine", "Alpine Dispatch", "{{SITE_ALPINE}}", "/rss092.xml", "rss092",
                   "Alpine Dispatch", "application/xml",
                   ("europe", "multilingual"), ("Europe",), "en"),
}
LIST_SITE = "wire"  # the feed lists are also served, from this site
FEED_LIST_PATHS = {"opml": "/lists/feeds.opml", "yaml": "/lists/feeds.yaml", "txt": "/lists/feeds.txt"}
FEED_LIST_TYPES = {"opml": "text/x-opml; charset=utf-8", "yaml": "application/yaml; charset=utf-8",
                   "txt": "text/plain; charset=utf-8"}
PRIVATE_PATH = "/private/drafts/embargoed-briefing.html"


# ----------------------------------------------------------------------------- helpers

def esc(text: str) -> str:
    return html.escape(text, quote=True)


def parse_iso(value: str) -> datetime:
    return datetime.fromisoformat(value)


def utc(value: str) -> datetime:
    return parse_iso(value).astimezone(timezone.utc)


def iso_z(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def origin(site: str) -> str:
    return SITES[site].token


def url_of(story: Story) -> str:
    return origin(story.site) + story.path


def feed_link(story: Story) -> str:
    """The link a feed gives: ReliefLine adds tracking parameters, as many CMSs do."""
    return url_of(story) + (TRACKING_QUERY if story.site == "monitor" else "")


def canonical_of(story: Story) -> str:
    return url_of(S.EL_FASHER) if story is S.EL_FASHER_COPY else url_of(story)


def rfc822(value: str, zone_name: str | None = None) -> str:
    """RFC 822 date as feeds write it; zone_name (GMT, EDT...) replaces the numeric offset."""
    dt = parse_iso(value)
    text = format_datetime(dt, usegmt=False)
    if dt.utcoffset() == timedelta(0) and zone_name is None:
        return text[:-5] + "GMT"
    return text[:-5] + zone_name if zone_name else text


# Named zones where the feed uses one, to exercise RFC 822 zone names.
RSS_ZONE_NAMES = {"un-sudan-resolution": "EDT"}


def site_stories(site: str) -> list[Story]:
    return [s for s in S.STORIES if s.site == site]


def json_ld(story: Story, with_dates: bool) -> str:
    site = SITES[story.site]
    doc: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": story.title,
        "description": story.summary,
        "mainEntityOfPage": {"@type": "WebPage", "@id": canonical_of(story)},
        "image": [origin(story.site) + f"/img/{story.slug}.jpg"],
        "inLanguage": story.language,
        "articleSection": story.categories[0],
        "keywords": ", ".join(story.categories),
        "author": [{"@type": "Person", "name": a} for a in story.authors],
        "publisher": {
            "@type": "Organization",
            "name": site.name,
            "logo": {"@type": "ImageObject", "url": origin(story.site) + "/img/logo.png"},
        },
        "isAccessibleForFree": True,
    }
    if with_dates:
        doc["datePublished"] = story.published
        if story.updated:
            doc["dateModified"] = story.updated
    text = json.dumps(doc, ensure_ascii=False, indent=2)
    return text.replace("</", "<\\/")


def head_common(story: Story, extra_meta: str = "") -> str:
    site = SITES[story.site]
    canonical = canonical_of(story)
    image = origin(story.site) + f"/img/{story.slug}.jpg"
    with_ld_dates = story.page_date == "jsonld"
    return f"""<title>{esc(story.title)} | {esc(site.name)}</title>
<meta name="description" content="{esc(story.summary)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="canonical" href="{esc(canonical)}">
<link rel="alternate" type="{site.feed_content_type.split(';')[0]}" title="{esc(site.feed_title)}" href="{origin(story.site)}{site.feed_path}">
<meta property="og:type" content="article">
<meta property="og:site_name" content="{esc(site.name)}">
<meta property="og:title" content="{esc(story.title)}">
<meta property="og:description" content="{esc(story.summary)}">
<meta property="og:url" content="{esc(canonical)}">
<meta property="og:image" content="{esc(image)}">
<meta name="twitter:card" content="summary_large_image">
{extra_meta}<script type="application/ld+json">
{json_ld(story, with_ld_dates)}
</script>"""


def share_links(story: Story, css: str) -> str:
    url = esc(canonical_of(story))
    title = esc(story.title)
    return f"""<ul class="{css}">
  <li><a href="https://www.facebook.com/sharer/sharer.php?u={url}" rel="noopener">Facebook</a></li>
  <li><a href="https://x.com/intent/post?url={url}&amp;text={title}" rel="noopener">X</a></li>
  <li><a href="https://www.linkedin.com/sharing/share-offsite/?url={url}" rel="noopener">LinkedIn</a></li>
  <li><a href="mailto:?subject={title}&amp;body={url}">Email</a></li>
</ul>"""


def related(story: Story, limit: int = 3) -> list[Story]:
    return [s for s in site_stories(story.site) if s is not story][:limit]


def body_html(story: Story, indent: str = "") -> str:
    paras = [f"{indent}<p>{esc(p)}</p>" for p in story.paragraphs]
    if story.credits:
        paras.append(f'{indent}<p class="credits">{esc(story.credits)}</p>')
    return "\n".join(paras)


def fmt_utc_visible(value: str) -> str:
    dt = utc(value)
    return f"{dt:%B} {dt.day}, {dt.year} {dt.strftime('%I:%M %p').lstrip('0')} UTC"


# ----------------------------------------------------------------------------- site templates

def render_wire(story: Story) -> str:
    """Meridian Wire: agency-style, dates in JSON-LD and a <time> in UTC."""
    rel = "\n".join(f'      <li class="related-item"><a href="{s.path}">{esc(s.title)}</a></li>'
                    for s in related(story))
    updated = (f'\n        <span class="story-updated">Updated {fmt_utc_visible(story.updated)}</span>'
               if story.updated else "")
    return f"""<!DOCTYPE html>
<html lang="{SITES['wire'].html_lang}">
<head>
<meta charset="utf-8">
{head_common(story)}
<link rel="stylesheet" href="/static/wire.css">
</head>
<body class="story-page">
<div id="cookie-consent" class="consent-banner" role="dialog" aria-label="Cookie consent">
  <p>We use cookies and similar technologies to personalise content and measure audiences. You can
  change your choices at any time in Privacy settings.</p>
  <button class="consent-accept">Accept all</button> <button class="consent-reject">Reject optional cookies</button>
</div>
<header class="site-header">
  <a class="logo" href="/">Meridian Wire</a>
  <nav class="primary-nav" aria-label="Sections">
    <ul>
      <li><a href="/world/">World</a></li>
      <li><a href="/business/">Business</a></li>
      <li><a href="/markets/">Markets</a></li>
      <li><a href="/world/middle-east/">Middle East</a></li>
      <li><a href="/world/africa/">Africa</a></li>
      <li><a href="/world/asia-pacific/">Asia Pacific</a></li>
      <li><a href="/investigations/">Investigations</a></li>
    </ul>
  </nav>
  <a class="subscribe-button" href="/subscribe">Subscribe</a>
</header>
<main id="main-content">
  <article class="story">
    <div class="story-kicker"><a href="/world/">{esc(story.categories[1])}</a></div>
    <h1 class="story-title">{esc(story.title)}</h1>
    <div class="story-meta">
      <div class="byline">{esc(story.byline or "")}</div>
      <div class="story-dates">
        <time class="story-date" datetime="{iso_z(utc(story.published))}">{fmt_utc_visible(story.published)}</time>{updated}
      </div>
    </div>
    <div class="share-tools" aria-label="Share this story">
      {share_links(story, "share-list")}
    </div>
    <figure class="lead-image"><img src="/img/{story.slug}.jpg" alt=""><figcaption>File photo. Meridian Wire</figcaption></figure>
    <div class="story-body" data-testid="article-body">
{body_html(story, "      ")}
    </div>
    <p class="trust-principles"><a href="/about/trust">Our Standards: The Meridian Trust Principles.</a></p>
  </article>
  <aside class="related" aria-label="Related coverage">
    <h2>Related coverage</h2>
    <ul>
{rel}
    </ul>
  </aside>
  <section class="newsletter-signup">
    <h2>Daily Briefing</h2>
    <p>Get the top world news stories in your inbox every morning.</p>
    <form action="/newsletters/subscribe" method="post"><input type="email" name="email" placeholder="Email address"><button>Sign up</button></form>
  </section>
</main>
<footer class="site-footer">
  <ul class="footer-links">
    <li><a href="/about/">About us</a></li><li><a href="/careers/">Careers</a></li>
    <li><a href="/privacy/">Privacy</a></li><li><a href="/terms/">Terms of use</a></li>
    <li><a href="/rss/world.xml">RSS</a></li>
  </ul>
  <p class="copyright">All quotes delayed a minimum of 15 minutes. &copy; 2025 Meridian Wire. Sample corpus: all
  stories are fictional, written for wirebeam tests.</p>
</footer>
</body>
</html>
"""


def render_herald(story: Story) -> str:
    """The Northgate Herald: newspaper layout; dates only in article:published_time meta."""
    has_date = story.page_date == "meta"
    meta = ""
    if has_date:
        meta = f'<meta property="article:published_time" content="{story.published}">\n'
        if story.updated:
            meta += f'<meta property="article:modified_time" content="{story.updated}">\n'
    meta += f'<meta property="article:section" content="{esc(story.categories[0])}">\n'
    meta += "".join(f'<meta property="article:tag" content="{esc(c)}">\n' for c in story.categories[1:])
    dt = parse_iso(story.published)
    date_line = (f'<div class="pub-date">Published {dt.strftime("%I:%M %p").lstrip("0")} '
                 f'{dt:%B} {dt.day}, {dt.year}</div>' if has_date else "")
    more = "\n".join(f'        <li><a href="{s.path}"><span class="teaser-title">{esc(s.title)}</span></a></li>'
                     for s in related(story, 4))
    org = {"AP": "Associated Press", "Reuters": "Reuters"}.get(story.agency or "", "Herald Staff Writer")
    author_tag = (f'<span class="author-name" itemprop="author">{esc(story.byline)}</span>'
                  f', <span class="author-org">{org}</span>') if story.byline else ""
    return f"""<!DOCTYPE html>
<html lang="{SITES['herald'].html_lang}" class="no-js">
<head>
<meta charset="UTF-8">
{head_common(story, meta)}
<link rel="stylesheet" href="/assets/herald.min.css">
</head>
<body>
<div class="gdpr-notice" id="gdprNotice">
  This website uses cookies to improve your experience and to show you relevant advertising.
  <a href="/privacy-policy">Learn more</a> <a href="#" class="gdpr-close">Got it</a>
</div>
<div class="hdr">
  <div class="masthead"><a href="/">The Northgate Herald</a></div>
  <div class="weather-widget">Northgate 48&deg;F Cloudy</div>
  <ul class="menu">
    <li><a href="/news/local/">Local</a></li>
    <li><a href="/news/nation/">Nation</a></li>
    <li><a href="/news/world/">World</a></li>
    <li><a href="/sports/">Sports</a></li>
    <li><a href="/opinion/">Opinion</a></li>
    <li><a href="/obituaries/">Obituaries</a></li>
    <li><a href="/e-edition/">E-Edition</a></li>
  </ul>
</div>
<div class="content-wrap">
  <div class="article-container" itemscope itemtype="https://schema.org/NewsArticle">
    <ul class="breadcrumbs"><li><a href="/">Home</a></li><li><a href="/news/">News</a></li><li>{esc(story.categories[0])}</li></ul>
    <h1 class="article-headline" itemprop="headline">{esc(story.title)}</h1>
    <div class="article-byline">{author_tag}</div>
    {date_line}
    <ul class="social-share">
      <li class="share-label">Share:</li>
      {share_links(story, "social-share-buttons")}
    </ul>
    <div class="entry-content" itemprop="articleBody">
{body_html(story, "      ")}
    </div>
    <div class="ad-slot ad-slot--inline">Advertisement</div>
    <div class="tags-list">Filed under: {", ".join(esc(c) for c in story.categories)}</div>
  </div>
  <div class="sidebar">
    <div class="read-more">
      <h3>More from the Herald</h3>
      <ul>
{more}
      </ul>
    </div>
    <div class="promo-newsletter">
      <h3>Herald Headlines</h3>
      <p>The morning's top stories from Northgate and beyond, free in your inbox.</p>
      <form action="/newsletter" method="post"><input type="email" name="addr"><input type="submit" value="Subscribe"></form>
    </div>
  </div>
</div>
<div class="site-footer-bottom">
  <p><a href="/contact">Contact</a> | <a href="/advertise">Advertise</a> | <a href="/privacy-policy">Privacy Policy</a> |
  <a href="/feeds/atom.xml">Feeds</a></p>
  <p>&copy; The Northgate Herald Media Group. All rights reserved. Sample corpus: fictional stories for wirebeam tests.</p>
</div>
</body>
</html>
"""


def render_monitor(story: Story) -> str:
    """ReliefLine Monitor: humanitarian site; the only date is visible text (in GMT)."""
    dt = utc(story.published)
    visible = f"{dt.day} {dt:%B} {dt.year}, {dt:%H:%M} GMT"
    syndication = ""
    if story is S.EL_FASHER_COPY:
        syndication = ('\n      <p class="syndication-note">This story was first published by '
                       f'<a href="{esc(url_of(S.EL_FASHER))}">The Northgate Herald</a>.</p>')
    see_also = "\n".join(f'          <li><a href="{s.path}">{esc(s.title)}</a></li>' for s in related(story))
    agency = {"AFP": "AFP", "AP": "Associated Press", "Reuters": "Reuters"}.get(story.agency or "", "ReliefLine")
    return f"""<!DOCTYPE html>
<html lang="{SITES['monitor'].html_lang}">
<head>
<meta charset="utf-8">
{head_common(story)}
<link rel="stylesheet" href="/css/rl-main.css">
</head>
<body class="page-article">
<div class="cc-window" role="dialog" aria-live="polite">
  <span class="cc-message">ReliefLine uses cookies to understand how our site is used. By continuing you agree to our cookie policy.</span>
  <a class="cc-btn cc-dismiss" href="#">OK</a>
</div>
<div id="top-bar">
  <a id="brand" href="/">ReliefLine <em>Monitor</em></a>
  <nav id="menu">
    <a href="/news/">News</a> <a href="/crises/">Crises</a> <a href="/countries/">Countries</a>
    <a href="/reports/">Reports</a> <a href="/jobs/">Jobs</a> <a href="/donate/" class="btn-donate">Donate</a>
  </nav>
</div>
<section class="main">
  <div class="col-8">
    <header class="article-header">
      <p class="article-tag">{esc(story.categories[0])}</p>
      <h1 class="headline__text">{esc(story.title)}</h1>
      <div class="article-meta">
        <span class="meta-source">Source: {agency}</span>
        <span class="meta-author">{esc(story.byline or "")}</span>
        <span class="dateline-date">{visible}</span>
      </div>{syndication}
    </header>
    <div class="article__body">
{body_html(story, "      ")}
    </div>
    <div class="share-bar">
      <span>Share this article</span>
      {share_links(story, "share-bar__list")}
    </div>
  </div>
  <aside class="col-4">
    <div class="see-also">
      <h4>See also</h4>
      <ul>
{see_also}
      </ul>
    </div>
    <div class="newsletter-box">
      <h4>The ReliefLine Weekly</h4>
      <p>Analysis from the world's crises, every Friday.</p>
      <form method="post" action="/subscribe"><label>Email <input name="email" type="email"></label><button type="submit">Join</button></form>
    </div>
  </aside>
</section>
<footer id="footer">
  <div class="footer-cols">
    <div><h5>ReliefLine</h5><a href="/about">About</a><br><a href="/team">Team</a><br><a href="/funding">Our funding</a></div>
    <div><h5>Follow</h5><a href="/rdf/index.rdf">RSS</a><br><a href="https://mastodon.social/@reliefline">Mastodon</a></div>
  </div>
  <small>ReliefLine Monitor is an independent humanitarian news service. Sample corpus: fictional stories for wirebeam tests.</small>
</footer>
</body>
</html>
"""


GERMAN_DAYS = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"]
GERMAN_MONTHS = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
                 "September", "Oktober", "November", "Dezember"]


def render_alpine(story: Story) -> str:
    """Alpine Dispatch: an old table-based CMS; dates in JSON-LD; English or German UI."""
    de = story.language == "de"
    dt = parse_iso(story.published)
    if de:
        visible = f"{GERMAN_DAYS[dt.weekday()]}, {dt.day}. {GERMAN_MONTHS[dt.month - 1]} {dt.year}, {dt:%H.%M} Uhr"
    else:
        visible = f"{dt:%A}, {dt.day} {dt:%B} {dt.year}, {dt:%H:%M}"
    if story.charset == "windows-1252":
        # The charset is declared only here; the server sends no charset for this page.
        charset_meta = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
    else:
        charset_meta = '<meta charset="utf-8">'
    lang = "de-CH" if de else SITES["alpine"].html_lang
    labels = {
        "cookie": ("Diese Website verwendet Cookies. Mit der Nutzung stimmen Sie der Datenschutzerklärung zu."
                   if de else "This site uses cookies. By using it you accept our data protection policy."),
        "ok": "Einverstanden" if de else "Accept",
        "nav": (("Schweiz", "/de/schweiz/"), ("International", "/de/international/"), ("Wirtschaft", "/de/wirtschaft/"),
                ("English", "/en/")) if de else
               (("Switzerland", "/en/switzerland/"), ("World", "/en/world/"), ("Business", "/en/business/"),
                ("Deutsch", "/de/")),
        "more": "Weitere Artikel" if de else "More stories",
        "news": "Newsletter abonnieren" if de else "Subscribe to our newsletter",
        "share": "Teilen" if de else "Share",
        "footer": "Impressum" if de else "Imprint",
    }
    nav = " | ".join(f'<a href="{p}">{esc(t)}</a>' for t, p in labels["nav"])
    more = "\n".join(f'<li><a href="{s.path}" hreflang="{s.language}">{esc(s.title)}</a></li>'
                     for s in related(story))
    return f"""<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd">
<html lang="{lang}">
<head>
{charset_meta}
{head_common(story)}
<link rel="stylesheet" type="text/css" href="/css/dispatch.css">
</head>
<body bgcolor="#ffffff">
<div id="cookiewarning">{esc(labels["cookie"])} <a href="#" onclick="return hideCookie()">{labels["ok"]}</a></div>
<table id="layout" width="980" cellpadding="0" cellspacing="0">
<tr><td colspan="2" id="kopf"><a href="/"><img src="/img/logo.gif" alt="Alpine Dispatch" border="0"></a>
<div class="topnav">{nav}</div></td></tr>
<tr>
<td id="inhalt" valign="top">
<div class="artikel">
<div class="rubrik">{esc(story.categories[0])}</div>
<h1>{esc(story.title)}</h1>
<div class="lead">{esc(story.summary)}</div>
<div class="autor">{esc(story.byline or "")}</div>
<div class="datum">{visible}</div>
<div class="text">
{body_html(story)}
</div>
<div class="teilen">{labels["share"]}: {share_links(story, "sharelinks")}</div>
</div>
</td>
<td id="rechts" valign="top" width="260">
<div class="box weitere"><b>{labels["more"]}</b><ul>
{more}
</ul></div>
<div class="box newsletter"><b>{labels["news"]}</b>
<form action="/newsletter.php" method="post"><input type="text" name="mail" size="20"><input type="submit" value="OK"></form></div>
</td>
</tr>
<tr><td colspan="2" id="fuss"><a href="/impressum.html">{labels["footer"]}</a> | <a href="/rss092.xml">RSS</a> |
&copy; 2025 Alpine Dispatch AG, Bern. Sample corpus: fictional stories for wirebeam tests.</td></tr>
</table>
</body>
</html>
"""


RENDERERS: dict[str, Callable[[Story], str]] = {
    "wire": render_wire, "herald": render_herald, "monitor": render_monitor, "alpine": render_alpine,
}


def render_home(site: Site) -> str:
    items = "\n".join(f'  <li><a href="{s.path}">{esc(s.title)}</a></li>' for s in site_stories(site.key))
    return f"""<!DOCTYPE html>
<html lang="{site.html_lang}">
<head><meta charset="utf-8"><title>{esc(site.name)}</title>
<link rel="alternate" type="{site.feed_content_type.split(';')[0]}" href="{site.token}{site.feed_path}"></head>
<body>
<h1>{esc(site.name)}</h1>
<ul>
{items}
</ul>
<p>Sample corpus: fictional stories for wirebeam tests.</p>
</body>
</html>
"""


def render_private() -> str:
    return """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Embargoed briefing</title></head>
<body><p>Embargoed draft. Crawlers are asked not to fetch this path (see robots.txt).</p></body></html>
"""


def render_robots(site: Site) -> str:
    return f"""# robots.txt for {site.name}
User-agent: *
Disallow: /private/
Disallow: /search
Allow: /

User-agent: BadBot
Disallow: /

Sitemap: {site.token}/sitemap.xml
"""


# ----------------------------------------------------------------------------- feeds

def xml_text(text: str) -> str:
    return html.escape(text, quote=False)


def rss20_feed(site: Site) -> str:
    items = []
    entries: list[tuple[str, dict[str, Any]]] = [(s.slug, {"story": s}) for s in site_stories(site.key)]
    entries.insert(2, ("gone", {"gone": S.GONE_ITEM}))  # the feed still lists the removed page
    for _, entry in entries:
        if "story" in entry:
            s: Story = entry["story"]
            title, link, guid, summary = s.title, feed_link(s), f"meridianwire:{s.slug}", s.summary
            pub = rfc822(s.published, RSS_ZONE_NAMES.get(s.slug))
            authors, categories = s.authors, s.categories
        else:
            g = entry["gone"]
            title, link, guid, summary = g["title"], origin("wire") + g["path"], g["guid"], g["summary"]
            pub, authors, categories = rfc822(g["published"]), (g["author"],), g["categories"]
        creators = "".join(f"\n      <dc:creator>{xml_text(a)}</dc:creator>" for a in authors)
        cats = "".join(f"\n      <category>{xml_text(c)}</category>" for c in categories)
        items.append(f"""    <item>
      <title>{xml_text(title)}</title>
      <link>{xml_text(link)}</link>
      <guid isPermaLink="false">{xml_text(guid)}</guid>
      <pubDate>{pub}</pubDate>
      <description><![CDATA[<p>{esc(summary)}</p>]]></description>{creators}{cats}
    </item>""")
    build = max(utc(s.updated or s.published) for s in site_stories(site.key))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>{xml_text(site.feed_title)}</title>
    <link>{site.token}/world/</link>
    <description>Breaking world news from Meridian Wire (sample corpus, fictional stories)</description>
    <language>en-gb</language>
    <lastBuildDate>{format_datetime(build, usegmt=True)}</lastBuildDate>
    <ttl>15</ttl>
    <atom:link href="{site.token}{site.feed_path}" rel="self" type="application/rss+xml"/>
    <image><url>{site.token}/img/logo.png</url><title>Meridian Wire</title><link>{site.token}/</link></image>
{chr(10).join(items)}
  </channel>
</rss>
"""


def atom_feed(site: Site) -> str:
    entries = []
    stories = site_stories(site.key)
    for i, s in enumerate(stories):
        # Vary how offsets are written: some in UTC ("Z"), the rest with the local offset.
        as_z = i % 2 == 1
        published = iso_z(utc(s.published)) if as_z else s.published
        updated_src = s.updated or s.published
        updated = iso_z(utc(updated_src)) if as_z else updated_src
        authors = "".join(f"\n    <author><name>{xml_text(a)}</name></author>" for a in s.authors)
        cats = "".join(f'\n    <category term="{esc(c.lower().replace(" ", "-"))}" label="{esc(c)}"/>'
                       for c in s.categories)
        entries.append(f"""  <entry>
    <id>tag:northgateherald.example,{s.published[:10]}:{s.path}</id>
    <title type="text">{xml_text(s.title)}</title>
    <link rel="alternate" type="text/html" href="{url_of(s)}"/>
    <published>{published}</published>
    <updated>{updated}</updated>{authors}
    <summary type="text">{xml_text(s.summary)}</summary>{cats}
  </entry>""")
    feed_updated = max(utc(s.updated or s.published) for s in stories)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en-US">
  <id>tag:northgateherald.example,2025:/feeds/atom</id>
  <title>{xml_text(site.feed_title)}</title>
  <subtitle>News from Northgate, the nation and the world (sample corpus, fictional stories)</subtitle>
  <updated>{iso_z(feed_updated)}</updated>
  <link rel="self" type="application/atom+xml" href="{site.token}{site.feed_path}"/>
  <link rel="alternate" type="text/html" href="{site.token}/"/>
  <author><name>The Northgate Herald</name></author>
  <icon>{site.token}/favicon.ico</icon>
{chr(10).join(entries)}
</feed>
"""


def rdf_feed(site: Site) -> str:
    stories = site_stories(site.key)
    seq = "\n".join(f'        <rdf:li rdf:resource="{xml_text(feed_link(s))}"/>' for s in stories)
    items = []
    for s in stories:
        subjects = "".join(f"\n    <dc:subject>{xml_text(c)}</dc:subject>" for c in s.categories)
        creators = "".join(f"\n    <dc:creator>{xml_text(a)}</dc:creator>" for a in s.authors)
        items.append(f"""  <item rdf:about="{xml_text(feed_link(s))}">
    <title>{xml_text(s.title)}</title>
    <link>{xml_text(feed_link(s))}</link>
    <description>{xml_text(s.summary)}</description>
    <dc:date>{s.published}</dc:date>{creators}{subjects}
    <dc:identifier>reliefline-{s.slug}</dc:identifier>
    <dc:language>{s.language}</dc:language>
  </item>""")
    latest = max(utc(s.published) for s in stories)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="{site.token}{site.feed_path}">
    <title>{xml_text(site.feed_title)}</title>
    <link>{site.token}/</link>
    <description>Humanitarian and crisis news (sample corpus, fictional stories)</description>
    <dc:date>{iso_z(latest)}</dc:date>
    <dc:language>en</dc:language>
    <items>
      <rdf:Seq>
{seq}
      </rdf:Seq>
    </items>
  </channel>
{chr(10).join(items)}
</rdf:RDF>
"""


def rss092_feed(site: Site) -> str:
    """RSS 0.92 items have no date, guid or author: the pages' own dates must be used."""
    items = []
    for s in site_stories(site.key):
        items.append(f"""  <item>
   <title>{xml_text(s.title)}</title>
   <link>{xml_text(url_of(s))}</link>
   <description>{xml_text(s.summary)}</description>
   <category>{xml_text(s.categories[0])}</category>
  </item>""")
    latest = max(utc(s.updated or s.published) for s in site_stories(site.key))
    return f"""<?xml version="1.0" encoding="ISO-8859-1"?>
<rss version="0.92">
 <channel>
  <title>{xml_text(site.feed_title)}</title>
  <link>{site.token}/</link>
  <description>Nachrichten aus der Schweiz / News from Switzerland (sample corpus, fictional stories)</description>
  <language>en</language>
  <lastBuildDate>{format_datetime(latest, usegmt=True)}</lastBuildDate>
{chr(10).join(items)}
 </channel>
</rss>
"""


FEED_RENDERERS: dict[str, Callable[[Site], str]] = {
    "rss20": rss20_feed, "atom10": atom_feed, "rss10": rdf_feed, "rss092": rss092_feed,
}


# ----------------------------------------------------------------------------- feed lists

def feed_url(site: Site) -> str:
    return site.token + site.feed_path


def opml_list() -> str:
    """OPML 2.0 with folders nested by each site's `group` path."""
    tree: dict[str, Any] = {}
    for site in SITES.values():
        node = tree
        for folder in site.group:
            node = node.setdefault(folder, {})
        node.setdefault("__feeds__", []).append(site)

    def render(node: dict[str, Any], depth: int) -> list[str]:
        pad = "  " * depth
        out = []
        for name, child in node.items():
            if name == "__feeds__":
                for site in child:
                    out.append(f'{pad}<outline type="rss" text="{esc(site.name)}" title="{esc(site.name)}" '
                               f'xmlUrl="{feed_url(site)}" htmlUrl="{site.token}/" '
                               f'category="{",".join(site.tags)}"/>')
            else:
                out.append(f'{pad}<outline text="{esc(name)}" title="{esc(name)}">')
                out.extend(render(child, depth + 1))
                out.append(f"{pad}</outline>")
        return out

    body = "\n".join(render(tree, 2))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head>
    <title>wirebeam demo feeds</title>
    <dateCreated>{format_datetime(CORPUS_TIME, usegmt=True)}</dateCreated>
    <ownerName>wirebeam</ownerName>
  </head>
  <body>
{body}
  </body>
</opml>
"""


def yaml_list() -> str:
    doc = {"feeds": [{"url": feed_url(s), "name": s.name, "tags": list(s.tags)} for s in SITES.values()]}
    return "# wirebeam demo feeds (origins are filled in by the sample server)\n" + yaml.safe_dump(
        doc, sort_keys=False, allow_unicode=True)


def txt_list() -> str:
    lines = ["# wirebeam demo feeds, one URL a line", "# lines starting with # are comments", ""]
    for site in SITES.values():
        lines += [f"# {site.name} ({site.feed_format})", feed_url(site)]
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------- expected facts

def acceptable_date_sources(story: Story) -> list[str]:
    if story.page_date == "none":
        return ["feed"]
    if story.page_date == "visible":  # only readable text: the page's or the feed's date will do
        return ["page", "feed"]
    return ["page"]


def article_record(story: Story) -> dict[str, Any]:
    published_utc = utc(story.published)
    return {
        "id": story.slug,
        "site": story.site,
        "path": story.path,
        "feed_link": feed_link(story),
        # rel=canonical as the page declares it, and the canonical URL wirebeam
        # should record: a canonical pointing to another site is ignored.
        "declared_canonical": canonical_of(story),
        "canonical_url": url_of(story),
        "title": story.title,
        "published_utc": iso_z(published_utc),
        "date_utc": published_utc.date().isoformat(),
        "local_date": parse_iso(story.published).date().isoformat(),
        "page_date": story.page_date,
        "acceptable_date_sources": acceptable_date_sources(story),
        "language": story.language,
        "charset": story.charset,
        "status": 200,
        "agency": story.agency,
        "dateline_place": story.dateline_place,
        "byline": story.byline,
        "authors": list(story.authors),
        "credits": [story.credits] if story.credits else [],
        "categories": list(story.categories),
        "word_count": sum(len(p.split()) for p in story.paragraphs),
        "first_sentence_start": story.paragraphs[0][:60],
        "facts": story.facts,
    }


def expected_json(manifest: dict[str, Any]) -> dict[str, Any]:
    feeds = []
    for site in SITES.values():
        links = [feed_link(s) for s in site_stories(site.key)]
        if site.key == "wire":
            links.insert(2, origin("wire") + S.GONE_ITEM["path"])
        feeds.append({"site": site.key, "path": site.feed_path, "format": site.feed_format,
                      "title": site.feed_title, "content_type": site.feed_content_type,
                      "item_count": len(links), "links": links, "tags": list(site.tags),
                      "name": site.name})
    return {
        "corpus_version": CORPUS_VERSION,
        "note": "All stories are fictional, written for wirebeam. URLs use {{SITE_*}} origin tokens.",
        "sites": {k: {"token": s.token, "name": s.name, "feed_path": s.feed_path} for k, s in SITES.items()},
        "feeds": feeds,
        "feed_lists": {fmt: {"site": LIST_SITE, "path": p} for fmt, p in FEED_LIST_PATHS.items()},
        "articles": [article_record(s) for s in S.STORIES],
        "failures": [{"site": "wire", "path": S.GONE_ITEM["path"], "title": S.GONE_ITEM["title"],
                      "status": 404, "stage": "page", "error_type": "http_error"}],
        "syndicated": [{"original": {"site": S.EL_FASHER.site, "path": S.EL_FASHER.path},
                        "copy": {"site": S.EL_FASHER_COPY.site, "path": S.EL_FASHER_COPY.path},
                        "copy_canonical": canonical_of(S.EL_FASHER_COPY)}],
        # pages that tell one story (one story_id): copies on other sites, an outlet's re-issue
        "same_story": [{"kind": kind, "articles": [s.slug for s in group]} for kind, group in S.SAME_STORY],
        "robots": {"disallowed_prefix": "/private/", "disallowed_example": PRIVATE_PATH},
        "dates_utc": sorted({utc(s.published).date().isoformat() for s in S.STORIES}),
    }


# ----------------------------------------------------------------------------- build

def html_file_name(path: str) -> str:
    name = path.rstrip("/").rsplit("/", 1)[-1] or "index"
    return name if name.endswith(".html") else name + ".html"


def build(out_dir: Path) -> None:
    """Write every file of the corpus, the manifest and expected.json into out_dir."""
    routes: dict[str, dict[str, dict[str, str]]] = {k: {} for k in SITES}

    def put(site: str, path: str, rel_file: str, content: bytes, content_type: str, modified: datetime) -> None:
        target = out_dir / rel_file
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        routes[site][path] = {"file": rel_file, "content_type": content_type,
                              "last_modified": iso_z(modified)}

    for story in S.STORIES:
        page = RENDERERS[story.site](story)
        if story.charset == "windows-1252":
            content, ctype = page.encode("cp1252"), "text/html"  # charset only in the <meta>
        else:
            content, ctype = page.encode("utf-8"), "text/html; charset=utf-8"
        put(story.site, story.path, f"sites/{story.site}/pages/{html_file_name(story.path)}", content, ctype,
            utc(story.updated or story.published))

    for site in SITES.values():
        feed = FEED_RENDERERS[site.feed_format](site)
        encoding = "iso-8859-1" if site.feed_format == "rss092" else "utf-8"
        ext = {"rss20": "xml", "atom10": "xml", "rss10": "rdf", "rss092": "xml"}[site.feed_format]
        modified = max(utc(s.updated or s.published) for s in site_stories(site.key))
        put(site.key, site.feed_path, f"sites/{site.key}/feed.{ext}",
            feed.encode(encoding, errors="xmlcharrefreplace"), site.feed_content_type, modified)
        put(site.key, "/robots.txt", f"sites/{site.key}/robots.txt", render_robots(site).encode(),
            "text/plain; charset=utf-8", CORPUS_TIME)
        put(site.key, "/", f"sites/{site.key}/index.html", render_home(site).encode(),
            "text/html; charset=utf-8", CORPUS_TIME)
        put(site.key, PRIVATE_PATH, f"sites/{site.key}/private.html", render_private().encode(),
            "text/html; charset=utf-8", CORPUS_TIME)

    lists = {"opml": opml_list(), "yaml": yaml_list(), "txt": txt_list()}
    for fmt, text in lists.items():
        put(LIST_SITE, FEED_LIST_PATHS[fmt], f"lists/feeds.{fmt}", text.encode(), FEED_LIST_TYPES[fmt],
            CORPUS_TIME)

    manifest = {
        "corpus_version": CORPUS_VERSION,
        "sites": {k: {"token": s.token, "name": s.name} for k, s in SITES.items()},
        "feed_lists": {fmt: {"site": LIST_SITE, "path": p, "file": f"lists/feeds.{fmt}"}
                       for fmt, p in FEED_LIST_PATHS.items()},
        "routes": routes,
    }
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    (out_dir / "expected.json").write_text(
        json.dumps(expected_json(manifest), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DATA_DIR)
    parser.add_argument("--check", action="store_true", help="compare with --out instead of writing")
    args = parser.parse_args(list(argv) if argv is not None else None)
    with tempfile.TemporaryDirectory() as tmp:
        build(Path(tmp))
        if args.check:
            same = tree_bytes(Path(tmp)) == tree_bytes(args.out)
            print("corpus is up to date" if same else "corpus is stale: run python -m pipeline.sample.build_corpus")
            return 0 if same else 1
        if args.out.exists():
            shutil.rmtree(args.out)
        shutil.copytree(tmp, args.out)
    print(f"wrote {len(tree_bytes(args.out))} files to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
