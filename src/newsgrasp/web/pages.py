"""Server-rendered pages: readable without JavaScript, everything escaped."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from functools import partial
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from ..records import EventFilter, QuoteFilter, StorySummary
from ..store.base import Store
from . import feeds
from .api import StoreDep, article_detail, run_search
from .api_stories import list_stories
from .cache import TTLCache
from .facets import FACETS
from .highlight import lay_out
from .models import feed_healthy
from .params import MAX_PAGE, Filters, filters
from .render import make_env

T = TypeVar("T")
router = APIRouter(include_in_schema=False)
ENV = make_env()
FiltersDep = Annotated[Filters, Depends(filters)]


def render(request: Request, template: str, status_code: int = 200,
           headers: Mapping[str, str] | None = None, **context: Any) -> HTMLResponse:
    demo = facet(request, "demo-corpus", partial(holds_demo_corpus, request.app.state.store))
    html = ENV.get_template(template).render(request=request, path=request.url.path, demo_corpus=demo,
                                             **context)
    return HTMLResponse(html, status_code=status_code, headers=dict(headers or {}))


def holds_demo_corpus(store: Store) -> bool:
    """Whether the store holds articles of the demo corpus, which every page must then flag as sample text."""
    from ..demo import demo_outlets

    outlets = demo_outlets()
    return any((name or "").casefold() in outlets for name, _count in store.sources())


def facet(request: Request, key: Hashable, compute: Callable[[], T]) -> T:
    """A slowly changing aggregate (dropdown options, suggestions), cached for a minute."""
    cache: TTLCache = request.app.state.facets
    return cache.get(key, compute)


def shared(request: Request, store: Store, name: str) -> Any:
    """One of the store-wide aggregates of :data:`~newsgrasp.web.facets.FACETS`."""
    return facet(request, name, partial(FACETS[name], store))


def outlet_names(request: Request, store: Store) -> list[str]:
    names: list[str] = shared(request, store, "outlets")
    return names


def error_page(request: Request, status: int, message: str,
               headers: Mapping[str, str] | None = None) -> HTMLResponse:
    return render(request, "error.html", status_code=status, headers=headers, status=status, message=message)


@router.get("/latest", response_class=HTMLResponse)
def latest(request: Request, store: StoreDep, flt: FiltersDep,
           cursor: Annotated[str | None, Query(max_length=100)] = None,
           limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 30) -> HTMLResponse:
    return latest_page(request, store, flt, cursor, limit, action="/latest")


def latest_page(request: Request, store: Store, flt: Filters, cursor: str | None, limit: int, *,
                action: str, notice: str | None = None) -> HTMLResponse:
    items, following = store.article_page(flt.article_filter(), cursor=cursor, limit=limit)
    copies = {s.id: store.copies(s.id) for s in items}
    return render(request, "latest.html", items=items, copies=copies, next_cursor=following, flt=flt,
                  outlets=outlet_names(request, store), limit=limit, first_page=cursor is None,
                  action=action, notice=notice)


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article(request: Request, store: StoreDep, article_id: Annotated[int, Path(ge=1, le=2**62)]) -> HTMLResponse:
    detail = article_detail(store, article_id)
    canonical = None
    if detail.canonical_id is not None:
        canonical = store.get(detail.canonical_id)
    analysis = store.analysis(article_id)
    layout = lay_out(detail.title, detail.text, analysis) if analysis is not None else None
    events = store.events(EventFilter(article_id=article_id, limit=200)) if analysis is not None else []
    quotes = store.quotes(QuoteFilter(article_id=article_id, limit=200)) if analysis is not None else []
    story = store.story_of_article(article_id)
    return render(request, "article.html", a=detail, canonical=canonical, layout=layout, events=events,
                  quotes=quotes, story=story, analysed=analysis is not None,
                  paragraphs=[p for p in detail.text.split("\n") if p.strip()])


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, store: StoreDep, flt: FiltersDep,
           q: Annotated[str, Query(max_length=500)] = "",
           cursor: Annotated[str | None, Query(max_length=100)] = None) -> HTMLResponse:
    page = run_search(store, q, flt, 20, cursor) if q.strip() else None
    stories: list[StorySummary] = []
    if page is not None and cursor is None:
        stories = facet(request, ("story-hits", q, flt.source, flt.since, flt.until, flt.lang),
                        lambda: list_stories(store, flt, sort="biggest", limit=6, query=q)[0])
    return render(request, "search.html", q=q, page=page, flt=flt, stories=stories)


@router.get("/search.atom")
def search_feed(request: Request, store: StoreDep, flt: FiltersDep,
                q: Annotated[str, Query(min_length=1, max_length=500)]) -> Response:
    """An Atom feed of a search, newest first, so a reader can subscribe to it."""
    hits = store.search(q, flt.article_filter(limit=200))
    hits.sort(key=lambda h: (h.published is not None, h.published), reverse=True)
    body = feeds.search_atom(str(request.base_url).rstrip("/"), q, flt, hits[:50])
    return Response(body, media_type="application/atom+xml; charset=utf-8")


@router.get("/sources", response_class=HTMLResponse)
def sources(request: Request, store: StoreDep) -> HTMLResponse:
    feed_rows = [(f, feed_healthy(f)) for f in store.feeds()]
    return render(request, "sources.html", feeds=feed_rows, outlets=store.outlet_activity())
