"""The SQLite store: round trips, copies, search, migrations, threads."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from newsgrasp.records import Article, ArticleFilter, Feed
from newsgrasp.store import (
    HIGHLIGHT_END,
    HIGHLIGHT_START,
    QueryError,
    SQLiteStore,
    Store,
    StoreError,
    migrations,
    open_store,
    split_highlights,
)
from newsgrasp.store import sqlite as sqlite_backend


@pytest.fixture(params=["memory", "file"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SQLiteStore]:
    target = ":memory:" if request.param == "memory" else str(tmp_path / "news.db")
    s = SQLiteStore(target)
    yield s
    s.close()


def art(title: str = "Title", text: str = "Some text.", **kw: object) -> Article:
    return Article(title=title, text=text, **kw)  # type: ignore[arg-type]


def full_article() -> Article:
    return Article(
        title="Café talks résumé",
        text="Ministers met in Geneva.\n\nThey agreed on nothing.",
        url="https://www.example.com/news/1",
        published=datetime(2024, 3, 1, 12, 30),  # naive: taken as UTC
        authors=["Ana Pérez", "Bob Li"],
        source="Example News",
        via="AP",
        dateline="GENEVA",
        language="en",
        image="https://example.com/img.jpg",
        description="A summary.",
        fetched_at=datetime(2024, 3, 1, 15, 0, tzinfo=timezone(timedelta(hours=2))),
        origin="feed:https://example.com/rss",
        raw_html=b"<html><p>Ministers met</p></html>",
        extractor="trafilatura",
    )


# -- round trips ------------------------------------------------------------------

def test_add_get_round_trip_all_fields(store: SQLiteStore) -> None:
    original = full_article()
    aid = store.add_article(original, content_hash="h1", signature=b"\x01\x02")
    got = store.get(aid)
    assert got is not None
    assert got.id == aid and got.content_hash == "h1" and got.canonical_id is None and not got.is_copy
    a = got.article
    assert a.title == original.title and a.text == original.text and a.url == original.url
    assert a.published == datetime(2024, 3, 1, 12, 30, tzinfo=UTC)
    assert a.published is not None and a.published.tzinfo is not None
    assert a.fetched_at == datetime(2024, 3, 1, 13, 0, tzinfo=UTC)
    assert a.fetched_at is not None and a.fetched_at.utcoffset() == timedelta(0)
    assert a.authors == ["Ana Pérez", "Bob Li"]
    for name in ("source", "via", "dateline", "language", "image", "description", "origin", "extractor"):
        assert getattr(a, name) == getattr(original, name), name
    assert a.raw_html is None  # fetched separately
    assert store.raw_html(aid) == original.raw_html
    assert got.added_at is not None and got.added_at.tzinfo is not None
    assert list(store.iter_signatures()) == [(aid, b"\x01\x02", a.published)]
    assert store.get(999) is None
    assert store.raw_html(999) is None


def test_minimal_article_and_keep_html_false(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "x.db", keep_html=False) as s:
        aid = s.add_article(art(raw_html=b"<p>x</p>"), content_hash="h")
        assert s.raw_html(aid) is None
        got = s.get(aid)
        assert got is not None and got.article.url is None and got.article.published is None
        assert s.urls(aid) == []


def test_url_aliases(store: SQLiteStore) -> None:
    aid = store.add_article(art(url="https://a.com/1"), content_hash="h1",
                            urls=["https://a.com/1?utm=x", "https://a.com/1"])
    assert store.urls(aid) == ["https://a.com/1", "https://a.com/1?utm=x"]
    for url in store.urls(aid):
        assert store.article_id_for_url(url) == aid
    assert store.article_id_for_url("https://nope") is None
    store.add_urls(aid, ["https://mirror.org/1"])
    assert store.article_id_for_url("https://mirror.org/1") == aid
    assert store.urls(aid)[0] == "https://a.com/1"
    # A URL maps to the latest article stored under it.
    bid = store.add_article(art("Other", "other text"), content_hash="h2", urls=["https://mirror.org/1"])
    assert store.article_id_for_url("https://mirror.org/1") == bid
    with pytest.raises(StoreError):
        store.add_urls(12345, ["https://x"])


def test_same_hash_copy_and_hash_lookup(store: SQLiteStore) -> None:
    aid = store.add_article(art(url="https://a/1"), content_hash="same")
    assert store.article_id_for_hash("same") == aid
    assert store.article_id_for_hash("other") is None
    # The same wire text from another outlet is kept as a copy sharing the hash.
    copy = store.add_article(art(url="https://b/1", source="B"), content_hash="same", canonical_id=aid)
    assert copy != aid and store.count_articles() == 2
    store.make_canonical(copy, [aid])
    assert store.article_id_for_hash("same") == copy  # the canonical one is preferred


def test_copies_and_make_canonical(store: SQLiteStore) -> None:
    a = store.add_article(art("A", "alpha", url="https://a/"), content_hash="a")
    b = store.add_article(art("B", "beta", url="https://b/"), content_hash="b", canonical_id=a)
    c = store.add_article(art("C", "gamma", url="https://c/"), content_hash="c", canonical_id=b)
    d = store.add_article(art("D", "delta", url="https://d/"), content_hash="d")
    # A copy of a copy points at the root.
    assert [x.id for x in store.copies(a)] == [b, c]
    assert store.copy_urls(a) == ["https://b/", "https://c/"]
    assert store.count_articles() == 4 and store.count_articles(include_copies=False) == 2

    store.make_canonical(c, [a, d])
    canonical_of = {}
    for i in (a, b, c, d):
        stored = store.get(i)
        assert stored is not None
        canonical_of[i] = stored.canonical_id
    assert canonical_of == {a: c, b: c, c: None, d: c}
    assert [x.id for x in store.copies(c)] == [a, b, d]
    assert store.copies(a) == []
    assert store.count_articles(include_copies=False) == 1
    with pytest.raises(StoreError):
        store.make_canonical(999, [a])
    with pytest.raises(StoreError):
        store.add_article(art("E", "eps"), content_hash="e", canonical_id=999)


def test_update_article(store: SQLiteStore) -> None:
    a = store.add_article(art("Old title", "zebra text", url="https://a/"), content_hash="a", signature=b"s")
    b = store.add_article(art("Copy", "copy text"), content_hash="b", canonical_id=a)
    store.add_article(art("Other", "other"), content_hash="o")
    store.update_article(a, art("New title", "giraffe text", url="https://a/2", raw_html=b"<p>g</p>"),
                         content_hash="a2", signature=b"t")
    got = store.get(a)
    assert got is not None and got.article.title == "New title" and got.content_hash == "a2"
    assert store.search("zebra") == []
    assert [h.id for h in store.search("giraffe")] == [a]
    assert set(store.urls(a)) == {"https://a/", "https://a/2"}
    assert [x.id for x in store.copies(a)] == [b]
    assert store.raw_html(a) == b"<p>g</p>"
    assert {i: blob for i, blob, _when in store.iter_signatures()} == {a: b"t"}
    store.update_article(a, art("Other", "other"), content_hash="o")  # a hash may be shared
    with pytest.raises(StoreError):
        store.update_article(999, art(), content_hash="zz")


def test_feeds(store: SQLiteStore) -> None:
    assert store.feeds() == [] and store.get_feed("https://f/rss") is None
    when = datetime(2024, 5, 1, 8, 0)
    store.upsert_feed(Feed("https://f/rss", title="F", etag='"abc"', last_checked=when))
    store.upsert_feed(Feed("https://e/rss"))
    f = store.get_feed("https://f/rss")
    assert f is not None and f.title == "F" and f.etag == '"abc"'
    assert f.last_checked == when.replace(tzinfo=UTC)
    store.upsert_feed(Feed("https://f/rss", title="F2", last_error="timeout", last_success=when))
    f = store.get_feed("https://f/rss")
    assert f is not None and f.title == "F2" and f.last_error == "timeout" and f.etag is None
    assert [x.url for x in store.feeds()] == ["https://e/rss", "https://f/rss"]


# -- search -----------------------------------------------------------------------

def seed(store: Store) -> dict[str, int]:
    ids = {}
    ids["title"] = store.add_article(
        art("Election results announced", "The count finished late on Sunday night.",
            url="https://www.bbc.co.uk/news/1", source="BBC News", language="en-GB",
            published=datetime(2024, 1, 10, tzinfo=UTC)), content_hash="1")
    ids["text"] = store.add_article(
        art("Weather report", "Rain is expected, though the election may still go ahead.",
            url="https://news.example.com/w", language="en", fetched_at=datetime(2024, 2, 10, tzinfo=UTC)),
        content_hash="2")
    ids["fr"] = store.add_article(
        art("Municipales à Paris", "Les électeurs votent dimanche à Paris.",
            url="https://lemonde.fr/a", source="Le Monde", language="fr",
            published=datetime(2024, 3, 10, tzinfo=UTC)), content_hash="3")
    ids["copy"] = store.add_article(
        art("Election results announced", "The count finished late on Sunday night, officials said.",
            url="https://feeds.bbc.co.uk/c", language="en", published=datetime(2024, 1, 11, tzinfo=UTC)),
        content_hash="4", canonical_id=ids["title"])
    return ids


def test_search_ranking_snippet_and_copies(store: SQLiteStore) -> None:
    ids = seed(store)
    hits = store.search("election")
    assert [h.id for h in hits] == [ids["title"], ids["text"]]  # title match first, no copies
    assert hits[0].score > hits[1].score
    assert hits[0].copies == 1 and hits[1].copies == 0
    assert hits[0].source == "BBC News" and hits[1].source == "news.example.com"
    assert hits[0].published == datetime(2024, 1, 10, tzinfo=UTC)
    assert f"{HIGHLIGHT_START}election{HIGHLIGHT_END}" in hits[1].snippet
    pieces = split_highlights(hits[1].snippet)
    assert ("election", True) in pieces and "".join(p for p, _ in pieces).startswith("Rain")
    # Stemming ("elections" finds "election") and diacritics ("electeurs" finds "électeurs").
    assert [h.id for h in store.search("elections")] == [ids["title"], ids["text"]]
    assert [h.id for h in store.search("electeurs")] == [ids["fr"]]
    with_copies = store.search("election", ArticleFilter(include_copies=True))
    assert {h.id for h in with_copies} == {ids["title"], ids["text"], ids["copy"]}


def test_search_filters(store: SQLiteStore) -> None:
    ids = seed(store)

    def found(**kw: object) -> set[int]:
        return {h.id for h in store.search("election OR electeurs OR elections", ArticleFilter(**kw))}  # type: ignore[arg-type]

    assert found() == {ids["title"], ids["text"], ids["fr"]}
    assert found(source="bbc news") == {ids["title"]}
    assert found(source="BBC.co.uk") == {ids["title"]}
    assert found(source="www.bbc.co.uk", include_copies=True) == {ids["title"], ids["copy"]}
    assert found(source="example.com") == {ids["text"]}
    assert found(source="le monde") == {ids["fr"]}
    assert found(source="nowhere") == set()
    assert found(language="en") == {ids["title"], ids["text"]}
    assert found(language="EN-gb") == {ids["title"]}
    assert found(language="fr") == {ids["fr"]}
    # since/until are half-open and use fetched_at when published is missing.
    assert found(since=datetime(2024, 2, 1)) == {ids["text"], ids["fr"]}
    assert found(until=datetime(2024, 2, 10, tzinfo=UTC)) == {ids["title"]}
    assert found(since=datetime(2024, 2, 10, tzinfo=UTC), until=datetime(2024, 3, 1)) == {ids["text"]}
    berlin = timezone(timedelta(hours=1))
    assert found(since=datetime(2024, 3, 10, 1, 0, tzinfo=berlin)) == {ids["fr"]}
    ranked = [h.id for h in store.search("election OR electeurs OR elections")]
    assert [h.id for h in store.search("election OR electeurs OR elections", ArticleFilter(limit=1))] == ranked[:1]
    assert [h.id for h in store.search("election OR electeurs OR elections",
                                       ArticleFilter(limit=2, offset=1))] == ranked[1:3]


@pytest.mark.parametrize("query", [
    '"unbalanced', "AND", "election AND", "OR", "NOT", "*", "foo:bar", "(election", "election)",
    "NEAR(", "   ", "", "^", ":x",
])
def test_malformed_queries_raise_query_error(store: SQLiteStore, query: str) -> None:
    seed(store)
    with pytest.raises(QueryError) as info:
        store.search(query)
    message = str(info.value)
    assert "\n" not in message and message
    assert "sqlite" not in message.lower()
    assert isinstance(info.value, StoreError)


@pytest.mark.parametrize("query, expect", [
    ("U.S.-Russian", True), ("u.s.-russian talks", True), ("AT&T", True), ("C++", True),
    ("e-mail", True), ("rock & roll", True), ("talks, summit.", True), ("U.S. AND talks", True),
    ("@#!", False), ("title:summit", True), ("summ*", True), ('"russian summit"', True), ('"russian talks"', False),
])
def test_punctuation_and_syntax_queries(store: SQLiteStore, query: str, expect: bool) -> None:
    aid = store.add_article(art("U.S.-Russian summit", "AT&T, C++ and e-mail talks; rock & roll."),
                            content_hash="p")
    assert [h.id for h in store.search(query)] == ([aid] if expect else [])


# -- iteration --------------------------------------------------------------------

def test_iter_articles_streams_with_filters(store: SQLiteStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sqlite_backend, "PAGE_SIZE", 3)
    ids = [store.add_article(art(f"T{i}", f"text {i}", language="en" if i % 2 else "de",
                                 published=datetime(2024, 1, 1 + i, tzinfo=UTC)), content_hash=f"h{i}")
           for i in range(10)]
    copy = store.add_article(art("copy", "copy"), content_hash="c", canonical_id=ids[0])
    assert [s.id for s in store.iter_articles()] == ids
    assert [s.id for s in store.iter_articles(ArticleFilter(include_copies=True))] == ids + [copy]
    assert [s.id for s in store.iter_articles(ArticleFilter(language="en"))] == ids[1::2]
    assert [s.id for s in store.iter_articles(ArticleFilter(limit=4, offset=2))] == ids[2:6]
    assert [s.id for s in store.iter_articles(ArticleFilter(limit=7, offset=1))] == ids[1:8]
    assert [s.id for s in store.iter_articles(ArticleFilter(since=datetime(2024, 1, 8)))] == ids[7:]
    # Writing while iterating is fine: pages are short reads.
    it = store.iter_articles()
    first = next(it)
    store.update_article(first.id, art("T0 new", "changed"), content_hash="new0")
    assert len([first, *it]) == 10


# -- lifecycle, migrations --------------------------------------------------------

def test_reopen_keeps_data_and_closed_store_refuses(tmp_path: Path) -> None:
    path = tmp_path / "news.db"
    s = SQLiteStore(path)
    aid = s.add_article(full_article(), content_hash="h", urls=["https://alias/1"])
    s.upsert_feed(Feed("https://f/rss"))
    s.close()
    s.close()  # idempotent
    with pytest.raises(StoreError):
        s.get(aid)
    with pytest.raises(StoreError):
        s.add_article(art(), content_hash="x")
    again = SQLiteStore(path)
    with again:
        got = again.get(aid)
        assert got is not None and got.article.title == full_article().title
        assert again.article_id_for_url("https://alias/1") == aid
        assert again.search("geneva")[0].id == aid
        assert [f.url for f in again.feeds()] == ["https://f/rss"]
        assert again.schema_version == migrations.LATEST_VERSION


def test_fresh_database_schema(tmp_path: Path) -> None:
    path = tmp_path / "fresh.db"
    SQLiteStore(path).close()
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations.LATEST_VERSION
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA application_id").fetchone()[0] == migrations.APPLICATION_ID
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"articles", "article_urls", "raw_html", "feeds", "articles_fts"} <= tables
    finally:
        conn.close()


def test_future_schema_version_refused_and_file_untouched(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    SQLiteStore(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {migrations.LATEST_VERSION + 5}")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="newer|only knows"):
        SQLiteStore(path)
    assert path.read_bytes() == before


def test_foreign_and_garbage_files_refused(tmp_path: Path) -> None:
    foreign = tmp_path / "other.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE things (x)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="not a newsgrasp"):
        SQLiteStore(foreign)
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError):
        SQLiteStore(garbage)
    with pytest.raises(StoreError, match="does not exist"):
        SQLiteStore(tmp_path / "missing-dir" / "x.db")


def test_failed_migration_rolls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "m.db"
    SQLiteStore(path).close()
    broken = [*migrations.MIGRATIONS, "CREATE TABLE migration_probe (id INTEGER PRIMARY KEY);\nTHIS IS NOT SQL;"]
    monkeypatch.setattr(migrations, "MIGRATIONS", broken)
    monkeypatch.setattr(migrations, "LATEST_VERSION", len(broken))
    monkeypatch.setattr(sqlite_backend, "LATEST_VERSION", len(broken))
    with pytest.raises(StoreError):
        SQLiteStore(path)
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(broken) - 1
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'migration_probe'").fetchone()[0] == 0
    finally:
        conn.close()


def test_split_statements_keeps_trigger_bodies() -> None:
    statements = migrations.split_statements(migrations.MIGRATIONS[0])
    triggers = [s for s in statements if s.startswith("CREATE TRIGGER")]
    assert len(triggers) == 3 and all(s.rstrip().endswith("END;") for s in triggers)


# -- concurrency ------------------------------------------------------------------

def test_many_threads_write_and_read(store: SQLiteStore) -> None:
    errors: list[BaseException] = []
    done = threading.Event()

    def writer(n: int) -> None:
        try:
            for i in range(200):
                store.add_article(art(f"Story {n}-{i}", f"parliament debate number {i} from writer {n}",
                                      url=f"https://w{n}.example/{i}"),
                                  content_hash=f"{n}-{i}", urls=[f"https://alias{n}.example/{i}"])
        except BaseException as exc:
            errors.append(exc)

    def reader() -> None:
        try:
            while not done.is_set():
                store.search("parliament", ArticleFilter(limit=5))
                store.count_articles()
                store.article_id_for_url("https://w1.example/3")
        except BaseException as exc:
            errors.append(exc)

    writers = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    readers = [threading.Thread(target=reader) for _ in range(3)]
    for t in readers + writers:
        t.start()
    for t in writers:
        t.join()
    done.set()
    for t in readers:
        t.join()
    assert errors == []
    assert store.count_articles() == 800
    assert len(store.search("parliament", ArticleFilter(limit=1000))) == 800
    assert store.stats()["urls"] == 1600


# -- open_store and extras ---------------------------------------------------------

def test_open_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import platformdirs

    monkeypatch.setattr(platformdirs, "user_data_dir", lambda *a, **k: str(tmp_path / "data" / "newsgrasp"))
    with open_store(None) as s:
        assert isinstance(s, SQLiteStore) and s.path == tmp_path / "data" / "newsgrasp" / "newsgrasp.db"
    assert (tmp_path / "data" / "newsgrasp" / "newsgrasp.db").exists()
    with open_store(":memory:") as s:
        assert isinstance(s, SQLiteStore) and s.memory
    with open_store(str(tmp_path / "p.db")) as s:
        assert isinstance(s, SQLiteStore) and s.path == tmp_path / "p.db"
    with open_store(f"sqlite:///{tmp_path / 'u.db'}") as s:
        assert isinstance(s, SQLiteStore) and s.path == tmp_path / "u.db"
    with pytest.raises(StoreError, match="PostgreSQL backend not available yet"):
        open_store("postgresql://user@localhost/news")
    with pytest.raises(StoreError):
        open_store("mysql://x")


def test_memory_stores_are_separate() -> None:
    with SQLiteStore(":memory:") as one, SQLiteStore(":memory:") as two:
        one.add_article(art(), content_hash="h")
        assert one.count_articles() == 1 and two.count_articles() == 0


def test_stats_and_sources(store: SQLiteStore) -> None:
    seed(store)
    store.upsert_feed(Feed("https://f/rss"))
    stats = store.stats()
    assert stats["articles"] == 4 and stats["canonical"] == 3 and stats["copies"] == 1
    assert stats["feeds"] == 1 and stats["sources"] == 4 and stats["db_bytes"] > 0
    assert stats["schema_version"] == migrations.LATEST_VERSION
    assert dict(store.sources()) == {"BBC News": 1, "news.example.com": 1, "Le Monde": 1,
                                     "feeds.bbc.co.uk": 1}
    assert len(store.sources(include_copies=False)) == 3


def test_skipped_urls_are_remembered(tmp_path):
    from newsgrasp.store import SQLiteStore

    path = tmp_path / "s.db"
    with SQLiteStore(path) as db:
        assert db.skipped_url_reason("https://a/section/") is None
        db.note_skipped_url("https://a/section/", "not an article")
    with SQLiteStore(path) as db:
        assert db.skipped_url_reason("https://a/section/") == "not an article"


def test_upgrade_from_schema_1_keeps_articles(tmp_path):
    import sqlite3 as _sqlite3

    from newsgrasp.store import SQLiteStore
    from newsgrasp.store.migrations import LATEST_VERSION, migrate

    path = tmp_path / "old.db"
    conn = _sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=1)
    conn.execute("INSERT INTO articles(title, text, content_hash, added_at) "
                 "VALUES ('Old title', 'old text body', 'h1', '2020-01-01T00:00:00+00:00')")
    conn.close()
    with SQLiteStore(path) as db:
        assert db.schema_version == LATEST_VERSION >= 2
        assert [s.article.title for s in db.iter_articles()] == ["Old title"]
        assert db.search("old")[0].title == "Old title"
        db.note_skipped_url("https://a/", "not an article")


def test_ranked_pages_rank_only_the_newest_matches_of_a_huge_result(store, monkeypatch):
    monkeypatch.setattr(sqlite_backend, "RANK_WINDOW", 3)
    ids = [store.add_article(art(f"Report {i}", "sanctions " * (10 - i)), content_hash=f"h{i}") for i in range(6)]
    # The oldest articles mention the word most, so plain bm25 would rank them first.
    everything = store.search("sanctions")
    assert [h.id for h in everything][:2] == ids[:2]
    page = store.search("sanctions", ArticleFilter(limit=2))
    assert {h.id for h in page} <= set(ids[-3:])
    assert [h.id for h in page] == sorted(ids[-3:])[:2]
    # A page beyond the window falls back to ranking every match.
    assert len(store.search("sanctions", ArticleFilter(limit=5))) == 5
