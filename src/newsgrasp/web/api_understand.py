"""API over the understanding stage: events, quotes, actors, dyad series, article analyses."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from functools import partial
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from ..records import (
    QUAD_CLASSES,
    Actor,
    EventFilter,
    QuoteFilter,
    StoredEvent,
    StoredQuote,
)
from ..store.base import Store
from .api import _ERRORS, _NOT_FOUND, _TABLE_RESPONSES, ArticleId, StoreDep, table_response
from .cache import TTLCache
from .params import MAX_PAGE, OFFSET_CURSOR, VISIBLE, OnDay

Day = date  # a field of EventOut is called `date`
# Written like an actor code ("RUS", "RUS GOV"): read as a code prefix, as the store does.
_CODE = re.compile(r"^[A-Z]{3}( [A-Z]{3})*$")

router = APIRouter(prefix="/api/v1", tags=["api"])

ActorSpec = Annotated[str, Query(min_length=1, max_length=100, pattern=VISIBLE,
                                 description="Actor code prefix (RUS, 'RUS GOV') or part of a name (Putin).")]
OptActor = Annotated[str | None, Query(max_length=100, pattern=VISIBLE,
                                       description="Actor code prefix (RUS, 'RUS GOV') or part of a name.")]
Dyad = Annotated[str | None, Query(pattern=rf"^[^,]*{VISIBLE}[^,]*,[^,]*{VISIBLE}[^,]*$", max_length=201,
                                   description="Two actors, comma-separated: USA,RUS (either direction "
                                               "unless directed=true).")]
OffsetCursor = Annotated[str | None, Query(pattern=OFFSET_CURSOR, description="next_cursor of the previous page.")]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE)]
Category = Literal["AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
                   "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"]


class ActorOut(BaseModel):
    code: str
    country: str | None
    sector: str | None
    name: str | None
    kind: str

    @classmethod
    def of(cls, actor: Actor | None) -> ActorOut | None:
        if actor is None:
            return None
        return cls(code=actor.code, country=actor.country, sector=actor.sector, name=actor.name, kind=actor.kind)


class EventOut(BaseModel):
    id: int
    article_id: int
    category: str
    quad_class: int = Field(description="1 verbal cooperation, 2 material cooperation, 3 verbal conflict, "
                                        "4 material conflict")
    intensity: float = Field(description="-10 most conflictual .. +10 most cooperative")
    mode: str
    date: Day | None
    date_text: str | None
    date_precision: str
    location: str | None
    source: ActorOut | None
    source_text: str | None
    target: ActorOut | None
    target_text: str | None
    trigger: str | None
    confidence: float
    sentence_index: int
    sentence: str = Field(description="The evidence: the sentence the event was read in.")
    article_title: str
    article_url: str | None
    article_published: Day | None
    outlet: str | None

    @classmethod
    def of(cls, s: StoredEvent) -> EventOut:
        e = s.event
        return cls(id=s.id, article_id=s.article_id, category=e.category, quad_class=e.quad_class,
                   intensity=e.intensity, mode=e.mode, date=e.date, date_text=e.date_text,
                   date_precision=e.date_precision, location=e.location, source=ActorOut.of(e.source),
                   source_text=e.source_text, target=ActorOut.of(e.target), target_text=e.target_text,
                   trigger=e.trigger, confidence=e.confidence, sentence_index=e.sentence, sentence=s.sentence,
                   article_title=s.article_title, article_url=s.article_url,
                   article_published=s.article_published, outlet=s.outlet)


class EventPage(BaseModel):
    items: list[EventOut]
    next_cursor: str | None


class QuoteOut(BaseModel):
    id: int
    article_id: int
    text: str
    kind: str
    speaker: str | None
    speaker_name: str | None
    speaker_actor: ActorOut | None
    start: int
    end: int
    sentence_index: int
    sentence: str
    article_title: str
    article_url: str | None
    article_published: Day | None
    outlet: str | None

    @classmethod
    def of(cls, s: StoredQuote) -> QuoteOut:
        q = s.quote
        return cls(id=s.id, article_id=s.article_id, text=q.text, kind=q.kind, speaker=q.speaker,
                   speaker_name=s.speaker_name, speaker_actor=ActorOut.of(q.speaker_actor), start=q.start,
                   end=q.end, sentence_index=q.sentence, sentence=s.sentence, article_title=s.article_title,
                   article_url=s.article_url, article_published=s.article_published, outlet=s.outlet)


class QuotePage(BaseModel):
    items: list[QuoteOut]
    next_cursor: str | None


class ActorActivityOut(BaseModel):
    code: str
    names: list[str]
    as_source: int
    as_target: int
    quotes: int


class Counterpart(BaseModel):
    code: str
    events: int
    cooperation: int
    conflict: int


class ActorDetail(BaseModel):
    actor: str
    since: Day | None = Field(description="The window the figures cover (null: from the start).")
    as_source: int
    as_target: int
    counterparts: list[Counterpart]
    events_as_source: list[EventOut] = Field(description="Newest first.")
    events_as_target: list[EventOut] = Field(description="Newest first.")
    quotes: list[QuoteOut]

    @property
    def has_any(self) -> bool:
        return bool(self.events_as_source or self.events_as_target or self.quotes)


class DyadPointOut(BaseModel):
    start: date
    end: date = Field(description="Exclusive.")
    counts: dict[str, int] = Field(description="Events per quad class, keyed '1'..'4'.")
    total: int
    mean_intensity: float
    event_ids: list[int]


class DyadSeries(BaseModel):
    a: str
    b: str
    bucket: str
    points: list[DyadPointOut]


def _offset(cursor: str | None) -> int:
    return int(cursor) if cursor else 0


def story_articles(store: Store, story_id: int | None) -> list[int] | None:
    """The canonical articles of a story (none for an unknown one), or None without a story.

    Read through the stories API rather than the understand store's own story
    filter, which needs a stories method that backends need not have.
    """
    if story_id is None:
        return None
    story = store.get_story(story_id)
    return [] if story is None else [m.article_id for m in story.members]


def event_filter(actor: str | None = None, dyad: str | None = None,
                 category: str | None = None, quad_class: int | None = None, since: OnDay | None = None,
                 until: OnDay | None = None, article_id: int | None = None,
                 article_ids: list[int] | None = None, limit: int | None = 100, offset: int = 0, directed: bool = False) -> EventFilter:
    pair = None
    if dyad is not None:
        first, _, second = dyad.partition(",")
        pair = (first.strip(), second.strip())
    return EventFilter(actor=actor, dyad=pair, directed=directed,
                       category=category, quad_class=quad_class, since=since, until=until,
                       article_id=article_id, article_ids=article_ids, limit=limit, offset=offset)




@router.get("/events", response_model=EventPage, responses=_ERRORS)
def events(store: StoreDep, actor: OptActor = None, dyad: Dyad = None, directed: bool = False, category: Category | None = None,
           quad_class: Annotated[int | None, Query(ge=1, le=4)] = None,
           since: OnDay | None = None, until: OnDay | None = None,
           article_id: Annotated[int | None, Query(ge=1, le=2**62)] = None,
           story_id: Annotated[int | None, Query(ge=1, le=2**62)] = None,
           limit: Limit = 100, cursor: OffsetCursor = None) -> EventPage:
    """Asserted events (who did what to whom), by event date, each with its evidence sentence."""
    offset = _offset(cursor)
    flt = event_filter(actor, dyad, category, quad_class, since, until, article_id,
                       story_articles(store, story_id), limit + 1, offset, directed)
    found = store.events(flt)
    following = str(offset + limit) if len(found) > limit else None
    return EventPage(items=[EventOut.of(e) for e in found[:limit]], next_cursor=following)


_EVENT_COLUMNS = ("id", "date", "category", "quad_class", "intensity", "source", "target", "source_text",
                  "target_text", "trigger", "location", "sentence", "article_id", "article_title", "article_url",
                  "outlet")


@router.get("/events.{fmt}", response_class=StreamingResponse, responses=_TABLE_RESPONSES)
def export_events(store: StoreDep, fmt: Literal["csv", "jsonl"],
                  actor: OptActor = None, dyad: Dyad = None, directed: bool = False,
                  category: Category | None = None, quad_class: Annotated[int | None, Query(ge=1, le=4)] = None,
                  since: OnDay | None = None, until: OnDay | None = None,
                  story_id: Annotated[int | None, Query(ge=1, le=2**62)] = None,
                  max_rows: Annotated[int, Query(ge=1, le=1_000_000)] = 100_000) -> StreamingResponse:
    """Download the events of any query as CSV or JSON Lines (actors as codes)."""
    flt = event_filter(actor, dyad, category, quad_class, since, until, None, story_articles(store, story_id),
                       max_rows, 0, directed)
    found = store.events(flt)  # read before streaming: a bad filter fails with a status

    def rows() -> Any:
        for e in found:
            row = EventOut.of(e).model_dump(mode="json")
            row["source"] = e.event.source.code if e.event.source else None
            row["target"] = e.event.target.code if e.event.target else None
            yield row

    return table_response(rows(), _EVENT_COLUMNS, fmt, "events")


@router.get("/quotes", response_model=QuotePage, responses=_ERRORS)
def quotes(store: StoreDep,
           speaker: OptActor = None,
           kind: Literal["direct", "indirect"] | None = None,
           article_id: Annotated[int | None, Query(ge=1, le=2**62)] = None,
           story_id: Annotated[int | None, Query(ge=1, le=2**62)] = None,
           since: OnDay | None = None, until: OnDay | None = None,
           limit: Limit = 100, cursor: OffsetCursor = None) -> QuotePage:
    """Quotes with their speaker and sentence, newest article first."""
    offset = _offset(cursor)
    found = store.quotes(QuoteFilter(speaker=speaker, kind=kind, article_id=article_id,
                                     article_ids=story_articles(store, story_id),
                                     since=since, until=until, limit=limit + 1, offset=offset))
    following = str(offset + limit) if len(found) > limit else None
    return QuotePage(items=[QuoteOut.of(q) for q in found[:limit]], next_cursor=following)


@router.get("/actors", response_model=list[ActorActivityOut], responses=_ERRORS)
def actors(store: StoreDep, limit: Limit = 50, since: OnDay | None = None,
           until: OnDay | None = None) -> list[ActorActivityOut]:
    """The most active actors: events as source and as target, quotes spoken."""
    return [ActorActivityOut(code=x.code, names=x.names, as_source=x.as_source, as_target=x.as_target,
                             quotes=x.quotes) for x in store.actors(limit=limit, since=since, until=until)]


ACTOR_EVENTS = 2000


def actor_view(store: Store, spec: str, limit: int = 100, since: date | None = None,
               until: date | None = None, events: int = ACTOR_EVENTS) -> ActorDetail:
    """An actor's events (as source and target), quotes and counterparts between the dates
    (at most ``events`` events are read, oldest first)."""
    found = store.events(EventFilter(actor=spec, since=since, until=until, limit=events))
    said = store.quotes(QuoteFilter(speaker=spec, since=since, until=until, limit=limit))
    as_source = as_target = 0
    partners: Counter[str] = Counter()
    coop: Counter[str] = Counter()
    conflict: Counter[str] = Counter()
    for e in found:
        ev = e.event
        mine_source = _matches(ev.source, spec, e.event.source_text)
        other = ev.target if mine_source else ev.source
        if mine_source:
            as_source += 1
        else:
            as_target += 1
        if other is not None and other.code:
            partners[other.code] += 1
            (coop if ev.quad_class <= 2 else conflict)[other.code] += 1
    counterparts = [Counterpart(code=c, events=n, cooperation=coop[c], conflict=conflict[c])
                    for c, n in partners.most_common(15)]
    recent = sorted(found, key=lambda e: (e.event.date is not None, e.event.date, e.id), reverse=True)
    mine = [e for e in recent if _matches(e.event.source, spec, e.event.source_text)]
    theirs = [e for e in recent if not _matches(e.event.source, spec, e.event.source_text)]
    return ActorDetail(actor=spec, since=since, as_source=as_source, as_target=as_target,
                       counterparts=counterparts, events_as_source=[EventOut.of(e) for e in mine[:limit]],
                       events_as_target=[EventOut.of(e) for e in theirs[:limit]],
                       quotes=[QuoteOut.of(q) for q in said])


def _matches(actor: Actor | None, spec: str, text: str | None) -> bool:
    if actor is None:
        return False
    spec = " ".join(spec.split())
    if _CODE.match(spec):
        return actor.code == spec or actor.code.startswith(spec + " ")
    needle = spec.lower()
    return needle in (actor.name or "").lower() or needle in (text or "").lower()


@router.get("/actors/{actor}", response_model=ActorDetail, responses={**_ERRORS, **_NOT_FOUND})
def actor(store: StoreDep, actor: Annotated[str, Path(min_length=1, max_length=100, pattern=VISIBLE)],
          since: OnDay | None = None, until: OnDay | None = None) -> ActorDetail:
    """One actor (a code such as RUS or 'RUS GOV', or part of a name): events, quotes and
    counterparts, from at most 2,000 events (oldest first: narrow with since/until)."""
    if not actor.strip() or len(actor) > 100:
        raise HTTPException(400, "give an actor code (RUS, 'RUS GOV') or part of a name, at most 100 characters")
    view = actor_view(store, actor, since=since, until=until)
    if not view.has_any:
        raise HTTPException(404, f"no events or quotes for actor {actor!r}")
    return view


def dyad_points(store: Store, a: str, b: str, bucket: str, since: date | None,
                until: date | None) -> list[DyadPointOut]:
    return [DyadPointOut(start=p.start, end=p.end, counts={str(q): p.counts.get(q, 0) for q in QUAD_CLASSES},
                         total=p.total, mean_intensity=p.mean_intensity, event_ids=p.event_ids)
            for p in store.dyad_series(a, b, bucket, since, until)]


@router.get("/dyads", response_model=DyadSeries, responses=_ERRORS)
def dyad(request: Request, store: StoreDep, a: ActorSpec, b: ActorSpec,
         bucket: Literal["day", "week", "month"] = "week", since: OnDay | None = None,
         until: OnDay | None = None) -> DyadSeries:
    """Cooperation and conflict between two actors over time: event counts per quad class and
    mean intensity per bucket; ``event_ids`` lead to the events behind each point.  A series is
    kept for a minute once computed (new events arrive with ingests)."""
    cache: TTLCache = request.app.state.facets
    points = cache.get(("dyad-api", a, b, bucket, since, until),
                       partial(dyad_points, store, a, b, bucket, since, until))
    return DyadSeries(a=a, b=b, bucket=bucket, points=points)


class AnalysisOut(BaseModel):
    article_id: int
    sentences: list[str]
    entities: list[dict[str, Any]]
    quotes: list[dict[str, Any]]
    events: list[dict[str, Any]]


@router.get("/articles/{article_id}/analysis", response_model=AnalysisOut, responses=_NOT_FOUND)
def analysis(store: StoreDep, article_id: ArticleId) -> AnalysisOut:
    """What the understanding stage found in one article; offsets index title + blank line + text."""
    found = store.analysis(article_id)
    if found is None:
        raise HTTPException(404, f"article {article_id} has no analysis (run `newsgrasp enrich`)")
    return AnalysisOut(
        article_id=article_id, sentences=[s.text for s in found.sentences],
        entities=[{"name": e.name, "label": e.label, "actor": e.actor.code if e.actor else None,
                   "mentions": [[m.start, m.end] for m in e.mentions]} for e in found.entities],
        quotes=[{"text": q.text, "speaker": q.speaker, "kind": q.kind, "start": q.start, "end": q.end,
                 "sentence": q.sentence} for q in found.quotes],
        events=[{"category": e.category, "source": e.source.code if e.source else None,
                 "target": e.target.code if e.target else None, "sentence": e.sentence, "mode": e.mode,
                 "date": e.date.isoformat() if e.date else None} for e in found.events],
    )
