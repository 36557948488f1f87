"""Stories kept up to date in a store: online during ingest, or rebuilt from scratch.

:class:`StoryTracker` holds a :class:`StoryClusterer` whose state (document
frequencies, the stories still open) is loaded lazily from the store, feeds it
each new canonical article and persists every decision.  :func:`rebuild`
re-clusters the whole store in stream order and keeps the ids of stories whose
membership barely changed.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

from ..records import Article, ArticleFilter, StoredArticle, StoryDigest, StoryFilter, StoryInput
from ..store.base import Store
from .cluster import Assignment, ClusterConfig, StoryClusterer
from .features import DocumentFrequencies


def story_input(article_id: int, article: Article) -> StoryInput:
    """What the clusterer needs of an article: its date is publication, else fetch time."""
    return StoryInput(id=article_id, title=article.title, text=article.text,
                      date=article.published or article.fetched_at, outlet=article.outlet)


class StoryTracker:
    """Online story assignment against one store (used by the ingest writer, one thread)."""

    def __init__(self, store: Store, config: ClusterConfig | None = None) -> None:
        self.store = store
        self.config = config or ClusterConfig()
        self._clusterer: StoryClusterer | None = None
        self.rebuilt: RebuildReport | None = None  # set when loading had to build the stories first

    @property
    def clusterer(self) -> StoryClusterer:
        if self._clusterer is None:
            self._clusterer = self._load()
        return self._clusterer

    def _load(self) -> StoryClusterer:
        n_docs, df = self.store.story_frequencies()
        if n_docs == 0 and self.store.count_articles(include_copies=False):
            # A store made before stories existed (or whose stories were never
            # built): cluster what it holds first, or those articles would stay
            # outside every story while new ones are grouped.
            self.rebuilt = rebuild(self.store, self.config)
            n_docs, df = self.store.story_frequencies()
        clusterer = StoryClusterer(self.config, DocumentFrequencies(n_docs, df), id_taken=self.store.story_exists)
        latest = self.store.list_stories(StoryFilter(limit=1))
        since = None
        if latest and latest[0].last_updated is not None:
            since = latest[0].last_updated - timedelta(days=self.config.window_days)
        for story_id, members in self.store.active_story_members(since, self.config.max_active):
            clusterer.restore(story_id, members)
        return clusterer

    def add(self, article_id: int, article: Article) -> Assignment:
        """Assign a newly stored canonical article to a story and persist the result."""
        clusterer = self.clusterer
        placed = clusterer.story_of(article_id)
        if placed is not None and self.rebuilt is not None:
            # Loading rebuilt the stories of an older store, this article included.
            return Assignment(article_id, placed, 0.0, False)
        result = clusterer.add(story_input(article_id, article))
        if result.regrouped:
            self.store.regroup_stories([clusterer.digest(sid) for sid in result.regrouped],
                                       removed=[*result.merged, *result.removed], article_id=article_id,
                                       score=result.score, terms=result.keys)
        else:
            self.store.save_story(clusterer.digest(result.story_id), article_id=article_id,
                                  score=result.score, merged=result.merged, terms=result.keys)
        return result

    def replace(self, old_id: int, new_id: int, title: str | None = None) -> None:
        """``new_id`` (titled ``title``) became the canonical of ``old_id``: it takes the old one's
        place in its story, and may now be the story's headline."""
        story_id = self.clusterer.replace_member(old_id, new_id, title)
        self.store.move_story_member(old_id, new_id)
        if story_id is not None:
            self.store.save_story(self.clusterer.digest(story_id))

    def copy_added(self, canonical_id: int) -> None:
        """A copy was folded into ``canonical_id``: its story's counts change."""
        self.store.refresh_story_of(canonical_id)


@dataclass(slots=True)
class RebuildReport:
    articles: int
    stories: int
    kept_ids: int       # stories that kept the id they had before the rebuild
    merges: int
    seconds: float


def stable_ids(new: dict[int, list[int]], old_of: dict[int, int]) -> dict[int, int]:
    """Map each new cluster (by seed id) to the id it should carry.

    A new cluster keeps an old story's id when more than half of the old story
    and more than half of the new cluster are the same articles; matching is
    greedy by overlap, so each old id goes to at most one cluster.  Others take
    their first article's id (or, if that is taken, the next free member id).
    """
    old_sizes = Counter(old_of.values())
    pairs = []
    for seed, members in new.items():
        overlap = Counter(old_of[a] for a in members if a in old_of)
        for old_id, n in overlap.items():
            if 2 * n > old_sizes[old_id] and 2 * n > len(members):
                pairs.append((-n, old_id, seed))
    out: dict[int, int] = {}
    used: set[int] = set()
    for _, old_id, seed in sorted(pairs):
        if seed not in out and old_id not in used:
            out[seed] = old_id
            used.add(old_id)
    taken = used | set(old_sizes)  # never reuse an old id for an unrelated cluster
    for seed in sorted(new):
        if seed in out:
            continue
        free = next((a for a in sorted(new[seed]) if a not in taken), None)
        chosen = free if free is not None else -seed  # negative: can never clash with an article id
        out[seed] = chosen
        taken.add(chosen)
    return out


def rebuild(store: Store, config: ClusterConfig | None = None,
            progress: Callable[[int], None] | None = None) -> RebuildReport:
    """Re-cluster every canonical article in stream order (id order) and replace the stored stories."""
    started = time.monotonic()
    old_of = store.story_assignments()
    digests: dict[int, StoryDigest] = {}
    clusterer = StoryClusterer(config, on_retire=lambda d: digests.__setitem__(d.id, d))
    scores: dict[int, float] = {}
    merges = 0
    count = 0
    for stored in _canonical(store):
        result = clusterer.add(story_input(stored.id, stored.article))
        scores[stored.id] = result.score
        merges += len(result.merged)
        count += 1
        if progress is not None and count % 500 == 0:
            progress(count)
    for story_id in list(clusterer.stories()):
        digests[story_id] = clusterer.digest(story_id)
    ids = stable_ids({d.id: d.members for d in digests.values()}, old_of)
    final = []
    for seed in sorted(digests):
        digest = digests[seed]
        digest.id = ids[seed]
        final.append(digest)
    stories = store.replace_stories(final, n_docs=clusterer.df.n_docs, frequencies=clusterer.df.df,
                                    scores=scores)
    kept = sum(1 for d in final if d.id in set(old_of.values()))
    return RebuildReport(count, stories, kept, merges, time.monotonic() - started)


def _canonical(store: Store) -> Iterable[StoredArticle]:
    return store.iter_articles(ArticleFilter(include_copies=False))
