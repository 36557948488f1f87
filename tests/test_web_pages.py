"""The desk's pages through FastAPI's test client, over the demo corpus with stories and analyses."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest

from newsgrasp.records import EventFilter, QuoteFilter, StoryFilter
from newsgrasp.store import SQLiteStore

from ._web_support import desk_db

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from newsgrasp.web import create_app


@pytest.fixture(scope="module")
def desk_store(demo_site) -> Iterator[SQLiteStore]:
    store = SQLiteStore(desk_db(demo_site))
    yield store
    store.close()


@pytest.fixture(scope="module")
def client(desk_store) -> Iterator[TestClient]:
    with TestClient(create_app(desk_store)) as c:
        yield c


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.hrefs.append(values["href"] or "")
        if values.get("id"):
            self.ids.add(values["id"] or "")


def members(store: SQLiteStore, story_id: int) -> list[int]:
    return [m.article_id for m in store.get_story(story_id).members]


def links(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


def test_front_page_lists_stories_biggest_of_the_week_first(client, desk_store):
    r = client.get("/")
    assert r.status_code == 200
    found = [int(x) for x in re.findall(r'href="/stories/(\d+)"', r.text)]
    assert found, "the front page shows stories"
    sizes = [desk_store.get_story(i).summary.articles for i in found]
    assert sizes == sorted(sizes, reverse=True)
    biggest = desk_store.list_stories(StoryFilter(sort="biggest", limit=1))[0]
    assert biggest.headline in r.text.replace("&#39;", "'").replace("&amp;", "&")
    latest = client.get("/", params={"sort": "latest"}).text
    ordered = [int(x) for x in re.findall(r'href="/stories/(\d+)"', latest)]
    updated = [desk_store.get_story(i).summary.last_updated for i in ordered]
    assert updated == sorted(updated, reverse=True)


def test_front_page_filters_by_outlet_and_actor(client, desk_store):
    r = client.get("/", params={"source": "Harbor Post", "sort": "biggest"})
    ids = [int(x) for x in re.findall(r'href="/stories/(\d+)"', r.text)]
    assert ids and all("Harbor Post" in desk_store.get_story(i).summary.outlets for i in ids)
    r = client.get("/", params={"country": "RUS", "sort": "biggest"})
    ids = {int(x) for x in re.findall(r'href="/stories/(\d+)"', r.text)}
    assert ids
    for story_id in ids:
        assert desk_store.events(EventFilter(article_ids=members(desk_store, story_id), actor="RUS", limit=1)), story_id


def test_story_page_groups_by_outlet_folds_copies_and_links_evidence(client, desk_store):
    story_id = next(s.id for s in desk_store.list_stories(StoryFilter(sort="biggest", limit=50))
                    if s.copies and desk_store.events(EventFilter(article_ids=members(desk_store, s.id), limit=1)))
    story = desk_store.get_story(story_id)
    html = client.get(f"/stories/{story_id}").text
    for outlet in story.by_outlet():
        assert f"<h3>{outlet}</h3>" in html
    assert "Also carried by" in html
    for member in story.members:
        for copy in member.copies:
            assert f'href="/articles/{copy.article_id}"' in html
    evidence = re.findall(r'href="/articles/(\d+)#s(\d+)"', html)
    assert evidence
    article_id, sentence = evidence[0]
    page = client.get(f"/articles/{article_id}").text
    assert f"s{sentence}" in links(page).ids, "the evidence link lands on its sentence"


def test_story_quotes_grouped_by_speaker(client, desk_store):
    with_quotes = [s for s in desk_store.list_stories(StoryFilter(sort="biggest", limit=50))
                   if desk_store.quotes(QuoteFilter(article_ids=members(desk_store, s.id), limit=1))]
    assert with_quotes
    html = client.get(f"/stories/{with_quotes[0].id}").text
    assert "Who said what" in html and "<blockquote>" in html


def test_article_page_highlights_and_links_back(client, desk_store):
    article_id = desk_store.events(EventFilter(dyad=("USA", "RUS"), limit=1))[0].article_id
    html = client.get(f"/articles/{article_id}").text
    assert 'class="sentence hl-event"' in html
    assert 'class="hl-entity"' in html
    stored = desk_store.get(article_id)
    assert f'href="{stored.article.url}"' in html, "a link to the original"
    assert "Read the original" in html


def test_copy_article_names_its_canonical(client, desk_store):
    from newsgrasp.records import ArticleFilter

    copy = next(s for s in desk_store.iter_articles(ArticleFilter(include_copies=True)) if s.canonical_id)
    html = client.get(f"/articles/{copy.id}").text
    assert f'href="/articles/{copy.canonical_id}"' in html and "This is a copy of" in html


def test_relations_chart_links_every_point_to_its_events(client, desk_store):
    html = client.get("/relations", params={"a": "USA", "b": "RUS"}).text
    assert "<svg" in html
    points = re.findall(r'<a class="point" href="([^"]+)"', html)
    series = desk_store.dyad_series("USA", "RUS", "day")
    assert len(points) == len(series) >= 1
    href = points[0].replace("&amp;", "&")
    events_html = client.get(href).text
    assert 'id="events"' in events_html
    listed = re.findall(r'class="evidence-link" href="/articles/(\d+)#s\d+"', events_html)
    assert len(listed) == series[0].total


def test_relations_page_without_a_dyad_suggests_pairs(client):
    html = client.get("/relations").text
    assert re.search(r'href="/relations\?a=[A-Z]{3}&amp;b=[A-Z]{3}', html)


def test_actor_page_shows_events_quotes_and_counterparts(client):
    html = client.get("/actors/RUS").text
    assert "Counterparts" in html and "As source" in html and "As target" in html
    assert 'href="/relations?a=RUS&amp;b=' in html
    assert client.get("/actors/ZZZ").status_code == 404
    listing = client.get("/actors").text
    assert 'href="/actors/RUS"' in listing


def test_search_page_highlights_and_offers_a_feed(client):
    import feedparser

    html = client.get("/search", params={"q": "missile"}).text
    assert "<mark>" in html.lower()
    feed_href = re.search(r'<a class="feed" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    parsed = feedparser.parse(client.get(feed_href).content)
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.feed.title == "newsgrasp: missile"
    assert len(parsed.entries) >= 3
    assert all(e.link.startswith("http") for e in parsed.entries)
    assert 'type="application/atom+xml"' in html, "feed readers can discover it"
    assert 'id="h-story-hits"' in html and re.search(r'href="/stories/\d+"', html), "stories match too"
    bad = client.get("/search", params={"q": "Putin AND"})
    assert bad.status_code == 400 and "bad search query" in bad.text


def test_sources_page_shows_feed_health_and_rates(client, desk_store):
    html = client.get("/sources").text
    for feed in desk_store.feeds():
        assert feed.url in html
    assert "healthy" in html and "Per day" in html


def test_latest_and_pagination(client, desk_store):
    r = client.get("/latest", params={"limit": 5})
    nxt = re.search(r'rel="next" href="([^"]+)"', r.text).group(1).replace("&amp;", "&")
    first = set(re.findall(r'<h2><a href="/articles/(\d+)"', r.text))
    second = set(re.findall(r'<h2><a href="/articles/(\d+)"', client.get(nxt).text))
    assert len(first) == 5 and second and not first & second


def test_unknown_pages_and_bad_input_render_readable_errors(client):
    r = client.get("/stories/99999")
    assert r.status_code == 404 and "no story with id 99999" in r.text and "<html" in r.text
    r = client.get("/latest", params={"since": "yesterday"})
    assert r.status_code == 400 and "not a date" in r.text


def test_pages_carry_skip_link_and_landmarks(client):
    html = client.get("/").text
    assert '<a class="skip" href="#main">' in html and '<main id="main"' in html
    assert "<script" not in html, "pages work without JavaScript"


def test_chart_keeps_time_even_across_empty_buckets_and_splits_cooperation_from_conflict():
    from datetime import date

    from newsgrasp.records import DyadPoint
    from newsgrasp.web.charts import dyad_chart

    points = [DyadPoint(date(2017, 1, 2), date(2017, 1, 9), {1: 2, 2: 1, 3: 0, 4: 0}, 4.0, [1, 2, 3]),
              DyadPoint(date(2017, 1, 23), date(2017, 1, 30), {1: 0, 2: 0, 3: 1, 4: 3}, -7.5, [4, 5, 6, 7])]
    chart = dyad_chart(points, "week")
    assert chart is not None
    assert [b.start for b in chart.bars] == [date(2017, 1, d) for d in (2, 9, 16, 23)], "empty weeks are drawn"
    first, *_, last = chart.bars
    assert all(seg.y + seg.height <= chart.zero_y + 0.01 for seg in first.segments), "cooperation above"
    assert all(seg.y >= chart.zero_y - 0.01 for seg in last.segments), "conflict below"
    assert first.tone_y < chart.zero_y < last.tone_y
    assert chart.bars[1].total == 0 and chart.bars[1].tone_y is None
    assert dyad_chart([], "day") is None


def test_facet_cache_expires():
    from newsgrasp.web.cache import TTLCache

    now = [0.0]
    cache = TTLCache(ttl=10, clock=lambda: now[0], background=False)
    calls = []
    assert cache.get("k", lambda: calls.append(1) or "a") == "a"
    assert cache.get("k", lambda: calls.append(1) or "b") == "a"
    now[0] = 11
    assert cache.get("k", lambda: calls.append(1) or "c") == "c"
    assert len(calls) == 2


def test_facet_cache_serves_stale_while_it_refreshes_in_the_background():
    import threading

    from newsgrasp.web.cache import TTLCache

    now = [0.0]
    cache = TTLCache(ttl=10, clock=lambda: now[0])
    release = threading.Event()
    assert cache.get("k", lambda: "old") == "old"
    now[0] = 11

    def slow() -> str:
        release.wait(5)
        return "new"

    assert cache.get("k", slow) == "old", "a reader never waits for a refresh"
    release.set()
    for _ in range(100):
        if cache.get("k", lambda: "unused") == "new":
            break
        threading.Event().wait(0.02)
    assert cache.get("k", lambda: "unused") == "new"
    cache.close()


def test_every_page_of_a_demo_store_says_it_is_sample_text(client, desk_store):
    story = desk_store.list_stories(StoryFilter(limit=1))[0]
    for path in ("/", f"/stories/{story.id}", f"/articles/{story.headline_article_id}", "/search?q=sanctions",
                 "/sources", "/relations?a=USA&b=RUS"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert "This store holds the newsgrasp demo corpus" in page.text, path


def test_a_store_of_real_news_carries_no_demo_notice():
    from newsgrasp.records import Article

    store = SQLiteStore(":memory:")
    try:
        store.add_article(Article(title="Council approves budget", text="The council approved the budget.",
                                  source="Riverside Gazette", url="https://gazette.example/a"),
                          content_hash="h1")
        with TestClient(create_app(store)) as c:
            page = c.get("/")
            assert page.status_code == 200
            assert "demo corpus" not in page.text
    finally:
        store.close()
