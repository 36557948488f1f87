"""The front page of stories and the story page."""

from __future__ import annotations

from collections import Counter
from functools import partial
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse

from ..records import EventFilter, QuoteFilter, StoredQuote, StoryFilter, StorySummary
from ..store.base import Store
from .api import StoreDep
from .api_stories import CURRENT_WINDOW, list_stories
from .pages import facet, latest_page, outlet_names, render, shared
from .params import OFFSET_CURSOR, Filters, filters

router = APIRouter(include_in_schema=False)
FiltersDep = Annotated[Filters, Depends(filters)]
PAGE = 20


@router.get("/", response_class=HTMLResponse)
def front(request: Request, store: StoreDep, flt: FiltersDep, sort: Literal["top", "biggest", "latest"] = "top",
          actor: Annotated[str | None, Query(max_length=100)] = None,
          country: Annotated[str | None, Query(max_length=3)] = None,
          cursor: Annotated[str | None, Query(pattern=OFFSET_CURSOR)] = None) -> HTMLResponse:
    if store.count_stories(StoryFilter()) == 0:
        return latest_page(request, store, flt, None, 30, action="/latest",
                           notice="No stories yet: cluster the stored articles into stories with "
                                  "`newsgrasp stories rebuild`. Meanwhile, the latest articles.")
    actor = (actor or "").strip() or None
    country = (country or "").strip().upper() or None
    offset = int(cursor) if cursor else 0
    # "Now" moves only when articles arrive: a minute-old answer keeps the week's window right.
    now = shared(request, store, "data-now")
    found, more = list_stories(store, flt, sort=sort, actor=actor or country, limit=PAGE, offset=offset,
                               now=now)
    top = sort == "top" and flt.since is None and flt.until is None
    start = now - CURRENT_WINDOW if top and now is not None else None
    end = now if start is not None else None
    countries = shared(request, store, "countries")
    params = {**flt.query(), "sort": sort if sort != "top" else None, "actor": actor, "country": country}
    return render(request, "front.html", stories=found, top_actors=top_actors(request, store, found), more=more,
                  offset=offset, page=PAGE, flt=flt, sort=sort, actor=actor or "", country=country or "",
                  countries=countries, current_since=start, current_end=end, params=params,
                  outlets=outlet_names(request, store))


def top_actors(request: Request, store: Store, stories: list[StorySummary],
               per_story: int = 5) -> dict[int, list[str]]:
    """The actor codes most often in each story's events.

    Cached per story version (id, last update, size) for a minute: the events of a story
    change when it grows (a new key) or when articles are analysed (the minute).
    """
    out: dict[int, list[str]] = {}
    for summary in stories:
        key = ("story-actors", summary.id, summary.last_updated, summary.articles)
        out[summary.id] = facet(request, key, partial(_story_actors, store, summary, per_story))
    return out


def _story_actors(store: Store, summary: StorySummary, per_story: int) -> list[str]:
    found = store.get_story(summary.id)
    members = [m.article_id for m in found.members] if found else []
    counts: Counter[str] = Counter()
    if members:
        for e in store.events(EventFilter(article_ids=members, limit=1000)):
            for side in (e.event.source, e.event.target):
                if side is not None and side.code:
                    counts[side.code] += 1
    return [code for code, _ in counts.most_common(per_story)]


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story(request: Request, store: StoreDep, story_id: Annotated[int, Path(ge=1, le=2**62)]) -> HTMLResponse:
    found = store.get_story(story_id)
    if found is None:
        raise HTTPException(404, f"no story with id {story_id}")
    members = [m.article_id for m in found.members]
    events = store.events(EventFilter(article_ids=members, limit=300))
    quotes = store.quotes(QuoteFilter(article_ids=members, limit=300))
    speakers = _by_speaker(quotes)
    timeline = sorted(found.members, key=lambda m: (m.published is None, m.published))
    actors: Counter[str] = Counter()
    for e in events:
        for side in (e.event.source, e.event.target):
            if side is not None and side.code:
                actors[side.code] += 1
    return render(request, "story.html", story=found, groups=found.by_outlet(), events=events,
                  speakers=speakers, timeline=timeline, actors=actors.most_common(12))


def _by_speaker(quotes: list[StoredQuote]) -> list[tuple[str, str | None, list[StoredQuote]]]:
    """(speaker label, actor code, quotes), the most quoted first: what each side said, side by side."""
    groups: dict[str, list[StoredQuote]] = {}
    codes: dict[str, str | None] = {}
    for q in quotes:
        label = q.speaker_name or q.quote.speaker or "Unattributed"
        groups.setdefault(label, []).append(q)
        if q.quote.speaker_actor is not None:
            codes.setdefault(label, q.quote.speaker_actor.code)
    ordered = sorted(groups.items(), key=lambda kv: (kv[0] == "Unattributed", -len(kv[1]), kv[0]))
    return [(label, codes.get(label), items) for label, items in ordered]
