"""Helpers shared by the web tests: a demo-corpus store and a real `newsgrasp serve` process."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from newsgrasp.demo import demo_sources
from newsgrasp.fetch import FetchConfig, Fetcher
from newsgrasp.ingest import Ingester
from newsgrasp.store.base import Store

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"


def ingest_demo(store: Store, base: str) -> None:
    config = FetchConfig(per_host_delay=0.0, connect_timeout=2, read_timeout=2, total_timeout=5,
                         max_retries=2, backoff_base=0.01, max_retry_after=1)
    with Fetcher(config) as fetcher:
        summary = Ingester(store, fetcher).run(demo_sources(base))
    assert summary.new >= 20, summary.as_dict()


_DESK_DB: dict[str, Path] = {}


def desk_db(base: str) -> Path:
    """A database file with the demo corpus ingested, clustered into stories and analysed.

    Built once per test process (it takes seconds) and removed at exit; tests
    that only read share it, tests that write make their own store.
    """
    if base not in _DESK_DB:
        import atexit
        import shutil
        import tempfile

        from newsgrasp.store import SQLiteStore

        folder = Path(tempfile.mkdtemp(prefix="newsgrasp-web-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        path = folder / "desk.db"
        store = SQLiteStore(path)
        try:
            ingest_demo(store, base)
            cluster_stories(store)
            analyse_demo(store)
        finally:
            store.close()
        _DESK_DB[base] = path
    return _DESK_DB[base]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def serve(db: Path, *extra: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """``newsgrasp serve --db DB`` as a subprocess on a free loopback port; yields its base URL."""
    port = free_port()
    cmd = [sys.executable, "-m", "newsgrasp", "serve", "--db", str(db), "--port", str(port),
           "--log-level", "warning", *extra]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, **(env or {})})
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"newsgrasp serve exited with {proc.returncode}: {proc.stdout.read() if proc.stdout else ''}")
            try:
                if httpx.get(base + "/api/v1/openapi.json", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("newsgrasp serve did not answer within 30 s")
            time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def cluster_stories(store: Store) -> int:
    from newsgrasp.stories.tracker import rebuild

    return rebuild(store).stories


def analyse_demo(store: Store) -> str:
    """Give every canonical article an analysis; returns which analyser wrote them.

    The real :class:`~newsgrasp.understand.pipeline.Analyzer` when its event step
    exists; until then a deliberately small stand-in (below) so the pages that
    show events can be tested.  Either way the analyses go through the store API.
    """
    try:
        from newsgrasp.understand.pipeline import Analyzer

        analyzer = Analyzer()
    except ImportError:
        analyzer = None
    for stored in list(store.iter_articles()):
        a = stored.article
        if analyzer is not None:
            store.save_analysis(stored.id, analyzer.analyse(a.title, a.text, a.published))
        else:
            store.save_analysis(stored.id, stand_in_analysis(a.title, a.text, a.published))
    return "Analyzer" if analyzer is not None else "stand-in"


_SIDES = {
    "USA": ("Trump", "Washington", "White House", "U.S.", "Tillerson", "Pence", "Mattis"),
    "RUS": ("Putin", "Kremlin", "Moscow", "Russia", "Lavrov"),
    "PRK": ("North Korea", "Pyongyang", "Kim Jong"),
    "JPN": ("Abe", "Japan", "Tokyo"),
    "IRN": ("Iran", "Tehran"),
}


def stand_in_analysis(title: str, text: str, published: object) -> object:
    """Sentences, country mentions, curly-quoted quotes and one event per sentence naming two
    countries: CONSULT for calls and talks, SANCTION for sanctions, ACCUSE otherwise."""
    import re
    from datetime import date, datetime

    from newsgrasp.records import (
        Actor,
        Analysis,
        EntityRecord,
        EventRecord,
        Mention,
        QuoteRecord,
        SentenceSpan,
    )
    from newsgrasp.understand.pipeline import analysed_text

    full, _ = analysed_text(title, text)
    sentences = [SentenceSpan(i, m.start(), m.end(), m.group())
                 for i, m in enumerate(re.finditer(r"[^\n.!?]+[.!?]?[\u201d\"]?", full)) if m.group().strip()]
    sentences = [SentenceSpan(i, s.start, s.end, s.text) for i, s in enumerate(sentences)]
    day = published.date() if isinstance(published, datetime) else published if isinstance(published, date) else None
    entities: dict[str, EntityRecord] = {}
    quotes: list[QuoteRecord] = []
    events: list[EventRecord] = []
    for s in sentences:
        found: dict[str, tuple[int, str]] = {}
        for country, words in _SIDES.items():
            for word in words:
                at = s.text.find(word)
                if at >= 0:
                    start = s.start + at
                    rec = entities.setdefault(country, EntityRecord(country, "GPE", [], Actor(country)))
                    rec.mentions.append(Mention(start, start + len(word), s.index, word))
                    found.setdefault(country, (at, word))
                    break
        for m in re.finditer(r"\u201c([^\u201d]{3,})\u201d", s.text):
            quotes.append(QuoteRecord(m.group(1), s.start + m.start(1), s.start + m.end(1), s.index, "direct"))
        if len(found) >= 2:
            (src, (_, src_word)), (tgt, (_, tgt_word)) = sorted(found.items(), key=lambda kv: kv[1][0])[:2]
            lowered = s.text.lower()
            if "sanction" in lowered:
                category, quad, tone = "SANCTION", 4, -6.0
            elif any(w in lowered for w in ("call", "spoke", "talk", "met ", "meet")):
                category, quad, tone = "CONSULT", 1, 2.0
            else:
                category, quad, tone = "ACCUSE", 3, -3.0
            events.append(EventRecord(category, s.index, Actor(src), Actor(tgt), src_word, tgt_word, None, day,
                                      None, "day", None, quad, tone))
    return Analysis(sentences=sentences, entities=list(entities.values()), quotes=quotes, events=events,
                    version="web-test-stand-in", chars=len(full))


# -- hostile content ------------------------------------------------------------------
PAYLOADS = (
    "<script>window.__pwned = 'script'</script>",
    "<img src=x onerror=\"window.__pwned = 'img'\">",
    "\"><svg onload=\"window.__pwned = 'svg'\"></svg>",
    "'><iframe srcdoc=\"<script>parent.__pwned = 'iframe'</script>\"></iframe>",
    "</textarea></title><script>window.__pwned = 'close'</script>",
    "{{ 7 * 7 }} <style>body { display: none }</style>",
)
BAD_URLS = (
    "javascript:window.__pwned = 'url'",
    "JaVaScRiPt:window.__pwned = 'url2'",
    "data:text/html,<script>window.__pwned = 'data'</script>",
    "https://evil.example/\"><script>window.__pwned = 'attr'</script>",
    " javascript:window.__pwned = 'space'",
)


def hostile_store(path: Path) -> dict[str, int]:
    """A store whose every field carries script payloads; returns ids worth opening."""
    from datetime import UTC, date, datetime

    from newsgrasp.records import (
        Actor,
        Analysis,
        Article,
        EntityRecord,
        EventRecord,
        Feed,
        Mention,
        QuoteRecord,
        SentenceSpan,
    )
    from newsgrasp.store import SQLiteStore
    from newsgrasp.understand.pipeline import analysed_text

    store = SQLiteStore(path)
    ids: dict[str, int] = {}
    try:
        for i, payload in enumerate(PAYLOADS):
            bad_url = BAD_URLS[i % len(BAD_URLS)]
            text = (f"Moscow talks {payload} resumed.\nPutin said {payload} \u201c{payload} we agree\u201d.\n"
                    f"Washington replied {payload}.")
            title = f"Missile talks {payload} {i}"
            article = Article(title=title, text=text, url=bad_url, source=f"Outlet {payload}",
                              via=f"Via {payload}", dateline=f"MOSCOW {payload}", authors=[f"Eve {payload}"],
                              language=f"en{payload}"[:40], description=f"Summary {payload}", image=bad_url,
                              published=datetime(2017, 1, 20 + i, 12, tzinfo=UTC))
            article_id = store.add_article(article, content_hash=f"x{i}", urls=[bad_url, f"{bad_url}/{i}"])
            store.add_article(Article(title=title, text=text, url=BAD_URLS[(i + 1) % len(BAD_URLS)],
                                      source=f"Copier {payload}", via=payload,
                                      published=datetime(2017, 1, 21 + i, tzinfo=UTC)),
                              content_hash=f"x{i}", canonical_id=article_id)
            full, _ = analysed_text(title, text)
            spans = []
            start = 0
            for line in full.split("\n"):
                if line:
                    spans.append(SentenceSpan(len(spans), start, start + len(line), line))
                start += len(line) + 1
            putin = full.index("Putin")
            usa = Actor("USA", "GOV", f"President {payload}", "person")
            rus = Actor("RUS", "GOV", f"Vladimir {payload}", "person")
            quote_at = full.index("\u201c") + 1
            quote_end = full.index("\u201d")
            said = next(s.index for s in spans if s.start <= quote_at < s.end)
            store.save_analysis(article_id, Analysis(
                sentences=spans,
                entities=[EntityRecord(f"Putin {payload}", "PERSON",
                                       [Mention(putin, putin + 5, said, "Putin")], rus)],
                quotes=[QuoteRecord(full[quote_at:quote_end], quote_at, quote_end, said, "direct",
                                    f"Putin {payload}", 0, rus)],
                events=[EventRecord("CONSULT", said, usa, rus, f"Washington {payload}", f"Moscow {payload}",
                                    f"talks {payload}", date(2017, 1, 20 + i), f"today {payload}", "day",
                                    f"Geneva {payload}", 1, 3.0)],
                version="xss", chars=len(full)))
            ids.setdefault("article", article_id)
        store.upsert_feed(Feed(url=BAD_URLS[0], title=f"Feed {PAYLOADS[0]}", site_url=BAD_URLS[3],
                               last_error=f"HTTP 500 {PAYLOADS[1]}", last_checked=datetime(2017, 2, 1, tzinfo=UTC)))
        cluster_stories(store)
        story = store.story_of_article(ids["article"])
        assert story is not None
        ids["story"] = story.id
    finally:
        store.close()
    return ids
