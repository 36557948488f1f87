"""Fetcher tests against servers on 127.0.0.1 only; nothing touches the internet."""

from __future__ import annotations

import gzip
import socket
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from newsgrasp import __version__
from newsgrasp.fetch import FetchConfig, Fetcher, FetchError, FetchResponse, parse_retry_after

HTML = b"<html><head><title>t</title></head><body><p>hello</p></body></html>"


# -- fixtures and helpers ---------------------------------------------------


@pytest.fixture(scope="module")
def _server() -> Iterator[HTTPServer]:
    # Threaded, so the concurrency tests can see overlapping requests.
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def server(_server: HTTPServer) -> Iterator[HTTPServer]:
    yield _server
    _server.clear()


def fast_config(**overrides: object) -> FetchConfig:
    """No politeness delay and short timeouts; tests opt back in where needed."""
    values: dict[str, object] = {
        "per_host_delay": 0.0,
        "connect_timeout": 2.0,
        "read_timeout": 2.0,
        "total_timeout": 5.0,
        "respect_robots": False,
    }
    values.update(overrides)
    return FetchConfig(**values)  # type: ignore[arg-type]


def make_fetcher(sleeps: list[float] | None = None, **overrides: object) -> Fetcher:
    sleep = sleeps.append if sleeps is not None else None
    return Fetcher(fast_config(**overrides), sleep=sleep)


def html(server: HTTPServer, path: str, body: bytes = HTML, **headers: str) -> None:
    server.expect_request(path).respond_with_data(
        body, content_type="text/html; charset=UTF-8", headers=headers
    )


def hits(server: HTTPServer, path: str) -> int:
    return sum(1 for request, _ in server.log if request.path == path)


def fetch_error(fetcher: Fetcher, url: str, **kwargs: str) -> FetchError:
    with pytest.raises(FetchError) as info:
        fetcher.fetch(url, **kwargs)
    return info.value


@contextmanager
def raw_server(handle: Callable[[socket.socket], None]) -> Iterator[str]:
    """A bare TCP server for misbehaviour no HTTP library will produce."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    stop = threading.Event()

    def serve(conn: socket.socket) -> None:
        with conn:
            try:
                conn.settimeout(10)
                read_request(conn)
                handle(conn)
            except OSError:
                pass

    def accept_loop() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept_loop, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=2)
        listener.close()


def read_request(conn: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -- basics -----------------------------------------------------------------


def test_fetch_html_document(server: HTTPServer) -> None:
    server.expect_request("/article").respond_with_data(
        HTML,
        content_type="text/html; charset=ISO-8859-1",
        headers={"ETag": '"v1"', "Last-Modified": "Sat, 28 Nov 2026 10:00:00 GMT"},
    )
    with make_fetcher() as fetcher:
        before = datetime.now(UTC)
        res = fetcher.fetch(server.url_for("/article"), origin="feed")
    assert isinstance(res, FetchResponse)
    assert res.status == 200 and not res.not_modified and res.redirects == []
    assert res.url == server.url_for("/article")
    assert res.etag == '"v1"' and res.last_modified == "Sat, 28 Nov 2026 10:00:00 GMT"
    doc = res.document
    assert doc is not None
    assert doc.url == res.url and doc.body == HTML and doc.origin == "feed"
    assert doc.content_type == "text/html" and doc.charset == "iso-8859-1"
    assert doc.fetched_at is not None and doc.fetched_at.tzinfo is not None
    assert before - timedelta(seconds=1) <= doc.fetched_at <= datetime.now(UTC)
    request = server.log[-1][0]
    assert (
        request.headers["User-Agent"] == f"newsgrasp/{__version__} (+https://github.com/newsgrasp/newsgrasp)"
    )


@pytest.mark.parametrize(
    "ctype",
    ["application/rss+xml", "application/atom+xml", "application/feed+json", "text/plain", "text/xml"],
)
def test_allowed_content_types(server: HTTPServer, ctype: str) -> None:
    server.expect_request("/feed").respond_with_data(b"<x/>", content_type=ctype)
    with make_fetcher() as fetcher:
        res = fetcher.fetch(server.url_for("/feed"))
    assert res.document is not None and res.document.content_type == ctype


def test_gzip_body_is_decoded(server: HTTPServer) -> None:
    server.expect_request("/gz").respond_with_data(
        gzip.compress(HTML), content_type="text/html", headers={"Content-Encoding": "gzip"}
    )
    with make_fetcher() as fetcher:
        res = fetcher.fetch(server.url_for("/gz"))
    assert res.document is not None and res.document.body == HTML


def test_binary_content_type_rejected(server: HTTPServer) -> None:
    server.expect_request("/logo.png").respond_with_data(b"\x89PNG" + b"\0" * 1000, content_type="image/png")
    with make_fetcher() as fetcher:
        err = fetch_error(fetcher, server.url_for("/logo.png"))
    assert err.reason == "unsupported content type"
    assert "image/png" in err.detail


def test_http_404(server: HTTPServer) -> None:
    server.expect_request("/missing").respond_with_data(b"nope", status=404, content_type="text/html")
    with make_fetcher() as fetcher:
        err = fetch_error(fetcher, server.url_for("/missing"))
    assert err.reason == "http 404" and err.status == 404
    assert hits(server, "/missing") == 1  # a 404 is not retried


@pytest.mark.parametrize("url", ["ftp://example.com/x", "not a url", "mailto:a@b.c", "http://"])
def test_invalid_url(url: str) -> None:
    with make_fetcher() as fetcher:
        err = fetch_error(fetcher, url)
    assert err.reason == "invalid url"


def test_connection_refused() -> None:
    sleeps: list[float] = []
    url = f"http://127.0.0.1:{free_port()}/x"
    with make_fetcher(sleeps, max_retries=2) as fetcher:
        err = fetch_error(fetcher, url)
    assert err.reason == "connection failed"
    assert len(sleeps) == 2  # connection errors are retried


def test_unknown_host_not_retried() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        try:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        except socket.gaierror as exc:
            raise httpx.ConnectError(str(exc), request=request) from exc

    sleeps: list[float] = []
    with Fetcher(fast_config(), transport=httpx.MockTransport(handler), sleep=sleeps.append) as fetcher:
        err = fetch_error(fetcher, "https://no-such-host.invalid/")
    assert err.reason == "connection failed" and sleeps == []


def test_config_validation() -> None:
    with pytest.raises(ValueError):
        FetchConfig(total_timeout=0)
    with pytest.raises(ValueError):
        FetchConfig(per_host_delay=-1)
    assert "text/html" in FetchConfig().allowed_content_types


def test_error_message_is_one_line() -> None:
    err = FetchError("http 500", "Internal\nServer  Error", url="http://x.test/")
    assert str(err) == "http 500: Internal Server Error [http://x.test/]"
    assert err.reason == "http 500" and err.detail == "Internal\nServer  Error"


def test_closed_fetcher_refuses() -> None:
    fetcher = make_fetcher()
    fetcher.close()
    with pytest.raises(RuntimeError):
        fetcher.fetch("http://127.0.0.1:1/")


# -- robots.txt -------------------------------------------------------------


def test_robots_disallow(server: HTTPServer) -> None:
    server.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nDisallow: /private\n", content_type="text/plain"
    )
    html(server, "/private/story")
    html(server, "/public/story")
    with make_fetcher(respect_robots=True) as fetcher:
        err = fetch_error(fetcher, server.url_for("/private/story"))
        assert err.reason == "robots.txt disallows"
        assert fetcher.fetch(server.url_for("/public/story")).status == 200
    assert hits(server, "/private/story") == 0


def test_robots_group_for_our_agent(server: HTTPServer) -> None:
    server.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nAllow: /\n\nUser-agent: newsgrasp\nDisallow: /\n", content_type="text/plain"
    )
    html(server, "/a")
    with make_fetcher(respect_robots=True) as fetcher:
        assert fetch_error(fetcher, server.url_for("/a")).reason == "robots.txt disallows"
    with make_fetcher(respect_robots=False) as fetcher:
        assert fetcher.fetch(server.url_for("/a")).status == 200


def test_robots_cached_once_per_host(server: HTTPServer) -> None:
    server.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nDisallow:\n", content_type="text/plain"
    )
    for i in range(6):
        html(server, f"/p{i}")
    with make_fetcher(respect_robots=True) as fetcher:
        urls = [server.url_for(f"/p{i}") for i in range(6)]
        # From several threads at once: still a single robots.txt request.
        with ThreadPoolExecutor(4) as pool:
            results = list(pool.map(fetcher.fetch, urls))
    assert all(r.status == 200 for r in results)
    assert hits(server, "/robots.txt") == 1


@pytest.mark.parametrize("status", [404, 500, 503])
def test_robots_unavailable_allows(server: HTTPServer, status: int) -> None:
    server.expect_request("/robots.txt").respond_with_data("", status=status, content_type="text/plain")
    html(server, "/a")
    with make_fetcher(respect_robots=True) as fetcher:
        assert fetcher.fetch(server.url_for("/a")).status == 200
        assert fetcher.fetch(server.url_for("/a")).status == 200
    assert hits(server, "/robots.txt") == 1


def test_robots_crawl_delay_honoured(server: HTTPServer) -> None:
    server.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nCrawl-delay: 5\n", content_type="text/plain"
    )
    html(server, "/a")
    sleeps: list[float] = []
    with make_fetcher(sleeps, respect_robots=True, per_host_delay=0.0) as fetcher:
        fetcher.fetch(server.url_for("/a"))
        fetcher.fetch(server.url_for("/a"))
    # The injected sleep does not advance the clock, so each wait is the full delay.
    assert len(sleeps) == 2 and all(4.5 < s <= 5.0 for s in sleeps)


# -- politeness and concurrency ---------------------------------------------


def test_per_host_delay_respected(server: HTTPServer) -> None:
    stamps: list[float] = []

    def record(request: Request) -> Response:
        stamps.append(time.monotonic())
        return Response(HTML, content_type="text/html")

    server.expect_request("/d").respond_with_handler(record)
    with make_fetcher(per_host_delay=0.25) as fetcher:
        for _ in range(3):
            fetcher.fetch(server.url_for("/d"))
    gaps = [b - a for a, b in zip(stamps, stamps[1:], strict=False)]
    assert len(gaps) == 2 and min(gaps) >= 0.24


def _slow_recorder(active: dict[str, int], peak: dict[str, int], lock: threading.Lock) -> Callable:
    def handler(request: Request) -> Response:
        host = request.host.split(":")[0]
        with lock:
            active[host] = active.get(host, 0) + 1
            peak[host] = max(peak.get(host, 0), active[host])
        time.sleep(0.4)
        with lock:
            active[host] -= 1
        return Response(HTML, content_type="text/html")

    return handler


def test_different_hosts_run_in_parallel(server: HTTPServer) -> None:
    active: dict[str, int] = {}
    peak: dict[str, int] = {}
    server.expect_request("/slow").respond_with_handler(_slow_recorder(active, peak, threading.Lock()))
    port = server.port
    # Same server, two host names: the fetcher must treat them as two hosts.
    urls = [f"http://127.0.0.1:{port}/slow", f"http://localhost:{port}/slow"]
    with make_fetcher() as fetcher, ThreadPoolExecutor(2) as pool:
        start = time.monotonic()
        results = list(pool.map(fetcher.fetch, urls))
        elapsed = time.monotonic() - start
    assert [r.status for r in results] == [200, 200]
    assert elapsed < 0.75, elapsed


def test_single_host_is_serialised(server: HTTPServer) -> None:
    active: dict[str, int] = {}
    peak: dict[str, int] = {}
    server.expect_request("/slow").respond_with_handler(_slow_recorder(active, peak, threading.Lock()))
    url = server.url_for("/slow")
    with make_fetcher() as fetcher, ThreadPoolExecutor(3) as pool:
        start = time.monotonic()
        results = list(pool.map(fetcher.fetch, [url] * 3))
        elapsed = time.monotonic() - start
    assert all(r.status == 200 for r in results)
    assert peak == {"127.0.0.1": 1}
    assert elapsed >= 1.15, elapsed


# -- conditional GET --------------------------------------------------------


def test_conditional_get_not_modified(server: HTTPServer) -> None:
    lm = "Sat, 28 Nov 2026 10:00:00 GMT"

    def handler(request: Request) -> Response:
        if request.headers.get("If-None-Match") == '"v1"' and request.headers.get("If-Modified-Since") == lm:
            return Response(status=304)
        return Response(HTML, content_type="text/html", headers={"ETag": '"v1"', "Last-Modified": lm})

    server.expect_request("/feed").respond_with_handler(handler)
    with make_fetcher() as fetcher:
        first = fetcher.fetch(server.url_for("/feed"))
        assert first.status == 200 and first.etag == '"v1"'
        res = fetcher.fetch(server.url_for("/feed"), etag=first.etag, last_modified=first.last_modified)
    assert res.not_modified and res.status == 304 and res.document is None
    # Validators survive a 304 that does not repeat them.
    assert res.etag == '"v1"' and res.last_modified == lm


# -- retries and rate limits ------------------------------------------------


def test_429_storm_gives_up_rate_limited(server: HTTPServer) -> None:
    server.expect_request("/busy").respond_with_data("slow down", status=429, content_type="text/plain")
    sleeps: list[float] = []
    with make_fetcher(sleeps, max_retries=3, backoff_base=1.0) as fetcher:
        start = time.monotonic()
        err = fetch_error(fetcher, server.url_for("/busy"))
        elapsed = time.monotonic() - start
    assert err.reason == "rate limited"
    assert hits(server, "/busy") == 4
    # Exponential backoff with jitter: each step within [base*2^n/2, base*2^n].
    assert len(sleeps) == 3
    for n, s in enumerate(sleeps):
        assert 2**n / 2 <= s <= 2**n
    assert elapsed < 2.0


def test_429_then_ok_honours_retry_after(server: HTTPServer) -> None:
    calls = {"n": 0}

    def handler(request: Request) -> Response:
        calls["n"] += 1
        if calls["n"] == 1:
            return Response("wait", status=429, headers={"Retry-After": "7"}, content_type="text/plain")
        return Response(HTML, content_type="text/html")

    server.expect_request("/ra").respond_with_handler(handler)
    sleeps: list[float] = []
    with make_fetcher(sleeps) as fetcher:
        res = fetcher.fetch(server.url_for("/ra"))
    assert res.status == 200 and sleeps == [7.0]


def test_retry_after_too_long_fails_fast(server: HTTPServer) -> None:
    server.expect_request("/ra").respond_with_data(
        "later", status=503, headers={"Retry-After": "3600"}, content_type="text/plain"
    )
    sleeps: list[float] = []
    with make_fetcher(sleeps, max_retry_after=60) as fetcher:
        err = fetch_error(fetcher, server.url_for("/ra"))
    assert err.reason == "rate limited" and "3600" in err.detail
    assert sleeps == [] and hits(server, "/ra") == 1


def test_503_then_ok(server: HTTPServer) -> None:
    calls = {"n": 0}

    def handler(request: Request) -> Response:
        calls["n"] += 1
        if calls["n"] == 1:
            return Response("down", status=503, content_type="text/plain")
        return Response(HTML, content_type="text/html")

    server.expect_request("/flaky").respond_with_handler(handler)
    sleeps: list[float] = []
    with make_fetcher(sleeps) as fetcher:
        res = fetcher.fetch(server.url_for("/flaky"))
    assert res.status == 200 and calls["n"] == 2 and len(sleeps) == 1


def test_503_exhausted_reports_status(server: HTTPServer) -> None:
    server.expect_request("/down").respond_with_data("down", status=503, content_type="text/plain")
    sleeps: list[float] = []
    with make_fetcher(sleeps, max_retries=2) as fetcher:
        err = fetch_error(fetcher, server.url_for("/down"))
    assert err.reason == "http 503" and hits(server, "/down") == 3


def test_parse_retry_after() -> None:
    now = datetime(2026, 11, 29, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("120", now) == 120.0
    assert parse_retry_after(format_datetime(now + timedelta(seconds=30), usegmt=True), now) == 30.0
    assert parse_retry_after(format_datetime(now - timedelta(seconds=30), usegmt=True), now) == 0.0
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None


# -- redirects --------------------------------------------------------------


def test_redirect_chain_followed(server: HTTPServer) -> None:
    server.expect_request("/r1").respond_with_data("", status=301, headers={"Location": "/r2"})
    server.expect_request("/r2").respond_with_data(
        "", status=302, headers={"Location": server.url_for("/final")}
    )
    html(server, "/final")
    with make_fetcher() as fetcher:
        res = fetcher.fetch(server.url_for("/r1"))
    assert res.url == server.url_for("/final")
    assert res.redirects == [server.url_for("/r1"), server.url_for("/r2")]
    assert res.document is not None and res.document.url == res.url


def test_redirect_loop(server: HTTPServer) -> None:
    server.expect_request("/a").respond_with_data("", status=302, headers={"Location": "/b"})
    server.expect_request("/b").respond_with_data("", status=302, headers={"Location": "/a"})
    with make_fetcher() as fetcher:
        err = fetch_error(fetcher, server.url_for("/a"))
    assert err.reason == "redirect loop"
    assert hits(server, "/a") == 1 and hits(server, "/b") == 1


def test_too_many_redirects(server: HTTPServer) -> None:
    for i in range(3):
        server.expect_request(f"/hop{i}").respond_with_data(
            "", status=307, headers={"Location": f"/hop{i + 1}"}
        )
    html(server, "/hop3")
    with make_fetcher(max_redirects=2) as fetcher:
        err = fetch_error(fetcher, server.url_for("/hop0"))
        assert err.reason == "too many redirects"
    with make_fetcher(max_redirects=3) as fetcher:
        assert fetcher.fetch(server.url_for("/hop0")).url == server.url_for("/hop3")


def test_redirect_to_non_http(server: HTTPServer) -> None:
    server.expect_request("/x").respond_with_data("", status=302, headers={"Location": "ftp://example.com/f"})
    with make_fetcher() as fetcher:
        assert fetch_error(fetcher, server.url_for("/x")).reason == "invalid url"


def test_redirect_target_checked_against_robots(server: HTTPServer) -> None:
    server.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nDisallow: /secret\n", content_type="text/plain"
    )
    server.expect_request("/open").respond_with_data("", status=302, headers={"Location": "/secret"})
    html(server, "/secret")
    with make_fetcher(respect_robots=True) as fetcher:
        assert fetch_error(fetcher, server.url_for("/open")).reason == "robots.txt disallows"
    assert hits(server, "/secret") == 0


# -- hostile servers --------------------------------------------------------


def test_stalled_server_times_out() -> None:
    def stall(conn: socket.socket) -> None:
        time.sleep(5)

    with raw_server(stall) as base, make_fetcher(read_timeout=0.5, total_timeout=2.0) as fetcher:
        start = time.monotonic()
        err = fetch_error(fetcher, base + "/")
        elapsed = time.monotonic() - start
    assert err.reason == "timeout"
    assert elapsed < 1.5


def test_trickling_body_hits_total_timeout() -> None:
    def trickle(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n")
        for _ in range(100):
            conn.sendall(b"x")
            time.sleep(0.05)

    with raw_server(trickle) as base, make_fetcher(read_timeout=1.0, total_timeout=1.0) as fetcher:
        start = time.monotonic()
        err = fetch_error(fetcher, base + "/")
        elapsed = time.monotonic() - start
    assert err.reason == "timeout"
    assert elapsed < 2.0


def test_trickling_headers_hit_total_timeout() -> None:
    def trickle(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\n")
        for _ in range(100):
            conn.sendall(b"X-Slow: 1\r\n")
            time.sleep(0.05)

    with raw_server(trickle) as base, make_fetcher(read_timeout=1.0, total_timeout=1.0) as fetcher:
        start = time.monotonic()
        err = fetch_error(fetcher, base + "/")
        elapsed = time.monotonic() - start
    assert err.reason == "timeout"
    assert elapsed < 2.0


def test_declared_too_large_rejected_up_front() -> None:
    sent = {"bytes": 0}

    def big(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 52428800\r\n\r\n")
        chunk = b"x" * 65536
        for _ in range(800):
            conn.sendall(chunk)
            sent["bytes"] += len(chunk)

    with raw_server(big) as base, make_fetcher() as fetcher:
        err = fetch_error(fetcher, base + "/")
    assert err.reason == "too large" and "Content-Length" in err.detail


def test_streamed_50mb_body_stops_at_limit() -> None:
    total = 50 * 1024 * 1024
    sent = {"bytes": 0}

    def big(conn: socket.socket) -> None:
        # No Content-Length: the only defence is counting while streaming.
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n")
        chunk = b"x" * 65536
        while sent["bytes"] < total:
            conn.sendall(chunk)
            sent["bytes"] += len(chunk)

    with raw_server(big) as base, make_fetcher() as fetcher:
        tracemalloc.start()
        try:
            err = fetch_error(fetcher, base + "/")
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        time.sleep(0.2)
    assert err.reason == "too large"
    limit = fetcher.config.max_bytes
    assert peak < 3 * limit, peak
    assert sent["bytes"] < total // 2, sent["bytes"]


# -- injected transport -----------------------------------------------------


def test_custom_transport_is_used() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        return httpx.Response(200, content=HTML, headers={"Content-Type": "text/html"})

    config = fast_config(respect_robots=True)
    with Fetcher(config, transport=httpx.MockTransport(handler)) as fetcher:
        res = fetcher.fetch("https://news.example/story#comments")
    assert res.url == "https://news.example/story"
    assert seen == ["https://news.example/robots.txt", "https://news.example/story"]
