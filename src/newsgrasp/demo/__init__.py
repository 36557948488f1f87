"""The demo corpus: sample articles about real events, served from 127.0.0.1.

The pages are sample text written for newsgrasp (every page says so); they let
``newsgrasp demo`` and the tests run the whole network pipeline — feeds, sitemaps,
OPML, robots.txt, full-text fetching — with nothing leaving the machine.
"""

import json
from functools import cache

from .server import DEMO_HOST, SITE_DIR, demo_sources, serve_site

__all__ = ["DEMO_HOST", "SITE_DIR", "demo_outlets", "demo_sources", "serve_site"]


@cache
def demo_outlets() -> frozenset[str]:
    """The made-up outlets of the demo corpus, case-folded, so a store holding it can say so."""
    manifest = json.loads((SITE_DIR.parent / "MANIFEST.json").read_text("utf-8"))
    return frozenset(o["name"].casefold() for o in manifest["outlets"].values())
