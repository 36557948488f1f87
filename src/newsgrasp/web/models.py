"""JSON shapes of the API (pydantic), and conversions from store records."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from ..records import Feed, SearchHit, StoredArticle
from ..store.base import OutletActivity


class Problem(BaseModel):
    detail: str


class ArticleOut(BaseModel):
    id: int
    title: str
    url: str | None
    source: str | None = Field(description="The outlet: the named source, else the URL's host.")
    via: str | None = Field(description="The aggregator the article was found through, if any.")
    published: datetime | None
    language: str | None
    authors: list[str]
    description: str | None
    canonical_id: int | None = Field(description="Set on a copy: the article it was folded into.")

    @classmethod
    def of(cls, stored: StoredArticle) -> ArticleOut:
        a = stored.article
        return cls(id=stored.id, title=a.title, url=a.url, source=a.outlet, via=a.via, published=a.published,
                   language=a.language, authors=list(a.authors), description=a.description,
                   canonical_id=stored.canonical_id)


class ArticleDetail(ArticleOut):
    text: str
    dateline: str | None
    urls: list[str] = Field(description="Every address the article was seen under.")
    copies: list[ArticleOut] = Field(description="Copies folded into this article, oldest first.")


class ArticlePage(BaseModel):
    items: list[ArticleOut]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null on the last.")


class SearchHitOut(BaseModel):
    id: int
    title: str
    snippet: str = Field(description="Matched words sit between \u27e6 and \u27e7.")
    url: str | None
    source: str | None
    published: datetime | None
    language: str | None
    score: float
    copies: int

    @classmethod
    def of(cls, hit: SearchHit) -> SearchHitOut:
        return cls(id=hit.id, title=hit.title, snippet=hit.snippet, url=hit.url, source=hit.source,
                   published=hit.published, language=hit.language, score=hit.score, copies=hit.copies)


class SearchPage(BaseModel):
    query: str
    items: list[SearchHitOut]
    next_cursor: str | None


class FeedOut(BaseModel):
    url: str
    title: str | None
    site_url: str | None
    last_success: datetime | None
    last_error: str | None
    last_checked: datetime | None
    healthy: bool = Field(description="Its last check succeeded.")

    @classmethod
    def of(cls, feed: Feed) -> FeedOut:
        return cls(url=feed.url, title=feed.title, site_url=feed.site_url, last_success=feed.last_success,
                   last_error=feed.last_error, last_checked=feed.last_checked, healthy=feed_healthy(feed))


def feed_healthy(feed: Feed) -> bool:
    # A failed check moves last_checked past last_success.
    if feed.last_success is None:
        return False
    return feed.last_checked is None or feed.last_success >= feed.last_checked


class OutletOut(BaseModel):
    outlet: str
    articles: int
    first: datetime | None
    last: datetime | None
    per_day: float

    @classmethod
    def of(cls, o: OutletActivity) -> OutletOut:
        return cls(outlet=o.outlet, articles=o.articles, first=o.first, last=o.last,
                   per_day=round(o.per_day, 3))


class Sources(BaseModel):
    feeds: list[FeedOut]
    outlets: list[OutletOut]


class FeedIn(BaseModel):
    url: str = Field(max_length=2000, description="An RSS/Atom/JSON feed, sitemap or OPML URL (http or https).")
    ingest: bool = Field(True, description="Also fetch it now, in the background.")


class IngestIn(BaseModel):
    urls: list[str] = Field(min_length=1, max_length=100, description="Pages, feeds or sitemaps (http/https).")


class JobOut(BaseModel):
    id: str
    state: str = Field(description="queued, running, done or failed")
    urls: list[str]
    created: datetime
    finished: datetime | None
    summary: dict[str, object] | None
    error: str | None


class FeedAdded(BaseModel):
    feed: FeedOut
    job: JobOut | None
