"""Enrichment: analyse stored canonical articles and save what was found.

Used two ways: inside ``ingest`` (each new canonical article is queued as it is
stored) and by ``newsgrasp enrich`` (articles never analysed, or analysed by an
older analyser).  Why a queue rather than analysing in the extraction workers:
parsing is ~30x slower than extraction, copies (a third of a wire-heavy feed)
need no analysis, and ``nlp.pipe`` is faster on batches than on single texts.

Small runs analyse in this process, in batches, between stored articles.  Once
a run has queued more than :attr:`Enricher.POOL_AFTER` articles and ``jobs > 1``,
batches go to a pool of worker processes (each loads the model once) while the
ingest goes on; a bounded number of batches in flight keeps memory flat, so an
ingest far bigger than the analysers can keep up with slows to their pace
rather than piling up texts.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime

from ..records import Analysis
from ..store import Store
from .pipeline import MAX_CHARS, Analyzer, Item, analyse_in_pool, worker_pool

__all__ = ["EnrichSummary", "Enricher", "enrich_store"]

# A broken install fails every article the same way: keep the first reasons, count the rest.
MAX_ERRORS_KEPT = 50


@dataclass(slots=True)
class EnrichSummary:
    analysed: int = 0
    failed: int = 0
    events: int = 0
    quotes: int = 0
    entities: int = 0
    sentences: int = 0
    seconds: float = 0.0
    errors: list[tuple[int, str]] = field(default_factory=list)   # (article id, why), the first 50

    def as_dict(self) -> dict[str, object]:
        return {"analysed": self.analysed, "failed": self.failed, "events": self.events, "quotes": self.quotes,
                "entities": self.entities, "sentences": self.sentences, "seconds": round(self.seconds, 2),
                "errors": [{"article_id": i, "error": e} for i, e in self.errors]}


Queued = tuple[int, Item]


class Enricher:
    """Queue canonical articles; analyse them in batches; save results in the caller's thread.

    Call :meth:`add` for each article, :meth:`poll` now and then (it saves what
    finished), and :meth:`finish` at the end.  ``on_saved`` is called after
    every save with the running summary.
    """

    POOL_AFTER = 32

    def __init__(self, store: Store, *, jobs: int = 1, batch_size: int = 16, analyzer: Analyzer | None = None,
                 max_chars: int = MAX_CHARS, on_saved: Callable[[EnrichSummary], None] | None = None) -> None:
        self.store = store
        self.jobs = max(1, jobs)
        self.batch_size = max(1, batch_size)
        self.max_chars = max_chars
        self.summary = EnrichSummary()
        self._analyzer = analyzer
        self._on_saved = on_saved
        self._buffer: list[Queued] = []
        self._queued = 0
        self._pool: ProcessPoolExecutor | None = None
        self._pending: deque[tuple[list[int], Future[list[Analysis]]]] = deque()
        self.disabled: str | None = None     # why analysis stopped (no model installed, ...)

    @property
    def analyzer(self) -> Analyzer:
        if self._analyzer is None:
            self._analyzer = Analyzer(max_chars=self.max_chars)
        return self._analyzer

    def add(self, article_id: int, title: str, text: str, published: date | datetime | None) -> None:
        if self.disabled is not None:
            return
        self._buffer.append((article_id, (title, text, published)))
        self._queued += 1
        if len(self._buffer) >= self.batch_size:
            self._dispatch()

    def poll(self) -> None:
        """Save every batch that has finished, without waiting."""
        while self._pending and self._pending[0][1].done():
            self._collect(*self._pending.popleft())

    def finish(self) -> EnrichSummary:
        """Analyse what is still queued, wait for every batch, save, and stop the workers."""
        try:
            if self._buffer:
                self._dispatch()
            while self._pending:
                self._collect(*self._pending.popleft())
        finally:
            self.close()
        return self.summary

    def close(self) -> None:
        """Stop the workers without waiting (what is not saved yet stays stale for `enrich`)."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
        self._pending.clear()

    # -- internals ---------------------------------------------------------------------
    def _dispatch(self) -> None:
        batch, self._buffer = self._buffer, []
        ids = [article_id for article_id, _item in batch]
        items = [item for _article_id, item in batch]
        if self.jobs > 1 and self._queued > self.POOL_AFTER:
            if self._pool is None:
                self._pool = worker_pool(self.jobs, self.max_chars)
            self._pending.append((ids, analyse_in_pool(self._pool, items)))
            self.poll()
            # Back-pressure: a couple of batches per worker queued is enough to keep them busy.
            while len(self._pending) > self.jobs * 2:
                self._collect(*self._pending.popleft())
            return
        started = time.monotonic()
        try:
            analyzer = self.analyzer
        except (ImportError, OSError, RuntimeError) as exc:
            # No model (or a broken install): the articles are stored all the same and
            # stay stale, so `newsgrasp enrich` analyses them once it is fixed.
            self.disabled = f"{type(exc).__name__}: {exc}"
            self.summary.errors.append((ids[0], self.disabled))
            if self._on_saved is not None:
                self._on_saved(self.summary)
            return
        try:
            results: list[Analysis | Exception] = list(analyzer.analyse_batch(items))
        except Exception:  # noqa: BLE001 - one bad article must not lose the batch: retry one by one
            results = [self._one(item) for item in items]
        self.summary.seconds += time.monotonic() - started
        self._save(ids, results)

    def _one(self, item: Item) -> Analysis | Exception:
        try:
            return self.analyzer.analyse(*item)
        except Exception as exc:  # noqa: BLE001 - reported per article in the summary
            return exc

    def _collect(self, ids: list[int], future: Future[list[Analysis]]) -> None:
        started = time.monotonic()
        try:
            results: list[Analysis | Exception] = list(future.result())
        except Exception as exc:  # noqa: BLE001 - the batch failed in its worker: mark each article
            results = [exc] * len(ids)
        self.summary.seconds += time.monotonic() - started
        self._save(ids, results)

    def _save(self, ids: list[int], results: Iterable[Analysis | Exception]) -> None:
        good: list[tuple[int, Analysis]] = []
        for article_id, result in zip(ids, results, strict=True):
            if isinstance(result, Exception):
                self.summary.failed += 1
                if len(self.summary.errors) < MAX_ERRORS_KEPT:
                    self.summary.errors.append((article_id, f"{type(result).__name__}: {result}"))
            else:
                good.append((article_id, result))
        if good:
            self.store.save_analyses(good)
            for _article_id, analysis in good:
                self.summary.analysed += 1
                self.summary.events += len(analysis.events)
                self.summary.quotes += len(analysis.quotes)
                self.summary.entities += len(analysis.entities)
                self.summary.sentences += len(analysis.sentences)
        if self._on_saved is not None:
            self._on_saved(self.summary)


def enrich_store(store: Store, *, everything: bool = False, jobs: int = 1, batch_size: int = 16,
                 limit: int | None = None, analyzer: Analyzer | None = None,
                 progress: Callable[[EnrichSummary, int], None] | None = None) -> EnrichSummary:
    """Analyse the store's canonical articles that need it (all of them with ``everything``).

    ``progress(summary, total)`` is called after each saved batch.
    """
    analyzer = analyzer or Analyzer()
    ids = store.article_ids_needing_analysis(analyzer.version, limit, everything=everything)
    total = len(ids)
    enricher = Enricher(store, jobs=jobs, batch_size=batch_size, analyzer=analyzer,
                        on_saved=(lambda s: progress(s, total)) if progress else None)
    # The pool pays off only with enough work for every worker.
    enricher.POOL_AFTER = 0 if total > 2 * batch_size else total
    started = time.monotonic()
    try:
        for article_id in ids:
            stored = store.get(article_id)
            if stored is None or stored.canonical_id is not None:
                continue
            enricher.add(article_id, stored.article.title, stored.article.text, stored.article.published)
            enricher.poll()
        summary = enricher.finish()
    finally:
        enricher.close()
    summary.seconds = time.monotonic() - started
    return summary
