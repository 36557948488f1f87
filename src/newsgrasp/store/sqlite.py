"""The SQLite backend: one file (or memory), WAL, FTS5, one writer thread.

Concurrency model (after datasette): every write runs on a single dedicated
writer thread that owns its own connection, so SQLite never sees two writers
and "database is locked" cannot happen inside one process.  Callers block until
their write has committed and get its exceptions re-raised.  Reads use one
connection per calling thread; with WAL they never wait for the writer.

``":memory:"`` becomes a named in-process database (the ``memdb`` VFS) so the
writer and the per-thread readers all see the same data; it disappears when
the store is closed.

Search snippets mark matched terms with :data:`HIGHLIGHT_START` and
:data:`HIGHLIGHT_END` (``⟦`` and ``⟧``): characters that do not occur in news
text and mean nothing to Rich markup, so a UI can safely turn them into bold
(:func:`split_highlights` does the parsing).
"""

from __future__ import annotations

import contextlib
import json
import queue
import re
import sqlite3
import threading
import uuid
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from ..records import Article, ArticleFilter, Feed, SearchHit, StoredArticle
from .base import OutletActivity, QueryError, Store, StoreError
from .migrations import APPLICATION_ID, LATEST_VERSION, migrate, schema_version
from .sqlite_stories import SQLiteStoryMixin
from .sqlite_understand import SQLiteUnderstandMixin

T = TypeVar("T")

HIGHLIGHT_START = "\u27e6"
HIGHLIGHT_END = "\u27e7"
SNIPPET_START = HIGHLIGHT_START  # the names the CLI uses
SNIPPET_END = HIGHLIGHT_END
SNIPPET_ELLIPSIS = "\u2026"
SNIPPET_TOKENS = 32
TITLE_WEIGHT = 5.0
# bm25 must score every match before it can sort, which is what makes a query
# that hits a large share of a big store slow.  A ranked page (a search with a
# limit) only ranks the most recently stored RANK_WINDOW matches: for news, the
# newest of tens of thousands of matches are the ones a reader is after.
RANK_WINDOW = 10_000
BUSY_TIMEOUT_S = 30.0
PAGE_SIZE = 500  # rows per keyset page when streaming

_ARTICLE_COLUMNS = (
    "id, url, title, text, published, authors, source, via, dateline, language, image, "
    "description, fetched_at, origin, extractor, content_hash, canonical_id, added_at"
)


def split_highlights(snippet: str) -> list[tuple[str, bool]]:
    """Split a search snippet into ``(text, highlighted)`` pieces."""
    pieces: list[tuple[str, bool]] = []
    pattern = re.escape(HIGHLIGHT_START) + "(.*?)" + re.escape(HIGHLIGHT_END)
    pos = 0
    for match in re.finditer(pattern, snippet, flags=re.S):
        if match.start() > pos:
            pieces.append((snippet[pos:match.start()], False))
        pieces.append((match.group(1), True))
        pos = match.end()
    if pos < len(snippet):
        pieces.append((snippet[pos:], False))
    return pieces


# -- values in and out --------------------------------------------------------

def _utc(dt: datetime) -> datetime:
    # Naive datetimes are taken to be UTC: that is what feeds and sitemaps mean
    # far more often than the machine's local zone.
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def _iso(dt: datetime | None) -> str | None:
    return None if dt is None else _utc(dt).isoformat()


def _ts(dt: datetime | None) -> float | None:
    return None if dt is None else _utc(dt).timestamp()


def _parse_dt(value: str | None) -> datetime | None:
    return None if value is None else _utc(datetime.fromisoformat(value))


def _host(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if host and host.startswith("www."):
        host = host[4:]
    return host or None


def _unique(urls: Iterable[str | None]) -> list[str]:
    seen: dict[str, None] = {}
    for url in urls:
        if url:
            seen.setdefault(url, None)
    return list(seen)


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


_PLAIN_FIELDS = ("url", "title", "text", "source", "via", "dateline", "language", "image",
                 "description", "origin", "extractor")


def _article_values(article: Article) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(article, name) for name in _PLAIN_FIELDS}
    values.update(
        published=_iso(article.published),
        published_ts=_ts(article.published),
        authors=json.dumps(list(article.authors), ensure_ascii=False),
        outlet=article.outlet,
        host=_host(article.url),
        fetched_at=_iso(article.fetched_at),
        date_ts=_ts(article.published or article.fetched_at),
    )
    return values


def _stored(row: sqlite3.Row) -> StoredArticle:
    article = Article(
        **{name: row[name] for name in _PLAIN_FIELDS},
        published=_parse_dt(row["published"]),
        authors=list(json.loads(row["authors"] or "[]")),
        fetched_at=_parse_dt(row["fetched_at"]),
    )
    return StoredArticle(id=row["id"], article=article, content_hash=row["content_hash"],
                         canonical_id=row["canonical_id"], added_at=_parse_dt(row["added_at"]))


_FEED_COLUMNS = ("url", "title", "site_url", "etag", "last_modified", "last_success", "last_error",
                 "last_checked")
_FEED_TIMES = ("last_success", "last_checked")


def _feed(row: sqlite3.Row) -> Feed:
    values = {name: row[name] for name in _FEED_COLUMNS}
    values.update({name: _parse_dt(values[name]) for name in _FEED_TIMES})
    return Feed(**values)


def _filter_sql(flt: ArticleFilter) -> tuple[list[str], list[Any]]:
    """WHERE clauses (on alias ``a``) shared by search and listings."""
    clauses: list[str] = []
    params: list[Any] = []
    if not flt.include_copies:
        clauses.append("a.canonical_id IS NULL")
    if flt.source and flt.source.strip():
        name = flt.source.strip()
        host = name.lower().removeprefix("www.")
        # A user may name the outlet ("BBC News") or its site ("bbc.co.uk");
        # subdomains of the site count too (feeds.bbc.co.uk).
        clauses.append("(a.source = ? OR a.host = ? OR a.host LIKE ? ESCAPE '\\')")
        params += [name, host, "%." + _like_escape(host)]
    if flt.since is not None:
        clauses.append("a.date_ts >= ?")
        params.append(_ts(flt.since))
    if flt.until is not None:
        clauses.append("a.date_ts < ?")
        params.append(_ts(flt.until))
    if flt.language and flt.language.strip():
        lang = flt.language.strip()
        # "en" also finds "en-GB"; the column is NOCASE.
        clauses.append("(a.language = ? OR a.language LIKE ? ESCAPE '\\')")
        params += [lang, _like_escape(lang) + "-%"]
    return clauses, params


# -- full-text queries ---------------------------------------------------------

_OPERATORS = {"AND", "OR", "NOT", "NEAR", "+"}
_SYNTAX_CHARS = set('():*^{}"')


def _prepare_word(word: str) -> str:
    if word in _OPERATORS or word.startswith("NEAR("):
        return word
    if any(ch in _SYNTAX_CHARS for ch in word):
        # The user is writing FTS5 syntax (prefix*, col:term, groups): leave it
        # alone and let FTS5 judge it.
        return word
    if all(ch.isalnum() or ch == "_" for ch in word):
        return word
    # "U.S.-Russian", "C++", "e-mail": a phrase of the tokens inside.
    return f'"{word}"'


def prepare_query(query: str) -> str:
    """Make plain words with punctuation searchable; FTS5 syntax passes through."""
    if not query.strip():
        raise QueryError("empty search query")
    parts = re.split(r'("[^"]*"?)', query)
    out = []
    for part in parts:
        if part.startswith('"'):
            out.append(part)
        else:
            out.append(re.sub(r"\S+", lambda m: _prepare_word(m.group()), part))
    return "".join(out).strip()


def _is_query_error(exc: sqlite3.Error) -> bool:
    msg = str(exc)
    return isinstance(exc, sqlite3.OperationalError) and (
        msg.startswith(("fts5:", "no such column:", "unknown special query", "malformed MATCH"))
        or "unterminated string" in msg
    )


def _query_error(query: str, exc: sqlite3.Error) -> QueryError:
    msg = str(exc)
    near = re.match(r'fts5: syntax error near "(.*)"$', msg, flags=re.S)
    if near is not None:
        token = near.group(1)
        detail = (f'syntax error near "{token}"' if token
                  else "query ends too early (missing word after an operator, or an unclosed parenthesis?)")
    elif msg.startswith("no such column:"):
        column = msg.split(":", 1)[1].strip()
        detail = (f'unknown column "{column}" (only title: and text: can prefix a word; '
                  'put words containing ":" in double quotes)')
    elif "unterminated string" in msg:
        detail = "unbalanced double quote"
    elif msg.startswith("unknown special query"):
        detail = '"*" must follow a word (prefix search looks like elect*)'
    else:
        detail = msg.removeprefix("fts5: ")
    return QueryError(f"bad search query {query.strip()!r}: {detail}")


# -- the writer thread -----------------------------------------------------------

class _Writer:
    """A thread that owns the only writing connection and runs jobs in order."""

    def __init__(self, connect: Callable[[], sqlite3.Connection], name: str) -> None:
        self._connect = connect
        self._queue: queue.SimpleQueue[tuple[Callable[[sqlite3.Connection], Any], Future[Any]] | None]
        self._queue = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._closed = False
        ready: Future[None] = Future()
        self._thread = threading.Thread(target=self._run, args=(ready,), name=name, daemon=True)
        self._thread.start()
        ready.result()  # re-raises what went wrong opening or migrating

    def _run(self, ready: Future[None]) -> None:
        try:
            conn = self._connect()
        except BaseException as exc:
            self._closed = True
            ready.set_exception(exc)
            return
        ready.set_result(None)
        try:
            while True:
                item = self._queue.get()
                if item is None:
                    break
                job, future = item
                if not future.set_running_or_notify_cancel():
                    continue
                try:
                    future.set_result(job(conn))
                except BaseException as exc:
                    future.set_exception(exc)
        finally:
            conn.close()

    def submit(self, job: Callable[[sqlite3.Connection], T]) -> T:
        future: Future[T] = Future()
        # Held while enqueueing so no job can land behind the close sentinel
        # and wait forever.
        with self._lock:
            if self._closed:
                raise StoreError("the store is closed")
            self._queue.put((job, future))
        return future.result()

    def close(self, last: Callable[[sqlite3.Connection], Any] | None = None) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            if last is not None:
                self._queue.put((last, Future()))
            self._queue.put(None)
        self._thread.join()


# -- the store -----------------------------------------------------------------

class SQLiteStore(SQLiteStoryMixin, SQLiteUnderstandMixin, Store):
    """A :class:`Store` in one SQLite file, or in memory for ``":memory:"``.

    ``keep_html=False`` drops raw HTML instead of storing it (smaller files).
    Safe to share between threads; see the module docstring for how.
    """

    def __init__(self, path: str | Path, *, keep_html: bool = True) -> None:
        self.keep_html = keep_html
        self.memory = str(path) == ":memory:"
        self._shared_cache = False
        if self.memory:
            self.path: Path | None = None
            name = f"newsgrasp-{uuid.uuid4().hex}"
            if sqlite3.sqlite_version_info >= (3, 36, 0):
                # memdb databases whose name starts with "/" are shared by every
                # connection in the process, with ordinary locking (busy_timeout
                # applies), unlike shared-cache mode.
                self._target = f"file:/{name}?vfs=memdb"
            else:
                self._target = f"file:{name}?mode=memory&cache=shared"
                self._shared_cache = True
            self._uri = True
            where = "in-memory database"
        else:
            self.path = Path(path).expanduser()
            if self.path.is_dir():
                raise StoreError(f"{self.path} is a directory, not a database file")
            if not self.path.parent.is_dir():
                raise StoreError(f"cannot create {self.path}: directory {self.path.parent} does not exist")
            self._target = str(self.path)
            self._uri = False
            where = str(self.path)
        self._where = where
        self._local = threading.local()
        self._readers: dict[threading.Thread, sqlite3.Connection] = {}
        self._readers_lock = threading.Lock()
        self._closed = False
        try:
            self._writer = _Writer(self._open_writer, name=f"newsgrasp-writer-{where}")
        except StoreError:
            raise
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open {where}: {exc}") from exc

    def __repr__(self) -> str:
        return f"SQLiteStore({self._where!r})"

    # -- connections -------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self._target, uri=self._uri, timeout=BUSY_TIMEOUT_S,
                               isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        return conn

    def _open_writer(self) -> sqlite3.Connection:
        conn = self._connect()
        try:
            self._check_file(conn)
            if not self.memory:
                conn.execute("PRAGMA journal_mode = WAL")
                # NORMAL is durable against process crashes under WAL, and much
                # faster than FULL when every article is its own transaction.
                conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            migrate(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    def _check_file(self, conn: sqlite3.Connection) -> None:
        """Refuse foreign or too-new databases before anything is written."""
        try:
            version = schema_version(conn)
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self._where} is not a usable SQLite database ({exc})") from exc
        if tables and app_id != APPLICATION_ID:
            raise StoreError(f"{self._where} is an SQLite database but not a newsgrasp one")
        if version > LATEST_VERSION:
            raise StoreError(
                f"{self._where} has schema version {version} but this newsgrasp only knows "
                f"up to version {LATEST_VERSION}; upgrade newsgrasp to open it (the file was not changed)"
            )

    def _reader(self) -> sqlite3.Connection:
        if self._closed:
            raise StoreError("the store is closed")
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            return conn
        conn = self._connect()
        conn.execute("PRAGMA query_only = ON")
        if self._shared_cache:
            # Shared-cache readers would otherwise hit table locks (SQLITE_LOCKED,
            # which busy_timeout does not retry) while the writer works.
            conn.execute("PRAGMA read_uncommitted = ON")
        with self._readers_lock:
            if self._closed:
                conn.close()
                raise StoreError("the store is closed")
            # Threads come and go (worker pools); drop the connections of dead ones.
            for thread in [t for t in self._readers if not t.is_alive()]:
                self._readers.pop(thread).close()
            self._readers[threading.current_thread()] = conn
        self._local.conn = conn
        return conn

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        try:
            return self._reader().execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise StoreError(f"database read failed: {exc}") from exc

    def _read_one(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        rows = self._read(sql, params)
        return rows[0] if rows else None

    def _write(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``fn`` in one transaction on the writer thread; wait for the commit."""

        def job(conn: sqlite3.Connection) -> T:
            conn.execute("BEGIN IMMEDIATE")
            try:
                result = fn(conn)
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            return result

        try:
            return self._writer.submit(job)
        except sqlite3.Error as exc:
            raise StoreError(f"database write failed: {exc}") from exc

    # -- lifecycle ---------------------------------------------------------------
    def close(self) -> None:
        if self._closed:
            return
        self._closed = True

        def optimize(conn: sqlite3.Connection) -> None:
            # An optimisation hint must never make close() fail.
            with contextlib.suppress(sqlite3.Error):
                conn.execute("PRAGMA optimize")

        self._writer.close(optimize)
        with self._readers_lock:
            for conn in self._readers.values():
                conn.close()
            self._readers.clear()

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def schema_version(self) -> int:
        return int(self._read("PRAGMA user_version")[0][0])

    # -- writes ------------------------------------------------------------------
    @staticmethod
    def _map_urls(conn: sqlite3.Connection, article_id: int, urls: Sequence[str]) -> None:
        now = _iso(datetime.now(UTC))
        conn.executemany(
            "INSERT INTO article_urls(url, article_id, seen_at) VALUES (?, ?, ?) "
            "ON CONFLICT(url) DO UPDATE SET article_id = excluded.article_id",
            [(url, article_id, now) for url in urls],
        )

    @staticmethod
    def _require(conn: sqlite3.Connection, article_id: int) -> None:
        if conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is None:
            raise StoreError(f"no article with id {article_id}")

    def _html(self, article: Article) -> bytes | None:
        if self.keep_html and article.raw_html:
            return zlib.compress(article.raw_html, 6)
        return None

    def add_article(
        self,
        article: Article,
        *,
        content_hash: str,
        urls: Sequence[str] = (),
        canonical_id: int | None = None,
        signature: bytes | None = None,
    ) -> int:
        """See :meth:`Store.add_article`.

        Always inserts: deciding that an article is an exact duplicate (and
        calling :meth:`add_urls` instead) is the pipeline's job, and the same
        text from another outlet is legitimately stored as a copy with the same
        hash.  A ``canonical_id`` that is itself a copy resolves to its canonical.
        """
        values = _article_values(article)
        values.update(content_hash=content_hash, minhash=signature, added_at=_iso(datetime.now(UTC)))
        html = self._html(article)
        all_urls = _unique([article.url, *urls])

        def op(conn: sqlite3.Connection) -> int:
            root = None
            if canonical_id is not None:
                found = conn.execute("SELECT coalesce(canonical_id, id) FROM articles WHERE id = ?",
                                     (canonical_id,)).fetchone()
                if found is None:
                    raise StoreError(f"no article with id {canonical_id} to be a copy of")
                root = found[0]
            columns = list(values) + ["canonical_id"]
            cursor = conn.execute(
                f"INSERT INTO articles({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})",
                {**values, "canonical_id": root},
            )
            article_id = int(cursor.lastrowid or 0)
            self._map_urls(conn, article_id, all_urls)
            if html is not None:
                conn.execute("INSERT INTO raw_html(article_id, html) VALUES (?, ?)", (article_id, html))
            return article_id

        return self._write(op)

    def add_urls(self, article_id: int, urls: Sequence[str]) -> None:
        wanted = _unique(urls)

        def op(conn: sqlite3.Connection) -> None:
            self._require(conn, article_id)
            self._map_urls(conn, article_id, wanted)

        self._write(op)

    def make_canonical(self, article_id: int, group: Sequence[int]) -> None:
        others = json.dumps(sorted({int(i) for i in group} - {article_id}))

        def op(conn: sqlite3.Connection) -> None:
            self._require(conn, article_id)
            conn.execute("UPDATE articles SET canonical_id = NULL WHERE id = ?", (article_id,))
            # The new canonical may have been a copy of a group member; the
            # id != guard keeps it from pointing at itself.
            conn.execute(
                "UPDATE articles SET canonical_id = ? WHERE id != ? AND ("
                " id IN (SELECT value FROM json_each(?)) OR canonical_id IN (SELECT value FROM json_each(?)))",
                (article_id, article_id, others, others),
            )

        self._write(op)

    def update_article(self, article_id: int, article: Article, *, content_hash: str,
                       signature: bytes | None = None) -> None:
        """See :meth:`Store.update_article`.

        The stored signature is replaced by ``signature`` (``None`` clears it: a
        signature of the old text would mislead near-duplicate detection).
        """
        values = _article_values(article)
        values.update(content_hash=content_hash, minhash=signature, id=article_id)
        html = self._html(article)

        def op(conn: sqlite3.Connection) -> None:
            self._require(conn, article_id)
            sets = ", ".join(f"{c} = :{c}" for c in values if c != "id")
            conn.execute(f"UPDATE articles SET {sets} WHERE id = :id", values)
            if article.url:
                self._map_urls(conn, article_id, [article.url])
            if html is not None:
                conn.execute("INSERT OR REPLACE INTO raw_html(article_id, html) VALUES (?, ?)",
                             (article_id, html))

        self._write(op)

    def upsert_feed(self, feed: Feed) -> None:
        values = {name: getattr(feed, name) for name in _FEED_COLUMNS}
        values.update({name: _iso(values[name]) for name in _FEED_TIMES})
        updates = ", ".join(f"{c} = excluded.{c}" for c in values if c != "url")
        sql = (f"INSERT INTO feeds({', '.join(values)}) VALUES ({', '.join(':' + c for c in values)}) "
               f"ON CONFLICT(url) DO UPDATE SET {updates}")
        self._write(lambda conn: conn.execute(sql, values))

    def note_skipped_url(self, url: str, reason: str) -> None:
        seen = _iso(datetime.now(UTC))
        self._write(lambda conn: conn.execute(
            "INSERT INTO skipped_urls(url, reason, seen_at) VALUES (?, ?, ?) "
            "ON CONFLICT(url) DO UPDATE SET reason = excluded.reason, seen_at = excluded.seen_at",
            (url, reason, seen)))

    # -- reads -------------------------------------------------------------------
    def skipped_url_reason(self, url: str) -> str | None:
        row = self._read_one("SELECT reason FROM skipped_urls WHERE url = ?", (url,))
        return None if row is None else str(row[0])

    def article_id_for_url(self, url: str) -> int | None:
        row = self._read_one("SELECT article_id FROM article_urls WHERE url = ?", (url,))
        return None if row is None else int(row[0])

    def article_id_for_hash(self, content_hash: str) -> int | None:
        """An article with this exact text, preferring a canonical one, then the oldest."""
        row = self._read_one("SELECT id FROM articles WHERE content_hash = ? "
                             "ORDER BY canonical_id IS NOT NULL, id LIMIT 1", (content_hash,))
        return None if row is None else int(row[0])

    def get(self, article_id: int) -> StoredArticle | None:
        """The article, or None; ``article.raw_html`` is left empty (see :meth:`raw_html`)."""
        row = self._read_one(f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,))
        return None if row is None else _stored(row)

    def urls(self, article_id: int) -> list[str]:
        """Every address of the article, its own URL first, then in the order seen."""
        rows = self._read(
            "SELECT u.url FROM article_urls u JOIN articles a ON a.id = u.article_id "
            "WHERE u.article_id = ? ORDER BY u.url IS NOT a.url, u.seen_at, u.url",
            (article_id,),
        )
        return [r[0] for r in rows]

    def copies(self, article_id: int) -> list[StoredArticle]:
        rows = self._read(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE canonical_id = ? ORDER BY id", (article_id,)
        )
        return [_stored(r) for r in rows]

    def copy_urls(self, article_id: int) -> list[str]:
        """URLs of the copies folded into ``article_id`` (cheaper than :meth:`copies`)."""
        rows = self._read(
            "SELECT url FROM articles WHERE canonical_id = ? AND url IS NOT NULL ORDER BY id", (article_id,)
        )
        return [r[0] for r in rows]

    def search(self, query: str, flt: ArticleFilter | None = None) -> list[SearchHit]:
        """Ranked full-text search; see :meth:`Store.search`.

        ``score`` is the negated bm25 rank (title weighted ``TITLE_WEIGHT``
        times), so higher is better.  ``source`` is the outlet: the article's
        source, else its URL's host.  Snippets come from the text with matches
        between :data:`HIGHLIGHT_START` and :data:`HIGHLIGHT_END`.  Filters:
        ``source`` matches the source name or the URL's site (case-insensitive,
        subdomains included); ``since`` <= date < ``until``, where the date is
        ``published``, else ``fetched_at``; ``language`` "en" includes "en-GB".
        Plain words with punctuation are quoted for FTS5 ("U.S.-Russian").
        """
        flt = flt or ArticleFilter()
        match = prepare_query(query)
        clauses, params = _filter_sql(flt)
        if flt.limit is not None and flt.offset + flt.limit <= RANK_WINDOW:
            floor = self._rank_window_floor(query, match)
            if floor is not None:
                clauses.append("articles_fts.rowid >= ?")
                params.append(floor)
        where = "".join(f" AND {c}" for c in clauses)
        sql = (
            "SELECT a.id, a.title, a.url, a.outlet, a.published, a.language, "
            " snippet(articles_fts, 1, ?, ?, ?, ?) AS snippet, "
            " bm25(articles_fts, ?, 1.0) AS rank, "
            " (SELECT count(*) FROM articles c WHERE c.canonical_id = a.id) AS copies "
            "FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid "
            f"WHERE articles_fts MATCH ?{where} "
            "ORDER BY rank, a.id LIMIT ? OFFSET ?"
        )
        limit = -1 if flt.limit is None else max(flt.limit, 0)
        args = [HIGHLIGHT_START, HIGHLIGHT_END, SNIPPET_ELLIPSIS, SNIPPET_TOKENS, TITLE_WEIGHT,
                match, *params, limit, max(flt.offset, 0)]
        try:
            rows = self._reader().execute(sql, args).fetchall()
        except sqlite3.Error as exc:
            if _is_query_error(exc):
                raise _query_error(query, exc) from None
            raise StoreError(f"search failed: {exc}") from exc
        return [
            SearchHit(
                id=r["id"], title=r["title"], snippet=r["snippet"] or "", url=r["url"],
                source=r["outlet"], published=_parse_dt(r["published"]), language=r["language"],
                score=-float(r["rank"]), copies=int(r["copies"]),
            )
            for r in rows
        ]

    def _rank_window_floor(self, query: str, match: str) -> int | None:
        """The lowest rowid among the newest RANK_WINDOW matches, or None when there are fewer."""
        try:
            row = self._reader().execute(
                "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?",
                [match, RANK_WINDOW - 1]).fetchone()
        except sqlite3.Error as exc:
            if _is_query_error(exc):
                raise _query_error(query, exc) from None
            raise StoreError(f"search failed: {exc}") from exc
        return None if row is None else int(row[0])

    def _pages(self, select: str, clauses: list[str], params: list[Any],
               limit: int | None, offset: int) -> Iterator[sqlite3.Row]:
        """Keyset pagination by id: each page is a short read, so a slow consumer
        never holds a snapshot open and may write to the store while iterating."""
        last: int | None = None
        remaining = limit
        while remaining is None or remaining > 0:
            page = PAGE_SIZE if remaining is None else min(PAGE_SIZE, remaining)
            conds = list(clauses)
            args = list(params)
            if last is not None:
                conds.append("a.id > ?")
                args.append(last)
            where = " WHERE " + " AND ".join(conds) if conds else ""
            # OFFSET only applies to the first page; later pages start after `last`.
            skip = offset if last is None else 0
            rows = self._read(f"{select}{where} ORDER BY a.id LIMIT ? OFFSET ?", [*args, page, skip])
            yield from rows
            if len(rows) < page:
                return
            last = rows[-1]["id"]
            if remaining is not None:
                remaining -= len(rows)

    def iter_articles(self, flt: ArticleFilter | None = None) -> Iterator[StoredArticle]:
        flt = flt or ArticleFilter()
        clauses, params = _filter_sql(flt)
        columns = ", ".join(f"a.{c.strip()}" for c in _ARTICLE_COLUMNS.split(","))
        for row in self._pages(f"SELECT {columns} FROM articles a", clauses, params,
                               flt.limit, max(flt.offset, 0)):
            yield _stored(row)

    def count_articles(self, *, include_copies: bool = True) -> int:
        where = "" if include_copies else " WHERE canonical_id IS NULL"
        return int(self._read(f"SELECT count(*) FROM articles{where}")[0][0])

    def iter_signatures(self) -> Iterator[tuple[int, bytes, datetime | None]]:
        for row in self._pages("SELECT a.id, a.minhash, a.date_ts FROM articles a",
                               ["a.canonical_id IS NULL", "a.minhash IS NOT NULL"], [], None, 0):
            when = datetime.fromtimestamp(row["date_ts"], UTC) if row["date_ts"] is not None else None
            yield int(row["id"]), bytes(row["minhash"]), when

    def raw_html(self, article_id: int) -> bytes | None:
        row = self._read_one("SELECT html FROM raw_html WHERE article_id = ?", (article_id,))
        return None if row is None else zlib.decompress(row[0])

    def feeds(self) -> list[Feed]:
        return [_feed(r) for r in self._read(f"SELECT {', '.join(_FEED_COLUMNS)} FROM feeds ORDER BY url")]

    def get_feed(self, url: str) -> Feed | None:
        row = self._read_one(f"SELECT {', '.join(_FEED_COLUMNS)} FROM feeds WHERE url = ?", (url,))
        return None if row is None else _feed(row)

    # -- extras for the CLI ---------------------------------------------------------
    def stats(self) -> dict[str, int]:
        """Counts for a status line.

        Keys: ``articles``, ``canonical``, ``copies``, ``feeds``, ``sources``
        (distinct outlets), ``urls``, ``html`` (articles with raw HTML kept),
        ``db_bytes`` (on disk, WAL included), ``schema_version``.
        """
        row = self._read_one(
            "SELECT (SELECT count(*) FROM articles) AS articles,"
            " (SELECT count(*) FROM articles WHERE canonical_id IS NULL) AS canonical,"
            " 0 AS copies, (SELECT count(*) FROM feeds) AS feeds,"
            " (SELECT count(DISTINCT outlet) FROM articles) AS sources,"
            " (SELECT count(*) FROM article_urls) AS urls, (SELECT count(*) FROM raw_html) AS html,"
            " (SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()) AS db_bytes,"
            " (SELECT user_version FROM pragma_user_version()) AS schema_version"
        )
        assert row is not None
        numbers: dict[str, int] = dict(zip(row.keys(), tuple(row), strict=True))
        numbers["copies"] = numbers["articles"] - numbers["canonical"]
        if self.path is not None:
            # On disk: the file plus the WAL of writes not yet checkpointed into it.
            files = (self.path, self.path.with_name(self.path.name + "-wal"))
            numbers["db_bytes"] = sum(f.stat().st_size for f in files if f.exists())
        return numbers

    def sources(self, *, include_copies: bool = True) -> list[tuple[str, int]]:
        """(outlet, article count), most articles first; outlet is source else host."""
        where = "outlet IS NOT NULL" + ("" if include_copies else " AND canonical_id IS NULL")
        rows = self._read(
            f"SELECT min(outlet) AS outlet, count(*) AS n FROM articles WHERE {where} "
            "GROUP BY outlet ORDER BY n DESC, outlet"
        )
        return [(r["outlet"], int(r["n"])) for r in rows]

    # -- paging and health, for the web layer -----------------------------------------
    def article_page(self, flt: ArticleFilter | None = None, *, cursor: str | None = None,
                     limit: int = 50) -> tuple[list[StoredArticle], str | None]:
        """See :meth:`Store.article_page`.  Keyset paging on (date, id), so page 1,000 is as
        cheap as page 1 and articles arriving meanwhile never shift a page."""
        flt = flt or ArticleFilter()
        clauses, params = _filter_sql(flt)
        if cursor:
            when, last_id = _parse_cursor(cursor)
            if when is None:
                clauses.append("(a.date_ts IS NULL AND a.id < ?)")
                params.append(last_id)
            else:
                clauses.append("(a.date_ts < ? OR (a.date_ts = ? AND a.id < ?) OR a.date_ts IS NULL)")
                params += [when, when, last_id]
        where = " WHERE " + " AND ".join(clauses) if clauses else ""
        columns = ", ".join(f"a.{c.strip()}" for c in _ARTICLE_COLUMNS.split(","))
        size = max(1, min(int(limit), 1000))
        rows = self._read(f"SELECT {columns}, a.date_ts FROM articles a{where} "
                          "ORDER BY a.date_ts DESC, a.id DESC LIMIT ?", [*params, size + 1])
        following = None
        if len(rows) > size:
            rows = rows[:size]
            last = rows[-1]
            # Six decimals hold a microsecond timestamp exactly (it is the nearest double to them).
            following = f"{'n' if last['date_ts'] is None else format(float(last['date_ts']), '.6f')}:{last['id']}"
        return [_stored(r) for r in rows], following

    def outlet_activity(self) -> list[OutletActivity]:
        rows = self._read(
            "SELECT min(outlet) AS outlet, count(*) AS n, min(date_ts) AS first, max(date_ts) AS last "
            "FROM articles WHERE outlet IS NOT NULL GROUP BY outlet ORDER BY n DESC, outlet"
        )
        out = []
        for r in rows:
            first = None if r["first"] is None else datetime.fromtimestamp(r["first"], UTC)
            last = None if r["last"] is None else datetime.fromtimestamp(r["last"], UTC)
            days = max(1.0, (r["last"] - r["first"]) / 86400) if first and last else 1.0
            out.append(OutletActivity(outlet=r["outlet"], articles=int(r["n"]), first=first, last=last,
                                      per_day=int(r["n"]) / days))
        return out


def _parse_cursor(cursor: str) -> tuple[float | None, int]:
    when, sep, ident = cursor.partition(":")
    try:
        if not sep:
            raise ValueError(cursor)
        return (None if when == "n" else float(when)), int(ident)
    except ValueError:
        raise QueryError(f"bad page cursor {cursor!r} (use the next_cursor of a previous page)") from None
