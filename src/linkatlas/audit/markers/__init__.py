"""Toxic markers: small registered units, each finding one unnatural pattern with its evidence.

A :class:`Marker` has an ``id``, a ``category`` (one of :data:`CATEGORIES`), a ``weight``
(0-1: the toxicity, divided by 100, the marker gives a domain on its own at full strength), a
one-line ``description``, a ``compute`` function and an ``explain`` function.

``compute(context)`` looks at the prepared audit tables (see :mod:`.context`) and returns
either SQL or an Arrow table with the rows ``(domain, source_url, target_url, strength,
evidence)``: ``strength`` 0-1, ``evidence`` a JSON object (which IP, which analytics id,
which pages, which anchor, counts). A *domain* marker gives one row per referring domain
(``source_url`` NULL); a *backlink* marker one row per backlink it concerns, and its
``aggregate`` SQL expression turns them into the domain's strength from ``hits`` (rows),
``mass`` (sum of strengths), ``top`` (largest strength) and ``total`` (the domain's
backlinks). ``explain(evidence)`` says it in plain words for ``audit --explain``.

Built-in markers register themselves exactly as a third party would::

    from linkatlas.audit.markers import Marker, register
    register(Marker("my_marker", "manipulative", 0.3, "what it finds", compute, explain))

The weights were calibrated on the labeled sample web (docs/audit.md, "How markers combine").
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import pyarrow as pa

__all__ = ["CATEGORIES", "Marker", "MARKERS", "register", "unregister", "AGGREGATES", "HIT_SCHEMA", "evidence_of"]

CATEGORIES = ("link_networks", "manipulative", "irrelevant", "harmful_environment", "community_spam", "complementary")

AGGREGATES = {
    "any": "top",  # one such backlink is enough
    "share": "mass / total",  # the share of the domain's backlinks
    "repeated": "mass / total * least(1.0, hits / 3.0)",  # a share, and only in full from three backlinks on
}

HIT_SCHEMA = pa.schema([("domain", pa.string()), ("source_url", pa.string()), ("target_url", pa.string()),
                        ("strength", pa.float64()), ("evidence", pa.string())])


@dataclass(frozen=True)
class Marker:
    id: str
    category: str
    weight: float
    description: str
    compute: Callable  # (AuditContext) -> SQL text | pa.Table | None
    explain: Callable[[dict], str]
    scope: str = "domain"  # "domain" or "backlink"
    aggregate: str = "any"  # backlink markers: a key of AGGREGATES or an SQL expression

    def __post_init__(self) -> None:
        if self.category not in CATEGORIES:
            raise ValueError(f"marker {self.id}: category must be one of {', '.join(CATEGORIES)}")
        if not 0 < self.weight < 1:
            raise ValueError(f"marker {self.id}: weight must be between 0 and 1")
        if self.scope not in ("domain", "backlink"):
            raise ValueError(f"marker {self.id}: scope must be 'domain' or 'backlink'")

    @property
    def aggregate_sql(self) -> str:
        return AGGREGATES.get(self.aggregate, self.aggregate)

    @property
    def weak(self) -> bool:
        """A weak marker cannot make a domain even potentially toxic on its own."""
        return self.weight < 0.45

    def describe(self) -> dict:
        return {"id": self.id, "category": self.category, "weight": self.weight, "scope": self.scope,
                "description": self.description}


MARKERS: dict[str, Marker] = {}


def register(marker: Marker) -> Marker:
    """Add (or replace) a marker in the registry."""
    MARKERS[marker.id] = marker
    return marker


def unregister(marker_id: str) -> Marker | None:
    return MARKERS.pop(marker_id, None)


def evidence_of(text: str | None) -> dict:
    """A hit's evidence JSON as a dict (``{}`` when empty or unreadable)."""
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {"text": text}
    return value if isinstance(value, dict) else {"value": value}


from . import networks, manipulative, irrelevant, harmful, community, complementary  # noqa: E402,F401,I001  built-ins, in CATEGORIES order
