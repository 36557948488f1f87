"""Are two articles about the same occurrence of an event?  A learned pair model, and regrouping by it.

The online clusterer decides with a story's centroid, one article at a time.
Early on a story is two or three articles, and twin events (two earthquakes,
two players arrested for drunk driving) can fall into one story before their
differences show; or one event opens two stories.  At growth points the
clusterer hands the members of a story and its close neighbours to
:func:`regroup`, which scores every pair of them with :class:`PairModel` and
groups them again by average link: every member now votes, not just the
centroid.

The model is a logistic regression over cheap pair features (term and name
cosines, shared name words, rare terms, numbers, title words, lead names,
agreement or conflict of the years, months and weekdays named).  Its weights
were fitted by ``benchmarks/train_pair_model.py`` on ECB+ dev and checked on
held-out topics (see that script and ``bench_stories.py``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

_Matrix = npt.NDArray[np.float64]

FEATURES = ("cos_terms", "cos_names", "name_words", "numbers", "year_conflict", "year_agree",
            "rare_terms", "title_terms", "month_conflict", "month_agree", "weekday_conflict",
            "weekday_agree", "lead_names")


class PairMember(Protocol):
    """What the pair model reads of an article (the clusterer's members carry it)."""

    @property
    def words(self) -> Mapping[str, float]: ...        # unit TF-IDF term vector
    @property
    def names(self) -> Mapping[str, float]: ...        # unit TF-IDF name vector
    @property
    def tokens(self) -> frozenset[str]: ...            # words of the names mentioned
    @property
    def years(self) -> tuple[int, ...]: ...
    @property
    def numbers(self) -> frozenset[str]: ...
    @property
    def months(self) -> frozenset[str]: ...
    @property
    def weekdays(self) -> frozenset[str]: ...
    @property
    def title_terms(self) -> frozenset[str]: ...
    @property
    def lead(self) -> frozenset[str]: ...              # words of the first names mentioned


_Ints = npt.NDArray[np.int64]
_SET_KINDS = ("tokens", "numbers", "rare", "title_terms", "lead", "years", "months", "weekdays")


@dataclass(frozen=True, slots=True)
class EncodedMember:
    """A member's pair-model inputs as integer ids (one :class:`PairEncoder`'s), built once per article."""

    word_ids: _Ints
    word_values: _Matrix
    name_ids: _Ints
    name_values: _Matrix
    sets: tuple[_Ints, ...]   # one per _SET_KINDS


class PairEncoder:
    """Interns every key to an integer, so a regrouping builds its matrices in numpy, not Python loops."""

    __slots__ = ("ids",)

    def __init__(self) -> None:
        self.ids: dict[object, int] = {}

    def _intern(self, keys: list[object]) -> _Ints:
        ids = self.ids
        return np.array([ids.setdefault(k, len(ids)) for k in keys], dtype=np.int64)

    def encode(self, member: PairMember, df: Mapping[str, int], n_docs: int,
               rare_share: float = 0.02) -> EncodedMember:
        """Encode ``member``; a term is rare when at most ``rare_share`` of the documents so far hold it."""
        limit = max(3.0, rare_share * n_docs)
        rare = [t for t in member.words if df.get(t, 0) <= limit]
        sets = (member.tokens, member.numbers, rare, member.title_terms, member.lead, member.years,
                member.months, member.weekdays)
        return EncodedMember(
            self._intern(list(member.words)), np.fromiter(member.words.values(), np.float64, len(member.words)),
            self._intern(["@" + n for n in member.names]),
            np.fromiter(member.names.values(), np.float64, len(member.names)),
            tuple(self._intern([(kind, item) for item in sorted(items, key=str)])
                  for kind, items in zip(_SET_KINDS, sets, strict=True)))


@dataclass(frozen=True, slots=True)
class PairModel:
    """Logistic regression weights, one per name in :data:`FEATURES`."""

    weights: tuple[float, ...]
    intercept: float

    def __post_init__(self) -> None:
        if len(self.weights) != len(FEATURES):
            raise ValueError(f"PairModel needs {len(FEATURES)} weights ({', '.join(FEATURES)}), "
                             f"got {len(self.weights)}")

    def probabilities(self, features: _Matrix) -> _Matrix:
        """P(same event) for a (..., len(FEATURES)) feature array."""
        z = features @ np.asarray(self.weights) + self.intercept
        return 1.0 / (1.0 + np.exp(-z))


def _matrix(ids: Sequence[_Ints], values: Sequence[_Matrix] | None) -> npt.NDArray[np.float32]:
    """Rows of members over the columns their ids use (values, or 1 for set membership)."""
    flat = np.concatenate(ids) if ids else np.zeros(0, dtype=np.int64)
    rows = np.repeat(np.arange(len(ids)), [len(a) for a in ids])
    columns, local = np.unique(flat, return_inverse=True)
    dense = np.zeros((len(ids), max(len(columns), 1)), dtype=np.float32)
    dense[rows, local] = np.concatenate(values) if values is not None and ids else 1.0
    return dense


def _cosines(ids: Sequence[_Ints], values: Sequence[_Matrix]) -> _Matrix:
    dense = _matrix(ids, values)
    return (dense @ dense.T).astype(np.float64)


def _overlaps(ids: Sequence[_Ints]) -> tuple[_Matrix, _Matrix]:
    """Shared-item counts and set sizes for every pair."""
    marks = _matrix(ids, None)
    return (marks @ marks.T).astype(np.float64), np.array([len(a) for a in ids], dtype=np.float64)


def _jaccard(ids: Sequence[_Ints]) -> _Matrix:
    inter, sizes = _overlaps(ids)
    union = sizes[:, None] + sizes[None, :] - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)


def _agreement(ids: Sequence[_Ints]) -> tuple[_Matrix, _Matrix]:
    """(conflict, agree): both name some, none in common / at least one in common."""
    inter, sizes = _overlaps(ids)
    both = (sizes[:, None] > 0) & (sizes[None, :] > 0)
    return (both & (inter == 0)).astype(np.float64), (inter > 0).astype(np.float64)


def pair_features(members: Sequence[EncodedMember]) -> _Matrix:
    """An (n, n, len(FEATURES)) array of pair features."""
    kind = {name: [m.sets[i] for m in members] for i, name in enumerate(_SET_KINDS)}
    year_conflict, year_agree = _agreement(kind["years"])
    month_conflict, month_agree = _agreement(kind["months"])
    day_conflict, day_agree = _agreement(kind["weekdays"])
    columns = [
        _cosines([m.word_ids for m in members], [m.word_values for m in members]),
        _cosines([m.name_ids for m in members], [m.name_values for m in members]),
        _jaccard(kind["tokens"]),
        _jaccard(kind["numbers"]),
        year_conflict, year_agree,
        _jaccard(kind["rare"]),
        _jaccard(kind["title_terms"]),
        month_conflict, month_agree, day_conflict, day_agree,
        _jaccard(kind["lead"]),
    ]
    return np.stack(columns, axis=-1)


def average_link(similarity: _Matrix, threshold: float) -> list[int]:
    """Group items by average-link agglomeration until no two groups average ``threshold``.

    Returns a group label per item (the smallest item index of its group).
    Deterministic: ties go to the lowest pair of indices.
    """
    n = len(similarity)
    labels = list(range(n))
    if n < 2:
        return labels
    total = similarity.astype(np.float64).copy()   # summed similarity between groups
    np.fill_diagonal(total, 0.0)
    sizes = np.ones(n)
    alive = np.ones(n, dtype=bool)
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    while True:
        mean = total / np.outer(sizes, sizes)
        mean[~alive, :] = -np.inf
        mean[:, ~alive] = -np.inf
        np.fill_diagonal(mean, -np.inf)
        flat = int(np.argmax(mean))
        i, j = divmod(flat, n)
        if mean[i, j] < threshold:
            break
        keep, gone = min(i, j), max(i, j)
        total[keep, :] += total[gone, :]
        total[:, keep] += total[:, gone]
        total[keep, keep] = 0.0
        sizes[keep] += sizes[gone]
        alive[gone] = False
        members[keep] += members.pop(gone)
    for root, group in members.items():
        for item in group:
            labels[item] = root
    return labels


def regroup(members: Sequence[EncodedMember], model: PairModel, threshold: float,
            time_factor: _Matrix | None = None) -> list[int]:
    """Group ``members`` afresh by the pair model; a label (smallest index of its group) per member.

    ``time_factor`` (n × n) scales each pair's probability: the model never
    saw times (its training set has none); omitted, time plays no part.
    """
    prob = model.probabilities(pair_features(members))
    if time_factor is not None:
        prob = prob * time_factor
    return average_link(prob, threshold)


# Fitted by benchmarks/train_pair_model.py (ECB+ dev, all topics); see that script for the held-out check.
DEFAULT_PAIR_MODEL = PairModel(
    weights=(12.878, 3.515, 2.636, 3.511, -1.125, 1.252, 7.013, 3.811, -1.236, 0.35, -1.157, -0.219, 2.159),
    intercept=-5.397)
