"""newsgrasp: self-hosted news intelligence.

The public API is re-exported here; everything else is internal and may move.
"""

from typing import Any

from ._version import __version__
from .dedup import NearDuplicateIndex, content_hash
from .export import export_articles
from .extract import ExtractionError, clean_article, extract_document, extract_html, parse_text_article
from .fetch import FetchConfig, Fetcher, FetchError
from .ingest import Ingester, IngestOptions, IngestSummary, ingest
from .records import (
    Actor,
    ActorActivity,
    Analysis,
    Article,
    ArticleFilter,
    Document,
    DyadPoint,
    EntityRecord,
    EventFilter,
    EventRecord,
    Failure,
    Feed,
    Hints,
    Link,
    QuoteFilter,
    QuoteRecord,
    SearchHit,
    StoredArticle,
    StoredEvent,
    StoredQuote,
    Story,
    StoryFilter,
    StoryMember,
)
from .sources import detect_kind, expand
from .store import QueryError, SQLiteStore, Store, StoreError, open_store
from .stories import ClusterConfig, StoryClusterer
from .stories import rebuild as rebuild_stories
from .understand import Analyzer, enrich_store
from .understand.actors import resolve_actor
from .urls import canonicalize_url

__all__ = [
    "Article", "ArticleFilter", "Document", "Failure", "Feed", "Hints", "Link", "SearchHit", "StoredArticle",
    "Store", "SQLiteStore", "StoreError", "QueryError", "open_store",
    "ingest", "Ingester", "IngestOptions", "IngestSummary",
    "extract_document", "extract_html", "parse_text_article", "clean_article", "ExtractionError",
    "Fetcher", "FetchConfig", "FetchError", "canonicalize_url",
    "expand", "detect_kind", "content_hash", "NearDuplicateIndex", "export_articles",
    "Story", "StoryFilter", "StoryMember", "StoryClusterer", "ClusterConfig", "rebuild_stories",
    "Analysis", "Actor", "EntityRecord", "EventRecord", "QuoteRecord", "StoredEvent", "StoredQuote",
    "EventFilter", "QuoteFilter", "ActorActivity", "DyadPoint", "Analyzer", "enrich_store", "resolve_actor",
    "create_app",
    "__version__",
]


def __getattr__(name: str) -> Any:
    # The web app pulls in FastAPI; load it only when someone asks for it.
    if name == "create_app":
        from .web import create_app

        return create_app
    raise AttributeError(f"module 'newsgrasp' has no attribute {name!r}")
