"""The demo corpus's feeds, one format per site (RSS 2.0, Atom 1.0, RSS 1.0, RSS 0.92), and
the feed lists (OPML, YAML, text) that name them."""

from __future__ import annotations

import html
from datetime import timedelta
from email.utils import format_datetime
from typing import Any, Callable

import yaml

from pipeline.sample.sites import (
    CORPUS_TIME,
    SITES,
    Site,
    esc,
    feed_link,
    iso_z,
    origin,
    parse_iso,
    site_stories,
    url_of,
    utc,
)
from pipeline.sample.stories import Story, load_stories


def xml_text(text: str) -> str:
    return html.escape(text, quote=False)


def rfc822(value: str, zone_name: str | None = None) -> str:
    """RFC 822 date as feeds write it; zone_name (GMT, EDT...) replaces the numeric offset."""
    dt = parse_iso(value)
    text = format_datetime(dt, usegmt=False)
    if dt.utcoffset() == timedelta(0) and zone_name is None:
        return text[:-5] + "GMT"
    return text[:-5] + zone_name if zone_name else text


def rss20_feed(site: Site) -> str:
    items = []
    entries: list[tuple[str, dict[str, Any]]] = [(s.slug, {"story": s}) for s in site_stories(site.key)]
    gone = load_stories().gone
    if gone["site"] == site.key:  # the feed still lists the removed page
        entries.insert(gone["feed_position"], ("gone", {"gone": gone}))
    for _, entry in entries:
        if "story" in entry:
            s: Story = entry["story"]
            title, link, guid, summary = s.title, feed_link(s), f"meridianwire:{s.slug}", s.summary
            pub = rfc822(s.published, s.feed_zone_name)
            authors, categories = s.authors, s.categories
        else:
            g = entry["gone"]
            title, link, guid, summary = g["title"], origin(g["site"]) + g["path"], g["guid"], g["summary"]
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
