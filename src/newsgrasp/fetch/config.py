"""Fetcher settings and the response record."""

from __future__ import annotations

from dataclasses import dataclass, field

from newsgrasp import __version__
from newsgrasp.records import Document

__all__ = ["DEFAULT_CONTENT_TYPES", "DEFAULT_USER_AGENT", "FetchConfig", "FetchResponse"]

DEFAULT_USER_AGENT = f"newsgrasp/{__version__} (+https://github.com/newsgrasp/newsgrasp)"

# What extraction and feed parsing can use; anything else is wasted bandwidth.
DEFAULT_CONTENT_TYPES: frozenset[str] = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "application/xml",
        "text/xml",
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/x-rss+xml",
        "application/x-atom+xml",
        "application/feed+json",
        "application/json",
        "text/plain",
        # OPML lists, and sitemaps or archives served compressed: sources read these too.
        "text/x-opml",
        "application/x-opml",
        "text/x-opml+xml",
        "application/gzip",
        "application/x-gzip",
        "application/warc",
    }
)


@dataclass
class FetchConfig:
    """How politely and how defensively to fetch.  Times are in seconds."""

    user_agent: str = DEFAULT_USER_AGENT
    per_host_delay: float = 1.0
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    # Caps one request end to end; read_timeout alone resets on every byte,
    # so a server trickling bytes would otherwise hold a worker forever.
    total_timeout: float = 60.0
    max_redirects: int = 5
    max_bytes: int = 10 * 1024 * 1024
    max_retries: int = 3
    backoff_base: float = 1.0
    max_retry_after: float = 60.0
    respect_robots: bool = True
    allowed_content_types: frozenset[str] = field(default_factory=lambda: DEFAULT_CONTENT_TYPES)
    # A hostile or careless robots.txt could ask for an hour between requests.
    max_crawl_delay: float = 60.0
    # How long robots.txt answers are trusted (RFC 9309 says at most a day),
    # and how soon to ask again after a 5xx or a network error.
    robots_ttl: float = 24 * 3600.0
    robots_retry_after: float = 300.0
    robots_max_bytes: int = 512 * 1024
    # Missing Content-Type is common on small sites; let extraction sniff it.
    allow_missing_content_type: bool = True
    max_connections: int = 100

    def __post_init__(self) -> None:
        for name in ("per_host_delay", "backoff_base", "max_retry_after", "max_crawl_delay"):
            if getattr(self, name) < 0:
                raise ValueError(f"FetchConfig.{name} must be >= 0")
        for name in ("connect_timeout", "read_timeout", "total_timeout"):
            if getattr(self, name) <= 0:
                raise ValueError(f"FetchConfig.{name} must be > 0")
        if self.max_redirects < 0 or self.max_retries < 0 or self.max_bytes <= 0:
            raise ValueError("FetchConfig: max_redirects and max_retries must be >= 0, max_bytes > 0")
        self.allowed_content_types = frozenset(t.lower() for t in self.allowed_content_types)


@dataclass
class FetchResponse:
    """The outcome of one successful fetch.

    ``url`` is the final URL after redirects; ``redirects`` lists the URLs that
    answered with a redirect, in order (empty when there was none).  On a 304
    ``not_modified`` is True and ``document`` is None.
    """

    url: str
    status: int
    document: Document | None
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    redirects: list[str] = field(default_factory=list)
