"""Schema of the stories tables: one migration, appended to ``MIGRATIONS``.

Until the stories stage ships, this may change freely; after that, append a new
migration instead of editing it.

* ``stories``: one row per story with what listings show, kept up to date by
  every write so a listing never aggregates member rows.  ``id`` is stable:
  the first member's article id when the story opened, kept across rebuilds
  for stories whose membership barely changed.
* ``story_articles``: canonical article → its one story (the primary key
  makes "an article is in exactly one story" a constraint, not a hope).
* ``story_terms`` / ``story_state``: the clusterer's document frequencies, so
  IDF survives restarts without re-reading every stored text.
"""

SCHEMA = """
CREATE TABLE stories (
    id                   INTEGER PRIMARY KEY,
    headline             TEXT NOT NULL,
    headline_article_id  INTEGER,
    first_ts             REAL,                 -- earliest member date (published, else fetched)
    last_ts              REAL,                 -- latest member date
    articles             INTEGER NOT NULL DEFAULT 0,   -- canonical members
    copies               INTEGER NOT NULL DEFAULT 0,   -- copies folded into the members
    outlets              TEXT NOT NULL DEFAULT '[]',   -- JSON array, by number of articles
    keywords             TEXT NOT NULL DEFAULT '[]',
    entities             TEXT NOT NULL DEFAULT '[]',
    updated_at           TEXT NOT NULL
);
CREATE INDEX stories_last ON stories(last_ts);
CREATE INDEX stories_size ON stories(articles);

CREATE TABLE story_articles (
    article_id  INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    story_id    INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    score       REAL NOT NULL DEFAULT 0          -- similarity when it joined (0: opened the story)
);
CREATE INDEX story_articles_story ON story_articles(story_id, article_id);

CREATE TABLE story_terms (
    term  TEXT PRIMARY KEY,
    df    INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE story_state (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
) WITHOUT ROWID;
"""
