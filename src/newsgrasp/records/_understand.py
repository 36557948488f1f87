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
