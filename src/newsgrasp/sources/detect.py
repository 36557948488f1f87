"""Tell what a body is by looking at it.

Extensions and Content-Type headers lie often enough (feeds served as
text/html, sitemaps named .txt, WARCs without .warc) that content decides;
the name and header only settle cases the bytes leave open.
"""

from __future__ import annotations

import json
import re

from .base import gunzip_prefix, is_gzip, split_content_type

KINDS = (
    "warc", "arc", "jsonl", "json-feed", "rss", "atom", "rdf", "sitemap",
    "sitemap-index", "opml", "html", "text", "binary", "empty",
)

_PREFIX = 65536

_BINARY_MAGIC = (
    b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"PK\x03\x04", b"BZh", b"\xfd7zXZ",
    b"RIFF", b"\x00\x00\x00", b"OggS", b"ID3", b"\x7fELF", b"SQLite format",
)

# Leading XML noise before the root element: declaration, PIs, comments, doctype.
_XML_NOISE = re.compile(
    r"""\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^\[>]|\[.*?\])*>)""",
    re.S | re.I,
)
_ROOT = re.compile(r"\s*<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)")
_HTML_HINT = re.compile(r"<(?:html|head|body|title|meta|p|div|article|h1|!doctype\s+html)\b", re.I)

_ROOT_KINDS = {
    "rss": "rss",
    "feed": "atom",
    "rdf": "rdf",
    "urlset": "sitemap",
    "sitemapindex": "sitemap-index",
    "opml": "opml",
    "html": "html",
}

_NAME_KINDS = (
    ((".warc", ".warc.gz"), "warc"),
    ((".arc", ".arc.gz"), "arc"),
    ((".jsonl", ".ndjson", ".jsonl.gz"), "jsonl"),
    ((".html", ".htm", ".xhtml"), "html"),
    ((".opml",), "opml"),
    ((".rss",), "rss"),
    ((".atom",), "atom"),
    ((".rdf",), "rdf"),
    ((".txt", ".text", ".md"), "text"),
)

_TYPE_KINDS = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/rss+xml": "rss",
    "application/atom+xml": "atom",
    "application/rdf+xml": "rdf",
    "application/feed+json": "json-feed",
    "application/json+feed": "json-feed",
    "text/x-opml": "opml",
    "application/warc": "warc",
    "application/x-ndjson": "jsonl",
    "application/jsonl": "jsonl",
    "text/plain": "text",
}


def detect_kind(body: bytes, *, name: str | None = None, content_type: str | None = None) -> str:
    """Classify ``body`` as one of :data:`KINDS`, looking through gzip.

    ``name`` (a file name or URL path) and ``content_type`` are used only when
    the content itself is plain text or unrecognisable XML.
    """
    lname = (name or "").lower().split("?", 1)[0].split("#", 1)[0]
    if is_gzip(body):
        inner = gunzip_prefix(body, _PREFIX)
        if not inner:
            return "binary"
        body = inner
        lname = lname.removesuffix(".gz")
    prefix = body[:_PREFIX]
    if not prefix.strip():
        return "empty"
    if prefix.startswith(b"WARC/"):
        return "warc"
    if prefix.startswith(b"filedesc://"):
        return "arc"
    text = _decode(prefix)
    if text is None:
        return "binary"
    stripped = text.lstrip()
    kind = "text"
    if stripped.startswith(("{", "[")):
        kind = _json_kind(body)
    elif stripped.startswith("<"):
        kind = _markup_kind(stripped)
    elif _HTML_HINT.search(stripped[:2048]):
        # Pages with junk (a stray BOM-less banner, server debris) before the markup.
        kind = "html"
    if kind == "text":
        return _tie_break(lname, content_type) or "text"
    return kind


_BAD_CHARS = re.compile("[\ufffd\x00-\x08\x0b\x0e-\x1f]")


def _decode(prefix: bytes) -> str | None:
    if prefix.startswith((b"\xff\xfe", b"\xfe\xff")):
        return prefix.decode("utf-16", "replace")
    if prefix.startswith(b"\xef\xbb\xbf"):
        prefix = prefix[3:]
    if any(prefix.startswith(m) for m in _BINARY_MAGIC) or b"\x00" in prefix[:4096]:
        return None
    text = prefix.decode("utf-8", "replace")
    sample = text[:4096]
    bad = len(_BAD_CHARS.findall(sample))
    # Legacy 8-bit encodings give some U+FFFD too; only a high share means binary.
    if bad > max(8, len(sample) // 10):
        return None
    return text


def _json_kind(body: bytes) -> str:
    # The whole body, not the sniffing prefix: one JSONL line with a page in it can be long.
    first, _, rest = body.lstrip(b"\xef\xbb\xbf \t\r\n").partition(b"\n")
    try:
        head = json.loads(first.decode("utf-8", "replace"))
    except ValueError:
        head = None
    if isinstance(head, dict) and rest.strip():
        # A complete object on line one and more after it: JSONL, without parsing
        # what may be a very large file as one value.
        return "jsonl"
    if head is None:
        # Pretty-printed JSON spreads one value over many lines.
        try:
            head = json.loads(body.decode("utf-8-sig", "replace"))
        except ValueError:
            return "text"
    if isinstance(head, dict):
        version = str(head.get("version", ""))
        if "jsonfeed.org" in version or (isinstance(head.get("items"), list) and "feed_url" in head):
            return "json-feed"
        return "jsonl"
    return "text"


def _markup_kind(text: str) -> str:
    pos = 0
    while True:
        m = _XML_NOISE.match(text, pos)
        if not m or m.end() == pos:
            break
        if re.match(r"\s*<!DOCTYPE\s+html", m.group(0), re.I):
            return "html"
        pos = m.end()
    m = _ROOT.match(text, pos)
    if m:
        local = m.group(2).lower()
        if local in _ROOT_KINDS:
            return _ROOT_KINDS[local]
    if _HTML_HINT.search(text[:4096]):
        return "html"
    return "text"


def _tie_break(lname: str, content_type: str | None) -> str | None:
    for suffixes, kind in _NAME_KINDS:
        if lname.endswith(suffixes):
            return kind
    mime, _ = split_content_type(content_type)
    if mime:
        return _TYPE_KINDS.get(mime)
    return None
