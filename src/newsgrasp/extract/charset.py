"""Turning page bytes into text without mojibake."""

from __future__ import annotations

import codecs
import re

import charset_normalizer

# Only the head matters for <meta> declarations; browsers look at the first 1024
# bytes, but real pages put long scripts first, so look a little further.
_SNIFF_BYTES = 8192

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)

# WHATWG maps these labels to windows-1252: pages that say latin-1 almost always
# mean cp1252 (curly quotes in 0x80-0x9f), and decoding as true latin-1 would
# leave C1 control characters in the text.
_WHATWG_ALIASES = {
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "iso_8859-1": "cp1252",
    "l1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "windows-1252": "cp1252",
    "x-sjis": "shift_jis",
    "gb2312": "gb18030",
    "gbk": "gb18030",
}


def _codec(label: str | None) -> str | None:
    """A Python codec name for a declared label, or None when unknown."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _WHATWG_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def declared_charset(body: bytes) -> str | None:
    """The charset named by ``<meta charset>`` or ``<meta http-equiv=Content-Type>``."""
    match = _META_CHARSET.search(body[:_SNIFF_BYTES])
    return match.group(1).decode("ascii", "replace") if match else None


def decode_html(body: bytes, declared: str | None = None) -> str:
    """Decode page bytes, trusting valid UTF-8 over a contradicting declaration.

    Order: a byte-order mark; valid UTF-8 (a non-ASCII byte sequence that is
    valid UTF-8 is almost never an accident, while pages that declare latin-1 or
    cp1252 and are really UTF-8 are common); the HTTP-declared charset, then the
    page's own ``<meta>``; charset-normalizer's guess; cp1252 with replacement.
    """
    if not body:
        return ""
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                      (codecs.BOM_UTF16_BE, "utf-16")):
        if body.startswith(bom):
            return body.decode(name, errors="replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for label in (declared, declared_charset(body)):
        codec = _codec(label)
        if codec and codec not in ("utf-8", "utf-16", "utf-32"):
            try:
                return body.decode(codec)
            except UnicodeDecodeError:
                continue
    best = charset_normalizer.from_bytes(body).best()
    if best is not None and best.encoding:
        return str(best)
    # A declared UTF-8 page with a few broken bytes is still UTF-8.
    if _codec(declared or declared_charset(body)) == "utf-8":
        return body.decode("utf-8", errors="replace")
    return body.decode("cp1252", errors="replace")
