from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from pipeline.extract.wire import agency_name, credit_roles, is_byline, resolve_dateline_date, split_wire_furniture

PUBLISHED = datetime(2024, 3, 25, 10, 0, tzinfo=timezone.utc)
BODY = "Officials said on Sunday that talks would resume next week."

# (input text, expected byline, place, date, agency, credits, expected body)
CASES = [
    pytest.param(
        f"By Jane Doe and John Roe\nBAGHDAD, March 24 (Reuters) - {BODY}",
        "By Jane Doe and John Roe", "BAGHDAD", date(2024, 3, 24), "Reuters", (), BODY, id="reuters-byline-dateline"),
    pytest.param(
        f"By JOHN SMITH, Reuters\nLONDON, Jan 5 (Reuters) – {BODY}",
        "By JOHN SMITH, Reuters", "LONDON", date(2024, 1, 5), "Reuters", (), BODY, id="caps-byline-en-dash"),
    pytest.param(
        f"KABUL, Afghanistan (AP) — {BODY}",
        None, "KABUL", None, "AP", (), BODY, id="ap-place-country"),
    pytest.param(f"WASHINGTON (AP) — {BODY}", None, "WASHINGTON", None, "AP", (), BODY, id="ap-plain"),
    pytest.param(f"GENEVA (AFP) - {BODY}", None, "GENEVA", None, "AFP", (), BODY, id="afp-caps"),
    pytest.param(f"Geneva (AFP) - {BODY}", None, "Geneva", None, "AFP", (), BODY, id="afp-mixed-case"),
    pytest.param(f"Berlin (dpa) - {BODY}", None, "Berlin", None, "dpa", (), BODY, id="dpa"),
    pytest.param(f"BEIJING, Dec. 31 (Xinhua) -- {BODY}", None, "BEIJING", date(2023, 12, 31), "Xinhua", (), BODY, id="xinhua-year-before"),
    pytest.param(f"SPRINGFIELD, Ill. (AP) — {BODY}", None, "SPRINGFIELD", None, "AP", (), BODY, id="us-state-abbrev"),
    pytest.param(f"RIO DE JANEIRO, 24 March (EFE) - {BODY}", None, "RIO DE JANEIRO", date(2024, 3, 24), "EFE", (), BODY, id="efe-day-month"),
    pytest.param(f"ATHENS, March 24 (ANA) - {BODY}", None, "ATHENS", date(2024, 3, 24), "ANA", (), BODY, id="ana"),
    pytest.param(f"ROME, 24 March (ANSA) - {BODY}", None, "ROME", date(2024, 3, 24), "ANSA", (), BODY, id="ansa"),
    pytest.param(f"TOKYO (Kyodo) -- {BODY}", None, "TOKYO", None, "Kyodo", (), BODY, id="kyodo"),
    pytest.param(f"NEW DELHI, March 24 (PTI) {BODY}".replace("(PTI) ", "(PTI) - "), None, "NEW DELHI", date(2024, 3, 24), "PTI", (), BODY, id="pti"),
    pytest.param(f"MUMBAI, March 24 (IANS) - {BODY}", None, "MUMBAI", date(2024, 3, 24), "IANS", (), BODY, id="ians"),
    pytest.param(f"WASHINGTON, March 24 (UPI) -- {BODY}", None, "WASHINGTON", date(2024, 3, 24), "UPI", (), BODY, id="upi"),
    pytest.param(
        f"NEW YORK, March 24, 2023 /PRNewswire/ -- {BODY}",
        None, "NEW YORK", date(2023, 3, 24), "PR Newswire", (), BODY, id="press-release-with-year"),
    pytest.param(f"NEW DELHI: {BODY}", None, "NEW DELHI", None, None, (), BODY, id="colon-dateline"),
    pytest.param(f"MADRID — {BODY}", None, "MADRID", None, None, (), BODY, id="ap-style-no-agency"),
    pytest.param(
        f"By Maria de la Cruz and Ahmed al-Sayed | Bloomberg\nTOKYO (Bloomberg) — {BODY}",
        "By Maria de la Cruz and Ahmed al-Sayed | Bloomberg", "TOKYO", None, "Bloomberg", (), BODY, id="particles-bloomberg"),
    pytest.param(
        f"By Jane Doe LONDON (Reuters) - {BODY}",
        "By Jane Doe", "LONDON", None, "Reuters", (), BODY, id="byline-glued-to-dateline"),
    pytest.param(
        f"{BODY}\n(Reporting by Jane Doe; Additional reporting by Ali Hassan; Writing by John Roe; Editing by Mark Potter)",
        None, None, None, None,
        ("(Reporting by Jane Doe; Additional reporting by Ali Hassan; Writing by John Roe; Editing by Mark Potter)",),
        BODY, id="reuters-credits"),
    pytest.param(
        f"{BODY} (Reporting by Jane Doe; Editing by Mark Potter)",
        None, None, None, None, ("(Reporting by Jane Doe; Editing by Mark Potter)",), BODY, id="credits-glued-to-last-paragraph"),
    pytest.param(
        f"{BODY}\n— Reporting by Jane Doe in Paris; editing by John Roe",
        None, None, None, None, ("Reporting by Jane Doe in Paris; editing by John Roe",), BODY, id="dash-credits"),
    pytest.param(f"{BODY}\nCompiled by Jane Doe", None, None, None, None, ("Compiled by Jane Doe",), BODY, id="compiled-by"),
    pytest.param(
        f"{BODY}\n(Reporting by Jane Doe; Editing by Mark Potter)\nOur Standards: The Thomson Reuters Trust Principles.",
        None, None, None, None, ("(Reporting by Jane Doe; Editing by Mark Potter)",), BODY, id="reuters-standards-line"),
    pytest.param(
        f"KABUL, Afghanistan (AP) — {BODY}\nAssociated Press writer Rahim Faiez in Islamabad contributed to this report.",
        None, "KABUL", None, "AP",
        ("Associated Press writer Rahim Faiez in Islamabad contributed to this report.",), BODY, id="ap-contributed"),
    pytest.param(
        f"{BODY}\n(Reporting by Jane Doe for Reuters; Editing by Mark Potter)",
        None, None, None, "Reuters", ("(Reporting by Jane Doe for Reuters; Editing by Mark Potter)",), BODY, id="agency-from-credits"),
    pytest.param("By Reuters\n" + BODY, "By Reuters", None, None, "Reuters", (), BODY, id="agency-only-byline"),
    pytest.param("BY JANE DOE AND JOHN ROE\n" + BODY, "BY JANE DOE AND JOHN ROE", None, None, None, (), BODY, id="all-caps-byline"),
    pytest.param(f"{BODY}\nag/jm/rlp", None, None, None, None, ("ag/jm/rlp",), BODY, id="afp-signoff"),
    pytest.param(f"SITTEN (dpa) - {BODY}\nmi/dpa", None, "SITTEN", None, "dpa", ("mi/dpa",), BODY, id="dpa-signoff"),
    pytest.param(f"Von Martina Imboden\nBERLIN (dpa) - {BODY}", "Von Martina Imboden", "BERLIN", None, "dpa", (), BODY, id="german-byline"),
    pytest.param(f"Title line\nBy Jane Doe\n{BODY}", "By Jane Doe", None, None, None, (), f"Title line\n{BODY}", id="byline-second-paragraph"),
]


@pytest.mark.parametrize(("text", "byline", "place", "when", "agency", "credits", "body"), CASES)
def test_wire_variants(text, byline, place, when, agency, credits, body):
    parts = split_wire_furniture(text, PUBLISHED)
    assert parts.byline == byline
    assert parts.dateline_place == place
    assert parts.dateline_date == when
    assert parts.agency == agency
    assert parts.credits == credits
    assert parts.text == body


# Text that looks like furniture but is body copy: must come back unchanged.
NOT_FURNITURE = [
    "By contrast, the new plan costs less.\nSecond paragraph.",
    "By Monday, prices had doubled across the region.",
    "By the end of the year, output had fallen.",
    "By 2030 the city wants to be carbon neutral.",
    "By then, it was too late.",
    "By Reuters' count, 40 people died.",
    "US President Joe Biden said on Monday that talks would go on.",
    "WARNING: this story contains graphic content.",
    "UPDATE 2: details added.",
    "NATO (North Atlantic Treaty Organization) - the alliance - met.",
    "The minister said reporting by journalists was welcome.",
    "He said it was written by hand.",
    "NATO - the alliance said it would send more troops.",
    "EU — the bloc's leaders met in Brussels.",
    "Byron Smith said the club had been sold.",
    "DEAR ABBY: My husband and I have been married for 20 years.",
]


@pytest.mark.parametrize("text", NOT_FURNITURE)
def test_body_copy_is_not_mistaken_for_furniture(text: str):
    parts = split_wire_furniture(text, PUBLISHED)
    assert parts.text == text
    assert parts.byline is None and parts.credits == ()


def test_body_copy_keeps_no_dateline():
    for text in NOT_FURNITURE:
        assert split_wire_furniture(text, PUBLISHED).dateline_place is None, text


def test_dateline_only_in_first_paragraph():
    text = f"{BODY}\nLONDON (Reuters) - A second dateline inside the story stays."
    parts = split_wire_furniture(text, PUBLISHED)
    assert parts.dateline_place is None
    assert parts.text == text


def test_whitespace_and_empty_paragraphs_are_tidied():
    parts = split_wire_furniture(f"\n\n  By Jane Doe  \n\n PARIS (AFP) -   {BODY}  \n\n", PUBLISHED)
    assert parts.byline == "By Jane Doe"
    assert parts.text == BODY


def test_furniture_only_leaves_empty_text():
    parts = split_wire_furniture("By Jane Doe\n(Reporting by Jane Doe; Editing by Mark Potter)", PUBLISHED)
    assert parts.text == ""
    assert parts.credits == ("(Reporting by Jane Doe; Editing by Mark Potter)",)


def test_year_is_resolved_against_published_at():
    assert resolve_dateline_date(12, 31, None, datetime(2024, 1, 2, tzinfo=timezone.utc)) == date(2023, 12, 31)
    assert resolve_dateline_date(1, 2, None, datetime(2023, 12, 31, tzinfo=timezone.utc)) == date(2024, 1, 2)
    assert resolve_dateline_date(3, 24, 2020, None) == date(2020, 3, 24)
    assert resolve_dateline_date(3, 24, None, None) is None
    assert resolve_dateline_date(2, 30, 2024, None) is None


def test_dateline_region_is_kept_apart():
    parts = split_wire_furniture(f"SPRINGFIELD, Ill. (AP) — {BODY}", PUBLISHED)
    assert (parts.dateline_place, parts.dateline_region) == ("SPRINGFIELD", "Ill.")
    parts = split_wire_furniture(f"KABUL, Afghanistan (AP) — {BODY}", PUBLISHED)
    assert (parts.dateline_place, parts.dateline_region) == ("KABUL", "Afghanistan")


def test_credit_roles():
    assert credit_roles("(Reporting by Jane Doe; Additional reporting by Ali Hassan; Editing by Mark Potter.)") == [
        "Reporting by Jane Doe", "Additional reporting by Ali Hassan", "Editing by Mark Potter"
    ]


def test_is_byline():
    assert is_byline("By Jane Doe")
    assert is_byline("  Von  Martina Imboden ")
    assert not is_byline("By contrast, the plan failed.")
    assert not is_byline("Par ailleurs, le gouvernement a dit.")


def test_agency_names_are_normalised():
    assert agency_name("Associated Press") == "AP"
    assert agency_name("(Reuters)") == "Reuters"
    assert agency_name("Agence France-Presse") == "AFP"
    assert agency_name("Some Local Wire") == "Some Local Wire"
    assert agency_name("") is None
