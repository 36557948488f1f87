"""Ingest: sources → fetch → extract/clean → fold copies → store, streaming.

Items flow through a bounded window, so memory does not grow with the size of
the input: at most ``window`` documents are in flight at once.  Fetching runs on
a thread pool (the fetcher keeps per-host politeness itself); extraction runs in
those threads, or in worker processes with ``jobs > 1``; everything that writes
happens here, in the calling thread, one article at a time, each committed
before the next, so an interrupted run keeps all it stored and a rerun resumes.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import threading
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from .dedup import NearDuplicateIndex, content_hash, prefer_as_original, signature_bytes
from .extract import ExtractionError, extract_document
from .fetch import Fetcher, FetchError
from .records import Article, Document, Failure, Feed, Hints, Link
from .sources import expand
from .store import Store
from .stories.tracker import StoryTracker, rebuild
from .urls import canonicalize_url

NOT_AN_ARTICLE = "not an article"


@dataclass(slots=True)
class IngestOptions:
    refresh: bool = False
    keep_html: bool = True
    fetch_workers: int = 4
    jobs: int = 1
    published: datetime | None = None
    window: int = 32
    dedup_window_days: float | None = None
    # Analyse each new canonical article (entities, quotes, events); see understand/enrich.py.
    enrich: bool = True
    stories: bool = True  # assign each new canonical article to a story as it is stored


@dataclass(slots=True)
class IngestSummary:
    """What one run did; ``failures`` keeps every failed item with its reason."""

    fetched: int = 0
    read: int = 0
    new: int = 0
    copies: int = 0
    duplicates: int = 0
    updated: int = 0
    skipped: int = 0
    feeds: int = 0
    failures: list[Failure] = field(default_factory=list)
    not_articles: list[Failure] = field(default_factory=list)
    interrupted: bool = False
    analysed: int = 0
    analysis_failed: int = 0
    analysis_seconds: float = 0.0
    enrich_error: str | None = None
    stories_rebuilt: int | None = None  # stories after a re-clustering this run needed, if one ran

    @property
    def failed(self) -> int:
        return len(self.failures)

    @property
    def processed(self) -> int:
        return (self.new + self.copies + self.duplicates + self.updated + self.skipped + self.failed
                + len(self.not_articles))

    def failed_by_reason(self) -> Counter[str]:
        return Counter(f.reason for f in self.failures)

    def as_dict(self) -> dict[str, Any]:
        return {
            "fetched": self.fetched, "read": self.read, "new": self.new, "copies": self.copies,
            "duplicates": self.duplicates, "updated": self.updated, "skipped": self.skipped,
            "feeds": self.feeds, "not_articles": len(self.not_articles), "failed": self.failed,
            "failed_by_reason": dict(self.failed_by_reason()), "interrupted": self.interrupted,
            "analysed": self.analysed, "analysis_failed": self.analysis_failed,
            "analysis_seconds": round(self.analysis_seconds, 2), "enrich_error": self.enrich_error,
            "stories_rebuilt": self.stories_rebuilt,
        }


# Called with the summary so far and what just happened: "new", "copy", "updated",
# "duplicate", "failed", "analysed", or "reclustering" (stories are being rebuilt).
ProgressCallback = Callable[[IngestSummary, str], None]


@dataclass(slots=True)
class _Outcome:
    """What a worker hands back to the writer: an article, or why there is none."""

    target: str
    requested_url: str | None
    document_url: str | None
    extracted: _Extracted | None = None
    failure: Failure | None = None
    fetched: bool = False


@dataclass(slots=True)
class _Extracted:
    article: Article
    content_hash: str
    signature: bytes


def _extract_job(doc: Document, keep_html: bool) -> _Extracted | Failure:
    # Top-level so a process pool can pickle it; fingerprints are computed here too,
    # so that work runs in parallel rather than in the single writer.
    try:
        article = extract_document(doc, keep_html=keep_html)
    except ExtractionError as err:
        return Failure(doc.url or "<document>", err.reason, err.detail, doc.origin)
    return _Extracted(article, content_hash(article.text), signature_bytes(article.text))


def _safe_canonical(url: str | None) -> str | None:
    if not url:
        return None
    if not url.startswith(("http://", "https://")):
        return url  # file:// and archive-local names are kept as they are
    try:
        return canonicalize_url(url)
    except ValueError:
        return None


class _LazyPool:
    """Worker processes for extraction, started only once a run proves big enough.

    Starting processes costs about a second (each imports the extractors): not
    worth it for a handful of pages, well worth it for thousands.
    """

    START_AFTER = 16

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self._pool: ProcessPoolExecutor | None = None
        self._seen = 0
        self._lock = threading.Lock()

    def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        with self._lock:
            self._seen += 1
            if self._pool is None and self._seen > self.START_AFTER:
                # Never fork: this process has threads (fetchers, the SQLite writer)
                # whose locks a forked child would inherit held.
                method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
                self._pool = ProcessPoolExecutor(self.jobs, mp_context=multiprocessing.get_context(method))
            pool = self._pool
        if pool is None:
            return fn(*args)
        return pool.submit(fn, *args).result()

    def shutdown(self, *, wait: bool) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(wait=wait, cancel_futures=True)
                self._pool = None


class Ingester:
    """Runs ingests against one store; keeps the near-duplicate index between runs."""

    def __init__(self, store: Store, fetcher: Fetcher | None = None,
                 options: IngestOptions | None = None) -> None:
        self.store = store
        self.fetcher = fetcher
        self.options = options or IngestOptions()
        self._index: NearDuplicateIndex | None = None
        self._stories: StoryTracker | None = None
        self._seen_this_run: set[str] = set()
        self._enricher: Any = None
        self._texts_changed = False  # a refreshed article came back with another text or title

    # -- the run -------------------------------------------------------------
    def run(self, specs: Iterable[str], progress: ProgressCallback | None = None) -> IngestSummary:
        summary = IngestSummary()
        self._seen_this_run = set()
        opts = self.options
        index = self.index()
        process_pool = _LazyPool(opts.jobs) if opts.jobs > 1 else None
        threads = ThreadPoolExecutor(max(1, opts.fetch_workers), thread_name_prefix="newsgrasp-fetch")
        pending: deque[Future[_Outcome]] = deque()
        self._enricher = self._start_enricher(summary, progress) if opts.enrich else None
        try:
            for item in self._items(specs):
                if isinstance(item, Failure):
                    self._fail(summary, item, progress)
                elif isinstance(item, Feed):
                    self._feed(summary, item)
                else:
                    future = self._submit(item, summary, threads, process_pool)
                    if future is not None:
                        pending.append(future)
                while len(pending) >= opts.window or (pending and pending[0].done()):
                    self._finish(pending.popleft().result(), summary, index, progress)
            while pending:
                self._finish(pending.popleft().result(), summary, index, progress)
            self._recluster_if_stale(summary, progress)
            if self._enricher is not None:
                self._enricher.finish()
        except KeyboardInterrupt:
            summary.interrupted = True
            for future in pending:
                future.cancel()
            raise
        finally:
            threads.shutdown(wait=not summary.interrupted, cancel_futures=True)
            if process_pool is not None:
                process_pool.shutdown(wait=not summary.interrupted)
            if self._enricher is not None:
                self._enricher.close()
                self._enricher = None
        return summary

    def _start_enricher(self, summary: IngestSummary, progress: ProgressCallback | None) -> Any:
        from .understand.enrich import Enricher

        def saved(done: Any) -> None:
            summary.analysed, summary.analysis_failed = done.analysed, done.failed
            summary.analysis_seconds = done.seconds
            if done.errors and summary.enrich_error is None:
                summary.enrich_error = done.errors[0][1]
            if progress:
                progress(summary, "analysed")

        return Enricher(self.store, jobs=self.options.jobs, on_saved=saved)

    def _enrich(self, article_id: int, article: Article) -> None:
        if self._enricher is not None:
            self._enricher.add(article_id, article.title, article.text, article.published)
            self._enricher.poll()

    def index(self) -> NearDuplicateIndex:
        if self._index is None:
            self._index = NearDuplicateIndex(window_days=self.options.dedup_window_days)
            self._index.load(self.store.iter_signatures())
        return self._index

    def _recluster_if_stale(self, summary: IngestSummary, progress: ProgressCallback | None) -> None:
        """Re-extracted texts (``--refresh``) leave their stories built on the old texts: rebuild.

        Also when an earlier run changed texts and was cut short before rebuilding.
        """
        if not self.options.stories or not (self._texts_changed or self.store.stories_stale()):
            return
        self._texts_changed = False
        if progress:
            progress(summary, "reclustering")
        summary.stories_rebuilt = rebuild(self.store).stories
        self._stories = None  # the next article reloads the rebuilt state

    def stories(self) -> StoryTracker | None:
        """The online story clusterer, loaded from the store on first use (None when disabled)."""
        if self._stories is None and self.options.stories:
            self._stories = StoryTracker(self.store)
        return self._stories

    # -- stages --------------------------------------------------------------
    def _items(self, specs: Iterable[str]) -> Iterator[Link | Document | Feed | Failure]:
        for spec in specs:
            yield from expand(spec, self.fetcher, feed_state=self.store.get_feed)

    def _already_stored(self, url: str | None) -> bool:
        canonical = _safe_canonical(url)
        return canonical is not None and (self.store.article_id_for_url(canonical) is not None
                                          or self.store.skipped_url_reason(canonical) is not None)

    def _submit(self, item: Link | Document, summary: IngestSummary, threads: Executor,
                process_pool: _LazyPool | None) -> Future[_Outcome] | None:
        seen_key = _safe_canonical(item.url)
        if seen_key is not None:
            # Feeds and sitemaps often list one page twice: fetch it once per run.
            if seen_key in self._seen_this_run:
                summary.skipped += 1
                return None
            self._seen_this_run.add(seen_key)
        if not self.options.refresh and self._already_stored(item.url):
            summary.skipped += 1
            return None
        if isinstance(item, Link):
            return threads.submit(self._fetch_and_extract, item, process_pool)
        summary.read += 1
        return threads.submit(self._extract, item, item.url, process_pool, False)

    def _fetch_and_extract(self, link: Link, process_pool: _LazyPool | None) -> _Outcome:
        if self.fetcher is None:
            return _Outcome(link.url, link.url, None,
                            failure=Failure(link.url, "network disabled", origin=link.origin))
        try:
            response = self.fetcher.fetch(link.url, origin=link.origin)
        except FetchError as err:
            return _Outcome(link.url, link.url, None,
                            failure=Failure(link.url, err.reason, err.detail, link.origin))
        doc = response.document
        if doc is None:
            return _Outcome(link.url, link.url, None,
                            failure=Failure(link.url, "no content", origin=link.origin))
        doc.hints = _merge_hints(doc.hints, link)
        return self._extract(doc, link.url, process_pool, True)

    def _extract(self, doc: Document, requested_url: str | None, process_pool: _LazyPool | None,
                 fetched: bool) -> _Outcome:
        if self.options.published is not None and doc.hints.published is None:
            doc.hints.published = self.options.published
        target = requested_url or doc.url or doc.origin
        if process_pool is not None:
            result = process_pool.run(_extract_job, doc, self.options.keep_html)
        else:
            result = _extract_job(doc, self.options.keep_html)
        if isinstance(result, Failure):
            return _Outcome(target, requested_url, doc.url, failure=result, fetched=fetched)
        if result.article.published is None and self.options.published is not None:
            result.article.published = self.options.published
        return _Outcome(target, requested_url, doc.url, extracted=result, fetched=fetched)

    # -- the writer ------------------------------------------------------------
    def _finish(self, outcome: _Outcome, summary: IngestSummary, index: NearDuplicateIndex,
                progress: ProgressCallback | None) -> None:
        if outcome.fetched:
            summary.fetched += 1
        if outcome.failure is not None:
            if outcome.failure.reason == NOT_AN_ARTICLE:
                for url in (outcome.requested_url, outcome.document_url):
                    key = _safe_canonical(url)
                    if key:
                        self.store.note_skipped_url(key, NOT_AN_ARTICLE)
            self._fail(summary, outcome.failure, progress)
            return
        assert outcome.extracted is not None
        event = self._store(outcome, outcome.extracted, summary, index)
        if progress:
            progress(summary, event)

    def _store(self, outcome: _Outcome, extracted: _Extracted, summary: IngestSummary,
               index: NearDuplicateIndex) -> str:
        store = self.store
        article, digest, blob = extracted.article, extracted.content_hash, extracted.signature
        urls = _unique(_safe_canonical(u) for u in (outcome.requested_url, outcome.document_url, article.url))
        signature = index.from_bytes(blob) or index.signature(article.text)

        known = next((i for i in (store.article_id_for_url(u) for u in urls) if i is not None), None)
        if known is not None:
            if self.options.refresh:
                before = store.get(known)
                if before is None or before.content_hash != digest or before.article.title != article.title:
                    if not self._texts_changed and self.options.stories:
                        store.mark_stories_stale()  # survives a run cut short: the next one rebuilds
                    self._texts_changed = True
                store.update_article(known, article, content_hash=digest, signature=blob)
                store.add_urls(known, urls)
                self._enrich(known, article)
                summary.updated += 1
                return "updated"
            # The page named a canonical URL we already hold: the same article again.
            store.add_urls(known, urls)
            summary.duplicates += 1
            return "duplicate"

        canonical_id: int | None = None
        same_text = store.article_id_for_hash(digest)
        if same_text is not None:
            twin = store.get(same_text)
            if twin is not None:
                canonical_id = twin.canonical_id or twin.id
                if (twin.article.outlet or "").casefold() == (article.outlet or "").casefold() \
                        and (twin.article.via or "").casefold() == (article.via or "").casefold():
                    # The same outlet serving the same text under another address.
                    store.add_urls(twin.id, urls)
                    summary.duplicates += 1
                    return "duplicate"
        if canonical_id is None:
            matches = index.find(article.text, signature, self._text_of)
            canonical_id = matches[0].article_id if matches else None

        if canonical_id is None:
            new_id = store.add_article(article, content_hash=digest, urls=urls, signature=blob)
            index.add(new_id, signature, article.published)
            tracker = self.stories()
            if tracker is not None:
                tracker.add(new_id, article)
            summary.new += 1
            self._enrich(new_id, article)
            return "new"

        current = store.get(canonical_id)
        if current is not None and prefer_as_original(article, current.article):
            new_id = store.add_article(article, content_hash=digest, urls=urls, signature=blob)
            store.make_canonical(new_id, [canonical_id])
            index.remove(canonical_id)
            index.add(new_id, signature, article.published)
            self._enrich(new_id, article)  # the demoted one's analysis drops out of every query
            tracker = self.stories()
            if tracker is not None:
                tracker.replace(canonical_id, new_id, article.title)
        else:
            store.add_article(article, content_hash=digest, urls=urls, canonical_id=canonical_id,
                              signature=blob)
            tracker = self.stories()
            if tracker is not None:
                tracker.copy_added(canonical_id)
        summary.copies += 1
        return "copy"

    def _text_of(self, article_id: int) -> str | None:
        stored = self.store.get(article_id)
        return stored.article.text if stored else None

    def _feed(self, summary: IngestSummary, feed: Feed) -> None:
        # A source reports a feed it read (or failed to read); keep what the last
        # successful read learnt when this one did not succeed.
        previous = self.store.get_feed(feed.url)
        if previous is not None:
            feed = replace(feed, title=feed.title or previous.title, site_url=feed.site_url or previous.site_url,
                           last_success=feed.last_success or previous.last_success,
                           etag=feed.etag or previous.etag,
                           last_modified=feed.last_modified or previous.last_modified)
        self.store.upsert_feed(feed)
        summary.feeds += 1

    @staticmethod
    def _fail(summary: IngestSummary, failure: Failure, progress: ProgressCallback | None) -> None:
        if failure.reason == NOT_AN_ARTICLE:
            # Section fronts listed in a sitemap are expected, not a failure to fix.
            summary.not_articles.append(failure)
        else:
            summary.failures.append(failure)
        if progress:
            progress(summary, "failed")


def _merge_hints(hints: Hints, link: Link) -> Hints:
    """The page's own hints (none, for a fetched page) topped up with what the link knew."""
    merged = replace(link.hints)
    for name in ("title", "published", "source", "language", "text", "summary"):
        value = getattr(hints, name)
        if value:
            setattr(merged, name, value)
    if hints.authors:
        merged.authors = list(hints.authors)
    return merged


def _unique(values: Iterable[str | None]) -> list[str]:
    seen: list[str] = []
    for value in values:
        if value and value not in seen:
            seen.append(value)
    return seen


def ingest(specs: Iterable[str], store: Store, *, fetcher: Fetcher | None = None,
           options: IngestOptions | None = None, progress: ProgressCallback | None = None) -> IngestSummary:
    """Ingest every source in ``specs`` into ``store``; see :class:`Ingester`."""
    own_fetcher = fetcher is None
    if own_fetcher:
        fetcher = Fetcher()
    try:
        return Ingester(store, fetcher, options).run(specs, progress)
    finally:
        if own_fetcher and fetcher is not None:
            with contextlib.suppress(Exception):
                fetcher.close()


def parse_date(value: str) -> datetime:
    """A date or datetime from the command line, as an aware UTC datetime."""
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
