"""Records of the understanding stage (issue 4): entities, actors, quotes, events.

Every fact points back at its evidence: a sentence index into
:attr:`Analysis.sentences` and character offsets into the article text that was
analysed (title + blank line + body, see ``newsgrasp.understand.pipeline``).
All records are plain, picklable dataclasses so the analysis can run in worker
processes and the store can persist them without knowing spaCy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

__all__ = [
    "Actor", "Analysis", "EntityRecord", "EventRecord", "Mention", "QuoteRecord", "SentenceSpan",
    "QUAD_CLASSES", "EVENT_CATEGORIES", "EVENT_MODES",
    "ActorActivity", "DyadPoint", "EventFilter", "QuoteFilter", "StoredEvent", "StoredQuote",
]

# PLOVER event categories coded by newsgrasp (2023 POLECAT/PLOVER names).
EVENT_CATEGORIES: tuple[str, ...] = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)

# GDELT's QuadClass numbering: 1 verbal cooperation, 2 material cooperation,
# 3 verbal conflict, 4 material conflict.
QUAD_CLASSES: dict[int, str] = {
    1: "verbal cooperation",
    2: "material cooperation",
    3: "verbal conflict",
    4: "material conflict",
}

# How an event is asserted in its sentence; only "asserted" ones are facts.
EVENT_MODES: tuple[str, ...] = ("asserted", "negated", "hypothetical", "future")


@dataclass(slots=True, frozen=True)
class Actor:
    """A normalised actor: ISO 3166 alpha-3 country plus a PLOVER/CAMEO sector.

    ``country`` is None for actors without one (IGOs, transnational armed
    groups); ``sector`` is None where unknown (a bare country name).  ``name`` is
    the canonical name of a known person or organisation ("Vladimir Putin",
    "Islamic State"), ``kind`` one of "country", "person", "organization",
    "group", "place".
    """

    country: str | None
    sector: str | None = None
    name: str | None = None
    kind: str = "country"

    @property
    def code(self) -> str:
        """The actor code as analysts write it: "RUS GOV", "USA", "IGO UNO"."""
        return " ".join(part for part in (self.country, self.sector) if part) or (self.name or "")


@dataclass(slots=True, frozen=True)
class SentenceSpan:
    index: int
    start: int
    end: int
    text: str


@dataclass(slots=True, frozen=True)
class Mention:
    start: int
    end: int
    sentence: int
    text: str


@dataclass(slots=True)
class EntityRecord:
    """One entity of an article with every mention merged into it."""

    name: str                      # the fullest mention: "Donald Trump"
    label: str                     # PERSON, ORG, GPE, LOC, NORP, FAC, EVENT
    mentions: list[Mention] = field(default_factory=list)
    actor: Actor | None = None     # None: not resolvable, kept as text


@dataclass(slots=True)
class QuoteRecord:
    text: str                      # the quoted words, without quotation marks
    start: int
    end: int
    sentence: int                  # first sentence the quote touches
    kind: str = "direct"           # "direct" or "indirect"
    speaker: str | None = None     # speaker as written ("the Kremlin", "Trump")
    speaker_entity: int | None = None   # index into Analysis.entities
    speaker_actor: Actor | None = None


@dataclass(slots=True)
class EventRecord:
    category: str                  # one of EVENT_CATEGORIES
    sentence: int                  # index into Analysis.sentences: the evidence
    source: Actor | None
    target: Actor | None
    source_text: str | None = None
    target_text: str | None = None
    trigger: str | None = None     # the word(s) that code the event ("spoke", "annexation")
    date: date | None = None
    date_text: str | None = None   # "Saturday", "in 2014"; None when the article date was used
    date_precision: str = "day"    # "day", "month" or "year"
    location: str | None = None
    quad_class: int = 1            # see QUAD_CLASSES
    intensity: float = 0.0         # -10 (most conflictual) .. +10 (most cooperative)
    mode: str = "asserted"         # see EVENT_MODES
    confidence: float = 1.0


@dataclass(slots=True)
class Analysis:
    """Everything the understanding stage found in one article."""

    sentences: list[SentenceSpan] = field(default_factory=list)
    entities: list[EntityRecord] = field(default_factory=list)
    quotes: list[QuoteRecord] = field(default_factory=list)
    events: list[EventRecord] = field(default_factory=list)
    version: str = ""              # analyser version, so `newsgrasp enrich` knows what is stale
    chars: int = 0                 # characters analysed (title + blank line + body, capped)
    truncated: bool = False        # the body was longer than the analyser's cap and was cut


# -- what the store hands back (issue 4, store side) ----------------------------------


@dataclass(slots=True)
class StoredEvent:
    """An event as stored: the record, its id, and the evidence it came from.

    ``sentence`` is the evidence sentence's text; ``article_*`` fields describe the
    (canonical) article it was read in, so a listing needs no second query.
    """

    id: int
    article_id: int
    event: EventRecord
    sentence: str
    article_title: str = ""
    article_url: str | None = None
    article_published: date | None = None
    outlet: str | None = None

    def as_dict(self) -> dict[str, object]:
        """Flat JSON-ready fields (dates as ISO strings, actors as codes and parts)."""
        e = self.event
        return {
            "id": self.id, "article_id": self.article_id, "category": e.category,
            "quad_class": e.quad_class, "intensity": e.intensity, "mode": e.mode,
            "date": e.date.isoformat() if e.date else None, "date_text": e.date_text,
            "date_precision": e.date_precision, "location": e.location,
            "source": _actor_dict(e.source), "source_text": e.source_text,
            "target": _actor_dict(e.target), "target_text": e.target_text,
            "trigger": e.trigger, "confidence": e.confidence, "sentence_index": e.sentence,
            "sentence": self.sentence, "article_title": self.article_title, "article_url": self.article_url,
            "article_published": self.article_published.isoformat() if self.article_published else None,
            "outlet": self.outlet,
        }


@dataclass(slots=True)
class StoredQuote:
    """A quote as stored, with the sentence it starts in and its article."""

    id: int
    article_id: int
    quote: QuoteRecord
    sentence: str
    speaker_name: str | None = None    # the speaker's entity name ("Donald Trump"), when resolved
    article_title: str = ""
    article_url: str | None = None
    article_published: date | None = None
    outlet: str | None = None

    def as_dict(self) -> dict[str, object]:
        q = self.quote
        return {
            "id": self.id, "article_id": self.article_id, "text": q.text, "kind": q.kind,
            "speaker": q.speaker, "speaker_name": self.speaker_name,
            "speaker_actor": _actor_dict(q.speaker_actor), "start": q.start, "end": q.end,
            "sentence_index": q.sentence, "sentence": self.sentence, "article_title": self.article_title,
            "article_url": self.article_url,
            "article_published": self.article_published.isoformat() if self.article_published else None,
            "outlet": self.outlet,
        }


def _actor_dict(actor: Actor | None) -> dict[str, object] | None:
    if actor is None:
        return None
    return {"code": actor.code, "country": actor.country, "sector": actor.sector, "name": actor.name,
            "kind": actor.kind}


@dataclass(slots=True)
class EventFilter:
    """What :meth:`UnderstandStore.events` selects; every field narrows the result.

    ``actor`` and each side of ``dyad`` are an actor code prefix ("RUS" matches
    "RUS" and "RUS GOV"; "RUS GOV" only that) or, when not written like a code, a
    case-insensitive part of a name ("Putin", "Islamic State").  ``dyad`` matches
    both directions unless ``directed``, when its first side is the source.
    ``since`` <= event date < ``until``.  Only asserted events unless
    ``include_unasserted``; ``modes`` picks explicit modes instead.  Oldest event
    first, unless ``newest_first``.
    """

    actor: str | None = None
    dyad: tuple[str, str] | None = None
    directed: bool = False
    category: str | None = None
    quad_class: int | None = None
    since: date | None = None
    until: date | None = None
    article_id: int | None = None
    article_ids: list[int] | None = None
    story_id: int | None = None
    include_unasserted: bool = False
    modes: tuple[str, ...] | None = None
    newest_first: bool = False
    limit: int | None = 100
    offset: int = 0


@dataclass(slots=True)
class QuoteFilter:
    """What :meth:`UnderstandStore.quotes` selects.

    ``speaker`` is an actor code prefix ("RUS GOV") or part of the speaker's name
    as written or resolved ("Kremlin", "Trump").  ``since``/``until`` compare the
    article's date.
    """

    speaker: str | None = None
    article_id: int | None = None
    article_ids: list[int] | None = None
    story_id: int | None = None
    kind: str | None = None
    since: date | None = None
    until: date | None = None
    limit: int | None = 100
    offset: int = 0


@dataclass(slots=True)
class ActorActivity:
    """One actor code's activity: events as source and as target, quotes spoken."""

    code: str
    names: list[str] = field(default_factory=list)   # the named actors behind the code, most frequent first
    as_source: int = 0
    as_target: int = 0
    quotes: int = 0

    @property
    def events(self) -> int:
        return self.as_source + self.as_target


@dataclass(slots=True)
class DyadPoint:
    """One bucket of a dyad's time series (the relations chart).

    ``start`` <= event date < ``end``; ``counts`` maps each quad class 1..4 to its
    number of events; ``event_ids`` are the events behind the point (fetch them
    with :meth:`UnderstandStore.events` and ``EventFilter(dyad=..., since=start, until=end)``).
    """

    start: date
    end: date
    counts: dict[int, int] = field(default_factory=dict)
    mean_intensity: float = 0.0
    event_ids: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())
