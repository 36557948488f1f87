"""The event lexicon: which words, with which arguments, code which PLOVER category.

The entries live in ``data/event_lexicon.tsv`` (format described at its top);
the quad classes and conflict–cooperation scores per category and mode in
``data/event_categories.json``.  Matching is on lemmas of a parsed spaCy token,
with a fallback on inflected surface forms because the small English model
sometimes tags a verb as an adjective ("Russia annexed ..." → ``annexed/JJ``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from ..records import EVENT_CATEGORIES

if TYPE_CHECKING:
    from spacy.tokens import Token

__all__ = ["CategoryInfo", "LexEntry", "Lexicon", "category_info", "lexicon"]

# Dependency labels under which a child counts as the trigger's particle/preposition.
_PREP_DEPS = frozenset({"prep", "prt", "agent", "dative", "advmod", "compound:prt"})
# ... as its object.
_OBJ_DEPS = frozenset({"dobj", "nsubjpass", "attr", "oprd", "dative", "obj"})
# ... as a modifier of a noun trigger.
_MOD_DEPS = frozenset({"compound", "amod", "nmod", "npadvmod"})

_PARTITIVES = frozenset({"part", "some", "all", "state", "number", "series", "set", "group", "portion", "most",
                         "half", "rest", "kind", "type", "round", "wave", "package", "shipment", "lot", "team", "convoy", "ton", "tonne", "batch"})

# Irregular past forms of lexicon verbs; regular ones are generated.
_IRREGULAR: dict[str, tuple[str, ...]] = {
    "meet": ("met",), "hold": ("held",), "send": ("sent",), "give": ("gave", "given"),
    "fight": ("fought",), "shoot": ("shot",), "beat": ("beaten",), "withdraw": ("withdrew", "withdrawn"),
    "strike": ("struck", "stricken"), "speak": ("spoke", "spoken"), "break": ("broke", "broken"),
    "forgive": ("forgave", "forgiven"), "freeze": ("froze", "frozen"), "seek": ("sought",),
    "fly": ("flew", "flown"), "blow": ("blew", "blown"), "stand": ("stood",), "undertake": ("undertook", "undertaken"),
    "cut": ("cut",), "bar": ("barred",), "set": ("set",), "ban": ("banned",), "shell": ("shelled",), "put": ("put",),
    "go": ("went", "gone"), "take": ("took", "taken"), "swear": ("swore", "sworn"),
}


@dataclass(frozen=True, slots=True)
class LexEntry:
    """One lexicon line: a head lemma with the constraints that make it code ``category``."""

    category: str
    pos: str                                   # "verb" or "noun"
    head: str
    preps: tuple[frozenset[str], ...] = ()     # each set must be matched by one particle/preposition
    objects: frozenset[str] | None = None
    modifiers: frozenset[str] | None = None
    excluded: frozenset[str] = frozenset()
    mode: str | None = None                    # the PLOVER mode ("phone", "arrest", ...)
    line: int = 0

    @property
    def specificity(self) -> int:
        return len(self.preps) + (self.objects is not None) + (self.modifiers is not None)


@dataclass(frozen=True, slots=True)
class CategoryInfo:
    quad: int
    score: float
    modes: dict[str, float]

    def intensity(self, mode: str | None) -> float:
        """The PLOVER conflict–cooperation score for this category and mode."""
        if mode is not None and mode in self.modes:
            return self.modes[mode]
        return self.score


def _parse_line(text: str, lineno: int) -> LexEntry:
    cols = text.split("\t")
    if len(cols) != 4:
        raise ValueError(f"event_lexicon.tsv line {lineno}: expected 4 tab-separated columns, got {len(cols)}")
    category, pos, pattern, mode = (c.strip() for c in cols)
    if category not in EVENT_CATEGORIES:
        raise ValueError(f"event_lexicon.tsv line {lineno}: unknown category {category!r}")
    if pos not in ("verb", "noun"):
        raise ValueError(f"event_lexicon.tsv line {lineno}: part of speech must be verb or noun, not {pos!r}")
    words = pattern.split()
    if not words or words[0][0] in "+>~!":
        raise ValueError(f"event_lexicon.tsv line {lineno}: pattern must start with a lemma: {pattern!r}")
    preps: list[frozenset[str]] = []
    objects = modifiers = None
    excluded: frozenset[str] = frozenset()
    for word in words[1:]:
        kind, options = word[0], frozenset(o for o in word[1:].split("|") if o)
        if not options:
            raise ValueError(f"event_lexicon.tsv line {lineno}: empty constraint in {pattern!r}")
        if kind == ">":
            preps.append(options)
        elif kind == "+":
            objects = options
        elif kind == "~":
            modifiers = options
        elif kind == "!":
            excluded = options
        else:
            raise ValueError(f"event_lexicon.tsv line {lineno}: constraint {word!r} must start with + > ~ or !")
    return LexEntry(category, pos, words[0].lower(), tuple(preps), objects, modifiers, excluded,
                    None if mode == "-" else mode, lineno)


def _verb_forms(lemma: str) -> set[str]:
    forms = {lemma, lemma + "s", lemma + "es"}
    stem = lemma[:-1] if lemma.endswith("e") else lemma
    forms |= {stem + "ed", stem + "ing"}
    if lemma.endswith("y") and len(lemma) > 2 and lemma[-2] not in "aeiou":
        forms |= {lemma[:-1] + "ied", lemma[:-1] + "ies"}
    if len(lemma) >= 3 and lemma[-1] not in "aeiouwxy" and lemma[-2] in "aeiou" and lemma[-3] not in "aeiou":
        forms |= {lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}
    forms |= set(_IRREGULAR.get(lemma, ()))
    return forms


class Lexicon:
    """Lexicon entries indexed by head lemma, with surface forms for mis-tagged verbs."""

    def __init__(self, entries: list[LexEntry]) -> None:
        self.verbs: dict[str, list[LexEntry]] = {}
        self.nouns: dict[str, list[LexEntry]] = {}
        for entry in entries:
            (self.verbs if entry.pos == "verb" else self.nouns).setdefault(entry.head, []).append(entry)
        self.verb_forms: dict[str, str] = {}
        for lemma in self.verbs:
            for form in _verb_forms(lemma):
                self.verb_forms.setdefault(form, lemma)

    def verb_lemma(self, token: Token) -> str | None:
        """The lexicon verb a token is, if it is one (by tag, or by form when mis-tagged)."""
        lemma = token.lemma_.lower()
        if token.pos_ in ("VERB", "AUX") or token.tag_.startswith("VB"):
            if lemma in self.verbs:
                return lemma
            return self.verb_forms.get(token.lower_)
        if token.pos_ == "ADJ" and token.lower_.endswith(("ed", "en")):
            return self.verb_forms.get(token.lower_)
        return None

    def match(self, token: Token) -> LexEntry | None:
        """The most specific entry a token satisfies, or None."""
        candidates: list[LexEntry] = []
        verb = self.verb_lemma(token)
        if verb is not None:
            candidates = self.verbs.get(verb, [])
        elif token.pos_ in ("NOUN", "PROPN") or token.tag_.startswith("NN"):
            candidates = self.nouns.get(token.lemma_.lower(), []) or self.nouns.get(token.lower_, [])
        best: LexEntry | None = None
        for entry in candidates:
            if _satisfies(token, entry) and (best is None or entry.specificity > best.specificity):
                best = entry
        return best


def object_tokens(token: Token) -> list[Token]:
    """A trigger's object-like arguments: direct objects, passive subjects, the noun a
    participle modifies, objects of its prepositions, and their conjuncts."""
    found = [c for c in token.children if c.dep_ in _OBJ_DEPS]
    if token.dep_ in ("acl", "amod", "relcl") and token.head.pos_ in ("NOUN", "PROPN"):
        found.append(token.head)
    for child in token.children:
        if child.dep_ in ("prep", "agent", "prt"):
            found.extend(g for g in child.children if g.dep_ in ("pobj", "pcomp"))
        if child.dep_ == "xcomp":
            found.extend(g for g in child.children if g.dep_ in _OBJ_DEPS)
    # "suspended part of a military aid program", "lifted a state of emergency"
    for obj in list(found):
        if obj.lemma_.lower() in _PARTITIVES:
            for prep in obj.children:
                if prep.dep_ == "prep" and prep.lower_ == "of":
                    found.extend(g for g in prep.children if g.dep_ == "pobj")
    more = [c for t in found for c in t.children if c.dep_ == "conj"]
    return found + more


def _satisfies(token: Token, entry: LexEntry) -> bool:
    children = list(token.children)
    lemmas = {c.lemma_.lower() for c in children}
    if entry.excluded and (lemmas & entry.excluded or
                           any(t.lemma_.lower() in entry.excluded for t in object_tokens(token))):
        return False
    if entry.preps:
        # Not "on" of "on Sunday": a date is no part of the phrasal verb.
        available = [c.lemma_.lower() for c in children if c.dep_ in _PREP_DEPS
                     and not any(g.ent_type_ in ("DATE", "TIME") for g in c.children)]
        # The parser may hang the particle elsewhere: accept the words right after the trigger.
        doc = token.doc
        available += [doc[i].lower_ for i in range(token.i + 1, min(token.i + 3, len(doc)))]
        for options in entry.preps:
            if not any(word in options for word in available):
                return False
    if entry.objects is not None:
        objects = object_tokens(token)
        words = {t.lemma_.lower() for t in objects} | {t.lower_ for t in objects}
        words |= {c.lemma_.lower() for t in objects for c in t.children if c.dep_ == "compound"}
        if not words & entry.objects:
            return False
    if entry.modifiers is not None:
        mods = {c.lemma_.lower() for c in children if c.dep_ in _MOD_DEPS}
        mods |= {c.lower_ for c in children if c.dep_ in _MOD_DEPS}
        if token.dep_ == "compound":
            mods.add(token.head.lemma_.lower())
        if not mods & entry.modifiers:
            return False
    return True


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The packaged lexicon, parsed once per process."""
    text = resources.files("newsgrasp.understand.data").joinpath("event_lexicon.tsv").read_text("utf-8")
    entries = [_parse_line(line, n) for n, line in enumerate(text.splitlines(), 1)
               if line.strip() and not line.startswith("#")]
    return Lexicon(entries)


@lru_cache(maxsize=1)
def _categories() -> dict[str, CategoryInfo]:
    raw = json.loads(resources.files("newsgrasp.understand.data")
                     .joinpath("event_categories.json").read_text("utf-8"))
    table = {name: CategoryInfo(int(v["quad"]), float(v["score"]), {k: float(s) for k, s in v["modes"].items()})
             for name, v in raw.items() if not name.startswith("_")}
    missing = set(EVENT_CATEGORIES) - set(table)
    if missing:
        raise ValueError(f"event_categories.json lacks {sorted(missing)}")
    return table


def category_info(category: str) -> CategoryInfo:
    """Quad class and scores of a PLOVER category."""
    try:
        return _categories()[category]
    except KeyError:
        raise ValueError(f"unknown event category {category!r}; expected one of {EVENT_CATEGORIES}") from None
