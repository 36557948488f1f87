"""OPML subscription lists, in and out."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape, quoteattr

from ..records import Feed
from .sitemaps import parse_xml


def parse_opml(body: bytes, url: str | None = None) -> tuple[list[Feed], str | None]:
    """Every outline with an ``xmlUrl`` (at any nesting depth) as a Feed, in document order."""
    from urllib.parse import urljoin

    try:
        root = parse_xml(body)
    except Exception as exc:
        return [], " ".join(str(exc).split()) or type(exc).__name__
    if root is None:
        return [], "no XML root element"
    feeds: list[Feed] = []
    seen: set[str] = set()
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag.rsplit("}", 1)[-1].lower() != "outline":
            continue
        attrs = {k.rsplit("}", 1)[-1].lower(): v for k, v in el.attrib.items()}
        xml_url = (attrs.get("xmlurl") or "").strip()
        if not xml_url:
            continue
        if url and url.startswith(("http://", "https://")):
            xml_url = urljoin(url, xml_url)
        if xml_url in seen:
            continue
        seen.add(xml_url)
        title = (attrs.get("title") or attrs.get("text") or "").strip() or None
        site = (attrs.get("htmlurl") or "").strip() or None
        feeds.append(Feed(url=xml_url, title=title, site_url=site))
    return feeds, None


def opml_document(feeds: Iterable[Feed], *, title: str = "newsgrasp feeds") -> str:
    """An OPML 2.0 document listing ``feeds``, for ``export --format opml``."""
    now = format_datetime(datetime.now(UTC), usegmt=True)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        "  <head>",
        f"    <title>{_esc(title)}</title>",
        f"    <dateCreated>{now}</dateCreated>",
        "  </head>",
        "  <body>",
    ]
    for feed in feeds:
        name = feed.title or feed.url
        attrs = [
            f"text={_attr(name)}",
            f"title={_attr(name)}",
            'type="rss"',
            f"xmlUrl={_attr(feed.url)}",
        ]
        if feed.site_url:
            attrs.append(f"htmlUrl={_attr(feed.site_url)}")
        lines.append("    <outline " + " ".join(attrs) + "/>")
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)


def _clean_xml_chars(text: str) -> str:
    # XML 1.0 forbids most C0 controls even when escaped; a feed title can carry them.
    return "".join(ch for ch in text if ch in "\t\n\r" or ord(ch) >= 0x20)


def _esc(text: str) -> str:
    return escape(_clean_xml_chars(text))


def _attr(text: str) -> str:
    # Newlines in attributes would be normalised to spaces by readers; keep them explicit.
    return quoteattr(_clean_xml_chars(text), {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})
