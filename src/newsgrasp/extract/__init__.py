"""Extraction: bytes in a Document become a clean Article.

HTML goes through two extractors that check each other (trafilatura and
readability-lxml), plain text through a residue-aware parser; both end in the
same cleaning of aggregator and template residue.
"""

from .charset import decode_html
from .clean import clean_article, clean_body, split_dateline, strip_title_source
from .document import extract_document
from .errors import ExtractionError
from .html import extract_html, main_text
from .language import detect_language
from .text import parse_text_article

__all__ = [
    "ExtractionError",
    "clean_article",
    "clean_body",
    "decode_html",
    "detect_language",
    "extract_document",
    "extract_html",
    "main_text",
    "parse_text_article",
    "split_dateline",
    "strip_title_source",
]
