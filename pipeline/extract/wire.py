"""Wire-copy furniture: bylines, datelines, agencies and credit lines.

`split_wire_furniture(text, published_at)` takes extracted body text (paragraphs
separated by newlines) and returns the furniture apart from the body, so that
"(Reporting by Jane Doe; Editing by John Roe)" or "BAGHDAD, March 24 (Reuters) -"
never turn into body entities. Pure functions, no I/O.

What is recognised:
  - a byline paragraph among the first three: "By Jane Doe and John Roe",
    "By JANE DOE, Reuters", "By Jane Doe | AP", "Von Martina Imboden"; also glued to a dateline
    ("By Jane Doe LONDON (Reuters) - ..."). A paragraph is a byline only if
    everything after "By" is names (capitalised words, a few particles such as
    "de", "van", "al-"), optionally followed by an agency — so "By contrast, the
    ..." or "By Monday, prices ..." stay in the body;
  - a dateline opening the first body paragraph: an upper-case place
    ("BAGHDAD", "NEW YORK", "KABUL, Afghanistan", "SPRINGFIELD, Ill."), or a
    capitalised place when an agency follows ("Geneva (AFP) -"), then an
    optional date ("March 24", "Jan. 5", "24 March", "March 24, 2023"), an
    optional agency in parentheses or slashes, and a dash or colon. The place is
    kept as printed ("BAGHDAD", "Geneva"); a region after it ("Afghanistan",
    "Ill.") goes to `dateline_region`;
  - credit lines among the last four paragraphs, each kept as printed, one
    string per line: "(Reporting by X; Additional reporting by Y; Writing by Z;
    Editing by W)" (also glued to the end of the last paragraph), "— Reporting
    by ..." (dash dropped), "Compiled by ...", "Associated Press writer X in Y
    contributed to this report.", AFP/dpa sign-offs ("ag/jm/rlp", "mi/dpa");
    Reuters' "Our Standards: ..." line is removed, not a credit.
    `credit_roles()` splits a credit line into its roles.
The agency comes from the dateline, else the byline, else the credits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

# Agency names as printed -> the name we store.
_AGENCIES: dict[str, str] = {
    "reuters": "Reuters",
    "reuters health": "Reuters",
    "thomson reuters foundation": "Reuters",
    "ap": "AP",
    "associated press": "AP",
    "the associated press": "AP",
    "afp": "AFP",
    "agence france-presse": "AFP",
    "agence france presse": "AFP",
    "dpa": "dpa",
    "ana": "ANA",
    "ana-mpa": "ANA",
    "xinhua": "Xinhua",
    "upi": "UPI",
    "efe": "EFE",
    "ansa": "ANSA",
    "kyodo": "Kyodo",
    "kyodo news": "Kyodo",
    "pti": "PTI",
    "ians": "IANS",
    "bloomberg": "Bloomberg",
    "bloomberg news": "Bloomberg",
    "tass": "TASS",
    "interfax": "Interfax",
    "anadolu": "Anadolu",
    "aa": "Anadolu",
    "yonhap": "Yonhap",
    "bernama": "Bernama",
    "antara": "Antara",
    "apa": "APA",
    "sapa": "SAPA",
    "cp": "CP",
    "the canadian press": "CP",
    "canadian press": "CP",
    "aap": "AAP",
    "press association": "PA",
    "pa": "PA",
    "ani": "ANI",
    "kna": "KNA",
    "epd": "epd",
    "cnn": "CNN",
    "prnewswire": "PR Newswire",
    "pr newswire": "PR Newswire",
    "business wire": "Business Wire",
    "globe newswire": "GlobeNewswire",
    "globenewswire": "GlobeNewswire",
}

_AGENCY_ALTERNATION = "|".join(sorted((re.escape(a) for a in _AGENCIES), key=len, reverse=True))

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
    "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}
_MONTH_RE = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DATE_RE = (
    rf"(?:(?P<month>{_MONTH_RE})\s+(?P<day>\d{{1,2}})|(?P<day2>\d{{1,2}})\s+(?P<month2>{_MONTH_RE}))"
    r"(?:,?\s+(?P<year>(?:19|20)\d\d))?"
)
_DASH = r"(?:--|[-–—:])"
_UPPER_WORD = r"[A-Z][A-Z.'’\-]*[A-Z.]?"
_UPPER_PLACE = rf"{_UPPER_WORD}(?:\s+{_UPPER_WORD}){{0,3}}"
# "Afghanistan", "Ill.", "N.Y.", "Calif.", "United States", "D.C."
_REGION = r"[A-Z][A-Za-z.'’\-]*(?:\s+[A-Z][A-Za-z.'’\-]*){0,2}"
_MIXED_PLACE = r"[A-Z][a-zà-ÿ'’\-]+(?:\s+(?:[A-Z][a-zà-ÿ'’\-]+|de|da|do|del|la|el|am|an|upon|on))*"
_AGENCY_PAREN = rf"\((?P<agency>(?i:{_AGENCY_ALTERNATION})|[A-Z][A-Za-z&.\-]{{1,15}}(?:\s[A-Z][A-Za-z&.\-]{{1,15}}){{0,2}})\)"
_AGENCY_SLASH = rf"/(?P<agency_slash>(?i:{_AGENCY_ALTERNATION}))/"

# Upper-case place: agency optional. Mixed-case place: agency required.
_DATELINE_UPPER_RE = re.compile(
    rf"^(?P<place>{_UPPER_PLACE})(?:,\s*(?P<region>{_REGION}))?"
    rf"(?:,?\s+{_DATE_RE})?"
    rf"(?:\s*{_AGENCY_PAREN}|\s*{_AGENCY_SLASH})?"
    rf"\s*{_DASH}\s+"
)
_DATELINE_MIXED_RE = re.compile(
    rf"^(?P<place>{_MIXED_PLACE})(?:,\s*(?P<region>{_REGION}))?"
    rf"(?:,?\s+{_DATE_RE})?"
    rf"\s*(?:{_AGENCY_PAREN}|{_AGENCY_SLASH})"
    rf"\s*{_DASH}\s+"
)
# Upper-case words that open a paragraph but are not places.
_NOT_PLACES = frozenset(
    {
        "BREAKING", "UPDATE", "UPDATED", "EXCLUSIVE", "WATCH", "LISTEN", "VIDEO", "PHOTOS", "LIVE",
        "ANALYSIS", "OPINION", "EDITOR'S NOTE", "EDITORS NOTE", "NOTE", "CORRECTION", "FILE", "FACTBOX",
        "EXPLAINER", "REVIEW", "READ MORE", "ADVERTISEMENT", "SPONSORED", "I", "A", "OK", "US", "UK",
        "WARNING", "SPOILER", "Q", "FAQ", "TL;DR", "PS", "WHAT", "WHY", "HOW", "WHEN", "WHO", "WHERE",
        "THE END", "THE", "IT", "WE", "HE", "SHE", "THEY", "YES", "NO",
        # Organisations that open ledes ("NATO - the alliance ..."); a dateline names a place.
        "NATO", "EU", "UN", "FBI", "CIA", "IMF", "OPEC", "NASA", "BBC", "ISIS", "ECB", "FIFA", "UEFA",
        "IAEA", "ASEAN", "NHS", "GOP", "SEC", "FDA", "CDC", "EPA", "WTO", "OECD", "G7", "G20", "UNICEF",
        "UNHCR", "ICC", "ICJ", "IDF", "CEO", "AI", "GDP",
    }
)

_PARTICLES = r"(?:de|da|do|dos|das|del|della|di|du|des|la|le|van|von|der|den|ter|ten|bin|ibn|al|el|y|e|st\.?)"
_NAME_WORD = r"(?:[A-Z][\w'’.\-]*|[A-Z]\.)"
_NAME = rf"{_NAME_WORD}(?:\s+(?:{_PARTICLES}\s+){{0,2}}(?:al-|el-)?{_NAME_WORD}){{0,4}}"
_NAME_LIST = rf"{_NAME}(?:\s*(?:,\s*and|,|and|&)\s+{_NAME})*"
# "By" and its equivalents in German, French, Spanish/Portuguese and Dutch bylines.
_BY = r"(?:[Bb][Yy]|Von|VON|Par|PAR|Por|POR|Door|DOOR)"
_BYLINE_RE = re.compile(
    rf"^(?P<prefix>{_BY})\s+(?P<names>{_NAME_LIST})"
    rf"(?:\s*(?:,|\||/|-|–|—|\bof\b|\bfor\b)\s*(?P<org>(?:the\s+)?[A-Z][\w&.\-]*(?:\s+[A-Z][\w&.\-]*){{0,3}}))?"
    r"\s*$"
)
_BYLINE_PREFIX_RE = re.compile(rf"^{_BY}\s+(?P<names>{_NAME_LIST})\s+(?=[A-Z])")
# Words that make "By X" an adverbial phrase, not a byline.
_NOT_NAMES = frozenset(
    {
        "contrast", "comparison", "then", "now", "the", "this", "that", "these", "those", "far", "law",
        "default", "design", "definition", "all", "way", "monday", "tuesday", "wednesday", "thursday",
        "friday", "saturday", "sunday", "january", "february", "march", "april", "may", "june", "july",
        "august", "september", "october", "november", "december", "noon", "midnight", "morning",
        "evening", "night", "tonight", "tomorrow", "today", "yesterday", "early", "late",
        "mid", "some", "most", "many", "one", "two", "three", "its", "his", "her", "their", "our",
        "my", "your", "a", "an", "in", "on", "at", "year", "next", "last", "end",
        "doing", "using", "taking", "making", "being", "having", "staff", "chance", "accident",
        "mistake", "hand", "car", "train", "plane", "air", "sea", "land", "foot", "email", "phone",
        "mail", "post", "itself", "himself", "herself", "themselves",
    }
)

_CREDIT_KEYWORDS = (
    r"(?:additional\s+)?reporting|writing|written|editing|edited|compiled|research(?:ed)?|"
    r"translated|translation|produced|production|graphics?|fact[- ]?check(?:ed|ing)?|"
    r"photos?|photography|sub-?editing|contributed|with\s+reporting"
)
_CREDIT_PAREN_RE = re.compile(rf"\(\s*(?P<body>(?i:(?:{_CREDIT_KEYWORDS})\s+by)\b[^()]*)\)\s*$")
_CREDIT_LINE_RE = re.compile(rf"^[\s\-–—*_|]*(?P<body>(?i:(?:{_CREDIT_KEYWORDS})\s+by)\b.*)$")
_CONTRIBUTED_RE = re.compile(
    r"^(?P<body>(?:[A-Z][\w.'’\-]*\s+){0,6}(?:writers?|reporters?|correspondents?|journalists?|staff)"
    r"\b.{0,200}?\bcontributed(?:\s+to\s+(?:this|the)\s+(?:report|story|article))?\.?)$"
)
_FURNITURE_LINE_RE = re.compile(
    r"^(?:Our Standards:\s*The Thomson Reuters Trust Principles\.?|_{3,}|-{3,}|\*{3,}|#{3,})\s*$", re.I
)
# AFP and dpa sign off with staff initials: "ag/jm/rlp", "mi/dpa".
_SIGNOFF_RE = re.compile(r"^[a-z]{1,5}(?:/[a-z]{1,5}){1,5}$")
_TRAILING_SPACE_RE = re.compile(r"[ \t\u00a0]+")


@dataclass(frozen=True)
class WireParts:
    """Body text with the furniture taken out, and the furniture itself."""

    text: str
    byline: str | None = None
    dateline_place: str | None = None  # as printed: "BAGHDAD", "KABUL", "Geneva"
    dateline_region: str | None = None  # "Afghanistan" in "KABUL, Afghanistan (AP) —"
    dateline_date: date | None = None
    agency: str | None = None
    credits: tuple[str, ...] = ()  # one string per credit line, as printed


def agency_name(printed: str | None) -> str | None:
    """Our name for an agency as printed ("Associated Press" -> "AP"); unknown names kept."""
    if not printed:
        return None
    key = printed.strip().strip("()/").strip().lower()
    if not key:
        return None
    return _AGENCIES.get(key, printed.strip().strip("()/").strip())


def _find_agency_in(text: str) -> str | None:
    """The first known agency named in a credit or byline, if any."""
    for m in re.finditer(rf"\b(?:{_AGENCY_ALTERNATION})\b", text, re.I):
        word = m.group(0)
        # Short codes must be printed upper-case ("AP", "AFP"), not "ap"/"pa" inside words.
        if len(word) <= 4 and word.lower() not in ("dpa", "epd") and word != word.upper():
            continue
        return agency_name(word)
    return None


def resolve_dateline_date(month: int, day: int, year: int | None, published_at: datetime | None) -> date | None:
    """The date a dateline names; a missing year is the one that puts it nearest published_at."""
    if year is not None:
        try:
            return date(year, month, day)
        except ValueError:
            return None
    if published_at is None:
        return None
    anchor = published_at.date()
    candidates = []
    for y in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            candidates.append(date(y, month, day))
        except ValueError:  # Feb 29 in a non-leap year
            continue
    if not candidates:
        return None
    return min(candidates, key=lambda d: abs(d - anchor))


def is_byline(text: str) -> bool:
    """True for "By Jane Doe", "By JANE DOE, Reuters", "Von Martina Imboden"; False for "By contrast, ..."."""
    return _match_byline(_TRAILING_SPACE_RE.sub(" ", text).strip()) is not None


def _match_byline(paragraph: str) -> re.Match[str] | None:
    if len(paragraph) > 160:
        return None
    m = _BYLINE_RE.match(paragraph.strip())
    if not m or not _names_look_like_people(m.group("names")):
        return None
    return m


def _names_look_like_people(names: str) -> bool:
    first = names.split()[0].lower().rstrip(",.")
    if first in _NOT_NAMES:
        return False
    # A single name word is a byline only when it is capitalised like a name and not a known word.
    words = [w.strip(",.").lower() for w in names.split()]
    return not all(w in _NOT_NAMES or w in ("and", "&") for w in words)


def _match_dateline(paragraph: str) -> re.Match[str] | None:
    for pattern in (_DATELINE_UPPER_RE, _DATELINE_MIXED_RE):
        m = pattern.match(paragraph)
        if not m:
            continue
        place = m.group("place").strip()
        if pattern is _DATELINE_UPPER_RE:
            if (
                place.upper() in _NOT_PLACES
                or place.split()[0].upper() in ("DEAR", "BY", "FROM", "TO", "RE")
                or len(place) < 2
                or not any(c.isalpha() for c in place)
            ):
                continue
            # A colon after a bare upper-case word is a heading ("WARNING: ...") more often
            # than a dateline; accept a colon only for places of two letters or more words.
            if m.group(0).rstrip().endswith(":") and not (m.group("agency") or m.group("month") or m.group("month2")):
                if " " not in place and len(place) < 4:
                    continue
        return m
    return None


def _dateline_fields(
    m: re.Match[str], published_at: datetime | None
) -> tuple[str, str | None, date | None, str | None]:
    place = m.group("place").strip()
    region = m.group("region").strip() if m.group("region") else None
    month_text = m.group("month") or m.group("month2")
    day_text = m.group("day") or m.group("day2")
    when = None
    if month_text and day_text:
        month = _MONTHS[month_text.rstrip(".").lower()]
        year = int(m.group("year")) if m.group("year") else None
        when = resolve_dateline_date(month, int(day_text), year, published_at)
    agency = agency_name(m.group("agency") or m.group("agency_slash"))
    return place, region, when, agency


def credit_roles(credit: str) -> list[str]:
    """'(Reporting by X; Editing by Y)' -> ['Reporting by X', 'Editing by Y'] (for readers who want roles)."""
    body = credit.strip().strip("()").strip()
    return [c.strip(" .") for c in re.split(r"\s*;\s*", body) if c.strip(" .")]


def _take_credits(paragraphs: list[str]) -> tuple[list[str], list[str]]:
    """Remove credit lines from the end; returns (paragraphs, credits in reading order)."""
    credits: list[str] = []
    paragraphs = list(paragraphs)
    examined = 0
    while paragraphs and examined < 4:
        last = paragraphs[-1].strip()
        examined += 1
        if _FURNITURE_LINE_RE.match(last):
            paragraphs.pop()
            continue
        if _SIGNOFF_RE.match(last):
            credits.insert(0, last)
            paragraphs.pop()
            continue
        whole = _CREDIT_PAREN_RE.match(last) if last.startswith("(") else None
        if whole:
            credits.insert(0, last)
            paragraphs.pop()
            continue
        line = _CREDIT_LINE_RE.match(last)
        if line and len(last) <= 400:
            credits.insert(0, line.group("body").strip())
            paragraphs.pop()
            continue
        contributed = _CONTRIBUTED_RE.match(last)
        if contributed and len(last) <= 300:
            credits.insert(0, contributed.group("body").strip())
            paragraphs.pop()
            continue
        glued = _CREDIT_PAREN_RE.search(last)
        if glued:  # "... said. (Reporting by X; Editing by Y)"
            credits.insert(0, glued.group(0).strip())
            paragraphs[-1] = last[: glued.start()].rstrip()
            if not paragraphs[-1]:
                paragraphs.pop()
        break
    return paragraphs, credits


def split_wire_furniture(text: str, published_at: datetime | None = None) -> WireParts:
    """Separate byline, dateline, agency and credits from wire-style body text."""
    paragraphs = [_TRAILING_SPACE_RE.sub(" ", p).strip() for p in text.splitlines()]
    paragraphs = [p for p in paragraphs if p]
    byline: str | None = None
    byline_org: str | None = None

    # Byline: a paragraph of its own among the first three.
    for i, para in enumerate(paragraphs[:3]):
        m = _match_byline(para)
        if m:
            byline = para
            byline_org = m.group("org")
            del paragraphs[i]
            break

    # Dateline: opens the first paragraph, possibly right after a glued byline.
    place = region = when = dateline_agency = None
    if paragraphs:
        first = paragraphs[0]
        m = _match_dateline(first)
        if m is None and byline is None:
            glued = _BYLINE_PREFIX_RE.match(first)
            if glued and _names_look_like_people(glued.group("names")):
                rest = first[glued.end():]
                m2 = _match_dateline(rest)
                if m2 is not None:
                    byline = first[: glued.end()].strip()
                    first = rest
                    m = m2
        if m is not None:
            place, region, when, dateline_agency = _dateline_fields(m, published_at)
            first = first[m.end():].lstrip()
        if first:
            paragraphs[0] = first
        else:
            paragraphs.pop(0)

    paragraphs, credits = _take_credits(paragraphs)

    agency = dateline_agency
    if agency is None and byline_org:
        agency = agency_name(byline_org) if byline_org.lower().strip() in _AGENCIES else _find_agency_in(byline_org)
    if agency is None and byline:
        agency = _find_agency_in(re.sub(rf"^{_BY}\s+", "", byline))
    if agency is None:
        for credit in credits:
            agency = _find_agency_in(credit)
            if agency:
                break
    return WireParts(
        text="\n".join(paragraphs),
        byline=byline,
        dateline_place=place,
        dateline_region=region,
        dateline_date=when,
        agency=agency,
        credits=tuple(credits),
    )
