"""The part of the :class:`~newsgrasp.store.base.Store` interface that keeps understand.

What the understanding stage found in each article (see
:class:`~newsgrasp.records.Analysis`) and the queries over it: events, quotes,
actors, and a dyad's time series.  Only canonical articles are analysed, and
every query leaves out articles that have since become copies.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from datetime import date

from ..records import (
    ActorActivity,
    Analysis,
    DyadPoint,
    EventFilter,
    QuoteFilter,
    StoredEvent,
    StoredQuote,
)

BUCKETS = ("day", "week", "month")


class UnderstandStore(abc.ABC):
    """Mixed into :class:`Store`; every backend implements these methods."""

    @abc.abstractmethod
    def save_analysis(self, article_id: int, analysis: Analysis) -> None:
        """Store ``analysis`` for the article, replacing an older one in the same transaction.

        Raises StoreError when the article does not exist.
        """

    @abc.abstractmethod
    def save_analyses(self, items: Sequence[tuple[int, Analysis]]) -> int:
        """Several :meth:`save_analysis` in one transaction; articles deleted or folded into
        another as copies meanwhile are skipped. Returns how many were saved."""

    @abc.abstractmethod
    def analysis(self, article_id: int) -> Analysis | None:
        """The stored analysis of an article, or None when it has none."""

    @abc.abstractmethod
    def delete_analysis(self, article_id: int) -> None:
        """Forget an article's analysis (a no-op when it has none)."""

    @abc.abstractmethod
    def article_ids_needing_analysis(self, version: str, limit: int | None = None, *,
                                     everything: bool = False) -> list[int]:
        """Canonical articles with no analysis, an analysis by another ``version``, or one made
        before the article's text last changed; oldest id first.  ``everything``: every
        canonical article."""

    @abc.abstractmethod
    def analysis_counts(self, version: str | None = None) -> dict[str, int]:
        """Counts for a status line: ``analysed`` (canonical articles with an analysis),
        ``current`` (of ``version``), ``stale``, ``events``, ``quotes``, ``entities``."""

    @abc.abstractmethod
    def events(self, flt: EventFilter | None = None) -> list[StoredEvent]:
        """Events matching ``flt`` with their evidence, by event date then id (undated last)."""

    @abc.abstractmethod
    def quotes(self, flt: QuoteFilter | None = None) -> list[StoredQuote]:
        """Quotes matching ``flt``, newest article first, then in text order."""

    @abc.abstractmethod
    def actors(self, limit: int = 20, since: date | None = None, until: date | None = None, *,
               include_unasserted: bool = False) -> list[ActorActivity]:
        """Most active actor codes (events as source + target, then quotes), with counts.

        ``since``/``until`` bound the event date and, for quotes, the article date.
        """

    @abc.abstractmethod
    def dyad_series(self, a: str, b: str, bucket: str = "day", since: date | None = None,
                    until: date | None = None, *, directed: bool = False,
                    include_unasserted: bool = False) -> list[DyadPoint]:
        """Asserted events between ``a`` and ``b`` (codes or names as in EventFilter) per
        ``bucket`` ("day", "week" from Monday, "month"), only buckets with events, oldest first."""
