"""Fit the stories' pair model (``newsgrasp/stories/pairs.py``) and check it on held-out topics.

    .venv/bin/python benchmarks/train_pair_model.py            # held-out check, then the final fit
    .venv/bin/python benchmarks/train_pair_model.py --final    # the final fit only

Needs scikit-learn (a test extra) and ../shared.  ECB+ dev is split by topic
parity: a model fitted on the odd topics clusters the even ones online (5
stream orders) and the other way round, beside the clusterer with no pair
model, so the figures it prints are for topics the model never saw.  The
final weights, fitted on every topic, are printed as the Python literal that
``DEFAULT_PAIR_MODEL`` holds.

Training pairs: every pair of documents whose term cosine is at least 0.05
(pairs below that never meet in one neighbourhood); label = same gold event.
Features come from ``pair_members``: IDF and rarity as of each document's
arrival, as the online clusterer has them.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_stories as B  # noqa: E402
from newsgrasp.stories.cluster import ClusterConfig, cluster_all, pair_members  # noqa: E402
from newsgrasp.stories.pairs import FEATURES, PairModel, pair_features  # noqa: E402

MIN_COSINE = 0.05


def fit(rows: list[dict[str, Any]]) -> PairModel:
    from sklearn.linear_model import LogisticRegression

    members, _ = pair_members(B.inputs(rows))
    # Headlines (and ECB+'s few one-line documents) are never regrouped: full texts only.
    full = [k for k, m in enumerate(members) if m.encoded is not None]
    feats = pair_features([members[k].encoded for k in full])  # type: ignore[misc]
    gold = np.array([rows[k]["cluster"] for k in full])
    i, j = np.triu_indices(len(full), 1)
    keep = feats[i, j, 0] >= MIN_COSINE
    x = feats[i[keep], j[keep]]
    y = gold[i[keep]] == gold[j[keep]]
    model = LogisticRegression(max_iter=5000, C=1.0).fit(x, y)
    return PairModel(tuple(round(float(w), 3) for w in model.coef_[0]), round(float(model.intercept_[0]), 3))


def online(rows: list[dict[str, Any]], config: ClusterConfig, seeds: int = 5) -> tuple[float, float]:
    sc = B._scorer()
    scores = [B.score(sc, rr, cluster_all(B.inputs(rr), config)) for rr in B.orders(rows, B.SEEDS[:seeds],
                                                                                       timed=False)]
    return statistics.mean(s["pF"] for s in scores), statistics.mean(s["bF"] for s in scores)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--final", action="store_true", help="skip the held-out check")
    parser.add_argument("--thresholds", default="0.3,0.4,0.5", help="regroup thresholds to try")
    args = parser.parse_args()
    rows = B.load("ecbplus.dev.jsonl.gz")
    if not args.final:
        thresholds = [float(t) for t in args.thresholds.split(",")]
        print("held-out topics (fit on one parity, cluster the other; mean of 5 stream orders)")
        print(f"  {'test topics':<12} {'no pair model':>16} " + " ".join(f"{'regroup ' + str(t):>16}"
                                                                        for t in thresholds))
        for parity in (0, 1):
            train = [r for r in rows if int(r["topic"]) % 2 != parity]
            test = [r for r in rows if int(r["topic"]) % 2 == parity]
            model = fit(train)
            base = online(test, ClusterConfig(pair_model=None))
            cells = [online(test, ClusterConfig(pair_model=model, regroup_threshold=t)) for t in thresholds]
            print(f"  {('even', 'odd')[parity]:<12} {base[0]:>7.3f} / {base[1]:.3f} "
                  + " ".join(f"{p:>7.3f} / {b:.3f}" for p, b in cells))
    model = fit(rows)
    print("\nfinal model (all ECB+ dev topics):")
    for name, w in zip(FEATURES, model.weights, strict=True):
        print(f"  {name:<18} {w:+.3f}")
    print(f"  {'intercept':<18} {model.intercept:+.3f}")
    print(f"\nDEFAULT_PAIR_MODEL = PairModel(weights={model.weights!r}, intercept={model.intercept!r})")


if __name__ == "__main__":
    main()
