"""Hand-written, realistic article pages (site chrome included) for extraction tests."""

from __future__ import annotations

from datetime import datetime, timezone

from pipeline.records import FeedItem, FetchedPage

FETCHED_AT = datetime(2024, 3, 25, 12, 0, tzinfo=timezone.utc)

WIRE_PAGE = """<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>Iraq says talks with Kurdish region to resume next week | Example News</title>
<link rel="canonical" href="https://www.example-news.com/world/iraq-talks-resume-2024-03-24/">
<link rel="amphtml" href="https://www.example-news.com/world/iraq-talks-resume-2024-03-24/amp/">
<meta property="og:title" content="Iraq says talks with Kurdish region to resume next week">
<meta property="og:site_name" content="Example News">
<meta property="og:image" content="https://cdn.example-news.com/img/baghdad.jpg">
<meta name="description" content="Baghdad and Erbil will meet again after a week of clashes over oil exports.">
<meta property="article:published_time" content="2024-03-24T14:05:00+03:00">
<meta property="article:section" content="World">
<meta property="article:tag" content="Iraq">
<meta property="article:tag" content="Oil">
<script type="application/ld+json">
{"@context": "https://schema.org", "@type": "NewsArticle",
 "headline": "Iraq says talks with Kurdish region to resume next week",
 "datePublished": "2024-03-24T14:05:00+03:00",
 "author": [{"@type": "Person", "name": "Jane Doe"}, {"@type": "Person", "name": "Ali Hassan"}],
 "publisher": {"@type": "Organization", "name": "Example News"}}
</script>
</head>
<body>
<div id="cookie-banner" class="cookie-consent">We use cookies to improve your experience. By continuing you accept our
cookie policy. <button>Accept all cookies</button> <button>Manage preferences</button></div>
<header class="site-header"><nav class="main-nav"><ul>
<li><a href="/">Home</a></li><li><a href="/world">World</a></li><li><a href="/business">Business</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/subscribe">Subscribe now for 1 dollar</a></li></ul></nav></header>
<main>
<article>
<h1>Iraq says talks with Kurdish region to resume next week</h1>
<p class="byline">By Jane Doe and Ali Hassan</p>
<p>BAGHDAD, March 24 (Reuters) - Iraq's federal government said on Sunday that talks with the Kurdistan Regional
Government over oil exports would resume next week, after a week of clashes near Kirkuk left at least 12 people dead.</p>
<p>"We are committed to dialogue," government spokesman Basim al-Awadi told reporters in Baghdad, adding that a
delegation led by the oil minister would travel to Erbil on Tuesday.</p>
<p>Exports through the Iraq-Turkey pipeline have been halted since last March, costing the country an estimated
$1 billion a month, according to industry estimates cited by the oil ministry.</p>
<p>The Kurdish regional government did not immediately respond to a request for comment on Sunday evening.</p>
<p>(Reporting by Jane Doe and Ali Hassan; Additional reporting by Omar Said in Erbil; Writing by John Roe;
Editing by Mark Potter)</p>
</article>
<aside class="related"><h2>Related stories</h2><ul>
<li><a href="/world/kirkuk-clashes">Clashes near Kirkuk kill 12 as tensions with Erbil rise</a></li>
<li><a href="/business/oil-prices">Oil prices climb on supply worries in the Gulf region</a></li>
</ul></aside>
<div class="newsletter">Sign up for our daily briefing newsletter and never miss a story again.</div>
</main>
<footer><p>Copyright 2024 Example News Ltd. All rights reserved.</p>
<a href="/privacy">Privacy policy</a> <a href="/terms">Terms of use</a></footer>
</body>
</html>
"""

# A blog-style page: no metadata dates, Latin-1 bytes declared in a meta tag,
# author only in the feed item.
BLOG_PAGE = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">
<title>Caf\u00e9 owners fight new rules</title></head>
<body><div class="menu"><a href="/">Start</a> | <a href="/archive">Archive</a> | <a href="/about">About us</a></div>
<div class="post"><h2>Caf\u00e9 owners fight new rules</h2>
<p>Owners of small caf\u00e9s in the old town say the new opening-hours rules will cost them most of their evening
trade, and they have asked the council to reconsider before the summer season begins in earnest.</p>
<p>The council will debate the petition, which gathered more than 3,000 signatures, at its meeting next month,
according to the na\u00efve hope of organisers who collected them door to door over six weeks.</p>
<p>Residents who complained about noise say the rules strike a fair balance between business and sleep.</p>
</div>
<div class="sidebar"><h3>Popular posts</h3><a href="/p1">Ten best coffee shops</a> <a href="/p2">Parking chaos</a></div>
</body></html>
"""

NAV_ONLY_PAGE = """<html><head><title>Home</title></head><body>
<nav><a href="/">Home</a> <a href="/a">A</a> <a href="/b">B</a></nav>
<footer>Copyright</footer></body></html>"""


def make_page(
    html: str | bytes,
    *,
    url: str = "https://www.example-news.com/world/iraq-talks-resume-2024-03-24/?utm_source=rss&utm_medium=feed",
    content_type: str | None = "text/html; charset=utf-8",
    encoding: str = "utf-8",
    item: FeedItem | None = None,
) -> FetchedPage:
    body = html if isinstance(html, bytes) else html.encode(encoding)
    item = item or FeedItem(
        feed_url="https://www.example-news.com/rss/world.xml",
        link=url,
        feed_title="Example News - World",
        guid="urn:example:123",
        title="Iraq talks to resume",
        published=datetime(2024, 3, 24, 11, 30, tzinfo=timezone.utc),
        summary="<p>Talks between <b>Baghdad</b> &amp; Erbil resume.</p>",
        author="Feed Author",
        categories=("Middle East",),
        feed_tags=("world",),
    )
    return FetchedPage(item=item, url=url, status=200, content_type=content_type, body=body, fetched_at=FETCHED_AT)
