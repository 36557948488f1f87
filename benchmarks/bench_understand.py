#!/usr/bin/env python3
"""Speed of the whole enrichment (spaCy + entities/actors + quotes + events), beside spaCy's bare parse.

Texts: the demo corpus's canonical articles (what ingest analyses; copies are
not), served on 127.0.0.1 and extracted as ingest does, plus the seed article
(``../shared/data/seed/article.txt``, when present).  Each article is analysed
as ``title + "\\n\\n" + body``, exactly as the pipeline does.

Rows, in one run on the same texts:
* reference: spaCy ``nlp.pipe`` (same model, all components) on 1 process and on
  2 (``n_process=2``), i.e. the floor the enrichment cannot beat;
* newsgrasp: ``Analyzer.analyse_many`` on 1 process and on 2 (worker processes,
  each loading the model: timed warm, and cold with start-up included);
* ingest of the demo corpus with ``--no-enrich`` and with enrichment (in-process,
  as a small ingest runs it), so the cost of enrichment inside ingest shows.

    .venv/bin/python benchmarks/bench_understand.py [--repeat 1]

Timings on a shared machine are noisy: compare rows of the same run.
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "data" / "seed" / "article.txt"

Item = tuple[str, str, "datetime | None"]
BATCH = 8   # articles per nlp.pipe batch, in every row


def corpus() -> list[Item]:
    from newsgrasp.demo import demo_sources, serve_site
    from newsgrasp.fetch import FetchConfig, Fetcher
    from newsgrasp.ingest import Ingester, IngestOptions
    from newsgrasp.store import SQLiteStore

    items: list[Item] = []
    with serve_site() as base, SQLiteStore(":memory:") as store, \
            Fetcher(FetchConfig(per_host_delay=0.0)) as fetcher:
        Ingester(store, fetcher, IngestOptions(enrich=False)).run(demo_sources(base))
        items += [(s.article.title, s.article.text, s.article.published) for s in store.iter_articles()]
    if SEED.exists():
        with SQLiteStore(":memory:") as store:
            Ingester(store, None, IngestOptions(enrich=False, published=datetime(2017, 1, 29, tzinfo=UTC))).run(
                [str(SEED)])
            items += [(s.article.title, s.article.text, s.article.published) for s in store.iter_articles()]
    else:
        print(f"(seed article absent at {SEED}: demo corpus only)")
    return items


def ingest_seconds(enrich: bool) -> tuple[float, int, int]:
    from newsgrasp.demo import demo_sources, serve_site
    from newsgrasp.fetch import FetchConfig, Fetcher
    from newsgrasp.ingest import Ingester, IngestOptions
    from newsgrasp.store import SQLiteStore

    with serve_site() as base, SQLiteStore(":memory:") as store, \
            Fetcher(FetchConfig(per_host_delay=0.0)) as fetcher:
        started = time.perf_counter()
        summary = Ingester(store, fetcher, IngestOptions(enrich=enrich, jobs=1)).run(demo_sources(base))
        return time.perf_counter() - started, summary.new, summary.analysed


def row(name: str, seconds: float, articles: int, sentences: int, tokens: int) -> None:
    print(f"{name:<46} {seconds:>7.2f} s {articles / seconds:>8.1f} art/s {sentences / seconds:>8.1f} sent/s "
          f"{tokens / seconds:>9.0f} tok/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=1, help="Analyse the corpus this many times per row.")
    args = parser.parse_args()

    from newsgrasp.understand.pipeline import (
        Analyzer,
        analyse_in_pool,
        analyse_with_pool,
        analysed_text,
        worker_pool,
    )

    items = corpus() * max(1, args.repeat)
    analyzer = Analyzer()
    nlp = analyzer.nlp
    texts = [analysed_text(t, b)[0] for t, b, _ in items]
    analyzer.analyse(*items[0])   # warm caches (lexicon tables, gazetteer)
    print(f"{len(items)} articles, {sum(len(t) for t in texts):,} characters; model "
          f"{nlp.meta['name']} {nlp.meta['version']}; analyser {analyzer.version}\n")

    started = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=BATCH))
    bare = time.perf_counter() - started
    sentences = sum(len(list(d.sents)) for d in docs)
    tokens = sum(len(d) for d in docs)
    print(f"{'':<46} {'time':>9} {'articles':>14} {'sentences':>15} {'tokens':>15}")
    row("reference: spaCy nlp.pipe, 1 process", bare, len(items), sentences, tokens)
    started = time.perf_counter()
    list(nlp.pipe(texts, batch_size=BATCH, n_process=2))
    row("reference: spaCy nlp.pipe, n_process=2 (cold)", time.perf_counter() - started, len(items), sentences,
        tokens)

    started = time.perf_counter()
    results = list(analyzer.analyse_many(items, n_process=1, batch_size=BATCH))
    one = time.perf_counter() - started
    row("newsgrasp enrichment, 1 process", one, len(items), sentences, tokens)

    started = time.perf_counter()
    with worker_pool(2) as pool:
        warm = [analyse_in_pool(pool, items[:1]) for _ in range(2)]
        for future in warm:
            future.result()
        ready = time.perf_counter()
        two = list(analyse_with_pool(pool, items, batch_size=BATCH, in_flight=4))
        done = time.perf_counter()
    row("newsgrasp enrichment, 2 processes (warm)", done - ready, len(items), sentences, tokens)
    row("newsgrasp enrichment, 2 processes (cold)", done - started, len(items), sentences, tokens)
    # Same batches in both, so the same parses: the workers must agree with this process.
    differ = sum(a != b for a, b in zip(two, results, strict=True))
    if differ:
        print(f"!! {differ} of {len(results)} analyses differ between 1 and 2 processes")

    events = sum(len(a.events) for a in results)
    quotes = sum(len(a.quotes) for a in results)
    print(f"\nfound: {events} events, {quotes} quotes, {sum(len(a.entities) for a in results)} entities")
    # The steps after spaCy on the parsed docs, timed one by one (same work as inside the rows above).
    steps = {"entities": 0.0, "quotes": 0.0, "events": 0.0}
    for doc, (_title, _body, published) in zip(docs, items, strict=True):
        on = published.date() if published else None
        started = time.perf_counter()
        entities = analyzer._entities(doc, on, 0)
        steps["entities"] += time.perf_counter() - started
        started = time.perf_counter()
        analyzer._quotes(doc, entities, on, 0)
        steps["quotes"] += time.perf_counter() - started
        started = time.perf_counter()
        analyzer._events(doc, entities, on, 0)
        steps["events"] += time.perf_counter() - started
    print("steps after the parse, 1 process: " + ", ".join(f"{k} {v:.2f} s" for k, v in steps.items())
          + f" (spaCy parse alone: {bare:.2f} s)")

    plain, new, _ = ingest_seconds(False)
    enriched, new2, analysed = ingest_seconds(True)
    print(f"\ningest of the demo corpus ({new} new articles): --no-enrich {plain:.2f} s, with enrichment "
          f"{enriched:.2f} s ({analysed} analysed; +{enriched - plain:.2f} s, model load included)")


if __name__ == "__main__":
    main()
