"""Stories' compiled kernels (``_speedups.c``): the same results as their Python twins, clear errors."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import sysconfig
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from newsgrasp.records import StoryInput
from newsgrasp.stories import compiled, pairs, vectors
from newsgrasp.stories.centroid import Member
from newsgrasp.stories.cluster import cluster_all, pair_members

needs_kernels = pytest.mark.skipif(not compiled.COMPILED,
                                   reason="the compiled kernels are not in use (not built, or NEWSGRASP_PURE_PYTHON=1)")
kernels = compiled.speedups


def _vector(rng: random.Random, vocabulary: list[str], n: int) -> dict[str, float]:
    return {t: rng.random() for t in rng.sample(vocabulary, n)}


def test_extension_is_built_where_a_compiler_is() -> None:
    """An install with a C compiler and Python's headers must not quietly fall back to Python."""
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    headers = Path(sysconfig.get_paths()["include"], "Python.h")
    if not shutil.which(compiler) or not headers.exists():
        pytest.skip(f"no C compiler ({compiler}) or no Python headers ({headers}) here")
    if os.environ.get("NEWSGRASP_PURE_PYTHON", "") not in ("", "0"):
        pytest.skip("NEWSGRASP_PURE_PYTHON is set")
    assert compiled.COMPILED, "a C compiler is here but newsgrasp.stories._speedups was not built"


@needs_kernels
def test_vector_kernels_give_what_the_python_versions_give() -> None:
    rng = random.Random(3)
    vocabulary = [f"term{i}" for i in range(400)]
    for _ in range(200):
        small, big = _vector(rng, vocabulary, rng.randint(0, 60)), _vector(rng, vocabulary, rng.randint(0, 300))
        assert kernels.dot(small, big) == pytest.approx(vectors.dot_py(small, big), rel=1e-12, abs=1e-15)
        assert kernels.dot(big, small) == pytest.approx(vectors.dot_py(small, big), rel=1e-12, abs=1e-15)
        assert kernels.new_keys(small, big) == vectors.new_keys_py(small, big)
        for sign in (1.0, -1.0):
            mine, theirs = dict(big), dict(big)
            assert kernels.grow(mine, small, 3.5, sign) == pytest.approx(vectors.grow_py(theirs, small, 3.5, sign),
                                                                         rel=1e-12)
            assert mine == pytest.approx(theirs, rel=1e-12)
        counts = Counter({("@" if i % 2 else "") + t: rng.randint(1, 40) for i, t in enumerate(vocabulary)})
        for prefix in ("", "@"):
            got, want = kernels.weigh(small, counts, prefix, 5.0), vectors.weigh_py(small, counts, prefix, 5.0)
            assert list(got) == list(want) and got == pytest.approx(want, rel=1e-12)
        counted = kernels.weigh_counted(big, counts, 6.0)
        want_counted = vectors.weigh_counted_py(big, counts, 6.0)
        assert counted[0] == pytest.approx(want_counted[0], rel=1e-12) and list(counted[0]) == list(want_counted[0])
        assert np.array_equal(np.frombuffer(counted[1], np.int64), want_counted[1])
        assert np.allclose(np.frombuffer(counted[2], np.float64), want_counted[2], rtol=1e-12)
        ties = {t: round(v, 1) for t, v in big.items()}   # many equal weights: the later term wins
        for vec in (big, small, ties):
            for n in (0, 6, 12, 500):
                assert kernels.salient(vec, "@", n) == vectors.salient_py(vec, "@", n)
        members = [Member(i, "", _vector(rng, vocabulary, 30), None, names=_vector(rng, vocabulary, rng.randint(0, 3)))
                   for i in range(rng.randint(0, 6))]
        names = _vector(rng, vocabulary, rng.randint(0, 4))
        assert kernels.closest_member(small, names, members, 0.35) == pytest.approx(
            vectors.closest_member_py(small, names, members, 0.35), rel=1e-12, abs=1e-15)
    # Integer weights (a caller's own bags) are read as Python reads them.
    assert kernels.dot({"a": 2, "b": 1.5}, {"a": 3.0}) == 6.0
    assert kernels.weigh({"x": 0.0}, {}, "", 2.0) == {}  # all weights zero: nothing to normalise
    assert kernels.weigh_counted({"x": 0.0}, {}, 2.0) == ({}, b"", b"")


@needs_kernels
def test_bags_are_counted_the_same_either_way() -> None:
    from newsgrasp.stories import features

    rng = random.Random(9)
    words = [f"w{i}" for i in range(50)]
    for _ in range(100):
        parts = tuple((rng.choices(words, k=rng.randint(0, 80)), units) for units in (2, 3, 4)[:rng.randint(1, 3)])
        assert list(kernels.sublinear(parts).items()) == list(features._sublinear_py(parts).items())
    with pytest.raises(TypeError, match="each part must be a \\(terms, units\\) tuple"):
        kernels.sublinear([["a"]])


@needs_kernels
def test_kernels_name_what_was_wrong() -> None:
    with pytest.raises(TypeError, match="dot\\(\\)'s first vector must be a dict, not list"):
        kernels.dot([1.0], {})
    with pytest.raises(TypeError, match="takes 3 or 4 arguments"):
        kernels.grow({}, {})
    with pytest.raises(TypeError, match="grow\\(\\)'s vector: the weight of 'a' must be a number, not str"):
        kernels.grow({}, {"a": "heavy"}, 0.0)
    with pytest.raises(TypeError, match="dot\\(\\): the weight of 'b' must be a number, not NoneType"):
        kernels.dot({"b": None}, {"b": 1.0})
    with pytest.raises(TypeError, match="prefix must be a str"):
        kernels.weigh({}, {}, b"@", 1.0)
    with pytest.raises(AttributeError):
        kernels.closest_member({"a": 1.0}, {}, [object()], 0.3)
    members, _ = pair_members(_stream(12))
    encoded = [m.encoded for m in members if m.encoded is not None][:3]
    model = pairs.DEFAULT_PAIR_MODEL
    with pytest.raises(ValueError, match="out must be float64, rows x columns"):
        kernels.pair_probabilities(encoded, encoded, pairs._RECIPE, model.weights, model.intercept, np.empty(4))
    with pytest.raises(ValueError, match="one weight per recipe entry"):
        kernels.pair_probabilities(encoded, encoded, pairs._RECIPE, model.weights[:3], 0.0, np.empty((3, 3)))
    with pytest.raises(TypeError, match="pair_lookup\\(\\): the row keys must be a sequence"):
        kernels.pair_lookup({}, 5, [], np.empty(0))
    with pytest.raises(ValueError, match="pair_store\\(\\)'s matrix must be a float64 array of 1 x 2"):
        kernels.pair_store({}, [1], [2, 3], np.empty((2, 2)))
    with pytest.raises(ValueError, match="square float64 matrix"):
        kernels.average_link(np.ones((2, 3)), 0.5)


def _stream(n: int, seed: int = 5) -> list[StoryInput]:
    """Events that share much of their vocabulary (so stories are split, merged and regrouped), dated."""
    rng = random.Random(seed)
    common = [f"common{i}" for i in range(80)]
    start = datetime(2024, 3, 1, tzinfo=UTC)
    docs = []
    for i in range(n):
        event = rng.randrange(max(2, n // 8))
        own = [f"ev{event}w{k}" for k in range(25)]
        twin = [f"ev{event ^ 1}w{k}" for k in range(25)]   # each event has a twin it shares words with
        words = rng.choices(own, k=40) + rng.choices(common, k=30) + rng.choices(twin, k=rng.randint(0, 20))
        names = f"President Name{event} met Minister Name{event ^ 1} in City{event % 5} on Monday."
        text = names + " " + " ".join(words) + f". The {event + 3} talks ended in {2020 + event % 4}."
        docs.append(StoryInput(i + 1, f"Event {event}: " + " ".join(rng.choices(own, k=5)), text,
                               start + timedelta(hours=i + rng.random() * 6)))
    return docs


@needs_kernels
def test_pair_kernels_give_what_numpy_and_scipy_give(monkeypatch: pytest.MonkeyPatch) -> None:
    members, _ = pair_members(_stream(80))
    encoded = [m.encoded for m in members if m.encoded is not None]
    model = pairs.DEFAULT_PAIR_MODEL
    for rows, cols in ((encoded[:1], encoded), (encoded[3:7], encoded), (encoded[:40], encoded[40:])):
        out = np.empty((len(rows), len(cols)))
        kernels.pair_probabilities(rows, cols, pairs._RECIPE, model.weights, model.intercept, out)
        want = model.probabilities(pairs.pair_features(rows, cols))
        assert np.allclose(out, want, atol=1e-6)
    rng = np.random.default_rng(0)
    for _ in range(300):
        n = int(rng.integers(2, 40))
        noise = rng.random((n, n))
        group = rng.integers(0, 4, n)
        sim = np.where(group[:, None] == group[None, :], 0.45 + 0.5 * noise, 0.55 * noise)
        sim = (sim + sim.T) / 2
        np.fill_diagonal(sim, 1.0)
        fast = pairs.average_link(sim, 0.5)
        with monkeypatch.context() as m:
            m.setattr(pairs, "speedups", None)
            assert pairs.average_link(sim, 0.5) == fast


@needs_kernels
def test_pair_cache_kernels_give_what_python_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(1)
    for _ in range(300):
        n = int(rng.integers(0, 30))
        prob = rng.random((n, n))
        prob = (prob + prob.T) / 2
        unknown = rng.random((n, n)) < rng.random()
        unknown |= unknown.T
        for row in rng.integers(0, max(n, 1), int(rng.integers(0, 3))):   # some members never met
            if n:
                unknown[row, :] = unknown[:, row] = True
        prob[unknown] = np.nan
        np.fill_diagonal(prob, 1.0)
        assert kernels.pair_cover(prob, n) == pairs._cover(np.isnan(prob))
    members, _ = pair_members(_stream(40))
    encoded = [m.encoded for m in members if m.encoded is not None]
    fast, slow = pairs.PairScorer(pairs.DEFAULT_PAIR_MODEL), pairs.PairScorer(pairs.DEFAULT_PAIR_MODEL)
    steps = [encoded[:6], encoded[:15], encoded[4:20], encoded]
    with_kernel = [fast.matrix(step) for step in steps] + [fast.cross(encoded[:5], encoded[20:])]
    monkeypatch.setattr(pairs, "speedups", None)
    without = [slow.matrix(step) for step in steps] + [slow.cross(encoded[:5], encoded[20:])]
    for a, b in zip(with_kernel, without, strict=True):
        assert np.allclose(a, b, atol=1e-6)
    assert fast._known.keys() == slow._known.keys()
    for key, row in fast._known.items():
        assert row.keys() == slow._known[key].keys()
        assert list(row.values()) == pytest.approx(list(slow._known[key].values()), abs=1e-6)


@needs_kernels
def test_time_factors_are_the_same_either_way(monkeypatch: pytest.MonkeyPatch) -> None:
    from newsgrasp.stories import cluster

    clusterer = cluster.StoryClusterer()
    day = cluster.DAY
    stamps = [0.0, None, 0.5 * day, 4.0 * day, 9.5 * day, None, 30 * day]
    fast = clusterer._time_factors(stamps, stamps[2:])
    assert fast is not None and fast[1].tolist() == [1.0] * 5 and fast[0, 0] == 1.0
    monkeypatch.setattr(cluster, "speedups", None)
    slow = clusterer._time_factors(stamps, stamps[2:])
    assert slow is not None and np.array_equal(fast, slow)


@needs_kernels
def test_encoding_is_the_same_either_way(monkeypatch: pytest.MonkeyPatch) -> None:
    docs = _stream(60)
    with_kernel, _ = pair_members(docs)
    monkeypatch.setattr(pairs, "speedups", None)
    without, _ = pair_members(docs)
    for a, b in zip(with_kernel, without, strict=True):
        assert (a.encoded is None) == (b.encoded is None)
        if a.encoded is not None and b.encoded is not None:
            assert np.array_equal(a.encoded.ids, b.encoded.ids)
            assert np.array_equal(a.encoded.values, b.encoded.values)
            assert np.array_equal(a.encoded.set_sizes, b.encoded.set_sizes)


@needs_kernels
def test_pure_python_clusters_the_same_stories() -> None:
    """The whole clusterer with NEWSGRASP_PURE_PYTHON=1 (a fresh process) against the compiled one."""
    docs = _stream(240)
    compiled_run = cluster_all(docs)
    assert len(set(compiled_run.values())) > 5   # the stream has stories to get wrong
    script = ("import json, sys; sys.path.insert(0, sys.argv[1]);"
              "from test_story_speedups import _stream; from newsgrasp.stories import compiled;"
              "from newsgrasp.stories.cluster import cluster_all;"
              "assert not compiled.COMPILED; print(json.dumps(cluster_all(_stream(240))))")
    env = {**os.environ, "NEWSGRASP_PURE_PYTHON": "1"}
    run = subprocess.run([sys.executable, "-c", script, str(Path(__file__).parent)], env=env, check=True,
                         capture_output=True, text=True)
    pure_run = {int(k): v for k, v in json.loads(run.stdout).items()}
    assert pure_run == compiled_run
