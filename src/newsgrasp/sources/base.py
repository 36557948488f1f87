"""Shared pieces of the source readers: the fetcher protocol and small parsers."""

from __future__ import annotations

import re
import zlib
from datetime import UTC, datetime
from typing import Any, Protocol

# Decompressed bodies are held in memory; this caps a gzip bomb in a sitemap or feed.
MAX_GUNZIP_BYTES = 256 * 1024 * 1024


class FetchLike(Protocol):
    """What the sources need from a fetcher; ``newsgrasp.fetch.Fetcher`` satisfies it.

    ``fetch`` returns an object with ``.document`` (a records.Document, or None
    when ``.not_modified``), ``.not_modified``, ``.etag``, ``.last_modified``
    and ``.url``; it raises an exception carrying ``.reason`` on failure.
    """

    def fetch(
        self,
        url: str,
        *,
        origin: str = ...,
        etag: str | None = ...,
        last_modified: str | None = ...,
    ) -> Any: ...


def utc_now() -> datetime:
    return datetime.now(UTC)


def is_gzip(body: bytes) -> bool:
    return body[:2] == b"\x1f\x8b"


def gunzip(body: bytes, limit: int = MAX_GUNZIP_BYTES) -> bytes:
    """Decompress every gzip member in ``body`` (concatenated members are legal)."""
    out = bytearray()
    data = body
    while data:
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        out += d.decompress(data, max(limit - len(out), 1))
        if len(out) >= limit:
            raise ValueError(f"decompressed size exceeds {limit} bytes")
        if not d.eof:
            # A truncated member: keep what came out rather than losing the lot.
            break
        data = d.unused_data.lstrip(b"\x00")
        if data and not is_gzip(data):
            break
    return bytes(out)


def gunzip_prefix(body: bytes, size: int = 65536) -> bytes:
    """Enough of a gzip body to recognise what is inside; never raises."""
    try:
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        return d.decompress(body[: size * 4 + 1024], size)
    except zlib.error:
        return b""


_DATE_ONLY = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def parse_datetime(value: Any) -> datetime | None:
    """A W3C/ISO 8601 date or epoch seconds as an aware datetime; naive ones are taken as UTC."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(float(value), UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text:
        return None
    if _DATE_ONLY.match(text):
        parts = [int(p) for p in text.split("-")] + [1, 1]
        try:
            return datetime(parts[0], parts[1], parts[2], tzinfo=UTC)
        except ValueError:
            return None
    dt: datetime | None
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        dt = _parse_rfc822(text)
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt


def _parse_rfc822(text: str) -> datetime | None:
    from email.utils import parsedate_to_datetime

    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


def struct_to_datetime(value: Any) -> datetime | None:
    """feedparser's ``*_parsed`` fields are UTC struct_times."""
    if not value:
        return None
    try:
        year, month, day, hour, minute, second = (int(v) for v in value[:6])
        return datetime(year, month, day, hour, minute, min(second, 59), tzinfo=UTC)
    except (TypeError, ValueError):
        return None


_BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "pre", "table", "tr", "section", "article", "figure", "figcaption", "hr",
}


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment, one paragraph per line (feeds carry HTML summaries)."""
    if "<" not in fragment and "&" not in fragment:
        return fragment.strip()
    try:
        import lxml.html

        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except Exception:
        return re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", fragment)).strip()
    for bad in root.xpath("//script|//style"):
        bad.drop_tree()
    pieces: list[str] = []

    def walk(el: Any) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in _BLOCK_TAGS:
            pieces.append("\n")
        if el.text and tag:
            pieces.append(el.text)
        for child in el:
            walk(child)
        if tag in _BLOCK_TAGS:
            pieces.append("\n")
        if el.tail:
            pieces.append(el.tail)

    walk(root)
    lines = (re.sub(r"[ \t\r\f\v\xa0]+", " ", ln).strip() for ln in "".join(pieces).split("\n"))
    return "\n".join(ln for ln in lines if ln)


def split_content_type(value: str | None) -> tuple[str | None, str | None]:
    """``text/html; charset=UTF-8`` → (``text/html``, ``utf-8``)."""
    if not value:
        return None, None
    parts = [p.strip() for p in value.split(";")]
    mime = parts[0].lower() or None
    charset = None
    for p in parts[1:]:
        key, _, val = p.partition("=")
        if key.strip().lower() == "charset" and val.strip():
            charset = val.strip().strip("\"'").lower()
    return mime, charset
