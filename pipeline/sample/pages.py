"""The demo corpus's HTML: each site's article template (its own chrome and its own way of
stating the date), home pages, the disallowed private page and robots.txt."""

from __future__ import annotations

import json
from typing import Any, Callable

from pipeline.sample.sites import (
    SITES,
    Site,
    canonical_of,
    esc,
    iso_z,
    origin,
    parse_iso,
    site_stories,
    url_of,
    utc,
)
from pipeline.sample.stories import Story, alpine_words, load_stories


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
    if story.canonical:
        original = load_stories().story(story.canonical)
        syndication = ('\n      <p class="syndication-note">This story was first published by '
                       f'<a href="{esc(url_of(original))}">{esc(SITES[original.site].name)}</a>.</p>')
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


def render_alpine(story: Story) -> str:
    """Alpine Dispatch: an old table-based CMS; dates in JSON-LD; English or German UI."""
    de = story.language == "de"
    words = alpine_words()
    dt = parse_iso(story.published)
    if de:
        day, month = words["german_days"][dt.weekday()], words["german_months"][dt.month - 1]
        visible = f"{day}, {dt.day}. {month} {dt.year}, {dt:%H.%M} Uhr"
    else:
        visible = f"{dt:%A}, {dt.day} {dt:%B} {dt.year}, {dt:%H:%M}"
    if story.charset == "windows-1252":
        # The charset is declared only here; the server sends no charset for this page.
        charset_meta = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
    else:
        charset_meta = '<meta charset="utf-8">'
    lang = "de-CH" if de else SITES["alpine"].html_lang
    labels = words["labels"]["de" if de else "en"]
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

