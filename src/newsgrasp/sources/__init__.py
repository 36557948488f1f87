"""Sources: where news comes from.

A source spec (a file, a folder, or an http(s) URL) expands into Links to
fetch, Documents already in hand, Feed records for subscriptions, and
Failures for what could not be read.  Content decides what a thing is; file
extensions and Content-Type headers only break ties.
"""

from .base import FetchLike
from .detect import KINDS, detect_kind
from .expand import expand
from .feeds import FULL_TEXT_MIN_CHARS
from .opml import opml_document, parse_opml
from .warc import iter_warc

__all__ = [
    "FULL_TEXT_MIN_CHARS",
    "KINDS",
    "FetchLike",
    "detect_kind",
    "expand",
    "iter_warc",
    "opml_document",
    "parse_opml",
]
