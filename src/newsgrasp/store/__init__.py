"""Storage: the :class:`Store` interface and its backends.

Use :func:`open_store` rather than a backend class so a database URL or path
from the command line or config picks the right one.
"""

from __future__ import annotations

from pathlib import Path

from .base import QueryError, Store, StoreError
from .sqlite import (
    HIGHLIGHT_END,
    HIGHLIGHT_START,
    SNIPPET_END,
    SNIPPET_START,
    SQLiteStore,
    split_highlights,
)

__all__ = [
    "HIGHLIGHT_END",
    "HIGHLIGHT_START",
    "QueryError",
    "SNIPPET_END",
    "SNIPPET_START",
    "SQLiteStore",
    "Store",
    "StoreError",
    "default_db_path",
    "open_store",
    "split_highlights",
]


def default_db_path() -> Path:
    """Where the database lives when none is named: the user's data directory."""
    import platformdirs

    return Path(platformdirs.user_data_dir("newsgrasp")) / "newsgrasp.db"


def open_store(url_or_path: str | Path | None = None, *, keep_html: bool = True) -> Store:
    """Open the store named by a path, ``":memory:"``, a ``sqlite:///`` URL or a PostgreSQL URL.

    ``None`` opens (creating if needed) the default database, see :func:`default_db_path`.
    """
    if url_or_path is None:
        path = default_db_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create {path.parent}: {exc}") from exc
        return SQLiteStore(path, keep_html=keep_html)
    target = str(url_or_path)
    lowered = target.lower()
    if lowered.startswith(("postgresql://", "postgres://", "postgresql+")):
        raise StoreError("PostgreSQL backend not available yet")
    if lowered.startswith("sqlite://"):
        # sqlite:///relative.db, sqlite:////abs/path.db, sqlite:// (memory), as in SQLAlchemy
        rest = target[len("sqlite://"):]
        target = rest[1:] if rest.startswith("/") else rest
        target = target or ":memory:"
    elif "://" in target:
        scheme = target.split("://", 1)[0]
        raise StoreError(f"unsupported database URL scheme {scheme!r} (use a file path or postgresql://)")
    return SQLiteStore(target, keep_html=keep_html)
