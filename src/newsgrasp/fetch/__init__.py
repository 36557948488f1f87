"""Polite, defensive HTTP fetching: robots.txt, per-host pacing, retries, limits."""

from newsgrasp.fetch.client import Fetcher, parse_content_type, parse_retry_after
from newsgrasp.fetch.config import DEFAULT_CONTENT_TYPES, DEFAULT_USER_AGENT, FetchConfig, FetchResponse
from newsgrasp.fetch.errors import REASONS, FetchError

__all__ = [
    "DEFAULT_CONTENT_TYPES",
    "DEFAULT_USER_AGENT",
    "REASONS",
    "FetchConfig",
    "FetchError",
    "FetchResponse",
    "Fetcher",
    "parse_content_type",
    "parse_retry_after",
]
