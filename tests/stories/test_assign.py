"""Story assignment (pure), the story index, merged story rows, and the DoFn around them."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pyarrow as pa
import pyarrow.parquet as pq
from apache_beam.transforms.window import GlobalWindow

from bench.stories_pairs import Article
from pipeline.stories.assign import assign_stories, group_copies, story_id_for
from pipeline.stories.fingerprint import signature, to_bytes
from pipeline.stories.index import StoreStoryView, build_index, recorded_files, window_dates
from pipeline.stories.merge import merged_counts, report_of, story_row
from pipeline.stories.schema import STORY_SCHEMA, STORY_STATE_SCHEMA
from pipeline.stories.transforms import AssignStoriesFn
from tests.stories.outlets import base, copies

T0 = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)


def text(article: Article) -> str:
    return article.text


def claim(article_id: str, body: str, *, minutes: int = 0, source: str = "S", counts=(), run_id: str = "r1") -> dict:
    return {
        "article_id": article_id, "fetched_at": T0 + timedelta(minutes=minutes), "published_at": T0,
        "source": source, "title": f"title {article_id}", "language": "en", "word_count": len(body.split()),
        "story_signature": to_bytes(signature(body)), "event_counts": list(counts), "story_top_entities": [],
        "run_id": run_id,
    }


def test_copies_group_together_and_stories_sharing_boilerplate_do_not():
    quake = [text(a) for a in copies(base("quake-malatya"), ["headline", "trim", "credit", "insert", "furniture"])]
    elections = [" ".join(base(i).paragraphs) for i in ("election-portugal", "election-malawi")]
    groups = group_copies([signature(t) for t in quake + elections])
    assert groups == [[0, 1, 2, 3, 4], [5], [6]]


def test_a_copy_joins_the_recorded_story_and_a_new_one_is_named_after_its_earliest_copy():
    quake = copies(base("quake-malatya"), ["headline", "extend"])
    recorded = [report_of(claim("old", text(quake[0]), minutes=-600), "st-quake", T0 - timedelta(hours=10))]
    index = build_index(recorded)
    news = [claim("new-copy", text(quake[1])), claim("b", " ".join(base("election-malawi").paragraphs), minutes=5),
            claim("a", " ".join(base("election-malawi").paragraphs), minutes=1)]
    out = assign_stories(news, [signature(text(quake[1]))] + [signature(" ".join(base("election-malawi").paragraphs))] * 2,
                         index)
    assert out[0].story_id == "st-quake" and not out[0].new_story and out[0].first_seen == T0 - timedelta(hours=10)
    assert out[1] == out[2] and out[1].new_story and out[1].story_id == story_id_for("a")  # earliest fetched
    assert out[1].first_seen == T0 + timedelta(minutes=1)


def test_a_new_version_of_a_recorded_article_stays_in_its_story_whatever_its_text_matches():
    quake, malawi = text(copies(base("quake-malatya"), ["headline"])[0]), " ".join(base("election-malawi").paragraphs)
    index = build_index([report_of(claim("page", quake, minutes=-600), "st-quake", T0 - timedelta(hours=10)),
                         report_of(claim("other", malawi, minutes=-60), "st-malawi", T0 - timedelta(hours=1))])
    # the page at the same canonical URL was rewritten into text that matches another story
    (out,) = assign_stories([claim("page", malawi)], [signature(malawi)], index)
    assert out.story_id == "st-quake" and not out.new_story


def test_each_version_of_an_article_is_a_report_of_its_own():
    killed = {"category": "killed", "high": None, "approximate": False}
    first = report_of(claim("page", "x", counts=[{**killed, "low": 9}]), "st", T0)
    revised = report_of(claim("page", "x", minutes=300, counts=[{**killed, "low": 14}], run_id="r2"), "st", T0)
    row = story_row("st", [first, revised, revised], "r2")  # a report read twice counts once
    assert row["article_ids"] == ["page"] and row["n_articles"] == 1
    (count,) = row["event_counts"]
    assert (count["low"], count["min_reported"], count["max_reported"], count["n_reports"]) == (14, 9, 14, 2)


def test_merged_counts_keep_the_latest_figure_and_the_spread():
    reports = [
        {"article_id": "a", "published_at": T0, "fetched_at": T0,
         "event_counts": [{"category": "killed", "low": 90, "high": None, "approximate": False}]},
        {"article_id": "b", "published_at": T0 + timedelta(hours=5), "fetched_at": T0 + timedelta(hours=5),
         "event_counts": [{"category": "killed", "low": 137, "high": 137, "approximate": False},
                          {"category": "displaced", "low": 2500, "high": 2500, "approximate": True}]},
        {"article_id": "c", "published_at": T0 + timedelta(hours=1), "fetched_at": T0 + timedelta(hours=6),
         "event_counts": [{"category": "killed", "low": 100, "high": 120, "approximate": True}]},
        {"article_id": "d", "published_at": T0 + timedelta(hours=2), "fetched_at": T0, "event_counts": []},
    ]
    reports.append({"article_id": "e", "published_at": T0 - timedelta(hours=1), "fetched_at": T0,
                    "event_counts": [{"category": "killed", "low": None, "high": 150, "approximate": True},
                                     {"category": "missing", "low": None, "high": 20, "approximate": True}]})
    merged = {m["category"]: m for m in merged_counts(reports)}
    assert merged["missing"]["min_reported"] is None and merged["missing"]["max_reported"] == 20  # "up to 20"
    assert merged["killed"]["max_reported"] == 150 and merged["killed"]["n_reports"] == 4
    merged["killed"].update(max_reported=137, n_reports=3)
    assert merged["killed"] == {"category": "killed", "low": 137, "high": 137, "approximate": False,
                                "min_reported": 90, "max_reported": 137, "n_reports": 3, "latest_article_id": "b"}
    assert merged["displaced"]["n_reports"] == 1


def test_story_row_fits_the_schema_and_orders_copies_by_when_they_were_seen():
    body = " ".join(base("quake-malatya").paragraphs)
    reports = [report_of(claim(i, body, minutes=m, source=s), "st-x", T0) for i, m, s in
               (("b", 5, "Two"), ("a", 0, "One"), ("c", 9, "One"))]
    row = story_row("st-x", reports, "r1")
    assert row["article_ids"] == ["a", "b", "c"] and row["sources"] == ["One", "Two"] and row["n_sources"] == 2
    assert row["representative_article_id"] == "a" and row["last_seen"] == T0 + timedelta(minutes=9)
    pa.Table.from_pylist([row], schema=STORY_SCHEMA)  # raises if a column does not fit


def write_records(root, run_id: str, day: str, reports: list[dict]) -> None:
    folder = root / "stories" / f"date={day}"
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(reports, schema=STORY_STATE_SCHEMA), folder / f"{run_id}-0.parquet")


def test_only_finished_runs_records_within_the_window_are_read(tmp_path):
    body = " ".join(base("quake-malatya").paragraphs)
    root = tmp_path / "state"
    (tmp_path / "runs").mkdir()
    (tmp_path / "runs" / "done.json").write_text(json.dumps({"run_id": "done"}))
    now = datetime.now(timezone.utc)
    fresh = report_of(claim("fresh", body), "st-fresh", now - timedelta(days=1))
    stale = report_of(claim("stale", body), "st-stale", now - timedelta(days=30))
    write_records(root, "done", (now - timedelta(days=1)).date().isoformat(), [fresh])
    write_records(root, "done", (now - timedelta(days=30)).date().isoformat(), [stale])
    write_records(root, "killed", now.date().isoformat(), [report_of(claim("k", body), "st-k", now)])
    dates = window_dates(now, timedelta(days=7))
    assert len(recorded_files(str(root), {"done"}, dates)) == 1
    index = StoreStoryView(str(tmp_path), str(root), timedelta(days=7)).refresh(now)
    assert index.story_ids == ["st-fresh"] and [r["article_id"] for r in index.reports_of("st-fresh")] == ["fresh"]


def test_the_story_window_reaches_back_from_the_runs_newest_copy_so_a_backfill_finds_old_stories(tmp_path):
    quake = [text(a) for a in copies(base("quake-malatya"), ["headline", "trim"])]
    root, year_ago = tmp_path / "state", T0 - timedelta(days=365)
    (tmp_path / "runs").mkdir()
    (tmp_path / "runs" / "old.json").write_text(json.dumps({"run_id": "old"}))
    old = claim("first", quake[0], run_id="old")
    old["fetched_at"] = year_ago
    write_records(root, "old", year_ago.date().isoformat(), [report_of(old, "st-old", year_ago)])
    fn = AssignStoriesFn(str(tmp_path), str(root), "backfill", timedelta(days=7).total_seconds())
    fn.setup()
    archived = claim("second", quake[1], run_id="backfill")
    archived["fetched_at"] = year_ago + timedelta(hours=5)  # a copy archived that day, read today
    (out,) = [o for o in fn.process((None, [archived]), window=GlobalWindow()) if not hasattr(o, "tag")]
    assert out["story_id"] == "st-old"


def test_assign_dofn_tags_records_stories_and_facts(tmp_path):
    quake = [text(a) for a in copies(base("quake-malatya"), ["headline", "trim"])]
    fn = AssignStoriesFn(str(tmp_path), str(tmp_path / "state"), "r1", timedelta(days=7).total_seconds())
    fn.setup()
    outputs = list(fn.process((None, [claim("x", quake[0]), claim("y", quake[1], minutes=3, source="T")]),
                              window=GlobalWindow()))
    claims = [o for o in outputs if not hasattr(o, "tag")]
    tagged = {}
    for o in outputs:
        if hasattr(o, "tag"):
            tagged.setdefault(o.tag, []).append(o.value)
    assert {c["story_id"] for c in claims} == {story_id_for("x")}
    assert len(tagged["records"]) == 2 and tagged["facts"] == [("stories_new", "")]
    (story,) = tagged["stories"]
    assert story["n_sources"] == 2 and story["run_id"] == "r1"
    pa.Table.from_pylist(tagged["records"], schema=STORY_STATE_SCHEMA)


class _State:
    """What a ReadModifyWriteState gives a DoFn: read() and write()."""

    def __init__(self) -> None:
        self.value = None

    def read(self):
        return self.value

    def write(self, value) -> None:
        self.value = value


def test_streaming_carries_a_windows_records_until_the_store_has_them(tmp_path):
    """A copy in the next window joins the story even though the first window's run has not finished
    writing (its records are not in the store yet); once the store has them, the state lets them go."""
    from apache_beam.transforms.window import IntervalWindow, TimestampedValue

    from pipeline.stories.transforms import CarryRecentStoriesFn, still_recent

    quake = [text(a) for a in copies(base("quake-malatya"), ["headline", "trim"])]
    fn = CarryRecentStoriesFn(str(tmp_path), str(tmp_path / "state"), "live", timedelta(days=7).total_seconds())
    fn.setup()
    state = _State()
    start = T0.timestamp()
    windows = [IntervalWindow(start, start + 60), IntervalWindow(start + 60, start + 120)]
    outputs = []
    for window, claims in zip(windows, ([claim("x", quake[0], run_id="live-w1")],
                                        [claim("y", quake[1], minutes=1, source="T", run_id="live-w2")])):
        outputs.append(list(fn.process(("stories", (window, claims)), recent_state=state)))
    story_ids = [[o.value["story_id"] for o in out if not hasattr(o, "tag")] for out in outputs]
    assert story_ids == [[story_id_for("x")], [story_id_for("x")]]
    assert all(isinstance(o if not hasattr(o, "tag") else o.value, TimestampedValue) for out in outputs for o in out)
    assert outputs[1][0].timestamp == windows[1].max_timestamp()  # goes back into its own window
    assert [r["article_id"] for r in state.value] == ["x", "y"]
    assert still_recent(state.value, {"other"}, T0 - timedelta(days=1)) == state.value
    assert [r["article_id"] for r in still_recent(state.value, {"live-w1"}, T0 - timedelta(days=1))] == ["y"]
    assert still_recent(state.value, set(), T0 + timedelta(days=1)) == []  # past the story window


def test_signatures_parse_in_bulk_and_other_versions_are_left_out():
    from pipeline.stories.fingerprint import from_bytes
    from pipeline.stories.index import parse_signatures

    good = [to_bytes(signature(" ".join(base(i).paragraphs))) for i in ("quake-malatya", "election-malawi")]
    other_version = bytes([99]) + good[0][1:]
    lead, body, sizes, usable = parse_signatures(pa.chunked_array([pa.array([good[0], other_version, b"short"]),
                                                                   pa.array([good[1]])]))
    assert usable.tolist() == [True, False, False, True]
    for row, blob in enumerate((good[0], good[1])):
        sig = from_bytes(blob)
        assert (lead[row] == sig.lead).all() and (body[row] == sig.body).all()
        assert tuple(sizes[row]) == (sig.n_lead, sig.n_body)


def test_versions_count_the_same_outlets_earlier_copies_of_the_story():
    from pipeline.stories.transforms import versions

    def report(article_id: str, source: str, hours: int) -> dict:
        return {"article_id": article_id, "source": source, "published_at": T0 + timedelta(hours=hours),
                "fetched_at": T0 + timedelta(hours=hours)}

    recorded = [report("a1", "A", 0), report("b1", "B", 1)]
    new = [report("a3", "A", 5), report("c1", "C", 2), report("a2", "A", 3)]
    assert versions(recorded, new) == [3, 1, 2]
    assert versions([], [report("x", "X", 0)]) == [1]


def test_a_streaming_view_reads_only_new_files_and_drops_records_past_the_window(tmp_path, monkeypatch):
    from pipeline.stories import index as index_module

    body = " ".join(base("quake-malatya").paragraphs)
    root = tmp_path / "state"
    (tmp_path / "runs").mkdir()
    now = datetime.now(timezone.utc)
    view = StoreStoryView(str(tmp_path), str(root), timedelta(days=7))
    (tmp_path / "runs" / "w1.json").write_text("{}")
    write_records(root, "w1", now.date().isoformat(), [report_of(claim("old", body), "st-old", now - timedelta(days=6))])
    assert view.as_of(1, now=now).story_ids == ["st-old"]

    opened = []
    real_open = index_module.FileSystems.open
    monkeypatch.setattr(index_module.FileSystems, "open", lambda path, *a, **k: opened.append(path) or real_open(path))
    (tmp_path / "runs" / "w2.json").write_text("{}")
    write_records(root, "w2", now.date().isoformat(), [report_of(claim("new", body), "st-new", now)])
    later = now + timedelta(days=2)  # the first story is now past the 7-day window
    index = view.as_of(2, now=later)
    assert index.story_ids == ["st-new"] and index.raw.shape == (1, len(to_bytes(signature(body))))
    assert {p.rsplit("/", 1)[-1] for p in opened} == {"w2-0.parquet"}  # w1's file was not read again
    assert view.as_of(2, now=later) is index  # same window: no refresh
