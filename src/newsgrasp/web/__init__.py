"""The desk: a web UI and a JSON API over a :class:`~newsgrasp.store.Store`.

``create_app(store)`` returns a FastAPI application; ``newsgrasp serve`` runs
it with uvicorn on 127.0.0.1.
"""

from .app import create_app

__all__ = ["create_app"]
