"""Entities of one article: spaCy's mentions, mended with our tables, merged and coded.

spaCy's small English model finds most names but slips in ways that matter
here: a bare surname tagged ORG ("Trump"), "Kremlin" or "U. S." missed, "the
Islamic State group" cut down to NORP "Islamic".  We keep its mentions, relabel
or extend them where the actor tables know better, add the table names it
missed, then merge the mentions of one entity within the article ("President
Donald Trump", "Trump", "the president" → "Donald Trump") and code each entity
with :func:`~newsgrasp.understand.actors.resolve_actor` on the article's date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from newsgrasp.records import Actor, EntityRecord, Mention
from newsgrasp.understand.actors import as_day, office_matches, resolve_actor
from newsgrasp.understand.gazetteer import Hit, gazetteer, key, tokens
from newsgrasp.understand.names import PARTICLES, title_fits

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["ENTITY_LABELS", "VERSION", "extract_entities"]

# Bumped whenever entities or their actor codes can come out differently, so that
# `newsgrasp enrich` knows which stored analyses are stale.
VERSION = "2"

ENTITY_LABELS: tuple[str, ...] = ("PERSON", "ORG", "GPE", "LOC", "NORP", "FAC")

# Words that may stand before a name as part of how news introduce a person.
_TITLE_WORDS = frozenset({
    "president", "prime", "minister", "foreign", "defense", "defence", "secretary", "state",
    "chancellor", "premier", "king", "queen", "emir", "sheikh", "crown", "prince", "vice",
    "general", "gen", "gen.", "lt", "lt.", "col", "col.", "adm", "adm.", "mr", "mr.", "mrs",
    "mrs.", "ms", "ms.", "dr", "dr.", "senator", "sen", "sen.", "rep", "rep.", "governor",
    "gov", "gov.", "ambassador", "spokesman", "spokeswoman", "leader", "deputy", "interior",
    "national", "security", "adviser", "advisor", "chief", "of", "ayatollah", "supreme",
    "secretary-general", "director", "director-general", "press", "u.n.", "un", "former",
    "acting", "newly", "elected", "opposition", "finance", "trade", "home", "justice", "envoy",
    "speaker", "mayor", "judge",
})
_TITLE_STRIP = re.compile(r"^(?:(?:the|former|late|acting|mr|mrs|ms|dr|president|prime minister|"
                          r"chancellor|premier|king|queen|sheikh|gen|general|sen|senator|rep)\.?\s+)+",
                          re.IGNORECASE)
# "the president", "the Russian president", "the U.S. secretary of state".
_OFFICES = ("president", "prime minister", "premier", "chancellor", "foreign minister", "defense minister",
            "defence minister", "secretary of state", "defense secretary", "foreign secretary",
            "king", "emir", "secretary-general", "secretary general", "leader")
# "the president", "the Russian president", "the North Korean leader", "the U.S. secretary of state";
# not "the president of France" (someone else, named there).
_NOMINAL = re.compile(r"\b[Tt]he\s+(?:([A-Z]\.\s?[A-Z]\.|[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?)\s+)?((?i:"
                      + "|".join(o.replace(" ", r"\s+") for o in _OFFICES)
                      + r"))\b(?!\s+(?:of|and)\s+[A-Z])")



@dataclass(slots=True)
class _Mention:
    start: int
    end: int
    label: str
    text: str
    sentence: int = 0
    context: str = ""      # the name with the title/nationality before it: "Russian President Vladimir Putin"
    apposition: str = ""   # the head part of a noun phrase in apposition: "Syria's ambassador"


def extract_entities(doc: Doc, on: date | None, offset: int = 0) -> list[EntityRecord]:
    """People, organisations and places of a parsed article, one record per entity.

    ``on`` is the article's date (people are coded by the office held then);
    ``offset`` is added to every character offset, for a Doc made of a slice of
    the stored text.  Records come in order of first mention.
    """
    if not hasattr(doc, "ents") or not hasattr(doc, "text"):
        raise TypeError(f"extract_entities expects a spaCy Doc, got {type(doc).__name__}")
    on = as_day(on)
    starts = _sentence_starts(doc)
    mentions = _mend(doc, _spacy_mentions(doc))
    for m in mentions:
        m.sentence = _sentence_of(starts, m.start)
        if m.label == "PERSON":
            m.context = _with_title(doc, m)
            m.apposition = _apposition(doc, m)
    entities = _merge(mentions, on)
    _add_nominals(doc, entities, starts, on)
    records = []
    for ent in entities:
        ent.mentions.sort(key=lambda m: m.start)
        records.append(EntityRecord(
            name=ent.name, label=ent.label,
            mentions=[Mention(m.start + offset, m.end + offset, m.sentence, m.text) for m in ent.mentions],
            actor=ent.actor))
    records.sort(key=lambda r: r.mentions[0].start if r.mentions else 0)
    return records


# --- mentions -------------------------------------------------------------------------------


def _spacy_mentions(doc: Doc) -> list[_Mention]:
    found = []
    for ent in doc.ents:
        if ent.label_ not in ENTITY_LABELS:
            continue
        start, end, text = ent.start_char, ent.end_char, ent.text
        if "\n" in text.strip():
            continue        # run across a paragraph break ("Abe\n\nNorth Korea"): the tables re-find the names
        # Possessives and stray punctuation are not part of the name.
        trimmed = re.sub(r"(?:['’]s?|[\s,.;:])+$", "", text)
        if trimmed.endswith(("U.S", "U. S", "U.N", "U.K", "U. N", "U. K")):
            trimmed += "."
        end = start + len(trimmed)
        if trimmed:
            found.append(_Mention(start, end, ent.label_, trimmed))
    return found


def _table_hits(doc: Doc) -> list[Hit]:
    g = gazetteer()
    hits = []
    for base, text in _sentences(doc):
        for hit in g.scan(text):
            hits.append(Hit(hit.start, hit.end, hit.kind, hit.value, hit.text,
                            hit.start_char + base, hit.end_char + base))
    return hits


_KIND_LABEL = {"country": "GPE", "capital": "GPE", "place": "GPE", "adjective": "NORP", "seat": "ORG",
               "org": "ORG", "person": "PERSON", "short": "PERSON", "ethnic": "NORP"}


def _mend(doc: Doc, mentions: list[_Mention]) -> list[_Mention]:
    """Relabel, extend and complete spaCy's mentions with what the tables know."""
    person_words = {w for m in mentions if m.label == "PERSON" for w in _name_words(m.text)[-1:]}
    kept: list[_Mention] = []
    for m in mentions:
        actor = resolve_actor(m.text)
        if m.label != "PERSON" and (actor is not None and actor.kind == "person"
                                    or _name_words(m.text)[-1:] and _name_words(m.text)[-1] in person_words
                                    and len(_name_words(m.text)) == 1):
            m.label = "PERSON"          # "Trump" tagged ORG
        elif m.label == "PERSON" and actor is not None and actor.kind in ("organization", "group"):
            m.label = "ORG"
        kept.append(m)
    for hit in _table_hits(doc):
        if hit.kind == "ethnic" or (hit.kind == "adjective" and not _standalone_adjective(doc, hit)):
            continue
        if hit.kind == "short" and not _known_short(hit, person_words):
            continue
        label = _KIND_LABEL[hit.kind]
        if hit.kind == "short":
            # "Ivanka Trump" (missed by spaCy) is not Trump: the whole name is someone else.
            first = _first_name_before(doc, hit)
            if first is not None:
                hit = Hit(hit.start, hit.end, hit.kind, hit.value, doc.text[first:hit.end_char], first,
                          hit.end_char)
        overlapping = [m for m in kept if m.start < hit.end_char and hit.start_char < m.end]
        if not overlapping:
            kept.append(_Mention(hit.start_char, hit.end_char, label, hit.text))
            continue
        # A longer table name swallows spaCy's piece of it: "Islamic State group" over "Islamic".
        if all(hit.start_char <= m.start and m.end <= hit.end_char for m in overlapping) and \
                any((m.end - m.start) < (hit.end_char - hit.start_char) for m in overlapping):
            for m in overlapping:
                kept.remove(m)
            kept.append(_Mention(hit.start_char, hit.end_char, label, hit.text))
    kept.sort(key=lambda m: m.start)
    return kept


def _standalone_adjective(doc: Doc, hit: Hit) -> bool:
    # Demonyms spaCy missed are added only in "U. S.-Russian"-like compounds and as nouns
    # ("Palestinians"); ordinary adjectives are NORP mentions spaCy already finds.
    return hit.text.endswith("s") or doc.text[hit.end_char:hit.end_char + 1] == "-"


def _first_name_before(doc: Doc, hit: Hit) -> int | None:
    """Where an unknown first name before a surname starts, if there is one."""
    span = doc.char_span(hit.start_char, hit.end_char, alignment_mode="expand")
    if span is None or span.start == 0:
        return None
    prev = doc[span.start - 1]
    if prev.pos_ == "PROPN" and prev.text[:1].isupper() and prev.lower_.rstrip(".") not in _TITLE_WORDS \
            and prev.ent_type_ not in ("GPE", "NORP", "ORG") and resolve_actor(prev.text) is None:
        return prev.idx
    return None


def _known_short(hit: Hit, person_words: set[str]) -> bool:
    if hit.text in person_words:
        return True
    actor = resolve_actor(hit.text)
    return actor is not None and actor.kind == "person"


def _name_words(text: str) -> list[str]:
    stripped = _TITLE_STRIP.sub("", text.strip())
    return [w for w in re.split(r"\s+", stripped) if w]


def _with_title(doc: Doc, m: _Mention) -> str:
    """The mention with the title and nationality words just before it, for coding."""
    span = doc.char_span(m.start, m.end, alignment_mode="expand")
    if span is None:
        return m.text
    i = span.start
    sent_start = span.sent.start if doc.has_annotation("SENT_START") else 0
    while i > sent_start:
        tok = doc[i - 1]
        if tok.lower_ in _TITLE_WORDS or (tok.text[:1].isupper() and tok.ent_type_ in ("NORP", "GPE")) \
                or tok.text in ("'s", "’s") or (tok.is_punct and tok.text in ".-"):
            i -= 1
            continue
        break
    return doc.text[doc[i].idx:m.end] if i < span.start else m.text


def _apposition(doc: Doc, m: _Mention) -> str:
    """The noun phrase set beside the name, up to its head: "Syria's ambassador" (to the UN)."""
    span = doc.char_span(m.start, m.end, alignment_mode="expand")
    if span is None or not doc.has_annotation("DEP"):
        return ""
    root = span.root
    for child in root.children:
        if child.dep_ == "appos" and child.i >= span.end and child.left_edge.i > span.end - 1:
            return doc[child.left_edge.i:child.i + 1].text
    return ""


# --- merging --------------------------------------------------------------------------------


@dataclass(slots=True)
class _Entity:
    name: str
    label: str
    mentions: list[_Mention]
    actor: Actor | None
    words: list[str]


def _merge(mentions: list[_Mention], on: date | None) -> list[_Entity]:
    g = gazetteer()
    entities: list[_Entity] = []
    by_key: dict[tuple[str, str], _Entity] = {}
    # Longest person names first, so "Trump" can join "Donald Trump" wherever it comes.
    order = sorted(mentions, key=lambda m: (m.label != "PERSON", -len(_name_words(m.text)), m.start))
    for m in order:
        if m.label == "PERSON":
            actor = _person_actor(m, on)
            ent, same = _person_entity(entities, m, actor)
            if ent is None:
                name = actor.name if actor is not None and actor.name else " ".join(_name_words(m.text))
                ent = _Entity(name, "PERSON", [], actor, _name_words(name))
                if actor is not None and actor.name is None:
                    ent.actor = Actor(actor.country, actor.sector, name, "person")
                entities.append(ent)
            elif ent.actor is None and actor is not None and same:
                ent.actor = actor if actor.name else Actor(actor.country, actor.sector, ent.name, "person")
            ent.mentions.append(m)
            continue
        actor = resolve_actor(m.text, on)
        k = _merge_key(m, actor)
        ent = by_key.get(k)
        if ent is None:
            name = _display_name(m, actor, g.country_names)
            ent = _Entity(name, m.label, [], actor, [])
            by_key[k] = ent
            entities.append(ent)
        elif len(m.text) > len(ent.name) and not (actor and actor.kind == "country" and actor.sector is None):
            ent.name = _strip_the(m.text)
        ent.mentions.append(m)
    return _fold_abbreviated(entities)


def _fold_abbreviated(entities: list[_Entity]) -> list[_Entity]:
    """Fold "WR Jackson" into "Vincent Jackson": capitals that are not his initials are a title.

    Written without full stops, two or three capitals before a surname are
    either initials ("JR Smith") or an abbreviated title ("WR", "QB", "MP").
    Where the article also gives the full name and the capitals are not its
    initials, they are a title.  Alone, they stay part of the name.
    """
    people = [e for e in entities if e.label == "PERSON"]
    for ent in people:
        words = _name_words(ent.name)
        if ent.actor is not None or len(words) != 2 or not re.fullmatch(r"[A-Z]{2,3}", words[0]):
            continue
        surname = _surname_words(words[1])
        fuller = [o for o in people if o is not ent and o in entities and len(_name_words(o.name)) >= 2
                  and _surname_words(o.name)[-len(surname):] == surname
                  and _name_words(o.name)[0][:1] != words[0][:1]
                  and not re.fullmatch(r"[A-Z]{2,3}", _name_words(o.name)[0])]
        if len(fuller) != 1:
            continue
        fuller[0].mentions.extend(ent.mentions)
        entities.remove(ent)
    return entities


def _person_actor(m: _Mention, on: date | None) -> Actor | None:
    """A person's actor: from the tables, else from the title and nationality before the name,
    else from a noun phrase in apposition ("Bashar al-Jaafari, Syria's ambassador").

    A country word inside the name itself ("Jordan Peterson") says nothing.
    """
    actor = _titled_actor(m, on)
    if actor is not None or not m.apposition:
        return actor
    described = resolve_actor(m.apposition, on)
    if described is not None and described.kind == "country" and described.country:
        return Actor(described.country, described.sector, None, "person")
    return None


def _titled_actor(m: _Mention, on: date | None) -> Actor | None:
    plain = resolve_actor(m.text, on)
    if plain is not None and plain.kind == "person":
        # spaCy leaves titles out of the name: "Ambassador Jaafari" is not the foreign minister.
        title = [w for w, _, _ in tokens(m.context[:max(0, len(m.context) - len(m.text))])]
        if plain.name is None or title_fits(title, plain.name):
            return plain
        plain = None
    if not m.context or m.context == m.text:
        return None
    titled = resolve_actor(m.context, on)
    if titled is None or titled.kind == "person":
        return titled
    if titled.kind == "country" and titled.country and titled.country != (plain.country if plain else None):
        return Actor(titled.country, titled.sector, None, "person")    # "Kenyan Foreign Minister X"
    if titled.kind == "country" and titled.sector and plain is None:
        return Actor(titled.country, titled.sector, None, "person")
    return None


def _person_entity(entities: list[_Entity], m: _Mention, actor: Actor | None) -> tuple[_Entity | None, bool]:
    """The entity a person mention joins, and whether the mention's actor is that entity's person.

    A bare surname that the tables read as a leader ("Ryan") is that leader only
    where the article names no one else of that surname: after "Andy Ryan" it
    is Andy Ryan, and the leader's code does not pass to him.
    """
    words = _surname_words(m.text)
    person = actor.name if actor is not None and actor.kind == "person" else None
    known = person is not None
    for ent in entities:
        if ent.label == "PERSON" and known and ent.actor is not None and ent.actor.name == person:
            return ent, True
    for ent in entities:
        if ent.label != "PERSON":
            continue
        if known and len(words) > 1:
            continue        # a known person's full name joins only their own entity, not "Ivanka Trump"
        # "Trump" joins "Donald Trump": its words end the longer name.
        ent_words = _surname_words(ent.name)
        if words and len(words) <= len(ent_words) and ent_words[-len(words):] == words:
            return ent, not known
    return None, False


def _surname_words(text: str) -> list[str]:
    """A name's words as compared for merging: folded, without particles ("al-Jaafari" = "Jaafari")."""
    return [w for w in key(" ".join(_name_words(text))).split(" ") if w and w not in PARTICLES]


def _merge_key(m: _Mention, actor: Actor | None) -> tuple[str, str]:
    group = "NORP" if m.label == "NORP" else "PLACE" if m.label in ("GPE", "LOC") else m.label
    if actor is not None and actor.kind == "country" and actor.sector is None and actor.country \
            and _names_country(m.text):
        return (group, actor.country)        # "U.S.", "United States", "America"; not "Crimea"
    if actor is not None and actor.kind in ("organization", "group") and actor.name:
        return ("ORG", actor.name)           # "UN", "United Nations"
    return (group, key(_strip_the(m.text)))  # "the Kremlin" and "Kremlin"; "Moscow" apart


def _names_country(text: str) -> bool:
    kinds = {kind for kind, _ in gazetteer().lookup(_strip_the(text))}
    return not kinds or bool(kinds & {"country", "adjective"})


def _display_name(m: _Mention, actor: Actor | None, names: dict[str, str]) -> str:
    if actor is not None and actor.kind == "country" and actor.sector is None and actor.country \
            and m.label in ("GPE", "LOC") and _names_country(m.text):
        return names.get(actor.country, _strip_the(m.text))
    if actor is not None and actor.kind in ("organization", "group") and actor.name:
        return actor.name
    return _strip_the(m.text)


def _strip_the(text: str) -> str:
    return re.sub(r"^the\s+", "", text.strip(), flags=re.IGNORECASE)


# --- nominal mentions: "the president" ------------------------------------------------------


def _add_nominals(doc: Doc, entities: list[_Entity], starts: list[int], on: date | None) -> None:
    """Join "the president", "the Russian president" to the one person they can mean."""
    g = gazetteer()
    people = [e for e in entities if e.label == "PERSON" and e.actor is not None and e.actor.name]
    if not people:
        return
    taken = {(m.start, m.end) for e in entities for m in e.mentions}
    for match in _NOMINAL.finditer(doc.text):
        modifier, office = match.group(1), re.sub(r"\s+", " ", match.group(2).lower())
        country = None
        if modifier:
            hit = resolve_actor(modifier)
            if hit is None or hit.kind != "country":
                continue
            country = hit.country
        candidates = []
        for ent in people:
            assert ent.actor is not None and ent.actor.name is not None
            terms = [t for t in g.terms.get(ent.actor.name, []) if on is None or t.active(on)]
            if any(office_matches(t.office, office) and (country is None or t.country == country)
                   for t in terms):
                candidates.append(ent)
        if len(candidates) != 1:
            continue
        start, end = match.start(), match.end()
        if (start, end) in taken or not any(m.start < start for m in candidates[0].mentions):
            continue
        candidates[0].mentions.append(_Mention(start, end, "PERSON", match.group(0), _sentence_of(starts, start)))


# --- sentences ------------------------------------------------------------------------------


def _sentence_starts(doc: Doc) -> list[int]:
    if not doc.has_annotation("SENT_START"):
        return [0]          # a Doc parsed without the parser: one sentence
    return [s.start_char for s in doc.sents]


def _sentences(doc: Doc) -> list[tuple[int, str]]:
    if not doc.has_annotation("SENT_START"):
        return [(0, doc.text)]
    return [(s.start_char, s.text) for s in doc.sents]


def _sentence_of(starts: list[int], char: int) -> int:
    lo, hi = 0, len(starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if starts[mid] <= char:
            lo = mid
        else:
            hi = mid - 1
    return lo
