"""A small time-bounded cache for the desk's slow aggregates (facets, actor views, dyad series).

These are aggregates over the whole store that change slowly and sit on busy
pages: recomputing them per request would cost more than the page itself.  An
entry is fresh for ``ttl`` seconds; after that the stale value is still served
while one background thread recomputes it, so no reader waits on a refresh
(stale-while-revalidate).  Only a key never seen before is computed in the
request.  A page is thus at most about a minute behind in these aggregates,
never in its own content.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)


class TTLCache:
    def __init__(self, ttl: float = 60.0, max_entries: int = 2048,
                 clock: Callable[[], float] = time.monotonic, background: bool = True) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._clock = clock
        self._data: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        self._inflight: dict[Hashable, Future[Any]] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="newsgrasp-web-cache") if background else None

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        now = self._clock()
        with self._lock:
            hit = self._data.get(key)
            if hit is not None:
                self._data.move_to_end(key)
                stale = now - hit[0] >= self.ttl
                if stale and self._pool is not None and key not in self._inflight:
                    self._inflight[key] = self._pool.submit(self._refresh, key, compute)
                if not stale or self._pool is not None:
                    value: T = hit[1]
                    return value
            running = self._inflight.get(key)
            mine: Future[Any] | None = None
            if running is None:
                # Readers arriving while this one computes wait for its answer, not a second run.
                mine = self._inflight[key] = Future()
        if running is not None:
            waited: T = running.result()
            return waited
        assert mine is not None
        try:
            value = compute()
        except BaseException as exc:
            mine.set_exception(exc)
            raise
        finally:
            with self._lock:
                self._inflight.pop(key, None)
        self._put(key, now, value)
        mine.set_result(value)
        return value

    def warm(self, key: Hashable, compute: Callable[[], Any]) -> None:
        """Compute ``key`` in the background now (at startup), unless it is already there."""
        if self._pool is None:
            return
        with self._lock:
            if key in self._data or key in self._inflight:
                return
            self._inflight[key] = self._pool.submit(self._refresh, key, compute)

    def _refresh(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        try:
            value = compute()
            self._put(key, self._clock(), value)
            return value
        except Exception:
            # A failed refresh keeps the stale value; the next reader retries.
            log.exception("refreshing %r failed", key)
            raise
        finally:
            with self._lock:
                self._inflight.pop(key, None)

    def _put(self, key: Hashable, when: float, value: Any) -> None:
        with self._lock:
            self._data[key] = (when, value)
            self._data.move_to_end(key)
            while len(self._data) > self.max_entries:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
