"""The store-wide aggregates pages share (dropdown options, suggestions, "now"), by name.

Kept in the app's :class:`~newsgrasp.web.cache.TTLCache` under these names; the
app computes them in the background at startup so the first reader does not wait.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Any

from ..records import EventFilter, StoryFilter
from ..store.base import Store


def data_now(store: Store) -> datetime | None:
    """"Now" for the desk: the newest story's last update.

    Relative to the data, not the wall clock, so an archive (or the 2017 demo) reads well too.
    """
    newest = store.list_stories(StoryFilter(sort="latest", limit=1))
    return newest[0].last_updated if newest else None


def outlets(store: Store) -> list[str]:
    return [name for name, _ in store.sources()]


def countries(store: Store) -> list[str]:
    return sorted({a.code[:3] for a in store.actors(limit=60) if a.code[:3].isalpha() and a.code[:3].isupper()})


def known_actors(store: Store) -> list[str]:
    return [x.code for x in store.actors(limit=80)]


def suggested_dyads(store: Store, limit: int = 12) -> list[tuple[str, str, int]]:
    """The country pairs with the most events among recent ones: the dyads worth a chart."""
    pairs: Counter[tuple[str, str]] = Counter()
    for e in store.events(EventFilter(limit=3000)):
        src, tgt = e.event.source, e.event.target
        if src is None or tgt is None or not src.country or not tgt.country or src.country == tgt.country:
            continue
        a, b = sorted((src.country, tgt.country))
        pairs[(a, b)] += 1
    return [(a, b, n) for (a, b), n in pairs.most_common(limit)]


def top_actors(store: Store) -> list[Any]:
    return store.actors(limit=100)


FACETS: dict[str, Callable[[Store], Any]] = {
    "data-now": data_now,
    "outlets": outlets,
    "countries": countries,
    "known-actors": known_actors,
    "dyads": suggested_dyads,
    "actors-100": top_actors,
}
