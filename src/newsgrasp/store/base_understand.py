"""The part of the :class:`~newsgrasp.store.base.Store` interface that keeps understand."""

from __future__ import annotations

import abc


class UnderstandStore(abc.ABC):  # noqa: B024 - methods are added by the understand stage
    """Mixed into :class:`Store`; every backend implements these methods."""
