"""Stories' pair model: regrouping a story and its neighbours when twin events fell together."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from newsgrasp.records import Article, StoryInput
from newsgrasp.stories.cluster import ClusterConfig, StoryClusterer, cluster_all, pair_members
from newsgrasp.stories.pairs import (
    DEFAULT_PAIR_MODEL,
    FEATURES,
    PairModel,
    PairScorer,
    average_link,
    pair_features,
)
from newsgrasp.stories.tracker import StoryTracker

T0 = datetime(2024, 5, 6, 8, 0, tzinfo=UTC)

# Two real earthquakes in Turkey, written as test text: the same vocabulary
# (magnitude, AFAD, rubble, collapsed blocks), different places, sizes, tolls and dates.
IZMIR = [
 ("Magnitude 6.4 earthquake kills 12 in Izmir, western Turkey",
  "A magnitude 6.4 earthquake struck Izmir in western Turkey on Friday, October 30, 2020, killing at least 12 people, Turkey's disaster agency AFAD said. Rescue teams searched the rubble of collapsed buildings in Bayrakli through the night."),
 ("Izmir earthquake toll rises to 24",
  "Rescuers in Izmir pulled survivors from collapsed apartment blocks on Saturday after Friday's 6.4 earthquake; AFAD said the death toll rose to 24 as aftershocks shook Bayrakli and western Turkey in October 2020."),
 ("Girl pulled alive from Izmir rubble as toll reaches 39",
  "A girl was pulled alive from the rubble in Bayrakli on Sunday, two days after the magnitude 6.4 earthquake hit Izmir. The death toll climbed to 39, AFAD said, as rescue work in western Turkey went on in October 2020."),
 ("Izmir quake: 39 dead, Bayrakli blocks searched",
  "Turkey's AFAD said 39 people died in the Izmir earthquake of magnitude 6.4 on Friday; rescue teams in Bayrakli searched collapsed buildings through Sunday in western Turkey, October 2020."),
]
GAZ = [
 ("Magnitude 7.8 earthquake kills thousands in southern Turkey",
  "A magnitude 7.8 earthquake struck near Gaziantep in southern Turkey on Monday, February 6, 2023, killing more than 2,300 people, Turkey's disaster agency AFAD said. Rescue teams searched the rubble of collapsed buildings in Kahramanmaras and Hatay."),
 ("Turkey earthquake toll passes 5,000",
  "Rescuers in Gaziantep and Hatay pulled survivors from collapsed apartment blocks on Tuesday after Monday's 7.8 earthquake; AFAD said the death toll passed 5,000 as aftershocks shook Kahramanmaras and southern Turkey in February 2023."),
 ("Baby pulled alive from Hatay rubble as toll nears 12,000",
  "A baby was pulled alive from the rubble in Hatay on Wednesday, two days after the magnitude 7.8 earthquake hit Gaziantep. The death toll neared 12,000, AFAD said, as rescue work in southern Turkey went on in February 2023."),
 ("Gaziantep quake: 12,000 dead, Kahramanmaras blocks searched",
  "Turkey's AFAD said 12,000 people died in the Gaziantep earthquake of magnitude 7.8 on Monday; rescue teams in Kahramanmaras searched collapsed buildings through Wednesday in southern Turkey, February 2023."),
]


def twins() -> list[StoryInput]:
    """The two quakes' coverage interleaved, undated (as ECB+ is): only the text can part them."""
    docs = []
    for k, (a, b) in enumerate(zip(IZMIR, GAZ, strict=True)):
        docs += [StoryInput(2 * k + 1, *a), StoryInput(2 * k + 2, *b)]
    return docs


def test_average_link_stops_at_the_threshold_and_is_deterministic():
    sim = np.array([[1.0, 0.9, 0.1, 0.0],
                    [0.9, 1.0, 0.2, 0.1],
                    [0.1, 0.2, 1.0, 0.8],
                    [0.0, 0.1, 0.8, 1.0]])
    assert average_link(sim, 0.5) == [0, 0, 2, 2]
    assert average_link(sim, 0.85) == [0, 0, 2, 3]
    assert average_link(sim, 0.05) == [0, 0, 0, 0]  # the two groups average 0.1
    assert average_link(sim[:1, :1], 0.5) == [0]


def test_pair_model_checks_its_weights():
    with pytest.raises(ValueError, match="weights"):
        PairModel((1.0, 2.0), 0.0)
    assert len(DEFAULT_PAIR_MODEL.weights) == len(FEATURES)


def test_pair_features_tell_one_event_from_its_twin():
    members, _ = pair_members(twins())
    probability = DEFAULT_PAIR_MODEL.probabilities(pair_features([m.encoded for m in members if m.encoded]))
    same = [probability[i, j] for i in range(8) for j in range(i + 1, 8) if i % 2 == j % 2]
    other = [probability[i, j] for i in range(8) for j in range(i + 1, 8) if i % 2 != j % 2]
    # Eight documents make a poor frequency table (most words look rare), so the mean, not every pair.
    assert np.mean(same) > 0.9 > 0.5 > np.mean(other)


def test_regrouping_parts_twin_events_the_centroid_merged():
    merged = cluster_all(twins(), ClusterConfig(pair_model=None))
    assert len(set(merged.values())) == 1  # the centroid alone cannot tell the quakes apart
    parted = cluster_all(twins())
    assert parted == cluster_all(twins())  # deterministic
    izmir, gaziantep = {parted[i] for i in (1, 3, 5, 7)}, {parted[i] for i in (2, 4, 6, 8)}
    assert len(izmir) == len(gaziantep) == 1 and izmir != gaziantep
    assert parted[1] == 1  # the first story keeps its id; the split-off one takes a fresh one
    assert parted[2] not in (1, parted[1])


def test_regrouping_reports_moves_and_keeps_one_story_per_article():
    clusterer = StoryClusterer()
    moves = []
    for doc in twins():
        result = clusterer.add(doc)
        if result.regrouped:
            moves.append(result)
            assert result.story_id in result.regrouped
            assert clusterer.story_of(doc.id) == result.story_id
    assert moves, "no regrouping happened"
    held = [m for sid in clusterer.stories() for m in clusterer.digest(sid).members]
    assert sorted(held) == list(range(1, 9))


def test_a_lone_weak_member_stays_in_its_story():
    side_angle = StoryInput(9, "Istanbul property prices and building codes", "Istanbul builders face new "
                            "inspections, a ministry in Ankara said, as insurers review policies across Turkey "
                            "after the Izmir earthquake of magnitude 6.4. Estate agents expect buyers to ask for "
                            "certificates, and banks may tighten mortgage lending for older concrete towers.")
    izmir = [d for d in twins() if d.id % 2]
    stream = [izmir[0], izmir[1], side_angle, izmir[2], izmir[3]]  # regrouped at sizes 3 and 4
    # A model that reads term cosine alone: the side angle shares too few words to stay by its vote.
    model = PairModel(tuple(20.0 if f == "cos_terms" else 0.0 for f in FEATURES), -4.0)
    members, _ = pair_members(stream)
    assert all(m.encoded for m in members)  # full texts: a headline would stop the regrouping
    probability = model.probabilities(pair_features([m.encoded for m in members if m.encoded]))
    assert probability[2, [0, 1, 3, 4]].mean() < 0.4 < probability[np.ix_([0, 1, 3, 4], [0, 1, 3, 4])].mean()
    out = cluster_all(stream, ClusterConfig(threshold=0.05, pair_model=model, regroup_threshold=0.4))
    assert len(set(out.values())) == 1


def test_regrouping_leaves_out_the_farthest_neighbours_past_its_bound(monkeypatch):
    seen: list[list[int]] = []
    original = PairScorer.matrix

    def spy(self, members):
        seen.append([m.key for m in members])
        return original(self, members)

    monkeypatch.setattr(PairScorer, "matrix", spy)
    izmir, gaziantep = [d for d in twins() if d.id % 2], [d for d in twins() if not d.id % 2]
    clusterer = StoryClusterer(ClusterConfig(regroup_max=5))
    clusterer.restore(100, izmir[:3])
    clusterer.restore(200, gaziantep[:3])
    clusterer.restore(300, izmir[3:])
    # Story 100 and its neighbours, closest first: 200 would take the regrouping to 6 members, 300 fits.
    clusterer._regroup([100, 200, 300])
    assert [len(keys) for keys in seen] == [4]
    assert {clusterer.story_of(d.id) for d in gaziantep[:3]} == {200}  # left as it was
    # A story past the bound by itself is left as it is.
    seen.clear()
    small = StoryClusterer(ClusterConfig(regroup_max=2))
    small.restore(100, izmir[:3])
    assert small._regroup([100]) == ([], []) and not seen


def test_split_off_stories_never_reuse_a_stored_id():
    taken = {2, 4}
    clusterer = StoryClusterer(id_taken=taken.__contains__)
    for doc in twins():
        clusterer.add(doc)
    ids = set(clusterer.stories())
    assert len(ids) == 2 and not ids & taken


def test_tracker_persists_a_regrouping(store):
    tracker = StoryTracker(store)
    for doc in twins():
        article = Article(title=doc.title, text=doc.text, published=T0 + timedelta(minutes=doc.id),
                          source=f"outlet{doc.id % 3}", url=f"https://example.org/{doc.id}", language="en")
        tracker.add(store.add_article(article, content_hash=f"h{doc.id}"), article)
    stored = store.story_assignments()
    assert sorted(stored) == list(range(1, 9))
    assert len({stored[i] for i in (1, 3, 5, 7)}) == 1 and len({stored[i] for i in (2, 4, 6, 8)}) == 1
    stories = store.list_stories()
    assert sorted(s.id for s in stories) == sorted(set(stored.values()))
    assert sorted(s.articles for s in stories) == [4, 4]
    assert {stories[0].headline, stories[1].headline} <= {t for t, _ in IZMIR + GAZ}


def test_merge_repair_asks_the_pair_model_first():
    # Two halves of one event may merge; two twin events may not, whatever their centroids say.
    clusterer = StoryClusterer()
    docs = twins()
    for doc in docs:
        clusterer.df.add(set(doc.title.lower().split()))
    clusterer.restore(1, [docs[0], docs[2]])   # Izmir
    clusterer.restore(5, [docs[4], docs[6]])   # Izmir, later coverage
    clusterer.restore(2, [docs[1], docs[3]])   # Gaziantep
    izmir, later, gaziantep = (clusterer._stories[i] for i in (1, 5, 2))
    assert clusterer._members_agree(izmir, later)
    assert not clusterer._members_agree(izmir, gaziantep)
    assert StoryClusterer(ClusterConfig(pair_model=None))._members_agree(izmir, gaziantep)


def _brute_features(a, b) -> list[float]:
    """Every pair feature of two members straight from their fields (dicts and sets), for checking."""
    def cos(x, y):
        return sum(v * y.get(k, 0.0) for k, v in x.items())

    def jac(x, y):
        return len(x & y) / len(x | y) if x | y else 0.0

    def conflict(x, y):
        return float(bool(x) and bool(y) and not x & y)

    years_a, years_b = set(a.years), set(b.years)
    return [cos(a.words, b.words), cos(a.names, b.names), jac(a.tokens, b.tokens), jac(a.numbers, b.numbers),
            conflict(years_a, years_b), float(bool(years_a & years_b)), None,
            jac(a.title_terms, b.title_terms), conflict(a.months, b.months), float(bool(a.months & b.months)),
            conflict(a.weekdays, b.weekdays), float(bool(a.weekdays & b.weekdays)), jac(a.lead, b.lead),
            cos(a.lead_words, b.lead_words), cos(a.title_words, b.title_words)]


def test_pair_features_match_their_definitions():
    # Names recur as words, title words as lead words: one key in many kinds must stay one key per kind.
    members, _ = pair_members(twins())
    full = [m for m in members if m.encoded]
    encoded = [m.encoded for m in full]
    square = pair_features(encoded)
    rows = pair_features(encoded[5:7], encoded)   # a few rows against all: how regrouping computes
    assert square.shape == (8, 8, len(FEATURES)) and rows.shape == (2, 8, len(FEATURES))
    assert np.allclose(rows, square[5:7], atol=1e-6)
    assert np.allclose(pair_features(encoded[3:4], encoded), square[3:4], atol=1e-6)  # one row: its own path
    for i in range(8):
        for j in range(8):
            for k, want in enumerate(_brute_features(full[i], full[j])):
                if want is not None:  # rare terms depend on frequencies as of arrival
                    assert square[i, j, k] == pytest.approx(want, abs=1e-6), (i, j, FEATURES[k])


def test_pair_scorer_caches_what_it_computed():
    members, _ = pair_members(twins())
    encoded = [m.encoded for m in members if m.encoded]
    scorer = PairScorer(DEFAULT_PAIR_MODEL)
    direct = DEFAULT_PAIR_MODEL.probabilities(pair_features(encoded))
    np.fill_diagonal(direct, 1.0)
    first = scorer.matrix(encoded[:5])                   # cold: all of it computed
    assert np.allclose(first, direct[:5, :5], atol=1e-6)
    grown = scorer.matrix(encoded)                        # three rows new
    assert np.allclose(grown, direct, atol=1e-6) and np.allclose(grown, grown.T)
    assert np.allclose(scorer.cross(encoded[:3], encoded[3:]), direct[:3, 3:], atol=1e-6)
    scorer.forget(encoded[:4])
    assert len(scorer) == 4
    assert np.allclose(scorer.matrix(encoded), direct, atol=1e-6)
