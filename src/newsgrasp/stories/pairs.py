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

import contextlib
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt
from threadpoolctl import ThreadpoolController

_Matrix = npt.NDArray[np.float64]

FEATURES = ("cos_terms", "cos_names", "name_words", "numbers", "year_conflict", "year_agree",
            "rare_terms", "title_terms", "month_conflict", "month_agree", "weekday_conflict",
            "weekday_agree", "lead_names", "cos_lead", "cos_title")


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
    @property
    def lead_words(self) -> Mapping[str, float]: ...   # unit TF-IDF vector of the headline and lead
    @property
    def title_words(self) -> Mapping[str, float]: ...  # ...of the headline alone


_Ints = npt.NDArray[np.int64]
_SET_KINDS = ("tokens", "numbers", "rare", "title_terms", "lead", "years", "months", "weekdays")
_KIND_SHIFT = 40  # ids stay below 2**40; kind k's items live at k * 2**40 + id


@dataclass(frozen=True, slots=True)
class EncodedMember:
    """A member's pair-model inputs as integer ids (one :class:`PairEncoder`'s), built once per article."""

    word_ids: _Ints
    word_values: _Matrix
    name_ids: _Ints
    name_values: _Matrix
    lead_ids: _Ints
    lead_values: _Matrix
    title_ids: _Ints
    title_values: _Matrix
    marks: _Ints              # set items of every kind in _SET_KINDS, each kind in its own id range


class PairEncoder:
    """Interns every key to an integer, so a regrouping builds its matrices in numpy, not Python loops.

    One table serves every kind of key: each kind gets its own matrix, so a
    word and a name word sharing an id never meet.
    """

    __slots__ = ("ids",)

    def __init__(self) -> None:
        self.ids: dict[object, int] = {}

    def _intern(self, keys: Sequence[object]) -> _Ints:
        ids = self.ids
        new = [k for k in keys if k not in ids]
        if new:
            ids.update(zip(new, range(len(ids), len(ids) + len(new)), strict=True))
        return np.fromiter(map(ids.__getitem__, keys), np.int64, len(keys))

    def encode(self, member: PairMember, df: Mapping[str, int], n_docs: int,
               rare_share: float = 0.02) -> EncodedMember:
        """Encode ``member``; a term is rare when at most ``rare_share`` of the documents so far hold it."""
        limit = max(3.0, rare_share * n_docs)
        words = list(member.words)
        word_ids = self._intern(words)
        # The clusterer counts an article's terms before encoding it: every word is in ``df``.
        counts = np.fromiter(map(df.get, words, [0] * len(words)), np.int64, len(words))
        sets = [self._intern(list(items)) for items in (
            member.tokens, member.numbers, member.title_terms, member.lead, member.years, member.months,
            member.weekdays)]
        sets.insert(_SET_KINDS.index("rare"), word_ids[counts <= limit])
        marks = np.concatenate([ids + (kind << _KIND_SHIFT) for kind, ids in enumerate(sets)])
        return EncodedMember(
            word_ids, np.fromiter(member.words.values(), np.float64, len(words)),
            self._intern(list(member.names)), np.fromiter(member.names.values(), np.float64, len(member.names)),
            *self._vector(member.lead_words), *self._vector(member.title_words), marks)

    def _vector(self, vec: Mapping[str, float]) -> tuple[_Ints, _Matrix]:
        return self._intern(list(vec)), np.fromiter(vec.values(), np.float64, len(vec))


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


def _matrix(ids: Sequence[_Ints], values: Sequence[_Matrix] | None) -> tuple[npt.NDArray[np.float32], _Ints]:
    """Rows of members over the columns their ids use (values, or 1 for set membership); and those ids."""
    flat = np.concatenate(ids) if ids else np.zeros(0, dtype=np.int64)
    rows = np.repeat(np.arange(len(ids)), [len(a) for a in ids])
    columns, local = np.unique(flat, return_inverse=True)
    dense = np.zeros((len(ids), max(len(columns), 1)), dtype=np.float32)
    dense[rows, local] = np.concatenate(values) if values is not None and ids else 1.0
    return dense, columns


def _cosines(ids: Sequence[_Ints], values: Sequence[_Matrix]) -> _Matrix:
    dense, _ = _matrix(ids, values)
    return (dense @ dense.T).astype(np.float64)


def _set_overlaps(members: Sequence[EncodedMember]) -> dict[str, tuple[_Matrix, _Matrix]]:
    """Per kind of set: shared-item counts for every pair, and set sizes (one matrix build for all kinds)."""
    marks, columns = _matrix([m.marks for m in members], None)
    bounds = np.searchsorted(columns, [k << _KIND_SHIFT for k in range(len(_SET_KINDS) + 1)])
    out = {}
    for k, kind in enumerate(_SET_KINDS):
        block = marks[:, bounds[k]:bounds[k + 1]]
        out[kind] = (block @ block.T).astype(np.float64), block.sum(axis=1, dtype=np.float64)
    return out


def _jaccard(inter: _Matrix, sizes: _Matrix) -> _Matrix:
    union = sizes[:, None] + sizes[None, :] - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)


def _agreement(inter: _Matrix, sizes: _Matrix) -> tuple[_Matrix, _Matrix]:
    """(conflict, agree): both name some, none in common / at least one in common."""
    both = (sizes[:, None] > 0) & (sizes[None, :] > 0)
    return (both & (inter == 0)).astype(np.float64), (inter > 0).astype(np.float64)


def pair_features(members: Sequence[EncodedMember]) -> _Matrix:
    """An (n, n, len(FEATURES)) array of pair features."""
    sets = _set_overlaps(members)
    year_conflict, year_agree = _agreement(*sets["years"])
    month_conflict, month_agree = _agreement(*sets["months"])
    day_conflict, day_agree = _agreement(*sets["weekdays"])
    columns = [
        _cosines([m.word_ids for m in members], [m.word_values for m in members]),
        _cosines([m.name_ids for m in members], [m.name_values for m in members]),
        _jaccard(*sets["tokens"]),
        _jaccard(*sets["numbers"]),
        year_conflict, year_agree,
        _jaccard(*sets["rare"]),
        _jaccard(*sets["title_terms"]),
        month_conflict, month_agree, day_conflict, day_agree,
        _jaccard(*sets["lead"]),
        _cosines([m.lead_ids for m in members], [m.lead_values for m in members]),
        _cosines([m.title_ids for m in members], [m.title_values for m in members]),
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
    mean = total.copy()                             # average similarity between live groups
    alive = np.ones(n, dtype=bool)
    np.fill_diagonal(mean, -np.inf)
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    while True:
        flat = int(np.argmax(mean))
        i, j = divmod(flat, n)
        if mean[i, j] < threshold:
            break
        keep, gone = min(i, j), max(i, j)
        total[keep, :] += total[gone, :]
        total[:, keep] = total[keep, :]
        sizes[keep] += sizes[gone]
        alive[gone] = False
        row = np.where(alive, total[keep, :] / (sizes[keep] * sizes), -np.inf)
        row[keep] = -np.inf
        mean[keep, :] = row
        mean[:, keep] = row
        mean[gone, :] = -np.inf
        mean[:, gone] = -np.inf
        members[keep] += members.pop(gone)
    for root, group in members.items():
        for item in group:
            labels[item] = root
    return labels


@functools.cache
def _blas() -> ThreadpoolController:
    return ThreadpoolController()


def _one_blas_thread() -> contextlib.AbstractContextManager[object]:
    # These matrices are a few hundred rows: BLAS threads cost more CPU in
    # start-up and spinning than they save (on 2 cores, 1.7 → 3.6 ms per article
    # of a synthesised stream), and ingest's extraction workers want the cores.
    return _blas().limit(limits=1, user_api="blas")


def pair_probabilities(members: Sequence[EncodedMember], model: PairModel,
                       time_factor: _Matrix | None = None) -> _Matrix:
    """P(same event) for every pair of ``members``, scaled by ``time_factor`` (n × n) when given.

    The model never saw times (its training set has none), so time enters as a factor.
    """
    with _one_blas_thread():
        prob = model.probabilities(pair_features(members))
    return prob if time_factor is None else prob * time_factor


def regroup(members: Sequence[EncodedMember], model: PairModel, threshold: float,
            time_factor: _Matrix | None = None) -> list[int]:
    """Group ``members`` afresh by the pair model; a label (smallest index of its group) per member."""
    return average_link(pair_probabilities(members, model, time_factor), threshold)


# Fitted by benchmarks/train_pair_model.py (ECB+ dev, all topics); see that script for the held-out check.
DEFAULT_PAIR_MODEL = PairModel(
    weights=(7.08, 3.375, 2.23, 2.419, -1.145, 1.269, 8.83, 0.352, -1.049, 0.241, -1.083, -0.127, 0.932, 8.615,
             1.024),
    intercept=-5.447)
