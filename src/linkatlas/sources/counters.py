"""Namespaced run counters (``ingest/warc/bad_gzip``) and the one-line problems of a run."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

__all__ = ["RunStats"]


@dataclass
class RunStats:
    """What a run saw: counters by namespaced key, plus one line per problem, naming the file."""

    counters: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    max_problems: int = 200

    def count(self, key: str, amount: int = 1) -> None:
        self.counters[key] += amount

    def problem(self, key: str, message: str) -> None:
        """Count a failure under ``key`` and keep its message (bounded)."""
        self.counters[key] += 1
        self.counters["errors"] += 1
        if len(self.problems) < self.max_problems:
            self.problems.append(message)

    @property
    def failed(self) -> bool:
        return self.counters["errors"] > 0
