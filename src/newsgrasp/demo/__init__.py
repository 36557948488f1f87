"""The demo corpus: sample articles about real events, served from 127.0.0.1.

The pages are sample text written for newsgrasp (every page says so); they let
``newsgrasp demo`` and the tests run the whole network pipeline — feeds, sitemaps,
OPML, robots.txt, full-text fetching — with nothing leaving the machine.
"""

from .server import DEMO_HOST, SITE_DIR, demo_sources, serve_site

__all__ = ["DEMO_HOST", "SITE_DIR", "demo_sources", "serve_site"]
