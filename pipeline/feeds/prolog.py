"""What stands before a feed's root element, judged by what it can do, and made harmless.

Entity declarations (billion laughs, external entities pointing at
file:///etc/passwd or the metadata server) can only live in a DOCTYPE, and a
DOCTYPE only means something in the prolog: before the root element, after
nothing but the XML declaration, processing instructions, comments and
whitespace. So we walk the prolog the way expat does and stop at the root
element. A `<!DOCTYPE html>` inside a CDATA section of an item (common in
sloppy feeds) is item text, not a declaration, and is left alone.

A DOCTYPE is refused for what its declarations can do, read by expat itself:
external entities (SYSTEM/PUBLIC on an ENTITY), unparsed (NDATA) and parameter
entities, references to parameter entities, and internal entities that nest
deeper or expand larger than small limits. What remains is harmless: the
DOCTYPE's own public/system identifiers (we never fetch them, and the parser
never sees them: see below) and small internal text entities such as
`<!ENTITY nbsp "&#160;">`.

The parser is then handed a document with no DOCTYPE at all: `blank_prolog`
blanks everything before the root but the XML declaration (keeping line
numbers), and `expand_references` writes each declared entity's replacement
into the body, within a total size limit. That also keeps feedparser's own
DOCTYPE regexes, which match `<!ENTITY` even inside comments and hand what they
find to its fallback parser unbounded, from seeing any declaration.

The walk that matters runs on the exact text the parser will read (parse.py
decodes with feedparser's own converter first). As a second net, it also runs
on several other decodings of the raw bytes' first 64 KiB (see
`candidate_texts`), so a declaration hidden by UTF-16, UTF-32 or EBCDIC
encoding is seen even if the decoders ever disagree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.parsers import expat

_SPACE = re.compile(r"[\s\ufeff]*")
_DECLARATION = re.compile(r"<!\s*([A-Za-z]+)")
# Any case: `<!doctype` is how HTML5 spells it, and feeds copy it.
_DOCTYPE = re.compile(r"<!DOCTYPE(?=[\s\[>])", re.IGNORECASE)
_ROOT_START = re.compile(r"<([^\W\d][\w.:-]*)")
_LITERAL = r"""(?:"[^"]*"|'[^']*')"""
# What may stand around the internal subset: a name and public/system identifiers (any case, a public id
# alone, as feeds write them). Nothing else, so no markup can hide in it.
_DOCTYPE_OUTSIDE_SUBSET = re.compile(
    rf"<!DOCTYPE\s+[^\s\[\]<>\"']+(?:\s+(?:SYSTEM\s*{_LITERAL}|PUBLIC\s*{_LITERAL}(?:\s*{_LITERAL})?))?\s*>",
    re.IGNORECASE,
)
_REFERENCE = re.compile(r"&([^\W\d][\w.:-]*);")
_PLAIN_IN_DOCTYPE = re.compile(r"""[^"'\[>]*""")
_PLAIN_IN_SUBSET = re.compile(r"""[^"'\]<]*""")
_PLAIN_IN_BODY = re.compile(r"[^<&]*")
_PLAIN_IN_TAG = re.compile(r"""[^"'>]*""")
_XML_ILLEGAL_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_ATTRIBUTE_ESCAPES = str.maketrans({'"': "&quot;", "'": "&apos;", "<": "&lt;"})

# Entities may refer to entities this deep (billion laughs needs ten levels).
MAX_ENTITY_DEPTH = 3
# Characters one entity may expand to, and all declared entities together.
MAX_ENTITY_CHARS = 10_000
MAX_DECLARED_CHARS = 1 << 20
# Characters the references in one document may add to it, all together.
MAX_EXPANDED_CHARS = 1 << 20

# How much of the raw body is re-decoded for the second-net scans (a prolog is
# rarely longer than a few hundred bytes; the exact-text walk has no limit).
RAW_SCAN_BYTES = 64 << 10
_RAW_ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "cp037")


class UnsafeDoctype(ValueError):
    """The prolog declares something that could read files, fetch URLs or blow up."""


@dataclass(frozen=True)
class Prolog:
    """What stands before the root element."""

    root: str | None  # the root element's name, if the walk reached it
    doctype: str | None = None  # the whole DOCTYPE declaration
    subset: str | None = None  # its internal subset, between [ and ]
    stray: str | None = None  # a declaration that is not one closed DOCTYPE (first 200 characters)
    markup: tuple[tuple[int, int], ...] = field(default=())  # spans of PIs, comments and the DOCTYPE
    root_at: int = 0  # where the root element starts (where the walk stopped, without one)

    @property
    def declaration(self) -> str | None:
        """The DTD declaration to name in a message (its first 200 characters)."""
        return self.stray or (self.doctype[:200] if self.doctype else None)

    @property
    def external_id(self) -> str:
        """The DOCTYPE without its internal subset: name and public/system identifiers."""
        if self.doctype is None:
            return ""
        return self.doctype.replace(f"[{self.subset}]", " ", 1) if self.subset is not None else self.doctype


def inspect_prolog(text: str) -> Prolog:
    """Walk `text`'s prolog as an XML parser would, up to the root element."""
    pos, end = 0, len(text)
    spans: list[tuple[int, int]] = []
    doctype: tuple[int, int, tuple[int, int] | None] | None = None

    def found(root: str | None, at: int, stray: str | None = None) -> Prolog:
        if doctype is None:
            return Prolog(root, None, None, stray, tuple(spans), at)
        start, stop, subset = doctype
        inner = text[subset[0] : subset[1]] if subset else None
        return Prolog(root, text[start:stop], inner, stray, tuple(spans), at)

    while pos < end:
        pos = _SPACE.match(text, pos).end()
        closer = "?>" if text.startswith("<?", pos) else "-->" if text.startswith("<!--", pos) else None
        if closer:
            close = text.find(closer, pos + 2)
            if close < 0:
                return found(None, pos)
            spans.append((pos, close + len(closer)))
            pos = close + len(closer)
        elif text.startswith("<!", pos):
            if doctype is None and _DOCTYPE.match(text, pos):
                parts = _doctype_end(text, pos + len("<!DOCTYPE"))
                if parts is not None:
                    doctype = (pos, parts[0], parts[1])
                    spans.append((pos, parts[0]))
                    pos = parts[0]
                    continue
            if _DECLARATION.match(text, pos):  # a second DOCTYPE, an unclosed one, a bare <!ENTITY...
                return found(None, pos, text[pos : pos + 200])
            return found(None, pos)  # e.g. <![CDATA[ before the root: a parse error, nothing declared
        else:
            root = _ROOT_START.match(text, pos)
            return found(root.group(1) if root else None, pos)
    return found(None, pos)


def _doctype_end(text: str, pos: int) -> tuple[int, tuple[int, int] | None] | None:
    """Index just past the DOCTYPE whose keyword ends at `pos`, and its internal subset's span."""
    subset = None
    while True:
        pos = _PLAIN_IN_DOCTYPE.match(text, pos).end()
        if pos >= len(text):
            return None
        char = text[pos]
        if char == ">":
            return pos + 1, subset
        if char == "[" and subset is None:
            close = _subset_end(text, pos + 1)
            if close is None:
                return None
            subset, pos = (pos + 1, close), close + 1
        elif char == "[":
            return None
        else:
            close = text.find(char, pos + 1)  # a quoted public or system identifier
            if close < 0:
                return None
            pos = close + 1


def _subset_end(text: str, pos: int) -> int | None:
    """Index of the `]` closing the internal subset that starts at `pos`.

    Quoted literals, comments and processing instructions may hold `]`; each
    is skipped with one find, so a hostile subset costs linear time.
    """
    while True:
        pos = _PLAIN_IN_SUBSET.match(text, pos).end()
        if pos >= len(text):
            return None
        char = text[pos]
        if char == "]":
            return pos
        if char in "\"'":
            opener, closer = char, char
        elif text.startswith("<!--", pos):
            opener, closer = "<!--", "-->"
        elif text.startswith("<?", pos):
            opener, closer = "<?", "?>"
        else:
            pos += 1
            continue
        close = text.find(closer, pos + len(opener))
        if close < 0:
            return None
        pos = close + len(closer)


def declared_entities(subset: str | None) -> dict[str, str]:
    """The internal general entities an internal DTD subset declares: name -> replacement text.

    Expat reads the declarations (and only them: nothing is expanded here);
    anything that is not an internal general entity, or a reference to a
    parameter entity, raises UnsafeDoctype.
    """
    if not subset:
        return {}
    entities: dict[str, str] = {}
    parser = expat.ParserCreate()

    def entity(name: str, is_parameter: int, value: str | None, base, system_id, public_id, notation) -> None:
        if is_parameter:
            raise UnsafeDoctype(f"declares a parameter entity %{name}")
        if value is None:
            kind = f"an unparsed entity {name} (NDATA {notation})" if notation else f"an external entity {name}"
            raise UnsafeDoctype(f"declares {kind} ({system_id!r})")
        entities.setdefault(name, value)

    def unparsed(name: str, base, system_id, public_id, notation) -> None:
        raise UnsafeDoctype(f"declares an unparsed entity {name} (NDATA {notation}, {system_id!r})")

    def parameter_reference() -> int:
        raise UnsafeDoctype("refers to a parameter entity, whose declarations we do not read")

    parser.EntityDeclHandler = entity
    parser.UnparsedEntityDeclHandler = unparsed
    parser.NotStandaloneHandler = parameter_reference
    parser.ExternalEntityRefHandler = lambda *_: 0  # never called without parameter entity parsing; never fetch
    try:
        parser.Parse(f"<!DOCTYPE d [{subset}]><d/>", True)
    except expat.ExpatError as error:
        raise UnsafeDoctype(f"has an internal subset expat cannot read ({error})") from None
    return entities


def expand_entities(entities: dict[str, str]) -> dict[str, str]:
    """Each entity's replacement text with the entities it refers to written in, within the limits."""
    expanded: dict[str, tuple[str, int]] = {}  # name -> (text, nesting depth)
    in_progress: set[str] = set()

    def expand(name: str) -> tuple[str, int]:
        if name in expanded:
            return expanded[name]
        if name in in_progress:
            raise UnsafeDoctype(f"declares entity {name} in terms of itself")
        if len(in_progress) >= MAX_ENTITY_DEPTH:  # checked on the way down: a long chain must not recurse far
            raise UnsafeDoctype(f"nests entities more than {MAX_ENTITY_DEPTH} deep, as in {name}")
        in_progress.add(name)
        depth = 1

        def inner(reference: re.Match[str]) -> str:
            nonlocal depth
            if reference.group(1) not in entities:
                return reference.group(0)  # predefined or undeclared: the parser's business
            text, inner_depth = expand(reference.group(1))
            depth = max(depth, inner_depth + 1)
            return text

        text = _REFERENCE.sub(inner, entities[name])
        if depth > MAX_ENTITY_DEPTH:
            raise UnsafeDoctype(f"nests entities {depth} deep (at most {MAX_ENTITY_DEPTH}), as in {name}")
        if len(text) > MAX_ENTITY_CHARS:
            raise UnsafeDoctype(f"declares entity {name} expanding to {len(text):,} characters (at most {MAX_ENTITY_CHARS:,})")
        in_progress.discard(name)
        expanded[name] = (text, depth)
        return expanded[name]

    total = 0
    for name in entities:
        total += len(expand(name)[0])
        if total > MAX_DECLARED_CHARS:
            raise UnsafeDoctype(f"declares entities expanding to more than {MAX_DECLARED_CHARS:,} characters")
    return {name: text for name, (text, _) in expanded.items()}


def check_doctype(seen: Prolog) -> dict[str, str]:
    """The expanded internal entities of `seen`'s DOCTYPE; UnsafeDoctype if anything in its prolog can do harm."""
    if seen.stray is not None:
        raise UnsafeDoctype("declares something outside one closed DOCTYPE")
    if seen.doctype is not None and not _DOCTYPE_OUTSIDE_SUBSET.fullmatch(seen.external_id):
        raise UnsafeDoctype("holds more than a name, public and system identifiers and an internal subset")
    return expand_entities(declared_entities(seen.subset))


def blank_prolog(text: str, seen: Prolog) -> str:
    """`text` with its prolog's DOCTYPE, comments and PIs blanked, keeping an XML declaration and line numbers."""
    pieces, pos = [], 0
    for start, stop in seen.markup:
        markup = text[start:stop]
        if start == 0 and markup.startswith("<?xml") and "<" not in markup[1:]:
            continue  # the XML declaration: parsers need its encoding, and it declares nothing
        pieces.extend((text[pos:start], "\n" * markup.count("\n")))
        pos = stop
    return "".join(pieces) + text[pos:] if pieces else text


def expand_references(body: str, entities: dict[str, str]) -> str:
    """`body` with each reference to one of `entities` replaced by its text, as an XML parser would.

    In content the replacement is markup; in attribute values it is text. Comments,
    CDATA sections and PIs are left alone. UnsafeDoctype if the references
    would add more than MAX_EXPANDED_CHARS characters.
    """
    if not entities:
        return body
    pieces: list[str] = []
    added, pos, end = 0, 0, len(body)
    while pos < end:
        plain = _PLAIN_IN_BODY.match(body, pos).end()
        pieces.append(body[pos:plain])
        pos = plain
        if pos >= end:
            break
        reference = _REFERENCE.match(body, pos)
        if reference:
            text = entities.get(reference.group(1), reference.group(0))
            pieces.append(text)
            added += len(text)
            pos = reference.end()
        elif body.startswith("&", pos):
            pieces.append("&")
            pos += 1
        else:
            stop, tag, tag_added = _skip_markup(body, pos, entities)
            pieces.append(tag)
            added += tag_added
            pos = stop
        if added > MAX_EXPANDED_CHARS:
            raise UnsafeDoctype(f"has entity references expanding to more than {MAX_EXPANDED_CHARS:,} characters")
    return "".join(pieces)


def _skip_markup(body: str, pos: int, entities: dict[str, str]) -> tuple[int, str, int]:
    """The markup at `pos` (a `<`): where it ends, its text with attribute references expanded, characters added."""
    for opener, closer in (("<!--", "-->"), ("<![CDATA[", "]]>"), ("<?", "?>")):
        if body.startswith(opener, pos):
            close = body.find(closer, pos + len(opener))
            stop = len(body) if close < 0 else close + len(closer)
            return stop, body[pos:stop], 0
    pieces, added, start = [], 0, pos
    pos += 1
    while True:
        plain = _PLAIN_IN_TAG.match(body, pos).end()
        pieces.append(body[pos:plain])
        if plain >= len(body) or body[plain] == ">":
            stop = min(plain + 1, len(body))
            return stop, body[start] + "".join(pieces) + body[plain:stop], added
        close = body.find(body[plain], plain + 1)
        if close < 0:  # an unclosed attribute value: leave the rest to the parser's error handling
            return len(body), body[start] + "".join(pieces) + body[plain:], added
        value = _REFERENCE.sub(lambda ref: _attribute_text(ref, entities), body[plain + 1 : close])
        added += len(value) - (close - plain - 1)
        pieces.append(body[plain] + value + body[close])
        pos = close + 1


def _attribute_text(reference: re.Match[str], entities: dict[str, str]) -> str:
    """An entity's replacement inside an attribute value: text, so its quotes and `<` are escaped."""
    text = entities.get(reference.group(1))
    return reference.group(0) if text is None else text.translate(_ATTRIBUTE_ESCAPES)


def candidate_texts(raw: bytes) -> list[str]:
    """The raw bytes decoded every way a parser might read them.

    Decoding errors are replaced, never fatal. Dropping NUL bytes and reading
    the rest as Latin-1 shows the ASCII skeleton of UTF-16 and UTF-32 documents
    whatever their alignment or byte order.
    """
    head = raw[:RAW_SCAN_BYTES]
    skeleton = head.replace(b"\x00", b"").lstrip(b"\xef\xbb\xbf\xfe\xff")  # NULs and byte order marks
    texts = [skeleton.decode("latin-1")]
    texts.extend(head.decode(encoding, "replace") for encoding in _RAW_ENCODINGS)
    # As parse.py does for the exact text: halves of UTF-16 characters must not make expat refuse a subset.
    return [_XML_ILLEGAL_CONTROLS.sub("", text) for text in texts]
