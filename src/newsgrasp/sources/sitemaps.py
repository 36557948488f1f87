"""XML sitemaps, sitemap indexes and Google News sitemaps."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from ..records import Hints, Link
from .base import parse_datetime


@dataclass(slots=True)
class ParsedSitemap:
    links: list[Link] = field(default_factory=list)
    children: list[str] = field(default_factory=list)
    error: str | None = None


def parse_xml(body: bytes) -> Any:
    """Parse untrusted XML: no entities, no network, and recover from minor breakage."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=True)
    return etree.fromstring(body, parser=parser)


def _local(tag: Any) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].split(":")[-1].lower()


def _child(el: Any, name: str) -> Any:
    for c in el:
        if _local(c.tag) == name:
            return c
    return None


def _text(el: Any, name: str) -> str | None:
    c = _child(el, name)
    if c is None or c.text is None:
        return None
    return " ".join(c.text.split()) or None


def parse_sitemap(body: bytes, url: str) -> ParsedSitemap:
    """Links of a ``urlset``, or the child sitemap URLs of a ``sitemapindex``."""
    try:
        root = parse_xml(body)
    except Exception as exc:
        return ParsedSitemap(error=" ".join(str(exc).split()) or type(exc).__name__)
    if root is None:
        return ParsedSitemap(error="no XML root element")
    out = ParsedSitemap()
    root_name = _local(root.tag)
    if root_name == "sitemapindex":
        for sm in root:
            if _local(sm.tag) == "sitemap":
                loc = _text(sm, "loc")
                if loc:
                    out.children.append(urljoin(url, loc))
        return out
    if root_name != "urlset":
        return ParsedSitemap(error=f"root element is <{root_name}>, not <urlset>")
    for entry in root:
        if _local(entry.tag) != "url":
            continue
        loc = _text(entry, "loc")
        if not loc:
            continue
        hints = Hints()
        news = _child(entry, "news")
        if news is not None:
            hints.title = _text(news, "title")
            hints.published = parse_datetime(_text(news, "publication_date"))
            pub = _child(news, "publication")
            if pub is not None:
                hints.source = _text(pub, "name")
                hints.language = _text(pub, "language")
        if hints.published is None:
            # lastmod is when the page last changed, a weaker guess at publication.
            hints.published = parse_datetime(_text(entry, "lastmod"))
        out.links.append(Link(url=urljoin(url, loc), origin="sitemap", hints=hints))
    return out
