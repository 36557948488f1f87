"""Schema of the understand tables: one migration, appended to ``MIGRATIONS``.

Until the understand stage ships, this may change freely; after that, append a new
migration instead of editing it.

Every row that states a fact (entity, quote, event) keeps its ``article_id`` and
sentence index, and the sentence text lives in ``analysed_sentences``: the
evidence is one join away.  ``analyses`` has one row per analysed article with
the analyser version and the article's content hash at the time, so
``newsgrasp enrich --stale`` finds articles analysed by an older analyser or
re-extracted since.  Replacing an analysis deletes the ``analyses`` row, whose
cascade removes everything else of that article.

Actors are normalised into ``actors`` (one row per distinct country, sector,
name, kind; '' stands for "none" so the UNIQUE constraint sees equal rows as
equal) and referenced by id; filters look the ids up by code or name first.
"""

SCHEMA = """
CREATE TABLE analyses (
    article_id    INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    version       TEXT NOT NULL,
    content_hash  TEXT NOT NULL,
    analysed_at   TEXT NOT NULL,
    sentences     INTEGER NOT NULL DEFAULT 0,
    entities      INTEGER NOT NULL DEFAULT 0,
    quotes        INTEGER NOT NULL DEFAULT 0,
    events        INTEGER NOT NULL DEFAULT 0,
    chars         INTEGER NOT NULL DEFAULT 0,
    truncated     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX analyses_version ON analyses(version);

CREATE TABLE analysed_sentences (
    article_id  INTEGER NOT NULL REFERENCES analyses(article_id) ON DELETE CASCADE,
    idx         INTEGER NOT NULL,
    start       INTEGER NOT NULL,
    end         INTEGER NOT NULL,
    text        TEXT NOT NULL,
    PRIMARY KEY (article_id, idx)
) WITHOUT ROWID;

CREATE TABLE actors (
    id       INTEGER PRIMARY KEY,
    code     TEXT NOT NULL,
    country  TEXT NOT NULL DEFAULT '',
    sector   TEXT NOT NULL DEFAULT '',
    name     TEXT NOT NULL DEFAULT '',
    kind     TEXT NOT NULL DEFAULT '',
    UNIQUE (country, sector, name, kind)
);
CREATE INDEX actors_code ON actors(code);
CREATE INDEX actors_name ON actors(name COLLATE NOCASE);

CREATE TABLE entities (
    id          INTEGER PRIMARY KEY,
    article_id  INTEGER NOT NULL REFERENCES analyses(article_id) ON DELETE CASCADE,
    idx         INTEGER NOT NULL,
    name        TEXT NOT NULL,
    label       TEXT NOT NULL,
    actor_id    INTEGER REFERENCES actors(id),
    UNIQUE (article_id, idx)
);
CREATE INDEX entities_actor ON entities(actor_id);
CREATE INDEX entities_name ON entities(name COLLATE NOCASE);

CREATE TABLE mentions (
    entity_id   INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    article_id  INTEGER NOT NULL,
    sentence    INTEGER NOT NULL,
    start       INTEGER NOT NULL,
    end         INTEGER NOT NULL,
    text        TEXT NOT NULL
);
CREATE INDEX mentions_entity ON mentions(entity_id);
CREATE INDEX mentions_article ON mentions(article_id, sentence);

CREATE TABLE quotes (
    id              INTEGER PRIMARY KEY,
    article_id      INTEGER NOT NULL REFERENCES analyses(article_id) ON DELETE CASCADE,
    idx             INTEGER NOT NULL,
    sentence        INTEGER NOT NULL,
    start           INTEGER NOT NULL,
    end             INTEGER NOT NULL,
    text            TEXT NOT NULL,
    kind            TEXT NOT NULL,
    speaker         TEXT,
    speaker_entity  INTEGER,             -- index into the article's entities
    speaker_name    TEXT,                -- that entity's name, for speaker filters
    actor_id        INTEGER REFERENCES actors(id)
);
CREATE INDEX quotes_article ON quotes(article_id, idx);
CREATE INDEX quotes_actor ON quotes(actor_id);
CREATE INDEX quotes_speaker ON quotes(speaker COLLATE NOCASE);

CREATE TABLE events (
    id              INTEGER PRIMARY KEY,
    article_id      INTEGER NOT NULL REFERENCES analyses(article_id) ON DELETE CASCADE,
    idx             INTEGER NOT NULL,
    sentence        INTEGER NOT NULL,
    category        TEXT NOT NULL,
    quad_class      INTEGER NOT NULL,
    intensity       REAL NOT NULL,
    mode            TEXT NOT NULL,
    source_id       INTEGER REFERENCES actors(id),
    target_id       INTEGER REFERENCES actors(id),
    source_text     TEXT,
    target_text     TEXT,
    trigger         TEXT,
    event_date      TEXT,                -- ISO date; the article's date when the text gives none
    date_text       TEXT,
    date_precision  TEXT NOT NULL,
    location        TEXT,
    confidence      REAL NOT NULL
);
CREATE INDEX events_article ON events(article_id, idx);
CREATE INDEX events_date ON events(event_date);
CREATE INDEX events_source ON events(source_id, event_date);
CREATE INDEX events_target ON events(target_id, event_date);
CREATE INDEX events_category ON events(category, event_date);
CREATE INDEX events_quad ON events(quad_class, event_date);
"""
