"""The application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from .._version import __version__
from ..store.base import QueryError, Store, StoreError
from . import api, api_stories, api_understand, pages, pages_stories, pages_understand
from .cache import TTLCache
from .facets import FACETS
from .jobs import IngestJobs
from .params import BadParameter
from .security import SecurityHeaders

STATIC_DIR = Path(__file__).parent / "static"


def create_app(store: Store, *, token: str | None = None, allow_private_feeds: bool = False) -> FastAPI:
    """The desk over ``store``.

    ``token`` enables the write endpoints (``Authorization: Bearer <token>``);
    without it the server is read-only.  ``allow_private_feeds`` lets clients
    add feeds and ingest URLs on private, loopback and link-local addresses.
    The store is not closed when the app stops: its owner closes it.
    """
    jobs = IngestJobs(store, allow_private=allow_private_feeds)

    facets = TTLCache(ttl=60.0)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        for name, compute in FACETS.items():
            facets.warm(name, partial(compute, store))
        try:
            yield
        finally:
            jobs.close()
            facets.close()

    app = FastAPI(
        title="newsgrasp desk",
        version=__version__,
        description="Stories, articles, events, quotes and actor relations from your own news store.",
        openapi_url="/api/v1/openapi.json",
        # The interactive docs load scripts from a CDN and inline: neither fits the CSP.
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.store = store
    app.state.token = token or None
    app.state.allow_private_feeds = allow_private_feeds
    app.state.jobs = jobs
    app.state.facets = facets
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for router in (api.router, api_stories.router, api_understand.router, pages_stories.router, pages.router,
                   pages_understand.router):
        app.include_router(router)

    def wants_html(request: Request) -> bool:
        return not request.url.path.startswith("/api/")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if wants_html(request):
            return pages.error_page(request, exc.status_code, str(exc.detail), headers=exc.headers)
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(QueryError)
    async def query_error(request: Request, exc: QueryError) -> Response:
        if wants_html(request):
            return pages.error_page(request, 400, str(exc))
        return JSONResponse({"detail": str(exc)}, status_code=400)

    @app.exception_handler(StoreError)
    async def store_error(request: Request, exc: StoreError) -> Response:
        if wants_html(request):
            return pages.error_page(request, 503, f"the store could not answer: {exc}")
        return JSONResponse({"detail": f"the store could not answer: {exc}"}, status_code=503)

    @app.exception_handler(BadParameter)
    async def bad_parameter(request: Request, exc: BadParameter) -> Response:
        if wants_html(request):
            return pages.error_page(request, 400, str(exc))
        return JSONResponse({"detail": str(exc)}, status_code=400)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        if wants_html(request):
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err.get('loc', ()) if p not in ('query', 'body', 'path'))}: "
                f"{err.get('msg')}" for err in exc.errors())
            return pages.error_page(request, 422, problems)
        # The API keeps FastAPI's documented 422 body (a list of located errors).
        return await request_validation_exception_handler(request, exc)

    return app
