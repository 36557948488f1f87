"""Articles that arrive as plain text (saved pages, JSONL lines, pasted copies)."""

from __future__ import annotations

import re

from newsgrasp.records import Article, Hints

from .clean import (
    _norm,
    clean_body,
    is_breadcrumb,
    is_counter_line,
    split_dateline,
    strip_title_source,
)
from .language import detect_language

# A headline is a short line that does not end like a sentence.
_MAX_TITLE_WORDS = 30
_MAX_TITLE_CHARS = 250
_DERIVED_TITLE_CHARS = 120


def _looks_like_title(line: str) -> bool:
    if len(line) > _MAX_TITLE_CHARS or len(line.split()) > _MAX_TITLE_WORDS:
        return False
    if split_dateline(line) is not None:
        return False
    return not re.search(r"[.,;]$", line) or line.endswith("...")


def _derived_title(body: str) -> str:
    """First sentence of the body, shortened: better than no title at all."""
    first = body.split("\n", 1)[0]
    sentence = re.split(r"(?<=[.!?])\s", first, maxsplit=1)[0]
    if len(sentence) <= _DERIVED_TITLE_CHARS:
        return sentence
    return sentence[:_DERIVED_TITLE_CHARS].rsplit(" ", 1)[0] + "…"


def parse_text_article(text: str, hints: Hints | None = None) -> Article:
    """Build an article from plain text: headline, body, source, aggregator, dateline.

    The first line that looks like a headline (after breadcrumbs and share
    counters) is the title unless ``hints.title`` names one; a site name glued
    to it becomes the source.  ``hints`` fill whatever the text does not say.
    """
    hints = hints or Hints()
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    while lines and (is_breadcrumb(lines[0]) or is_counter_line(lines[0])):
        lines.pop(0)

    title_line: str | None = None
    if hints.title:
        # The source named the title: take it out of the text where it is repeated,
        # but never promote a body line to title (a JSONL text is often body only).
        wanted = _norm(strip_title_source(hints.title, hints.source)[0])
        for i, line in enumerate(lines[:5]):
            if _norm(strip_title_source(line, hints.source)[0]) == wanted:
                title_line = lines.pop(i)
                break
    elif lines and _looks_like_title(lines[0]) and len(lines) > 1:
        title_line = lines.pop(0)

    title, stripped = strip_title_source(title_line or hints.title or "", hints.source)
    body = clean_body("\n".join(lines), title or None)
    if not title and body.text:
        title = _derived_title(body.text)
    source = hints.source or stripped or body.agency
    return Article(
        title=title,
        text=body.text,
        published=hints.published,
        authors=list(hints.authors),
        source=source,
        via=body.via,
        dateline=body.dateline,
        language=detect_language(body.text) or hints.language,
        description=hints.summary,
        extractor="text",
    )
