"""Ingest jobs started through the API, run one at a time on a background thread.

A job fetches over a transport that refuses private addresses on every hop
(see :class:`~newsgrasp.web.security.PublicOnlyTransport`) unless the operator
allowed private feeds.  Jobs live in memory: they are a convenience for
"fetch these now", not a queue that must survive restarts.
"""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from ..fetch import FetchConfig, Fetcher
from ..fetch.deadline import install_deadline_backend
from ..ingest import Ingester
from ..store.base import Store
from .security import PublicOnlyTransport

MAX_KEPT = 200


@dataclass(slots=True)
class Job:
    id: str
    urls: list[str]
    state: str = "queued"          # queued, running, done, failed
    created: datetime = field(default_factory=lambda: datetime.now(UTC))
    finished: datetime | None = None
    summary: dict[str, Any] | None = None
    error: str | None = None


class IngestJobs:
    """Runs :class:`Ingester` jobs in submission order on one worker thread.

    One worker is enough: the store has a single writer anyway, and serial jobs
    keep one client from starving the readers of the desk.
    """

    def __init__(self, store: Store, *, allow_private: bool = False,
                 fetch_config: FetchConfig | None = None) -> None:
        self.store = store
        self.allow_private = allow_private
        self.fetch_config = fetch_config or FetchConfig()
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="newsgrasp-web-ingest")
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def submit(self, urls: list[str]) -> Job:
        job = Job(id=uuid.uuid4().hex[:16], urls=list(urls))
        with self._lock:
            self._jobs[job.id] = job
            for old in list(self._jobs)[:-MAX_KEPT]:
                if self._jobs[old].state in ("done", "failed"):
                    del self._jobs[old]
        self._pool.submit(self._run, job)
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def _fetcher(self) -> Fetcher:
        if self.allow_private:
            return Fetcher(self.fetch_config)
        transport = PublicOnlyTransport(limits=httpx.Limits(max_connections=self.fetch_config.max_connections))
        install_deadline_backend(transport)
        return Fetcher(self.fetch_config, transport=transport)

    def _run(self, job: Job) -> None:
        job.state = "running"
        try:
            with self._fetcher() as fetcher:
                summary = Ingester(self.store, fetcher).run(job.urls)
            job.summary = summary.as_dict()
            job.state = "done"
        except Exception as exc:  # a job must report, never kill the worker
            job.error = f"{type(exc).__name__}: {exc}"
            job.state = "failed"
        finally:
            job.finished = datetime.now(UTC)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
