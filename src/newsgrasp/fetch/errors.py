"""The one exception the fetcher raises."""

from __future__ import annotations

__all__ = ["FetchError", "REASONS"]

# The fixed vocabulary of FetchError.reason; "http <code>" is the one pattern.
REASONS: frozenset[str] = frozenset(
    {
        "robots.txt disallows",
        "timeout",
        "too many redirects",
        "redirect loop",
        "too large",
        "rate limited",
        "connection failed",
        "unsupported content type",
        "invalid url",
    }
)


class FetchError(Exception):
    """A fetch that did not produce a usable response.

    ``reason`` is a short category fit for grouping failures (one of
    :data:`REASONS`, or ``"http <code>"``); ``detail`` says what exactly
    happened.  ``url`` is the URL that failed, when known.
    """

    def __init__(self, reason: str, detail: str = "", *, url: str | None = None, status: int | None = None):
        super().__init__(reason, detail)
        self.reason = reason
        self.detail = detail
        self.url = url
        self.status = status

    def __str__(self) -> str:
        msg = self.reason
        if self.detail:
            msg += f": {self.detail}"
        if self.url:
            msg += f" [{self.url}]"
        # Details can quote server text; keep the message on one line.
        return " ".join(msg.split())

    def __repr__(self) -> str:
        return f"FetchError(reason={self.reason!r}, detail={self.detail!r}, url={self.url!r})"
