"""Actor coding: a mention's text → country (ISO3) + PLOVER/CAMEO sector.

``resolve_actor`` reads a noun phrase the way an event coder does: find the
names it contains (countries, demonyms, capitals and seats of power, regions,
organisations, people through their dated terms of office), take the one nearest
the phrase's head, and read the sector from the head noun ("officials" → GOV,
"troops" → MIL, "separatists" → REB).  Nothing is guessed: a phrase with no
known name resolves to None.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING

from newsgrasp.records import Actor, EntityRecord
from newsgrasp.understand.gazetteer import COMMON_WORD_SURNAMES, Hit, Org, Term, gazetteer, tokens
from newsgrasp.understand.names import PARTICLES, given_names_fit, name_parts, title_fits

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

__all__ = ["SECTOR_WORDS", "actor_for_span", "actors_for_span", "as_day", "country_code", "office_matches",
           "resolve_actor", "sector_of"]

# Head nouns and their sectors (PLOVER/CAMEO agent codes).  Plurals are derived.
SECTOR_WORDS: dict[str, str] = {
    # government
    "official": "GOV", "government": "GOV", "ministry": "GOV", "minister": "GOV",
    "president": "GOV", "administration": "GOV", "spokesman": "GOV", "spokeswoman": "GOV",
    "spokesperson": "GOV", "cabinet": "GOV", "authorities": "GOV", "authority": "GOV",
    "regime": "GOV", "leader": "GOV", "leadership": "GOV", "premier": "GOV", "chancellor": "GOV",
    "king": "GOV", "queen": "GOV", "emir": "GOV", "sultan": "GOV", "monarch": "GOV",
    "diplomat": "GOV", "ambassador": "GOV", "envoy": "GOV", "negotiator": "GOV", "delegation": "GOV",
    "secretary": "GOV", "governor": "GOV", "mayor": "GOV", "state department": "GOV",
    "foreign ministry": "GOV", "foreign office": "GOV", "embassy": "GOV", "consulate": "GOV",
    "rulers": "GOV", "ruler": "GOV", "junta": "GOV", "vice president": "GOV", "prime minister": "GOV",
    "secretary of state": "GOV", "interior ministry": "GOV", "presidency": "GOV",
    "crown prince": "GOV", "prince": "GOV", "sheikh": "GOV", "statesman": "GOV",
    # military
    "army": "MIL", "troops": "MIL", "troop": "MIL", "military": "MIL", "forces": "MIL",
    "force": "MIL", "soldier": "MIL", "navy": "MIL", "air force": "MIL", "generals": "MIL",
    "warship": "MIL", "warplane": "MIL", "jets": "MIL", "fighter jet": "MIL", "aircraft": "MIL",
    "tanks": "MIL", "police force": "COP", "secretary general": "GOV", "attorney general": "JUD",
    "press secretary": "GOV",
    "helicopter": "MIL", "officer": "MIL", "commander": "MIL", "marine": "MIL", "servicemen": "MIL",
    "serviceman": "MIL", "defense ministry": "MIL", "defence ministry": "MIL", "armed forces": "MIL",
    "militiamen": "MIL", "paratrooper": "MIL", "artillery": "MIL", "gunboat": "MIL", "submarine": "MIL",
    "drone": "MIL", "predator": "MIL", "security forces": "MIL", "coast guard": "MIL",
    "defense minister": "GOV", "defence minister": "GOV", "defense secretary": "GOV",
    "defence secretary": "GOV", "pentagon": "MIL",
    # rebels and insurgents
    "rebel": "REB", "separatist": "REB", "insurgent": "REB", "militant": "REB", "guerrilla": "REB",
    "guerilla": "REB", "militia": "REB", "fighter": "REB", "jihadist": "REB", "extremist": "REB",
    "terrorist": "REB", "gunmen": "REB", "gunman": "REB", "rebellion": "REB", "insurgency": "REB",
    "paramilitary": "REB", "paramilitaries": "REB",
    # others
    "opposition": "OPP", "dissident": "OPP", "police": "COP", "policeman": "COP", "policemen": "COP",
    "police officer": "COP", "riot police": "COP", "border patrol": "COP", "border guard": "COP",
    "parliament": "LEG", "lawmaker": "LEG", "senator": "LEG", "congress": "LEG", "legislator": "LEG",
    "legislature": "LEG", "assembly": "LEG", "senate": "LEG", "mp": "LEG", "deputies": "LEG",
    "congressman": "LEG", "congresswoman": "LEG", "parliamentarian": "LEG", "duma": "LEG",
    "protester": "CVL", "protestor": "CVL", "demonstrator": "CVL", "civilian": "CVL",
    "resident": "CVL", "citizen": "CVL", "people": "CVL", "villager": "CVL", "population": "CVL",
    "nationals": "CVL", "inhabitant": "CVL", "crowd": "CVL", "settler": "CVL",
    "student": "EDU", "university": "EDU", "school": "EDU", "teacher": "EDU",
    "company": "BUS", "firm": "BUS", "bank": "BUS", "businessman": "BUS", "businessmen": "BUS",
    "corporation": "BUS", "investor": "BUS", "businesses": "BUS", "industry": "BUS", "executives": "BUS",
    "chief executive": "BUS",
    "media": "MED", "newspaper": "MED", "journalist": "MED", "reporter": "MED",
    "television": "MED", "broadcaster": "MED", "news agency": "MED", "website": "MED",
    "court": "JUD", "judge": "JUD", "judiciary": "JUD", "prosecutor": "JUD", "tribunal": "JUD",
    "refugee": "REF", "displaced": "REF", "asylum seeker": "REF", "migrant": "REF",
    "worker": "LAB", "union": "LAB", "labour": "LAB", "labor": "LAB", "farmer": "AGR",
    "doctor": "HLH", "hospital": "HLH", "nurse": "HLH", "medic": "HLH",
    "party": "PTY", "intelligence": "SPY", "spy": "SPY", "intelligence agency": "SPY",
    "criminal": "CRM", "hostage taker": "CRM", "smuggler": "CRM", "gang": "CRM",
    "cleric": "REL", "church": "REL", "clergy": "REL", "bishop": "REL", "imam": "REL",
    "mosque": "REL", "missionary": "REL", "archbishop": "REL",
    "elder": "ELI", "elite": "ELI", "chief": "GOV", "administrator": "GOV", "commission": "GOV",
    "armed group": "REB", "terror group": "REB", "terrorist group": "REB", "youth": "CVL",
    "youths": "CVL", "town": "CVL", "village": "CVL", "villages": "CVL", "landowner": "CVL",
    "residential area": "CVL", "neighbourhood": "CVL", "neighborhood": "CVL", "peace movement": "OPP",
    "opposition party": "OPP", "opposition parties": "OPP", "opposition group": "OPP",
    "opposition coalition": "OPP", "politician": "ELI", "peacekeeper": "MIL", "peacekeepers": "MIL",
    "peacekeeping force": "MIL", "web site": "MED",
}

# Head nouns that say less than a sector word before them: "rebel leaders" are rebels.
_WEAK_SECTOR_WORDS = frozenset({"leader", "leaders", "leadership", "spokesman", "spokeswoman",
                                "spokesperson", "spokesmen", "official", "officials", "commander",
                                "commanders", "chief", "chiefs"})

# Heads that make a "former" person an elite rather than a sitting official.
_FORMER = frozenset({"former", "ex", "ousted", "deposed", "exiled", "late", "toppled"})
# Words after which a noun phrase's modifiers stop: "rebels in Darfur", "troops loyal to X".
_BREAKS = frozenset({"in", "of", "from", "at", "near", "on", "loyal", "based", "operating", "living",
                     "fleeing", "ordered", "throughout", "across", "inside", "outside", "for", "with",
                     "against", "around", "along", "backed", "led", "allied", "by", "who", "which",
                     "that", "to"})
_PRONOUNS = frozenset({"he", "him", "his", "she", "her", "hers", "himself", "herself"})
# Hits that name a country directly; ethnic groups only where the table gives their country.
_COUNTRY_KINDS = ("country", "adjective", "capital", "seat", "place")

_SECTOR_KEYS: dict[str, str] = {}


def _sector_keys() -> dict[str, str]:
    if not _SECTOR_KEYS:
        for word, sector in SECTOR_WORDS.items():
            _SECTOR_KEYS[word] = sector
            if " " not in word and not word.endswith(("s", "men", "ary", "ry")):
                _SECTOR_KEYS[word + "s"] = sector
            elif word.endswith("y") and not word.endswith("ey"):
                _SECTOR_KEYS[word[:-1] + "ies"] = sector
        _SECTOR_KEYS.update({"militaries": "MIL", "armies": "MIL", "militias": "REB", "ministries": "GOV",
                             "authorities": "GOV", "parties": "PTY", "media": "MED",
                             "governments": "GOV", "presidents": "GOV", "companies": "BUS",
                             "courts": "JUD", "universities": "EDU", "prosecutors": "JUD"})
    return _SECTOR_KEYS


@lru_cache(maxsize=65536)
def sector_of(text: str, skip: tuple[int, int] | None = None) -> str | None:
    """The sector named by a phrase's head noun, or None: "Russian officials" → GOV.

    The head of an English noun phrase is its last noun before any
    post-modifier ("rebels in Darfur"), so the last sector word in that part wins,
    except that a title before a name ("President Abdelaziz Bouteflika") counts.
    """
    words = [w.casefold() for w, _, _ in tokens(text)]
    # The words of a name are not its sector: "United States", "People's Republic", "West Bank".
    named = {i for h in gazetteer().scan(text) for i in range(h.start, h.end)}
    if skip is not None:
        named.update(range(skip[0], skip[1]))
    words = [w if i not in named else "" for i, w in enumerate(words)]
    cut = _cut(words)
    # No sector word before the post-modifier ("a member of the parliament",
    # "Vietnamese-led forces"): the post-modifier's first one stands in.
    return _sector_in(words[:cut]) or _sector_in(words[cut:], first=True)


def _cut(words: list[str]) -> int:
    """Where a noun phrase's post-modifier starts: a preposition, a relative or a participle."""
    for i, w in enumerate(words):
        if i > 0 and (w in _BREAKS or (w.endswith("ing") and len(w) > 5 and w not in _sector_keys())):
            return i
    return len(words)


def _sector_in(words: list[str], first: bool = False) -> str | None:
    table = _sector_keys()
    found: str | None = None
    weak: str | None = None
    i = 0
    while i < len(words):
        for n in (3, 2, 1):
            piece = " ".join(words[i:i + n])
            if len(words[i:i + n]) == n and piece in table:
                # "rebel leaders", "army spokesman": the specific word says who they are.
                if piece in _WEAK_SECTOR_WORDS:
                    weak = weak or table[piece]
                else:
                    found = table[piece]
                    if first:
                        return found
                i += n
                break
        else:
            i += 1
    return found or weak


def _normalise(text: str) -> str:
    text = text.replace("’", "'").replace("\u00a0", " ")
    text = re.sub(r"\s+", " ", text).strip(" ,;:\"'()[]")
    # A final full stop ends the sentence, unless it closes an abbreviation ("U.S.").
    if text.endswith(".") and not re.search(r"(?:^|[\s.])[A-Z]\.$", text):
        text = text[:-1]
    text = re.sub(r"^(?:the|a|an)\s+", "", text, flags=re.I)
    text = re.sub(r"'s?$", "", text)
    return text


def _terms_on(persons: list[str], on: date | None) -> list[Term]:
    """The terms of these people that apply on a date (all of them without one)."""
    g = gazetteer()
    every = [t for p in persons for t in g.terms[p]]
    if on is None:
        return every
    return [t for t in every if t.active(on)]


def _person_actor(persons: list[str], on: date | None, text: str) -> Actor | None:
    """Code people by the office held on the date; a former official is an elite (ELI)."""
    g = gazetteer()
    words = {w.casefold() for w, _, _ in tokens(text)}
    active = _terms_on(persons, on)
    if active:
        people = {t.person for t in active}
        places = {(t.country, t.org) for t in active}
        if len(places) != 1:
            return None
        # Several offices at once (a president who chairs a party): the governing one first.
        term = sorted(active, key=lambda t: (t.sector != "GOV", t.sector != "MIL"))[0]
        name = term.person if len(people) == 1 else None
        if term.org is not None:
            return Actor(None, term.sector, name or term.org, "person")
        sector = "ELI" if words & _FORMER else term.sector
        return Actor(term.country, sector, name, "person")
    if on is None:
        return None
    past = [t for p in persons for t in g.terms[p] if t.end is not None and t.end <= on]
    countries = {t.country for t in past}
    if past and len(countries) == 1 and None not in countries:
        people = {t.person for t in past}
        return Actor(past[0].country, "ELI", past[0].person if len(people) == 1 else None, "person")
    return None


# Words that may stand right before a surname without making it someone else's name.
_TITLE_WORDS = frozenset({
    "president", "minister", "mr", "mrs", "ms", "dr", "gen", "general", "sen", "senator", "rep",
    "king", "queen", "prince", "sheikh", "chancellor", "premier", "secretary", "ayatollah", "emir",
    "sultan", "leader", "governor", "mayor", "spokesman", "ambassador", "envoy", "judge", "pope",
    "lt", "col", "adm", "sgt", "capt", "commander", "chairman", "director", "chief", "speaker",
    "mullah", "marshal", "field", "colonel", "admiral", "vice", "deputy", "former", "late",
    "acting", "interim", "elect", "foreign", "defense", "defence", "prime", "crown", "supreme", "state",
})


def _narrow_short(hit: Hit, words: list[str], hits: list[Hit]) -> Hit | None:
    """A surname hit kept to the people the words before it allow, or None for someone else.

    A surname after a different given name is someone else's: "Ivanka Trump",
    "Bashar al-Jaafari", "Andy Ryan"; so is one after a title of an office the
    person never held ("Senator Ryan").  The same given name, its initial or a
    short form fits ("Vladimir Putin", "V. Putin", "Vlad Putin"), as does a
    name we know ("Russian Putin").
    """
    if hit.kind != "short":
        return hit
    i = hit.start
    while i > 0 and words[i - 1] in PARTICLES:        # "al-Jaafari": "al" is part of the surname
        i -= 1
    given: list[str] = []
    while i > 0 and len(given) < 3:
        word = words[i - 1]
        if not word[:1].isupper() or word.casefold() in _TITLE_WORDS or \
                any(h.start <= i - 1 < h.end for h in hits if h is not hit):
            break
        given.insert(0, word)
        i -= 1
    title: list[str] = []
    while i > 0 and words[i - 1].casefold() in _TITLE_WORDS:
        title.insert(0, words[i - 1])
        i -= 1
    assert isinstance(hit.value, list)
    persons = [p for p in hit.value
               if given_names_fit(given, name_parts(p, hit.text)) and title_fits(title, p)]
    if not persons:
        return None
    if len(persons) == len(hit.value):
        return hit
    return Hit(hit.start, hit.end, hit.kind, persons, hit.text, hit.start_char, hit.end_char)


def _person_country(hit: Hit) -> str | None:
    persons = [hit.value] if isinstance(hit.value, str) else list(hit.value)  # type: ignore[call-overload]
    countries = {t.country for p in persons for t in gazetteer().terms[p]}
    return countries.pop() if len(countries) == 1 else None


def _hit_actor(hit: Hit, on: date | None, text: str) -> Actor | None:
    if hit.kind == "person":
        assert isinstance(hit.value, str)
        return _person_actor([hit.value], on, text)
    if hit.kind == "short":
        assert isinstance(hit.value, list)
        if hit.text.casefold() in COMMON_WORD_SURNAMES and not _titled(text, hit.text):
            return None
        return _person_actor(list(hit.value), on, text)
    if hit.kind == "org":
        assert isinstance(hit.value, Org)
        org = hit.value
        return Actor(org.country, org.sector, org.name, org.kind)
    if hit.kind == "seat":
        assert isinstance(hit.value, tuple)
        return Actor(hit.value[0], hit.value[1], None, "country")
    if hit.kind == "capital":
        return Actor(str(hit.value), "GOV", None, "country")
    if hit.kind in _COUNTRY_KINDS:
        return Actor(str(hit.value), None, None, "country")
    if hit.kind == "ethnic" and isinstance(hit.value, tuple) and hit.value[0]:
        return Actor(None, None, hit.value[1], "group")
    return None


_TITLES = re.compile(r"\b(?:President|Prime Minister|Premier|Chancellor|Minister|Secretary|King|Queen|"
                     r"Emir|Sheikh|Mr|Mrs|Ms|Dr|Gen|General|Ayatollah|Prince|Sultan|Senator|Sen|"
                     r"Governor|Leader|Mayor|Vice President|Foreign Secretary)\.?\s+", re.I)


def _titled(text: str, name: str) -> bool:
    pos = text.find(name)
    return pos > 0 and bool(re.search(_TITLES.pattern + r"$", text[:pos]))


def _choose(hits: list[Hit], words: list[str]) -> tuple[Hit | None, bool]:
    """The hit nearest the head: the last one before a post-modifier, else the first after it.

    Returns the hit and whether it sits in the head part (ethnic groups named
    only after a preposition do not make the phrase theirs).
    """
    cut = _cut([w.casefold() for w in words])
    # Religious, ethnic and regional words say less than a country named anywhere in the
    # phrase: "Iraqi Kurds" are Iraq's, "Kurdish separatists in Turkey" Turkey's.
    named = [h for h in hits if h.kind != "ethnic"]
    if not named:
        coded = [h for h in hits if isinstance(h.value, tuple) and h.value[0]]
        return (coded[0] if coded else None), True
    hits = named
    head = [h for h in hits if h.start < cut]
    if head:
        chosen = head[-1]
        # Two demonyms side by side name where people live, then who they are:
        # "Bosnian Serb forces" are Bosnia's.
        before = [h for h in head if h.end == chosen.start and h.kind in ("adjective", "country")]
        if before and chosen.kind in ("adjective", "country"):
            chosen = before[-1]
        # "ethnic Albanians in south Serbia": the place, not the ethnicity, gives the country.
        if chosen.start > 0 and words[chosen.start - 1].casefold() == "ethnic":
            tail = [h for h in hits if h.start >= cut]
            return (tail[0] if tail else None), False
        return chosen, True
    tail = [h for h in hits if h.start >= cut]
    return (tail[0] if tail else None), False


def resolve_actor(text: str, on: date | None = None) -> Actor | None:
    """Code a mention ("Russian officials", "the Kremlin", "Putin") as an actor, or None.

    ``on`` is the article's date: people are coded by the office they held
    then.  Without it a person is coded by any office in the tables, provided
    they all belong to one country.
    """
    if not isinstance(text, str):
        raise TypeError(f"resolve_actor expects the mention's text, got {type(text).__name__}")
    return _resolve(text, as_day(on))


def as_day(on: date | None) -> date | None:
    """The calendar day of a date or datetime (terms of office are compared by day)."""
    if on is None:
        return None
    if isinstance(on, datetime):
        return on.date()
    if not isinstance(on, date):
        raise TypeError(f"expected a date or None for the article's date, got {type(on).__name__}")
    return on


@lru_cache(maxsize=65536)
def _resolve(text: str, on: date | None) -> Actor | None:
    # Actors are immutable, so one article's many mentions of "Trump" cost one lookup.
    clean = _normalise(text)
    if not clean or clean.casefold() in _PRONOUNS:
        return None
    g = gazetteer()
    words = [w for w, _, _ in tokens(clean)]
    # "anti-Syria journalist", "pro-Iranian militia": the country named is not theirs.
    scanned = g.scan(clean)
    narrowed = [_narrow_short(h, words, scanned) for h in scanned]
    hits = [h for h in narrowed if h is not None
            and (_hit_actor(h, on, clean) is not None or h.kind == "ethnic")
            and not (h.start > 0 and words[h.start - 1].casefold() in ("anti", "pro"))]
    hit, in_head = _choose(hits, words)
    sector = sector_of(clean, (hit.start, hit.end) if hit is not None else None)
    if hit is None:
        if hits:
            return None
        return _misspelt_leader(clean, on) or _fallback(clean, sector)
    if hit.kind in ("person", "short") and in_head and hit.end < _cut([w.casefold() for w in words]):
        # A person's name as a modifier: "the Obama administration", "Putin's government" are
        # governments; "Trump National Golf Club" is nobody we know.
        country = _person_country(hit) if sector is not None else None
        return Actor(country, sector, None, "country") if country else None
    actor = _hit_actor(hit, on, clean)
    if actor is None:
        return None
    if actor.kind in ("person", "organization"):
        return actor
    if actor.kind == "group":
        if hit.kind == "ethnic":
            return Actor(None, sector, actor.name, "group")
        return actor
    # A country, read with the phrase's head noun: "Israeli troops" → ISR MIL.
    if sector is None and hit.kind in ("capital", "seat") and in_head and \
            hit.end >= _cut([w.casefold() for w in words]):
        # Only a capital that is the phrase's head stands for its government: not "Times of London".
        sector = actor.sector
    if sector is None and hit.kind == "adjective" and hit.end == len(words) and _plural_noun(hit.text):
        sector = "CVL"   # "Palestinians", "Algerians": the people
    if words and words[0].casefold() in _FORMER and sector == "GOV":
        sector = "ELI"
    return Actor(actor.country, sector, None, "country")


def _plural_noun(text: str) -> bool:
    # Generated demonym plurals ("Israelis", "Afghans"): adjectives never end in -s.
    return text.endswith("s") and not text.endswith(("ss", "ese"))


_TITLED_NAME = re.compile(r"\b(?:President|Prime Minister|Premier|Chancellor|King|Emir|Foreign Minister|"
                          r"Defen[cs]e Minister|Secretary of State|Secretary-General|Secretary General)"
                          r"\s+(?:[A-Z][\w'-]*\.?\s+)*([A-Z][\w'-]{4,})$")


def _misspelt_leader(text: str, on: date | None) -> Actor | None:
    """A title and a surname one typo away from a leader's ("President Abdelaziz Bouteflicka").

    Only with a title, so a stray name is never bent into a leader's.
    """
    match = _TITLED_NAME.search(text)
    if match is None:
        return None
    word = match.group(1).casefold()
    g = gazetteer()
    if word in g.short:
        return None         # spelt right, and already judged not to be that person
    title = [w for w, _, _ in tokens(text[match.start():match.start(1)])]
    persons = {p for short, names in g.short.items() if " " not in short and len(short) >= 5
               and abs(len(short) - len(word)) <= 1 and _one_edit(short, word) for p in names
               if title_fits(title, p)}
    return _person_actor(sorted(persons), on, text) if persons else None


def _one_edit(a: str, b: str) -> bool:
    """At most one insertion, deletion, substitution or swap of neighbours."""
    if a == b:
        return True
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    if len(a) > len(b):
        a, b = b, a
    return any(a == b[:i] + b[i + 1:] for i in range(len(b)))


def _fallback(clean: str, sector: str | None) -> Actor | None:
    """countrynames for plain country names our tables lack (it knows many languages)."""
    import countrynames

    words = tokens(clean)
    if not words or not words[0][0][:1].isupper() or len(clean) < 4:
        return None
    try:
        code = countrynames.to_code_3(clean)
    except KeyError:  # it raises for names it maps to a code without an ISO3 form ("UN")
        return None
    if code is None or not re.fullmatch(r"[A-Z]{3}", code):
        return None
    return Actor(code, sector, None, "country")


def country_code(text: str) -> str | None:
    """The ISO3 code of a plain country name, demonym or abbreviation, or None."""
    actor = resolve_actor(text)
    if actor is None or actor.kind != "country" or actor.sector is not None:
        return None
    return actor.country


# --- spans: what the events and quotes modules hand us ---------------------------------------


def actor_for_span(span: Span, entities: list[EntityRecord], on: date | None,
                   offset: int = 0) -> tuple[Actor | None, str]:
    """The actor of a syntactic argument (subject/object phrase) and the text it was read from.

    The phrase's head decides: "Russian officials" is RUS GOV, but "U.S. sanctions
    against Moscow" names no actor (its head is "sanctions").  Pronouns ("he") and
    nominals ("the president", "the Russian leader") go to the article's
    entities: a mention that covers the head, else the most recent fitting
    PERSON mention before it.  Of coordinated actors ("Putin and Trump") the first
    is returned; :func:`actors_for_span` gives them all.  ``offset`` is the one
    given to :func:`~newsgrasp.understand.entities.extract_entities`.
    """
    found = actors_for_span(span, entities, as_day(on), offset)
    return found[0] if found else (None, span.text)


def actors_for_span(span: Span, entities: list[EntityRecord], on: date | None,
                    offset: int = 0) -> list[tuple[Actor | None, str]]:
    """Every conjunct's actor of an argument: "Putin and Trump" → [RUS GOV, USA GOV]."""
    on = as_day(on)
    root = span.root
    heads = [root] + [t for t in root.conjuncts if span.start <= t.i < span.end and t.i > root.i]
    results = []
    for i, head in enumerate(heads):
        # Each conjunct runs from its own left edge (or the span's start) to just before the next one.
        start = span.start if i == 0 else max(span.start, head.left_edge.i)
        end = span.end if i == len(heads) - 1 else _conjunct_end(span, heads[i + 1])
        results.append(_actor_for_head(span.doc[start:end], head, entities, on, offset))
    return results


def _conjunct_end(span: Span, next_head: Token) -> int:
    end = max(span.start + 1, next_head.left_edge.i)
    while end > span.start + 1 and span.doc[end - 1].dep_ in ("cc", "punct"):
        end -= 1
    return end


def _actor_for_head(span: Span, root: Token, entities: list[EntityRecord], on: date | None,
                    offset: int) -> tuple[Actor | None, str]:
    text = span.text.strip()
    start, end = span.start_char + offset, span.end_char + offset
    inside = _mentions_in(entities, start, end)
    root_start = root.idx + offset
    lowered = text.casefold()
    if lowered in _PRONOUNS or root.lower_ in _PRONOUNS and root.i == span.start:
        if root.lower_ in ("he", "him", "his", "himself", "she", "her", "hers", "herself"):
            # "X said he ...": the subject of the reporting clause first, else the last person named.
            found = _matrix_subject(root, entities, on, offset)
            if found is not None:
                return found
            ent = _recent_person(entities, start)
            if ent is not None:
                return ent.actor, ent.name
        return None, text
    # The head is a name: its entity says who, the words before it may say which part.
    for ent, m_start, m_end in inside:
        if m_start <= root_start < m_end:
            if ent.actor is None:
                return None, text
            if ent.actor.kind == "country":
                head_text = span.doc[span.start:root.i + 1].text
                sector = sector_of(head_text) or ent.actor.sector
                return Actor(ent.actor.country, sector, None, "country"), text
            return ent.actor, ent.name
    # "the president of France, Emmanuel Macron": the person in apposition.
    for ent, m_start, m_end in inside:
        mention = span.doc.char_span(m_start - offset, m_end - offset, alignment_mode="expand")
        if mention is None:
            continue
        tok = mention.root
        if ent.label == "PERSON" and ent.actor is not None and tok.dep_ == "appos" and \
                root in tok.ancestors:
            return ent.actor, ent.name
    if _is_person_nominal(lowered):
        # The country may hang on the head outside the span given ("[America's] newly inaugurated
        # leader"): it still rules out every other country's people.
        country = _nominal_country(text) or _possessor_country(span, root)
        office = _nominal_office(lowered)
        ent = _recent_person(entities, start, country, office, on)
        if ent is not None:
            return ent.actor, ent.name
        if country is not None:
            holder = _office_holder(country, office, on)
            if holder is not None:
                return holder, holder.name or text
            return Actor(country, sector_of(text) or "GOV", None, "country"), text
    if not _actor_head(root):
        return None, text
    # Read the phrase up to its head, plus what follows when it says where ("separatists
    # in eastern Ukraine"); the head noun alone gives the sector.
    actor = resolve_actor(text, on)
    head_sector = sector_of(span.doc[span.start:root.i + 1].text)
    if actor is not None:
        if actor.kind == "country" and head_sector is not None:
            actor = Actor(actor.country, head_sector, None, "country")
        for ent, _, _ in inside:
            if ent.actor == actor and ent.label == "PERSON":
                return actor, ent.name
        return actor, text
    return None, text


def _matrix_subject(pronoun: Token, entities: list[EntityRecord], on: date | None,
                    offset: int) -> tuple[Actor | None, str] | None:
    verb = pronoun.head
    while verb.dep_ in ("ccomp", "xcomp", "advcl", "conj", "aux") and verb.head.i != verb.i:
        verb = verb.head
        subjects = [c for c in verb.children if c.dep_ == "nsubj" and c.i < pronoun.i
                    and c.lower_ not in _PRONOUNS]
        if subjects:
            subj = subjects[0]
            span = pronoun.doc[subj.left_edge.i:subj.i + 1]
            actor, name = _actor_for_head(span, subj, entities, on, offset)
            if actor is not None and actor.kind == "person":
                return actor, name
            return None
    return None


# Nouns that head an actor phrase without naming a sector.
_ACTOR_NOUNS = frozenset({"country", "countries", "nation", "nations", "power", "powers", "side", "sides",
                          "ally", "allies", "neighbour", "neighbor", "neighbours", "neighbors", "group",
                          "groups", "coalition", "alliance", "bloc", "member", "members", "camp",
                          "supporter", "supporters", "partner", "partners", "man", "men", "woman", "women",
                          "counterpart", "counterparts", "delegate", "delegates", "team"})


def _actor_head(root: Token) -> bool:
    if root.ent_type_ in ("PERSON", "ORG", "GPE", "NORP", "FAC", "LOC") or root.pos_ == "PROPN":
        return True
    table = _sector_keys()
    word = root.lower_
    if word in table or root.lemma_.lower() in table or word in _ACTOR_NOUNS:
        return True
    return resolve_actor(root.text) is not None     # "Palestinians", "Kurds"


def _mentions_in(entities: list[EntityRecord], start: int, end: int) -> list[tuple[EntityRecord, int, int]]:
    found = []
    for ent in entities:
        for m in ent.mentions:
            if start <= m.start and m.end <= end:
                found.append((ent, m.start, m.end))
    return found


_NOMINAL = re.compile(r"^(?:the\s+)?(?:[a-z.'’\-]+\s+){0,3}(?:president|prime minister|premier|chancellor|leader|"
                      r"foreign minister|defen[cs]e minister|secretary of state|king|emir|minister)$")


def _is_person_nominal(lowered: str) -> bool:
    return bool(_NOMINAL.match(lowered))


def _nominal_country(text: str) -> str | None:
    for hit in gazetteer().scan(_normalise(text)):
        if hit.kind in ("adjective", "country"):
            return str(hit.value)
    return None


def _possessor_country(span: Span, root: Token) -> str | None:
    """The country named by the head's possessor or modifier lying before the span."""
    for child in root.children:
        if child.i < span.start and child.dep_ in ("poss", "amod", "compound", "nmod"):
            country = _nominal_country(span.doc[child.left_edge.i:child.i + 1].text)
            if country is not None:
                return country
    return None


def _office_holder(country: str, office: str | None, on: date | None) -> Actor | None:
    """The one person holding a country's office on a date ("America's leader" in 2017: Trump),
    None when nobody or several people fit (a king and a prime minister are both "leader")."""
    if office is None or on is None:
        return None
    people = {t.person for terms in gazetteer().terms.values() for t in terms
              if t.country == country and t.org is None and t.active(on) and office_matches(t.office, office)}
    if len(people) != 1:
        return None
    person = people.pop()
    return _person_actor([person], on, person)


def _nominal_office(lowered: str) -> str | None:
    for office in ("prime minister", "foreign minister", "defense minister", "defence minister",
                   "secretary of state", "president", "chancellor", "premier", "king", "emir", "leader",
                   "minister"):
        if office in lowered:
            return office
    return None


# Offices whose holder news call "the leader" of a country.
_TOP_OFFICES = ("president", "prime minister", "chancellor", "king", "leader", "emir", "premier", "monarch")


def office_matches(office: str, nominal: str) -> bool:
    """Whether a term's office is what a nominal names: "Foreign Minister" is "the foreign minister"."""
    office = office.lower()
    if nominal in ("defense minister", "defence minister", "defense secretary"):
        return "defen" in office
    if nominal in ("foreign minister", "foreign secretary", "secretary of state"):
        return "foreign" in office or "secretary of state" in office
    if nominal == "president":
        return "president" in office and "vice" not in office
    if nominal == "leader":
        return any(top in office for top in _TOP_OFFICES) and "vice" not in office and "deputy" not in office
    if nominal == "minister":
        return "minister" in office
    return nominal.replace("-", " ") in office.replace("-", " ")


def _holds(person: str | None, office: str, on: date | None) -> bool:
    if person is None:
        return False
    return any(office_matches(t.office, office) for t in gazetteer().terms.get(person, [])
               if on is None or t.active(on))


def _recent_person(entities: list[EntityRecord], before: int, country: str | None = None,
                   office: str | None = None, on: date | None = None) -> EntityRecord | None:
    """The PERSON entity mentioned last before a position (optionally of one country, in one office)."""
    best: tuple[int, EntityRecord] | None = None
    for ent in entities:
        if ent.label != "PERSON":
            continue
        if country is not None and (ent.actor is None or ent.actor.country != country):
            continue
        if office is not None and not _holds(ent.actor.name if ent.actor else None, office, on):
            continue
        for m in ent.mentions:
            if m.end <= before and (best is None or m.start > best[0]):
                best = (m.start, ent)
    return best[1] if best else None
