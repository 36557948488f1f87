"""Folding copies: exact duplicates by normalised-text hash, near duplicates by MinHash LSH.

A wire story republished by several outlets differs by a headline suffix, an
added or trimmed paragraph, a different dateline: the texts are not equal, but
their word shingles mostly are.  MinHash LSH (datasketch) finds candidates in
sub-linear time; each candidate is then confirmed on the real shingle sets so
that a shared long quote does not fold two different stories together.
"""

from __future__ import annotations

import functools
import hashlib
import heapq
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
from datasketch import MinHash, MinHashLSH

from .records import Article

_WORD = re.compile(r"\w+", re.UNICODE)
NUM_PERM = 128
SHINGLE = 5
# The least Jaccard a real copy can have under the confirmation rules below
# (a trimmed copy: 70% of the shorter text inside a text 2.5 times longer) is
# 0.25; MinHash estimates it within about ±0.04, so screen a little lower.
MIN_ESTIMATED_JACCARD = 0.18


def normalise_text(text: str) -> str:
    """Lower-cased words only: what two copies of the same text always share."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_WORD.findall(text))


def content_hash(text: str) -> str:
    """A stable fingerprint of an article's words (punctuation, case and spacing ignored)."""
    return hashlib.blake2b(normalise_text(text).encode("utf-8"), digest_size=16).hexdigest()


def shingles(text: str, size: int = SHINGLE) -> set[str]:
    words = normalise_text(text).split()
    if len(words) <= size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


@functools.lru_cache(maxsize=4)
def _template(num_perm: int) -> MinHash:
    # Building the permutations is the costly part of a MinHash: once per process.
    return MinHash(num_perm=num_perm)


def signature(text: str, num_perm: int = NUM_PERM) -> MinHash:
    """The MinHash of a text's word shingles (stable across processes and runs)."""
    mh = _template(num_perm).copy()
    mh.update_batch([s.encode("utf-8") for s in shingles(text)])
    return mh


def signature_bytes(text: str, num_perm: int = NUM_PERM) -> bytes:
    return bytes(np.asarray(signature(text, num_perm).hashvalues).tobytes())


@dataclass(frozen=True, slots=True)
class Match:
    article_id: int
    jaccard: float
    containment: float


class NearDuplicateIndex:
    """MinHash LSH (datasketch) over the canonical articles seen so far.

    With ``window_days`` set, only articles dated within that many days of the
    newest one seen stay in the index, so its memory follows the news rate, not
    the size of the archive: right for a long-running feed reader, wrong for an
    archive ingested out of date order, hence off by default.  ``params`` are
    LSH bands × rows: 20 × 3 finds pairs at Jaccard 0.5 with probability 0.93
    and 0.6 with 0.99; every candidate is then confirmed on real shingles
    (``min_jaccard``, or ``min_containment`` for a trimmed copy).
    """

    def __init__(self, *, window_days: float | None = None, params: tuple[int, int] = (20, 3),
                 min_containment: float = 0.7, min_jaccard: float = 0.55,
                 num_perm: int = NUM_PERM) -> None:
        self.num_perm = num_perm
        self.window = timedelta(days=window_days) if window_days else None
        self.min_containment = min_containment
        self.min_jaccard = min_jaccard
        self._lsh = MinHashLSH(num_perm=num_perm, params=params)
        self._template = _template(num_perm)
        self._keys: dict[int, float] = {}
        # Signatures kept beside the LSH so candidates are screened by estimated
        # Jaccard before any stored text is read (512 bytes an article).
        self._signatures: dict[int, np.ndarray] = {}
        self._by_age: list[tuple[float, int]] = []
        self._newest = float("-inf")

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._keys

    def signature(self, text: str) -> MinHash:
        return signature(text, self.num_perm)

    def to_bytes(self, mh: MinHash) -> bytes:
        return bytes(np.asarray(mh.hashvalues).tobytes())

    def from_bytes(self, blob: bytes) -> MinHash | None:
        dtype = self._template.hashvalues.dtype
        if len(blob) != self.num_perm * dtype.itemsize:
            return None  # written by another configuration: ignore rather than mis-match
        values = np.frombuffer(blob, dtype=dtype)
        mh = self._template.copy()
        mh.hashvalues = values.copy()
        return mh

    def add(self, article_id: int, mh: MinHash, when: datetime | None = None) -> None:
        if article_id in self._keys:
            return
        if when is not None:
            stamp = when.timestamp()
        else:
            # Undated articles join at the current edge of the window; only
            # publication dates move the window forward.
            stamp = self._newest if self._by_age else datetime.now(UTC).timestamp()
        self._lsh.insert(article_id, mh)
        self._keys[article_id] = stamp
        self._signatures[article_id] = np.asarray(mh.hashvalues)
        heapq.heappush(self._by_age, (stamp, article_id))
        self._newest = max(self._newest, stamp)
        self._evict()

    def remove(self, article_id: int) -> None:
        if self._keys.pop(article_id, None) is not None:
            self._lsh.remove(article_id)
            self._signatures.pop(article_id, None)

    def _evict(self) -> None:
        if self.window is None:
            return
        horizon = self._newest - self.window.total_seconds()
        while self._by_age and self._by_age[0][0] < horizon:
            stamp, article_id = heapq.heappop(self._by_age)
            if self._keys.get(article_id) == stamp:
                self.remove(article_id)

    def load(self, signatures: Iterable[tuple[int, bytes, datetime | None]]) -> int:
        """Fill the index from stored signatures; returns how many are kept."""
        for article_id, blob, when in signatures:
            mh = self.from_bytes(blob)
            if mh is not None:
                self.add(article_id, mh, when)
        return len(self)

    def find(self, text: str, mh: MinHash, fetch_text: Callable[[int], str | None]) -> list[Match]:
        """Stored articles ``text`` is a copy of, best first, each confirmed on real shingles."""
        mine_values = np.asarray(mh.hashvalues)
        candidates = [c for c in self._lsh.query(mh)
                      if c not in self._signatures
                      or float(np.mean(self._signatures[c] == mine_values)) >= MIN_ESTIMATED_JACCARD]
        if not candidates:
            return []
        mine = shingles(text)
        matches = []
        for article_id in sorted(candidates):
            other_text = fetch_text(article_id)
            if not other_text:
                continue
            theirs = shingles(other_text)
            shared = len(mine & theirs)
            smaller = min(len(mine), len(theirs)) or 1
            jaccard = shared / (len(mine | theirs) or 1)
            containment = shared / smaller
            if jaccard >= self.min_jaccard or (containment >= self.min_containment
                                               and smaller >= 0.4 * max(len(mine), len(theirs))):
                matches.append(Match(article_id, jaccard, containment))
        matches.sort(key=lambda m: (-m.jaccard, m.article_id))
        return matches


def _when(article: Article) -> datetime:
    stamp = article.published or article.fetched_at
    if stamp is None:
        return datetime.max.replace(tzinfo=UTC)
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def prefer_as_original(new: Article, current: Article) -> bool:
    """Should ``new`` replace ``current`` as the canonical article of their group?

    An aggregator's republication (``via`` set) names its original and never wins;
    otherwise the article that names the other's outlet as its source is the copy,
    and the earliest publication wins.
    """
    if (new.via is None) != (current.via is None):
        return new.via is None
    new_outlet, current_outlet = (new.outlet or "").casefold(), (current.outlet or "").casefold()
    if new_outlet and current_outlet and new_outlet != current_outlet:
        credits_new = _credits(current, new_outlet)
        credits_current = _credits(new, current_outlet)
        if credits_new != credits_current:
            return credits_new
    return _when(new) < _when(current)


def _credits(article: Article, outlet: str) -> bool:
    """Does the article credit ``outlet`` (a wire copy's byline or first lines)?"""
    head = " ".join(article.authors).casefold() + " " + article.text[:300].casefold()
    return bool(outlet) and outlet in head
