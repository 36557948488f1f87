"""SQLite implementation of :class:`~newsgrasp.store.base_stories.StoryStore`."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

T = TypeVar("T")


class SQLiteStoryMixin:
    """Mixed into :class:`SQLiteStore`: writes go through its writer thread, reads through its readers."""

    if TYPE_CHECKING:
        def _write(self, fn: Callable[[sqlite3.Connection], T]) -> T: ...
        def _read(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]: ...
        def _read_one(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None: ...
