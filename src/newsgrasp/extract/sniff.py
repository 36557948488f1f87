"""Telling HTML, plain text and binary content apart by looking at the bytes."""

from __future__ import annotations

import re

_MAGIC = (
    b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b", b"BZh",
    b"\xfd7zXZ", b"7z\xbc\xaf", b"Rar!", b"RIFF", b"OggS", b"ID3", b"\x00\x00\x01\x00",
    b"wOFF", b"wOF2", b"\x7fELF", b"MZ",
)
_SNIFF = 2048
_HTML_MARKERS = re.compile(
    r"<(?:!doctype\s+html|html|head|body|meta|title|div|p|article|section|main|span|a|table|br|h[1-6]|script|link)\b",
    re.I,
)


def looks_binary(body: bytes) -> bool:
    """Magic numbers of common binary formats, or control bytes text never has."""
    head = body[:_SNIFF]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 text with a BOM
        return False
    if head.startswith(_MAGIC):
        return True
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls > max(4, len(head) // 50)


def looks_like_html(text: str) -> bool:
    """Whether a decoded document is markup rather than plain text."""
    return bool(_HTML_MARKERS.search(text[:_SNIFF * 2]))
