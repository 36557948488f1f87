"""Desk latency on a big store: p50/p95 of the pages a reader opens, 1 and 20 clients, with a writer.

Synthesises a store of ``--size`` articles through the store API (no HTTP):
the demo corpus, ingested, clustered and analysed by the real pipeline, is
replayed in rounds, each round re-dated a few hours later than the one before
(its copies stay copies, its analyses' event dates shift with it, its stories
are mirrored), interleaved with ECB+ full texts and UCI headlines from
../shared (re-dated, grouped into stories by their gold clusters) when that
data is present.  Then `newsgrasp serve` runs on 127.0.0.1 and clients request
the front page, a story page, an actor page, a dyad series and a search:
first each URL once on a fresh server ("cold": the desk caches slow aggregates
for a minute), then repeatedly with 1 client, with 20, and with 1 client while
another process writes articles and analyses into the same database.  Beside our figures, in
the same run: the target (p95 < 100 ms with one client) and the server's floor
(a static file over the same stack).

    python benchmarks/bench_web.py                 # 3,000 articles, a short run
    python benchmarks/bench_web.py --size 100000   # the 100k store (generating takes minutes)
    python benchmarks/bench_web.py --db big.db --reuse   # re-measure a store built before
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data" / "clustering"
sys.path.insert(0, str(REPO / "src"))

from newsgrasp.records import Article, StoryDigest, StoryFilter  # noqa: E402
from newsgrasp.store import SQLiteStore  # noqa: E402

ROUND_STEP = timedelta(hours=6)
TARGET_P95_MS = 100.0


# -- synthesis ---------------------------------------------------------------------------
def _base_store(folder: Path) -> SQLiteStore:
    """The demo corpus, ingested over HTTP on 127.0.0.1, clustered and analysed for real."""
    from newsgrasp.demo import demo_sources, serve_site
    from newsgrasp.fetch import FetchConfig, Fetcher
    from newsgrasp.ingest import Ingester
    from newsgrasp.stories.tracker import rebuild
    from newsgrasp.understand.pipeline import Analyzer

    store = SQLiteStore(folder / "base.db")
    with serve_site() as site, Fetcher(FetchConfig(per_host_delay=0.0)) as fetcher:
        Ingester(store, fetcher).run(demo_sources(site))
    rebuild(store)
    analyzer = Analyzer()
    for stored in list(store.iter_articles()):
        a = stored.article
        store.save_analysis(stored.id, analyzer.analyse(a.title, a.text, a.published))
    return store


def _shared_docs(limit: int) -> list[dict]:
    docs: list[dict] = []
    for name in ("ecbplus.dev.jsonl.gz", "uci_proxy.train.jsonl.gz", "uci_proxy.dev.jsonl.gz"):
        path = SHARED / name
        if path.exists():
            with gzip.open(path, "rt", encoding="utf-8") as fh:
                docs += [json.loads(line) | {"set": name.split(".")[0]} for line in fh]
    random.Random(5).shuffle(docs)
    return docs[:limit]


def synthesise(path: Path, size: int) -> dict[str, int]:
    from newsgrasp.records import ArticleFilter

    with tempfile.TemporaryDirectory() as tmp:
        base = _base_store(Path(tmp))
        demo = list(base.iter_articles(ArticleFilter(include_copies=True)))
        analyses = {s.id: base.analysis(s.id) for s in demo if s.canonical_id is None}
        stories = [base.get_story(s.id) for s in base.list_stories(StoryFilter(limit=None))]
        base.close()
    shared = _shared_docs(20_000)
    per_round_shared = max(0, min(60, len(shared) // max(1, size // 100)))
    store = SQLiteStore(path, keep_html=False)
    digests: list[StoryDigest] = []
    story_id = 0
    written = rounds = 0
    shared_pos = 0
    newest = max(s.article.published for s in demo if s.article.published)
    total_rounds = max(1, size // (len(demo) + per_round_shared))
    pending = []
    started = time.monotonic()
    while written < size:
        # Round 0 is the most recent: rounds go back in time, so "now" is the demo's own week.
        shift = -ROUND_STEP * (total_rounds - 1 - rounds)
        ids: dict[int, int] = {}
        for stored in demo:
            if written >= size:
                break
            a = stored.article
            moved = replace(a, published=a.published + shift if a.published else None,
                            url=f"{a.url}?round={rounds}" if a.url else None, raw_html=None)
            canonical = ids.get(stored.canonical_id) if stored.canonical_id else None
            new_id = store.add_article(moved, content_hash=f"{stored.content_hash}-{rounds}",
                                       canonical_id=canonical)
            ids[stored.id] = new_id
            written += 1
            analysis = analyses.get(stored.id)
            if analysis is not None:
                events = [replace(e, date=e.date + shift if e.date else None) for e in analysis.events]
                pending.append((new_id, replace(analysis, events=events)))
        for story in stories:
            members = [ids[m.article_id] for m in story.members if m.article_id in ids]
            if members:
                story_id += 1
                s = story.summary
                digests.append(StoryDigest(id=story_id, members=members, headline=s.headline,
                                           headline_article_id=ids.get(s.headline_article_id, members[0]),
                                           keywords=list(s.keywords), entities=list(s.entities)))
        clusters: dict[str, list[int]] = {}
        for _ in range(per_round_shared):
            if written >= size:
                break
            doc = shared[shared_pos % len(shared)]
            shared_pos += 1
            when = (datetime.fromisoformat(doc["date"]).replace(tzinfo=UTC) if doc.get("date")
                    else newest - timedelta(hours=random.random() * 6))
            when = when.replace(year=2017, month=2, day=min(when.day, 18)) + shift
            text = doc.get("text") or doc["title"]
            new_id = store.add_article(
                Article(title=doc["title"], text=text, published=when, source=doc.get("publisher") or doc["set"],
                        url=f"https://{doc.get('hostname') or doc['set'] + '.example'}/{doc['id']}/{rounds}",
                        language="en"),
                content_hash=f"{doc['set']}-{doc['id']}-{rounds}")
            clusters.setdefault(f"{doc['set']}-{doc['cluster']}", []).append(new_id)
            written += 1
        for members in clusters.values():
            story_id += 1
            digests.append(StoryDigest(id=story_id, members=members, headline="", headline_article_id=members[0]))
        if len(pending) >= 500:
            store.save_analyses(pending)
            pending = []
        rounds += 1
        if rounds % 50 == 0:
            rate = written / (time.monotonic() - started)
            print(f"  … {written:,} articles ({rate:,.0f}/s)", file=sys.stderr, flush=True)
    if pending:
        store.save_analyses(pending)
    for d in digests:
        if not d.headline:
            first = store.get(d.headline_article_id)
            d.headline = first.article.title if first else "?"
    store.replace_stories(digests, n_docs=written, frequencies={})
    counts = {"articles": store.count_articles(), "stories": store.count_stories(StoryFilter()),
              "events": store.analysis_counts()["events"], "rounds": rounds}
    store.close()
    return counts


# -- measuring -------------------------------------------------------------------------
def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(db: Path) -> tuple[subprocess.Popen[str], str]:
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "newsgrasp", "serve", "--db", str(db), "--port", str(port),
                             "--log-level", "warning"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            cwd=REPO)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(base + "/static/desk.css", timeout=1).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("newsgrasp serve did not start")


def _targets(db: Path) -> dict[str, list[str]]:
    store = SQLiteStore(db)
    try:
        big = [s.id for s in store.list_stories(StoryFilter(sort="biggest", limit=20))]
    finally:
        store.close()
    return {
        "front page": ["/"],
        "story page": [f"/stories/{i}" for i in big],
        "actor page": ["/actors/RUS", "/actors/USA", "/actors/PRK", "/actors/JPN"],
        "dyad series": ["/api/v1/dyads?a=USA&b=RUS&bucket=week", "/api/v1/dyads?a=JPN&b=USA&bucket=day"],
        "relations page": ["/relations?a=USA&b=RUS&bucket=week"],
        "search": ["/search?q=missile", "/search?q=sanctions", "/search?q=Putin", "/search?q=%22phone+call%22"],
        "static file (floor)": ["/static/desk.css"],
    }


def _measure(base: str, urls: list[str], clients: int, requests: int) -> tuple[list[float], list[str]]:
    times: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        rnd = random.Random(n)
        with httpx.Client(base_url=base, timeout=60) as client:
            for _ in range(requests):
                url = rnd.choice(urls)
                start = time.perf_counter()
                try:
                    r = client.get(url)
                    elapsed = (time.perf_counter() - start) * 1000
                    bad = None if r.status_code == 200 else f"{url}: HTTP {r.status_code} {r.text[:120]}"
                except httpx.HTTPError as exc:
                    elapsed, bad = 0.0, f"{url}: {exc!r}"
                with lock:
                    if bad:
                        errors.append(bad)
                    else:
                        times.append(elapsed)

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(worker, range(clients)))
    return times, errors


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _writer(db: Path, stop: threading.Event, counter: list[int], errors: list[str]) -> Callable[[], None]:
    def run() -> None:
        store = SQLiteStore(db)
        try:
            sample = store.get(1)
            analysis = store.analysis(1)
            i = 0
            while not stop.is_set():
                assert sample is not None
                a = replace(sample.article, url=f"https://writer.example/{i}-{time.time_ns()}",
                            published=datetime.now(UTC))
                try:
                    new_id = store.add_article(a, content_hash=f"writer-{time.time_ns()}")
                    if analysis is not None:
                        store.save_analysis(new_id, analysis)
                except Exception as exc:  # every failure is a finding
                    errors.append(f"writer: {exc}")
                counter[0] += 1
                i += 1
                time.sleep(0.01)
        finally:
            store.close()
    return run


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=3000, help="articles in the synthetic store (default 3000)")
    parser.add_argument("--db", type=Path, help="where to build the store (default: a temporary file)")
    parser.add_argument("--reuse", action="store_true", help="measure --db as it is, without building it")
    parser.add_argument("--requests", type=int, default=40, help="requests per client per page kind")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "bench.db"
        if not args.reuse:
            if db.exists():
                raise SystemExit(f"{db} exists: pass --reuse to measure it, or another --db")
            started = time.monotonic()
            counts = synthesise(db, args.size)
            print(f"store: {counts['articles']:,} articles, {counts['stories']:,} stories, "
                  f"{counts['events']:,} events ({counts['rounds']} rounds), built in "
                  f"{time.monotonic() - started:.0f} s; {db.stat().st_size / 1e6:.0f} MB")
        proc, base = _serve(db)
        try:
            targets = _targets(db)
            # The desk keeps slow aggregates (facets, actor views, dyad series) for a minute:
            # the first request of each URL pays the full price, so report it apart.
            cold: dict[str, float] = {}
            with httpx.Client(base_url=base, timeout=120) as client:
                for name, urls in targets.items():
                    firsts = []
                    for url in urls:
                        start = time.perf_counter()
                        client.get(url)
                        firsts.append((time.perf_counter() - start) * 1000)
                    cold[name] = statistics.median(firsts)
            for urls in targets.values():  # warm the per-thread connections
                _measure(base, urls, 2, 2)
            print(f"\n{'page':<22}{'cold ms':>9}{'1 client p50/p95 ms':>22}{'20 clients p50/p95 ms':>24}"
                  f"{'1 + writer p50/p95 ms':>24}   target p95 (1 client)")
            all_errors: list[str] = []
            written = [0]
            for name, urls in targets.items():
                one, e1 = _measure(base, urls, 1, args.requests)
                many, e20 = _measure(base, urls, 20, max(2, args.requests // 4))
                stop = threading.Event()
                writer_errors: list[str] = []
                thread = threading.Thread(target=_writer(db, stop, written, writer_errors))
                thread.start()
                with_writer, ew = _measure(base, urls, 1, args.requests)
                stop.set()
                thread.join()
                all_errors += e1 + e20 + ew + writer_errors
                ok = "ok" if _pct(one, 0.95) < TARGET_P95_MS else "MISSED"
                floor = " (reference)" if "floor" in name else f" {TARGET_P95_MS:.0f} ms {ok}"
                print(f"{name:<22}{cold[name]:>9.0f}{_pct(one, .5):>10.1f} / {_pct(one, .95):<9.1f}"
                      f"{_pct(many, .5):>12.1f} / {_pct(many, .95):<9.1f}"
                      f"{_pct(with_writer, .5):>12.1f} / {_pct(with_writer, .95):<9.1f}{floor}")
            locked = [e for e in all_errors if "locked" in e]
            print(f"\nwriter: {written[0]} articles + analyses written during the runs; errors: {len(all_errors)}"
                  f" ({len(locked)} 'database is locked')")
            for e in all_errors[:10]:
                print("  ", e)
        finally:
            proc.terminate()
            out = proc.communicate(timeout=10)[0]
            if "locked" in out:
                print("server log mentions a lock:", out[-500:])




if __name__ == "__main__":
    main()
