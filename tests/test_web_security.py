"""Safety of the desk: escaping, link hygiene, headers, tokens, SSRF, loopback by default."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from newsgrasp.store import SQLiteStore
from newsgrasp.web.security import CSP, UnsafeURL, check_public_url, safe_url

from ._web_support import BAD_URLS, PAYLOADS, hostile_store

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from newsgrasp.web import create_app


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Iterator[tuple[TestClient, dict[str, int]]]:
    path: Path = tmp_path_factory.mktemp("xss") / "hostile.db"
    ids = hostile_store(path)
    store = SQLiteStore(path)
    with TestClient(create_app(store)) as client:
        yield client, ids
    store.close()


def hostile_pages(ids: dict[str, int]) -> list[str]:
    a, s = ids["article"], ids["story"]
    return ["/", "/?sort=latest", "/latest", f"/articles/{a}", f"/articles/{a + 1}", f"/stories/{s}", "/sources",
            "/search?q=missile", "/search.atom?q=missile", "/actors", "/actors/RUS", "/actors/USA%20GOV",
            "/relations?a=USA&b=RUS", "/relations?a=USA&b=RUS&point=2017-01-20",
            "/search?q=%3Cscript%3Ealert(1)%3C/script%3E", "/relations?a=%3Cscript%3E&b=RUS",
            "/actors/%3Cimg%20src=x%20onerror=alert(1)%3E"]


class _Elements(HTMLParser):
    """Every element and attribute as a browser's parser would see them."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))


def test_payloads_are_escaped_on_every_page(hostile):
    client, ids = hostile
    for url in hostile_pages(ids):
        r = client.get(url)
        assert r.status_code in (200, 400, 404), (url, r.status_code)
        if "xml" in r.headers["content-type"]:
            assert "<script" not in r.text, url
            continue
        parser = _Elements()
        parser.feed(r.text)
        tags = {tag for tag, _ in parser.elements}
        assert not tags & {"script", "img", "iframe", "style", "object", "embed", "textarea"}, (url, tags)
        for tag, attrs in parser.elements:
            assert not any(name.startswith("on") for name in attrs), (url, tag, attrs)
            for name in ("href", "src", "action", "formaction"):
                value = (attrs.get(name) or "").strip().lower()
                assert not value.startswith(("javascript:", "data:", "vbscript:")), (url, tag, value)
    article = client.get(f"/articles/{ids['article']}").text
    assert "&lt;script&gt;window.__pwned" in article, "hostile text is shown escaped, not silently dropped"


def test_only_http_links_are_rendered(hostile):
    client, ids = hostile
    html = client.get(f"/articles/{ids['article']}").text
    assert 'class="out dead"' in html, "a javascript: URL is shown as text, not a link"
    assert safe_url("https://example.com/a?b=c") == "https://example.com/a?b=c"
    for bad in (*BAD_URLS, "//evil.example/x", "ftp://example.com/", "http:///nohost", "https://exa mple.com/",
                "https://example.com/\x00", None, 42):
        assert safe_url(bad) is None, bad


def test_security_headers_on_pages_api_errors_and_static(hostile):
    client, _ = hostile
    for url in ("/", "/api/v1/articles", "/no/such/page", "/api/v1/articles/0", "/static/desk.css",
                "/search.atom?q=missile"):
        r = client.get(url)
        assert r.headers["content-security-policy"] == CSP, url
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
    assert "unsafe-inline" not in CSP and "script-src 'self'" in CSP


def test_api_returns_payloads_as_inert_json(hostile):
    client, ids = hostile
    r = client.get(f"/api/v1/articles/{ids['article']}")
    assert r.headers["content-type"] == "application/json"
    assert r.json()["title"].startswith("Missile talks <script>"), "JSON keeps the data as it is"


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/", "http://localhost:8000/feed", "http://10.0.0.5/", "http://192.168.1.1/",
    "http://172.16.0.1/", "http://169.254.169.254/latest/meta-data/", "http://[::1]/", "http://[fe80::1]/",
    "http://0.0.0.0/", "http://100.64.0.1/", "http://[::ffff:10.0.0.1]/", "http://224.0.0.1/",
    "file:///etc/passwd", "gopher://example.com/", "not a url",
])
def test_ssrf_guard_refuses_private_and_odd_targets(url):
    with pytest.raises(UnsafeURL):
        check_public_url(url)


def test_ssrf_guard_allows_public_addresses_and_an_operator_override():
    assert check_public_url("http://93.184.216.34/feed") == "http://93.184.216.34/feed"
    assert check_public_url("http://127.0.0.1:9/", allow_private=True) == "http://127.0.0.1:9/"
    with pytest.raises(UnsafeURL):
        check_public_url("javascript:alert(1)", allow_private=True)


def test_fetches_for_clients_are_rechecked_on_every_hop(demo_site):
    """A public feed could redirect to the operator's network: the transport checks each request."""
    from newsgrasp.fetch import FetchError
    from newsgrasp.web.jobs import IngestJobs

    store = SQLiteStore(":memory:")
    try:
        jobs = IngestJobs(store, allow_private=False)
        with jobs._fetcher() as fetcher, pytest.raises(FetchError):
            fetcher.fetch(f"{demo_site}/feeds/harbor-post.xml")
        jobs.close()
    finally:
        store.close()


def test_serve_binds_loopback_and_is_read_only_by_default():
    from newsgrasp.cli import cli

    serve = cli.commands["serve"]
    options = {p.name: p for p in serve.params}
    assert options["host"].default == "127.0.0.1"
    assert options["token"].envvar == "NEWSGRASP_TOKEN" and not options["token"].required


def test_short_tokens_are_refused(tmp_path):
    from click.testing import CliRunner

    from newsgrasp.cli import cli

    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "x.db"), "--token", "abc"])
    assert result.exit_code != 0 and "at least 8 characters" in result.output


def test_payload_constants_cover_the_fields():
    assert len(PAYLOADS) >= 5 and any("onerror" in p for p in PAYLOADS)
