"""End to end on a real runner: outlets carrying one wire story become one story, across runs."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from bench.stories_pairs import Article
from pipeline.cli import main
from tests.stories.outlets import Outlet, Outlets, base, copies

from pipeline.report import CURRENT_STORIES_SQL  # the README's query: the newest row per story is its current view


def run(feeds: Path, out: Path, run_id: str) -> dict:
    code = main(["run", "--feeds", str(feeds), "--output", str(out), "--run-id", run_id, "--no-enrich",
                 "--allow-hosts", "127.0.0.1/32", "--per-host-delay", "0", "--direct_num_workers", "1",
                 "--direct_running_mode", "in_memory"])
    assert code == 0
    return json.loads((out / "runs" / f"{run_id}.json").read_text())


def plain(story) -> Article:
    return Article(story.title, "\n".join(story.paragraphs))


@pytest.mark.slow
def test_five_outlets_make_one_story_boilerplate_does_not_merge_and_a_sixth_joins_next_run(tmp_path, capsys):
    quake = base("quake-malatya")
    five = copies(quake, ["headline", "trim", "credit", "insert", "furniture"])
    sixth = copies(quake, ["extend", "quotes"], seed=8)[1]
    outlets = [Outlet(f"Outlet {n}") for n in range(6)]
    for outlet, article in zip(outlets, five):
        outlet.articles["/world/quake.html"] = article
    outlets[5].articles["/world/quake.html"] = sixth
    # two different elections whose copies end in the same long agency blurb
    outlets[0].articles["/world/portugal.html"] = plain(base("election-portugal"))
    outlets[1].articles["/world/malawi.html"] = plain(base("election-malawi"))
    out = tmp_path / "out"
    with Outlets(outlets) as served:
        feeds = tmp_path / "feeds.txt"
        feeds.write_text("\n".join(served.feed_urls[:5]) + "\n")
        first = run(feeds, out, "run1")
        # before the second run, Outlet 0 re-issues the story, updated, at a new address, and
        # Outlet 1 revises its copy at the same address (its feed says so), rewritten past matching
        outlets[0].articles["/world/quake-update.html"] = copies(quake, ["version"], seed=9)[0]
        outlets[1].articles["/world/quake.html"] = replace(plain(base("flood-rhine")), title="Quake: live page")
        outlets[1].updated["/world/quake.html"] = "2025-03-24T16:00:00Z"
        feeds.write_text("\n".join(served.feed_urls) + "\n")
        second = run(feeds, out, "run2")

    con = duckdb.connect()
    rows = con.execute(f"SELECT item_link, story_id, source, run_id, version "
                       f"FROM read_parquet('{out}/articles/*/*.parquet') ORDER BY run_id, source, item_link").fetchall()
    quake_ids = {story for link, story, *_ in rows if "/quake" in link}
    election_ids = {story for link, story, *_ in rows if "/quake" not in link}
    assert len(rows) == 10 and len(quake_ids) == 1 and len(election_ids) == 2
    assert quake_ids.isdisjoint(election_ids)
    (quake_id,) = quake_ids

    assert first["counters"]["stories_new"] == 3 and first["counters"]["stories_updated"] == 0
    assert second["counters"]["stories_new"] == 0 and second["counters"]["stories_updated"] == 1
    assert [r[3] for r in rows if r[2] == "Outlet 5"] == ["run2"]  # the sixth copy came in the second run
    versions = {(source, link.rsplit("/", 1)[1], run): version for link, _story, source, run, version in rows}
    assert versions[("Outlet 0", "quake-update.html", "run2")] == 2  # the same outlet re-issued the story
    # the revision at the same address is a new row, version 2, in the same story; the first row stays
    assert versions[("Outlet 1", "quake.html", "run1")] == 1 and versions[("Outlet 1", "quake.html", "run2")] == 2
    revised = [key for key in versions if key[0] == "Outlet 1" and key[1] == "quake.html"]
    assert {v for key, v in versions.items() if key != ("Outlet 0", "quake-update.html", "run2")
            and key not in revised} == {1}
    revision_rows = con.execute(f"SELECT article_id, strftime(item_updated, '%H:%M') FROM read_parquet("
                                f"'{out}/articles/*/*.parquet') WHERE source = 'Outlet 1' AND item_link LIKE '%/quake.html' "
                                f"ORDER BY run_id").fetchall()
    assert len({a for a, _ in revision_rows}) == 1  # one article (canonical URL), two versions
    assert [when for _, when in revision_rows] == [None, "16:00"]  # the second says when the feed revised it

    current = con.execute(CURRENT_STORIES_SQL.format(folder=f"{out}/stories")).fetch_df()
    assert len(current) == 3
    story = current[current.story_id == quake_id].iloc[0]
    assert story.n_sources == 6 and sorted(story.sources) == [f"Outlet {n}" for n in range(6)]
    assert story.n_articles == 7 and story.run_id == "run2"  # seven articles, one of them in two versions
    history = con.execute(f"SELECT run_id, n_sources FROM read_parquet('{out}/stories/*/*.parquet') "
                          f"WHERE story_id = '{quake_id}' ORDER BY run_id").fetchall()
    assert history == [("run1", 5), ("run2", 6)]  # append-only: the first run's row is still there

    capsys.readouterr()
    assert main(["stories", "--output", str(out)]) == 0
    table = capsys.readouterr().out.splitlines()
    assert len(table) == 4 and any(line.split()[2] == "6" for line in table[1:])  # first seen, sources, ...
