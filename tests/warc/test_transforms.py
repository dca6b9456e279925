"""Reading whole WARC files: the DoFn called directly, then ReadArchives in a real pipeline."""

from __future__ import annotations

import gzip

import apache_beam as beam
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from pipeline.warc.ledger import NOT_WARC, READ
from pipeline.warc.page import ArchivedPage
from pipeline.warc.records import RecordFilter
from pipeline.warc.sources import is_path_list, join_base, list_warc_files, paths_in_list
from pipeline.warc.transforms import KeepLanguages, ReadArchives, ReadWarcFileFn, ledger_facts
from tests.warc.archives import page, records, write

EVERYTHING = RecordFilter()


def split(outputs) -> tuple[list, list, list]:
    pages, letters, ledger = [], [], []
    for out in outputs:
        if isinstance(out, beam.pvalue.TaggedOutput):
            (letters if out.tag == "dead_letters" else ledger).append(out.value)
        else:
            pages.append(out)
    return pages, letters, ledger


def test_a_file_gives_its_pages_dead_letters_and_one_ledger_row(tmp_path):
    parts = records([page(i) for i in range(5)] + [page(9, record_type="revisit")])
    parts[1] = parts[1][:40]  # a damaged member
    path = write(tmp_path / "crawl.warc.gz", parts)
    fn = ReadWarcFileFn(EVERYTHING, "run-1")
    fn.setup()
    pages, letters, [row] = split(fn.process(str(path)))
    assert [p.url for p in pages] == [f"https://news.example/story/{i}" for i in (0, 2, 3, 4)]
    assert all(isinstance(p, ArchivedPage) and p.warc_file == str(path) for p in pages)
    assert [(d.stage, d.error_type) for d in letters] == [("warc", "corrupt")]
    assert (row["warc_file"], row["status"], row["run_id"]) == (str(path), READ, "run-1")
    assert (row["records"], row["pages"], row["dead_letters"], row["skipped_revisit"]) == (6, 4, 1, 1)


def test_a_file_that_is_not_warc_is_a_dead_letter_and_is_not_read_again(tmp_path):
    path = write(tmp_path / "page.warc.gz", gzip.compress(b"<html>an error page</html>"))
    pages, [letter], [row] = split(ReadWarcFileFn(EVERYTHING, "run-1").process(str(path)))
    assert pages == [] and (letter.stage, letter.error_type, letter.url) == ("warc", "not_warc", str(path))
    assert row["status"] == NOT_WARC


def test_a_file_that_cannot_be_read_gets_no_ledger_row_so_it_is_read_again(tmp_path):
    missing = str(tmp_path / "gone.warc.gz")
    pages, [letter], ledger = split(ReadWarcFileFn(EVERYTHING, "run-1").process(missing))
    assert pages == [] and ledger == []
    assert letter.error_type == "read_error" and "reads this file again" in letter.message


def test_ledger_facts_count_records_pages_and_skips():
    row = {"records": 3, "pages": 1, **{f"skipped_{r}": 0 for r in
           ("not_response", "revisit", "not_http_url", "status", "not_html", "outside_dates", "other_host")}}
    row["skipped_status"] = 2
    facts = ledger_facts(row)
    assert facts.count(("warc_records", "")) == 3 and facts.count(("warc_pages", "")) == 1
    assert facts.count(("warc_skipped_status", "")) == 2 and len(facts) == 6


def test_read_archives_reads_every_file_in_a_pipeline(tmp_path):
    first = write(tmp_path / "a.warc.gz", records([page(1), page(2)]))
    second = write(tmp_path / "b.warc", records([page(3)], gzipped=False))
    third = write(tmp_path / "c.warc.gz", b"not a warc")
    with TestPipeline(runner="FnApiRunner") as p:
        read = p | beam.Create([str(first), str(second), str(third)]) | ReadArchives(EVERYTHING, "run-1")
        assert_that(read.pages | "Urls" >> beam.Map(lambda page: page.url),
                    equal_to([f"https://news.example/story/{i}" for i in (1, 2, 3)]), label="pages")
        assert_that(read.ledger | "Files" >> beam.Map(lambda row: (row["warc_file"].rsplit("/", 1)[1], row["pages"])),
                    equal_to([("a.warc.gz", 2), ("b.warc", 1), ("c.warc.gz", 0)]), label="ledger")
        assert_that(read.dead_letters | "Kinds" >> beam.Map(lambda d: d.error_type), equal_to(["not_warc"]),
                    label="dead_letters")


def test_keep_languages_splits_rows():
    rows = [{"language": "en", "n": 1}, {"language": "fr", "n": 2}, {"language": "de", "n": 3}, {"language": None, "n": 4}]
    with TestPipeline(runner="FnApiRunner") as p:
        split_rows = p | beam.Create(rows) | KeepLanguages(["en", "fr"])
        assert_that(split_rows.kept | "Kept" >> beam.Map(lambda r: r["n"]), equal_to([1, 2]), label="kept")
        assert_that(split_rows.other | "Other" >> beam.Map(lambda r: r["n"]), equal_to([3, 4]), label="other")


# ------------------------------------------------------------------------------------------ sources

def test_a_glob_lists_the_files_sorted_without_hidden_ones(tmp_path):
    for name in ("b.warc.gz", "a.warc.gz", ".partial.warc.gz", "notes.txt"):
        (tmp_path / name).write_bytes(b"x")
    assert [f.rsplit("/", 1)[1] for f in list_warc_files(str(tmp_path / "*.warc.gz"))] == ["a.warc.gz", "b.warc.gz"]


def test_a_cc_news_path_list_is_joined_to_the_base(tmp_path):
    listing = tmp_path / "warc.paths.gz"
    listing.write_bytes(gzip.compress(b"crawl-data/CC-NEWS/2016/08/CC-NEWS-20160826124520-00000.warc.gz\n"
                                      b"# a comment\n\ncrawl-data/CC-NEWS/2016/08/CC-NEWS-20160826145206-00001.warc.gz\n"))
    assert is_path_list(str(listing))
    assert list_warc_files(str(listing), str(tmp_path / "mirror")) == [
        f"{tmp_path}/mirror/crawl-data/CC-NEWS/2016/08/CC-NEWS-20160826124520-00000.warc.gz",
        f"{tmp_path}/mirror/crawl-data/CC-NEWS/2016/08/CC-NEWS-20160826145206-00001.warc.gz",
    ]
    assert list_warc_files(str(listing))[0].startswith("https://data.commoncrawl.org/crawl-data/CC-NEWS/")


def test_absolute_paths_in_a_list_are_kept():
    assert paths_in_list(b"gs://b/x.warc.gz\n/data/y.warc.gz\nz.warc.gz\n", "s3://commoncrawl/") == [
        "gs://b/x.warc.gz", "/data/y.warc.gz", "s3://commoncrawl/z.warc.gz"]
    assert join_base("s3://commoncrawl", "/crawl-data/x") == "/crawl-data/x"


def test_no_files_is_a_usage_error(tmp_path):
    import pytest

    from pipeline.errors import UsageError

    with pytest.raises(UsageError, match="no WARC files"):
        list_warc_files(str(tmp_path / "*.warc.gz"))


