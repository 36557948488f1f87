"""Jinja2 environment: autoescape everywhere, and the filters templates use."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from ..store import split_highlights
from .security import safe_url

TEMPLATES = Path(__file__).parent / "templates"


def when(dt: datetime | None, fmt: str = "%d %b %Y, %H:%M") -> str:
    if dt is None:
        return ""
    return (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).astimezone(UTC).strftime(fmt)


def iso(dt: datetime | None) -> str:
    if dt is None:
        return ""
    return (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).astimezone(UTC).isoformat()


def query_string(params: dict[str, Any] | None = None, **more: Any) -> str:
    """``?a=1&b=2`` from the non-empty values, for links that keep the current filters."""
    merged = {**(params or {}), **more}
    pairs = [(k, str(v)) for k, v in merged.items() if v not in (None, "", False)]
    return "?" + urlencode(pairs) if pairs else ""


def host(url: str | None) -> str:
    checked = safe_url(url)
    if checked is None:
        return ""
    return (urlsplit(checked).hostname or "").removeprefix("www.")


def make_env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        # Every template is HTML or XML: escape all of them, whatever their suffix.
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(when=when, iso=iso, safe_url=safe_url, host=host, highlights=split_highlights)
    env.globals.update(qs=query_string)
    return env
