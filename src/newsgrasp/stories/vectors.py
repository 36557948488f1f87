"""Sparse vectors as dicts (term → weight): dot products, running sums, TF-IDF weighing.

These few loops run for every term of every article against several
stories' sums, so they are also compiled (see ``compiled.py``): the same
arithmetic in the same order, so the same stories come out either way (from
Python 3.12 ``sum`` rounds more carefully than a plain loop, so a last digit
may differ there).  The Python versions below run where the extension was not
built.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Sequence
from itertools import repeat
from typing import Protocol

import numpy as np
import numpy.typing as npt

from .compiled import speedups


class HasVectors(Protocol):
    @property
    def words(self) -> dict[str, float]: ...
    @property
    def names(self) -> dict[str, float]: ...


def dot_py(small: dict[str, float], big: dict[str, float], /) -> float:
    """The dot product of two sparse vectors."""
    if len(small) > len(big):
        small, big = big, small
    # Iterating the smaller side with a membership test beats building the key
    # intersection as a set (measured ~20% on article-vs-story sizes).
    return sum([v * big[t] for t, v in small.items() if t in big])


def grow_py(total: dict[str, float], vec: dict[str, float], sq: float, sign: float = 1.0, /) -> float:
    """Add ``sign`` × ``vec`` into ``total`` and return the new squared norm from the old one, ``sq``."""
    cross = 0.0
    own = 0.0
    for t, v in vec.items():
        v = sign * v
        old = total.get(t, 0.0)
        cross += old * v
        own += v * v
        total[t] = old + v
    return max(sq + 2.0 * cross + own, 0.0)


def weigh_py(raw: dict[str, float], counts: dict[str, int], prefix: str, top: float, /) -> dict[str, float]:
    """``raw`` as a unit TF-IDF vector: each weight × (``top`` - log(df + 1)), df of ``prefix`` + term
    in ``counts`` (``top`` is log(documents + 1) + 1, so this is smoothed IDF); empty if all weights are 0."""
    log = math.log
    weighted = [v * (top - log(counts.get(prefix + t, 0) + 1)) for t, v in raw.items()]
    norm = math.sqrt(sum([v * v for v in weighted]))
    if norm == 0.0:
        return {}
    return {t: v / norm for t, v in zip(raw, weighted, strict=True)}


def weigh_counted_py(raw: dict[str, float], counts: dict[str, int], top: float, /
                     ) -> tuple[dict[str, float], npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """:func:`weigh_py` for a full text (no prefix), with the terms' document frequencies and the unit
    weights as arrays in the vector's order (what the pair model's encoding reads)."""
    held = np.fromiter(map(counts.get, raw, repeat(0)), np.int64, len(raw))
    log = math.log
    weighted = [v * (top - log(c + 1)) for v, c in zip(raw.values(), held.tolist(), strict=True)]
    norm = math.sqrt(sum([v * v for v in weighted]))
    if norm == 0.0:
        return {}, held[:0], np.zeros(0)
    units = [v / norm for v in weighted]
    return dict(zip(raw, units, strict=True)), held, np.array(units)


SALIENT_SORT = 64    # terms; a longer vector's salient terms are picked by numpy, then sorted


def salient_py(vec: dict[str, float], prefix: str, n: int, /) -> list[str]:
    """The ``n`` heaviest terms, heaviest first, ``prefix`` in front; ties go to the later term
    (``sorted`` on pairs)."""
    n = min(max(n, 0), len(vec))
    if len(vec) <= SALIENT_SORT or not n:
        ranked = sorted(zip(vec.values(), vec, strict=True), reverse=True)[:n]
        return [prefix + t for _, t in ranked]
    # A full text: only the entries that can make the cut are sorted (3x faster on 300 terms).
    values = np.fromiter(vec.values(), np.float64, len(vec))
    kth = np.partition(values, len(vec) - n)[len(vec) - n]
    keys = list(vec)
    among = [(vec[keys[i]], keys[i]) for i in np.flatnonzero(values >= kth).tolist()]
    return [prefix + t for _, t in sorted(among, reverse=True)[:n]]


def strongest_py(scores: dict[int, float], n: int, /) -> list[int]:
    """The keys of the ``n`` highest scores, highest first; ties go to the smaller key."""
    return [k for k, _ in heapq.nsmallest(n, scores.items(), key=lambda kv: (-kv[1], kv[0]))]


def new_keys_py(vec: dict[str, float], held: dict[str, float], /) -> list[str]:
    """``vec``'s keys that ``held`` lacks, in ``vec``'s order."""
    return [t for t in vec if t not in held]


def closest_member_py(words: dict[str, float], names: dict[str, float], members: Sequence[HasVectors],
                      entity_weight: float, /) -> float:
    """The highest similarity of a short article to one of ``members`` (word cosine, blended with the
    name cosine where both name someone; vectors are unit length)."""
    best = 0.0
    keep = 1.0 - entity_weight
    for member in members:
        mine = member.words
        sim = sum([v * mine[t] for t, v in words.items() if t in mine])
        if names and member.names:
            theirs = member.names
            sim = keep * sim + entity_weight * sum([v * theirs[t] for t, v in names.items() if t in theirs])
        if sim > best:
            best = sim
    return best


dot = dot_py
grow = grow_py
weigh = weigh_py
weigh_counted: Callable[[dict[str, float], dict[str, int], float],
                        tuple[dict[str, float], bytes | npt.NDArray[np.int64], bytes | npt.NDArray[np.float64]]]
weigh_counted = weigh_counted_py
salient = salient_py
strongest = strongest_py
new_keys = new_keys_py
closest_member = closest_member_py
if speedups is not None:
    dot, grow, weigh = speedups.dot, speedups.grow, speedups.weigh
    # Frequencies and weights come as bytes (8 per term), which the compiled encoder reads as they are.
    weigh_counted, salient, strongest = speedups.weigh_counted, speedups.salient, speedups.strongest
    new_keys, closest_member = speedups.new_keys, speedups.closest_member
