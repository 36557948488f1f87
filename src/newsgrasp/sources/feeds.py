"""RSS, Atom, RDF and JSON Feed: a Feed record and one Link per entry."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from ..records import Feed, Hints, Link
from .base import html_to_text, parse_datetime, struct_to_datetime

# Below this, "full content" is usually a teaser and the page is the better text.
FULL_TEXT_MIN_CHARS = 1500


@dataclass(slots=True)
class ParsedFeed:
    title: str | None = None
    site_url: str | None = None
    links: list[Link] = field(default_factory=list)
    error: str | None = None


def parse_feed(body: bytes, url: str, kind: str) -> ParsedFeed:
    """Parse a feed body; ``error`` is set only when nothing usable came out."""
    if kind == "json-feed":
        return _parse_json_feed(body, url)
    return _parse_xml_feed(body, url)


def _parse_xml_feed(body: bytes, url: str) -> ParsedFeed:
    import feedparser

    is_web = url.lower().startswith(("http://", "https://"))
    # content-location makes feedparser resolve relative entry links against the feed URL.
    headers = {"content-location": url} if is_web else {}
    parsed: Any = feedparser.parse(body, response_headers=headers)
    meta = parsed.get("feed", {}) or {}
    title = _clean(meta.get("title"))
    site = _clean(meta.get("link"))
    out = ParsedFeed(title=title, site_url=site)
    if not is_web and site and site.lower().startswith(("http://", "https://")):
        # A saved feed file: relative links belong to the site, not the local path.
        url = site
    for entry in parsed.get("entries", []) or []:
        link = _entry_url(entry, url)
        if not link:
            continue
        hints = Hints(
            title=_clean(html_to_text(entry.get("title", "") or "")) or None,
            published=struct_to_datetime(entry.get("published_parsed"))
            or struct_to_datetime(entry.get("updated_parsed"))
            or struct_to_datetime(entry.get("created_parsed")),
            source=title,
            authors=_authors(entry),
            summary=_summary(entry),
            language=_clean(meta.get("language")),
        )
        full = _full_text(entry)
        if full:
            hints.text = full
        out.links.append(Link(url=link, origin="feed", hints=hints))
    if parsed.get("bozo") and not out.links:
        # Malformed but with entries is normal on the web; malformed and empty is broken.
        exc = parsed.get("bozo_exception")
        out.error = " ".join(str(exc).split()) if exc is not None else "unparseable feed"
    return out


def _entry_url(entry: Any, base: str) -> str | None:
    link = entry.get("link")
    if not link:
        for alt in entry.get("links", []) or []:
            if alt.get("rel", "alternate") == "alternate" and alt.get("href"):
                link = alt["href"]
                break
    if not link:
        # RSS guids with isPermaLink default to being the URL.
        guid = entry.get("id") or ""
        if guid.startswith(("http://", "https://")):
            link = guid
    if not link:
        return None
    resolved = urljoin(base, link.strip())
    if not resolved.lower().startswith(("http://", "https://")) and "://" not in link:
        return None
    return resolved


def _authors(entry: Any) -> list[str]:
    names: list[str] = []
    for author in entry.get("authors", []) or []:
        name = _clean(author.get("name") if isinstance(author, dict) else str(author))
        if name and name not in names:
            names.append(name)
    if not names:
        name = _clean(entry.get("author"))
        if name:
            names.append(name)
    return names


def _summary(entry: Any) -> str | None:
    summary = entry.get("summary")
    if not summary:
        return None
    return html_to_text(summary) or None


def _full_text(entry: Any) -> str | None:
    best = ""
    for content in entry.get("content", []) or []:
        value = content.get("value") or ""
        if len(value) > len(best):
            best = value
    if len(best) <= FULL_TEXT_MIN_CHARS:
        return None
    text = html_to_text(best)
    return text if len(text) > FULL_TEXT_MIN_CHARS else None


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _parse_json_feed(body: bytes, url: str) -> ParsedFeed:
    """JSON Feed 1.0/1.1 (feedparser 6 does not read it)."""
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError) as exc:
        return ParsedFeed(error=f"invalid JSON: {exc}")
    if not isinstance(data, dict) or not isinstance(data.get("items", []), list):
        return ParsedFeed(error="not a JSON Feed object")
    title = _clean(data.get("title"))
    out = ParsedFeed(title=title, site_url=_clean(data.get("home_page_url")))
    feed_authors = _json_authors(data)
    language = _clean(data.get("language"))
    for item in data.get("items", []):
        if not isinstance(item, dict):
            continue
        link = item.get("url") or item.get("external_url")
        if not link and str(item.get("id", "")).startswith(("http://", "https://")):
            link = item["id"]
        if not isinstance(link, str) or not link.strip():
            continue
        summary = item.get("summary")
        html = item.get("content_html")
        text = item.get("content_text")
        hints = Hints(
            title=_clean(item.get("title")),
            published=parse_datetime(item.get("date_published")) or parse_datetime(item.get("date_modified")),
            source=title,
            authors=_json_authors(item) or feed_authors,
            summary=html_to_text(summary) if isinstance(summary, str) and summary else None,
            language=_clean(item.get("language")) or language,
        )
        full = text if isinstance(text, str) else html_to_text(html) if isinstance(html, str) else ""
        if len(full) > FULL_TEXT_MIN_CHARS:
            hints.text = full.strip()
        out.links.append(Link(url=urljoin(url, link.strip()), origin="feed", hints=hints))
    return out


def _json_authors(obj: dict[str, Any]) -> list[str]:
    raw = obj.get("authors")
    if not isinstance(raw, list):
        raw = [obj["author"]] if isinstance(obj.get("author"), dict) else []
    names = []
    for a in raw:
        name = _clean(a.get("name")) if isinstance(a, dict) else None
        if name:
            names.append(name)
    return names


def feed_record(url: str, parsed: ParsedFeed, previous: Feed | None, **fields: Any) -> Feed:
    """A Feed record that keeps what an earlier run knew when this one learnt less."""
    feed = Feed(
        url=url,
        title=parsed.title or (previous.title if previous else None),
        site_url=parsed.site_url or (previous.site_url if previous else None),
    )
    if previous is not None:
        feed.etag = previous.etag
        feed.last_modified = previous.last_modified
        feed.last_success = previous.last_success
    for key, value in fields.items():
        setattr(feed, key, value)
    return feed
