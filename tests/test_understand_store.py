"""The understand tables: save/replace/load analyses, and the event, quote, actor and dyad queries.

Analyses here are written by hand (no spaCy), so these tests pin the store alone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from newsgrasp.records import (
    Actor,
    Analysis,
    Article,
    EntityRecord,
    EventFilter,
    EventRecord,
    Mention,
    QuoteFilter,
    QuoteRecord,
    SentenceSpan,
)
from newsgrasp.store import QueryError, StoreError

USA_GOV = Actor("USA", "GOV", "Donald Trump", "person")
RUS_GOV = Actor("RUS", "GOV", "Vladimir Putin", "person")
KREMLIN = Actor("RUS", "GOV", None, "organization")
UKR = Actor("UKR", None, None, "country")


def add(store, title: str, published: datetime, text: str = "Body.") -> int:
    return store.add_article(Article(title=title, text=text + " " + title, published=published),
                             content_hash=title)


def analysis(version: str = "t1", *, call_date: date = date(2017, 1, 28)) -> Analysis:
    sentences = [
        SentenceSpan(0, 0, 40, "Trump and Putin spoke on Saturday."),
        SentenceSpan(1, 41, 100, "In 2014, Russia annexed Crimea."),
        SentenceSpan(2, 101, 160, "Trump may lift sanctions."),
        SentenceSpan(3, 161, 220, "\u201cWe'll see,\u201d Trump told reporters."),
    ]
    entities = [
        EntityRecord("Donald Trump", "PERSON", [Mention(0, 5, 0, "Trump"), Mention(101, 106, 2, "Trump")],
                     USA_GOV),
        EntityRecord("Vladimir Putin", "PERSON", [Mention(10, 15, 0, "Putin")], RUS_GOV),
        EntityRecord("the Kremlin", "ORG", [], KREMLIN),
        EntityRecord("Crimea", "GPE", [Mention(70, 76, 1, "Crimea")], None),
    ]
    quotes = [
        QuoteRecord("We'll see,", 162, 172, 3, "direct", "Trump", 0, USA_GOV),
        QuoteRecord("the two men discussed sanctions", 10, 40, 0, "indirect", "the Kremlin", 2, KREMLIN),
    ]
    events = [
        EventRecord("CONSULT", 0, USA_GOV, RUS_GOV, "Trump", "Putin", "spoke", call_date, "Saturday", "day",
                    None, 1, 1.0),
        EventRecord("COERCE", 1, Actor("RUS"), UKR, "Russia", "Crimea", "annexed", date(2014, 1, 1), "In 2014",
                    "year", "Crimea", 4, -9.0),
        EventRecord("RETREAT", 2, USA_GOV, Actor("RUS"), "Trump", None, "lift", call_date, None, "day", None, 2,
                    5.0, mode="hypothetical"),
    ]
    return Analysis(sentences, entities, quotes, events, version)


@pytest.fixture
def seeded(store):
    first = add(store, "Trump and Putin speak", datetime(2017, 1, 29, tzinfo=UTC))
    store.save_analysis(first, analysis())
    return store, first


def test_analysis_round_trips_exactly(seeded):
    store, first = seeded
    assert store.analysis(first) == analysis()
    assert store.analysis(first + 99) is None


def test_saving_again_replaces_the_older_analysis(seeded):
    store, first = seeded
    newer = analysis("t2", call_date=date(2017, 1, 27))
    newer.events = newer.events[:1]
    store.save_analysis(first, newer)
    assert store.analysis(first) == newer
    assert len(store.events(EventFilter(include_unasserted=True))) == 1
    assert store.analysis_counts("t2")["events"] == 1


def test_deleting_an_analysis_removes_its_facts(seeded):
    store, first = seeded
    store.delete_analysis(first)
    store.delete_analysis(first)          # nothing left: a no-op
    for table in ("analysed_sentences", "entities", "mentions", "quotes", "events"):
        assert store._read(f"SELECT count(*) FROM {table}")[0][0] == 0, table
    assert store.analysis(first) is None
    assert store.events(EventFilter(include_unasserted=True)) == [] and store.quotes() == []
    assert store.analysis_counts("t1") == {"analysed": 0, "current": 0, "events": 0, "quotes": 0, "entities": 0,
                                           "canonical": 1, "stale": 1}


def test_saving_for_a_missing_article_is_an_error(store):
    with pytest.raises(StoreError, match="no article with id 5"):
        store.save_analysis(5, analysis())


def test_staleness_by_version_and_by_changed_text(seeded):
    store, first = seeded
    second = add(store, "Another", datetime(2017, 2, 1, tzinfo=UTC))
    assert store.article_ids_needing_analysis("t1") == [second]
    assert store.article_ids_needing_analysis("t2") == [first, second]
    assert store.article_ids_needing_analysis("t1", limit=0) == []
    assert store.article_ids_needing_analysis("t1", everything=True) == [first, second]
    stored = store.get(first)
    store.update_article(first, stored.article, content_hash="changed")
    assert store.article_ids_needing_analysis("t1") == [first, second]
    counts = store.analysis_counts("t1")
    assert counts["canonical"] == 2 and counts["current"] == 0 and counts["stale"] == 2


def test_copies_are_neither_stale_nor_listed(seeded):
    store, first = seeded
    newer = add(store, "The original", datetime(2017, 1, 29, tzinfo=UTC))
    store.make_canonical(newer, [first])
    # `first` is now a copy: its events vanish and it needs no analysis.
    assert store.events() == []
    assert store.quotes() == []
    assert store.article_ids_needing_analysis("t1") == [newer]


def test_events_carry_their_evidence_and_article(seeded):
    store, first = seeded
    events = store.events()
    assert [e.event.category for e in events] == ["COERCE", "CONSULT"]   # by date; unasserted left out
    consult = events[1]
    assert consult.article_id == first and consult.sentence == "Trump and Putin spoke on Saturday."
    assert consult.event.source == USA_GOV and consult.event.date == date(2017, 1, 28)
    assert consult.article_title == "Trump and Putin speak"
    assert consult.article_published == date(2017, 1, 29)
    flat = consult.as_dict()
    assert flat["source"]["code"] == "USA GOV" and flat["date"] == "2017-01-28"


@pytest.mark.parametrize(("flt", "expected"), [
    (EventFilter(actor="RUS"), ["COERCE", "CONSULT"]),
    (EventFilter(actor="RUS GOV"), ["CONSULT"]),
    (EventFilter(actor="USA GOV"), ["CONSULT"]),
    (EventFilter(actor="UKR"), ["COERCE"]),
    (EventFilter(actor="putin"), ["CONSULT"]),
    (EventFilter(actor="Russia"), ["COERCE", "CONSULT"]),
    (EventFilter(actor="CHN"), []),
    (EventFilter(dyad=("USA", "RUS")), ["CONSULT"]),
    (EventFilter(dyad=("RUS", "USA")), ["CONSULT"]),
    (EventFilter(dyad=("RUS", "USA"), directed=True), []),
    (EventFilter(dyad=("USA", "RUS"), directed=True), ["CONSULT"]),
    (EventFilter(dyad=("RUS", "UKR"), directed=True), ["COERCE"]),
    (EventFilter(category="consult"), ["CONSULT"]),
    (EventFilter(quad_class=4), ["COERCE"]),
    (EventFilter(since=date(2017, 1, 1)), ["CONSULT"]),
    (EventFilter(since=datetime(2017, 1, 28, 12, tzinfo=UTC)), ["CONSULT"]),   # a datetime counts by its day
    (EventFilter(until=date(2017, 1, 28)), ["COERCE"]),
    (EventFilter(until=date(2017, 1, 1)), ["COERCE"]),
    (EventFilter(include_unasserted=True), ["COERCE", "CONSULT", "RETREAT"]),
    (EventFilter(modes=("hypothetical",)), ["RETREAT"]),
    (EventFilter(article_ids=[]), []),
    (EventFilter(limit=1, offset=1), ["CONSULT"]),
    (EventFilter(newest_first=True, include_unasserted=True), ["RETREAT", "CONSULT", "COERCE"]),
])
def test_event_filters(seeded, flt, expected):
    store, _first = seeded
    assert [e.event.category for e in store.events(flt)] == expected


def test_event_filter_by_article(seeded):
    store, first = seeded
    other = add(store, "Elsewhere", datetime(2017, 2, 5, tzinfo=UTC))
    store.save_analysis(other, analysis(call_date=date(2017, 2, 4)))
    assert {e.article_id for e in store.events(EventFilter(article_id=other))} == {other}
    assert {e.article_id for e in store.events(EventFilter(article_ids=[first]))} == {first}


def test_bad_filters_are_named(seeded):
    store, _first = seeded
    with pytest.raises(QueryError, match="quad class 7"):
        store.events(EventFilter(quad_class=7))
    with pytest.raises(QueryError, match="empty actor"):
        store.events(EventFilter(actor="  "))
    with pytest.raises(QueryError, match="bucket 'year'"):
        store.dyad_series("USA", "RUS", bucket="year")


def test_quotes_by_speaker(seeded):
    store, first = seeded
    assert [q.quote.text for q in store.quotes(QuoteFilter(speaker="Trump"))] == ["We'll see,"]
    assert [q.quote.text for q in store.quotes(QuoteFilter(speaker="donald"))] == ["We'll see,"]
    assert [q.quote.kind for q in store.quotes(QuoteFilter(speaker="RUS GOV"))] == ["indirect"]
    assert [q.quote.kind for q in store.quotes(QuoteFilter(speaker="Kremlin"))] == ["indirect"]
    quote = store.quotes(QuoteFilter(speaker="USA"))[0]
    assert quote.article_id == first and quote.sentence.endswith("Trump told reporters.")
    assert quote.speaker_name == "Donald Trump"
    assert store.quotes(QuoteFilter(kind="direct", article_id=first))[0].quote.speaker_actor == USA_GOV
    assert store.quotes(QuoteFilter(since=date(2017, 1, 30))) == []


def test_most_active_actors(seeded):
    store, _first = seeded
    ranked = store.actors()
    by_code = {a.code: a for a in ranked}
    # Events first, then quotes, then the code; the hypothetical RETREAT does not count.
    assert [a.code for a in ranked] == ["RUS GOV", "USA GOV", "RUS", "UKR"]
    assert (by_code["USA GOV"].as_source, by_code["USA GOV"].as_target, by_code["USA GOV"].quotes) == (1, 0, 1)
    assert (by_code["RUS GOV"].as_target, by_code["RUS GOV"].quotes) == (1, 1)
    assert by_code["RUS GOV"].names == ["Vladimir Putin"]
    assert [a.code for a in store.actors(since=date(2017, 1, 1))] == ["RUS GOV", "USA GOV"]
    assert by_code["RUS"].as_source == 1 and by_code["UKR"].as_target == 1
    assert len(store.actors(limit=1)) == 1


def test_dyad_series_buckets(seeded):
    store, first = seeded
    second = add(store, "Later call", datetime(2017, 2, 20, tzinfo=UTC))
    store.save_analysis(second, analysis(call_date=date(2017, 2, 19)))
    days = store.dyad_series("USA", "RUS")
    assert [p.start for p in days] == [date(2017, 1, 28), date(2017, 2, 19)]
    assert days[0].counts == {1: 1, 2: 0, 3: 0, 4: 0} and days[0].mean_intensity == 1.0
    months = store.dyad_series("RUS", "USA", bucket="month")
    assert [(p.start, p.end, p.total) for p in months] == [
        (date(2017, 1, 1), date(2017, 2, 1), 1), (date(2017, 2, 1), date(2017, 3, 1), 1)]
    weeks = store.dyad_series("USA", "RUS", bucket="week", since=date(2017, 2, 1))
    assert [(p.start, p.total) for p in weeks] == [(date(2017, 2, 13), 1)]
    # The ids behind a point are the events a filter on the same span returns.
    point = months[1]
    listed = store.events(EventFilter(dyad=("USA", "RUS"), since=point.start, until=point.end))
    assert [e.id for e in listed] == point.event_ids
    assert store.dyad_series("RUS", "USA", directed=True) == []


def test_story_filter_uses_the_story_members(seeded):
    from newsgrasp.records import StoryDigest

    store, first = seeded
    other = add(store, "Elsewhere", datetime(2017, 2, 5, tzinfo=UTC))
    store.save_analysis(other, analysis(call_date=date(2017, 2, 4)))
    store.replace_stories([StoryDigest(id=7, members=[other], headline="Elsewhere", headline_article_id=other)],
                          n_docs=2, frequencies={})
    [story] = store.list_stories()
    assert {e.article_id for e in store.events(EventFilter(story_id=story.id))} == {other}
    assert {q.article_id for q in store.quotes(QuoteFilter(story_id=story.id))} == {other}
    assert store.events(EventFilter(story_id=story.id, article_ids=[first])) == []
    with pytest.raises(QueryError, match="no story with id 999"):
        store.events(EventFilter(story_id=999))
