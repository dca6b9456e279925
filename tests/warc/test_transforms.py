"""Reading whole WARC files: the DoFn called directly, then ReadArchives in a real pipeline."""

from __future__ import annotations

import gzip
from collections import Counter

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


def test_a_record_that_breaks_the_reader_is_its_own_dead_letter_and_the_file_reads_on(tmp_path, monkeypatch):
    """An exception no one foresaw on one record (here forced on the second) costs that record, not the
    rest of the file: the file gets its ledger row and is not read again."""
    from pipeline.warc import transforms

    path = write(tmp_path / "crawl.warc.gz", records([page(i) for i in range(4)]))
    real, calls = transforms.read_record, []

    def flaky(frame, warc_file, keep):
        calls.append(frame.offset)
        if len(calls) == 2:
            raise RuntimeError("unforeseen")
        return real(frame, warc_file, keep)

    monkeypatch.setattr(transforms, "read_record", flaky)
    pages, [letter], [row] = split(ReadWarcFileFn(EVERYTHING, "run-1").process(str(path)))
    assert [p.url for p in pages] == [f"https://news.example/story/{i}" for i in (0, 2, 3)]
    assert (letter.error_type, letter.url) == ("bad_record", f"{path}#byte={calls[1]}")
    assert "RuntimeError: unforeseen" in letter.message
    assert (row["status"], row["records"], row["pages"], row["dead_letters"]) == (READ, 4, 3, 1)


def test_ledger_facts_count_records_pages_and_skips():
    row = {"records": 3, "pages": 1, **{f"skipped_{r}": 0 for r in
           ("not_response", "revisit", "not_http_url", "status", "not_html", "outside_dates", "no_capture_date",
            "other_host")}}
    row["skipped_status"], row["skipped_no_capture_date"] = 2, 1
    facts = ledger_facts(row)
    assert facts.count(("warc_records", "")) == 3 and facts.count(("warc_pages", "")) == 1
    assert facts.count(("warc_skipped_status", "")) == 2 and facts.count(("warc_skipped_no_capture_date", "")) == 1
    assert len(facts) == 7


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




def test_gzip_files_are_split_in_byte_ranges_and_the_rest_read_whole():
    from pipeline.warc.sources import WarcSplit, plan_splits, split_bytes_for

    sizes = {"a.warc.gz": 1000, "b.warc": 5000, "c.warc.gz": 300}
    splits = plan_splits(["a.warc.gz", "b.warc", "c.warc.gz", "https://x/d.warc.gz"], sizes, 400)
    assert [s for s in splits if s.path == "a.warc.gz"] == [
        WarcSplit("a.warc.gz", 0, 333, 0, 3), WarcSplit("a.warc.gz", 333, 666, 1, 3), WarcSplit("a.warc.gz", 666, None, 2, 3)]
    assert [s for s in splits if s.path != "a.warc.gz"] == [WarcSplit("b.warc"), WarcSplit("c.warc.gz"),
                                                             WarcSplit("https://x/d.warc.gz")]
    assert split_bytes_for(10 ** 6, 2) == 256 * 1024 and split_bytes_for(10 ** 12, 2) == 64 * 1024 * 1024


def test_a_file_is_read_when_all_its_splits_are_in_one_run():
    from pipeline.warc.ledger import files_read

    row = {"warc_file": "a.warc.gz", "parts": 3, "status": "read", "run_id": "r1"}
    assert files_read([{**row, "part": 0}, {**row, "part": 2}]) == set()
    assert files_read([{**row, "part": 0}, {**row, "part": 2}, {**row, "part": 1}]) == {"a.warc.gz"}
    assert files_read([{**row, "part": 0}, {**row, "part": 1, "run_id": "r2"}, {**row, "part": 2}]) == set()
    assert files_read([{**row, "part": 0, "status": "not_warc"}]) == {"a.warc.gz"}


def test_read_archives_reads_a_split_file_once(tmp_path):
    from pipeline.warc.sources import plan_splits

    path = write(tmp_path / "big.warc.gz", records([page(i) for i in range(40)]))
    splits = plan_splits([str(path)], {str(path): path.stat().st_size}, path.stat().st_size // 4 + 1)
    assert len(splits) == 4
    with TestPipeline(runner="FnApiRunner") as p:
        read = p | beam.Create(splits) | ReadArchives(EVERYTHING, "run-1")
        assert_that(read.pages | "Urls" >> beam.Map(lambda page: page.url),
                    equal_to([f"https://news.example/story/{i}" for i in range(40)]), label="pages")
        assert_that(read.ledger | "Parts" >> beam.Map(lambda row: (row["part"], row["parts"])),
                    equal_to([(i, 4) for i in range(4)]), label="ledger")


def test_files_on_another_beam_filesystem_are_listed_sized_split_and_read(tmp_path):
    """Any scheme Beam's FileSystems knows (gs://, s3:// ...) goes the same way; here `brokenfs://` (tests/state)."""
    from pipeline.warc.sources import file_sizes, plan_splits
    from pipeline.warc.transforms import read_warc_split
    from tests.state.broken_fs import PREFIX

    write(tmp_path / "a.warc.gz", records([page(i) for i in range(12)]))
    write(tmp_path / "b.warc", records([page(20)], gzipped=False))
    files = list_warc_files(PREFIX + str(tmp_path / "*.warc*"))
    assert [f.rsplit("/", 1)[1] for f in files] == ["a.warc.gz", "b.warc"] and files[0].startswith(PREFIX)
    sizes = file_sizes(files)
    splits = plan_splits(files, sizes, sizes[files[0]] // 3 + 1)
    assert len(splits) == 4
    urls = [page.url for split in splits for page in read_warc_split(split, EVERYTHING, Counter())]
    assert urls == [f"https://news.example/story/{i}" for i in (*range(12), 20)]


def test_a_path_list_and_its_files_are_read_over_http(tmp_path):
    """Common Crawl serves CC-NEWS over https; here the same code against a loopback server."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    from pipeline.warc.transforms import read_warc_split
    from pipeline.warc.sources import WarcSplit

    (tmp_path / "crawl-data").mkdir()
    write(tmp_path / "crawl-data" / "one.warc.gz", records([page(1), page(2)]))
    (tmp_path / "warc.paths.gz").write_bytes(gzip.compress(b"crawl-data/one.warc.gz\ncrawl-data/gone.warc.gz\n"))
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *args: None
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_port}/"
        files = list_warc_files(base + "warc.paths.gz", base)
        assert files == [base + "crawl-data/one.warc.gz", base + "crawl-data/gone.warc.gz"]
        pages = list(read_warc_split(WarcSplit(files[0]), EVERYTHING, Counter()))
        assert [p.url for p in pages] == ["https://news.example/story/1", "https://news.example/story/2"]
        _, [letter], ledger = split(ReadWarcFileFn(EVERYTHING, "run-1").process(files[1]))
        assert letter.error_type == "read_error" and "404" in letter.message and ledger == []
    finally:
        server.shutdown()
        server.server_close()
