from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from pipeline.extract.dates import choose_published_at, find_page_timestamp, parse_page_date

UTC = timezone.utc
FETCHED = datetime(2024, 3, 25, 12, 0, tzinfo=UTC)
FEED = datetime(2024, 3, 24, 9, 15, tzinfo=UTC)


def test_full_page_timestamp_wins_and_is_converted_to_utc():
    page = datetime(2024, 3, 24, 14, 5, tzinfo=timezone(timedelta(hours=3)))
    when, source = choose_published_at(page, FEED, FETCHED)
    assert (when, source) == (datetime(2024, 3, 24, 11, 5, tzinfo=UTC), "page")


def test_page_string_with_offset():
    when, source = choose_published_at("2024-03-24T14:05:00+0100", None, FETCHED)
    assert (when, source) == (datetime(2024, 3, 24, 13, 5, tzinfo=UTC), "page")


def test_date_only_page_yields_to_feed_time_on_the_same_day():
    when, source = choose_published_at("2024-03-24", FEED, FETCHED)
    assert (when, source) == (FEED, "feed")


def test_date_only_page_yields_to_feed_time_one_day_off_for_time_zones():
    feed = datetime(2024, 3, 23, 22, 30, tzinfo=UTC)  # 24 March in Baghdad
    assert choose_published_at(date(2024, 3, 24), feed, FETCHED) == (feed, "feed")


def test_date_only_page_guess_far_from_the_feed_date_loses():
    # htmldate reads "August 2021" in the story text as 2021-01-01; the feed knows better.
    assert choose_published_at("2021-01-01", FEED, FETCHED) == (FEED, "feed")


def test_date_only_page_without_feed_date():
    assert choose_published_at("2024-03-20", None, FETCHED) == (datetime(2024, 3, 20, tzinfo=UTC), "page")


def test_midnight_without_offset_is_date_only():
    assert parse_page_date("2024-03-24T00:00:00") == date(2024, 3, 24)
    assert isinstance(parse_page_date("2024-03-24T00:00:00+00:00"), datetime)


def test_future_page_date_is_rejected():
    future = FETCHED + timedelta(days=3)
    assert choose_published_at(future, FEED, FETCHED) == (FEED, "feed")


def test_small_clock_skew_is_accepted():
    slightly_ahead = FETCHED + timedelta(hours=5)
    assert choose_published_at(slightly_ahead, None, FETCHED) == (slightly_ahead, "page")


def test_absurdly_old_dates_are_rejected():
    assert choose_published_at("1970-01-01T00:00:01+00:00", FEED, FETCHED) == (FEED, "feed")
    assert choose_published_at("1989-12-31", None, FETCHED) == (FETCHED, "fetch")


def test_bad_feed_date_falls_back_to_fetch_time():
    assert choose_published_at(None, datetime(2099, 1, 1, tzinfo=UTC), FETCHED) == (FETCHED, "fetch")


def test_naive_datetimes_are_utc():
    when, source = choose_published_at(None, datetime(2024, 3, 24, 9, 15), datetime(2024, 3, 25, 12))
    assert when.tzinfo is not None and when == FEED and source == "feed"


@pytest.mark.parametrize("garbage", ["", "not a date", "2024-13-45", "yesterday"])
def test_unreadable_page_dates_are_ignored(garbage: str):
    assert choose_published_at(garbage, None, FETCHED) == (FETCHED, "fetch")


def test_find_page_timestamp_from_meta_jsonld_and_date_only():
    assert find_page_timestamp('<meta property="article:published_time" content="2024-03-24T14:05:00+03:00">') == datetime(
        2024, 3, 24, 14, 5, tzinfo=timezone(timedelta(hours=3))
    )
    assert find_page_timestamp('<script type="application/ld+json">{"datePublished": "2024-03-24T08:00:00Z"}</script>') == datetime(
        2024, 3, 24, 8, tzinfo=UTC
    )
    assert find_page_timestamp('<meta name="date" content="2024-03-24">') is None  # date only: leave to htmldate
    assert find_page_timestamp("<p>no metadata</p>") is None
