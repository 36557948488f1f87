"""The storage interface every backend implements.

The pipeline, the CLI and (later) the web layer talk to a :class:`Store` only;
SQL lives in the backends.  A PostgreSQL backend implements the same methods.
"""

from __future__ import annotations

import abc
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from ..records import Article, ArticleFilter, Feed, SearchHit, StoredArticle
from .base_stories import StoryStore
from .base_understand import UnderstandStore


class StoreError(Exception):
    """A storage problem a user can act on (bad path, newer schema, ...)."""


class QueryError(StoreError):
    """A search query the full-text engine cannot parse."""


class Store(StoryStore, UnderstandStore, abc.ABC):
    """Articles, their copies, feeds, and full-text search."""

    # -- lifecycle -----------------------------------------------------------
    @abc.abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writes --------------------------------------------------------------
    @abc.abstractmethod
    def add_article(
        self,
        article: Article,
        *,
        content_hash: str,
        urls: Sequence[str] = (),
        canonical_id: int | None = None,
        signature: bytes | None = None,
    ) -> int:
        """Store one article (a copy when ``canonical_id`` is given); returns its id.

        ``urls`` are every address it was seen under (requested, redirected,
        canonical); each maps to this article from then on.  ``signature`` is
        the serialised MinHash kept so near-duplicate detection survives restarts.
        Committed before returning: an interrupted run loses nothing stored.
        """

    @abc.abstractmethod
    def add_urls(self, article_id: int, urls: Sequence[str]) -> None:
        """Record more addresses for a stored article (an exact duplicate seen elsewhere)."""

    @abc.abstractmethod
    def make_canonical(self, article_id: int, group: Sequence[int]) -> None:
        """Make ``article_id`` the canonical of every article in ``group`` (and their copies)."""

    @abc.abstractmethod
    def update_article(self, article_id: int, article: Article, *, content_hash: str,
                       signature: bytes | None = None) -> None:
        """Replace an article's extracted fields (re-extraction); keeps id, urls and copies."""

    @abc.abstractmethod
    def upsert_feed(self, feed: Feed) -> None: ...

    @abc.abstractmethod
    def note_skipped_url(self, url: str, reason: str) -> None:
        """Remember a page that holds no article, so later runs need not fetch it."""

    # -- reads ---------------------------------------------------------------
    @abc.abstractmethod
    def article_id_for_url(self, url: str) -> int | None: ...

    @abc.abstractmethod
    def article_id_for_hash(self, content_hash: str) -> int | None: ...

    @abc.abstractmethod
    def skipped_url_reason(self, url: str) -> str | None:
        """Why a URL noted with :meth:`note_skipped_url` holds no article, or None."""

    @abc.abstractmethod
    def get(self, article_id: int) -> StoredArticle | None: ...

    @abc.abstractmethod
    def urls(self, article_id: int) -> list[str]: ...

    @abc.abstractmethod
    def copies(self, article_id: int) -> list[StoredArticle]:
        """The copies folded into a canonical article, oldest first."""

    @abc.abstractmethod
    def search(self, query: str, flt: ArticleFilter | None = None) -> list[SearchHit]:
        """Ranked full-text search over title and text; raises QueryError on bad syntax."""

    @abc.abstractmethod
    def iter_articles(self, flt: ArticleFilter | None = None) -> Iterator[StoredArticle]:
        """Stream articles (canonical ones unless ``include_copies``), oldest id first."""

    @abc.abstractmethod
    def count_articles(self, *, include_copies: bool = True) -> int: ...

    @abc.abstractmethod
    def iter_signatures(self) -> Iterator[tuple[int, bytes, datetime | None]]:
        """(id, MinHash signature, date) of every canonical article that has a signature.

        The date is the publication date, else the fetch date: near-duplicate
        detection keeps only a recent window of articles in memory.
        """

    @abc.abstractmethod
    def raw_html(self, article_id: int) -> bytes | None: ...

    @abc.abstractmethod
    def feeds(self) -> list[Feed]: ...

    @abc.abstractmethod
    def get_feed(self, url: str) -> Feed | None: ...

    @abc.abstractmethod
    def stats(self) -> dict[str, int]:
        """Counts for a dashboard: articles, canonical, copies, feeds, sources, db size."""

    @abc.abstractmethod
    def sources(self) -> list[tuple[str, int]]:
        """(outlet, article count), most articles first."""

    # -- paging and health, for the web layer ---------------------------------
    @abc.abstractmethod
    def article_page(self, flt: ArticleFilter | None = None, *, cursor: str | None = None,
                     limit: int = 50) -> tuple[list[StoredArticle], str | None]:
        """Newest articles first, ``limit`` at a time; returns them and the cursor of the next page.

        The cursor is opaque text (None when nothing follows); a bad one raises
        :class:`QueryError`.  ``flt.limit``/``flt.offset`` are ignored here.
        """

    @abc.abstractmethod
    def outlet_activity(self) -> list[OutletActivity]:
        """Every outlet with its article count, first and last article date, most articles first."""


@dataclass(slots=True)
class OutletActivity:
    """How much an outlet publishes: ``per_day`` averages over its active span (at least a day)."""

    outlet: str
    articles: int
    first: datetime | None
    last: datetime | None
    per_day: float
