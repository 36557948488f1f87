"""WARC/ARC reading: our own archives written with warcio, and real ones from other tools."""

from __future__ import annotations

import gzip
import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from newsgrasp.records import Document, Failure
from newsgrasp.sources import detect_kind, expand

SHARED_WARC = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "warc"

PAGE = b"<!doctype html><html><head><title>Harbour</title></head><body><p>Story one.</p></body></html>"
PAGE2 = "<html><body><p>Caf\u00e9 story two.</p></body></html>".encode("latin-1")


def _write_warc(gz: bool) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gz)

    def response(url: str, body: bytes, ctype: str, date: str, status: str = "200 OK",
                 chunked: bool = False) -> Any:
        headers = [("Content-Type", ctype)]
        payload = body
        if chunked:
            headers.append(("Transfer-Encoding", "chunked"))
            half = len(body) // 2
            payload = b"".join(
                f"{len(part):x}\r\n".encode() + part + b"\r\n" for part in (body[:half], body[half:])
            ) + b"0\r\n\r\n"
        http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
        return writer.create_warc_record(url, "response", payload=io.BytesIO(payload), http_headers=http,
                                         warc_headers_dict={"WARC-Date": date})

    writer.write_record(writer.create_warcinfo_record("test.warc", {"software": "newsgrasp tests"}))
    req = StatusAndHeaders("GET / HTTP/1.1", [("Host", "news.example")], is_http_request=True)
    writer.write_record(writer.create_warc_record("https://news.example/one", "request",
                                                  payload=io.BytesIO(b""), http_headers=req))
    first = response("https://news.example/one", PAGE, "text/html; charset=UTF-8", "2024-05-14T10:00:00Z")
    writer.write_record(first)
    writer.write_record(response("https://news.example/report.pdf", b"%PDF-1.4 not a page",
                                 "application/pdf", "2024-05-14T10:01:00Z"))
    writer.write_record(response("https://news.example/moved", b"<html>moved</html>", "text/html",
                                 "2024-05-14T10:01:30Z", status="301 Moved Permanently"))
    writer.write_record(writer.create_revisit_record(
        "https://news.example/one", digest=first.rec_headers.get_header("WARC-Payload-Digest"),
        refers_to_uri="https://news.example/one", refers_to_date="2024-05-14T10:00:00Z",
        http_headers=StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1"),
    ))
    writer.write_record(response("https://news.example/two", PAGE2, "text/html; charset=ISO-8859-1",
                                 "2024-05-15T08:30:00Z", chunked=True))
    return out.getvalue()


@pytest.mark.parametrize("gz", [True, False], ids=["gzip", "plain"])
def test_own_warc(tmp_path: Path, gz: bool) -> None:
    data = _write_warc(gz)
    # A misleading name: content decides.
    path = tmp_path / ("crawl.bin" if gz else "crawl")
    path.write_bytes(data)
    assert detect_kind(data, name=path.name) == "warc"
    items = list(expand(str(path), None))
    assert all(isinstance(i, Document) for i in items), items
    docs = [i for i in items if isinstance(i, Document)]
    assert [d.url for d in docs] == ["https://news.example/one", "https://news.example/two"]
    one, two = docs
    assert one.body == PAGE and one.origin == "warc"
    assert one.content_type == "text/html" and one.charset == "utf-8"
    assert one.fetched_at == datetime(2024, 5, 14, 10, tzinfo=UTC)
    # The chunked payload comes out de-chunked, bytes untouched.
    assert two.body == PAGE2 and two.charset == "iso-8859-1"
    assert two.fetched_at == datetime(2024, 5, 15, 8, 30, tzinfo=UTC)


def test_warc_damaged_midway_keeps_what_came_before(tmp_path: Path) -> None:
    data = _write_warc(gz=False)
    cut = data.index(b"https://news.example/two") + 200
    path = tmp_path / "cut.warc"
    path.write_bytes(data[:cut])
    items = list(expand(str(path), None))
    assert isinstance(items[0], Document) and items[0].url == "https://news.example/one"
    failures = [i for i in items if isinstance(i, Failure)]
    assert failures and all(f.reason == "damaged archive" for f in failures)
    assert "offset" in failures[0].detail


def test_warc_garbage_after_records(tmp_path: Path) -> None:
    data = _write_warc(gz=True)
    path = tmp_path / "tail.warc.gz"
    path.write_bytes(data + b"this is not a record\r\n\r\n")
    items = list(expand(str(path), None))
    assert [type(i).__name__ for i in items] == ["Document", "Document", "Failure"]
    last = items[-1]
    assert isinstance(last, Failure) and last.reason == "damaged archive"


def test_single_stream_gzip_warc_is_read(tmp_path: Path) -> None:
    # Some tools gzip the whole file at once; warcio refuses it, we re-read it as a stream.
    path = tmp_path / "whole.warc.gz"
    path.write_bytes(gzip.compress(_write_warc(gz=False)))
    items = list(expand(str(path), None))
    assert [i.url for i in items if isinstance(i, Document)] == ["https://news.example/one", "https://news.example/two"]
    assert not [i for i in items if isinstance(i, Failure)]


def test_warc_over_http(httpserver: Any) -> None:
    from newsgrasp.sources.expand import expand as expand_fn

    data = _write_warc(gz=True)
    httpserver.expect_request("/crawl.warc.gz").respond_with_data(data, content_type="application/octet-stream")

    class Plain:
        def fetch(self, url: str, **_: Any) -> Any:
            import httpx

            r = httpx.get(url)
            doc = Document(url=url, body=r.content, origin="url", content_type=r.headers.get("content-type"))
            return type("R", (), {"document": doc, "not_modified": False, "etag": None,
                                  "last_modified": None, "url": url})()

    items = list(expand_fn(str(httpserver.url_for("/crawl.warc.gz")), Plain()))
    assert [i.url for i in items if isinstance(i, Document)] == ["https://news.example/one", "https://news.example/two"]


# -- real archives from other tools -------------------------------------------------

# What each file in ../shared/data/warc must give: (HTML documents' URLs, failure count).
EXPECTED = {
    "example.warc.gz": (["http://example.com/"], 0),
    "example-iana.org-chunked.warc": (["http://www.iana.org/"], 0),
    "example-trunc.warc": (["http://example.com/"], 0),
    "example-bad-non-chunked.warc.gz": (["http://example.com/"], 0),
    "example-wrong-chunks.warc.gz": ([], 2),
    "example-wget-bad-target-uri.warc.gz": (["http://example.com/"], 0),
    "example-space-in-target-uri.warc.gz": ([], 0),
    "example-resource.warc.gz": (["http://example.com/"], 0),
    "example.arc.gz": (["http://example.com/"], 0),
}


def _shared_files() -> list[Path]:
    if not SHARED_WARC.is_dir():
        return []
    return sorted(p for p in SHARED_WARC.iterdir() if p.suffix != ".md" and not p.name.startswith("."))


def test_real_archives_present() -> None:
    if not SHARED_WARC.is_dir():
        pytest.skip(f"{SHARED_WARC} is absent (shared test data sits beside the repository)")
    assert {p.name for p in _shared_files()} >= set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_archive(name: str) -> None:
    path = SHARED_WARC / name
    if not path.exists():
        pytest.skip(f"{path} is absent (shared test data sits beside the repository)")
    assert detect_kind(path.read_bytes()[:65536], name=name) in ("warc", "arc")
    items = list(expand(str(path), None))
    docs = [i for i in items if isinstance(i, Document)]
    failures = [i for i in items if isinstance(i, Failure)]
    want_urls, want_failures = EXPECTED[name]
    assert [d.url for d in docs] == want_urls
    assert len(failures) == want_failures, failures
    assert all(f.reason == "damaged archive" and f.detail for f in failures)
    for d in docs:
        assert d.body.lstrip().lower().startswith((b"<!doctype html", b"<html"))
        assert d.fetched_at is not None and d.fetched_at.tzinfo is not None
        assert d.content_type == "text/html"


def test_every_real_file_reads_without_raising() -> None:
    files = _shared_files()
    if not files:
        pytest.skip(f"{SHARED_WARC} is absent")
    for path in files:
        for item in expand(str(path), None):
            assert isinstance(item, Document | Failure)
    # And the whole folder at once, in order.
    items = list(expand(str(SHARED_WARC), None))
    assert len([i for i in items if isinstance(i, Document) and i.origin == "warc"]) == 7
