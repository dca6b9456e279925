"""The prolog walk, the DOCTYPE checks and the entity expansion on their own."""

from __future__ import annotations

import time

import pytest

from pipeline.feeds import prolog
from pipeline.feeds.prolog import UnsafeDoctype


def test_walk_finds_a_doctype_whose_subset_holds_brackets_and_closers_in_literals_and_comments():
    doctype = """<!DOCTYPE rss SYSTEM "a>b" [
  <!-- ] > " -->
  <?pi ]> ?>
  <!ENTITY x "]>">
]>"""
    text = f'<?xml version="1.0"?>\n{doctype}\n<rss version="2.0"/>'
    seen = prolog.inspect_prolog(text)
    assert (seen.doctype, seen.root, seen.stray) == (doctype, "rss", None)
    assert seen.external_id == '<!DOCTYPE rss SYSTEM "a>b"  >'
    assert prolog.check_doctype(seen) == {"x": "]>"}


def test_walk_over_an_unclosed_subset_costs_linear_time():
    text = "<!DOCTYPE r [" + "<!--" * 200_000
    started = time.perf_counter()
    seen = prolog.inspect_prolog(text)
    assert seen.stray is not None and seen.doctype is None
    assert time.perf_counter() - started < 1.0


def test_blank_prolog_keeps_the_xml_declaration_and_the_line_numbers():
    text = '<?xml version="1.0"?>\n<!-- a\ncomment -->\n<?xml-stylesheet href="s.xsl"?>\n<!DOCTYPE rss [\n<!ENTITY x "y">\n]>\n<rss/>'
    seen = prolog.inspect_prolog(text)
    blanked = prolog.blank_prolog(text[: seen.root_at], seen) + text[seen.root_at :]
    assert blanked == '<?xml version="1.0"?>' + "\n" * 7 + "<rss/>"
    assert blanked.count("\n") == text.count("\n")


def test_an_xml_declaration_hiding_markup_is_blanked_too():
    text = '<?xml version="1.0"\n<!DOCTYPE feed [\n<!ENTITY a "b">\n]>?>\n<rss/>'
    seen = prolog.inspect_prolog(text)
    assert prolog.blank_prolog(text[: seen.root_at], seen) == "\n" * 4


def test_references_expand_as_markup_in_content_and_as_text_in_attributes():
    entities = prolog.check_doctype(prolog.inspect_prolog(
        """<!DOCTYPE r [<!ENTITY b "<b>bold</b>"><!ENTITY q '"q" &amp; &b;'><!ENTITY amp2 "&#38;#38;">]><r/>"""
    ))
    body = '<r a="&q;" c=\'&amp2;\'>&q; &amp2; &undeclared; &amp; <![CDATA[&q;]]><!-- &q; --><?pi &q;?></r>'
    assert prolog.expand_references(body, entities) == (
        '<r a="&quot;q&quot; &amp; &lt;b>bold&lt;/b>" c=\'&#38;\'>"q" &amp; <b>bold</b> &#38; &undeclared; &amp; '
        "<![CDATA[&q;]]><!-- &q; --><?pi &q;?></r>"
    )


def test_expansion_leaves_a_body_with_an_unclosed_attribute_to_the_parser():
    assert prolog.expand_references('&x;<a href="&x;>&x;', {"x": "y"}) == 'y<a href="&x;>&x;'


@pytest.mark.parametrize(
    ("entities", "reason"),
    [
        ({"a": "&b;", "b": "&c;", "c": "&d;", "d": "x"}, "nests entities"),
        ({"a": "&a;"}, "in terms of itself"),
        ({"a": "&b;", "b": "&a;"}, "in terms of itself"),
        ({"a": "x" * 10_001}, "10,001 characters"),
        ({f"e{n}": "x" * 9_000 for n in range(200)}, "more than 1,048,576"),
    ],
)
def test_expansion_limits(entities: dict[str, str], reason: str):
    with pytest.raises(UnsafeDoctype, match=reason):
        prolog.expand_entities(entities)


def test_three_levels_of_entities_are_allowed():
    assert prolog.expand_entities({"a": "&b;&b;", "b": "&c;-", "c": "x"}) == {"a": "x-x-", "b": "x-", "c": "x"}


def test_candidate_texts_show_a_utf16_doctype_to_the_walk():
    body = '<?xml version="1.0" encoding="utf-16"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss/>'
    doctypes = {prolog.inspect_prolog(text).doctype for text in prolog.candidate_texts(body.encode("utf-16-be"))}
    assert '<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>' in doctypes
