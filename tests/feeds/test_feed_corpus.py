"""feedparser's kinds of documents through the feed stage: no feed feedparser reads with linked entries is refused.

tests/feeds/data/feeds holds one small document per kind (RSS 0.90-2.0, RSS 1.0,
Atom 0.3/1.0, CDF, DOCTYPEs, entities, encodings, namespaces); bench/feed_corpus.py
runs the same comparison over a whole corpus such as feedparser's own tests/.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.feed_corpus import compare, documents, main

FEEDS = Path(__file__).parent / "data" / "feeds"


@pytest.mark.parametrize("path", documents(FEEDS), ids=lambda path: path.name)
def test_every_item_feedparser_reads_lands(path: Path):
    outcome = compare(path.read_bytes(), f"https://served.example/{path.name}")
    assert outcome.linked_entries == 2  # the document is a readable feed of its kind
    assert (outcome.refused, outcome.items) == (None, outcome.linked_entries)


def test_the_data_set_covers_feedparser_s_kinds():
    names = {path.name for path in documents(FEEDS)}
    assert len(names) >= 30
    for kind in ("rss090", "rss091", "rss092", "rss094", "rss10", "rss20", "atom03", "atom10", "cdf", "doctype", "encoding", "entities"):
        assert any(name.startswith(kind) for name in names), kind


def test_bench_over_the_data_set_and_over_no_corpus(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    assert main([str(FEEDS)]) == 0
    assert "of those, refused by the feed stage: 0" in capsys.readouterr().out
    assert main([str(tmp_path / "absent")]) == 0
    assert "no corpus at" in capsys.readouterr().out
