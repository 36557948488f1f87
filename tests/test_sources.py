"""Sources: detection, files, folders, JSONL, feeds, sitemaps and OPML.

Everything fetched is served for real over 127.0.0.1 by pytest-httpserver.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from werkzeug.wrappers import Request, Response

from newsgrasp.records import Document, Failure, Feed, Link
from newsgrasp.sources import detect_kind, expand, opml_document, parse_opml

FIX = Path(__file__).parent / "fixtures" / "sources"


# -- a fetcher ---------------------------------------------------------------


class TinyFetchError(Exception):
    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


@dataclass
class TinyResponse:
    url: str
    document: Document | None
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False


class TinyFetcher:
    """Plain httpx, for when the real Fetcher cannot be imported."""

    def __init__(self) -> None:
        self.client = httpx.Client(follow_redirects=True, timeout=5)

    def fetch(self, url: str, *, origin: str = "url", etag: str | None = None,
              last_modified: str | None = None) -> TinyResponse:
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            r = self.client.get(url, headers=headers)
        except httpx.HTTPError as exc:
            raise TinyFetchError("connection failed", str(exc)) from exc
        if r.status_code == 304:
            return TinyResponse(str(r.url), None, r.headers.get("etag") or etag,
                                r.headers.get("last-modified") or last_modified, True)
        if r.status_code >= 400:
            raise TinyFetchError(f"http {r.status_code}")
        ctype = r.headers.get("content-type", "")
        mime = ctype.split(";")[0].strip() or None
        charset = r.charset_encoding
        doc = Document(url=str(r.url), body=r.content, origin=origin, content_type=mime,
                       charset=charset, fetched_at=datetime.now(UTC))
        return TinyResponse(str(r.url), doc, r.headers.get("etag"), r.headers.get("last-modified"))


@pytest.fixture
def fetcher() -> Iterator[Any]:
    """The real Fetcher when it can be built; otherwise TinyFetcher (NEWSGRASP_TINY_FETCHER=1 forces it)."""
    real: Any = None
    if not os.environ.get("NEWSGRASP_TINY_FETCHER"):
        try:
            from newsgrasp.fetch import FetchConfig, Fetcher

            # robots.txt is the fetcher's business and tested there; these servers have none.
            config = FetchConfig(per_host_delay=0.0, connect_timeout=2, read_timeout=2, total_timeout=5,
                                 max_retries=0, backoff_base=0.01, max_retry_after=1, respect_robots=False)
            real = Fetcher(config)
        except Exception:
            real = None
    if real is None:
        tiny = TinyFetcher()
        yield tiny
        tiny.client.close()
    else:
        yield real
        real.close()


def _read(name: str) -> bytes:
    return (FIX / name).read_bytes()


def _kinds(items: list[Any]) -> list[str]:
    return [type(i).__name__ for i in items]


# -- detect_kind -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("rss2.xml", "rss"),
        ("atom.xml", "atom"),
        ("rdf.xml", "rdf"),
        ("feed.json", "json-feed"),
        ("articles.jsonl", "jsonl"),
        ("sitemap.xml", "sitemap"),
        ("news_sitemap.xml", "sitemap"),
        ("subscriptions.opml", "opml"),
        ("page.html", "html"),
        ("note.txt", "text"),
        # Content wins over misleading names.
        ("really_rss.html", "rss"),
        ("really_html.xml", "html"),
        ("html_no_extension", "html"),
        ("sitemap_named.txt", "sitemap"),
        ("broken_empty.xml", "rss"),
    ],
)
def test_detect_fixture_files(name: str, kind: str) -> None:
    assert detect_kind(_read(name), name=name) == kind


def test_detect_inline_kinds() -> None:
    assert detect_kind(b"") == "empty"
    assert detect_kind(b"  \n\t ") == "empty"
    assert detect_kind(b"WARC/1.0\r\nWARC-Type: warcinfo\r\n") == "warc"
    assert detect_kind(b"filedesc://x.arc 0.0.0.0 20140216050221 text/plain 77\n") == "arc"
    assert detect_kind(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", name="a.html") == "binary"
    assert detect_kind(b"\x89PNG\r\n\x1a\n\x00\x00") == "binary"
    assert detect_kind(b'<?xml version="1.0"?>\n<!-- hi -->\n<sitemapindex xmlns="x"><sitemap/></sitemapindex>') == "sitemap-index"
    assert detect_kind(b"\xef\xbb\xbf<?xml version='1.0'?><rss version='2.0'/>") == "rss"
    assert detect_kind(b"<!DOCTYPE html>\n<p>hi") == "html"
    assert detect_kind(b"<div><p>a fragment</p></div>") == "html"
    assert detect_kind(b'{"a": 1}\n{"b": 2}\n') == "jsonl"
    assert detect_kind(b'{"version": "https://jsonfeed.org/version/1", "items": []}') == "json-feed"
    assert detect_kind(b"just words") == "text"
    # Name and content type only break ties when the bytes say nothing.
    assert detect_kind(b"just words", name="x.html") == "html"
    assert detect_kind(b"just words", content_type="application/rss+xml; charset=utf-8") == "rss"
    assert detect_kind(b"<rss version='2.0'><channel/></rss>", content_type="text/html") == "rss"
    assert detect_kind(b"<html><body>x</body></html>", name="feed.rss") == "html"


def test_detect_looks_through_gzip() -> None:
    assert detect_kind(gzip.compress(_read("sitemap.xml")), name="sitemap.xml.gz") == "sitemap"
    assert detect_kind(gzip.compress(b"WARC/1.1\r\n")) == "warc"
    assert detect_kind(b"\x1f\x8b\x08garbage") == "binary"


# -- files and folders -------------------------------------------------------


def test_missing_path_is_a_failure(tmp_path: Path) -> None:
    items = list(expand(str(tmp_path / "nope"), None))
    assert len(items) == 1
    assert isinstance(items[0], Failure) and items[0].reason == "not found"


def test_folder_recursion_is_sorted_and_skips_hidden(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "deep").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "a.html").write_text("<html><body><p>a</p></body></html>")
    (tmp_path / "b" / "c.txt").write_text("c text")
    (tmp_path / "b" / "deep" / "d.htm").write_text("<html><body>d</body></html>")
    (tmp_path / "b" / "z_page").write_text("<!doctype html><html><body>z</body></html>")
    (tmp_path / ".hidden.html").write_text("<html>hidden</html>")
    (tmp_path / ".git" / "x.html").write_text("<html>git</html>")
    (tmp_path / "e.pdf").write_bytes(b"%PDF-1.4 binary")
    items = list(expand(str(tmp_path), None))
    docs = [i for i in items if isinstance(i, Document)]
    assert [Path(d.url or "").name for d in docs] == ["a.html", "c.txt", "d.htm", "z_page"]
    assert all(d.origin == "file" for d in docs)
    assert docs[0].content_type == "text/html"
    assert docs[1].content_type == "text/plain" and docs[1].body == b"c text"
    assert docs[3].content_type == "text/html"
    failures = [i for i in items if isinstance(i, Failure)]
    assert [(Path(f.target).name, f.reason) for f in failures] == [("e.pdf", "unsupported content")]
    # Same input, same order.
    assert [repr(getattr(i, "url", None)) for i in expand(str(tmp_path), None)] == [
        repr(getattr(i, "url", None)) for i in items
    ]


def test_jsonl_documents_and_bad_lines() -> None:
    items = list(expand(str(FIX / "articles.jsonl"), None))
    assert _kinds(items) == ["Document", "Document", "Failure", "Link", "Failure", "Failure"]
    html_doc, text_doc, bad, link, not_obj, useless = items
    assert isinstance(html_doc, Document) and html_doc.body == b"<html><body><p>Hi</p></body></html>"
    assert html_doc.url == "https://j.example/1" and html_doc.content_type == "text/html"
    assert html_doc.hints.title == "With html" and html_doc.hints.source == "J"
    assert html_doc.hints.authors == ["A One"] and html_doc.hints.language == "en"
    assert html_doc.hints.published == datetime(2024, 5, 1, 10, tzinfo=UTC)
    assert isinstance(text_doc, Document) and text_doc.hints.text == "Just the text."
    assert text_doc.hints.published == datetime(2024, 5, 2, tzinfo=UTC)
    assert isinstance(bad, Failure) and bad.reason == "bad line" and "line 3" in bad.detail
    assert bad.target.endswith("articles.jsonl:3")
    assert isinstance(link, Link) and link.url == "https://j.example/3"
    assert isinstance(not_obj, Failure) and "line 6" in not_obj.detail
    assert isinstance(useless, Failure) and "line 7" in useless.detail


def test_feed_file_by_content_not_extension() -> None:
    items = list(expand(str(FIX / "really_rss.html"), None))
    assert isinstance(items[0], Feed) and items[0].title == "Harbour Gazette"
    links = [i for i in items if isinstance(i, Link)]
    # Relative links in a saved feed resolve against the site, not the local file.
    assert [x.url for x in links] == ["https://gazette.example/2024/05/tram", "https://gazette.example/2024/05/ferry"]


def test_gzipped_sitemap_file(tmp_path: Path) -> None:
    (tmp_path / "sitemap.xml.gz").write_bytes(gzip.compress(_read("sitemap.xml")))
    links = list(expand(str(tmp_path / "sitemap.xml.gz"), None))
    assert [x.url for x in links if isinstance(x, Link)] == [
        "https://site.example/a", "https://site.example/b", "https://site.example/c",
    ]


def test_url_without_fetcher_fails_cleanly() -> None:
    items = list(expand("https://example.invalid/feed", None))
    assert _kinds(items) == ["Failure"]


# -- feeds over HTTP ---------------------------------------------------------


def _serve(httpserver: Any, path: str, name: str, content_type: str = "application/xml") -> str:
    httpserver.expect_request(path).respond_with_data(_read(name), content_type=content_type)
    return str(httpserver.url_for(path))


def test_rss2_feed(httpserver: Any, fetcher: Any) -> None:
    url = _serve(httpserver, "/rss", "rss2.xml", "application/rss+xml")
    items = list(expand(url, fetcher))
    feed = items[0]
    assert isinstance(feed, Feed)
    assert feed.url == url and feed.title == "Harbour Gazette" and feed.site_url == "https://gazette.example/"
    assert feed.last_success is not None and feed.last_checked is not None and feed.last_error is None
    links = [x for x in items[1:] if isinstance(x, Link)]
    assert len(links) == len(items) - 1 and all(x.origin == "feed" for x in links)
    assert [x.url for x in links] == ["https://gazette.example/2024/05/tram", f"{url.rsplit('/', 1)[0]}/2024/05/ferry"]
    tram, ferry = links
    assert tram.hints.title == "Tram line to reach the harbour"
    assert tram.hints.published == datetime(2024, 5, 14, 7, 30, tzinfo=UTC)
    assert tram.hints.authors == ["Ana Ruiz"]
    assert tram.hints.source == "Harbour Gazette"
    assert tram.hints.summary == "The council voted to extend the line."
    # Long full content rides along as text; a short one does not.
    assert tram.hints.text and tram.hints.text.startswith("The council voted on Tuesday") and len(tram.hints.text) > 1500
    assert "<p>" not in tram.hints.text
    assert ferry.hints.text is None and ferry.hints.summary == "Short teaser only."


def test_atom_feed(httpserver: Any, fetcher: Any) -> None:
    url = _serve(httpserver, "/atom", "atom.xml", "application/atom+xml")
    items = list(expand(url, fetcher))
    assert _kinds(items) == ["Feed", "Link", "Link"]
    assert isinstance(items[0], Feed) and items[0].title == "Le Quotidien"
    budget = items[1]
    assert isinstance(budget, Link)
    assert budget.url == "https://quotidien.example/budget"
    assert budget.hints.title == "Budget & taxes"
    assert budget.hints.authors == ["Marie Curie", "Paul Langevin"]
    assert budget.hints.published == datetime(2024, 5, 14, 6, tzinfo=UTC)
    assert budget.hints.summary == "Le budget est vote."
    updated = items[2]
    assert isinstance(updated, Link) and updated.hints.published == datetime(2024, 5, 13, 7, tzinfo=UTC)


def test_rdf_feed(httpserver: Any, fetcher: Any) -> None:
    url = _serve(httpserver, "/rdf", "rdf.xml", "application/rdf+xml")
    items = list(expand(url, fetcher))
    assert _kinds(items) == ["Feed", "Link"]
    link = items[1]
    assert isinstance(link, Link) and link.url == "https://rdf.example/a"
    assert link.hints.published == datetime(2024, 5, 10, 12, tzinfo=UTC)
    assert link.hints.authors == ["J. Smith"] and link.hints.source == "RDF Times"


def test_json_feed(httpserver: Any, fetcher: Any) -> None:
    url = _serve(httpserver, "/feed.json", "feed.json", "application/feed+json")
    items = list(expand(url, fetcher))
    assert _kinds(items) == ["Feed", "Link", "Link"]
    feed, one, two = items
    assert isinstance(feed, Feed) and feed.title == "JSON Journal" and feed.site_url == "https://json.example/"
    assert isinstance(one, Link) and one.url == "https://json.example/one"
    assert one.hints.published == datetime(2024, 5, 12, 14, tzinfo=UTC)
    assert one.hints.published is not None and one.hints.published.utcoffset() is not None
    assert one.hints.authors == ["Kim Lee"] and one.hints.summary == "First summary"
    assert one.hints.text and len(one.hints.text) > 1500
    assert isinstance(two, Link) and two.url == "https://json.example/two" and two.hints.authors == ["Desk"]


def test_bozo_feed_with_entries_is_used(httpserver: Any, fetcher: Any) -> None:
    url = _serve(httpserver, "/sloppy", "broken_with_entries.xml", "application/rss+xml")
    items = list(expand(url, fetcher))
    assert _kinds(items) == ["Feed", "Link", "Link"]
    assert isinstance(items[0], Feed) and items[0].last_error is None


def test_bozo_feed_without_entries_fails(httpserver: Any, fetcher: Any) -> None:
    url = _serve(httpserver, "/broken", "broken_empty.xml", "application/rss+xml")
    items = list(expand(url, fetcher))
    assert _kinds(items) == ["Feed", "Failure"]
    feed, failure = items
    assert isinstance(feed, Feed) and feed.last_error == "broken feed"
    assert isinstance(failure, Failure) and failure.reason == "broken feed"
    assert failure.target == url and failure.detail  # feedparser's own message


def test_conditional_get_and_not_modified(httpserver: Any, fetcher: Any) -> None:
    body = _read("rss2.xml")
    seen: list[tuple[str | None, str | None]] = []

    def handler(request: Request) -> Response:
        seen.append((request.headers.get("If-None-Match"), request.headers.get("If-Modified-Since")))
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304, headers={"ETag": '"v1"'})
        return Response(body, content_type="application/rss+xml",
                        headers={"ETag": '"v1"', "Last-Modified": "Tue, 14 May 2024 10:00:00 GMT"})

    httpserver.expect_request("/cond").respond_with_handler(handler)
    url = str(httpserver.url_for("/cond"))
    first = list(expand(url, fetcher, feed_state=lambda u: None))
    feed = first[0]
    assert isinstance(feed, Feed) and feed.etag == '"v1"'
    assert feed.last_modified == "Tue, 14 May 2024 10:00:00 GMT"
    assert len(first) == 3

    stored = Feed(url=url, title="Harbour Gazette", etag=feed.etag, last_modified=feed.last_modified,
                  last_success=datetime(2024, 1, 1, tzinfo=UTC))
    before = datetime.now(UTC) - timedelta(seconds=1)
    second = list(expand(url, fetcher, feed_state=lambda u: stored if u == url else None))
    assert len(second) == 1
    again = second[0]
    assert isinstance(again, Feed)
    assert again.title == "Harbour Gazette" and again.etag == '"v1"'
    assert again.last_checked is not None and again.last_checked >= before
    assert again.last_success == datetime(2024, 1, 1, tzinfo=UTC)
    assert seen == [(None, None), ('"v1"', "Tue, 14 May 2024 10:00:00 GMT")]


def test_fetch_errors_become_failures(httpserver: Any, fetcher: Any) -> None:
    httpserver.expect_request("/gone").respond_with_data("no", status=404, content_type="text/plain")
    url = str(httpserver.url_for("/gone"))
    items = list(expand(url, fetcher))
    assert _kinds(items) == ["Failure"]
    assert isinstance(items[0], Failure) and items[0].reason == "http 404"
    # A known feed that fails keeps its record, with the error noted.
    stored = Feed(url=url, title="Old", etag='"x"')
    items = list(expand(url, fetcher, feed_state=lambda u: stored))
    assert _kinds(items) == ["Feed", "Failure"]
    assert isinstance(items[0], Feed) and items[0].last_error == "http 404" and items[0].title == "Old"


def test_html_url_is_a_single_document(httpserver: Any, fetcher: Any) -> None:
    url = _serve(httpserver, "/page", "page.html", "text/html; charset=utf-8")
    items = list(expand(url, fetcher))
    assert _kinds(items) == ["Document"]
    assert isinstance(items[0], Document) and items[0].body == _read("page.html")


# -- sitemaps ----------------------------------------------------------------


def test_sitemap(httpserver: Any, fetcher: Any) -> None:
    url = _serve(httpserver, "/sitemap.xml", "sitemap.xml")
    links = list(expand(url, fetcher))
    assert [x.url for x in links if isinstance(x, Link)] == [
        "https://site.example/a", "https://site.example/b", "https://site.example/c",
    ]
    assert all(isinstance(x, Link) and x.origin == "sitemap" for x in links)
    first = links[0]
    assert isinstance(first, Link) and first.hints.published == datetime(2024, 5, 1, tzinfo=UTC)


def test_google_news_sitemap(httpserver: Any, fetcher: Any) -> None:
    url = _serve(httpserver, "/news.xml", "news_sitemap.xml")
    news, plain = list(expand(url, fetcher))
    assert isinstance(news, Link) and isinstance(plain, Link)
    assert news.hints.title == "Companies A, B in Merger Talks"
    assert news.hints.source == "The Example Times" and news.hints.language == "en"
    # The news date wins over lastmod.
    assert news.hints.published == datetime(2024, 5, 14, 11, 45, tzinfo=UTC)
    assert plain.hints.published == datetime(2024, 5, 18, 6, tzinfo=UTC)


def _index(*children: str) -> bytes:
    body = "".join(f"<sitemap><loc>{c}</loc></sitemap>" for c in children)
    return f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</sitemapindex>'.encode()


def test_sitemap_index_follows_children_gzip_included(httpserver: Any, fetcher: Any) -> None:
    news = str(httpserver.url_for("/news.xml"))
    plain = str(httpserver.url_for("/plain.xml.gz"))
    httpserver.expect_request("/index.xml").respond_with_data(_index(news, plain), content_type="application/xml")
    _serve(httpserver, "/news.xml", "news_sitemap.xml")
    # Served as XML without Content-Encoding, as many servers do with .xml.gz.
    httpserver.expect_request("/plain.xml.gz").respond_with_data(
        gzip.compress(_read("sitemap.xml")), content_type="application/xml"
    )
    items = list(expand(str(httpserver.url_for("/index.xml")), fetcher))
    assert [x.url for x in items if isinstance(x, Link)] == [
        "https://news.example/business/article55.html", "https://news.example/other.html",
        "https://site.example/a", "https://site.example/b", "https://site.example/c",
    ]
    assert not [x for x in items if isinstance(x, Failure)]


def test_sitemap_loop_is_reported_once(httpserver: Any, fetcher: Any) -> None:
    a = str(httpserver.url_for("/a.xml"))
    b = str(httpserver.url_for("/b.xml"))
    leaf = str(httpserver.url_for("/leaf.xml"))
    httpserver.expect_request("/a.xml").respond_with_data(_index(b, leaf), content_type="application/xml")
    httpserver.expect_request("/b.xml").respond_with_data(_index(a, a), content_type="application/xml")
    _serve(httpserver, "/leaf.xml", "sitemap.xml")
    items = list(expand(a, fetcher))
    failures = [x for x in items if isinstance(x, Failure)]
    assert [(f.target, f.reason) for f in failures] == [(a, "sitemap loop")]
    assert len([x for x in items if isinstance(x, Link)]) == 3
    fetched = [req.path for req, _ in httpserver.log]
    assert fetched.count("/a.xml") == 1 and fetched.count("/b.xml") == 1


def test_sitemap_depth_is_capped(httpserver: Any, fetcher: Any) -> None:
    for n in range(5):
        nxt = str(httpserver.url_for(f"/d{n + 1}.xml"))
        httpserver.expect_request(f"/d{n}.xml").respond_with_data(_index(nxt), content_type="application/xml")
    items = list(expand(str(httpserver.url_for("/d0.xml")), fetcher, max_depth=2))
    assert [(x.reason, x.target.rsplit("/", 1)[1]) for x in items if isinstance(x, Failure)] == [("too deep", "d3.xml")]
    assert [req.path for req, _ in httpserver.log] == ["/d0.xml", "/d1.xml", "/d2.xml"]


# -- OPML --------------------------------------------------------------------


def test_opml_import_expands_each_feed(httpserver: Any, fetcher: Any) -> None:
    rss = _serve(httpserver, "/rss", "rss2.xml", "application/rss+xml")
    atom = _serve(httpserver, "/atom", "atom.xml", "application/atom+xml")
    dead = str(httpserver.url_for("/dead"))
    httpserver.expect_request("/dead").respond_with_data("x", status=500, content_type="text/plain")
    opml = opml_document([Feed(url=rss, title="Gazette"), Feed(url=atom, title="Quotidien"), Feed(url=dead)])
    httpserver.expect_request("/subs.opml").respond_with_data(opml, content_type="text/xml")
    items = list(expand(str(httpserver.url_for("/subs.opml")), fetcher))
    outline_feeds = items[:3]
    assert [f.url for f in outline_feeds if isinstance(f, Feed)] == [rss, atom, dead]
    rest = items[3:]
    assert _kinds(rest) == ["Feed", "Link", "Link", "Feed", "Link", "Link", "Failure"]
    fail = rest[-1]
    assert isinstance(fail, Failure) and fail.target == dead and fail.reason.startswith("http 5")


def test_opml_file_without_fetcher_lists_feeds() -> None:
    items = list(expand(str(FIX / "subscriptions.opml"), None))
    assert items == [
        Feed(url="https://gazette.example/rss", title="Harbour Gazette", site_url="https://gazette.example/"),
        Feed(url="https://quotidien.example/atom.xml", title="Le Quotidien (FR)"),
    ]


def test_opml_document_round_trip() -> None:
    import feedparser
    from lxml import etree

    feeds = [
        Feed(url="https://a.example/rss?x=1&y=2", title='Tom & Jerry\'s "News" <daily>', site_url="https://a.example/"),
        Feed(url="https://b.example/atom.xml", title=None),
        Feed(url="https://c.example/feed", title="Ünïcödé\nline"),
    ]
    text = opml_document(feeds)
    root = etree.fromstring(text.encode("utf-8"))
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert root.find("head/title") is not None and root.find("head/dateCreated") is not None
    outlines = root.findall("body/outline")
    assert [o.get("xmlUrl") for o in outlines] == [f.url for f in feeds]
    assert outlines[0].get("text") == 'Tom & Jerry\'s "News" <daily>'
    assert outlines[0].get("htmlUrl") == "https://a.example/"
    assert outlines[1].get("text") == "https://b.example/atom.xml"
    assert outlines[2].get("text") == "Ünïcödé\nline"
    parsed, error = parse_opml(text.encode("utf-8"))
    assert error is None
    assert [(f.url, f.title, f.site_url) for f in parsed] == [
        (feeds[0].url, feeds[0].title, feeds[0].site_url),
        (feeds[1].url, feeds[1].url, None),
        (feeds[2].url, feeds[2].title, None),
    ]
    # feedparser reads OPML too (as a well-formed XML document without entries).
    assert not feedparser.parse(text.encode("utf-8")).bozo


def test_nothing_raises_for_junk(tmp_path: Path) -> None:
    junk = {
        "empty.xml": b"",
        "bad.opml": b"<opml><body><outline xmlUrl='",
        "bad_sitemap.xml": b"<urlset><url><loc>",
        "zip.jsonl": b"PK\x03\x04\x00\x00",
        "badgz.xml.gz": b"\x1f\x8b\x08\x00garbage-not-deflate",
        "feed.json": b'{"version": "https://jsonfeed.org/version/1", "items": "nope"}',
        "half.warc": b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 900\r\n\r\nHTTP/1.1 200 OK\r\n",
    }
    for name, data in junk.items():
        (tmp_path / name).write_bytes(data)
    items = list(expand(str(tmp_path), None))
    assert all(isinstance(i, Failure | Feed | Link) for i in items), items
    assert {Path(i.target).name for i in items if isinstance(i, Failure)} >= {"empty.xml", "zip.jsonl", "badgz.xml.gz"}


def test_fixture_copy_folder(tmp_path: Path) -> None:
    shutil.copytree(FIX, tmp_path / "fx")
    items = list(expand(str(tmp_path / "fx"), None))
    assert sum(isinstance(i, Feed) for i in items) >= 6
    json.dumps([type(i).__name__ for i in items])


def test_jsonl_with_long_lines(tmp_path: Path) -> None:
    big = "<html><body>" + "<p>long paragraph of news text</p>" * 5000 + "</body></html>"
    lines = [json.dumps({"url": f"https://j.example/{n}", "html": big}) for n in range(3)]
    data = ("\n".join(lines) + "\n").encode()
    assert len(lines[0]) > 65536
    assert detect_kind(data) == "jsonl"
    path = tmp_path / "dump.data"
    path.write_bytes(data)
    docs = list(expand(str(path), None))
    assert [d.url for d in docs if isinstance(d, Document)] == [f"https://j.example/{n}" for n in range(3)]


def test_gzipped_page_without_content_encoding(httpserver: Any, fetcher: Any) -> None:
    httpserver.expect_request("/page.html.gz").respond_with_data(gzip.compress(_read("page.html")),
                                                                 content_type="text/html")
    items = list(expand(str(httpserver.url_for("/page.html.gz")), fetcher))
    assert _kinds(items) == ["Document"]
    assert isinstance(items[0], Document) and items[0].body == _read("page.html")


def test_large_jsonl_is_streamed_not_loaded(tmp_path):
    import gzip as _gzip
    import json as _json

    from newsgrasp.sources import expand as _expand

    path = tmp_path / "dump.jsonl.gz"
    with _gzip.open(path, "wt", encoding="utf-8") as fh:
        for i in range(3000):
            fh.write(_json.dumps({"title": f"T{i}", "text": f"body {i} " * 50}) + "\n")
        fh.write("{broken\n")
    items = _expand(str(path), None)
    first = next(items)
    assert first.hints.title == "T0"
    rest = list(items)
    assert len(rest) == 3000 and rest[-1].reason == "bad line" and "line 3001" in rest[-1].detail
