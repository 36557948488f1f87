"""A story's members as sparse matrices: an article against every member in one numpy pass.

The clusterer blends in the similarity of an article to a story's closest
single member (a story that drifts keeps the link a follow-up makes to the
article it follows).  Comparing dict against dict member by member cost most
of the clusterer's time; here each story keeps its members' vectors as flat
coordinate arrays over a story-local vocabulary, so scoring all of them is a
gather, a multiply and a ``bincount`` in C.  Only the newest ``horizon``
members are ever compared, so older ones are forgotten (bounded memory).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

_Floats = npt.NDArray[np.float64]
_Ints = npt.NDArray[np.int64]


class _Part:
    """One kind of weight (words, or names) of the held members, as coordinates.

    The arrays keep spare room (doubling when full), so adding a member
    costs its own size, not the story's.
    """

    __slots__ = ("_rows", "_cols", "_vals", "size", "starts")

    def __init__(self) -> None:
        self._rows: _Ints = np.zeros(64, dtype=np.int64)   # member index (counted from the first ever)
        self._cols: _Ints = np.zeros(64, dtype=np.int64)   # story-local column
        self._vals: _Floats = np.zeros(64)
        self.size = 0
        self.starts: list[int] = []                        # first entry of each held member

    @property
    def cols(self) -> _Ints:
        return self._cols[:self.size]

    @cols.setter
    def cols(self, value: _Ints) -> None:
        self._cols[:self.size] = value

    def extend(self, rows: list[int], cols: list[int], vals: list[float], starts: list[int]) -> None:
        need = self.size + len(vals)
        if need > len(self._vals):
            room = max(need, 2 * len(self._vals))
            for name in ("_rows", "_cols", "_vals"):
                old = getattr(self, name)
                grown = np.zeros(room, dtype=old.dtype)
                grown[:self.size] = old[:self.size]
                setattr(self, name, grown)
        self.starts += [self.size + s for s in starts]
        self._rows[self.size:need] = rows
        self._cols[self.size:need] = cols
        self._vals[self.size:need] = vals
        self.size = need

    def drop(self, members: int) -> None:
        cut = self.starts[members]
        keep = self.size - cut
        for name in ("_rows", "_cols", "_vals"):
            arr = getattr(self, name)
            arr[:keep] = arr[cut:self.size].copy()
        self.size = keep
        self.starts = [s - cut for s in self.starts[members:]]

    def dots(self, article: _Floats, held_from: int, first: int, end: int) -> _Floats:
        """Dot products of ``article`` with members ``first``..``end-1`` (``held_from`` is the oldest held)."""
        start, stop = self.starts[first - held_from], self.size
        products = self._vals[start:stop] * article[self._cols[start:stop]]
        # With weights, bincount sums floats (numpy's stubs only know the integer form).
        return np.bincount(self._rows[start:stop] - first, weights=products,  # type: ignore[return-value]
                           minlength=end - first)


class MemberMatrix:
    """Members' unit term and name vectors, appended in stream order."""

    __slots__ = ("vocab", "horizon", "_words", "_names", "_has_names", "_pending", "_count", "_first")

    def __init__(self, horizon: int = 64) -> None:
        self.vocab: dict[str, int] = {}
        self.horizon = horizon
        self._words = _Part()
        self._names = _Part()
        self._has_names = np.zeros(0, dtype=bool)     # per held member
        self._pending: list[tuple[dict[str, float], dict[str, float]]] = []
        self._count = 0                               # members flushed so far
        self._first = 0                               # oldest member still held

    def __len__(self) -> int:
        return self._count + len(self._pending)

    def add(self, words: dict[str, float], names: dict[str, float]) -> None:
        # Batched: arrays are concatenated once per scan, not once per member.
        self._pending.append((words, names))

    def _flush(self) -> None:
        if not self._pending:
            return
        vocab = self.vocab
        for part, index in ((self._words, 0), (self._names, 1)):
            rows: list[int] = []
            cols: list[int] = []
            vals: list[float] = []
            starts: list[int] = []
            for row, pair in enumerate(self._pending, start=self._count):
                vec = pair[index]
                starts.append(len(vals))
                prefix = "@" if index else ""
                # setdefault's default is evaluated first: a new key gets the next column.
                cols += [vocab.setdefault(prefix + k, len(vocab)) for k in vec]
                vals += vec.values()
                rows += [row] * len(vec)
            part.extend(rows, cols, vals, starts)
        has = np.asarray([bool(names) for _, names in self._pending], dtype=bool)
        self._has_names = np.concatenate((self._has_names, has))
        self._count += len(self._pending)
        self._pending.clear()
        if self._count - self._first > 2 * self.horizon:
            self._compact()

    def _compact(self) -> None:
        """Forget members past the horizon, and the columns only they used."""
        drop = self._count - self.horizon - self._first
        self._words.drop(drop)
        self._names.drop(drop)
        self._has_names = self._has_names[drop:]
        self._first += drop
        keys = list(self.vocab)  # insertion order is column order
        used, inverse = np.unique(np.concatenate((self._words.cols, self._names.cols)), return_inverse=True)
        self.vocab = {keys[c]: i for i, c in enumerate(used.tolist())}
        split = self._words.size
        self._words.cols = inverse[:split]
        self._names.cols = inverse[split:]

    def best(self, words: dict[str, float], names: dict[str, float], entity_weight: float, newest: int) -> float:
        """The highest blended similarity of an article to one of the ``newest`` members.

        Per member: word cosine, blended with name cosine (share
        ``entity_weight``) when both sides name someone; vectors are unit length.
        """
        self._flush()
        if not self._count:
            return 0.0
        first = max(self._first, self._count - newest)
        vocab = self.vocab
        article = np.zeros(len(vocab))
        hits = [(col, value) for key, value in words.items() if (col := vocab.get(key)) is not None]
        hits += [(col, value) for key, value in names.items() if (col := vocab.get("@" + key)) is not None]
        if not hits:
            return 0.0
        at, values = zip(*hits, strict=True)
        article[list(at)] = values
        word_dots = self._words.dots(article, self._first, first, self._count)
        if not names:
            return float(word_dots.max())
        name_dots = self._names.dots(article, self._first, first, self._count)
        both = self._has_names[first - self._first:]
        blended = np.where(both, (1.0 - entity_weight) * word_dots + entity_weight * name_dots, word_dots)
        return float(blended.max())
