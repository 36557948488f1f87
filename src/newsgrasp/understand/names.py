"""Whether the words written around a surname fit a known person's name and offices.

The leaders table lets news call a person by the surname alone ("Putin",
"Jaafari"), but a surname is shared: "Bashar al-Jaafari" is not Ibrahim
al-Jaafari, "Andy Ryan" is not Paul Ryan, and "Ambassador Jaafari" is not a
foreign minister.  :func:`given_names_fit` and :func:`title_fits` say whether
the given names and title written with a surname can be the tabled person's;
when they cannot, the text names someone else and no leader is resolved.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from newsgrasp.understand.gazetteer import gazetteer, key

__all__ = ["PARTICLES", "given_names_fit", "name_parts", "same_given_name", "title_fits"]

# Lower-case name particles that sit between given names and a surname ("Bashar al-Jaafari").
PARTICLES = frozenset({"al", "el", "ad", "an", "ar", "as", "ash", "at", "az", "bin", "ibn", "bint", "abu",
                       "de", "da", "di", "del", "della", "dos", "das", "du", "van", "von", "der", "den",
                       "ter", "la", "le", "y"})

# Common English short forms of given names; other short forms must be a prefix ("Vlad").
_DIMINUTIVES: dict[str, frozenset[str]] = {
    "bill": frozenset({"william"}), "will": frozenset({"william"}), "bob": frozenset({"robert"}),
    "rob": frozenset({"robert"}), "mike": frozenset({"michael"}), "jim": frozenset({"james"}),
    "jimmy": frozenset({"james"}), "joe": frozenset({"joseph"}), "tony": frozenset({"anthony", "antonio"}),
    "dick": frozenset({"richard"}), "rick": frozenset({"richard"}), "andy": frozenset({"andrew"}),
    "ted": frozenset({"edward", "theodore"}), "ed": frozenset({"edward"}), "jack": frozenset({"john"}),
    "chuck": frozenset({"charles"}), "liz": frozenset({"elizabeth"}), "peggy": frozenset({"margaret"}),
    "bibi": frozenset({"benjamin"}), "volodymyr": frozenset({"vladimir"}),
}

# Titles that name an office, with the office words that make them fit.  Honorifics
# ("Mr", "Sheikh") and military ranks say nothing about the office and always fit.
_OFFICE_TITLES: dict[str, tuple[str, ...]] = {
    "president": ("president",),
    "vice president": ("vice president",),
    "prime minister": ("prime minister", "premier"),
    "premier": ("prime minister", "premier"),
    "chancellor": ("chancellor",),
    "king": ("king", "monarch", "head of state", "emperor"),
    "queen": ("queen", "monarch", "head of state"),
    "emir": ("emir", "monarch", "head of state"),
    "sultan": ("sultan", "monarch", "head of state"),
    "foreign minister": ("foreign minister",),
    "foreign secretary": ("foreign minister",),
    "defense minister": ("defense minister",),
    "defence minister": ("defense minister",),
    "defense secretary": ("defense minister",),
    "defence secretary": ("defense minister",),
    "speaker": ("speaker",),
    "senator": ("senator",),
    "sen": ("senator",),
    "rep": ("representative", "congress"),
    "governor": ("governor",),
    "mayor": ("mayor",),
    "ambassador": ("ambassador", "envoy", "representative"),
    "envoy": ("ambassador", "envoy", "representative"),
    "judge": ("judge", "justice", "court"),
    "pope": ("pope",),
}


def _fold(word: str) -> str:
    word = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in word if not unicodedata.combining(ch)).casefold().strip(".")


def _initials(word: str) -> list[str] | None:
    """The letters of initials as written ("V.", "V", "W. R.", "WR"), or None for a name."""
    letters = word.replace(".", "").replace(" ", "")
    if not letters.isalpha():
        return None
    if len(letters) == 1 or ("." in word and all(len(p.strip()) <= 1 for p in word.split("."))):
        return [c.casefold() for c in letters]
    if 2 <= len(letters) <= 3 and letters.isupper():
        return [c.casefold() for c in letters]
    return None


def _one_edit(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    if len(a) > len(b):
        a, b = b, a
    return any(a == b[:i] + b[i + 1:] for i in range(len(b)))


def same_given_name(written: str, name: str) -> bool:
    """Whether a written given name can stand for a person's: equal, a short form or a spelling.

    "Vlad" and "Vladimir", "Bill" and "William", "Sergey" and "Sergei" fit;
    "Andy" and "Paul", "Bashar" and "Ibrahim" do not.
    """
    w, n = _fold(written), _fold(name)
    if not w or not n:
        return False
    if w == n or n in _DIMINUTIVES.get(w, ()) or w in _DIMINUTIVES.get(n, ()):
        return True
    if len(w) >= 3 and n.startswith(w):
        return True
    # Transliterations differ by a letter ("Sergey"/"Sergei", "Mohammad"/"Mohammed").
    return min(len(w), len(n)) >= 5 and w[0] == n[0] and _one_edit(w, n)


def given_names_fit(written: list[str], forms: list[list[str]]) -> bool:
    """Whether the given names written before a surname fit one of a person's name forms.

    ``forms`` holds, per way the person is named (canonical name, aliases), the
    given-name words.  The first written word must be one of them, or its
    initial; further words may be initials (a middle initial: "Donald J.
    Trump") or other given names of that form.  Nothing written always fits.
    """
    words = [w for w in written if _fold(w) not in PARTICLES]
    if not words:
        return True
    for given in forms:
        if not given:
            continue
        if _words_fit(words, given):
            return True
    return False


def _words_fit(words: list[str], given: list[str]) -> bool:
    initials = {g[:1] for g in map(_fold, given)}
    for i, word in enumerate(words):
        letters = _initials(word)
        if letters is not None:
            # Initials: the first must start one of the given names, a middle one may be unlisted.
            if i == 0 and letters[0] not in initials:
                return False
            continue
        if not any(same_given_name(word, g) for g in given):
            return False
    return True


@lru_cache(maxsize=1)
def _person_forms() -> dict[str, list[list[str]]]:
    """Every tabled person's name forms as folded words: canonical name and aliases."""
    forms: dict[str, list[list[str]]] = {}
    for k, entries in gazetteer().index.items():
        for kind, value in entries:
            if kind == "person" and isinstance(value, str):
                forms.setdefault(value, []).append(k.split(" "))
    return forms


def name_parts(person: str, short: str) -> list[list[str]]:
    """The given-name words of each of a person's name forms, before its short form ("Putin")."""
    short_words = key(short).split(" ")
    parts = []
    for form in _person_forms().get(person, [key(person).split(" ")]):
        n = len(short_words)
        at = next((i for i in range(len(form) - n + 1) if form[i:i + n] == short_words), None)
        before = form[:at] if at is not None else form[:-1]
        parts.append([w for w in before if w not in PARTICLES])
    return parts


def title_fits(title: list[str], person: str) -> bool:
    """Whether a title written before a surname fits an office the person has held.

    "Speaker Ryan" fits Paul Ryan; "Senator Ryan" and "Ambassador Jaafari" name
    someone else.  Titles that are no office ("Mr", "Gen.") always fit.
    """
    words = [_fold(w) for w in title]
    office = None
    for n in (2, 1):
        if len(words) >= n:
            last = " ".join(words[-n:])
            if last in _OFFICE_TITLES:
                office = last
                break
    if office is None:
        return True
    from newsgrasp.understand.actors import office_matches  # actors imports this module

    held = [t.office.casefold() for t in gazetteer().terms.get(person, [])]
    if office in ("president", "foreign minister", "foreign secretary", "defense minister", "defence minister",
                  "defense secretary", "defence secretary"):
        return any(office_matches(o, office) for o in held)
    return any(part in o for o in held for part in _OFFICE_TITLES[office])
