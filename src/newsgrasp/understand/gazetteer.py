"""The actor tables behind :mod:`newsgrasp.understand.actors`, loaded once per process.

Four tab-separated tables ship in ``understand/data`` (facts only, each row with a
source note):

* ``countries.tsv`` — per ISO3 code: extra names and abbreviations, adjectives and
  demonyms, capitals, seats of power used as metonyms ("the Kremlin");
* ``places.tsv`` — regions and cities that are not capitals ("Crimea", "Darfur");
* ``leaders.tsv`` — terms of office: heads of state and government, foreign and
  defence ministers, heads of IGOs, each with its dates;
* ``organisations.tsv`` — IGOs, NGOs and armed groups with their CAMEO-style codes.

Lookups go through :func:`key`, which folds case, accents, punctuation and
spacing, except for abbreviations ("US", "U.S.", "U. S.", "UN"): those keep their
case, so the pronoun "us" never reads as the United States.
"""

from __future__ import annotations

import csv
import re
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from importlib import resources

__all__ = ["Gazetteer", "Hit", "Org", "Term", "gazetteer", "key", "tokens"]

DATA_PACKAGE = "newsgrasp.understand.data"

# Short forms that are also ordinary English words: alone they are not read as
# the person ("May", "Brown"); with a first name or a title they are.
COMMON_WORD_SURNAMES = frozenset({
    "may", "brown", "major", "rice", "baker", "gates", "king", "young", "long", "rich", "love",
    "hope", "white", "black", "green", "church", "frank", "moon", "cook", "hunt", "fox", "hill",
    "mark", "martin", "ford", "price", "david", "paul", "thomas", "rose", "wolf", "carter",
    "christopher", "bolton", "johnson", "straw", "hague", "struck", "gallant", "doe", "wade", "tang",
    "bishop", "costa", "salam", "michel", "howard", "perry", "powell", "lee", "li", "wang", "park",
    "ma", "sun", "hu", "wen", "ali", "khan", "singh", "sharon", "petro", "santos", "herzog", "ban",
    "yang", "dong", "chen",
})


@dataclass(frozen=True, slots=True)
class Term:
    """One term of office (or one documented non-office role) of a person."""

    person: str            # canonical name: "Vladimir Putin"
    country: str | None    # ISO3; None for officials of an IGO
    org: str | None        # the IGO for its officials: "United Nations"
    office: str            # "President", "Prime Minister", "Foreign Minister"
    sector: str            # GOV, MIL, IGO, BUS, ...
    start: date
    end: date | None       # None: still in office at the table's date

    def active(self, on: date) -> bool:
        return self.start <= on and (self.end is None or on < self.end)


@dataclass(frozen=True, slots=True)
class Org:
    name: str
    country: str | None
    sector: str
    kind: str              # "organization" or "group"
    code: str              # CAMEO-style code: "IGOUNO", "PSEREBHAM"


@dataclass(frozen=True, slots=True)
class Hit:
    """A table match inside a mention: which tokens, what they name."""

    start: int             # token index in the mention
    end: int
    kind: str              # country | adjective | capital | seat | place | ethnic | org | person | short
    value: object          # ISO3 str, (ISO3, sector) for seats, Org, person name, or persons
    text: str
    start_char: int = 0    # character offsets of the match in the scanned text
    end_char: int = 0


_ABBREV = re.compile(r"^[A-Z]\.(?:\s?[A-Z]\.)+$|^[A-Z]{2,6}$")
_TOKEN = re.compile(r"[A-Z]\.(?:\s?[A-Z]\.)+|[^\W\d_]+|\d+")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def _fold_word(word: str) -> str:
    if _ABBREV.match(word) and "." in word:
        return re.sub(r"[.\s]", "", word).casefold()     # "U. S." inside a longer name
    return _fold(word).casefold()


def _keys(words: list[str]) -> list[str]:
    return [_fold_word(w) for w in words]


def key(text: str) -> str:
    """The lookup key of a name: abbreviations keep their case, all else is folded."""
    text = text.strip()
    if _ABBREV.match(text):
        return "^" + re.sub(r"[.\s]", "", text)
    return " ".join(_keys(_TOKEN.findall(text.replace("’", "'"))))


def tokens(text: str) -> list[tuple[str, int, int]]:
    """Words of a mention with their character offsets; hyphens and apostrophes split words."""
    return [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _date(text: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    parts = [int(p) for p in text.split("-")]
    while len(parts) < 3:
        parts.append(1)
    return date(parts[0], parts[1], parts[2])


def _rows(name: str) -> Iterator[dict[str, str]]:
    source = resources.files(DATA_PACKAGE).joinpath(name)
    with source.open("r", encoding="utf-8") as handle:
        lines = (line for line in handle if line.strip() and not line.startswith("#"))
        for lineno, row in enumerate(csv.DictReader(lines, delimiter="\t"), start=2):
            if None in row or any(v is None for v in row.values()):
                raise ValueError(f"{name}: row {lineno} has the wrong number of columns: {row}")
            yield {k: v.strip() for k, v in row.items()}


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split("|") if part.strip()]


def _plural(word: str) -> list[str]:
    """English plurals of a demonym: Israeli → Israelis, Afghan → Afghans; -ese, -ish stay."""
    if word.endswith(("ese", "ish", "ch", "ss", "s")) or " " in word:
        return []
    return [word + "s"]


class Gazetteer:
    """The loaded tables, indexed by :func:`key`."""

    max_words = 7

    def __init__(self) -> None:
        self.index: dict[str, list[tuple[str, object]]] = defaultdict(list)
        self.terms: dict[str, list[Term]] = defaultdict(list)       # person → terms
        self.short: dict[str, set[str]] = defaultdict(set)          # short key → persons
        self.country_names: dict[str, str] = {}                      # ISO3 → English name
        self.orgs: dict[str, Org] = {}
        self.first_words: dict[str, int] = {}
        self._load_countries()
        self._load_places()
        self._load_orgs()
        self._load_leaders()

    # -- loading ---------------------------------------------------------------------------

    def _add(self, text: str, kind: str, value: object) -> None:
        k = key(text)
        if k and (kind, value) not in self.index[k]:
            self.index[k].append((kind, value))
            # How many words the longest name starting with this word has: scan tries no longer.
            words = k.split(" ")
            self.first_words[words[0]] = max(self.first_words.get(words[0], 0), len(words))

    def _load_countries(self) -> None:
        for row in _rows("countries.tsv"):
            iso = row["iso3"]
            if not re.fullmatch(r"[A-Z]{3}", iso):
                raise ValueError(f"countries.tsv: {iso!r} is not an ISO3 code")
            self.country_names[iso] = row["name"]
            for name in [row["name"], *_split(row["names"])]:
                self._add(name, "country", iso)
            for adj in _split(row["adjectives"]):
                self._add(adj, "adjective", iso)
                for plural in _plural(adj):
                    self._add(plural, "adjective", iso)
            for capital in _split(row["capitals"]):
                self._add(capital, "capital", iso)
            for seat in _split(row["seats"]):
                name, _, sector = seat.partition("=")
                self._add(name, "seat", (iso, sector or "GOV"))

    def _load_places(self) -> None:
        for row in _rows("places.tsv"):
            kind = row["kind"]
            if kind not in ("place", "ethnic"):
                raise ValueError(f"places.tsv: kind {kind!r} for {row['name']!r} (place|ethnic)")
            # Ethnic groups keep their canonical name: a coded group ("Kurds") is an actor
            # of its own, never a country.
            value: object = row["iso3"] if kind == "place" else (row["iso3"] or None, row["name"])
            if kind == "place" and not re.fullmatch(r"[A-Z]{3}", row["iso3"]):
                raise ValueError(f"places.tsv: {row['name']!r} needs an ISO3 code")
            for name in [row["name"], *_split(row["aliases"])]:
                self._add(name, kind, value)
                if kind == "ethnic":
                    for plural in _plural(name):
                        self._add(plural, kind, value)

    def _load_orgs(self) -> None:
        for row in _rows("organisations.tsv"):
            org = Org(name=row["name"], country=row["iso3"] or None, sector=row["sector"],
                      kind=row["kind"], code=row["code"])
            if org.kind not in ("organization", "group"):
                raise ValueError(f"organisations.tsv: kind {org.kind!r} for {org.name!r}")
            self.orgs[org.name] = org
            for name in [org.name, *_split(row["aliases"])]:
                self._add(name, "org", org)

    def _load_leaders(self) -> None:
        for row in _rows("leaders.tsv"):
            start = _date(row["start"])
            if start is None:
                raise ValueError(f"leaders.tsv: {row['name']} has no start date")
            term = Term(person=row["name"], country=row["iso3"] or None, org=row["org"] or None,
                        office=row["office"], sector=row["sector"], start=start, end=_date(row["end"]))
            if term.country is None and term.org is None:
                raise ValueError(f"leaders.tsv: {row['name']} has neither a country nor an IGO")
            if term.end is not None and term.end < term.start:
                raise ValueError(f"leaders.tsv: {row['name']} ends before it starts")
            person = term.person
            first = person not in self.terms
            self.terms[person].append(term)
            if not first:
                continue
            for name in [person, *_split(row["aliases"])]:
                self._add(name, "person", person)
            shorts = _split(row["short"]) or [person.split()[-1]]
            for short in shorts:
                k = key(short)
                self.short[k].add(person)
                words = k.split(" ")
                self.first_words[words[0]] = max(self.first_words.get(words[0], 0), len(words))

    # -- lookups ---------------------------------------------------------------------------

    def lookup(self, text: str) -> list[tuple[str, object]]:
        return self.index.get(key(text), [])

    def scan(self, text: str) -> list[Hit]:
        """Longest table matches in a mention, left to right, with short forms of people."""
        toks = tokens(text)
        folded = _keys([t for t, _, _ in toks])
        hits: list[Hit] = []
        i = 0
        while i < len(toks):
            first = toks[i][0]
            single = "^" + re.sub(r"[.\s]", "", first) if _ABBREV.match(first) else folded[i]
            longest = max(self.first_words.get(folded[i], 0), self.first_words.get(single, 0),
                          3 if first[:1].isupper() else 0)
            step = 0
            for n in range(min(longest, len(toks) - i), 0, -1):
                k = single if n == 1 else " ".join(folded[i:i + n])
                entries = self.index.get(k)
                start, end = toks[i][1], toks[i + n - 1][2]
                piece = text[start:end]
                if entries and (first[0].isupper() or not _cased(entries)):
                    hits.extend(Hit(i, i + n, kind, value, piece, start, end) for kind, value in entries)
                    step = n
                    break
                # Short forms may start with a particle ("bin Laden", "de Klerk"), never end with one.
                if n <= 3 and k in self.short and toks[i + n - 1][0][:1].isupper():
                    hits.append(Hit(i, i + n, "short", sorted(self.short[k]), piece, start, end))
                    step = n
                    break
            i += step or 1
        return hits


def _cased(entries: list[tuple[str, object]]) -> bool:
    # Every table name is written capitalised except particles like "al-Qaeda";
    # a lower-case word in the text ("turkey", "chad") is not the country.
    for kind, value in entries:
        if kind == "org" and isinstance(value, Org) and value.name[:1].islower():
            return False
    return True


_lock = threading.Lock()
_loaded: Gazetteer | None = None


def gazetteer() -> Gazetteer:
    """The tables, loaded on first use and shared by every caller in this process."""
    global _loaded
    if _loaded is None:
        with _lock:
            if _loaded is None:
                _loaded = Gazetteer()
    return _loaded
