"""End to end: sources → fetch → extract → fold copies → store, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import gzip
import io
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from newsgrasp.demo import demo_sources
from newsgrasp.ingest import Ingester, IngestOptions
from newsgrasp.records import ArticleFilter

from .conftest import shared_path

_WORDS = (
    "council budget harbour ferry library tram bridge school clinic market river station museum park "
    "mayor residents engineers traders nurses farmers drivers teachers volunteers inspectors "
    "approved delayed expanded reviewed opened closed repaired funded debated postponed "
    "quietly sharply finally twice early late again formally briefly partly "
    "northern southern eastern western central coastal rural historic crowded narrow"
).split()


def distinct_text(seed: str, sentences: int = 12) -> str:
    """News-like prose that no other seed shares (so near-duplicate folding leaves it alone)."""
    rnd = random.Random(seed)
    out = []
    for _ in range(sentences):
        words = [rnd.choice(_WORDS) for _ in range(rnd.randint(9, 16))]
        out.append(" ".join(words).capitalize() + ".")
    return " ".join(out)


def article_html(title: str, topic: str, *, charset: str = "utf-8", extra: str = "") -> str:
    text = distinct_text(title + topic, 18).split(". ")
    body = "".join(f"<p>{'. '.join(text[i::6])}. More on {topic}.</p>" for i in range(6))
    return (f"<!doctype html><html lang='en'><head><meta charset='{charset}'><title>{title}</title>"
            f"</head><body><nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{extra}{body}"
            f"</article><footer>Contact us</footer></body></html>")


# -- the demo corpus -----------------------------------------------------------------------
def test_demo_corpus_ingests_with_copies_folded(demo_site, demo_manifest, store, fast_fetcher):
    ingester = Ingester(store, fast_fetcher, IngestOptions(enrich=False))
    summary = ingester.run(demo_sources(demo_site))
    assert {f.reason for f in summary.failures} <= {"robots.txt disallows"}, summary.failures
    articles = demo_manifest["articles"]
    copies = [a for a in articles if a.get("copy_of")]
    assert summary.new + summary.copies + summary.duplicates == len(articles)
    assert summary.copies + summary.duplicates >= len(copies) >= 3

    by_path = {}
    for stored in store.iter_articles(ArticleFilter(include_copies=True)):
        for url in store.urls(stored.id):
            by_path[url.split("/", 3)[3]] = stored
    missing = [a["path"] for a in articles if a["path"] not in by_path]
    assert not missing
    for entry in copies:
        copy, original = by_path[entry["path"]], by_path[entry["copy_of"]]
        group = {copy.canonical_id or copy.id}
        assert group == {original.canonical_id or original.id}, entry["path"]
    originals = {a["path"] for a in articles if not a.get("copy_of")}
    distinct = {by_path[p].canonical_id or by_path[p].id for p in originals}
    assert len(distinct) == len(originals), "two different articles were folded together"

    # Section fronts listed in the sitemap are recognised as pages that are not articles.
    assert len(summary.not_articles) == 6
    # A second run finds every article stored and every index page remembered:
    # nothing new, nothing fetched twice.
    again = ingester.run(demo_sources(demo_site))
    assert again.new == 0 and again.copies == 0 and again.fetched == 0 and not again.not_articles
    assert again.skipped >= len(articles) - summary.duplicates


def test_seed_article_with_a_date_given(store):
    path = shared_path("data", "seed", "article.txt")
    options = IngestOptions(published=datetime(2017, 1, 29, tzinfo=UTC), enrich=False)
    summary = Ingester(store, None, options).run([str(path)])
    assert summary.new == 1 and not summary.failures
    stored = next(store.iter_articles())
    a = stored.article
    assert a.title == "Trump, Putin discuss trade sanctions, security issues"
    assert (a.source, a.via, a.dateline) == ("Japan Today", "NewsHub", "WASHINGTON")
    assert a.text.startswith("Will President Donald Trump usher in")
    # The last paragraph: "In 2014, Russia annexed ... in eastern Ukraine, drawing widespread
    # condemnation in Europe and the United States." — then the aggregator's tail, which must go.
    assert a.text.endswith("in eastern Ukraine, drawing widespread condemnation in Europe and the United States.")
    assert "Continue reading" not in a.text and "SHARE" not in a.text and "324" not in a.text
    assert a.published == datetime(2017, 1, 29, tzinfo=UTC)
    assert store.search("Kremlin sanctions")[0].id == stored.id


def test_local_files_of_every_kind(tmp_path, store):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    folder = tmp_path / "in"
    (folder / "deep").mkdir(parents=True)
    (folder / "a.html").write_text(article_html("Harbour bridge reopens", "the harbour bridge"), "utf-8")
    (folder / "deep" / "b.htm").write_text(article_html("Library hours extended", "library hours"), "utf-8")
    (folder / "c.txt").write_text("Tram fares frozen\n\n" + distinct_text("tram fares"), "utf-8")
    lines = [json.dumps({"url": "https://example.org/j1", "title": "Park renamed", "date": "2020-05-01",
                         "source": "Example Times", "text": distinct_text("park")}),
             "{not json"]
    (folder / "d.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    page = article_html("Ferry timetable changes", "the ferry timetable").encode()
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record("https://example.org/ferry", "response",
                                                  payload=io.BytesIO(page), http_headers=headers))
    pdf = StatusAndHeaders("200 OK", [("Content-Type", "application/pdf")], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record("https://example.org/x.pdf", "response",
                                                  payload=io.BytesIO(b"%PDF-1.4"), http_headers=pdf))
    (folder / "e.warc.gz").write_bytes(buf.getvalue())

    summary = Ingester(store, None, IngestOptions(enrich=False)).run([str(folder)])
    titles = {s.article.title for s in store.iter_articles()}
    assert titles == {"Harbour bridge reopens", "Library hours extended", "Tram fares frozen",
                      "Park renamed", "Ferry timetable changes"}
    assert summary.new == 5
    assert [f.reason for f in summary.failures] and all("line 2" in f.target + f.detail
                                                      for f in summary.failures)
    park = next(s for s in store.iter_articles() if s.article.title == "Park renamed")
    assert park.article.source == "Example Times" and park.article.published.year == 2020


# -- robustness: every bad item fails alone, with a reason ---------------------------------------
class _Hostile(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def _send(self, body: bytes, ctype: str = "text/html; charset=utf-8", status: int = 200,
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802, C901
        host = f"http://{self.headers['Host']}"
        p = self.path
        if p == "/robots.txt":
            self._send(b"User-agent: *\nDisallow: /private/\n", "text/plain")
        elif p.startswith("/ok/"):
            self._send(article_html(f"Good page {p}", f"good topic {p}").encode())
        elif p == "/private/secret.html":
            self._send(article_html("Secret", "secret").encode())
        elif p == "/malformed.html":
            html = article_html("Malformed but readable", "the malformed page")
            self._send(html.replace("</p>", "").replace("</article>", "<div><span>").encode())
        elif p == "/empty.html":
            self._send(b"")
        elif p == "/binary.html":
            self._send(bytes(range(256)) * 64)
        elif p == "/wrong-charset.html":
            html = article_html("Café owners welcome Shinzō Abe", "the café terrace", charset="iso-8859-1")
            self._send(html.encode("utf-8"), "text/html; charset=iso-8859-1")
        elif p == "/huge.html":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            chunk = b"<p>" + b"x" * 1_000_000 + b"</p>"
            try:
                for _ in range(50):
                    self.wfile.write(chunk)
            except OSError:
                pass
        elif p == "/stall.html":
            time.sleep(8)
            self._send(b"<html></html>")
        elif p == "/storm.html":
            self._send(b"slow down", "text/plain", 429, {"Retry-After": "0"})
        elif p == "/loop-a":
            self._send(b"", status=302, headers={"Location": "/loop-b"})
        elif p == "/loop-b":
            self._send(b"", status=302, headers={"Location": "/loop-a"})
        elif p == "/broken-feed.xml":
            self._send(b"<rss><channel><title>Broken</ti", "application/rss+xml")
        elif p == "/loop-sitemap.xml":
            self._send((f"<?xml version='1.0'?><sitemapindex xmlns='http://www.sitemaps.org/schemas/"
                        f"sitemap/0.9'><sitemap><loc>{host}/loop-sitemap.xml</loc></sitemap>"
                        f"</sitemapindex>").encode(), "application/xml")
        elif p == "/sitemap.xml":
            pages = ["/ok/1.html", "/ok/2.html", "/private/secret.html", "/malformed.html", "/empty.html",
                     "/binary.html", "/wrong-charset.html", "/huge.html", "/stall.html", "/storm.html",
                     "/loop-a"]
            urls = "".join(f"<url><loc>{host}{u}</loc></url>" for u in pages)
            self._send((f"<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
                        f"{urls}</urlset>").encode(), "application/xml")
        else:
            self._send(b"not here", "text/plain", 404)


@pytest.fixture
def hostile_site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hostile)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_each_bad_item_fails_alone_with_a_reason(hostile_site, store, fast_fetcher, tmp_path):
    (tmp_path / "binary.html").write_bytes(os.urandom(4096))
    sources = [f"{hostile_site}/sitemap.xml", f"{hostile_site}/broken-feed.xml",
               f"{hostile_site}/loop-sitemap.xml", str(tmp_path / "binary.html"), f"{hostile_site}/nothing"]
    started = time.monotonic()
    summary = Ingester(store, fast_fetcher, IngestOptions(enrich=False)).run(sources)
    assert time.monotonic() - started < 60
    reasons = summary.failed_by_reason()
    for expected in ["robots.txt disallows", "too large", "timeout", "rate limited", "redirect loop",
                     "broken feed", "sitemap loop", "http 404"]:
        assert reasons[expected] >= 1, (expected, summary.failures)
    assert sum(1 for f in summary.failures if f.target.endswith(("/empty.html",))) == 1
    assert sum(1 for f in summary.failures if "binary" in f.target) == 2
    titles = {s.article.title for s in store.iter_articles()}
    assert {"Good page /ok/1.html", "Good page /ok/2.html", "Malformed but readable",
            "Café owners welcome Shinzō Abe"} <= titles
    assert all(len(f.line().splitlines()) == 1 for f in summary.failures)


# -- interruption ---------------------------------------------------------------------------------
def _count(db: Path) -> tuple[int, int]:
    con = sqlite3.connect(db)
    try:
        total = con.execute("select count(*) from articles").fetchone()[0]
        distinct = con.execute("select count(distinct content_hash) from articles").fetchone()[0]
        return total, distinct
    except sqlite3.OperationalError:
        return 0, 0
    finally:
        con.close()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL])
def test_interrupted_ingest_resumes_without_duplicates(tmp_path, sig):
    folder = tmp_path / "pages"
    folder.mkdir()
    n = 120
    for i in range(n):
        (folder / f"p{i:04d}.html").write_text(article_html(f"Item number {i}", f"item {i} zoning {i * 7}"))
    db = tmp_path / "news.db"
    cmd = [sys.executable, "-m", "newsgrasp", "ingest", str(folder), "--db", str(db), "--quiet", "--no-enrich"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while _count(db)[0] < 10 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.1)
    proc.send_signal(sig)
    proc.wait(timeout=30)
    stored_before, distinct_before = _count(db)
    assert 0 < stored_before < n and stored_before == distinct_before
    rerun = subprocess.run(cmd + ["--json"], capture_output=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr.decode()[-2000:]
    summary = json.loads(rerun.stdout)
    assert summary["skipped"] >= stored_before
    assert _count(db) == (n, n)


def test_gzip_sitemap_and_jsonl_without_urls_are_idempotent(tmp_path, store):
    lines = [json.dumps({"title": f"Note {i}", "text": distinct_text(f"note {i}")})
             for i in range(5)]
    path = tmp_path / "notes.jsonl.gz"
    path.write_bytes(gzip.compress("\n".join(lines).encode()))
    first = Ingester(store, None, IngestOptions(enrich=False)).run([str(path)])
    second = Ingester(store, None, IngestOptions(enrich=False)).run([str(path)])
    assert first.new == 5
    assert second.new == 0 and store.count_articles() == 5
