from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FIXTURES = Path(__file__).parent / "fixtures"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or a clean skip where a fresh clone has none."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent (the shared test data sits beside the repository)")
    return path


@pytest.fixture
def store() -> Iterator:
    from newsgrasp.store import SQLiteStore

    db = SQLiteStore(":memory:")
    try:
        yield db
    finally:
        db.close()


@pytest.fixture(scope="session")
def demo_site() -> Iterator[str]:
    from newsgrasp.demo import serve_site

    with serve_site() as base:
        yield base


@pytest.fixture(scope="session")
def demo_manifest() -> dict:
    from newsgrasp.demo import SITE_DIR

    return json.loads((SITE_DIR.parent / "MANIFEST.json").read_text("utf-8"))


@pytest.fixture
def fast_fetcher() -> Iterator:
    """A real Fetcher with no politeness pause: every server in tests is ours, on 127.0.0.1."""
    from newsgrasp.fetch import FetchConfig, Fetcher

    config = FetchConfig(per_host_delay=0.0, connect_timeout=2, read_timeout=2, total_timeout=5,
                         max_retries=2, backoff_base=0.01, max_retry_after=1)
    with Fetcher(config) as fetcher:
        yield fetcher
