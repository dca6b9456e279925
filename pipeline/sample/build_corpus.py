"""Render the demo corpus from `data/source/` into `data/` (run once; output is committed).

    python -m pipeline.sample.build_corpus            # rewrite the generated files of pipeline/sample/data/
    python -m pipeline.sample.build_corpus --check    # exit 1 if they are stale

The stories are read by `stories.py`; pages come from `pages.py`, feeds and feed lists
from `feeds.py`. Each site's origin is written as a token (``{{SITE_WIRE}}``...) that
`server.py` replaces at serve time, because ports are only known then.
`data/manifest.json` maps every served path to its file, Content-Type and Last-Modified;
`data/expected.json` is what tests may assert about the corpus. Only the files in
`GENERATED` are this script's: `data/source/` is its input and `data/sample.warc.gz` is
written by `python -m pipeline.warc.sample`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable

from pipeline.sample.feeds import FEED_RENDERERS, opml_list, txt_list, yaml_list
from pipeline.sample.pages import RENDERERS, render_home, render_private, render_robots
from pipeline.sample.sites import (
    CORPUS_TIME,
    FEED_LIST_PATHS,
    FEED_LIST_TYPES,
    LIST_SITE,
    PRIVATE_PATH,
    SITES,
    canonical_of,
    feed_link,
    iso_z,
    origin,
    parse_iso,
    site_stories,
    url_of,
    utc,
)
from pipeline.sample.stories import Story, load_stories

DATA_DIR = Path(__file__).resolve().parent / "data"
GENERATED = ("sites", "lists", "manifest.json", "expected.json")  # what build() writes under data/
CORPUS_VERSION = 1


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


def syndication_record(original: Story, copy: Story) -> dict[str, Any]:
    return {"original": {"site": original.site, "path": original.path},
            "copy": {"site": copy.site, "path": copy.path},
            "copy_canonical": canonical_of(copy)}


def expected_json(manifest: dict[str, Any]) -> dict[str, Any]:
    corpus = load_stories()
    gone = corpus.gone
    feeds = []
    for site in SITES.values():
        links = [feed_link(s) for s in site_stories(site.key)]
        if site.key == gone["site"]:
            links.insert(gone["feed_position"], origin(gone["site"]) + gone["path"])
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
        "articles": [article_record(s) for s in corpus.stories],
        "failures": [{"site": gone["site"], "path": gone["path"], "title": gone["title"],
                      "status": 404, "stage": "page", "error_type": "http_error"}],
        "syndicated": [syndication_record(corpus.story(s.canonical), s) for s in corpus.stories if s.canonical],
        # pages that tell one story (one story_id): copies on other sites, an outlet's re-issue
        "same_story": [{"kind": kind, "articles": [s.slug for s in group]} for kind, group in corpus.same_story],
        "robots": {"disallowed_prefix": "/private/", "disallowed_example": PRIVATE_PATH},
        "dates_utc": sorted({utc(s.published).date().isoformat() for s in corpus.stories}),
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

    for story in load_stories().stories:
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
    """The generated files under root (GENERATED), by relative path."""
    files = [p for name in GENERATED for p in [root / name, *sorted((root / name).rglob("*"))]]
    return {str(p.relative_to(root)): p.read_bytes() for p in files if p.is_file()}


def replace_generated(built: Path, out: Path) -> None:
    """Swap out's generated files for the built ones, leaving the rest of out (the sources) alone."""
    out.mkdir(parents=True, exist_ok=True)
    for name in GENERATED:
        target = out / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
        source = built / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, target)


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
        replace_generated(Path(tmp), args.out)
    print(f"wrote {len(tree_bytes(args.out))} files to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
