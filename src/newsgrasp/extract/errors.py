"""The one exception extraction raises."""

from __future__ import annotations


class ExtractionError(Exception):
    """A document that cannot become an article.

    ``reason`` is a short, stable category ("empty page", "binary content",
    "no article text", "unsupported content type") so callers can count and
    group failures; ``detail`` says what exactly was seen.
    """

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
