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
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Protocol

import numpy as np
import numpy.typing as npt
from threadpoolctl import ThreadpoolController

from .compiled import speedups

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
_VECTOR_KINDS = ("words", "names", "lead_words", "title_words")
_SET_KINDS = ("tokens", "numbers", "rare", "title_terms", "lead", "years", "months", "weekdays")
_KIND_BITS = 4    # kind k's item with interned id i is (i << _KIND_BITS) | k
_KINDS = (*_VECTOR_KINDS, *_SET_KINDS)
_KIND_MASK = (1 << _KIND_BITS) - 1
_RARE_KIND = _KINDS.index("rare")   # rare terms are words: tagged from the word ids, not interned again
# The encoder's groups in order (vectors, then every set but rare), and their kinds.
_GROUP_KINDS = np.array([_KINDS.index(k) for k in (*_VECTOR_KINDS, *(k for k in _SET_KINDS if k != "rare"))])
_GROUP_KIND_LIST = tuple(_GROUP_KINDS.tolist())
_SET_SIZE_ORDER = np.array([[k for k in _SET_KINDS if k != "rare"].index(k) if k != "rare" else len(_SET_KINDS) - 1
                            for k in _SET_KINDS])
_SET_SIZE_ORDER_LIST = _SET_SIZE_ORDER.tolist()


@dataclass(frozen=True, slots=True)
class EncodedMember:
    """A member's pair-model inputs as integer ids (one :class:`PairEncoder`'s), built once per article.

    Every kind (the vectors of :data:`_VECTOR_KINDS`, then the sets of
    :data:`_SET_KINDS`) tags its ids in the low bits, so one sparse row holds
    them all and one matrix build serves every feature.
    """

    key: int                  # the encoder's serial number: what :class:`PairScorer` caches by
    ids: _Ints
    values: npt.NDArray[np.float32]  # vector weights; 1 for a set's items
    set_sizes: _Matrix        # items in each set kind


class PairEncoder:
    """Interns every key to an integer, so pair features are built in numpy, not Python loops."""

    __slots__ = ("ids", "serial")

    def __init__(self) -> None:
        self.ids: dict[object, int] = {}
        self.serial = 0

    def encode(self, member: PairMember, word_counts: _Ints | bytes, n_docs: int,
               rare_share: float = 0.02, word_weights: _Matrix | bytes | None = None) -> EncodedMember:
        """Encode ``member``, whose words are in ``word_counts`` of the ``n_docs`` documents so far.

        A word is rare when at most ``rare_share`` of the documents hold it.
        ``word_weights``, if given, are ``member.words``' values as an array.  Both arrays may come
        as bytes (8 a word), as ``vectors.weigh_counted`` gives them.
        """
        vectors = (member.words, member.names, member.lead_words, member.title_words)
        groups = (*vectors, member.tokens, member.numbers, member.title_terms, member.lead, member.years,
                  member.months, member.weekdays)
        rare_cut = max(3.0, rare_share * n_docs)
        sizes = [len(group) for group in groups]
        self.serial += 1
        if speedups is not None:
            encoded = speedups.encode(groups, _GROUP_KIND_LIST, len(vectors), self.ids, word_counts, rare_cut,
                                      word_weights, _RARE_KIND)
            if isinstance(encoded, list):   # keys never seen: give them ids, then every key has one
                self._number(encoded)
                encoded = speedups.encode(groups, _GROUP_KIND_LIST, len(vectors), self.ids, word_counts, rare_cut,
                                          word_weights, _RARE_KIND)
            item_bytes, value_bytes, n_rare = encoded
            counted = [*sizes[len(vectors):], n_rare]
            set_sizes = np.array([counted[i] for i in _SET_SIZE_ORDER_LIST], dtype=np.float64)
            return EncodedMember(self.serial, np.frombuffer(item_bytes, np.int64),
                                 np.frombuffer(value_bytes, np.float32), set_sizes)
        if isinstance(word_counts, bytes):
            word_counts = np.frombuffer(word_counts, np.int64)
        if isinstance(word_weights, bytes):
            word_weights = np.frombuffer(word_weights, np.float64)
        keys = list(chain.from_iterable(groups))
        # One probe per key: the table holds every key the stream has named, so probes miss the cache.
        found: list[int | None] = list(map(self.ids.get, keys))
        try:
            base = np.array(found, dtype=np.int64)
        except TypeError:  # a None: keys never seen
            base = np.array(self._intern(keys, found), dtype=np.int64)
        tagged = (base << _KIND_BITS) | np.repeat(_GROUP_KINDS, sizes)
        words = len(member.words)
        rare = (base[:words][word_counts <= rare_cut] << _KIND_BITS) | _RARE_KIND
        n_values = sum(sizes[:len(vectors)])
        values = np.ones(len(keys) + len(rare), dtype=np.float32)
        if word_weights is None:
            values[:n_values] = np.fromiter(chain.from_iterable(vec.values() for vec in vectors), np.float32,
                                            n_values)
        else:
            values[:words] = word_weights
            values[words:n_values] = np.fromiter(chain.from_iterable(vec.values() for vec in vectors[1:]),
                                                 np.float32, n_values - words)
        set_sizes = np.array([*sizes[len(vectors):], len(rare)], dtype=np.float64)[_SET_SIZE_ORDER]
        return EncodedMember(self.serial, np.concatenate((tagged, rare)), values, set_sizes)

    def _number(self, keys: Iterable[object]) -> None:
        """Ids for ``keys``, never seen before."""
        # Sets iterate in a per-process order: new keys are numbered in the order of their repr.
        new = sorted(set(keys), key=repr)
        self.ids.update(zip(new, range(len(self.ids), len(self.ids) + len(new)), strict=True))

    def _intern(self, keys: list[object], found: list[int | None]) -> list[int | None]:
        """Ids for the keys never seen (``found`` None); ``found`` filled in."""
        ids = self.ids
        self._number(k for k, i in zip(keys, found, strict=True) if i is None)
        with contextlib.suppress(ValueError):   # raised past the last gap
            at = found.index(None)
            while True:
                found[at] = ids[keys[at]]
                at = found.index(None, at + 1)
        return found


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


class _Columns:
    """Reusable tables over the global ids: to a matrix build's columns, and to one member's weights.

    Looking every column member's ids up in a table is a gather; a sorted
    search was most of a regrouping's time (1.3 of 1.8 ms for 160 members).
    Tables are reset after each use, so only their size is kept between calls.
    """

    __slots__ = ("table", "weights")

    def __init__(self) -> None:
        self.table = np.full(0, -1, dtype=np.int32)
        self.weights = np.zeros(0, dtype=np.float32)

    def _fit(self, top: int) -> None:
        if top > len(self.table):
            size = max(top, 2 * len(self.table))
            self.table = np.full(size, -1, dtype=np.int32)
            self.weights = np.zeros(size, dtype=np.float32)

    def positions(self, columns: _Ints, ids: _Ints) -> _Ints:
        """Each of ``ids``' column, -1 for ids outside ``columns``."""
        if not len(ids) or not len(columns):
            return np.full(len(ids), -1, dtype=np.int64)
        self._fit(max(int(ids.max()), int(columns.max())) + 1)
        self.table[columns] = np.arange(len(columns))
        found = self.table[ids].astype(np.int64)
        self.table[columns] = -1
        return found

    def weights_of(self, member: EncodedMember, ids: _Ints) -> npt.NDArray[np.float32]:
        """``member``'s weight for each of ``ids`` (0 for ids it does not hold)."""
        if not len(ids) or not len(member.ids):
            return np.zeros(len(ids), dtype=np.float32)
        self._fit(max(int(ids.max()), int(member.ids.max())) + 1)
        self.weights[member.ids] = member.values
        found = self.weights[ids]
        self.weights[member.ids] = 0.0
        return found


def _sparse(members: Sequence[EncodedMember]) -> tuple[_Ints, npt.NDArray[np.float32], _Ints]:
    """All of ``members``' items: ids, values, and the member each belongs to."""
    if not members:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
    owner = np.repeat(np.arange(len(members)), [len(m.ids) for m in members])
    return np.concatenate([m.ids for m in members]), np.concatenate([m.values for m in members]), owner


_GATHER_ROWS = 16  # row members up to which products are gathered and summed rather than multiplied


def _distinct(ids: _Ints) -> _Ints:
    # Sorting beats np.unique's hashing by 4x at these sizes (a few hundred ids).
    ordered = np.sort(ids)
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))] if len(ordered) else ordered


def _products(rows: Sequence[EncodedMember], cols: Sequence[EncodedMember] | None,
              lookup: _Columns) -> _Matrix:
    """A (rows, kinds, cols) array: per kind, the inner product of every row member with every column member.

    Usually a few rows (members a regrouping has not met) face a few dozen
    columns: then only the column items the rows share are gathered,
    multiplied and summed per member and kind (no matrix product, so no BLAS
    call and its thread start-up).  Bigger problems take a matrix product per kind.
    """
    kinds = len(_KINDS)
    n_rows, n_cols = len(rows), len(rows) if cols is None else len(cols)
    if n_rows == 1:  # a member new to a regrouping or a merge check: the common case, in a few numpy calls
        col_ids, col_values, col_owner = _sparse(rows if cols is None else cols)
        shared = lookup.weights_of(rows[0], col_ids) * col_values
        cells = col_owner * kinds + (col_ids & _KIND_MASK)
        one: _Matrix = np.bincount(cells, weights=shared, minlength=n_cols * kinds)  # type: ignore[assignment]
        return one.reshape(1, n_cols, kinds).transpose(0, 2, 1)
    row_ids, row_values, row_owner = _sparse(rows)
    columns = _distinct(row_ids)
    if not len(columns):
        return np.zeros((n_rows, kinds, n_cols))
    col_ids, col_values, col_owner = (row_ids, row_values, row_owner) if cols is None else _sparse(cols)
    at = lookup.positions(columns, col_ids)
    row_at = at if cols is None else lookup.positions(columns, row_ids)
    left = np.zeros((n_rows, len(columns)), dtype=np.float32)
    left[row_owner, row_at] = row_values
    if n_rows <= _GATHER_ROWS:
        hit = at >= 0
        shared = left[:, at[hit]] * col_values[hit]                      # (rows, shared items)
        cells = col_owner[hit] * kinds + (col_ids[hit] & _KIND_MASK)     # (column member, kind) of each
        cells = (np.arange(n_rows)[:, None] * (n_cols * kinds) + cells).ravel()
        # With weights, bincount sums floats (numpy's stubs only know the integer form).
        sums: _Matrix = np.bincount(cells, weights=shared.ravel(),  # type: ignore[assignment]
                                    minlength=n_rows * n_cols * kinds)
        return sums.reshape(n_rows, n_cols, kinds).transpose(0, 2, 1)
    right = left if cols is None else np.zeros((n_cols, len(columns)), dtype=np.float32)
    if cols is not None:
        hit = at >= 0
        right[col_owner[hit], at[hit]] = col_values[hit]
    column_kinds = columns & _KIND_MASK   # sorted ids: each kind's columns are scattered, so masks
    out = np.empty((n_rows, kinds, n_cols))
    with _one_blas_thread():
        for kind in range(kinds):
            mine = column_kinds == kind
            out[:, kind, :] = left[:, mine] @ right[:, mine].T
    return out


# Feature k of FEATURES is row _FEATURE_ROWS[k] of the stack pair_features assembles
# (the kinds' products, then Jaccards, conflicts and agreements).
_JACCARD_KINDS = ("tokens", "numbers", "rare", "title_terms", "lead")
_AGREEMENT_KINDS = ("years", "months", "weekdays")
_STACK = (*(f"cos_{k}" for k in _VECTOR_KINDS), *(f"jaccard_{k}" for k in _JACCARD_KINDS),
          *(f"conflict_{k}" for k in _AGREEMENT_KINDS), *(f"agree_{k}" for k in _AGREEMENT_KINDS))
_FEATURE_ROWS = np.array([_STACK.index(name) for name in (
    "cos_words", "cos_names", "jaccard_tokens", "jaccard_numbers", "conflict_years", "agree_years",
    "jaccard_rare", "jaccard_title_terms", "conflict_months", "agree_months", "conflict_weekdays",
    "agree_weekdays", "jaccard_lead", "cos_lead_words", "cos_title_words")])

# The same features as the compiled kernel computes them: per feature, (operation, kind, set size index),
# operations 0 = the kind's product sum, 1 = Jaccard, 2 = conflict, 3 = agreement (see _speedups.c).
_OPERATIONS = {"cos": 0, "jaccard": 1, "conflict": 2, "agree": 3}
_RECIPE = np.array([(_OPERATIONS[op], _KINDS.index(kind), _SET_KINDS.index(kind) if kind in _SET_KINDS else 0)
                    for op, kind in (_STACK[row].split("_", 1) for row in _FEATURE_ROWS)], dtype=np.int64)


def pair_features(rows: Sequence[EncodedMember], cols: Sequence[EncodedMember] | None = None,
                  lookup: _Columns | None = None) -> _Matrix:
    """A (len(rows), len(cols), len(FEATURES)) array of pair features (``cols`` defaults to ``rows``).

    ``lookup`` is scratch space a caller that computes often keeps between calls.
    """
    products = _products(rows, cols, lookup or _Columns())
    left = np.array([m.set_sizes for m in rows]).reshape(len(rows), len(_SET_KINDS))
    right = left if cols is None else np.array([m.set_sizes for m in cols]).reshape(-1, len(_SET_KINDS))
    jac = [_KINDS.index(k) for k in _JACCARD_KINDS]
    agr = [_KINDS.index(k) for k in _AGREEMENT_KINDS]
    jac_sizes = [_SET_KINDS.index(k) for k in _JACCARD_KINDS]
    agr_sizes = [_SET_KINDS.index(k) for k in _AGREEMENT_KINDS]
    inter = products[:, jac, :]
    union = left[:, jac_sizes, None] + right.T[None, jac_sizes, :] - inter
    jaccard = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
    shared = products[:, agr, :]
    both = (left[:, agr_sizes, None] > 0) & (right.T[None, agr_sizes, :] > 0)
    stack = np.concatenate((products[:, :len(_VECTOR_KINDS), :], jaccard, both & (shared == 0), shared > 0), axis=1)
    return stack[:, _FEATURE_ROWS, :].transpose(0, 2, 1)


def average_link(similarity: _Matrix, threshold: float) -> list[int]:
    """Group items by average-link agglomeration until no two groups average ``threshold``.

    Returns a group label per item (the smallest item index of its group).
    The compiled kernel merges the closest two groups while they average at
    least ``threshold``; without it SciPy's linkage does the agglomeration (on
    distances 1 - similarity, whose averages are 1 - the averaged
    similarities).  Both are deterministic.
    """
    if speedups is not None:
        labels: list[int] = speedups.average_link(np.ascontiguousarray(similarity, dtype=np.float64), threshold)
        return labels
    from scipy.cluster.hierarchy import linkage

    n = len(similarity)
    labels = list(range(n))
    if n < 2:
        return labels
    upper = similarity[_upper_triangle(n)]
    if upper.max() < threshold:
        return labels
    if upper.min() >= threshold:   # every average clears it too: one group
        return [0] * n
    merges = linkage(1.0 - upper, method="average")
    groups: dict[int, list[int]] = {i: [i] for i in range(n)}
    cut = 1.0 - threshold
    for step, (a, b, distance, _) in enumerate(merges.tolist()):
        if distance > cut:
            break   # merges come in order of distance
        groups[n + step] = groups.pop(int(a)) + groups.pop(int(b))
    for group in groups.values():
        root = min(group)
        for item in group:
            labels[item] = root
    return labels


@functools.lru_cache(maxsize=256)
def _upper_triangle(n: int) -> tuple[_Ints, _Ints]:
    # Cached: building them was a tenth of a small regrouping's average link.
    rows, cols = np.triu_indices(n, 1)
    rows.flags.writeable = cols.flags.writeable = False
    return rows, cols


@functools.cache
def _blas() -> ThreadpoolController:
    return ThreadpoolController()


def _one_blas_thread() -> contextlib.AbstractContextManager[object]:
    # These matrices are a few hundred rows: BLAS threads cost more CPU in
    # start-up and spinning than they save (on 2 cores, 1.7 → 3.6 ms per article
    # of a synthesised stream), and ingest's extraction workers want the cores.
    return _blas().limit(limits=1, user_api="blas")


class PairScorer:
    """P(same event) by :class:`PairModel` for pairs of encoded members, each pair computed once.

    A pair's features never change once both members are encoded, and a
    story is regrouped again and again as it grows (with its neighbours, and
    before every merge): cached, each regrouping computes only the rows of
    members it has not met, and a merge check often nothing at all.  The
    clusterer calls :meth:`forget` for members of stories it retires.
    """

    __slots__ = ("model", "_known", "_lookup_table")

    def __init__(self, model: PairModel) -> None:
        self.model = model
        self._known: dict[int, dict[int, float]] = {}
        self._lookup_table = _Columns()

    def __len__(self) -> int:
        return len(self._known)

    def forget(self, members: Iterable[EncodedMember]) -> None:
        for member in members:
            self._known.pop(member.key, None)

    def matrix(self, members: Sequence[EncodedMember]) -> _Matrix:
        """The symmetric n × n matrix of P(same event) among ``members`` (1 on the diagonal)."""
        prob = self._lookup(members, members)
        np.fill_diagonal(prob, 1.0)
        rows = _cover(np.isnan(prob)) if speedups is None else speedups.pair_cover(prob, len(members))
        if rows:
            fresh = self._compute([members[i] for i in rows], members)
            prob[rows, :] = fresh
            prob[:, rows] = fresh.T
            np.fill_diagonal(prob, 1.0)
            self._store([members[i] for i in rows], members, prob[rows, :])
        return prob

    def cross(self, left: Sequence[EncodedMember], right: Sequence[EncodedMember]) -> _Matrix:
        """P(same event) of every member of ``left`` (rows) with every member of ``right``."""
        prob = self._lookup(left, right)
        missing = np.isnan(prob)
        rows, cols = np.flatnonzero(missing.any(axis=1)).tolist(), np.flatnonzero(missing.any(axis=0)).tolist()
        if len(rows) <= len(cols) and len(rows):
            fresh = self._compute([left[i] for i in rows], right)
            prob[rows, :] = fresh
            self._store([left[i] for i in rows], right, fresh)
        elif len(cols):
            fresh = self._compute([right[j] for j in cols], left)
            prob[:, cols] = fresh.T
            self._store([right[j] for j in cols], left, fresh)
        return prob

    def _lookup(self, rows: Sequence[EncodedMember], cols: Sequence[EncodedMember]) -> _Matrix:
        if speedups is not None:
            out = np.empty((len(rows), len(cols)))
            speedups.pair_lookup(self._known, [m.key for m in rows], [m.key for m in cols], out)
            return out
        prob = np.full((len(rows), len(cols)), np.nan)
        keys = [m.key for m in cols]
        nan = [math.nan] * len(keys)
        for i, member in enumerate(rows):
            known = self._known.get(member.key)
            if known:
                prob[i] = np.fromiter(map(known.get, keys, nan), np.float64, len(keys))
        return prob

    def _compute(self, rows: Sequence[EncodedMember], cols: Sequence[EncodedMember]) -> _Matrix:
        if speedups is not None:
            out = np.empty((len(rows), len(cols)))
            speedups.pair_probabilities(rows, cols, _RECIPE, self.model.weights, self.model.intercept, out)
            return out
        return self.model.probabilities(pair_features(rows, cols, self._lookup_table))

    def _store(self, rows: Sequence[EncodedMember], cols: Sequence[EncodedMember], prob: _Matrix) -> None:
        if speedups is not None:
            speedups.pair_store(self._known, [m.key for m in rows], [m.key for m in cols],
                                np.ascontiguousarray(prob, dtype=np.float64))
            return
        known = self._known
        col_keys = [m.key for m in cols]
        for member, values in zip(rows, prob.tolist(), strict=True):
            known.setdefault(member.key, {}).update(zip(col_keys, values, strict=True))
        row_keys = [m.key for m in rows]
        for member, values in zip(cols, prob.T.tolist(), strict=True):
            known.setdefault(member.key, {}).update(zip(row_keys, values, strict=True))


def _cover(missing: npt.NDArray[np.bool_]) -> list[int]:
    """Rows whose computing fills every missing cell of a symmetric matrix (a greedy vertex cover).

    Typically a story has grown by a few members since it was last regrouped:
    those few rows are all there is to compute.
    """
    missing = missing.copy()
    degree = missing.sum(axis=1)
    # A member never met (all of its row missing) is in any cover: take those at once.
    rows = np.flatnonzero(degree >= len(missing) - 1).tolist()
    missing[rows, :] = False
    missing[:, rows] = False
    degree = missing.sum(axis=1)
    while degree.any():
        i = int(np.argmax(degree))
        rows.append(i)
        missing[i, :] = False
        missing[:, i] = False
        degree = missing.sum(axis=1)
    return sorted(rows)


# Fitted by benchmarks/train_pair_model.py (ECB+ dev, all topics); see that script for the held-out check.
DEFAULT_PAIR_MODEL = PairModel(
    weights=(7.13, 3.404, 2.243, 2.485, -1.126, 1.295, 8.952, 0.372, -1.096, 0.213, -1.109, -0.107, 0.875, 8.42,
             1.046),
    intercept=-5.464)
