"""Query parameters shared by pages and API: the article filters and paging."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import Query
from pydantic import BeforeValidator

from ..records import ArticleFilter

MAX_PAGE = 200


def _utc(dt: datetime | None) -> datetime | None:
    if dt is None:
        return None
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


@dataclass(slots=True)
class Filters:
    """The filters of a listing, kept as given so links and forms can repeat them."""

    source: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    lang: str | None = None

    def article_filter(self, *, include_copies: bool = False, limit: int | None = None,
                       offset: int = 0) -> ArticleFilter:
        return ArticleFilter(source=self.source or None, since=_utc(self.since), until=_utc(self.until),
                             language=self.lang or None, include_copies=include_copies, limit=limit,
                             offset=offset)

    def query(self) -> dict[str, str]:
        """The filters as URL query parameters (empty ones left out)."""
        out: dict[str, str] = {}
        if self.source:
            out["source"] = self.source
        if self.since:
            out["since"] = self.since.date().isoformat() if _is_midnight(self.since) else self.since.isoformat()
        if self.until:
            out["until"] = self.until.date().isoformat() if _is_midnight(self.until) else self.until.isoformat()
        if self.lang:
            out["lang"] = self.lang
        return out


def _is_midnight(dt: datetime) -> bool:
    return (dt.hour, dt.minute, dt.second, dt.microsecond) == (0, 0, 0, 0)


def _blank_none(value: str | None) -> str | None:
    # HTML forms send empty fields as "": treat them as absent.
    return value.strip() or None if value is not None else None


_SOURCE = Query(max_length=200, description="Outlet name or site (host).")
_LANG = Query(max_length=20, description="ISO 639-1 language code, e.g. en.")
# Keyset cursors as the store writes them: "<unix time>:<id>", or "n:<id>" past the undated.
ARTICLE_CURSOR = r"^(n|-?[0-9]{1,12}(\.[0-9]{1,6})?):[0-9]{1,18}$"
OFFSET_CURSOR = r"^[0-9]{1,9}$"
# At least one visible character: the store folds whitespace and control characters away.
VISIBLE = r"[^\s\x00-\x1f\x7f-\x9f]"


def _no_numbers(value: object) -> object:
    # Pydantic would read "0.5" as seconds since 1970; nobody means that in a news filter.
    if isinstance(value, int | float) or (isinstance(value, str) and _is_number(value)):
        raise ValueError("expected a date or datetime like 2017-01-28 or 2017-01-28T12:00:00Z")
    return value


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


When = Annotated[datetime, BeforeValidator(_no_numbers)]
OnDay = Annotated[date, BeforeValidator(_no_numbers)]


def api_filters(
    source: Annotated[str | None, _SOURCE] = None,
    since: Annotated[When | None, Query(description="On or after this time (a date means midnight UTC).")] = None,
    until: Annotated[When | None, Query(description="Before this time (a date means midnight UTC).")] = None,
    lang: Annotated[str | None, _LANG] = None,
) -> Filters:
    """The filters for the API: dates are typed, so the OpenAPI document says what is valid."""
    return Filters(source=_blank_none(source), since=_utc(since), until=_utc(until), lang=_blank_none(lang))


def filters(
    source: Annotated[str | None, _SOURCE] = None,
    since: Annotated[str | None, Query(description="On or after this date (YYYY-MM-DD or ISO datetime).")] = None,
    until: Annotated[str | None, Query(description="Before this date (YYYY-MM-DD or ISO datetime).")] = None,
    lang: Annotated[str | None, _LANG] = None,
) -> Filters:
    """The filters of pages: forms send empty fields and free text, judged here with clear messages."""
    return Filters(source=_blank_none(source), since=parse_when(since, "since"),
                   until=parse_when(until, "until"), lang=_blank_none(lang))


class BadParameter(ValueError):
    """A query parameter that cannot be understood; rendered as a 400 with this message."""


def parse_when(value: str | None, name: str) -> datetime | None:
    value = _blank_none(value)
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise BadParameter(f"{name}: {value!r} is not a date (use YYYY-MM-DD or an ISO datetime)") from None
    return _utc(parsed)
