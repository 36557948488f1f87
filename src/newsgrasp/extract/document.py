"""Dispatching a fetched Document to the right extraction path."""

from __future__ import annotations

from dataclasses import replace

from newsgrasp.records import Article, Document, Hints

from .charset import decode_html
from .clean import clean_article
from .errors import ExtractionError
from .html import extract_html
from .sniff import looks_binary, looks_like_html
from .text import parse_text_article

_TEXTUAL_TYPES = ("text/", "application/xhtml", "application/xml", "application/json", "message/")


def _apply_hints(article: Article, hints: Hints) -> Article:
    """Fill what the content did not say from what the source already knew."""
    return replace(
        article,
        title=article.title or (hints.title or ""),
        published=article.published or hints.published,
        source=article.source or hints.source,
        authors=article.authors or list(hints.authors),
        language=article.language or hints.language,
        description=article.description or hints.summary,
    )


def extract_document(doc: Document, *, keep_html: bool = False) -> Article:
    """Turn any Document into a clean Article, dispatching on what the body is.

    HTML (by its markup, whatever the declared type) goes through
    :func:`extract_html`; plain text through :func:`parse_text_article`; a
    Document with no body but ``hints.text`` (a JSONL line) is built from its
    hints.  Raises :class:`ExtractionError` for empty, binary or unusable input.
    """
    hints = doc.hints
    body = doc.body or b""
    if not body.strip():
        if hints.text and hints.text.strip():
            article = parse_text_article(hints.text, hints)
            article = clean_article(_apply_hints(article, hints))
            article = replace(article, extractor="hints")
        else:
            raise ExtractionError("empty page", "no content and no text in hints")
    else:
        ctype = (doc.content_type or "").split(";")[0].strip().lower()
        if looks_binary(body):
            if ctype and not ctype.startswith(_TEXTUAL_TYPES):
                raise ExtractionError("unsupported content type", ctype)
            raise ExtractionError("binary content", f"{ctype or 'unknown type'}, starts with {body[:8]!r}")
        text = decode_html(body, doc.charset)
        is_html = looks_like_html(text)
        if is_html:
            article = extract_html(text, doc.url)
            article = clean_article(_apply_hints(article, hints))
        elif not ctype or ctype.startswith(_TEXTUAL_TYPES):
            if not text.strip():
                raise ExtractionError("empty page", "only whitespace")
            article = _apply_hints(parse_text_article(text, hints), hints)
            if not article.text:
                raise ExtractionError("no article text", "plain text with nothing but residue")
        else:
            raise ExtractionError("unsupported content type", ctype)
        if keep_html and is_html:
            article = replace(article, raw_html=doc.body)
    return replace(
        article,
        url=article.url or doc.url,
        fetched_at=doc.fetched_at,
        origin=doc.origin,
    )
