"""robots.txt: fetched once per origin with our own client, then cached."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.robotparser import RobotFileParser

import httpx

from newsgrasp.fetch.deadline import deadline

__all__ = ["RobotsCache", "RobotsRules", "agent_token", "fetch_robots", "parse_robots", "robots_url"]


def agent_token(user_agent: str) -> str:
    """The product token robots.txt groups are matched against ("newsgrasp")."""
    match = re.match(r"\s*([A-Za-z0-9_\-.]+)", user_agent)
    return match.group(1).lower() if match else "*"


def robots_url(url: httpx.URL) -> tuple[str, str]:
    """``(origin, robots.txt URL)`` for a URL; robots.txt is per scheme+host+port."""
    origin = f"{url.scheme}://{url.netloc.decode('ascii').lower()}"
    return origin, origin + "/robots.txt"


@dataclass
class RobotsRules:
    """The rules for one origin; ``parser is None`` means everything is allowed."""

    parser: RobotFileParser | None
    expires: float
    crawl_delay: float | None = None
    note: str = ""

    def allows(self, url: str, agent: str) -> bool:
        if self.parser is None:
            return True
        return self.parser.can_fetch(agent, url)


def parse_robots(text: str, agent: str, expires: float) -> RobotsRules:
    parser = RobotFileParser()
    parser.parse(text.splitlines())
    # can_fetch() refuses everything until it believes the file was read.
    parser.modified()
    delay: float | None = None
    raw = parser.crawl_delay(agent)
    if raw is not None:
        try:
            delay = float(raw)
        except (TypeError, ValueError):
            delay = None
    return RobotsRules(parser=parser, expires=expires, crawl_delay=delay, note="parsed")


def fetch_robots(
    client: httpx.Client,
    url: str,
    *,
    agent: str,
    now: float,
    ttl: float,
    retry_after: float,
    max_bytes: int,
    total_timeout: float,
) -> RobotsRules:
    """Fetch and parse one robots.txt; never raises for network trouble.

    Follows RFC 9309 for 4xx (no usable rules: allow all, including 401/403).
    For 429, 5xx and network errors the spec would have us assume "disallow";
    news sites hiccup often enough that we allow instead and ask again soon.
    """
    try:
        with deadline(total_timeout), client.stream("GET", url, follow_redirects=True) as response:
            status = response.status_code
            if 200 <= status < 300:
                buf = bytearray()
                for chunk in response.iter_bytes():
                    buf += chunk
                    # Google reads the first 500 KiB and ignores the rest; so do we.
                    if len(buf) >= max_bytes:
                        del buf[max_bytes:]
                        break
                text = buf.decode("utf-8", errors="replace").lstrip("\ufeff")
                return parse_robots(text, agent, now + ttl)
            if 400 <= status < 500 and status != 429:
                return RobotsRules(parser=None, expires=now + ttl, note=f"http {status}")
            return RobotsRules(parser=None, expires=now + retry_after, note=f"http {status}")
    except (httpx.HTTPError, OSError) as exc:
        return RobotsRules(parser=None, expires=now + retry_after, note=type(exc).__name__)


class RobotsCache:
    """Thread-safe origin → :class:`RobotsRules` map with expiry."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._lock = threading.Lock()
        self._rules: dict[str, RobotsRules] = {}

    def get(self, origin: str) -> RobotsRules | None:
        with self._lock:
            rules = self._rules.get(origin)
        if rules is None or rules.expires <= self._clock():
            return None
        return rules

    def put(self, origin: str, rules: RobotsRules) -> None:
        with self._lock:
            self._rules[origin] = rules
