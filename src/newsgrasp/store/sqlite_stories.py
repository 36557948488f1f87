"""SQLite implementation of :class:`~newsgrasp.store.base_stories.StoryStore`."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from ..records import Story, StoryCopy, StoryDigest, StoryFilter, StoryInput, StoryMember, StorySummary

T = TypeVar("T")

_SUMMARY_COLUMNS = ("s.id, s.headline, s.headline_article_id, s.first_ts, s.last_ts, s.articles, s.copies, "
                    "s.outlets, s.keywords, s.entities")
_SORTS = ("latest", "biggest", "relevance")


def _dt(ts: float | None) -> datetime | None:
    return None if ts is None else datetime.fromtimestamp(ts, UTC)


def _summary(row: sqlite3.Row, score: float | None = None) -> StorySummary:
    return StorySummary(
        id=int(row["id"]), headline=row["headline"], headline_article_id=row["headline_article_id"],
        first_seen=_dt(row["first_ts"]), last_updated=_dt(row["last_ts"]), articles=int(row["articles"]),
        copies=int(row["copies"]), outlets=list(json.loads(row["outlets"])),
        keywords=list(json.loads(row["keywords"])), entities=list(json.loads(row["entities"])), score=score,
    )


def _refresh(conn: sqlite3.Connection, story_id: int) -> None:
    """Recompute a story's counts, dates and outlets from its members; drop it if it has none."""
    row = conn.execute(
        "SELECT count(*), min(a.date_ts), max(a.date_ts) FROM story_articles m "
        "JOIN articles a ON a.id = m.article_id WHERE m.story_id = ?", (story_id,)).fetchone()
    if not row[0]:
        conn.execute("DELETE FROM stories WHERE id = ?", (story_id,))
        return
    copies = conn.execute(
        "SELECT count(*) FROM articles c JOIN story_articles m ON c.canonical_id = m.article_id "
        "WHERE m.story_id = ?", (story_id,)).fetchone()[0]
    # Outlets carrying the story, copies included (a wire copy is that outlet's
    # coverage too), most articles first.
    outlets = [r[0] for r in conn.execute(
        "SELECT min(a.outlet) AS outlet, count(*) AS n FROM articles a "
        "WHERE a.outlet IS NOT NULL AND (a.id IN (SELECT article_id FROM story_articles WHERE story_id = ?) "
        " OR a.canonical_id IN (SELECT article_id FROM story_articles WHERE story_id = ?)) "
        "GROUP BY a.outlet ORDER BY n DESC, outlet", (story_id, story_id))]
    conn.execute(
        "UPDATE stories SET articles = ?, first_ts = ?, last_ts = ?, copies = ?, outlets = ?, updated_at = ? "
        "WHERE id = ?",
        (row[0], row[1], row[2], copies, json.dumps(outlets, ensure_ascii=False),
         datetime.now(UTC).isoformat(), story_id))


def _upsert_story(conn: sqlite3.Connection, digest: StoryDigest) -> None:
    conn.execute(
        "INSERT INTO stories(id, headline, headline_article_id, keywords, entities, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET headline = excluded.headline, "
        "headline_article_id = excluded.headline_article_id, keywords = excluded.keywords, "
        "entities = excluded.entities",
        (digest.id, digest.headline, digest.headline_article_id, json.dumps(digest.keywords, ensure_ascii=False),
         json.dumps(digest.entities, ensure_ascii=False), datetime.now(UTC).isoformat()))


def _bump_terms(conn: sqlite3.Connection, terms: Sequence[str]) -> None:
    conn.executemany("INSERT INTO story_terms(term, df) VALUES (?, 1) "
                     "ON CONFLICT(term) DO UPDATE SET df = df + 1", [(t,) for t in terms])
    conn.execute("INSERT INTO story_state(key, value) VALUES ('n_docs', '1') "
                 "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1")


class SQLiteStoryMixin:
    """Mixed into :class:`SQLiteStore`: writes go through its writer thread, reads through its readers."""

    if TYPE_CHECKING:
        def _write(self, fn: Callable[[sqlite3.Connection], T]) -> T: ...
        def _read(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]: ...
        def _read_one(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None: ...
        def _reader(self) -> sqlite3.Connection: ...

    # -- writes -----------------------------------------------------------------------
    def save_story(self, digest: StoryDigest, *, article_id: int | None = None, score: float = 0.0,
                   merged: Sequence[int] = (), terms: Sequence[str] = ()) -> None:
        gone = json.dumps(sorted({int(m) for m in merged} - {digest.id}))

        def op(conn: sqlite3.Connection) -> None:
            _upsert_story(conn, digest)
            conn.execute("UPDATE story_articles SET story_id = ? "
                         "WHERE story_id IN (SELECT value FROM json_each(?))", (digest.id, gone))
            conn.execute("DELETE FROM stories WHERE id IN (SELECT value FROM json_each(?))", (gone,))
            if article_id is not None:
                conn.execute("INSERT INTO story_articles(article_id, story_id, score) VALUES (?, ?, ?) "
                             "ON CONFLICT(article_id) DO UPDATE SET story_id = excluded.story_id, "
                             "score = excluded.score", (article_id, digest.id, score))
            if terms:
                _bump_terms(conn, terms)
            _refresh(conn, digest.id)

        self._write(op)

    def regroup_stories(self, digests: Sequence[StoryDigest], *, removed: Sequence[int] = (),
                        article_id: int | None = None, score: float = 0.0, terms: Sequence[str] = ()) -> None:
        moves = [(d.id, aid) for d in digests for aid in d.members]
        if len({aid for _, aid in moves}) != len(moves):
            raise ValueError("an article is listed in more than one story")
        kept = {d.id for d in digests}
        gone = json.dumps(sorted({int(r) for r in removed} - kept))

        def op(conn: sqlite3.Connection) -> None:
            for digest in digests:
                _upsert_story(conn, digest)
            # Existing rows keep their join score; only the story changes.
            conn.executemany("UPDATE story_articles SET story_id = ? WHERE article_id = ?", moves)
            if article_id is not None:
                story = next((d.id for d in digests if article_id in d.members), None)
                if story is None:
                    raise ValueError(f"article {article_id} is in none of the regrouped stories")
                conn.execute("INSERT INTO story_articles(article_id, story_id, score) VALUES (?, ?, ?) "
                             "ON CONFLICT(article_id) DO UPDATE SET story_id = excluded.story_id, "
                             "score = excluded.score", (article_id, story, score))
            stranded = conn.execute("SELECT count(*) FROM story_articles WHERE story_id IN "
                                    "(SELECT value FROM json_each(?))", (gone,)).fetchone()[0]
            if stranded:
                raise ValueError(f"{stranded} articles would be left in removed stories")
            conn.execute("DELETE FROM stories WHERE id IN (SELECT value FROM json_each(?))", (gone,))
            if terms:
                _bump_terms(conn, terms)
            for digest in digests:
                _refresh(conn, digest.id)

        self._write(op)

    def story_exists(self, story_id: int) -> bool:
        return self._read_one("SELECT 1 FROM stories WHERE id = ?", (story_id,)) is not None

    def replace_stories(self, digests: Iterable[StoryDigest], *, n_docs: int,
                        frequencies: Mapping[str, int], scores: Mapping[int, float] | None = None) -> int:
        items = list(digests)
        scores = scores or {}
        members = [(aid, d.id, scores.get(aid, 0.0)) for d in items for aid in d.members]
        if len({aid for aid, _, _ in members}) != len(members):
            raise ValueError("an article is listed in more than one story")

        def op(conn: sqlite3.Connection) -> int:
            for table in ("story_articles", "stories", "story_terms", "story_state"):
                conn.execute(f"DELETE FROM {table}")
            for digest in items:
                _upsert_story(conn, digest)
            conn.executemany("INSERT INTO story_articles(article_id, story_id, score) VALUES (?, ?, ?)",
                             members)
            conn.executemany("INSERT INTO story_terms(term, df) VALUES (?, ?)", sorted(frequencies.items()))
            conn.execute("INSERT INTO story_state(key, value) VALUES ('n_docs', ?)", (str(n_docs),))
            for digest in items:
                _refresh(conn, digest.id)
            return len(items)

        return self._write(op)

    def move_story_member(self, old_article_id: int, new_article_id: int) -> None:
        def op(conn: sqlite3.Connection) -> None:
            row = conn.execute("SELECT story_id, score FROM story_articles WHERE article_id = ?",
                               (old_article_id,)).fetchone()
            if row is None:
                return
            conn.execute("DELETE FROM story_articles WHERE article_id IN (?, ?)",
                         (old_article_id, new_article_id))
            conn.execute("INSERT INTO story_articles(article_id, story_id, score) VALUES (?, ?, ?)",
                         (new_article_id, row["story_id"], row["score"]))
            conn.execute("UPDATE stories SET headline_article_id = ? WHERE headline_article_id = ?",
                         (new_article_id, old_article_id))
            _refresh(conn, row["story_id"])

        self._write(op)

    def refresh_story_of(self, article_id: int) -> None:
        def op(conn: sqlite3.Connection) -> None:
            row = conn.execute(
                "SELECT m.story_id FROM articles a JOIN story_articles m "
                "ON m.article_id = coalesce(a.canonical_id, a.id) WHERE a.id = ?", (article_id,)).fetchone()
            if row is not None:
                _refresh(conn, row[0])

        self._write(op)

    def mark_stories_stale(self) -> None:
        def op(conn: sqlite3.Connection) -> None:
            conn.execute("INSERT INTO story_state(key, value) VALUES ('stale', '1') "
                         "ON CONFLICT(key) DO UPDATE SET value = '1'")

        self._write(op)

    def stories_stale(self) -> bool:
        return self._read_one("SELECT 1 FROM story_state WHERE key = 'stale'") is not None

    # -- saved clusterer state ---------------------------------------------------------------
    def story_frequencies(self) -> tuple[int, dict[str, int]]:
        row = self._read_one("SELECT value FROM story_state WHERE key = 'n_docs'")
        n_docs = int(row[0]) if row is not None else 0
        return n_docs, {r[0]: int(r[1]) for r in self._read("SELECT term, df FROM story_terms")}

    def active_story_members(self, since: datetime | None, limit: int) -> list[tuple[int, list[StoryInput]]]:
        args: list[Any] = []
        where = ""
        if since is not None:
            where = "WHERE last_ts IS NULL OR last_ts >= ?"
            args.append(since.timestamp())
        ids = [r[0] for r in self._read(
            f"SELECT id FROM stories {where} ORDER BY last_ts IS NULL, last_ts DESC, id DESC LIMIT ?",
            [*args, max(limit, 0)])]
        out: list[tuple[int, list[StoryInput]]] = []
        for story_id in sorted(ids):
            rows = self._read(
                "SELECT a.id, a.title, a.text, a.date_ts, a.outlet FROM story_articles m "
                "JOIN articles a ON a.id = m.article_id WHERE m.story_id = ? ORDER BY a.id", (story_id,))
            out.append((story_id, [StoryInput(r["id"], r["title"], r["text"], _dt(r["date_ts"]), r["outlet"])
                                   for r in rows]))
        return out

    def story_assignments(self) -> dict[int, int]:
        return {int(r[0]): int(r[1]) for r in self._read("SELECT article_id, story_id FROM story_articles")}

    # -- reads ---------------------------------------------------------------------------
    def _story_query(self, flt: StoryFilter, select: str) -> tuple[str, list[Any]]:
        from .sqlite import _filter_sql, prepare_query

        if flt.sort not in _SORTS:
            raise ValueError(f"unknown story sort {flt.sort!r} (use one of: {', '.join(_SORTS)})")
        clauses: list[str] = ["s.articles >= ?"]
        params: list[Any] = [max(flt.min_articles, 1)]
        if flt.since is not None:
            clauses.append("(s.last_ts IS NULL OR s.last_ts >= ?)")
            params.append(flt.since.timestamp() if flt.since.tzinfo else flt.since.replace(tzinfo=UTC).timestamp())
        if flt.until is not None:
            clauses.append("(s.first_ts IS NULL OR s.first_ts < ?)")
            params.append(flt.until.timestamp() if flt.until.tzinfo else flt.until.replace(tzinfo=UTC).timestamp())
        from ..records import ArticleFilter

        member_clauses, member_params = _filter_sql(ArticleFilter(source=flt.source, language=flt.language,
                                                                  include_copies=True))
        if member_clauses:
            clauses.append("s.id IN (SELECT m.story_id FROM story_articles m JOIN articles a "
                           "ON a.id = m.article_id OR a.canonical_id = m.article_id WHERE "
                           + " AND ".join(member_clauses) + ")")
            params += member_params
        join = ""
        if flt.query:
            # Best member's bm25 (title weighted like article search) ranks the story.
            # A copy's match counts for the story of its canonical.  LIMIT keeps
            # SQLite from flattening the subquery: bm25() only works right on the FTS scan.
            join = ("JOIN (SELECT m.story_id AS sid, max(x.r) AS rel FROM "
                    "(SELECT rowid AS aid, -bm25(articles_fts, 5.0, 1.0) AS r FROM articles_fts "
                    " WHERE articles_fts MATCH ? LIMIT -1) x JOIN articles a ON a.id = x.aid "
                    "JOIN story_articles m ON m.article_id = coalesce(a.canonical_id, a.id) "
                    "GROUP BY m.story_id) q ON q.sid = s.id ")
            params.insert(0, prepare_query(flt.query))
        rel = "q.rel" if flt.query else "NULL"
        sql = f"SELECT {select.format(rel=rel)} FROM stories s {join}WHERE " + " AND ".join(clauses)
        return sql, params

    def list_stories(self, flt: StoryFilter | None = None) -> list[StorySummary]:
        flt = flt or StoryFilter()
        sql, params = self._story_query(flt, _SUMMARY_COLUMNS + ", {rel} AS rel")
        if flt.sort == "relevance" and flt.query:
            order = "rel DESC, s.last_ts DESC, s.id DESC"
        elif flt.sort == "biggest":
            order = "s.articles DESC, s.copies DESC, s.last_ts DESC, s.id DESC"
        else:
            order = "s.last_ts IS NULL, s.last_ts DESC, s.id DESC"
        limit = -1 if flt.limit is None else max(flt.limit, 0)
        rows = self._run_story_query(f"{sql} ORDER BY {order} LIMIT ? OFFSET ?",
                                     [*params, limit, max(flt.offset, 0)], flt.query)
        return [_summary(r, r["rel"]) for r in rows]

    def count_stories(self, flt: StoryFilter | None = None) -> int:
        flt = flt or StoryFilter()
        sql, params = self._story_query(flt, "count(*)")
        return int(self._run_story_query(sql, params, flt.query)[0][0])

    def _run_story_query(self, sql: str, params: list[Any], query: str | None) -> list[sqlite3.Row]:
        from .base import StoreError
        from .sqlite import _is_query_error, _query_error

        try:
            return self._reader().execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            if query and _is_query_error(exc):
                raise _query_error(query, exc) from None
            raise StoreError(f"story listing failed: {exc}") from exc

    def get_story(self, story_id: int) -> Story | None:
        row = self._read_one(f"SELECT {_SUMMARY_COLUMNS} FROM stories s WHERE s.id = ?", (story_id,))
        if row is None:
            return None
        members: list[StoryMember] = []
        by_id: dict[int, StoryMember] = {}
        for r in self._read(
                "SELECT a.id, a.title, a.outlet, a.url, a.date_ts, a.language FROM story_articles m "
                "JOIN articles a ON a.id = m.article_id WHERE m.story_id = ? "
                "ORDER BY a.date_ts IS NULL, a.date_ts, a.id", (story_id,)):
            member = StoryMember(r["id"], r["title"], r["outlet"], r["url"], _dt(r["date_ts"]), r["language"])
            members.append(member)
            by_id[member.article_id] = member
        for r in self._read(
                "SELECT c.id, c.canonical_id, c.outlet, c.via, c.url, c.date_ts FROM articles c "
                "JOIN story_articles m ON c.canonical_id = m.article_id WHERE m.story_id = ? ORDER BY c.id",
                (story_id,)):
            by_id[r["canonical_id"]].copies.append(
                StoryCopy(r["id"], r["outlet"], r["via"], r["url"], _dt(r["date_ts"])))
        return Story(_summary(row), members)

    def story_of_article(self, article_id: int) -> StorySummary | None:
        row = self._read_one(
            f"SELECT {_SUMMARY_COLUMNS} FROM articles a JOIN story_articles m "
            "ON m.article_id = coalesce(a.canonical_id, a.id) JOIN stories s ON s.id = m.story_id "
            "WHERE a.id = ?", (article_id,))
        return None if row is None else _summary(row)
