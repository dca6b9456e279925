"""The bundled sample as a WARC file: `pipeline/sample/data/sample.warc.gz`.

    python -m pipeline.warc.sample            # (re)writes it; `make sample-warc` does the same

The sample sites' article pages, each captured (request and response records)
half an hour after its Last-Modified time, at `https://<site>.example`; with
what a real crawl also holds, for the reader to skip: robots.txt and feeds (not
HTML), a revisit record (a page captured again, unchanged) and a redirect.
The same pages always give the same bytes (tests/warc/test_sample_archive.py).
"""

from __future__ import annotations

import argparse
from datetime import datetime, timedelta, timezone
from pathlib import Path

from pipeline.sample.corpus import load_manifest, read_data, substitute
from pipeline.warc.write import Capture, write_warc

SAMPLE_ARCHIVE = Path(__file__).resolve().parents[1] / "sample" / "data" / "sample.warc.gz"
CAPTURE_DELAY = timedelta(minutes=30)
CREATED = datetime(2025, 3, 26, tzinfo=timezone.utc)


def sample_origins() -> dict[str, str]:
    return {site: f"https://{site}.example" for site in load_manifest()["sites"]}


def _last_modified(route: dict) -> datetime:
    return datetime.fromisoformat(route["last_modified"].replace("Z", "+00:00"))


def sample_captures() -> list[Capture]:
    """Every capture of the sample archive, in capture order."""
    origins = sample_origins()
    captures: list[Capture] = []
    pages: list[Capture] = []
    for site, routes in sorted(load_manifest()["routes"].items()):
        for path, route in sorted(routes.items()):
            url = origins[site] + path
            at = _last_modified(route) + CAPTURE_DELAY
            body = substitute(read_data(route["file"]), origins)
            if "/pages/" in route["file"]:
                pages.append(Capture(url, body, at, route["content_type"]))
                captures.append(Capture(url, b"", at - timedelta(seconds=1), record_type="request"))
                captures.append(pages[-1])
            elif path == "/robots.txt" or not route["content_type"].startswith("text/html"):
                captures.append(Capture(url, body, at, route["content_type"]))  # robots.txt, feeds: not HTML
    first = min(pages, key=lambda page: page.captured_at)
    captures.append(Capture(first.url, b"", first.captured_at + timedelta(days=1), first.content_type,
                            record_type="revisit"))
    captures.append(Capture(first.url.replace("https://", "http://"), b"", first.captured_at - timedelta(seconds=2),
                            None, status=301, headers=(("Location", first.url),)))
    return sorted(captures, key=lambda capture: (capture.captured_at, capture.url, capture.record_type))


def write_sample_archive(path: Path = SAMPLE_ARCHIVE) -> int:
    with open(path, "wb") as stream:
        return write_warc(stream, sample_captures(), software="wirebeam sample", created=CREATED)


def main() -> None:
    parser = argparse.ArgumentParser(description="write the bundled sample as a WARC file")
    parser.add_argument("--output", type=Path, default=SAMPLE_ARCHIVE)
    args = parser.parse_args()
    count = write_sample_archive(args.output)
    print(f"wrote {count} records to {args.output}")


if __name__ == "__main__":
    main()
