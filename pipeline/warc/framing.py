"""A WARC file split into records, each checked against its own framing.

A WARC record is a header block (`WARC/1.x`, `Content-Length: N`, a blank
line), N bytes of content and a blank line; in a `.warc.gz` file every record
is a gzip member of its own. Neither FastWARC nor warcio reads on past a
damaged gzip member, and FastWARC stops at (warcio silently mis-reads across)
a record whose Content-Length lies (`bench/warc_bench.py` shows both). So
wirebeam frames records itself, byte for byte, and hands each whole record to
FastWARC to parse (records.py):

- gzip: one member at a time (zlib, output bounded by `keep`); a member that
  does not inflate is one `corrupt`/`truncated` frame, and reading goes on at
  the next gzip header followed by a `WARC/` record;
- uncompressed: Content-Length, then the record's end marker; a record whose
  marker is not where its Content-Length says is one `bad_length` frame, and
  reading goes on at the next `WARC/1.` line.

Only the first `keep` bytes of a content block are ever held: a 2 GB record
costs its inflation (gzip) or a seek (uncompressed), never its size in memory.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

GZIP_MAGIC = b"\x1f\x8b\x08"
WARC_MAGIC = b"WARC/"
END_OF_RECORD = b"\r\n\r\n"
MAX_HEADER_BYTES = 64 * 1024  # a WARC header block longer than this is not a header
READ_CHUNK = 256 * 1024
INFLATE_STEP = 1024 * 1024  # most bytes one inflate call may return
RESYNC_WINDOW = 4 * 1024 * 1024  # raw bytes kept behind a member's start, to look for the next one

_CONTENT_LENGTH = re.compile(rb"(?im)^content-length:[ \t]*(\d+)[ \t]*\r?$")
_NEXT_RECORD = re.compile(rb"(?:^|\n)(WARC/1\.\d)\r?\n")


class NotWarc(Exception):
    """The file is not a WARC file (neither gzip members of WARC records nor WARC records)."""


@dataclass(frozen=True)
class Frame:
    """One record, or one damaged stretch of the file (`problem` set).

    `block` is the first bytes of the content block (at most `keep`), `length`
    what the header declares; `offset` is where the record (its gzip member)
    starts in the file."""

    offset: int
    header: bytes = b""
    block: bytes = b""
    length: int = 0
    problem: str | None = None  # truncated | corrupt | bad_length | bad_record | not_per_record
    detail: str = ""


def content_length(header: bytes) -> int | None:
    found = _CONTENT_LENGTH.search(header)
    return int(found.group(1)) if found else None


class _Input:
    """The file's bytes as they are read, with their offsets: a window `buf` starting at `base`."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self.buf = bytearray()
        self.base = 0
        self.eof = False

    @property
    def end(self) -> int:
        return self.base + len(self.buf)

    def more(self) -> bool:
        if self.eof:
            return False
        chunk = self._stream.read(READ_CHUNK)
        if not chunk:
            self.eof = True
            return False
        self.buf += chunk
        return True

    def have(self, until: int) -> bool:
        """Bytes up to `until` are in the window (reading as needed); False at end of file."""
        while self.end < until:
            if not self.more():
                return False
        return True

    def bytes(self, start: int, stop: int) -> bytes:
        return bytes(self.buf[start - self.base: stop - self.base])

    def drop_before(self, offset: int) -> None:
        cut = min(offset, self.end) - self.base
        if cut > 0:
            del self.buf[:cut]
            self.base += cut

    def _seekable(self) -> bool:
        return bool(getattr(self._stream, "seekable", lambda: False)())

    def skip_to(self, offset: int) -> bool:
        """Move the window to `offset` without holding the bytes between (a seek when the stream can)."""
        if offset <= self.end:
            self.drop_before(offset)
            return True
        self.base, self.buf = self.end, bytearray()
        if self._seekable():
            self._stream.seek(offset)  # past the end of the file: the next read says so
            self.base = offset
            return True
        while self.base < offset:
            chunk = self._stream.read(min(READ_CHUNK, offset - self.base))
            if not chunk:
                self.eof = True
                return False
            self.base += len(chunk)
        return True

    def rewind(self, offset: int) -> bool:
        """Back to `offset` (after a skip), when the stream can seek; False when it cannot."""
        if offset >= self.base:
            return True
        if not self._seekable():
            return False
        self._stream.seek(offset)
        self.base, self.buf, self.eof = offset, bytearray(), False
        return True

    def find(self, pattern: bytes | re.Pattern, start: int, within: int | None = None,
             before: int | None = None) -> int | None:
        """Offset of the next `pattern` at or after `start`: within `within` bytes of it (everything
        read is held), or anywhere before `before` (the window slides on, dropping what was searched).
        None if absent."""
        at = max(start, self.base)
        while True:
            view = self.buf[at - self.base:]
            if isinstance(pattern, bytes):
                hit = view.find(pattern)
                found = None if hit < 0 else at + hit
            else:
                match = pattern.search(view)
                found = None if match is None else at + match.start(1)
            if found is not None:
                near = within is None or found - start <= within
                return found if near and (before is None or found < before) else None
            if within is not None and self.end - start > within:
                return None
            if before is not None and self.end - 16 >= before:  # no match can start before `before` now
                return None
            if within is None:
                at = max(at, self.end - 16)  # a pattern may straddle two reads
                self.drop_before(at)
            if not self.more():
                return None


def frames(stream: BinaryIO, keep: int, start: int = 0, end: int | None = None) -> Iterator[Frame]:
    """The records of a WARC file (gzip per record, or uncompressed), in order.

    `start`/`end`: one byte range of a `.warc.gz` (a split; sources.py): the records whose gzip member
    starts in [start, end), found from `start` on by the next member holding a WARC record. An
    uncompressed file is read whole by its first split. Raises NotWarc when the file starts like neither."""
    source = _Input(stream)
    if start:
        stream.seek(start)
        source.base = start
        yield from _gzip_frames(source, keep, _next_member(source, start, end), end)
        return
    source.have(len(GZIP_MAGIC))
    head = source.bytes(0, len(WARC_MAGIC))
    if head.startswith(GZIP_MAGIC):
        yield from _gzip_frames(source, keep, 0, end)
    elif head.startswith(WARC_MAGIC):
        yield from _plain_frames(source, keep)
    elif not head:
        return  # an empty file has no records
    else:
        raise NotWarc(f"starts with {head!r}, neither a gzip member nor a WARC record")


# ---------------------------------------------------------------------------------------------- gzip

FEED = 32 * 1024  # compressed bytes handed to zlib at a time


@dataclass
class _Member:
    data: bytes  # the first inflated bytes, at most the budget
    size: int  # inflated bytes in all
    end: int | None  # offset just past the member; None when it did not inflate to its end
    error: str | None  # zlib's complaint; None for a member cut by the end of the file


def _inflate(source: _Input, start: int, budget: int) -> _Member:
    inflater = zlib.decompressobj(31)  # one gzip member
    kept: list[bytes] = []
    held = size = 0
    at = start
    while True:
        if at >= source.end and not source.more():
            return _Member(b"".join(kept), size, None, None)
        data = source.bytes(at, min(source.end, at + FEED))
        at += len(data)
        try:
            while data:
                piece = inflater.decompress(data, INFLATE_STEP)
                data = inflater.unconsumed_tail
                size += len(piece)
                if held < budget:
                    kept.append(piece[: budget - held])
                    held += len(kept[-1])
                if inflater.eof:
                    return _Member(b"".join(kept), size, at - len(inflater.unused_data) - len(data), None)
        except zlib.error as error:
            return _Member(b"".join(kept), size, None, str(error))
        if at - source.base > RESYNC_WINDOW:  # a long member: its raw bytes are not held
            source.drop_before(at - READ_CHUNK)


def _gzip_frames(source: _Input, keep: int, at: int | None, end: int | None) -> Iterator[Frame]:
    budget = keep + 2 * MAX_HEADER_BYTES  # room for the WARC and HTTP headers beside `keep` bytes of content
    first = at == 0
    while at is not None and (end is None or at < end) and source.have(at + 1):
        if at - source.base > READ_CHUNK:
            source.drop_before(at)
        member = _inflate(source, at, budget)
        if member.end is not None and member.data.startswith(WARC_MAGIC):
            yield from _member_records(at, member, budget, keep)
            at, first = member.end, False
            continue
        if first and member.end is not None:
            raise NotWarc(f"its first gzip member holds {member.data[:20]!r}, not a WARC record")
        first = False
        resume = _next_member(source, at + 1, end)
        if member.end is not None:
            problem, why = "bad_record", "holds no WARC record"
        elif member.error is None:
            problem, why = "truncated", "is cut short by the end of the file"
        else:
            problem, why = "corrupt", f"does not inflate ({member.error})"
        yield Frame(at, problem=problem, detail=f"the gzip member at byte {at:,} {why}"
                    + ("" if resume is None else f"; reading went on at byte {resume:,}"))
        if resume is None:
            return
        at = resume


def _next_member(source: _Input, after: int, before: int | None = None) -> int | None:
    """The next offset where a gzip member holding a WARC record starts, if before `before` (a split's
    end: the next split looks for it from there, so the bytes after the split are never scanned)."""
    at = after
    while True:
        found = source.find(GZIP_MAGIC, at, before=before)
        if found is None:
            return None
        source.have(found + FEED)
        try:
            head = zlib.decompressobj(31).decompress(source.bytes(found, found + FEED), len(WARC_MAGIC))
        except zlib.error:
            head = b""
        if head == WARC_MAGIC:
            return found
        at = found + 1


def _member_records(offset: int, member: _Member, budget: int, keep: int) -> Iterator[Frame]:
    """The record of one gzip member (the WARC standard's `.warc.gz`: one record a member), checked
    against the member's size; a member holding more records (a small file gzipped whole) is read
    record by record, in a loop: thousands of records in one member are neither a deep recursion
    nor a copy of the rest per record."""
    data, size, at = member.data, member.size, 0
    while True:
        split = data.find(END_OF_RECORD, at, at + MAX_HEADER_BYTES)
        if split < 0:
            yield Frame(offset, problem="bad_record", detail=f"the record at byte {offset:,} has no end to its header block")
            return
        body_start = split + len(END_OF_RECORD)
        header = data[at:body_start]
        length = content_length(header)
        if length is None:
            yield Frame(offset, header=header, problem="bad_record",
                        detail=f"the record at byte {offset:,} declares no Content-Length")
            return
        body_end = body_start + length
        frame = Frame(offset, header=header, block=data[body_start: min(body_end, body_start + keep)], length=length)
        if size < body_end:
            yield Frame(offset, header=header, length=length, problem="bad_length", detail=(
                f"the record at byte {offset:,} declares Content-Length {length:,} but its gzip member holds "
                f"{max(0, size - body_start - len(END_OF_RECORD)):,} bytes of content"))
            return
        if size > budget:  # more than is held: one big record, or a whole file in one gzip stream
            yield frame
            if body_end + len(END_OF_RECORD) < len(data):
                yield Frame(offset, problem="not_per_record", detail=(
                    f"the gzip member at byte {offset:,} holds {size:,} bytes of records: the file is one gzip "
                    "stream, not one member per record as the WARC standard has it; recompress it record by record "
                    "(e.g. `warcio recompress`) and read it again"))
            return
        if data.startswith(END_OF_RECORD + WARC_MAGIC, body_end):  # records sharing a member
            yield frame
            at = body_end + len(END_OF_RECORD)
            continue
        if data[body_end:].strip(b"\r\n"):
            yield Frame(offset, header=header, length=length, problem="bad_length", detail=(
                f"the record at byte {offset:,} declares Content-Length {length:,} but its gzip member holds "
                f"{size - body_start - len(END_OF_RECORD):,} bytes of content"))
        else:
            yield frame
        return


# ---------------------------------------------------------------------------------------------- plain


def _plain_frames(source: _Input, keep: int) -> Iterator[Frame]:
    at = 0
    while True:
        if at - source.base > READ_CHUNK:
            source.drop_before(at)
        if not source.have(at + 1):
            return
        split = source.find(END_OF_RECORD, at, within=MAX_HEADER_BYTES)
        header_end = None if split is None else split + len(END_OF_RECORD)
        if header_end is None or source.bytes(at, at + len(WARC_MAGIC)) != WARC_MAGIC:
            resume = _next_plain_record(source, at + 1)
            cut = header_end is None and resume is None
            yield Frame(at, problem="truncated" if cut else "bad_record", detail=(
                f"the file ends inside the header block at byte {at:,}" if cut
                else f"no WARC record header at byte {at:,}"
                + ("" if resume is None else f"; reading went on at byte {resume:,}")))
            if resume is None:
                return
            at = resume
            continue
        header = source.bytes(at, header_end)
        length = content_length(header)
        body_end = None if length is None else header_end + length
        block = b""
        if length is not None:
            kept = min(length, keep)
            source.have(header_end + kept)
            block = source.bytes(header_end, header_end + kept)
            if (len(block) == kept and source.skip_to(body_end) and source.have(body_end + len(END_OF_RECORD))
                    and source.bytes(body_end, body_end + len(END_OF_RECORD)) == END_OF_RECORD):
                yield Frame(at, header=header, block=block, length=length)
                at = body_end + len(END_OF_RECORD)
                while source.have(at + 2) and source.bytes(at, at + 2) == b"\r\n":  # extra blank lines
                    at += 2
                continue
        source.rewind(header_end)
        resume = _next_plain_record(source, header_end)
        if length is None:
            problem, why = "bad_record", "declares no Content-Length"
        elif resume is None and source.eof:
            problem, why = "truncated", f"declares {length:,} bytes of content, and the file ends before they do"
        else:
            problem, why = "bad_length", f"declares Content-Length {length:,} but does not end there"
        yield Frame(at, header=header, length=length or 0, problem=problem,
                    detail=f"the record at byte {at:,} {why}"
                    + ("" if resume is None else f"; reading went on at byte {resume:,}"))
        if resume is None:
            return
        at = resume


def _next_plain_record(source: _Input, after: int) -> int | None:
    return source.find(_NEXT_RECORD, after)
