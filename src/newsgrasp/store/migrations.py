"""Ordered schema migrations for the SQLite store.

The schema version lives in ``PRAGMA user_version``; migration *n* takes a
database from version *n - 1* to *n*.  Never edit a migration that has shipped:
append a new one.  Each runs in its own transaction together with the version
bump, so a failed upgrade leaves the database as it was.
"""

from __future__ import annotations

import sqlite3

from .schema_stories import SCHEMA as STORIES_SCHEMA
from .schema_understand import SCHEMA as UNDERSTAND_SCHEMA

# Marks the file as ours (PRAGMA application_id) so we refuse to "migrate" some
# other program's SQLite database that happens to sit at the given path.
APPLICATION_ID = 0x4E475350  # "NGSP"

MIGRATIONS: list[str] = [
    # 1: articles, their addresses, raw HTML, feeds, full-text index.
    """
    CREATE TABLE articles (
        id            INTEGER PRIMARY KEY,
        url           TEXT,
        title         TEXT NOT NULL,
        text          TEXT NOT NULL,
        published     TEXT,                 -- ISO 8601, UTC
        published_ts  REAL,                 -- unix seconds, for range filters
        authors       TEXT NOT NULL DEFAULT '[]',  -- JSON array
        source        TEXT COLLATE NOCASE,
        outlet        TEXT COLLATE NOCASE,  -- source, else the URL's host
        host          TEXT,                 -- lower-case URL host without www., for filters
        via           TEXT,
        dateline      TEXT,
        language      TEXT COLLATE NOCASE,
        image         TEXT,
        description   TEXT,
        fetched_at    TEXT,
        date_ts       REAL,                 -- published, else fetched_at: what filters compare
        added_at      TEXT NOT NULL,
        origin        TEXT NOT NULL DEFAULT '',
        extractor     TEXT NOT NULL DEFAULT '',
        content_hash  TEXT NOT NULL,        -- not unique: a verbatim copy from another outlet shares it
        canonical_id  INTEGER REFERENCES articles(id) ON DELETE SET NULL,
        minhash       BLOB
    );
    CREATE INDEX articles_canonical ON articles(canonical_id);
    CREATE INDEX articles_hash ON articles(content_hash);
    CREATE INDEX articles_date ON articles(date_ts);
    CREATE INDEX articles_source ON articles(source);
    CREATE INDEX articles_outlet ON articles(outlet);
    CREATE INDEX articles_host ON articles(host);
    CREATE INDEX articles_language ON articles(language);

    CREATE TABLE article_urls (
        url         TEXT PRIMARY KEY,
        article_id  INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        seen_at     TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX article_urls_article ON article_urls(article_id);

    CREATE TABLE raw_html (
        article_id  INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        html        BLOB NOT NULL           -- zlib-compressed
    );

    CREATE TABLE feeds (
        url            TEXT PRIMARY KEY,
        title          TEXT,
        site_url       TEXT,
        etag           TEXT,
        last_modified  TEXT,
        last_success   TEXT,
        last_error     TEXT,
        last_checked   TEXT
    );

    CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, text,
        content='articles', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END;
    CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text)
            VALUES ('delete', old.id, old.title, old.text);
    END;
    -- Only title/text changes touch the index, so folding copies stays cheap.
    CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text)
            VALUES ('delete', old.id, old.title, old.text);
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END;
    """,
    # 2: pages that hold no article (section fronts, index pages listed in
    # sitemaps), remembered so that a re-run does not fetch them again.
    """
    CREATE TABLE skipped_urls (
        url      TEXT PRIMARY KEY,
        reason   TEXT NOT NULL,
        seen_at  TEXT NOT NULL
    ) WITHOUT ROWID;
    """,
    # 3: stories (issue 3), see schema_stories.py.
    STORIES_SCHEMA,
    # 4: entities, actors, quotes, events (issue 4), see schema_understand.py.
    UNDERSTAND_SCHEMA,
]

LATEST_VERSION = len(MIGRATIONS)


def split_statements(script: str) -> list[str]:
    """Split a script into statements; trigger bodies keep their inner semicolons.

    ``executescript`` would be simpler but it commits any open transaction first,
    which would break the one-transaction-per-migration guarantee.
    """
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        if not buffer.strip() and line.strip().startswith("--"):
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, *, target: int | None = None) -> int:
    """Bring ``conn``'s database up to ``target``; returns the version it started at.

    ``conn`` must be in autocommit mode (``isolation_level=None``).  The caller
    has already refused databases newer than the code; the version is read again
    under the write lock because another process may have migrated meanwhile.
    """
    if target is None:
        target = len(MIGRATIONS)
    conn.execute("BEGIN IMMEDIATE")
    try:
        start = schema_version(conn)
        for version in range(start + 1, target + 1):
            for statement in split_statements(MIGRATIONS[version - 1]):
                conn.execute(statement)
            # PRAGMA takes no parameters; ``version`` is an int we computed.
            conn.execute(f"PRAGMA user_version = {int(version)}")
        if start == 0 and target > 0:
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return start
