"""A hard end-to-end deadline for one request.

httpx timeouts apply per socket operation, so a server that sends one byte
every few seconds (in the headers or the body) never trips them.  This wraps
httpcore's network backend so every connect/read/write gets at most the time
left before the deadline of the request running on the current thread.  Sync
httpx does all I/O of a request on the calling thread, so a thread-local is
enough.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import httpcore
import httpx

__all__ = ["deadline", "install_deadline_backend", "time_left"]

_local = threading.local()


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Run the block with a deadline ``seconds`` from now on this thread."""
    previous = getattr(_local, "deadline", None)
    _local.deadline = time.monotonic() + seconds
    try:
        yield
    finally:
        _local.deadline = previous


def time_left() -> float | None:
    """Seconds before the current deadline (may be negative); None when none is set."""
    end = getattr(_local, "deadline", None)
    return None if end is None else end - time.monotonic()


def _clamp(timeout: float | None, exc: type[Exception]) -> float | None:
    left = time_left()
    if left is None:
        return timeout
    if left <= 0:
        raise exc("total timeout exceeded")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream):
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _clamp(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _clamp(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(ssl_context, server_hostname, _clamp(timeout, httpcore.ConnectTimeout))
        return _DeadlineStream(inner)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self, inner: httpcore.NetworkBackend):
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_tcp(
            host, port, _clamp(timeout, httpcore.ConnectTimeout), local_address, socket_options
        )
        return _DeadlineStream(stream)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_unix_socket(
            path, _clamp(timeout, httpcore.ConnectTimeout), socket_options
        )
        return _DeadlineStream(stream)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def install_deadline_backend(transport: httpx.HTTPTransport) -> bool:
    """Make ``transport`` honour :func:`deadline`; False if its internals moved.

    httpx does not expose the network backend, so this reaches into the
    transport's connection pool.  If a future httpx/httpcore renames it, the
    fetcher still stops a trickling body between chunks, just not a trickle
    of headers.
    """
    pool = getattr(transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if pool is None or not isinstance(backend, httpcore.NetworkBackend):
        return False
    pool._network_backend = _DeadlineBackend(backend)
    return True
