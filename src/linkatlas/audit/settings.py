"""What an audit is about and how it judges relevance: the target and the project settings.

Seed 003, step 1: a Backlink Audit project names the domain, its brand names (the domain's own
name is always one), its categories (topics; referring domains far from them are "irrelevant")
and its target countries (sources whose language or country falls outside them are
"irrelevant" too). ``linkatlas project create`` stores these in the workspace; ``audit`` takes
them from there and from ``--brand/--category/--country/--keyword`` given on the command line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from linkatlas.metrics.target import Target, parse_target

__all__ = ["AuditSettings", "audit_settings"]


def _clean(values: Iterable[str] | None, *, lower: bool = False) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for value in values or ():
        text = " ".join(str(value).split())
        if lower:
            text = text.lower()
        if text:
            seen.setdefault(text)
    return tuple(seen)


@dataclass(frozen=True)
class AuditSettings:
    target: Target
    brands: tuple[str, ...] = ()  # brand names; the target domain's name is added by the anchor classifier
    categories: tuple[str, ...] = ()  # topic names, lowercase (see docs/audit.md for the known ones)
    countries: tuple[str, ...] = ()  # ISO 3166-1 alpha-2 codes, lowercase
    keywords: tuple[str, ...] = ()  # money keywords besides the titles of the target's linked pages
    project: str | None = None  # the stored project these came from, if any
    extra: dict = field(default_factory=dict)

    @property
    def domain(self) -> str:
        return self.target.domain


def audit_settings(target: str | Target, *, scope: str = "domain", brands: Iterable[str] = (),
                   categories: Iterable[str] = (), countries: Iterable[str] = (),
                   keywords: Iterable[str] = (), project: str | None = None) -> AuditSettings:
    """Settings from loose values (CLI options, a stored project), normalized and de-duplicated."""
    parsed = target if isinstance(target, Target) else parse_target(target, scope)
    return AuditSettings(parsed, _clean(brands), _clean(categories, lower=True), _clean(countries, lower=True),
                         _clean(keywords), project)
