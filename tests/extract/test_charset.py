from __future__ import annotations

import codecs

import pytest

from pipeline.extract.charset import choose_encoding, decode_html, header_charset, meta_charset
from pipeline.records import StageError

TEXT = "Café crème in Zürich — “quoted” naïve façade"


def page(meta: str = "", body: str = TEXT) -> str:
    return f"<html><head>{meta}<title>t</title></head><body><p>{body}</p></body></html>"


def test_header_only():
    text, enc = decode_html(page().encode("cp1252"), "text/html; charset=windows-1252")
    assert enc == "cp1252"
    assert TEXT in text


def test_meta_charset_only():
    text, enc = decode_html(page('<meta charset="windows-1252">').encode("cp1252"), "text/html")
    assert enc == "cp1252"
    assert TEXT in text


def test_meta_http_equiv_only():
    html = page('<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">')
    text, enc = decode_html(html.encode("cp1252"), None)
    assert enc == "cp1252"  # latin-1 labels mean windows-1252, as in browsers
    assert "“quoted”" in text


def test_header_wins_over_meta_when_both_decode_and_header_is_utf8():
    html = page('<meta charset="iso-8859-1">').encode("utf-8")
    text, enc = decode_html(html, "text/html; charset=utf-8")
    assert enc == "utf-8"
    assert TEXT in text


def test_conflict_header_latin1_meta_utf8_prefers_valid_utf8():
    # A wrong server default (latin-1) and a correct meta tag: UTF-8 decodes cleanly, so it wins.
    html = page('<meta charset="utf-8">').encode("utf-8")
    text, enc = decode_html(html, "text/html; charset=ISO-8859-1")
    assert enc == "utf-8"
    assert TEXT in text
    assert "Ã" not in text


def test_conflict_header_utf8_meta_cp1252_prefers_what_decodes():
    # Header claims UTF-8 but the bytes are windows-1252 (invalid UTF-8): the meta tag is right.
    html = page('<meta charset="windows-1252">').encode("cp1252")
    text, enc = decode_html(html, "text/html; charset=utf-8")
    assert enc == "cp1252"
    assert TEXT in text


def test_invalid_utf8_bytes_are_replaced_not_raised():
    good = page().encode("utf-8")
    broken = good.replace("Zürich".encode(), b"Z\xfc\xffrich")
    text, enc = decode_html(broken, "text/html; charset=utf-8")
    assert enc == "utf-8"
    assert "\ufffd" in text
    assert "Café crème" in text  # the valid UTF-8 around the damage survives


def test_windows_1252_without_any_declaration_is_detected():
    body = ("<html><body><p>" + " ".join([TEXT] * 30) + "</p></body></html>").encode("cp1252")
    text, enc = decode_html(body, "text/html")
    assert "Café" in text and "“quoted”" in text
    assert enc in {"cp1252", "iso8859-1", "cp1250", "cp1254", "iso8859-15"} or "1252" in enc


def test_declared_utf8_that_is_really_legacy_is_redetected():
    body = ("<html><body><p>" + " ".join([TEXT] * 30) + "</p></body></html>").encode("cp1252")
    text, enc = decode_html(body, "text/html; charset=utf-8")
    assert enc != "utf-8"
    assert "Café" in text


@pytest.mark.parametrize(
    ("bom", "codec"),
    [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")],
)
def test_bom_beats_header(bom: bytes, codec: str):
    body = bom + page().encode(codec)
    text, enc = decode_html(body, "text/html; charset=iso-8859-1")
    assert enc == codec
    assert text.startswith("<html>")  # BOM removed
    assert TEXT in text


def test_unknown_labels_are_ignored():
    assert header_charset("text/html; charset=x-no-such-thing") is None
    assert meta_charset(b'<meta charset="bogus">') is None
    text, enc = decode_html(page('<meta charset="bogus">').encode("utf-8"), "text/html; charset=nope")
    assert enc == "utf-8" and TEXT in text


def test_meta_after_first_4k_is_not_read():
    html = "<html><head>" + "<!-- pad -->" * 500 + '<meta charset="windows-1252"></head></html>'
    assert meta_charset(html.encode()) is None


def test_meta_utf16_label_means_utf8():
    assert meta_charset(b'<meta charset="utf-16">') == "utf-8"


def test_choose_encoding_ascii_only_defaults_to_utf8():
    assert choose_encoding(b"<html><body>plain</body></html>", None) == "utf-8"


@pytest.mark.parametrize(
    "body",
    [
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"\xff\xd8\xff\xe0\x00\x10JFIF",
        b"GIF89a\x01\x00",
        b"  \n%PDF-1.4 leading whitespace",
        b"RIFF\x00\x00\x00\x00WEBPVP8 ",
        b"PK\x03\x04\x14\x00",
    ],
)
def test_binary_served_as_html_is_refused(body: bytes):
    with pytest.raises(StageError) as info:
        decode_html(body, "text/html")
    assert info.value.error_type == "not_html"


def test_nul_heavy_body_is_refused():
    with pytest.raises(StageError) as info:
        decode_html(b"\x00\x01\x02\x03" * 1000, "text/html")
    assert info.value.error_type == "not_html"


def test_stray_nul_bytes_are_dropped():
    text, _ = decode_html(b"<html><body>a\x00b</body></html>", "text/html")
    assert "\x00" not in text and "ab" in text
