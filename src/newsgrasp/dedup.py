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
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from datasketch import MinHash, MinHashLSH

from .records import Article

_WORD = re.compile(r"\w+", re.UNICODE)
NUM_PERM = 128
SHINGLE = 5


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
    """MinHash LSH over the canonical articles seen so far.

    ``threshold`` is the Jaccard level at which LSH reports candidates (kept
    low so trimmed copies are found); ``min_containment`` is the share of the
    shorter text's shingles the longer one must contain to count as a copy.
    """

    def __init__(self, *, threshold: float = 0.4, min_containment: float = 0.7,
                 min_jaccard: float = 0.55, num_perm: int = NUM_PERM) -> None:
        self.num_perm = num_perm
        self.min_containment = min_containment
        self.min_jaccard = min_jaccard
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self._template = _template(num_perm)
        self._keys: set[int] = set()

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._keys

    def signature(self, text: str) -> MinHash:
        return signature(text, self.num_perm)

    def to_bytes(self, mh: MinHash) -> bytes:
        return bytes(np.asarray(mh.hashvalues).tobytes())

    def from_bytes(self, blob: bytes) -> MinHash | None:
        values = np.frombuffer(blob, dtype=self._template.hashvalues.dtype)
        if len(values) != self.num_perm:
            return None  # written by another configuration: ignore rather than mis-match
        mh = self._template.copy()
        mh.hashvalues = values.copy()
        return mh

    def add(self, article_id: int, mh: MinHash) -> None:
        if article_id in self._keys:
            return
        self._lsh.insert(article_id, mh)
        self._keys.add(article_id)

    def remove(self, article_id: int) -> None:
        if article_id in self._keys:
            self._lsh.remove(article_id)
            self._keys.discard(article_id)

    def load(self, signatures: Iterable[tuple[int, bytes]]) -> int:
        """Fill the index from stored signatures; returns how many were usable."""
        loaded = 0
        for article_id, blob in signatures:
            mh = self.from_bytes(blob)
            if mh is not None:
                self.add(article_id, mh)
                loaded += 1
        return loaded

    def find(self, text: str, mh: MinHash, fetch_text: Callable[[int], str | None]) -> list[Match]:
        """Stored articles ``text`` is a copy of, best first, each confirmed on real shingles."""
        candidates = self._lsh.query(mh)
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
