"""The part of the :class:`~newsgrasp.store.base.Store` interface that keeps stories."""

from __future__ import annotations

import abc
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from ..records import Story, StoryDigest, StoryFilter, StoryInput, StorySummary


class StoryStore(abc.ABC):
    """Mixed into :class:`Store`; every backend implements these methods."""

    # -- writes (the clusterer's results) --------------------------------------------
    @abc.abstractmethod
    def save_story(self, digest: StoryDigest, *, article_id: int | None = None, score: float = 0.0,
                   merged: Sequence[int] = (), terms: Sequence[str] = ()) -> None:
        """Persist one story after a change, in one transaction.

        ``article_id`` joins the story (or opens it); every member of the
        ``merged`` stories moves into it and those stories disappear; ``terms``
        are the frequency-table keys the article added (each counted once).
        Headline, keywords and names come from ``digest``; dates, counts and
        outlets are computed from the members.
        """

    @abc.abstractmethod
    def regroup_stories(self, digests: Sequence[StoryDigest], *, removed: Sequence[int] = (),
                        article_id: int | None = None, score: float = 0.0, terms: Sequence[str] = ()) -> None:
        """Persist a regrouping in one transaction: each digest's ``members`` now form that story.

        Members move between the stories named (an article stays in exactly
        one); the ``removed`` stories, emptied, disappear.  ``article_id``,
        ``score`` and ``terms`` are the new article's, as for :meth:`save_story`.
        """

    @abc.abstractmethod
    def story_exists(self, story_id: int) -> bool:
        """Whether a story with this id is stored (retired ones included)."""

    @abc.abstractmethod
    def mark_stories_stale(self) -> None:
        """Note that stored texts changed under their stories; :meth:`replace_stories` clears the note.

        Set before the texts change, so a run cut short still leaves it.
        """

    @abc.abstractmethod
    def stories_stale(self) -> bool:
        """Whether texts changed since the stories were last rebuilt."""

    @abc.abstractmethod
    def replace_stories(self, digests: Iterable[StoryDigest], *, n_docs: int,
                        frequencies: Mapping[str, int], scores: Mapping[int, float] | None = None) -> int:
        """Replace every story (a rebuild) in one transaction; returns the number of stories."""

    @abc.abstractmethod
    def move_story_member(self, old_article_id: int, new_article_id: int) -> None:
        """``new_article_id`` takes ``old_article_id``'s place in its story (a new canonical)."""

    @abc.abstractmethod
    def refresh_story_of(self, article_id: int) -> None:
        """Recount the story that holds ``article_id`` (or its canonical): a copy was folded in."""

    # -- the clusterer's saved state ----------------------------------------------------
    @abc.abstractmethod
    def story_frequencies(self) -> tuple[int, dict[str, int]]:
        """(documents counted, document frequency of every term and name)."""

    @abc.abstractmethod
    def active_story_members(self, since: datetime | None,
                             limit: int) -> list[tuple[int, list[StoryInput]]]:
        """Stories updated on or after ``since`` (all undated ones too), newest ``limit`` stories,
        each with its members in stream order: what an ingest reloads to go on clustering."""

    @abc.abstractmethod
    def story_assignments(self) -> dict[int, int]:
        """article id → story id, for every assigned article."""

    # -- reads -------------------------------------------------------------------------
    @abc.abstractmethod
    def list_stories(self, flt: StoryFilter | None = None) -> list[StorySummary]:
        """Stories matching ``flt``, sorted as it says; see :class:`StoryFilter`."""

    @abc.abstractmethod
    def count_stories(self, flt: StoryFilter | None = None) -> int:
        """How many stories match ``flt`` (limit and offset ignored)."""

    @abc.abstractmethod
    def get_story(self, story_id: int) -> Story | None:
        """One story with all its member articles and their copies."""

    @abc.abstractmethod
    def story_of_article(self, article_id: int) -> StorySummary | None:
        """The story an article (or, for a copy, its canonical) belongs to."""
