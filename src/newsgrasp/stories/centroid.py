"""A story as the clusterer holds it: its members, and the running sums it is compared by.

A story's centroid is the sum of its members' L2-normalised term and name
vectors (IDF as of each member's arrival).  Freezing IDF per member lets the
norms grow incrementally (|S + v|² = |S|² + 2 S·v + |v|²), so a join costs
the member's size, not the story's; a regrouping takes members out the same
way (:meth:`Centroid.release`).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from .pairs import EncodedMember
from .vectors import grow

_NOISE = 1e-9  # a centroid weight this small is rounding left by members who moved out


@dataclass(slots=True)
class Member:
    id: int
    title: str
    words: dict[str, float]
    ts: float | None
    years: tuple[int, ...] = ()
    tokens: frozenset[str] = frozenset()   # words of the names it mentions
    salient: frozenset[str] = frozenset()  # ...those it mentions twice or more
    emb: list[float] | None = None         # unit embedding, when an embedder is configured
    names: dict[str, float] = field(default_factory=dict)  # unit name vector (IDF as of arrival)
    # Read by the pair model only (pairs.PairMember):
    numbers: frozenset[str] = frozenset()
    months: frozenset[str] = frozenset()
    weekdays: frozenset[str] = frozenset()
    title_terms: frozenset[str] = frozenset()
    lead: frozenset[str] = frozenset()
    lead_words: dict[str, float] = field(default_factory=dict)
    title_words: dict[str, float] = field(default_factory=dict)
    full: bool = True                      # a full text, not a headline alone
    encoded: EncodedMember | None = None   # the above as the pair model's ids (full texts only)


class Centroid:
    """An open story: its members, the sums of their vectors, their time span and name counts."""

    __slots__ = ("id", "members", "words", "names", "first_ts", "last_ts", "last_seq", "wsq", "nsq", "years",
                 "tokens", "salient", "emb", "summary")

    def __init__(self, story_id: int) -> None:
        self.id = story_id
        self.members: list[Member] = []
        self.words: dict[str, float] = {}
        self.names: dict[str, float] = {}
        self.first_ts: float | None = None
        self.last_ts: float | None = None
        self.last_seq = 0
        self.wsq = 0.0
        self.nsq = 0.0
        self.years: Counter[int] = Counter()
        self.tokens: Counter[str] = Counter()   # name word → members that mention it
        self.salient: Counter[str] = Counter()  # name word → members for which it is salient
        self.emb: list[float] | None = None      # sum of members' unit embeddings
        # (members when computed, headline member, keywords, names): see StoryClusterer.digest
        self.summary: tuple[int, Member, list[str], list[str]] | None = None

    def absorb(self, words: dict[str, float], names: dict[str, float], member: Member) -> None:
        self.wsq = grow(self.words, words, self.wsq)
        self.nsq = grow(self.names, names, self.nsq)
        self.members.append(member)
        self.years.update(member.years)
        self.tokens.update(member.tokens)
        self.salient.update(member.salient)
        if member.emb is not None:
            self.emb = vsum(self.emb, member.emb)
        if member.ts is not None:
            self.first_ts = member.ts if self.first_ts is None else min(self.first_ts, member.ts)
            self.last_ts = member.ts if self.last_ts is None else max(self.last_ts, member.ts)

    def release(self, leaving: list[Member]) -> list[str]:
        """Take ``leaving`` out (a regrouping moved them); the keys no member holds any more.

        Members' weights are positive, so a key's sum falls to rounding
        noise exactly when its last holder leaves.
        """
        gone = {m.id for m in leaving}
        self.members = [m for m in self.members if m.id not in gone]
        emptied: list[str] = []
        for member in leaving:
            self.wsq = grow(self.words, member.words, self.wsq, -1.0)
            self.nsq = grow(self.names, member.names, self.nsq, -1.0)
            self.years.subtract(member.years)
            self.tokens.subtract(member.tokens)
            self.salient.subtract(member.salient)
            if member.emb is not None and self.emb is not None:
                self.emb = [a - b for a, b in zip(self.emb, member.emb, strict=True)]
        for member in leaving:
            for table, prefix in ((self.words, ""), (self.names, "@")):
                for key in member.words if not prefix else member.names:
                    if key in table and table[key] < _NOISE:
                        del table[key]
                        emptied.append(prefix + key)
        self.years, self.tokens, self.salient = +self.years, +self.tokens, +self.salient  # drop the zeros
        stamps = [m.ts for m in self.members if m.ts is not None]
        self.first_ts, self.last_ts = (min(stamps), max(stamps)) if stamps else (None, None)
        self.wsq, self.nsq = max(self.wsq, 0.0), max(self.nsq, 0.0)
        return emptied

    def reorder(self) -> None:
        """Members back in id order (the newest ``member_scan`` are the ones a headline is compared with)."""
        self.members.sort(key=lambda m: m.id)
        self.summary = None


def vsum(total: list[float] | None, vec: list[float]) -> list[float]:
    # strict: an embedder that changes its dimension mid-stream is an error, not a truncation.
    return list(vec) if total is None else [a + b for a, b in zip(total, vec, strict=True)]


def cosine(unit: list[float], total: list[float]) -> float:
    norm = math.sqrt(sum(x * x for x in total))
    return sum(a * b for a, b in zip(unit, total, strict=True)) / norm if norm else 0.0
