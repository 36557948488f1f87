"""The JSON API under /api/v1/, through FastAPI's test client, over the demo corpus."""

from __future__ import annotations

import csv
import io
import json
import warnings
from collections.abc import Iterator

import pytest

from newsgrasp.store import SQLiteStore

from ._web_support import desk_db

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from newsgrasp.web import create_app


@pytest.fixture(scope="module")
def demo_store(demo_site) -> Iterator[SQLiteStore]:
    store = SQLiteStore(desk_db(demo_site))
    yield store
    store.close()


@pytest.fixture(scope="module")
def client(demo_store) -> Iterator[TestClient]:
    with TestClient(create_app(demo_store)) as c:
        yield c


def test_articles_page_through_every_canonical_article_with_cursors(client, demo_store):
    seen: list[int] = []
    dates = []
    cursor = None
    while True:
        params = {"limit": 7, **({"cursor": cursor} if cursor else {})}
        body = client.get("/api/v1/articles", params=params).json()
        seen += [a["id"] for a in body["items"]]
        dates += [a["published"] for a in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == demo_store.count_articles(include_copies=False)
    assert dates == sorted(dates, reverse=True), "newest first"
    with_copies = client.get("/api/v1/articles", params={"limit": 200, "copies": True}).json()
    assert len(with_copies["items"]) == demo_store.count_articles()


def test_article_filters(client):
    body = client.get("/api/v1/articles", params={"source": "Pacific Ledger", "limit": 200}).json()
    assert body["items"] and {a["source"] for a in body["items"]} == {"Pacific Ledger"}
    feb = client.get("/api/v1/articles", params={"since": "2017-02-10", "until": "2017-02-12", "limit": 200}).json()
    assert feb["items"]
    assert all("2017-02-10" <= a["published"][:10] < "2017-02-12" for a in feb["items"])
    bad = client.get("/api/v1/articles", params={"since": "last tuesday"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "since"]
    assert client.get("/api/v1/articles", params={"since": "1485640800"}).status_code == 422
    assert client.get("/api/v1/articles", params={"cursor": "nonsense"}).status_code == 422


def test_article_detail_lists_copies_and_urls(client, demo_store):
    canonical = next(s for s in demo_store.iter_articles() if demo_store.copies(s.id))
    body = client.get(f"/api/v1/articles/{canonical.id}").json()
    assert body["text"] == canonical.article.text
    assert body["urls"] and body["urls"][0] == canonical.article.url
    assert {c["id"] for c in body["copies"]} == {c.id for c in demo_store.copies(canonical.id)}
    assert all(c["canonical_id"] == canonical.id for c in body["copies"])
    missing = client.get("/api/v1/articles/999999")
    assert missing.status_code == 404 and "999999" in missing.json()["detail"]


def test_search_with_cursor_and_highlights(client):
    first = client.get("/api/v1/search", params={"q": "missile", "limit": 2}).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    assert "\u27e6" in first["items"][0]["snippet"]
    second = client.get("/api/v1/search", params={"q": "missile", "limit": 2,
                                                  "cursor": first["next_cursor"]}).json()
    assert not {h["id"] for h in first["items"]} & {h["id"] for h in second["items"]}
    bad = client.get("/api/v1/search", params={"q": "Putin AND"})
    assert bad.status_code == 400 and "bad search query" in bad.json()["detail"]
    filtered = client.get("/api/v1/search", params={"q": "missile", "source": "Harbor Post"}).json()
    assert filtered["items"] and {h["source"] for h in filtered["items"]} == {"Harbor Post"}


def test_sources_report_feed_health_and_outlet_rates(client):
    body = client.get("/api/v1/sources").json()
    assert len(body["feeds"]) >= 4
    assert all(f["healthy"] and f["last_success"] for f in body["feeds"])
    outlets = {o["outlet"]: o for o in body["outlets"]}
    assert outlets["Pacific Ledger"]["articles"] == 10
    assert 0 < outlets["Pacific Ledger"]["per_day"] < 10


def test_csv_and_jsonl_downloads_of_an_article_query(client):
    csv_resp = client.get("/api/v1/articles.csv", params={"source": "Harbor Post"})
    assert csv_resp.status_code == 200 and csv_resp.headers["content-type"].startswith("text/csv")
    assert "attachment" in csv_resp.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(csv_resp.text)))
    assert rows and {r["source"] for r in rows} == {"Harbor Post"} and all(r["text"] for r in rows)
    lines = client.get("/api/v1/articles.jsonl", params={"copies": True}).text.splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == 41 and any(r["canonical_id"] for r in records)


def test_writes_are_refused_without_a_token(client):
    r = client.post("/api/v1/feeds", json={"url": "https://example.com/feed.xml"})
    assert r.status_code == 403 and "read-only" in r.json()["detail"]
    assert client.post("/api/v1/ingest", json={"urls": ["https://example.com/a"]}).status_code == 403


def test_writes_need_the_right_token_and_refuse_private_addresses(demo_store):
    with TestClient(create_app(demo_store, token="s3cret-token")) as c:
        assert c.post("/api/v1/feeds", json={"url": "https://example.com/f"}).status_code == 401
        wrong = {"Authorization": "Bearer nope"}
        assert c.post("/api/v1/feeds", json={"url": "https://example.com/f"}, headers=wrong).status_code == 401
        auth = {"Authorization": "Bearer s3cret-token"}
        for url in ("http://127.0.0.1:8000/feed", "http://10.1.2.3/rss", "http://169.254.169.254/latest/meta-data",
                    "http://[::1]/x", "http://localhost/feed", "file:///etc/passwd", "javascript:alert(1)",
                    "http://0.0.0.0/", "http://[::ffff:127.0.0.1]/"):
            r = c.post("/api/v1/feeds", json={"url": url}, headers=auth)
            assert r.status_code == 400, (url, r.text)
            r = c.post("/api/v1/ingest", json={"urls": [url]}, headers=auth)
            assert r.status_code == 400, (url, r.text)
        assert demo_store.get_feed("http://127.0.0.1:8000/feed") is None


def test_token_holder_adds_a_feed_and_ingests_when_private_feeds_are_allowed(demo_site):
    import time

    store = SQLiteStore(":memory:")
    try:
        with TestClient(create_app(store, token="s3cret-token", allow_private_feeds=True)) as c:
            auth = {"Authorization": "Bearer s3cret-token"}
            feed = f"{demo_site}/feeds/harbor-post.xml"
            r = c.post("/api/v1/feeds", json={"url": feed}, headers=auth)
            assert r.status_code == 201, r.text
            job = r.json()["job"]
            assert store.get_feed(feed) is not None
            deadline = time.monotonic() + 30
            while job["state"] in ("queued", "running") and time.monotonic() < deadline:
                time.sleep(0.1)
                job = c.get(f"/api/v1/jobs/{job['id']}").json()
            assert job["state"] == "done", job
            assert job["summary"]["new"] >= 5
            assert store.count_articles() == job["summary"]["new"] + job["summary"]["copies"]
            assert c.get("/api/v1/jobs/unknown").status_code == 404
    finally:
        store.close()


def test_stories_events_quotes_actors_and_dyads(client, demo_store):
    stories = client.get("/api/v1/stories", params={"sort": "biggest", "limit": 5}).json()
    sizes = [s["articles"] for s in stories["items"]]
    assert sizes == sorted(sizes, reverse=True) and stories["next_cursor"] == "5"
    more = client.get("/api/v1/stories", params={"sort": "biggest", "limit": 5, "cursor": "5"}).json()
    assert not {s["id"] for s in stories["items"]} & {s["id"] for s in more["items"]}
    story = client.get(f"/api/v1/stories/{stories['items'][0]['id']}").json()
    assert len(story["members"]) == stories["items"][0]["articles"]
    found = client.get("/api/v1/stories", params={"q": "missile"}).json()["items"]
    assert found and all(s["articles"] for s in found)
    assert client.get("/api/v1/stories/999999").status_code == 404

    events = client.get("/api/v1/events", params={"dyad": "USA,RUS", "limit": 3}).json()
    assert events["items"]
    for e in events["items"]:
        codes = {e["source"]["code"][:3], e["target"]["code"][:3]}
        assert codes == {"USA", "RUS"} and e["sentence"]
    rows = client.get("/api/v1/events.csv", params={"dyad": "USA,RUS"}).text.splitlines()
    assert rows[0].startswith("id,date,category") and len(rows) > 1
    quotes = client.get("/api/v1/quotes", params={"speaker": "Kremlin"}).json()["items"]
    assert quotes and all(q["text"] for q in quotes)
    actors = client.get("/api/v1/actors", params={"limit": 5}).json()
    assert actors and actors[0]["as_source"] + actors[0]["as_target"] >= actors[-1]["as_source"] + actors[-1]["as_target"]
    rus = client.get("/api/v1/actors/RUS").json()
    assert rus["as_source"] + rus["as_target"] > 0 and rus["counterparts"]
    series = client.get("/api/v1/dyads", params={"a": "USA", "b": "RUS", "bucket": "week"}).json()
    assert series["points"] and all(p["total"] == sum(p["counts"].values()) for p in series["points"])
    ids = series["points"][0]["event_ids"]
    behind = client.get("/api/v1/events", params={"dyad": "USA,RUS", "since": series["points"][0]["start"],
                                                  "until": series["points"][0]["end"], "limit": 200}).json()
    assert {e["id"] for e in behind["items"]} == set(ids)
    article_id = events["items"][0]["article_id"]
    analysis = client.get(f"/api/v1/articles/{article_id}/analysis").json()
    assert analysis["sentences"] and analysis["events"]


def test_openapi_document_is_published(client):
    doc = client.get("/api/v1/openapi.json").json()
    paths = set(doc["paths"])
    assert {"/api/v1/articles", "/api/v1/search", "/api/v1/sources", "/api/v1/feeds",
            "/api/v1/ingest"} <= paths
    assert not any(not p.startswith("/api/v1/") for p in paths), "pages stay out of the API document"


# -- the OpenAPI document against the implementation (schemathesis) ----------------------
# Schemathesis builds its tests at import, so its app gets a small store of its own, filled
# through the store API (its pytest fixture loader does not work with this pytest).
import schemathesis  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.specs.openapi.checks import positive_data_acceptance  # noqa: E402

from newsgrasp.records import Article, Feed  # noqa: E402


def _conformance_store() -> SQLiteStore:
    from datetime import UTC, datetime, timedelta

    store = SQLiteStore(":memory:")
    start = datetime(2017, 1, 20, tzinfo=UTC)
    for i in range(12):
        first = store.add_article(
            Article(title=f"Missile test {i} draws sanctions", text=f"Iran tested a missile. Item {i}. " * 5,
                    url=f"https://news{i % 3}.example/{i}", source=f"Outlet {i % 3}",
                    published=start + timedelta(days=i), language="en", authors=["A. Writer"]),
            content_hash=f"h{i}")
        if i % 4 == 0:
            store.add_article(Article(title=f"Missile test {i} draws sanctions", text="copy", source="Copier",
                                      url=f"https://copier.example/{i}"), content_hash=f"h{i}", canonical_id=first)
    store.upsert_feed(Feed(url="https://news0.example/feed.xml", title="News 0", last_success=start,
                           last_checked=start))
    return store


schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", create_app(_conformance_store()))


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_openapi_document(case):
    excluded = []
    if case.operation.path in ("/api/v1/search", "/api/v1/stories"):
        # Any text is a schema-valid query, but "Putin AND" is not valid FTS5: a 400 that names
        # the problem is the right answer, and no JSON schema can describe FTS5 syntax.
        excluded.append(positive_data_acceptance)
    case.call_and_validate(excluded_checks=excluded)
