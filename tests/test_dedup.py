from datetime import UTC, datetime

from newsgrasp.dedup import NearDuplicateIndex, content_hash, prefer_as_original, shingles
from newsgrasp.records import Article

WIRE = (
    "Foreign ministers from twelve countries met in Vienna on Tuesday to discuss a framework for "
    "monitoring the ceasefire along the border. The talks, hosted by the Austrian government, "
    "lasted nine hours and ended with a joint statement promising regular inspections. Delegates "
    "said the inspection teams would include observers from neutral states and would report "
    "every two weeks. Several ministers cautioned that the agreement depended on both armies "
    "withdrawing heavy weapons by the end of the month. A second round is planned for March in "
    "Geneva, where the delegations hope to settle the question of prisoner exchanges and the "
    "reopening of two border crossings closed since the autumn."
)


def test_content_hash_ignores_case_spacing_and_punctuation():
    assert content_hash("Hello,  World!") == content_hash("hello world")
    assert content_hash("hello world") != content_hash("hello there world")


def test_shingles_of_short_text():
    assert shingles("one two") == {"one two"}
    assert shingles("") == set()


def _index_with(text: str) -> tuple[NearDuplicateIndex, dict[int, str]]:
    index = NearDuplicateIndex()
    texts = {1: text}
    index.add(1, index.signature(text))
    return index, texts


def test_wire_copy_with_edits_is_found():
    index, texts = _index_with(WIRE)
    copy = WIRE.replace("on Tuesday", "on Tuesday, officials said,") + " The statement was welcomed in Brussels."
    matches = index.find(copy, index.signature(copy), texts.get)
    assert [m.article_id for m in matches] == [1]


def test_trimmed_copy_is_found_by_containment():
    index, texts = _index_with(WIRE)
    trimmed = WIRE.rsplit(" A second round", 1)[0]
    matches = index.find(trimmed, index.signature(trimmed), texts.get)
    assert matches and matches[0].containment > 0.95


def test_different_story_sharing_a_sentence_is_not_a_copy():
    index, texts = _index_with(WIRE)
    other = (
        "The central bank left interest rates unchanged on Thursday and signalled that it would "
        "wait for more data on wages before acting. Markets had expected the decision. "
        "Delegates said the inspection teams would include observers from neutral states. "
        "The bank's governor told a news conference that inflation was easing more slowly than "
        "forecast, and that energy prices remained the main risk for the coming year."
    )
    assert index.find(other, index.signature(other), texts.get) == []


def test_signature_round_trip():
    index = NearDuplicateIndex()
    mh = index.signature(WIRE)
    restored = index.from_bytes(index.to_bytes(mh))
    assert restored is not None and restored.jaccard(mh) == 1.0
    assert index.from_bytes(b"\x00" * 8) is None


def _article(source: str, day: int, via: str | None = None, text: str = WIRE) -> Article:
    return Article(title="t", text=text, source=source, via=via,
                   published=datetime(2017, 1, day, tzinfo=UTC))


def test_earliest_publication_is_the_original():
    assert prefer_as_original(_article("A", 1), _article("B", 2))
    assert not prefer_as_original(_article("A", 3), _article("B", 2))


def test_aggregator_copy_never_becomes_the_original():
    assert not prefer_as_original(_article("Japan Today", 1, via="NewsHub"), _article("Japan Today", 2))
    assert prefer_as_original(_article("Japan Today", 2), _article("Japan Today", 1, via="NewsHub"))


def test_copy_crediting_the_wire_yields_to_it():
    credited = _article("Harbor Post", 1, text="By Continental Wire staff. " + WIRE)
    wire = _article("Continental Wire", 2)
    assert prefer_as_original(wire, credited)
    assert not prefer_as_original(credited, wire)


def test_window_keeps_memory_to_recent_articles():
    index = NearDuplicateIndex(window_days=7)
    mh = index.signature(WIRE)
    index.add(1, mh, datetime(2017, 1, 1, tzinfo=UTC))
    index.add(2, mh, datetime(2017, 1, 5, tzinfo=UTC))
    index.add(3, index.signature(WIRE + " More."), None)  # undated: joins at the window's edge
    assert len(index) == 3
    index.add(4, mh, datetime(2017, 1, 10, tzinfo=UTC))
    assert 1 not in index and 2 in index and 3 in index and 4 in index
    texts = {2: WIRE, 3: WIRE, 4: WIRE}
    assert {m.article_id for m in index.find(WIRE, mh, texts.get)} == {2, 3, 4}


def test_load_from_signatures_applies_the_window():
    index = NearDuplicateIndex(window_days=3)
    blob = index.to_bytes(index.signature(WIRE))
    kept = index.load([(1, blob, datetime(2017, 1, 1, tzinfo=UTC)), (2, blob, datetime(2017, 1, 9, tzinfo=UTC)),
                       (3, b"short", None)])
    assert kept == 1 and 2 in index
