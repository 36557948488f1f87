"""Per-host politeness: one request at a time, and a pause between them."""

from __future__ import annotations

import threading
from collections.abc import Callable

__all__ = ["HostSlot", "HostThrottle"]


class HostSlot:
    """The gate for one host.

    Hold ``lock`` for the whole exchange (robots.txt, retries, body) so a host
    never sees two of our requests at once; ``wait()`` before each request and
    ``done()`` after it space them ``delay`` seconds apart, measured from the
    end of one to the start of the next so slow servers get more room.
    """

    def __init__(self, delay: float, sleep: Callable[[float], None], clock: Callable[[], float]):
        self.lock = threading.Lock()
        self.delay = delay
        self.next_allowed = 0.0
        self._sleep = sleep
        self._clock = clock

    def wait(self) -> None:
        remaining = self.next_allowed - self._clock()
        # One sleep, not a loop: an injected test sleep may not advance the clock.
        if remaining > 0:
            self._sleep(remaining)

    def done(self) -> None:
        self.next_allowed = self._clock() + self.delay


class HostThrottle:
    """Hands out one :class:`HostSlot` per host name, thread-safely."""

    def __init__(self, delay: float, sleep: Callable[[float], None], clock: Callable[[], float]):
        self._delay = delay
        self._sleep = sleep
        self._clock = clock
        self._lock = threading.Lock()
        self._slots: dict[str, HostSlot] = {}

    def slot(self, host: str) -> HostSlot:
        with self._lock:
            slot = self._slots.get(host)
            if slot is None:
                slot = self._slots[host] = HostSlot(self._delay, self._sleep, self._clock)
            return slot
