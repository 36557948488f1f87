"""Cheap text features for story clustering: terms, named-entity guesses, document frequencies.

Everything here is pure Python over regular expressions so the clusterer keeps
up with ingest on one core (thousands of articles a second): no model loads,
no tagger.  Entities are guessed from capitalisation, which in English news is
a strong and nearly free proper-noun signal.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# Function words and news boilerplate: they carry no information about which
# event an article is about.  Kept short on purpose: IDF discounts the rest.
STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had has
have having he her here hers herself him himself his how i if in into is it its itself just me more
most my myself no nor not now of off on once only or other our ours ourselves out over own same she
should so some such than that the their theirs them themselves then there these they this those
through to too under until up very was we were what when where which while who whom why will with
would you your yours yourself yourselves said says say told according also would could one two new
year years time last first week since may mr mrs ms may yet still even many much us via per
""".split())

# Capitalised words that begin sentences or headlines without naming anything.
_NOT_NAMES = frozenset("""
the a an in on at for but and or if as it its this that these those he she they we you i his her
their our my after before when while with without from by to of about over under new more most
some many no not there here what who why how where which monday tuesday wednesday thursday friday
saturday sunday january february march april may june july august september october november
december said says will would can could should must update updated breaking exclusive watch video photos read more share
""".split())

_WORD = re.compile(r"[^\W_]+(?:['\u2019.\-][^\W_]+)*", re.UNICODE)
_OPENERS = frozenset(".!?:;\"\u201c\u2018(")  # a name after one of these may just open a sentence

TITLE_WEIGHT = 2.0
LEAD_CHARS = 1500
LEAD_WEIGHT = 1.5


@functools.lru_cache(maxsize=1 << 18)
def _norm(token: str) -> str | None:
    """Lower-case a token, fold possessives and plural -s; drop noise."""
    t = token.lower().replace("\u2019", "'")
    if t.endswith("'s"):
        t = t[:-2]
    t = t.replace(".", "").replace("'", "")
    if len(t) < 2 or t in STOPWORDS:
        return None
    if t.isdigit():
        # Years and other long numbers name an event's time or toll; short ones
        # (days of the month, counts) mostly add noise.
        return t if len(t) >= 2 else None
    if len(t) > 4 and t.endswith("ies"):
        t = t[:-3] + "y"
    elif len(t) > 3 and t.endswith("s") and not t.endswith(("ss", "us", "is")):
        t = t[:-1]
    return t


def terms(text: str) -> list[str]:
    """Content terms of ``text`` in order: lower-cased, stopwords and noise removed."""
    return [t for t in map(_norm, _WORD.findall(text)) if t is not None]


_UPPER = "A-Z\u00c0-\u00d6\u00d8-\u00de"
# A run of capitalised words on one line; a word may hold inner dots (U.S.) and hyphens.
_CAP_RUN = re.compile(
    rf"(?<![\w'\u2019])[{_UPPER}](?:[\w'\u2019\-]|\.(?=\w))*"
    rf"(?:[ \t]+[{_UPPER}](?:[\w'\u2019\-]|\.(?=\w))*)*"
)


def entity_names(text: str) -> list[str]:
    """Guess proper names: runs of capitalised words, lower-cased, in order of appearance.

    A lone capitalised word at the start of a sentence is usually just the
    start of a sentence, so it counts only as part of a longer run.  Headlines
    in Title Case produce false names; callers leave titles out.
    """
    out: list[str] = []
    held: list[tuple[int, str]] = []  # sentence-initial lone words: (position in out, word)
    for match in _CAP_RUN.finditer(text):
        at = match.start()
        before = text[max(0, at - 3):at]
        kept = before.rstrip()
        # After sentence punctuation (then spaces), a line break, or nothing: a sentence may open here.
        at_start = not kept or kept[-1] in _OPENERS or "\n" in before[len(kept):]
        run: list[str] = []
        for word in match.group().split():
            if word.lower() in _NOT_NAMES:
                if run:
                    _flush(run, at_start, out, held)
                    run = []
                at_start = False
                continue
            run.append(word)
        if run:
            _flush(run, at_start, out, held)
    if held:
        # A lone word opening a sentence is a name after all when the article
        # also uses it inside a name ("Jackson said" after "Vincent Jackson").
        known = {w for name in out for w in name.split()}
        for pos, word in reversed(held):
            if word in known:
                out.insert(pos, word)
    return out


def _flush(run: list[str], at_start: bool, out: list[str], held: list[tuple[int, str]]) -> None:
    name = " ".join(w.lower().replace("\u2019", "'").removesuffix("'s").replace("-", " ") for w in run)
    if len(name) < 2 or name.isdigit():
        return
    if len(run) == 1 and at_start:
        held.append((len(out), name))
        return
    out.append(name)


_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


def mentioned_years(title: str, text: str, limit: int = 3000) -> tuple[int, ...]:
    """Years the article names, first mention first: when it has no date, they hint at its time."""
    seen: dict[int, None] = {}
    for match in _YEAR.finditer(f"{title}\n{text[:limit]}"):
        seen.setdefault(int(match.group()), None)
    return tuple(seen)


_MONTHS = {name: name[:3] for name in (
    "january february march april june july august september october november december".split())}
_MONTHS.update({abbr: abbr for abbr in "jan feb mar apr jun jul aug sep oct nov dec".split()}, sept="sep")
_WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())


@dataclass(frozen=True, slots=True)
class EventMarks:
    """What pins an article to one occurrence of an event: its counts, months and weekdays.

    Twin events (two earthquakes, two jewel heists) share their vocabulary but
    rarely their tolls, sums or dates: two articles naming the same figures
    and the same month are about one occurrence.  Small counts (up to ten)
    and years are left out: the first recur everywhere, the second are
    :func:`mentioned_years`.  ("May" is a stopword, so that month goes unseen.)
    """

    numbers: frozenset[str] = frozenset()
    months: frozenset[str] = frozenset()
    weekdays: frozenset[str] = frozenset()


def event_marks(terms: Iterable[str]) -> EventMarks:
    """Read the marks off an article's terms (:func:`bag`'s keys): no second pass over the text."""
    numbers, months, weekdays = [], [], []
    for t in terms:
        if t.isdigit():
            if (len(t) > 2 or int(t) > 10) and not (len(t) == 4 and _YEAR.fullmatch(t)):
                numbers.append(t)
        elif t in _MONTHS:
            months.append(_MONTHS[t])
        elif t in _WEEKDAYS:
            weekdays.append(t)
    return EventMarks(frozenset(numbers), frozenset(months), frozenset(weekdays))


def bag(title: str, text: str) -> dict[str, float]:
    """Sublinear term weights of one article: title and lead count more than the tail."""
    lead, tail = text[:LEAD_CHARS], text[LEAD_CHARS:]
    # Counter counts in C; the Python loops below run once per distinct term.
    weights: dict[str, float] = dict(Counter(terms(tail))) if tail else {}
    for part, boost in ((lead, LEAD_WEIGHT), (title, TITLE_WEIGHT)):
        for term, n in Counter(terms(part)).items():
            weights[term] = weights.get(term, 0.0) + boost * n
    return {t: 1.0 + math.log(w) if w >= 1.0 else w for t, w in weights.items()}


def article_names(text: str, given: Iterable[str] | None = None) -> list[str]:
    """The names an article mentions, in order (``given`` names replace the guess)."""
    # Titles are left out: headline Title Case turns every word into a "name".
    return [n.lower() for n in given] if given is not None else entity_names(text[:4000])


def entity_bag(names: Iterable[str]) -> dict[str, float]:
    """Sublinear weights of an article's names."""
    counts = Counter(names)
    return {n: 1.0 + math.log(c) for n, c in counts.items()}


def name_tokens(names: Iterable[str]) -> tuple[frozenset[str], frozenset[str]]:
    """The words of an article's names: all of them, and the salient ones (named twice or more).

    A surname alone ("Williams") and the full name ("Jamal Williams") share a
    word, so words rather than whole names are what two articles can agree or
    disagree on.  Words are normalised as :func:`terms` does, so their IDF is
    the term table's.
    """
    counts: Counter[str] = Counter()
    for name in names:
        counts.update({t for t in map(_norm, name.split()) if t is not None})
    return frozenset(counts), frozenset(t for t, c in counts.items() if c >= 2)


def normalise(vec: Mapping[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(v * v for v in vec.values()))
    if norm == 0.0:
        return {}
    return {t: v / norm for t, v in vec.items()}


class DocumentFrequencies:
    """Document frequencies that grow with the stream: IDF is always current."""

    __slots__ = ("n_docs", "df")

    def __init__(self, n_docs: int = 0, df: dict[str, int] | None = None) -> None:
        self.n_docs = n_docs
        self.df: dict[str, int] = df if df is not None else {}

    def add(self, keys: Iterable[str]) -> None:
        self.n_docs += 1
        df = self.df
        for key in keys:
            df[key] = df.get(key, 0) + 1

    def idf(self, key: str) -> float:
        # Smoothed: an unseen term gets the largest value, never a division by zero.
        return math.log((self.n_docs + 1) / (self.df.get(key, 0) + 1)) + 1.0
