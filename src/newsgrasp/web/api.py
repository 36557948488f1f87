"""The JSON API under ``/api/v1/``.

Reads only through the :class:`~newsgrasp.store.base.Store` interface.
Listings page with opaque cursors (``next_cursor``); writes need the bearer
token (see :func:`~newsgrasp.web.security.require_token`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import StreamingResponse

from ..records import Feed
from ..store.base import Store
from .models import (
    ArticleDetail,
    ArticleOut,
    ArticlePage,
    FeedAdded,
    FeedIn,
    FeedOut,
    IngestIn,
    JobOut,
    OutletOut,
    Problem,
    SearchHitOut,
    SearchPage,
    Sources,
)
from .params import ARTICLE_CURSOR, MAX_PAGE, OFFSET_CURSOR, BadParameter, Filters, api_filters
from .security import UnsafeURL, check_public_url, require_token

router = APIRouter(prefix="/api/v1", tags=["api"])

_ERRORS: dict[int | str, dict[str, Any]] = {400: {"model": Problem, "description": "Bad query or filter"}}
_NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": Problem, "description": "No such item"}}
_WRITE: dict[int | str, dict[str, Any]] = {
    400: {"model": Problem, "description": "Refused URL (not http(s), private address, ...)"},
    401: {"model": Problem, "description": "Missing or wrong token"},
    403: {"model": Problem, "description": "The server is read-only (no token configured)"},
}

Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description="Items per page.")]
Cursor = Annotated[str | None, Query(pattern=ARTICLE_CURSOR, description="next_cursor of the previous page.")]
OffsetCursor = Annotated[str | None, Query(pattern=OFFSET_CURSOR, description="next_cursor of the previous page.")]
ArticleId = Annotated[int, Path(ge=1, le=2**62)]


def store_of(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


StoreDep = Annotated[Store, Depends(store_of)]
FiltersDep = Annotated[Filters, Depends(api_filters)]


def article_detail(store: Store, article_id: int) -> ArticleDetail:
    stored = store.get(article_id)
    if stored is None:
        raise HTTPException(404, f"no article with id {article_id}")
    base = ArticleOut.of(stored)
    return ArticleDetail(**base.model_dump(), text=stored.article.text, dateline=stored.article.dateline,
                         urls=store.urls(article_id), copies=[ArticleOut.of(c) for c in store.copies(article_id)])


# -- articles --------------------------------------------------------------------------
@router.get("/articles", response_model=ArticlePage, responses=_ERRORS)
def list_articles(store: StoreDep, flt: FiltersDep, limit: Limit = 50, cursor: Cursor = None,
                  copies: Annotated[bool, Query(description="Include folded copies.")] = False) -> ArticlePage:
    """Articles, newest first."""
    items, following = store.article_page(flt.article_filter(include_copies=copies), cursor=cursor, limit=limit)
    return ArticlePage(items=[ArticleOut.of(s) for s in items], next_cursor=following)


@router.get("/articles/{article_id}", response_model=ArticleDetail, responses=_NOT_FOUND)
def get_article(store: StoreDep, article_id: ArticleId) -> ArticleDetail:
    """One article with its text, every URL it was seen under, and its folded copies."""
    return article_detail(store, article_id)


_EXPORT_COLUMNS = ("id", "url", "title", "published", "source", "via", "language", "authors", "canonical_id",
                   "description", "text")


def _export_rows(store: Store, flt: Filters, copies: bool, max_rows: int) -> Iterator[dict[str, Any]]:
    cursor = None
    sent = 0
    while sent < max_rows:
        page, cursor = store.article_page(flt.article_filter(include_copies=copies), cursor=cursor,
                                          limit=min(500, max_rows - sent))
        for stored in page:
            row = ArticleOut.of(stored).model_dump(mode="json")
            row["text"] = stored.article.text
            yield row
        sent += len(page)
        if cursor is None:
            return


def stream_table(rows: Iterable[dict[str, Any]], columns: tuple[str, ...], fmt: str) -> Iterator[bytes]:
    """Rows as CSV (lists joined with "; ") or JSON Lines, a line at a time."""
    if fmt == "jsonl":
        for row in rows:
            yield (json.dumps({c: row.get(c) for c in columns}, ensure_ascii=False) + "\n").encode()
        return
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["; ".join(map(str, v)) if isinstance(v, list) else ("" if v is None else v)
                         for v in (row.get(c) for c in columns)])
        yield buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode()


_TABLE_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson"}
_TABLE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {"schema": {"type": "string"}},
                      "application/x-ndjson": {"schema": {"type": "string"}}},
          "description": "The rows, streamed"},
    **_ERRORS,
}


def table_response(rows: Iterable[dict[str, Any]], columns: tuple[str, ...], fmt: str,
                   name: str) -> StreamingResponse:
    return StreamingResponse(stream_table(rows, columns, fmt), media_type=_TABLE_TYPES[fmt],
                             headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'})


@router.get("/articles.{fmt}", response_class=StreamingResponse, responses=_TABLE_RESPONSES)
def export_articles(store: StoreDep, flt: FiltersDep, fmt: Literal["csv", "jsonl"],
                    copies: bool = False,
                    max_rows: Annotated[int, Query(ge=1, le=1_000_000)] = 100_000) -> StreamingResponse:
    """Download the articles of any query (newest first) as CSV or JSON Lines."""
    # Read the first page now so a bad filter fails with a status, not a broken download.
    rows = _export_rows(store, flt, copies, max_rows)
    first = next(rows, None)
    return table_response(_chain(first, rows), _EXPORT_COLUMNS, fmt, "articles")


def _chain(first: dict[str, Any] | None, rest: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    if first is not None:
        yield first
        yield from rest


# -- search --------------------------------------------------------------------------
def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    if not cursor.isdigit():
        raise BadParameter(f"bad page cursor {cursor!r} (use the next_cursor of a previous page)")
    return int(cursor)


def run_search(store: Store, q: str, flt: Filters, limit: int, cursor: str | None,
               copies: bool = False) -> SearchPage:
    offset = _offset(cursor)
    hits = store.search(q, flt.article_filter(include_copies=copies, limit=limit + 1, offset=offset))
    following = str(offset + limit) if len(hits) > limit else None
    return SearchPage(query=q, items=[SearchHitOut.of(h) for h in hits[:limit]], next_cursor=following)


@router.get("/search", response_model=SearchPage, responses=_ERRORS)
def search(store: StoreDep, flt: FiltersDep,
           q: Annotated[str, Query(min_length=1, max_length=500, description="Full-text query (FTS5 syntax).")],
           limit: Limit = 20, cursor: OffsetCursor = None, copies: bool = False) -> SearchPage:
    """Full-text search over article titles and text, best first."""
    return run_search(store, q, flt, limit, cursor, copies)


# -- sources ----------------------------------------------------------------------
@router.get("/sources", response_model=Sources)
def sources(store: StoreDep) -> Sources:
    """Every feed with its health, and every outlet with how much it publishes."""
    return Sources(feeds=[FeedOut.of(f) for f in store.feeds()],
                   outlets=[OutletOut.of(o) for o in store.outlet_activity()])


# -- writes ------------------------------------------------------------------------
def _job_out(job: Any) -> JobOut:
    return JobOut(id=job.id, state=job.state, urls=job.urls, created=job.created, finished=job.finished,
                  summary=job.summary, error=job.error)


def _checked(request: Request, url: str) -> str:
    try:
        return check_public_url(url, allow_private=request.app.state.allow_private_feeds)
    except UnsafeURL as exc:
        raise HTTPException(400, str(exc)) from None


@router.post("/feeds", response_model=FeedAdded, status_code=201, responses=_WRITE,
             dependencies=[Depends(require_token)])
def add_feed(request: Request, store: StoreDep, body: FeedIn) -> FeedAdded:
    """Remember a feed (polled by `newsgrasp update`), and fetch it now unless ``ingest`` is false."""
    url = _checked(request, body.url)
    if store.get_feed(url) is None:
        store.upsert_feed(Feed(url=url))
    feed = store.get_feed(url)
    assert feed is not None
    job = request.app.state.jobs.submit([url]) if body.ingest else None
    return FeedAdded(feed=FeedOut.of(feed), job=_job_out(job) if job else None)


@router.post("/ingest", response_model=JobOut, status_code=202, responses=_WRITE,
             dependencies=[Depends(require_token)])
def ingest(request: Request, body: IngestIn) -> JobOut:
    """Fetch and store these URLs in the background; poll the job for its summary."""
    urls = [_checked(request, u) for u in body.urls]
    return _job_out(request.app.state.jobs.submit(urls))


@router.get("/jobs/{job_id}", response_model=JobOut, responses=_NOT_FOUND)
def get_job(request: Request, job_id: Annotated[str, Path(max_length=64)]) -> JobOut:
    """An ingest job's state and, once done, its summary."""
    job = request.app.state.jobs.get(job_id)
    if job is None:
        raise HTTPException(404, f"no ingest job {job_id!r} (jobs are kept in memory until the server stops)")
    return _job_out(job)
