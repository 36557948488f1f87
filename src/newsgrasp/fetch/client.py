"""The polite, defensive HTTP fetcher."""

from __future__ import annotations

import email.utils
import random
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from urllib.parse import urljoin

import httpx

from newsgrasp.fetch.config import FetchConfig, FetchResponse
from newsgrasp.fetch.deadline import deadline, install_deadline_backend, time_left
from newsgrasp.fetch.errors import FetchError
from newsgrasp.fetch.robots import RobotsCache, RobotsRules, agent_token, fetch_robots, robots_url
from newsgrasp.fetch.throttle import HostSlot, HostThrottle
from newsgrasp.records import Document
from newsgrasp.urls import is_http_url

__all__ = ["Fetcher", "parse_content_type", "parse_retry_after"]

_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_ACCEPT = (
    "text/html,application/xhtml+xml;q=0.9,application/rss+xml;q=0.9,application/atom+xml;q=0.9,"
    "application/feed+json;q=0.9,application/xml;q=0.8,text/xml;q=0.8,application/json;q=0.7,"
    "text/plain;q=0.5,*/*;q=0.1"
)
# Small error and redirect bodies are read so the connection can be reused;
# bigger ones are cut off by closing it.
_DRAIN_LIMIT = 64 * 1024


def parse_content_type(value: str | None) -> tuple[str | None, str | None]:
    """``"text/html; charset=UTF-8"`` → ``("text/html", "utf-8")``."""
    if not value:
        return None, None
    main, *params = value.split(";")
    ctype = main.strip().lower() or None
    charset = None
    for param in params:
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset":
            charset = val.strip().strip("\"'").lower() or None
    return ctype, charset


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return max(seconds, 0.0) if seconds == seconds else None  # NaN check
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max((when - now).total_seconds(), 0.0)


@dataclass
class _Redirect:
    location: str
    status: int


class _Retry(Exception):
    """An attempt that may succeed if tried again later."""

    def __init__(self, error: FetchError, retry_after: float | None = None):
        super().__init__(error)
        self.error = error
        self.retry_after = retry_after


class Fetcher:
    """Fetch URLs politely and safely; share one instance across threads.

    Per host: robots.txt is read once and cached, requests are serialised and
    spaced ``per_host_delay`` apart (or the robots.txt Crawl-delay if larger).
    Different hosts proceed in parallel.  Every failure is a
    :class:`FetchError` with a short ``reason``.

    ``sleep`` and ``clock`` exist for tests: backoff and politeness waits go
    through ``sleep``; ``rng`` drives backoff jitter.
    """

    def __init__(
        self,
        config: FetchConfig | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] | None = None,
        rng: random.Random | None = None,
    ):
        self.config = config or FetchConfig()
        cfg = self.config
        self._sleep = sleep or time.sleep
        self._clock = clock or time.monotonic
        self._rng = rng or random.Random()
        self._rng_lock = threading.Lock()
        if transport is None:
            http_transport = httpx.HTTPTransport(
                limits=httpx.Limits(max_connections=cfg.max_connections, max_keepalive_connections=20)
            )
            install_deadline_backend(http_transport)
            transport = http_transport
        self._client = httpx.Client(
            transport=transport,
            headers={"User-Agent": cfg.user_agent, "Accept": _ACCEPT},
            timeout=httpx.Timeout(
                connect=cfg.connect_timeout,
                read=cfg.read_timeout,
                write=cfg.read_timeout,
                pool=cfg.connect_timeout,
            ),
            follow_redirects=False,
            max_redirects=cfg.max_redirects,
        )
        self._agent = agent_token(cfg.user_agent)
        self._throttle = HostThrottle(cfg.per_host_delay, self._sleep, self._clock)
        self._robots = RobotsCache(self._clock)
        self._closed = False

    # -- lifecycle -------------------------------------------------------

    def close(self) -> None:
        self._closed = True
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- public ----------------------------------------------------------

    def fetch(
        self,
        url: str,
        *,
        origin: str = "url",
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> FetchResponse:
        """GET ``url``, following redirects; raise :class:`FetchError` on failure.

        With ``etag``/``last_modified`` the request is conditional; a 304
        comes back as ``not_modified=True`` with ``document=None`` and the
        validators carried over when the server did not repeat them.
        """
        if self._closed:
            raise RuntimeError("Fetcher is closed")
        current = self._check_url(url, url)
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        redirects: list[str] = []
        seen = {_loop_key(current)}
        while True:
            outcome = self._fetch_hop(current, headers, origin)
            if isinstance(outcome, FetchResponse):
                outcome.redirects = redirects
                if outcome.not_modified:
                    outcome.etag = outcome.etag or etag
                    outcome.last_modified = outcome.last_modified or last_modified
                return outcome
            target = self._check_url(urljoin(current, outcome.location), url, redirect_from=current)
            redirects.append(current)
            key = _loop_key(target)
            if key in seen:
                raise FetchError(
                    "redirect loop", f"{current} redirects back to {target}", url=url, status=outcome.status
                )
            if len(redirects) > self.config.max_redirects:
                raise FetchError(
                    "too many redirects",
                    f"more than {self.config.max_redirects} redirects",
                    url=url,
                    status=outcome.status,
                )
            seen.add(key)
            current = target

    # -- internals -------------------------------------------------------

    def _check_url(self, candidate: str, original: str, redirect_from: str | None = None) -> str:
        where = f"redirect from {redirect_from} to {candidate!r}" if redirect_from else repr(candidate)
        if not is_http_url(candidate):
            raise FetchError("invalid url", f"not a fetchable http(s) URL: {where}", url=original)
        try:
            parsed = httpx.URL(candidate)
        except (httpx.InvalidURL, ValueError, TypeError) as exc:
            raise FetchError("invalid url", f"{where}: {exc}", url=original) from exc
        # httpx drops the fragment on the wire anyway; dropping it here keeps
        # loop detection and the reported final URL consistent.
        return str(parsed.copy_with(fragment=None))

    def _fetch_hop(self, url: str, headers: dict[str, str], origin: str) -> FetchResponse | _Redirect:
        parsed = httpx.URL(url)
        host = parsed.raw_host.decode("ascii", errors="replace").lower()
        slot = self._throttle.slot(host)
        with slot.lock:
            if self.config.respect_robots:
                rules = self._robots_for(parsed, slot)
                if not rules.allows(url, self._agent):
                    raise FetchError("robots.txt disallows", f"for user agent {self._agent!r}", url=url)
            return self._with_retries(url, slot, headers, origin)

    def _robots_for(self, parsed: httpx.URL, slot: HostSlot) -> RobotsRules:
        cfg = self.config
        key, robots = robots_url(parsed)
        rules = self._robots.get(key)
        if rules is not None:
            return rules
        # Called with the host lock held, so one thread fetches and the rest wait.
        slot.wait()
        try:
            rules = fetch_robots(
                self._client,
                robots,
                agent=self._agent,
                now=self._clock(),
                ttl=cfg.robots_ttl,
                retry_after=cfg.robots_retry_after,
                max_bytes=cfg.robots_max_bytes,
                total_timeout=cfg.total_timeout,
            )
            if rules.crawl_delay is not None:
                # Set before done() so the very next request already waits for it.
                slot.delay = max(slot.delay, min(rules.crawl_delay, cfg.max_crawl_delay))
        finally:
            slot.done()
        self._robots.put(key, rules)
        return rules

    def _with_retries(
        self, url: str, slot: HostSlot, headers: dict[str, str], origin: str
    ) -> FetchResponse | _Redirect:
        cfg = self.config
        attempt = 0
        while True:
            slot.wait()
            try:
                with deadline(cfg.total_timeout):
                    outcome = self._attempt(url, headers, origin)
            except _Retry as retry:
                slot.done()
                error = retry.error
                if retry.retry_after is not None and retry.retry_after > cfg.max_retry_after:
                    raise FetchError(
                        "rate limited",
                        f"server asked to wait {retry.retry_after:.0f}s (limit {cfg.max_retry_after:.0f}s)",
                        url=url,
                        status=error.status,
                    ) from None
                if attempt >= cfg.max_retries:
                    if error.status == 429:
                        raise FetchError(
                            "rate limited",
                            f"still http 429 after {attempt + 1} attempts",
                            url=url,
                            status=429,
                        ) from None
                    if attempt:
                        error.detail = f"{error.detail}; gave up after {attempt + 1} attempts".lstrip("; ")
                    raise error from None
                wait = retry.retry_after if retry.retry_after is not None else self._backoff(attempt)
                attempt += 1
                # The host lock stays held: other requests to a host that is
                # shedding load should wait too rather than pile on.  The
                # slot.wait() above then only adds what per_host_delay still asks.
                self._sleep(wait)
                continue
            except BaseException:
                slot.done()
                raise
            slot.done()
            return outcome

    def _backoff(self, attempt: int) -> float:
        base = self.config.backoff_base * (2**attempt)
        with self._rng_lock:
            # "Equal jitter": at least half the exponential step, so retries
            # from many workers spread out without collapsing to zero.
            return base / 2 + self._rng.uniform(0, base / 2)

    def _attempt(self, url: str, headers: dict[str, str], origin: str) -> FetchResponse | _Redirect:
        request = self._client.build_request("GET", url, headers=headers)
        try:
            response = self._client.send(request, stream=True)
        except httpx.HTTPError as exc:
            raise _translate(exc, url) from exc
        try:
            return self._handle(response, url, origin)
        finally:
            response.close()

    def _handle(self, response: httpx.Response, url: str, origin: str) -> FetchResponse | _Redirect:
        cfg = self.config
        status = response.status_code
        fetched_at = datetime.now(UTC)
        location = response.headers.get("location")
        if status in _REDIRECT_STATUSES and location:
            _drain(response)
            return _Redirect(location.strip(), status)
        if status == 304:
            return FetchResponse(
                url=url,
                status=status,
                document=None,
                etag=response.headers.get("etag"),
                last_modified=response.headers.get("last-modified"),
                not_modified=True,
            )
        if status in _RETRY_STATUSES:
            retry_after = parse_retry_after(response.headers.get("retry-after"))
            _drain(response)
            raise _Retry(FetchError(f"http {status}", url=url, status=status), retry_after)
        if not 200 <= status < 300:
            _drain(response)
            raise FetchError(f"http {status}", response.reason_phrase or "", url=url, status=status)

        ctype, charset = parse_content_type(response.headers.get("content-type"))
        if ctype is None:
            if not cfg.allow_missing_content_type:
                raise FetchError("unsupported content type", "no Content-Type header", url=url, status=status)
        elif ctype not in cfg.allowed_content_types:
            raise FetchError("unsupported content type", ctype, url=url, status=status)

        length = response.headers.get("content-length")
        if length is not None and length.strip().isdigit() and int(length) > cfg.max_bytes:
            raise FetchError(
                "too large", f"Content-Length {int(length)} > {cfg.max_bytes} bytes", url=url, status=status
            )
        body = self._read_body(response, url)
        document = Document(
            url=url,
            body=body,
            origin=origin,
            content_type=ctype,
            charset=charset,
            fetched_at=fetched_at,
        )
        return FetchResponse(
            url=url,
            status=status,
            document=document,
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
        )

    def _read_body(self, response: httpx.Response, url: str) -> bytes:
        limit = self.config.max_bytes
        buf = bytearray()
        try:
            # Decoded bytes are what we hold in memory, so that is what is capped.
            for chunk in response.iter_bytes():
                buf += chunk
                if len(buf) > limit:
                    raise FetchError("too large", f"body exceeds {limit} bytes", url=url)
                left = time_left()
                # Also catches trickling when a custom transport ignores the deadline.
                if left is not None and left <= 0:
                    raise FetchError(
                        "timeout", f"body not complete within {self.config.total_timeout}s", url=url
                    )
        except httpx.DecodingError as exc:
            raise FetchError("connection failed", f"bad content encoding: {exc}", url=url) from exc
        except httpx.HTTPError as exc:
            raise _translate(exc, url) from exc
        return bytes(buf)


def _drain(response: httpx.Response) -> None:
    """Read a small body so the connection can be reused; give up on big ones."""
    length = response.headers.get("content-length")
    if length is None or not length.strip().isdigit() or int(length) > _DRAIN_LIMIT:
        return
    try:
        seen = 0
        for chunk in response.iter_raw():
            seen += len(chunk)
            if seen > _DRAIN_LIMIT:
                return
    except httpx.HTTPError:
        pass


def _translate(exc: httpx.HTTPError, url: str) -> Exception:
    """Map an httpx error to a FetchError, wrapped in _Retry when worth retrying."""
    detail = f"{type(exc).__name__}: {exc}".rstrip(": ")
    if isinstance(exc, httpx.TimeoutException):
        # Not retried: a server that stalled once usually stalls again, and
        # each retry could cost another total_timeout.
        return FetchError("timeout", detail, url=url)
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return FetchError("invalid url", detail, url=url)
    if isinstance(exc, httpx.TransportError):
        error = FetchError("connection failed", detail, url=url)
        # A name that does not resolve will not resolve in a few seconds
        # either; retrying it only ties up a worker.
        return error if _unknown_host(exc) else _Retry(error)
    return FetchError("connection failed", detail, url=url)


def _unknown_host(exc: BaseException) -> bool:
    permanent = {getattr(socket, name) for name in ("EAI_NONAME", "EAI_NODATA") if hasattr(socket, name)}
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, socket.gaierror) and current.errno in permanent:
            return True
        current = current.__cause__ or current.__context__
    return False


def _loop_key(url: str) -> str:
    return str(httpx.URL(url))
