"""Actor pages and the relations (dyad) chart."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from functools import partial
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from ..records import EventFilter, StorySummary
from .api import StoreDep
from .api_understand import actor_view
from .charts import dyad_chart, next_start
from .pages import facet, render, shared
from .params import BadParameter

router = APIRouter(include_in_schema=False)
# An actor page covers the last few days to the newest story, wider when they hold fewer
# than ENOUGH events and quotes; ?all=1 reads everything.
ACTOR_WINDOWS = (timedelta(days=3), timedelta(days=30))
ACTOR_PAGE_EVENTS = 600
ENOUGH = 60


@router.get("/actors", response_class=HTMLResponse)
def actors(request: Request, store: StoreDep) -> HTMLResponse:
    return render(request, "actors.html", actors=shared(request, store, "actors-100"))


@router.get("/actors/{spec}", response_class=HTMLResponse)
def actor(request: Request, store: StoreDep, spec: str, everything: bool = Query(False, alias="all")) -> HTMLResponse:
    spec = " ".join(spec.split())
    if not spec or len(spec) > 100:
        raise HTTPException(400, "give an actor code (RUS, 'RUS GOV') or part of a name, at most 100 characters")
    now = shared(request, store, "data-now")
    # The narrowest recent window with enough events: a busy actor's page stays current, a
    # rare one's reaches back as far as needed.  Views are cached for a minute (they are
    # aggregates over many events; new events arrive with ingests, not by the second).
    windows = [None] if now is None or everything else [*(now - d for d in ACTOR_WINDOWS), None]
    since = None
    for start in windows:
        since = start.date() if start is not None else None
        view = facet(request, ("actor", spec, since),
                     partial(actor_view, store, spec, since=since, events=ACTOR_PAGE_EVENTS))
        if view.as_source + view.as_target + len(view.quotes) >= ENOUGH:
            break
    if not view.has_any:
        raise HTTPException(404, f"nothing is known about {spec!r}: no events or quotes name it")
    stories: dict[int, StorySummary] = {}
    newest_first = sorted([*view.events_as_source, *view.events_as_target],
                          key=lambda e: (e.date is not None, e.date), reverse=True)
    for article_id in dict.fromkeys(e.article_id for e in newest_first):
        if len(stories) >= 10:
            break
        found = store.story_of_article(article_id)
        if found is not None:
            stories.setdefault(found.id, found)
    names = Counter(n for e in newest_first for n in _names_for(e, spec))
    return render(request, "actor.html", spec=spec, view=view, stories=list(stories.values()), since=since,
                  names=[n for n, _ in names.most_common(5)])


def _names_for(e: object, spec: str) -> list[str]:
    out = []
    for side in (e.source, e.target):  # type: ignore[attr-defined]
        if side is not None and side.name and (side.code == spec or side.code.startswith(spec + " ")):
            out.append(side.name)
    return out


def _day(value: str | None, name: str) -> date | None:
    if not value or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise BadParameter(f"{name}: {value!r} is not a date (use YYYY-MM-DD)") from None


@router.get("/relations", response_class=HTMLResponse)
def relations(request: Request, store: StoreDep,
              a: Annotated[str, Query(max_length=100)] = "", b: Annotated[str, Query(max_length=100)] = "",
              bucket: Literal["day", "week", "month"] = "day",
              since: Annotated[str | None, Query(max_length=40)] = None,
              until: Annotated[str | None, Query(max_length=40)] = None,
              point: Annotated[str | None, Query(max_length=40)] = None) -> HTMLResponse:
    a, b = " ".join(a.split()), " ".join(b.split())
    suggestions = shared(request, store, "dyads")
    known = shared(request, store, "known-actors")
    context: dict[str, Any] = {"a": a, "b": b, "bucket": bucket, "since": since or "", "until": until or "",
               "suggestions": suggestions, "known": known, "chart": None, "points": [], "selected": None,
               "events": []}
    if not a or not b:
        return render(request, "relations.html", **context)
    since_day, until_day = _day(since, "since"), _day(until, "until")
    points = facet(request, ("dyad", a, b, bucket, since_day, until_day),
                   partial(store.dyad_series, a, b, bucket, since_day, until_day))
    context.update(chart=dyad_chart(points, bucket), points=points)
    chosen = _day(point, "point")
    if chosen is not None:
        selected = next((p for p in points if p.start == chosen), None)
        # An empty bucket clicked (or typed) shows that it is empty, not an error.
        start, end = (chosen, next_start(chosen, bucket)) if selected is None else (selected.start, selected.end)
        context["selected"] = (start, end)
        context["events"] = store.events(EventFilter(dyad=(a, b), since=start, until=end, limit=500))
    return render(request, "relations.html", **context)
