"""API over stories: the front page's listing and one story with every article."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query
from pydantic import BaseModel, Field

from ..records import EventFilter, Story, StoryFilter, StorySummary
from ..store.base import Store
from .api import _ERRORS, _NOT_FOUND, StoreDep
from .facets import data_now
from .params import MAX_PAGE, OFFSET_CURSOR, VISIBLE, Filters, api_filters

router = APIRouter(prefix="/api/v1", tags=["api"])

# How far back from the newest story "current" reaches when no dates are given.
CURRENT_WINDOW = timedelta(days=7)
ACTOR_SCAN = 3000


class StoryOut(BaseModel):
    id: int
    headline: str
    headline_article_id: int
    first_seen: datetime | None
    last_updated: datetime | None
    articles: int = Field(description="Canonical articles in the story.")
    copies: int = Field(description="Copies folded into them.")
    outlets: list[str]
    keywords: list[str]
    entities: list[str]

    @classmethod
    def of(cls, s: StorySummary) -> StoryOut:
        return cls(id=s.id, headline=s.headline, headline_article_id=s.headline_article_id,
                   first_seen=s.first_seen, last_updated=s.last_updated, articles=s.articles, copies=s.copies,
                   outlets=list(s.outlets), keywords=list(s.keywords), entities=list(s.entities))


class StoryPage(BaseModel):
    items: list[StoryOut]
    next_cursor: str | None


class CopyOut(BaseModel):
    article_id: int
    outlet: str | None
    via: str | None
    url: str | None
    published: datetime | None


class MemberOut(BaseModel):
    article_id: int
    title: str
    outlet: str | None
    url: str | None
    published: datetime | None
    language: str | None
    copies: list[CopyOut]


class StoryDetail(BaseModel):
    story: StoryOut
    members: list[MemberOut] = Field(description="Canonical articles, in time order, each with its copies.")


def story_detail(story: Story) -> StoryDetail:
    return StoryDetail(story=StoryOut.of(story.summary), members=[
        MemberOut(article_id=m.article_id, title=m.title, outlet=m.outlet, url=m.url, published=m.published,
                  language=m.language,
                  copies=[CopyOut(article_id=c.article_id, outlet=c.outlet, via=c.via, url=c.url,
                                  published=c.published) for c in m.copies])
        for m in story.members])


def list_stories(store: Store, flt: Filters, *, sort: str = "top", actor: str | None = None,
                 limit: int = 20, offset: int = 0, query: str | None = None,
                 now: datetime | None = None) -> tuple[list[StorySummary], bool]:
    """Stories for a listing, and whether more follow.

    ``sort``: "top" (the biggest of the current week; the given dates replace the week),
    "biggest" or "latest".  ``actor`` keeps stories with an event involving it.  ``now``
    (default :func:`data_now`) ends the current week.
    """
    since = flt.since
    if sort == "top" and flt.since is None and flt.until is None and not query:
        now = now or data_now(store)
        since = None if now is None else now - CURRENT_WINDOW
    if actor:
        return _stories_with_actor(store, flt, since, actor, sort, limit, offset)
    found = store.list_stories(StoryFilter(since=since, until=flt.until, source=flt.source, language=flt.lang,
                                           query=query, sort="latest" if sort == "latest" else "biggest",
                                           limit=limit + 1, offset=offset))
    return found[:limit], len(found) > limit


def _stories_with_actor(store: Store, flt: Filters, since: datetime | None, actor: str, sort: str, limit: int,
                        offset: int) -> tuple[list[StorySummary], bool]:
    events = store.events(EventFilter(actor=actor, since=since.date() if since else None,
                                      until=flt.until.date() if flt.until else None, limit=ACTOR_SCAN))
    stories: dict[int, StorySummary] = {}
    seen: set[int] = set()
    for e in events:
        if e.article_id in seen:
            continue
        seen.add(e.article_id)
        summary = store.story_of_article(e.article_id)
        if summary is not None and (not flt.source or flt.source.lower() in (o.lower() for o in summary.outlets)):
            stories.setdefault(summary.id, summary)
    ordered = list(stories.values())
    if sort == "latest":
        ordered.sort(key=lambda s: (s.last_updated is not None, s.last_updated, s.id), reverse=True)
    else:
        ordered.sort(key=lambda s: (s.articles, s.last_updated is not None, s.last_updated), reverse=True)
    page = ordered[offset:offset + limit]
    return page, len(ordered) > offset + limit


Sort = Literal["top", "biggest", "latest"]


@router.get("/stories", response_model=StoryPage, responses=_ERRORS)
def stories(store: StoreDep, flt: Annotated[Filters, Depends(api_filters)], sort: Sort = "top",
            actor: Annotated[str | None, Query(max_length=100, pattern=VISIBLE,
                                               description="Code prefix or part of a name.")] = None,
            country: Annotated[str | None, Query(pattern=r"^[A-Z]{3}$", description="ISO 3166 alpha-3.")] = None,
            limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 20,
            q: Annotated[str | None, Query(max_length=500, description="Full-text query over member "
                                                                        "articles (search syntax).")] = None,
            cursor: Annotated[str | None, Query(pattern=OFFSET_CURSOR)] = None) -> StoryPage:
    """Stories: ``top`` is the biggest of the current week (a week back from the newest story),
    ``biggest`` and ``latest`` cover everything; filters as for articles, plus an actor or country."""
    offset = int(cursor) if cursor else 0
    found, more = list_stories(store, flt, sort=sort, actor=actor or country, limit=limit, offset=offset,
                               query=q or None)
    return StoryPage(items=[StoryOut.of(s) for s in found], next_cursor=str(offset + limit) if more else None)


@router.get("/stories/{story_id}", response_model=StoryDetail, responses=_NOT_FOUND)
def story(store: StoreDep, story_id: Annotated[int, Path(ge=1, le=2**62)]) -> StoryDetail:
    """One story with every member article and the copies folded into each."""
    found = store.get_story(story_id)
    if found is None:
        raise HTTPException(404, f"no story with id {story_id}")
    return story_detail(found)
