"""Atom feeds of searches, built with ElementTree so every value is escaped as XML."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from ..records import SearchHit
from ..store import HIGHLIGHT_END, HIGHLIGHT_START
from .params import Filters
from .render import iso, query_string
from .security import safe_url

ATOM = "http://www.w3.org/2005/Atom"


def search_atom(base: str, query: str, flt: Filters, hits: list[SearchHit]) -> bytes:
    params = {"q": query, **flt.query()}
    page = f"{base}/search{query_string(params)}"
    feed_url = f"{base}/search.atom{query_string(params)}"
    ET.register_namespace("", ATOM)
    root = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(root, f"{{{ATOM}}}title").text = f"newsgrasp: {query}"
    ET.SubElement(root, f"{{{ATOM}}}id").text = feed_url
    ET.SubElement(root, f"{{{ATOM}}}link", rel="self", href=feed_url)
    ET.SubElement(root, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=page)
    newest = max((h.published for h in hits if h.published), default=None)
    ET.SubElement(root, f"{{{ATOM}}}updated").text = iso(newest or datetime.now(UTC))
    ET.SubElement(root, f"{{{ATOM}}}generator").text = "newsgrasp"
    for hit in hits:
        entry = ET.SubElement(root, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}title").text = _clean(hit.title)
        ET.SubElement(entry, f"{{{ATOM}}}id").text = f"{base}/articles/{hit.id}"
        original = safe_url(hit.url)
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=original or f"{base}/articles/{hit.id}")
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="related", href=f"{base}/articles/{hit.id}")
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = iso(hit.published or newest or datetime.now(UTC))
        if hit.published:
            ET.SubElement(entry, f"{{{ATOM}}}published").text = iso(hit.published)
        if hit.source:
            author = ET.SubElement(entry, f"{{{ATOM}}}author")
            ET.SubElement(author, f"{{{ATOM}}}name").text = _clean(hit.source)
        snippet = hit.snippet.replace(HIGHLIGHT_START, "").replace(HIGHLIGHT_END, "")
        ET.SubElement(entry, f"{{{ATOM}}}summary", type="text").text = _clean(snippet)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8")


def _clean(text: str) -> str:
    # XML 1.0 cannot carry most control characters, escaped or not.
    return "".join(ch for ch in text if ch in "\t\n\r" or ord(ch) >= 0x20)
