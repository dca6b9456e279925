"""Hypothesis strategies shared by the fetch tests."""

from __future__ import annotations

from hypothesis import strategies as st


def _part(draw, value: int) -> str:
    style = draw(st.sampled_from(["dec", "oct", "hex", "HEX"]))
    if style == "dec":
        return str(value)
    if style == "oct":
        return "0" + format(value, "o") if value else "0"
    return ("0x" if style == "hex" else "0X") + format(value, "x" if style == "hex" else "X")


@st.composite
def spelling(draw, n: int) -> str:
    """n written as inet_aton reads it: 1-4 parts, each dec/octal/hex."""
    b = n.to_bytes(4, "big")
    count = draw(st.integers(1, 4))
    if count == 1:
        parts = [n]
    elif count == 2:
        parts = [b[0], int.from_bytes(b[1:], "big")]
    elif count == 3:
        parts = [b[0], b[1], int.from_bytes(b[2:], "big")]
    else:
        parts = list(b)
    return ".".join(_part(draw, p) for p in parts)
