"""Records of the story-clustering stage.

:class:`StoryInput` is what the clusterer reads (small and store-free, so it
can be benchmarked on any corpus); :class:`StoryDigest` is what it hands the
store for one story; :class:`StorySummary`, :class:`Story` and
:class:`StoryMember` are what readers (CLI, web, library) get back;
:class:`StoryFilter` selects stories like :class:`ArticleFilter` selects
articles.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

__all__ = ["Story", "StoryCopy", "StoryDigest", "StoryFilter", "StoryInput", "StoryMember", "StorySummary"]


@dataclass(frozen=True, slots=True)
class StoryInput:
    """One canonical article as the clusterer sees it.

    ``date`` is the publication time, else the fetch time, else None (some
    corpora have no times: then time plays no part).  ``entities`` replaces
    the clusterer's own cheap name guessing when a caller has better names.
    """

    id: int
    title: str
    text: str
    date: datetime | None = None
    outlet: str | None = None
    entities: tuple[str, ...] | None = None


@dataclass(slots=True)
class StoryDigest:
    """A story's state after a change: what the store persists."""

    id: int
    members: list[int]
    headline: str
    headline_article_id: int
    keywords: list[str] = field(default_factory=list)
    entities: list[str] = field(default_factory=list)


@dataclass(slots=True)
class StoryFilter:
    """Which stories to list.

    ``since``/``until`` compare with the story's last update / first sighting
    (a story overlapping the range is kept); ``source`` and ``language`` keep
    stories with at least one such article; ``query`` is a full-text query
    over member articles (FTS5 syntax, as in search).  ``sort`` is
    ``"latest"`` (last updated first) or ``"biggest"`` (most articles first).
    """

    since: datetime | None = None
    until: datetime | None = None
    source: str | None = None
    language: str | None = None
    query: str | None = None
    min_articles: int = 1
    sort: str = "latest"
    limit: int | None = 50
    offset: int = 0


@dataclass(slots=True)
class StorySummary:
    """One story as a listing shows it."""

    id: int
    headline: str
    headline_article_id: int
    first_seen: datetime | None
    last_updated: datetime | None
    articles: int
    copies: int
    outlets: list[str]
    keywords: list[str] = field(default_factory=list)
    entities: list[str] = field(default_factory=list)
    score: float | None = None  # search relevance when listed by a query


@dataclass(slots=True)
class StoryMember:
    """One canonical article of a story, with the copies folded into it."""

    article_id: int
    title: str
    outlet: str | None
    url: str | None
    published: datetime | None
    language: str | None
    copies: list[StoryCopy] = field(default_factory=list)


@dataclass(slots=True)
class StoryCopy:
    article_id: int
    outlet: str | None
    via: str | None
    url: str | None
    published: datetime | None


@dataclass(slots=True)
class Story:
    """A story with every member article."""

    summary: StorySummary
    members: list[StoryMember]

    @property
    def id(self) -> int:
        return self.summary.id

    def by_outlet(self) -> dict[str, list[StoryMember]]:
        """Members grouped by outlet (unknown outlets under ``"?"``), outlets in order of first article."""
        groups: dict[str, list[StoryMember]] = {}
        for member in self.members:
            groups.setdefault(member.outlet or "?", []).append(member)
        return groups

