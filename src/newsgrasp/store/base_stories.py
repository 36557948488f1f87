"""The part of the :class:`~newsgrasp.store.base.Store` interface that keeps stories."""

from __future__ import annotations

import abc


class StoryStore(abc.ABC):  # noqa: B024 - methods are added by the stories stage
    """Mixed into :class:`Store`; every backend implements these methods."""
