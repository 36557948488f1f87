"""Cheap text features for story clustering: terms, named-entity guesses, document frequencies.

Everything here is plain Python over regular expressions so the clusterer keeps
up with ingest on one core (thousands of articles a second): no model loads,
no tagger (the loop that counts a bag also runs compiled, see compiled.py).  Entities are guessed from capitalisation, which in English news is
a strong and nearly free proper-noun signal.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from itertools import chain
from typing import TypeVar

from .compiled import speedups

_K = TypeVar("_K")
_V = TypeVar("_V")

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

_WORD = re.compile(r"[^\W_]++(?:['\u2019.\-][^\W_]++)*+")  # possessive: no backtracking state to keep
_OPENERS = frozenset(".!?:;\"\u201c\u2018(")  # a name after one of these may just open a sentence

TITLE_WEIGHT = 2.0
LEAD_CHARS = 1500
LEAD_WEIGHT = 1.5
# Bags count in half-units, so every weight is a whole number: the tail counts 2, the lead 3.
_LEAD_UNITS, _TITLE_UNITS = round(2 * LEAD_WEIGHT), round(2 * TITLE_WEIGHT)
assert (_LEAD_UNITS, _TITLE_UNITS) == (2 * LEAD_WEIGHT, 2 * TITLE_WEIGHT), "weights must be multiples of 1/2"


class _Memo(dict[_K, _V]):
    """A bounded memo whose hits are plain dict lookups, so ``map(memo.__getitem__, words)`` runs in C.

    Unlike ``functools.lru_cache``, a hit costs no Python call; at about 140 bytes
    an entry, the memos here stay under 70 MB together.
    """

    __slots__ = ("compute", "limit")

    def __init__(self, compute: Callable[[_K], _V], limit: int = 1 << 16) -> None:
        super().__init__()
        self.compute = compute
        self.limit = limit

    def __missing__(self, key: _K) -> _V:
        if len(self) >= self.limit:
            self.clear()  # streams keep coining names; dropping everything now and then is cheap
        value = self[key] = self.compute(key)
        return value


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


_NORMS: _Memo[str, str | None] = _Memo(_norm, 1 << 17)


# No word spans whitespace, so a text cut at whitespace (in C) tokenises piece by piece, and
# pieces ("Jackson," "(AP)") recur so often that looking them up beats running the regex.
_PIECE_TERMS: _Memo[str, tuple[str, ...]] = _Memo(
    lambda piece: tuple(filter(None, map(_NORMS.__getitem__, _WORD.findall(piece)))), 1 << 17)


def terms(text: str) -> list[str]:
    """Content terms of ``text`` in order: lower-cased, stopwords and noise removed."""
    return list(chain.from_iterable(map(_PIECE_TERMS.__getitem__, text.split())))


_UPPER = "A-Z\u00c0-\u00d6\u00d8-\u00de"
# A run of capitalised words on one line; a word may hold inner dots (U.S.) and hyphens.  The
# capital comes before the lookbehind and the loops are possessive so that the engine can skip
# ahead to the next capital and never backtrack: three times faster, the same matches.
_CAP_RUN = re.compile(
    rf"[{_UPPER}](?<![\w'\u2019][{_UPPER}])(?:[\w'\u2019\-]++|\.(?=\w))*+"
    rf"(?:[ \t]++[{_UPPER}](?:[\w'\u2019\-]++|\.(?=\w))*+)*+"
)


def _name_form(word: str) -> str | None:
    """How a capitalised word reads inside a name; None when it cannot be part of one."""
    if word.lower() in _NOT_NAMES:
        return None
    return word.lower().replace("\u2019", "'").removesuffix("'s").replace("-", " ")


_NAME_FORMS: _Memo[str, str | None] = _Memo(_name_form)


def _run_names(run: str) -> tuple[str | None, tuple[str, ...]]:
    """The names in a capitalised run: a lone first word, which may just open a sentence, and the rest.

    Only whether that lone word is held depends on what precedes the run, so the rest is memoised.
    """
    parts: list[list[str]] = [[]]  # split at words that cannot be in a name
    for form in map(_NAME_FORMS.__getitem__, run.split()):
        if form is None:
            parts.append([])
        else:
            parts[-1].append(form)
    lone, names = None, []
    for i, part in enumerate(parts):
        name = " ".join(part)
        if len(name) < 2 or name.isdigit():
            continue
        if i == 0 and len(part) == 1:
            lone = name
        else:
            names.append(name)
    return lone, tuple(names)


_RUN_NAMES: _Memo[str, tuple[str | None, tuple[str, ...]]] = _Memo(_run_names)


def entity_names(text: str) -> list[str]:
    """Guess proper names: runs of capitalised words, lower-cased, in order of appearance.

    A lone capitalised word at the start of a sentence is usually just the
    start of a sentence, so it counts only as part of a longer run.  Headlines
    in Title Case produce false names; callers leave titles out.
    """
    out: list[str] = []
    held: list[tuple[int, str]] = []  # sentence-initial lone words: (position in out, word)
    runs = _RUN_NAMES
    for match in _CAP_RUN.finditer(text):
        lone, names = runs[match.group()]
        if lone is not None:
            at = match.start()
            before = text[at - 3:at] if at > 2 else text[:at]
            kept = before.rstrip()
            # After sentence punctuation (then spaces), a line break, or nothing: a sentence may open here.
            if not kept or kept[-1] in _OPENERS or "\n" in before[len(kept):]:
                held.append((len(out), lone))
            else:
                out.append(lone)
        if names:
            out += names
    if held:
        # A lone word opening a sentence is a name after all when the article
        # also uses it inside a name ("Jackson said" after "Vincent Jackson").
        known = set(" ".join(out).split())
        for pos, word in reversed(held):
            if word in known:
                out.insert(pos, word)
    return out


# 1800-2099 as a whole word; the lookbehind comes after the first digits so the engine can skip
# ahead to a 1 or a 2 (a leading \b cannot be skipped to).
_YEAR = re.compile(r"(?:1[89]|20)(?<!\w..)\d\d\b")


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
        if t.isdecimal():  # not isdigit: int() refuses superscripts ("²")
            if (len(t) > 2 or int(t) > 10) and not (len(t) == 4 and _YEAR.fullmatch(t)):
                numbers.append(t)
        elif t in _MONTHS:
            months.append(_MONTHS[t])
        elif t in _WEEKDAYS:
            weekdays.append(t)
    return EventMarks(frozenset(numbers), frozenset(months), frozenset(weekdays))


_SUBLINEAR: _Memo[int, float] = _Memo(lambda half_units: 1.0 + math.log(half_units / 2))


def bag(title: str, text: str) -> dict[str, float]:
    """Sublinear term weights of one article: title and lead count more than the tail."""
    lead, tail, heading = terms(text[:LEAD_CHARS]), terms(text[LEAD_CHARS:]), terms(title)
    # Counted in half-units, keys in the order the tail, lead and title first use them.
    return _sublinear(((tail, 2), (lead, _LEAD_UNITS), (heading, _TITLE_UNITS)))


@dataclass(frozen=True, slots=True)
class ArticleBags:
    """An article's :func:`bag`, and the parts the pair model reads: its headline with the lead, and alone."""

    words: dict[str, float]
    lead: dict[str, float]          # the bag of the headline and the first ``lead_chars`` characters
    title: dict[str, float]         # the bag of the headline alone
    title_terms: frozenset[str]


def article_bags(title: str, text: str, lead_chars: int) -> ArticleBags:
    """:func:`bag` and the pair model's bags from one tokenisation.

    The short lead ends at the last whitespace within ``lead_chars`` (no word
    is cut in half), so its terms are a prefix of the long lead's.
    """
    heading = terms(title)
    cut = len(text) if len(text) <= lead_chars else max(text.rfind(" ", 0, lead_chars + 1),
                                                         text.rfind("\n", 0, lead_chars + 1))
    if cut < 0:  # one long word: the short lead is tokenised on its own
        head, long_lead = terms(text[:lead_chars]), terms(text[:LEAD_CHARS])
    else:
        head = terms(text[:cut])
        long_lead = head + terms(text[cut:LEAD_CHARS])
    tail = terms(text[LEAD_CHARS:])
    return ArticleBags(_sublinear(((tail, 2), (long_lead, _LEAD_UNITS), (heading, _TITLE_UNITS))),
                       _sublinear(((head, _LEAD_UNITS), (heading, _TITLE_UNITS))),
                       _sublinear(((heading, _TITLE_UNITS),)), frozenset(heading))


def _sublinear_py(parts: tuple[tuple[list[str], int], ...]) -> dict[str, float]:
    """A bag from (terms, units) parts, a term counting ``units`` half-units each time it is used there:
    weights 1 + log(half-units / 2), keys in the order of first use."""
    # Each part repeated by its units: one C pass counts them all, and each weight's logarithm is memoised.
    counts = Counter(chain.from_iterable(terms * units for terms, units in parts))
    return dict(zip(counts, map(_SUBLINEAR.__getitem__, counts.values()), strict=True))


_sublinear: Callable[[tuple[tuple[list[str], int], ...]], dict[str, float]] = (
    _sublinear_py if speedups is None else speedups.sublinear)


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
    seen: set[str] = set()
    twice: set[str] = set()
    for words in map(_NAME_WORDS.__getitem__, names):
        twice |= seen & words
        seen |= words
    return frozenset(seen), frozenset(twice)


_NAME_WORDS: _Memo[str, frozenset[str]] = _Memo(
    lambda name: frozenset(filter(None, map(_NORMS.__getitem__, name.split()))))


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
        # A Counter counts an article's keys in one C pass (``add``).
        self.df: Counter[str] = df if isinstance(df, Counter) else Counter(df or {})

    def add(self, keys: Iterable[str]) -> None:
        """Count one more document holding each of ``keys`` (distinct)."""
        self.n_docs += 1
        self.df.update(keys)

    def idf(self, key: str) -> float:
        # Smoothed: an unseen term gets the largest value, never a division by zero.
        return math.log((self.n_docs + 1) / (self.df.get(key, 0) + 1)) + 1.0


def clear_caches() -> None:
    """Empty the memos above: a benchmark's cold start, or memory back after a large one-off job."""
    for memo in (_NORMS, _PIECE_TERMS, _NAME_FORMS, _RUN_NAMES, _SUBLINEAR, _NAME_WORDS):
        memo.clear()
