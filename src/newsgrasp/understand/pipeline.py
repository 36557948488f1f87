"""The understanding pipeline: one article's text and date in, an :class:`Analysis` out.

What is analysed is ``title + "\\n\\n" + body`` (see :func:`analysed_text`): the
headline often carries the event ("Trump, Putin discuss trade sanctions") and
the blank line keeps it a sentence of its own.  Every offset in the
:class:`Analysis` (sentences, mentions, quotes) indexes that string, so a
reader can rebuild it from the stored article and highlight the evidence.

Very long bodies are cut at :data:`MAX_CHARS` characters (at the last paragraph
or sentence break before the cap, ``Analysis.truncated`` says so): the parser
costs time linear in the text, and news that matters is in the first screens;
documents of hundreds of pages (reports, transcripts) would otherwise stall an
ingest for minutes.

Steps, in order, each reading the entities found before it: spaCy (tagger,
parser, attribute ruler, lemmatizer, NER — the entity, quote and event steps
use all of them, so nothing is disabled) → entities and actors → quotes →
events.  :data:`ANALYSER_VERSION` plus the steps' own versions and the model's
make :attr:`Analysis.version`; bump it when a step changes what it finds so
``newsgrasp enrich --stale`` redoes older analyses.
"""

from __future__ import annotations

import importlib
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from ..records import Analysis, EntityRecord, EventRecord, QuoteRecord, SentenceSpan

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = ["ANALYSER_VERSION", "MAX_CHARS", "Analyzer", "analyse_in_pool", "analyse_with_pool", "analysed_text",
           "as_date", "worker_pool"]

ANALYSER_VERSION = "1"
MAX_CHARS = 20_000
TITLE_SEPARATOR = "\n\n"

# What analyse_many receives: (title, body, article date).
Item = tuple[str, str, "date | datetime | None"]


def as_date(value: date | datetime | None) -> date | None:
    """The article's calendar date (a datetime's own date, as stored: UTC)."""
    if isinstance(value, datetime):
        return value.date()
    return value


def analysed_text(title: str, text: str, max_chars: int = MAX_CHARS) -> tuple[str, bool]:
    """The string the analysers read, and whether the body was cut to fit ``max_chars``."""
    title = " ".join((title or "").split())
    body = (text or "").strip()
    joined = f"{title}{TITLE_SEPARATOR}{body}" if title else body
    if len(joined) <= max_chars:
        return joined, False
    cut = joined[:max_chars]
    # End on a paragraph break, else a sentence end, if one is reasonably near the cap.
    for mark in ("\n\n", "\n", ". ", "? ", "! "):
        at = cut.rfind(mark)
        if at >= max_chars * 0.8:
            return cut[:at + (1 if mark.startswith((".", "?", "!")) else 0)].rstrip(), True
    return cut.rstrip(), True


def _step(module: str, name: str) -> tuple[Callable[..., Any], str]:
    mod = importlib.import_module(f"newsgrasp.understand.{module}")
    return getattr(mod, name), str(getattr(mod, "VERSION", "0"))


PARAGRAPHS = "newsgrasp_paragraph_breaks"


def _add_paragraph_breaks(nlp: Language) -> None:
    """Make a blank line end a sentence, whatever the parser thinks.

    The parser usually splits there, but not always (a quote's closing mark
    followed by the next paragraph can run on), and an evidence sentence that
    spans two paragraphs misleads the reader.  The parser keeps boundaries set
    before it runs, so this only ever adds ones.
    """
    if PARAGRAPHS in nlp.pipe_names:
        return
    from spacy.language import Language

    if not Language.has_factory(PARAGRAPHS):
        Language.component(PARAGRAPHS, func=_paragraph_breaks)
    nlp.add_pipe(PARAGRAPHS, before="parser" if "parser" in nlp.pipe_names else None)


def _paragraph_breaks(doc: Doc) -> Doc:
    for token in doc[:-1]:
        if token.is_space and "\n\n" in token.text:
            doc[token.i + 1].is_sent_start = True
    return doc


class Analyzer:
    """Runs the understanding steps on articles; holds one spaCy pipeline.

    Build one per process and reuse it (loading the model takes seconds).
    ``nlp`` defaults to :func:`newsgrasp.understand.nlp.load_nlp`.
    """

    def __init__(self, nlp: Language | None = None, *, max_chars: int = MAX_CHARS) -> None:
        if nlp is None:
            from .nlp import load_nlp

            nlp = load_nlp()
        if max_chars < 1:
            raise ValueError(f"max_chars must be positive, got {max_chars}")
        _add_paragraph_breaks(nlp)
        self.nlp = nlp
        self.max_chars = max_chars
        self._entities, entities_version = _step("entities", "extract_entities")
        self._quotes, quotes_version = _step("quotes", "extract_quotes")
        self._events, events_version = _step("events", "extract_events")
        model = f"{nlp.meta.get('name', '?')}-{nlp.meta.get('version', '?')}"
        self.version = f"{ANALYSER_VERSION}.e{entities_version}.q{quotes_version}.v{events_version}/{model}"

    def analyse(self, title: str, text: str, published: date | datetime | None) -> Analysis:
        """Analyse one article (see the module docstring for what is read)."""
        joined, truncated = analysed_text(title, text, self.max_chars)
        return self.analyse_doc(self.nlp(joined), published, truncated=truncated)

    def analyse_doc(self, doc: Doc, published: date | datetime | None, *, truncated: bool = False) -> Analysis:
        """The steps after spaCy, on a parsed ``doc`` of :func:`analysed_text`."""
        on = as_date(published)
        # A sentence's trailing blank line (a whitespace token of its own) is not part of its text.
        sentences = [SentenceSpan(i, s.start_char, s.start_char + len(s.text.rstrip()), s.text.rstrip())
                     for i, s in enumerate(doc.sents)]
        entities: list[EntityRecord] = self._entities(doc, on, 0)
        quotes: list[QuoteRecord] = self._quotes(doc, entities, on, 0)
        events: list[EventRecord] = self._events(doc, entities, on, 0)
        return Analysis(sentences=sentences, entities=entities, quotes=quotes, events=events,
                        version=self.version, chars=len(doc.text), truncated=truncated)

    def analyse_many(self, items: Iterable[Item], n_process: int = 1, batch_size: int = 16) -> Iterator[Analysis]:
        """Analyse ``(title, body, date)`` items in order, parsing in batches with ``nlp.pipe``.

        ``n_process > 1`` runs whole analyses (parse and the steps after it) in
        that many worker processes, each parsing its batches with ``nlp.pipe``;
        results still come back in input order.  Worth it from a few dozen
        articles: each worker loads the model once (about 3 s).
        """
        if n_process < 1:
            raise ValueError(f"n_process must be at least 1, got {n_process}")
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        if n_process == 1:
            yield from self._pipe(items, batch_size)
            return
        with worker_pool(n_process, self.max_chars) as pool:
            yield from analyse_with_pool(pool, items, batch_size, in_flight=n_process * 2)

    def _pipe(self, items: Iterable[Item], batch_size: int) -> Iterator[Analysis]:
        def texts() -> Iterator[tuple[str, tuple[date | datetime | None, bool]]]:
            for title, text, published in items:
                joined, truncated = analysed_text(title, text, self.max_chars)
                yield joined, (published, truncated)

        for doc, (published, truncated) in self.nlp.pipe(texts(), as_tuples=True, batch_size=batch_size):
            yield self.analyse_doc(doc, published, truncated=truncated)

    def analyse_batch(self, items: Sequence[Item]) -> list[Analysis]:
        return list(self._pipe(items, max(1, len(items))))


# -- worker processes -------------------------------------------------------------------

_worker: Analyzer | None = None


def _init_worker(max_chars: int) -> None:
    global _worker
    _worker = Analyzer(max_chars=max_chars)


def _analyse_in_worker(items: Sequence[Item]) -> list[Analysis]:
    assert _worker is not None, "worker pool started without its initializer"
    return _worker.analyse_batch(items)


def worker_pool(n_process: int, max_chars: int = MAX_CHARS) -> ProcessPoolExecutor:
    """Processes that each hold an :class:`Analyzer`; feed them with :func:`analyse_in_pool`.

    Never forked: the caller may have threads (the store's writer, fetchers)
    whose locks a forked child would inherit held.
    """
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    return ProcessPoolExecutor(n_process, mp_context=multiprocessing.get_context(method),
                               initializer=_init_worker, initargs=(max_chars,))


def analyse_in_pool(pool: ProcessPoolExecutor, items: Sequence[Item]) -> Future[list[Analysis]]:
    """Analyse one batch in a :func:`worker_pool`; the future holds the analyses in order."""
    return pool.submit(_analyse_in_worker, list(items))


def _batches(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    batch: list[Item] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def analyse_with_pool(pool: ProcessPoolExecutor, items: Iterable[Item], batch_size: int = 16,
                      in_flight: int = 4) -> Iterator[Analysis]:
    """Analyses of ``items`` in order, from a :func:`worker_pool`, at most ``in_flight`` batches queued."""
    pending: deque[Future[list[Analysis]]] = deque()
    for batch in _batches(items, batch_size):
        pending.append(analyse_in_pool(pool, batch))
        while len(pending) >= in_flight:
            yield from pending.popleft().result()
    while pending:
        yield from pending.popleft().result()
