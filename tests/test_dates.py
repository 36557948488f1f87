"""Date expressions of news sentences resolved against the article's date."""

from __future__ import annotations

from datetime import date

import pytest

from newsgrasp.understand.dates import ResolvedDate, resolve_date

SUNDAY = date(2017, 1, 29)  # the seed article's date


@pytest.mark.parametrize(("text", "expected", "precision"), [
    ("Saturday", date(2017, 1, 28), "day"),
    ("Saturday’s", date(2017, 1, 28), "day"),
    ("on Friday", date(2017, 1, 27), "day"),
    ("Friday night", date(2017, 1, 27), "day"),
    ("Sunday", date(2017, 1, 29), "day"),
    ("last Sunday", date(2017, 1, 22), "day"),
    ("yesterday", date(2017, 1, 28), "day"),
    ("today", date(2017, 1, 29), "day"),
    ("tomorrow", date(2017, 1, 30), "day"),
    ("two days ago", date(2017, 1, 27), "day"),
    ("three weeks ago", date(2017, 1, 8), "day"),
    ("last week", date(2017, 1, 16), "day"),
    ("this week", date(2017, 1, 23), "day"),
    ("January 28", date(2017, 1, 28), "day"),
    ("Jan. 20", date(2017, 1, 20), "day"),
    ("Dec. 30", date(2016, 12, 30), "day"),
    ("March 18, 2014", date(2014, 3, 18), "day"),
    ("18 March 2014", date(2014, 3, 18), "day"),
    ("2014-03-18", date(2014, 3, 18), "day"),
    ("March 2014", date(2014, 3, 1), "month"),
    ("in December", date(2016, 12, 1), "month"),
    ("earlier this month", date(2017, 1, 1), "month"),
    ("last month", date(2016, 12, 1), "month"),
    ("in 2014", date(2014, 1, 1), "year"),
    ("early 2015", date(2015, 1, 1), "year"),
    ("last year", date(2016, 1, 1), "year"),
])
def test_resolves_against_article_date(text: str, expected: date, precision: str) -> None:
    assert resolve_date(text, SUNDAY) == ResolvedDate(expected, precision)


def test_future_clauses_look_forward() -> None:
    assert resolve_date("on Tuesday", SUNDAY, future=True) == ResolvedDate(date(2017, 1, 31), "day")
    assert resolve_date("next Tuesday", SUNDAY) == ResolvedDate(date(2017, 1, 31), "day")
    assert resolve_date("Saturday", SUNDAY, future=True) == ResolvedDate(date(2017, 2, 4), "day")
    # A December article about a meeting "on March 3" means next year's March.
    assert resolve_date("March 3", date(2016, 12, 20), future=True) == ResolvedDate(date(2017, 3, 3), "day")


def test_vague_expressions_name_no_date() -> None:
    for text in ("recently", "for two decades", "the 1990s", "", "soon"):
        assert resolve_date(text, SUNDAY) is None


def test_without_article_date_only_absolute_expressions_resolve() -> None:
    assert resolve_date("in 2014", None) == ResolvedDate(date(2014, 1, 1), "year")
    assert resolve_date("March 18, 2014", None) == ResolvedDate(date(2014, 3, 18), "day")
    assert resolve_date("Saturday", None) is None
    assert resolve_date("January 28", None) is None


def test_bad_input_is_named() -> None:
    with pytest.raises(TypeError, match="string"):
        resolve_date(2014, SUNDAY)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="precision"):
        ResolvedDate(SUNDAY, "week")
    assert resolve_date("February 30", SUNDAY) is None
