"""Turn one source spec (a path or a URL) into Links, Documents, Feeds and Failures."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from ..records import Document, Failure, Feed, Link
from .base import FetchLike, gunzip, is_gzip, utc_now
from .detect import detect_kind
from .feeds import ParsedFeed, feed_record, parse_feed
from .files import iter_jsonl, open_maybe_gzip, read_prefix, walk
from .opml import parse_opml
from .sitemaps import parse_sitemap
from .warc import iter_warc, iter_warc_bytes

Item = Link | Document | Feed | Failure
FeedState = Callable[[str], Feed | None]

FEED_KINDS = frozenset({"rss", "atom", "rdf", "json-feed"})
SITEMAP_KINDS = frozenset({"sitemap", "sitemap-index"})
ARCHIVE_KINDS = frozenset({"warc", "arc"})


def expand(
    spec: str,
    fetcher: FetchLike | None,
    *,
    feed_state: FeedState | None = None,
    max_depth: int = 3,
) -> Iterator[Item]:
    """Everything one source spec leads to, in a deterministic order.

    ``spec`` is a file, a folder (walked recursively, sorted, hidden entries
    skipped) or an http(s) URL.  ``feed_state(url)`` returns what the caller
    stored about a feed so it can be fetched conditionally.  Sitemap indexes,
    OPML lists and the like are followed at most ``max_depth`` levels down.
    Problems with one item come out as Failure records; nothing is raised.
    """
    run = _Run(fetcher=fetcher, feed_state=feed_state, max_depth=max_depth)
    spec = spec.strip()
    if _is_url(spec):
        yield from _guard(run.url(spec, 0), spec, "url")
    else:
        yield from _guard(run.path(spec), spec, "file")


def _is_url(spec: str) -> bool:
    return spec.lower().startswith(("http://", "https://"))


def _guard(items: Iterator[Item], target: str, origin: str) -> Iterator[Item]:
    """Turn a bug or an unexpected library error into a Failure for this item only."""
    try:
        yield from items
    except Exception as exc:
        yield Failure(target, "internal error", f"{type(exc).__name__}: {exc}", origin=origin)


def _loop_key(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))


@dataclass
class _Run:
    fetcher: FetchLike | None
    feed_state: FeedState | None
    max_depth: int
    sitemaps_seen: set[str] = field(default_factory=set)
    loops_reported: set[str] = field(default_factory=set)

    # -- local paths -------------------------------------------------------

    def path(self, spec: str) -> Iterator[Item]:
        p = Path(unquote(spec[7:]) if spec.startswith("file://") else spec).expanduser()
        if not p.exists():
            yield Failure(spec, "not found", origin="file")
            return
        if p.is_dir():
            for child in walk(p):
                yield from _guard(self.file(child), str(child), "file")
        else:
            yield from self.file(p)

    def file(self, p: Path) -> Iterator[Item]:
        target = str(p)
        try:
            prefix = read_prefix(p)
        except OSError as exc:
            yield Failure(target, "unreadable", exc.strerror or str(exc), origin="file")
            return
        kind = detect_kind(prefix, name=p.name)
        if kind in ARCHIVE_KINDS:
            yield from iter_warc(lambda: p.open("rb"), target, arc=kind == "arc")
            return
        if kind == "binary":
            # Decided from the prefix: a folder may hold gigabytes of images or video.
            yield Failure(target, "unsupported content", kind, origin="file")
            return
        if kind == "jsonl":
            # News dumps run to gigabytes: read them a line at a time.
            try:
                with open_maybe_gzip(p) as lines:
                    yield from iter_jsonl(lines, target)
            except (OSError, EOFError) as exc:
                yield Failure(target, "unreadable", str(exc), origin="file")
            return
        try:
            body = p.read_bytes()
        except OSError as exc:
            yield Failure(target, "unreadable", exc.strerror or str(exc), origin="file")
            return
        if is_gzip(body):
            try:
                body = gunzip(body)
            except (OSError, ValueError, EOFError) as exc:
                yield Failure(target, "unreadable", f"gzip: {exc}", origin="file")
                return
        # JSON shapes need the whole body, not the sniffing prefix.
        kind = detect_kind(body, name=p.name)
        uri = p.resolve().as_uri()
        if kind in ("html", "text"):
            yield Document(
                url=uri,
                body=body,
                origin="file",
                content_type="text/html" if kind == "html" else "text/plain",
            )
        elif kind in FEED_KINDS:
            yield from self._feed_body(uri, body, kind, previous=None, etag=None, last_modified=None)
        else:
            yield from self._other(kind, body, uri, target, 0)

    # -- URLs --------------------------------------------------------------

    def url(self, url: str, depth: int) -> Iterator[Item]:
        if depth > self.max_depth:
            yield Failure(url, "too deep", f"more than {self.max_depth} levels of nesting", origin="url")
            return
        if self.fetcher is None:
            yield Failure(url, "no fetcher", "URLs need a fetcher", origin="url")
            return
        previous = None
        if self.feed_state is not None:
            try:
                previous = self.feed_state(url)
            except Exception:
                # A broken state store should cost a conditional GET, not the feed.
                previous = None
        etag = previous.etag if previous else None
        last_modified = previous.last_modified if previous else None
        try:
            resp = self.fetcher.fetch(url, origin="url", etag=etag, last_modified=last_modified)
        except Exception as exc:
            reason = getattr(exc, "reason", None) or "fetch failed"
            if previous is not None:
                yield feed_record(
                    url, _no_parse(), previous, last_error=str(reason), last_checked=utc_now()
                )
            detail = getattr(exc, "detail", None) or str(exc)
            yield Failure(url, str(reason), " ".join(str(detail).split()), origin="url")
            return
        if getattr(resp, "not_modified", False):
            feed = feed_record(url, _no_parse(), previous, last_checked=utc_now(), last_error=None)
            feed.etag = getattr(resp, "etag", None) or feed.etag
            feed.last_modified = getattr(resp, "last_modified", None) or feed.last_modified
            yield feed
            return
        doc: Document | None = getattr(resp, "document", None)
        if doc is None:
            yield Failure(url, "empty response", origin="url")
            return
        base = getattr(resp, "url", None) or doc.url or url
        body = doc.body
        kind = detect_kind(body, name=urlsplit(base).path, content_type=doc.content_type)
        if is_gzip(body) and kind not in ARCHIVE_KINDS:
            try:
                body = gunzip(body)
            except (OSError, ValueError, EOFError) as exc:
                yield Failure(url, "unreadable", f"gzip: {exc}", origin="url")
                return
        if kind in ("html", "text"):
            yield doc if body is doc.body else replace(doc, body=body)
        elif kind in FEED_KINDS:
            yield from self._feed_body(
                url,
                body,
                kind,
                previous=previous,
                etag=getattr(resp, "etag", None),
                last_modified=getattr(resp, "last_modified", None),
                base=base,
            )
        elif kind in ARCHIVE_KINDS:
            yield from iter_warc_bytes(doc.body, url, arc=kind == "arc")
        else:
            yield from self._other(kind, body, base, url, depth)

    # -- shared by both ----------------------------------------------------

    def _feed_body(
        self,
        url: str,
        body: bytes,
        kind: str,
        *,
        previous: Feed | None,
        etag: str | None,
        last_modified: str | None,
        base: str | None = None,
    ) -> Iterator[Item]:
        parsed = parse_feed(body, base or url, kind)
        now = utc_now()
        if parsed.error is not None and not parsed.links:
            yield feed_record(url, parsed, previous, last_error="broken feed", last_checked=now)
            yield Failure(url, "broken feed", parsed.error, origin="feed")
            return
        yield feed_record(
            url,
            parsed,
            previous,
            etag=etag,
            last_modified=last_modified,
            last_success=now,
            last_checked=now,
            last_error=None,
        )
        yield from parsed.links

    def _other(self, kind: str, body: bytes, base: str, target: str, depth: int) -> Iterator[Item]:
        if kind in SITEMAP_KINDS:
            yield from self._sitemap(body, base, target, depth)
        elif kind == "opml":
            yield from self._opml(body, base, target, depth)
        elif kind == "jsonl":
            yield from iter_jsonl(body, target)
        elif kind == "empty":
            yield Failure(target, "empty", origin=_origin(target))
        else:
            yield Failure(target, "unsupported content", kind, origin=_origin(target))

    def _sitemap(self, body: bytes, base: str, target: str, depth: int) -> Iterator[Item]:
        self.sitemaps_seen.add(_loop_key(base))
        self.sitemaps_seen.add(_loop_key(target))
        parsed = parse_sitemap(body, base)
        if parsed.error is not None:
            yield Failure(target, "broken sitemap", parsed.error, origin="sitemap")
            return
        yield from parsed.links
        for child in parsed.children:
            key = _loop_key(child)
            if key in self.sitemaps_seen:
                if key not in self.loops_reported:
                    self.loops_reported.add(key)
                    yield Failure(child, "sitemap loop", f"already read; listed again in {target}", origin="sitemap")
                continue
            self.sitemaps_seen.add(key)
            if not _is_url(child):
                yield Failure(child, "unsupported content", "sitemap entry is not an http(s) URL", origin="sitemap")
                continue
            yield from _guard(self.url(child, depth + 1), child, "sitemap")

    def _opml(self, body: bytes, base: str, target: str, depth: int) -> Iterator[Item]:
        feeds, error = parse_opml(body, base)
        if error is not None and not feeds:
            yield Failure(target, "broken opml", error, origin="opml")
            return
        yield from feeds
        if self.fetcher is None:
            # Importing a subscription list without network access is still useful.
            return
        for feed in feeds:
            if _is_url(feed.url):
                yield from _guard(self.url(feed.url, depth + 1), feed.url, "feed")


def _origin(target: str) -> str:
    return "url" if _is_url(target) else "file"


def _no_parse() -> ParsedFeed:
    return ParsedFeed()
