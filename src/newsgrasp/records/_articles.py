"""Typed records passed between pipeline stages.

Data flows one way: a source yields :class:`Link` (a URL still to fetch) or
:class:`Document` (bytes already in hand); fetch turns a Link into a Document;
extract turns a Document into an :class:`Article`; dedup decides whether the
Article is new or a copy; the store keeps it.  Anything that goes wrong with
one item becomes a :class:`Failure` and the run goes on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(slots=True)
class Hints:
    """Metadata a source already knows before the page is read.

    A feed entry knows its title and date, a Google News sitemap its publication
    name, a JSONL line may carry the whole text.  Extraction prefers what the
    page itself says and falls back to these.
    """

    title: str | None = None
    published: datetime | None = None
    source: str | None = None
    authors: list[str] = field(default_factory=list)
    language: str | None = None
    text: str | None = None
    summary: str | None = None


@dataclass(slots=True)
class Link:
    """A URL a source pointed at, not fetched yet."""

    url: str
    origin: str
    hints: Hints = field(default_factory=Hints)


@dataclass(slots=True)
class Document:
    """Raw content in hand: a fetched page, a file, a WARC record, a JSONL line."""

    url: str | None
    body: bytes
    origin: str
    content_type: str | None = None
    charset: str | None = None
    fetched_at: datetime | None = None
    hints: Hints = field(default_factory=Hints)


@dataclass(slots=True)
class Failure:
    """One item that could not be handled; ``reason`` is a short category."""

    target: str
    reason: str
    detail: str = ""
    origin: str = ""

    def line(self) -> str:
        return f"{self.target}: {self.reason}" + (f" ({self.detail})" if self.detail else "")


@dataclass(slots=True)
class Article:
    """A clean article: what the rest of newsgrasp works on."""

    title: str
    text: str
    url: str | None = None
    published: datetime | None = None
    authors: list[str] = field(default_factory=list)
    source: str | None = None
    via: str | None = None
    dateline: str | None = None
    language: str | None = None
    image: str | None = None
    description: str | None = None
    fetched_at: datetime | None = None
    origin: str = ""
    raw_html: bytes | None = None
    extractor: str = ""

    @property
    def outlet(self) -> str | None:
        """Who published it: the named source, else the URL's host."""
        if self.source:
            return self.source
        if self.url and "://" in self.url:
            return self.url.split("://", 1)[1].split("/", 1)[0] or None
        return None


@dataclass(slots=True)
class StoredArticle:
    """An article as the store returns it."""

    id: int
    article: Article
    content_hash: str
    canonical_id: int | None = None
    added_at: datetime | None = None

    @property
    def is_copy(self) -> bool:
        return self.canonical_id is not None


@dataclass(slots=True)
class SearchHit:
    id: int
    title: str
    snippet: str
    url: str | None
    source: str | None
    published: datetime | None
    language: str | None
    score: float
    copies: int = 0


@dataclass(slots=True)
class ArticleFilter:
    """Filters shared by search, export and listings."""

    source: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    language: str | None = None
    include_copies: bool = False
    limit: int | None = None
    offset: int = 0


@dataclass(slots=True)
class Feed:
    url: str
    title: str | None = None
    site_url: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    last_success: datetime | None = None
    last_error: str | None = None
    last_checked: datetime | None = None
