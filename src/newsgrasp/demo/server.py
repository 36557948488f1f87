"""A small static HTTP server for the demo site, on 127.0.0.1 only."""

from __future__ import annotations

import hashlib
import mimetypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

SITE_DIR = Path(__file__).parent / "site"
# Feeds, sitemaps and OPML name this host; the server puts its own address there.
DEMO_HOST = "DEMO_HOST"

_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".opml": "application/xml",
    ".json": "application/feed+json",
    ".txt": "text/plain; charset=utf-8",
}


class _Handler(BaseHTTPRequestHandler):
    server_version = "newsgrasp-demo"

    def __init__(self, *args: object, root: Path, **kwargs: object) -> None:
        self.root = root
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass  # the demo is quiet; ingest reports what matters

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve(send_body=False)

    def do_GET(self) -> None:  # noqa: N802
        self._serve(send_body=True)

    def _serve(self, *, send_body: bool) -> None:
        path = unquote(urlsplit(self.path).path)
        target = (self.root / path.lstrip("/")).resolve()
        if target.is_dir():
            target = target / "index.html"
        if not target.is_relative_to(self.root.resolve()) or not target.is_file():
            self.send_error(404, "Not Found")
            return
        body = target.read_bytes()
        host = self.headers.get("Host") or f"127.0.0.1:{self.server.server_port}"  # type: ignore[attr-defined]
        body = body.replace(DEMO_HOST.encode(), host.encode())
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        ctype = _TYPES.get(target.suffix.lower()) or mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.end_headers()
        if send_body:
            self.wfile.write(body)


@contextmanager
def serve_site(root: Path | None = None, port: int = 0) -> Iterator[str]:
    """Serve ``root`` (the demo site by default) on 127.0.0.1; yields the base URL."""
    site = root or SITE_DIR
    server = ThreadingHTTPServer(("127.0.0.1", port), partial(_Handler, root=site))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="newsgrasp-demo-site", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def demo_sources(base_url: str, root: Path | None = None) -> list[str]:
    """What the demo ingests: the OPML list of feeds and every sitemap the site has."""
    site = root or SITE_DIR
    sources = []
    if (site / "feeds.opml").exists():
        sources.append(f"{base_url}/feeds.opml")
    for sitemap in sorted(site.glob("*sitemap*.xml")):
        sources.append(f"{base_url}/{sitemap.name}")
    return sources
