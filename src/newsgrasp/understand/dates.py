"""Resolve the date expressions of news sentences against the article's date.

News text dates events relative to the day it was written: "Saturday",
"on Friday", "yesterday", "last week", "in 2014", "January 28".  Given the
article's publication date, :func:`resolve_date` turns such an expression into
a calendar date plus the precision it actually carries ("day", "month" or
"year"), so that "in 2014" is never presented as 1 January 2014 to the day.

Weekdays without a qualifier point back in time by default (a report of
"Saturday's phone call" in a Sunday paper means yesterday), forward when the
caller knows the clause is about the future ("will meet on Tuesday").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

__all__ = ["ResolvedDate", "resolve_date"]

PRECISIONS: tuple[str, ...] = ("day", "month", "year")

_WEEKDAYS = {name: i for i, name in enumerate(
    ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))}
_WEEKDAY_ABBR = {"mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3, "thurs": 3,
                 "fri": 4, "sat": 5, "sun": 6}
_MONTHS = {name: i + 1 for i, name in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"))}
_MONTH_ABBR = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
               "sept": 9, "oct": 10, "nov": 11, "dec": 12}
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                 "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
_UNIT_DAYS = {"day": 1, "week": 7}

# Prepositions and vagueness words that do not move the date: "early 2015" is in 2015.
_LEAD = re.compile(r"^(?:on|in|during|since|by|from|at|of|until|as of|earlier|later|late|early|"
                   r"mid|mid-)\s*(?=\w)", re.I)
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_YEAR = re.compile(r"^(?:the\s+year\s+)?((?:19|20)\d{2})$")


@dataclass(frozen=True, slots=True)
class ResolvedDate:
    """A calendar date and how much of it the text really said."""

    value: date
    precision: str  # one of PRECISIONS

    def __post_init__(self) -> None:
        if self.precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {PRECISIONS}, not {self.precision!r}")


def _month(word: str) -> int | None:
    word = word.lower().rstrip(".")
    return _MONTHS.get(word) or _MONTH_ABBR.get(word)


def _weekday(word: str) -> int | None:
    word = word.lower().rstrip(".")
    if word.endswith("'s") or word.endswith("’s"):
        word = word[:-2]
    return _WEEKDAYS.get(word, _WEEKDAY_ABBR.get(word))


def _shift_months(day: date, months: int) -> date:
    index = day.year * 12 + (day.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month_day(year: int | None, month: int, day: int, on: date, future: bool) -> ResolvedDate | None:
    if year is not None:
        value = _safe_date(year, month, day)
        return ResolvedDate(value, "day") if value else None
    value = _safe_date(on.year, month, day)
    if value is None:
        return None
    # A bare "December 30" in a January article is last year's; a bare "March 3"
    # in a December article about the future is next year's.
    if not future and value > on + timedelta(days=31):
        value = _safe_date(on.year - 1, month, day) or value
    elif future and value < on - timedelta(days=31):
        value = _safe_date(on.year + 1, month, day) or value
    return ResolvedDate(value, "day")


def _absolute(words: list[str], on: date, future: bool) -> ResolvedDate | None:
    """Calendar expressions: "January 28", "28 January 2017", "March 2014", "2014"."""
    text = " ".join(words)
    iso = _ISO.search(text)
    if iso:
        value = _safe_date(int(iso[1]), int(iso[2]), int(iso[3]))
        return ResolvedDate(value, "day") if value else None
    year_match = _YEAR.match(text)
    if year_match:
        return ResolvedDate(date(int(year_match[1]), 1, 1), "year")
    tokens = [w.strip(",.") for w in words if w.strip(",.")]
    month = next((m for m in (_month(w) for w in tokens) if m), None)
    if month is None:
        return None
    year = next((int(w) for w in tokens if re.fullmatch(r"(?:1[89]|20)\d{2}", w)), None)
    day = next((int(re.sub(r"(?:st|nd|rd|th)$", "", w)) for w in tokens
                if re.fullmatch(r"\d{1,2}(?:st|nd|rd|th)?", w)), None)
    if day is not None:
        return _month_day(year, month, day, on, future)
    if year is None:
        year = on.year
        if not future and date(year, month, 1) > on:
            year -= 1
        elif future and _shift_months(date(year, month, 1), 1) <= on:
            year += 1
    return ResolvedDate(date(year, month, 1), "month")


def _relative(words: list[str], on: date, future: bool) -> ResolvedDate | None:
    """Expressions counted from the article's date: "yesterday", "last week", "two days ago"."""
    text = " ".join(words)
    simple = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}
    if text in simple:
        return ResolvedDate(on + timedelta(days=simple[text]), "day")
    if re.fullmatch(r"(?:this|earlier today|later today) (?:morning|afternoon|evening)|"
                    r"(?:last|this) night|overnight", text):
        return ResolvedDate(on if text != "last night" else on - timedelta(days=1), "day")
    if text in ("yesterday morning", "yesterday afternoon", "yesterday evening"):
        return ResolvedDate(on - timedelta(days=1), "day")
    ago = re.fullmatch(r"(\w+) (day|week|month|year)s? (ago|earlier|later|from now)", text)
    if ago:
        count = int(ago[1]) if ago[1].isdigit() else _NUMBER_WORDS.get(ago[1])
        if count is None:
            return None
        sign = 1 if ago[3] in ("later", "from now") else -1
        unit = ago[2]
        if unit in _UNIT_DAYS:
            return ResolvedDate(on + timedelta(days=sign * count * _UNIT_DAYS[unit]), "day")
        if unit == "month":
            return ResolvedDate(_shift_months(on, sign * count), "month")
        return ResolvedDate(date(on.year + sign * count, 1, 1), "year")
    rel = re.fullmatch(r"(last|past|previous|next|this|coming|earlier this|later this) "
                       r"(week|month|year|weekend)", text)
    if rel:
        which, unit = rel[1], rel[2]
        step = -1 if which in ("last", "past", "previous") else (1 if which in ("next", "coming") else 0)
        if unit == "week":
            # A week has no precision of its own: its Monday, to the day, says which week.
            monday = on - timedelta(days=on.weekday()) + timedelta(weeks=step)
            return ResolvedDate(monday, "day")
        if unit == "weekend":
            saturday = on - timedelta(days=(on.weekday() - 5) % 7)
            if step > 0 or (step == 0 and future and saturday < on - timedelta(days=1)):
                saturday += timedelta(weeks=1)
            return ResolvedDate(saturday, "day")
        if unit == "month":
            return ResolvedDate(_shift_months(on, step), "month")
        return ResolvedDate(date(on.year + step, 1, 1), "year")
    weekday = re.fullmatch(r"(?:(last|next|this|past|coming) )?(\w+?)(?:'s|’s)?"
                           r"(?: (?:morning|afternoon|evening|night))?", text)
    if weekday:
        target = _weekday(weekday[2])
        if target is None:
            return None
        qualifier = weekday[1]
        back = (on.weekday() - target) % 7
        ahead = (target - on.weekday()) % 7
        if qualifier in ("next", "coming") or (qualifier is None and future) or \
                (qualifier == "this" and future):
            return ResolvedDate(on + timedelta(days=ahead or (7 if qualifier else 0)), "day")
        if qualifier in ("last", "past"):
            return ResolvedDate(on - timedelta(days=back or 7), "day")
        return ResolvedDate(on - timedelta(days=back), "day")
    return None


def resolve_date(text: str, on: date | None, *, future: bool = False) -> ResolvedDate | None:
    """The date an expression such as "Saturday" or "in 2014" names, seen from article date ``on``.

    Returns None for expressions that name no point in time ("for two decades",
    "recently") or that need an article date which is not known.  ``future``
    says the clause is about the future, so a bare weekday means the next one.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, not {type(text).__name__}")
    cleaned = re.sub(r"\s+", " ", text.replace("’", "'")).strip().strip(",.;:").lower()
    previous = None
    while previous != cleaned:
        previous = cleaned
        cleaned = _LEAD.sub("", cleaned)
    if not cleaned:
        return None
    words = cleaned.split()
    if on is not None:
        found = _relative(words, on, future)
        if found is not None:
            return found
    if on is None:
        # Without an article date only self-contained expressions resolve.
        if _YEAR.match(cleaned) or _ISO.search(cleaned):
            return _absolute(words, date(2000, 1, 1), future)
        if re.search(r"(?:1[89]|20)\d{2}", cleaned) and any(_month(w) for w in words):
            return _absolute(words, date(2000, 1, 1), future)
        return None
    return _absolute(words, on, future)
