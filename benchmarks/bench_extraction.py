#!/usr/bin/env python3
"""Side-by-side extraction benchmark on the ScrapingHub article set.

Runs, in one process and on the same pages: trafilatura (default and
favor_precision), readability-lxml, and newsgrasp's ``main_text``; prints
F1 / precision / recall and pages per second for each, scored with the shared
scorer's own functions (``../shared/tools/score_extraction.py``, imported from
its path so the metric is exactly the benchmark's).

    .venv/bin/python benchmarks/bench_extraction.py [--runs 2] [--limit N] [--data DIR]

Skips with a message when ``../shared`` (next to the repository) is absent.
"""

from __future__ import annotations

import argparse
import importlib.util
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SCORER = SHARED / "tools" / "score_extraction.py"
DATA = SHARED / "data" / "extraction" / "scrapinghub"


def load_scorer(path: Path = SCORER) -> ModuleType:
    spec = importlib.util.spec_from_file_location("score_extraction", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def extractors() -> dict[str, Callable[[str, str | None], str]]:
    import lxml.html
    import trafilatura
    from readability import Document

    from newsgrasp.extract import main_text
    from newsgrasp.extract.html import tree_text

    def readability_lxml(html: str, url: str | None) -> str:
        summary = Document(html, url=url).summary(html_partial=True)
        return tree_text(lxml.html.fromstring(summary)) if summary.strip() else ""

    return {
        "trafilatura default": lambda h, u: trafilatura.extract(h, url=u, include_comments=False) or "",
        "trafilatura favor_precision": lambda h, u: trafilatura.extract(
            h, url=u, include_comments=False, favor_precision=True) or "",
        "readability-lxml": readability_lxml,
        "newsgrasp main_text": lambda h, u: main_text(h, url=u),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--runs", type=int, default=2, help="passes over the pages (speed is their mean)")
    ap.add_argument("--limit", type=int)
    ap.add_argument("--only", action="append", help="run only extractors whose name contains this")
    args = ap.parse_args(argv)
    if not SCORER.exists() or not (args.data / "ground-truth.json").exists():
        missing = SCORER if not SCORER.exists() else args.data / "ground-truth.json"
        print(f"skipped: benchmark data not found ({missing} is absent; ../shared ships beside the repository)")
        return 0
    logging.disable(logging.WARNING)  # trafilatura logs every discarded page
    se = load_scorer()
    truth, pages = se.load(args.data, limit=args.limit)
    decoded = [(pid, se.decode(raw), url) for pid, raw, url in pages]

    funcs = {name: func for name, func in extractors().items()
             if not args.only or any(o in name for o in args.only)}
    # Warm every extractor up once so imports and lazy tables are not timed.
    for func in funcs.values():
        func(decoded[0][1], decoded[0][2])
    # Interleave: each page goes through every extractor (in rotating order)
    # before the next page, so a busy machine slows all of them alike and the
    # pages/s ratios stay comparable even when absolute speed drifts.
    preds: dict[str, dict[str, str]] = {name: {} for name in funcs}
    spent = dict.fromkeys(funcs, 0.0)
    errors = dict.fromkeys(funcs, 0)
    names = list(funcs)
    for run in range(args.runs):
        for i, page in enumerate(decoded):
            shift = (i + run) % len(names)
            for name in names[shift:] + names[:shift]:
                got, secs, errs = se.run([page], lambda html, url, f=funcs[name]: f(html, url))
                preds[name].update(got)
                spent[name] += secs
                errors[name] += errs if run == 0 else 0
    table = []
    for name in names:
        m = se.score(truth, preds[name], 4, 200)
        table.append((name, m, args.runs * len(pages) / spent[name], errors[name]))

    base_speed = next((s for n, _, s, _ in table if n == "trafilatura default"), None)
    print(f"{len(pages)} pages, {args.data}")
    print(f"{'extractor':30s} {'F1':>6s} {'±':>6s} {'P':>6s} {'R':>6s} {'pages/s':>8s} {'× traf':>7s}  errors")
    for name, m, speed, n_errors in table:
        rel = f"{speed / base_speed:6.2f}×" if base_speed else "     -"
        print(f"{name:30s} {m['f1']:6.3f} {m['f1_std']:6.3f} {m['precision']:6.3f} {m['recall']:6.3f} "
              f"{speed:8.1f} {rel:>7s}  {n_errors}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
