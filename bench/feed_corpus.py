"""Feeds that feedparser reads but the feed stage refuses, over a corpus of feed documents.

    .venv/bin/python bench/feed_corpus.py PATH [--show 20]

PATH is a folder searched for *.xml, *.rdf, *.rss and *.atom files, e.g. the
tests/ folder of feedparser's sdist (2,000-odd documents of every kind:
RSS 0.9x/1.0/2.0, Atom 0.3/1.0, CDF, DOCTYPEs, entities, encodings, namespaces):

    pip download --no-deps --no-binary :all: feedparser==6.0.11 -d /tmp/fp
    tar xzf /tmp/fp/feedparser-6.0.11.tar.gz -C /tmp/fp
    .venv/bin/python bench/feed_corpus.py /tmp/fp/feedparser-6.0.11/tests

Each document is given to feedparser alone and to the feed stage's
parse_feed, with the content type its "Header: Content-type:" comment names
(feedparser's test server serves it so). A document counts as readable when
feedparser finds at least one entry with a link; the stage must refuse none of
those. Exits 1 when it refuses any, 0 otherwise (and when PATH is absent).
"""

from __future__ import annotations

import argparse
import re
import sys
import warnings
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import feedparser

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.feeds.parse import parse_feed  # noqa: E402
from pipeline.records import StageError  # noqa: E402

SUFFIXES = (".xml", ".rdf", ".rss", ".atom")
_CONTENT_TYPE = re.compile(rb"^Header:\s*Content-type:\s*(.+?)\s*$", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class Outcome:
    read: bool  # feedparser found a feed: a version or entries
    linked_entries: int  # feedparser's entries with a link
    items: int  # the feed stage's items (links checked and de-duplicated)
    refused: str | None  # the stage's "error_type: message", if it refused the document


def content_type_of(body: bytes) -> str | None:
    """The content type feedparser's test server would send for this document."""
    match = _CONTENT_TYPE.search(body[:4096])
    return match.group(1).decode("latin-1") if match else None


def compare(body: bytes, feed_url: str) -> Outcome:
    """Read one document with feedparser alone and with the feed stage."""
    content_type = content_type_of(body)
    headers = {"content-type": content_type} if content_type else {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = feedparser.parse(body, response_headers=headers, sanitize_html=False, resolve_relative_uris=False)
    entries = result.get("entries") or []
    read = bool(result.get("version") or entries)
    linked = sum(1 for entry in entries if (entry.get("link") or "").strip())
    try:
        parsed = parse_feed(body, feed_url, content_type)
    except StageError as error:
        return Outcome(read, linked, 0, f"{error.error_type}: {error.message}")
    return Outcome(read, linked, len(parsed.items), None)


def documents(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file() and path.suffix.lower() in SUFFIXES)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, help="folder of feed documents (e.g. feedparser's sdist tests/)")
    parser.add_argument("--show", type=int, default=20, help="refused documents to list")
    args = parser.parse_args(argv)
    if not args.path.is_dir():
        print(f"no corpus at {args.path}; nothing to do (see this script's docstring for how to get one)")
        return 0

    outcomes = {path: compare(path.read_bytes(), f"http://corpus.example/{path.relative_to(args.path).as_posix()}")
                for path in documents(args.path)}
    readable = {path: o for path, o in outcomes.items() if o.linked_entries}
    lost = {path: o for path, o in readable.items() if o.refused}
    read = {path: o for path, o in outcomes.items() if o.read}
    read_refused = {path: o for path, o in read.items() if o.refused and path not in lost}
    refused_by_type = Counter(o.refused.split(":", 1)[0] for o in outcomes.values() if o.refused)

    print(f"documents: {len(outcomes)}")
    print(f"feedparser reads with linked entries: {len(readable)} ({sum(o.linked_entries for o in readable.values())} entries)")
    print(f"  of those, refused by the feed stage: {len(lost)}")
    print(f"  items the feed stage kept from them: {sum(o.items for o in readable.values())}")
    print(f"feedparser reads as a feed (a version or entries): {len(read)}; refused by the feed stage: "
          f"{len(read_refused) + len(lost)}")
    print(f"refused by the feed stage, all documents: {sum(refused_by_type.values())} {dict(sorted(refused_by_type.items()))}")
    for path, outcome in list(lost.items())[: args.show]:
        print(f"  LOST {path.relative_to(args.path)}: {outcome.refused[:160]}")
    for path, outcome in list(read_refused.items())[: args.show]:
        print(f"  refused, no linked entries: {path.relative_to(args.path)}: {outcome.refused[:160]}")
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
