"""The crawl frontier: per-host queues with politeness, handed out to a pool of workers.

A host is handed out only while fewer than ``per_host_concurrency`` of its requests are in
flight and its delay since the last request has passed; the number of workers is the global
limit. Every URL is queued at most once per crawl.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections import deque
from dataclasses import dataclass, field

__all__ = ["Frontier", "HostQueue", "Item"]


@dataclass(slots=True)
class Item:
    url: str
    depth: int = 0
    hops: int = 0          # redirect hops that led here
    attempt: int = 0
    seed: str | None = None  # the URL this item was reached from by redirects (urls mode)


@dataclass(slots=True)
class HostQueue:
    host: str
    pending: deque = field(default_factory=deque)
    active: int = 0
    ready_at: float = 0.0
    delay: float = 0.0
    in_heap: bool = False
    pages: int = 0


class Frontier:
    def __init__(self, per_host_concurrency: int, default_delay: float) -> None:
        self.per_host = per_host_concurrency
        self.default_delay = default_delay
        self.hosts: dict[str, HostQueue] = {}
        self.seen: set[str] = set()
        self.heap: list[tuple[float, int, HostQueue]] = []
        self.order = itertools.count()
        self.queued = 0
        self.in_flight = 0
        self.closed = False
        self.wakeup = asyncio.Event()

    def add(self, host: str, item: Item, *, front: bool = False) -> bool:
        """Queue ``item`` (once per URL, unless ``front`` re-queues a retry)."""
        if self.closed or (not front and item.url in self.seen):
            return False
        self.seen.add(item.url)
        queue = self.hosts.get(host)
        if queue is None:
            queue = self.hosts[host] = HostQueue(host, delay=self.default_delay)
        (queue.pending.appendleft if front else queue.pending.append)(item)
        self.queued += 1
        self._schedule(queue)
        return True

    def _schedule(self, queue: HostQueue) -> None:
        if queue.pending and queue.active < self.per_host and not queue.in_heap:
            queue.in_heap = True
            heapq.heappush(self.heap, (queue.ready_at, next(self.order), queue))
            self.wakeup.set()

    async def next(self) -> tuple[HostQueue, Item] | None:
        """The next (host, item) allowed to start, waiting for politeness; None when all is done."""
        while True:
            if self.closed:
                return None
            now = time.monotonic()
            if self.heap and self.heap[0][0] <= now:
                _, _, queue = heapq.heappop(self.heap)
                queue.in_heap = False
                item = queue.pending.popleft()
                queue.active += 1
                queue.ready_at = now + queue.delay  # the next start on this host, at the earliest
                self.queued -= 1
                self.in_flight += 1
                self._schedule(queue)
                return queue, item
            if self.queued == 0 and self.in_flight == 0:
                self.close()
                return None
            timeout = self.heap[0][0] - now if self.heap else None
            self.wakeup.clear()
            try:
                await asyncio.wait_for(self.wakeup.wait(), timeout)
            except asyncio.TimeoutError:
                pass

    def done(self, queue: HostQueue, pause: float | None = 0.0) -> None:
        """A request on ``queue`` finished: its host waits ``delay`` (+ ``pause``) from now.
        ``pause=None``: nothing was sent (robots.txt said no), the host is free at once."""
        queue.active -= 1
        self.in_flight -= 1
        now = time.monotonic()
        if pause is None:
            queue.ready_at = now if queue.active == 0 else queue.ready_at
        else:
            queue.ready_at = max(queue.ready_at, now + queue.delay + pause)
        self._schedule(queue)
        self.wakeup.set()

    def close(self) -> None:
        self.closed = True
        self.wakeup.set()
