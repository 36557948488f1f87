"""Ingest throughput and peak memory from local files, and how both grow with corpus size.

Synthesises N news-like HTML pages (seeded; sentences recombined from the demo
corpus, 10% of pages republished as edited copies so folding is exercised), then
for each N runs `newsgrasp ingest FOLDER` in a fresh process on an empty database
and reports articles/s and peak RSS.  Beside it, in the same run, the reference:
plain trafilatura.extract over the same pages (no fetch, dedup or storage).

    python benchmarks/bench_ingest.py --sizes 1000 5000 20000 [--jobs 2]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SITE = REPO / "src" / "newsgrasp" / "demo" / "site"

TEMPLATE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title} | {outlet}</title>
<meta property="og:site_name" content="{outlet}"><meta property="article:published_time" content="{date}">
</head><body><header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/business">Business</a>
</nav></header><main><article><h1>{title}</h1><p class="byline">By {author}</p>{body}</article>
<aside><h3>Most read</h3><ul><li><a href="/a">Markets rally</a></li><li><a href="/b">Storm warning</a></li>
</ul></aside></main><footer>© {outlet}. Benchmark page synthesised for newsgrasp.</footer></body></html>"""


def _sentences() -> list[str]:
    import trafilatura

    found: list[str] = []
    for page in sorted(SITE.rglob("*.html")):
        text = trafilatura.extract(page.read_text("utf-8", errors="replace")) or ""
        found.extend(s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if len(s.split()) > 6)
    if len(found) < 50:
        raise SystemExit("the demo corpus is missing or too small to synthesise pages from")
    return found


def synthesise(folder: Path, n: int, seed: int = 7) -> None:
    rnd = random.Random(seed)
    sentences = _sentences()
    outlets = ["Northern Chronicle", "Evening Courier", "Daily Ledger", "Harbour Times", "Plains Gazette"]
    originals: list[str] = []
    for i in range(n):
        if originals and rnd.random() < 0.1:
            body = rnd.choice(originals).replace("</p>", " Additional reporting by staff.</p>", 1)
        else:
            paras = []
            for _ in range(rnd.randint(5, 9)):
                paras.append("<p>" + " ".join(rnd.sample(sentences, rnd.randint(2, 4))) + f" (ref {i})</p>")
            body = "".join(paras)
            originals.append(body)
        title = " ".join(rnd.choice(sentences).split()[:rnd.randint(5, 9)]).rstrip(",.;:")
        folder.joinpath(f"{i // 1000:03d}").mkdir(exist_ok=True)
        folder.joinpath(f"{i // 1000:03d}", f"page{i:06d}.html").write_text(TEMPLATE.format(
            title=title, outlet=rnd.choice(outlets), author=f"Reporter {i % 37}",
            date=f"2017-02-{1 + i % 28:02d}T{i % 24:02d}:00:00Z", body=body), "utf-8")


def run_ingest(folder: Path, db: Path, jobs: int, enrich: bool) -> dict:
    code = (
        "import json,resource,sys,time\n"
        "from newsgrasp.ingest import IngestOptions, Ingester\n"
        "from newsgrasp.store import SQLiteStore\n"
        "s=SQLiteStore(sys.argv[2]); t=time.perf_counter()\n"
        "r=Ingester(s,None,IngestOptions(jobs=int(sys.argv[3]),enrich=sys.argv[4]=='1')).run([sys.argv[1]])\n"
        "dt=time.perf_counter()-t; s.close()\n"
        "kids=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print(json.dumps({'seconds':dt,'new':r.new,'copies':r.copies,'failed':r.failed,"
        "'rss_mb':resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024,'worker_mb':kids/1024}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(folder), str(db), str(jobs), "1" if enrich else "0"],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_reference(folder: Path, limit: int) -> dict:
    code = (
        "import json,resource,sys,time,pathlib,trafilatura\n"
        "files=sorted(pathlib.Path(sys.argv[1]).rglob('*.html'))[:int(sys.argv[2])]; t=time.perf_counter()\n"
        "for f in files: trafilatura.extract(f.read_text('utf-8'))\n"
        "print(json.dumps({'seconds':time.perf_counter()-t,'n':len(files),"
        "'rss_mb':resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(folder), str(limit)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000])
    ap.add_argument("--jobs", type=int, default=1, help="extraction processes for newsgrasp")
    ap.add_argument("--enrich", action="store_true",
                    help="also analyse every article (spaCy entities, quotes, events); off by default so the "
                         "figures measure fetch/extract/dedup/store, see bench_understand.py for analysis")
    ap.add_argument("--reference-pages", type=int, default=1000, help="pages for the trafilatura reference")
    args = ap.parse_args()

    print(f"{'articles':>9} {'ingest art/s':>13} {'peak RSS MB':>12} {'worker MB':>10} {'new':>7} "
          f"{'copies':>7} {'failed':>7}")
    with tempfile.TemporaryDirectory() as tmp:
        biggest = Path(tmp, "pages")
        biggest.mkdir()
        started = time.perf_counter()
        synthesise(biggest, max(args.sizes))
        print(f"(synthesised {max(args.sizes)} pages in {time.perf_counter() - started:.0f}s)", file=sys.stderr)
        files = sorted(biggest.rglob("*.html"))
        for size in sorted(args.sizes):
            folder = Path(tmp, f"n{size}")
            folder.mkdir()
            for f in files[:size]:
                (folder / f.name).symlink_to(f)
            result = run_ingest(folder, Path(tmp, f"n{size}.db"), args.jobs, args.enrich)
            print(f"{size:>9} {size / result['seconds']:>13.1f} {result['rss_mb']:>12.0f} "
                  f"{result['worker_mb']:>10.0f} {result['new']:>7} "
                  f"{result['copies']:>7} {result['failed']:>7}", flush=True)
        ref = run_reference(biggest, args.reference_pages)
        print(f"reference: plain trafilatura.extract on {ref['n']} of the same pages: "
              f"{ref['n'] / ref['seconds']:.1f} pages/s, peak RSS {ref['rss_mb']:.0f} MB "
              f"(extraction only: no fetch, cleaning, dedup or storage)")
    print(f"(this process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)")


if __name__ == "__main__":
    main()
