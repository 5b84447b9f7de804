"""Audit projects (seed 003, step 1): the audited domain with its brands, categories, countries, keywords.

A project is stored per registrable domain in the ``projects`` table of the workspace. Its
settings are what the audit judges relevance and anchors by:

- *brands*: the domain's own name (``acmeanalytics`` for ``acmeanalytics.com``) is always one
  and cannot be removed; others are added as written (case kept, whitespace collapsed);
- *categories*: free-text topics, stored lowercase;
- *countries*: ISO 3166-1 alpha-2 codes, validated against the bundled list of the 249 codes
  (``audit/data/countries.csv``, from the tz database's public-domain ``iso3166.tab``), lowercase;
- *keywords*: money keywords besides the titles of the target's pages.

:func:`settings_for` merges a stored project with values given on the command line into the
:class:`~linkatlas.audit.settings.AuditSettings` the ``audit`` command runs with. Deleting a
project also deletes its lists (:mod:`linkatlas.audit.lists`).
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import resources

from linkatlas.audit.settings import AuditSettings, audit_settings
from linkatlas.errors import LinkatlasError, UsageError
from linkatlas.extract.domains import split_host
from linkatlas.index.store import Index
from linkatlas.metrics.target import Target, parse_target

__all__ = ["Project", "create_project", "update_project", "get_project", "list_projects", "delete_project",
           "settings_for", "project_domain", "country_codes", "normalize_countries", "brand_of"]

_COUNTRY_ALIASES = {"uk": "gb", "el": "gr"}  # common non-ISO spellings: the UK, Greece's EU code
_FIELDS = ("brands", "categories", "countries", "keywords")


@dataclass(frozen=True)
class Project:
    domain: str  # registrable domain
    name: str
    brands: tuple[str, ...]
    categories: tuple[str, ...]
    countries: tuple[str, ...]
    keywords: tuple[str, ...]
    created_at: datetime
    updated_at: datetime

    def as_dict(self) -> dict:
        return {"domain": self.domain, "name": self.name, "brands": list(self.brands),
                "categories": list(self.categories), "countries": list(self.countries),
                "keywords": list(self.keywords), "created_at": self.created_at, "updated_at": self.updated_at}


@functools.cache
def country_codes() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code (lowercase) → English name, the 249 codes of the bundled list."""
    try:
        text = resources.files("linkatlas.audit").joinpath("data/countries.csv").read_text(encoding="utf-8")
    except OSError:
        raise LinkatlasError("linkatlas/audit/data/countries.csv is missing from this installation — "
                             "reinstall linkatlas (the package data must include audit/data/*)") from None
    rows = csv.DictReader(line for line in io.StringIO(text) if not line.startswith("#"))
    return {row["code"]: row["name"] for row in rows}


def normalize_countries(values: Iterable[str]) -> tuple[str, ...]:
    """Country codes lowercase and de-duplicated; a code or English name of the list is accepted.

    Raises UsageError naming every value that is not a country, with the nearest fix."""
    codes = country_codes()
    by_name = {name.lower(): code for code, name in codes.items()}
    found, unknown = [], []
    for value in values:
        key = " ".join(str(value).split()).lower()
        if not key:
            continue
        code = key if key in codes else by_name.get(key)
        if code is None:
            unknown.append(value)
        elif code not in found:
            found.append(code)
    if unknown:
        raise UsageError(f"--country {', '.join(map(repr, unknown))}: not an ISO 3166-1 alpha-2 code"
                         f"{_country_hint(unknown)} — e.g. de, fr, us, gb")
    return tuple(found)


def _country_hint(unknown: list[str]) -> str:
    hints = [f"{_COUNTRY_ALIASES[value.lower()]} for {value}" for value in unknown if value.lower() in _COUNTRY_ALIASES]
    return f" (write {', '.join(hints)})" if hints else ""


def brand_of(domain: str) -> str:
    """The brand a domain's own name gives: ``acmeanalytics`` for ``www.acmeanalytics.co.uk``."""
    return split_host(domain)[1] or domain


def project_domain(target: str | Target) -> str:
    """The registrable domain a target (domain, host or URL) belongs to: the project's key."""
    return target.domain if isinstance(target, Target) else parse_target(target).domain


def _words(values: Iterable[str], *, lower: bool = False) -> list[str]:
    """Whitespace collapsed, empty values dropped, de-duplicated without case (first spelling kept)."""
    kept: dict[str, str] = {}
    for value in values:
        text = " ".join(str(value).split())
        if text:
            kept.setdefault(text.lower(), text.lower() if lower else text)
    return list(kept.values())


def _row_to_project(row: dict) -> Project:
    return Project(row["domain"], row["name"], *(tuple(row[name] or ()) for name in _FIELDS),
                   row["created_at"], row["updated_at"])


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)


def get_project(index: Index, domain: str | Target) -> Project | None:
    """The stored project of ``domain``'s registrable domain, or None."""
    rows = index.rows("SELECT * FROM projects WHERE domain = ?", [project_domain(domain)])
    return _row_to_project(rows[0]) if rows else None


def list_projects(index: Index) -> list[Project]:
    return [_row_to_project(row) for row in index.rows("SELECT * FROM projects ORDER BY domain")]


def create_project(index: Index, domain: str | Target, *, name: str | None = None, brands: Iterable[str] = (),
                   categories: Iterable[str] = (), countries: Iterable[str] = (),
                   keywords: Iterable[str] = ()) -> Project:
    """Store a new project; raises LinkatlasError if the domain has one already."""
    key = project_domain(domain)
    if get_project(index, key) is not None:
        raise LinkatlasError(f"project {key} exists already — change it with `linkatlas project edit {key}`")
    now = _now()
    project = Project(key, " ".join((name or "").split()) or key, tuple(_words([brand_of(key), *brands])),
                      tuple(_words(categories, lower=True)), normalize_countries(countries),
                      tuple(_words(keywords)), now, now)
    _write(index, project, insert=True)
    return project


def update_project(index: Index, domain: str | Target, *, name: str | None = None,
                   add: dict[str, Iterable[str]] | None = None,
                   remove: dict[str, Iterable[str]] | None = None) -> Project:
    """Rename a project and add or remove values of its fields (``add={"brands": [...]}``).

    Removing is case-insensitive; the domain's own brand cannot be removed."""
    project = _require(index, domain)
    add, remove = add or {}, remove or {}
    unknown = sorted({*add, *remove} - set(_FIELDS))
    if unknown:
        raise UsageError(f"unknown project field {unknown[0]!r}: choose from {', '.join(_FIELDS)}")
    own = brand_of(project.domain)
    if own.lower() in {value.lower() for value in remove.get("brands", ())}:
        raise UsageError(f"--remove-brand {own}: the domain's own name is always a brand of {project.domain}")
    values = {name_: _edited(name_, getattr(project, name_), add.get(name_, ()), remove.get(name_, ()))
              for name_ in _FIELDS}
    new_name = " ".join((name or "").split()) or project.name
    updated = Project(project.domain, new_name, **values, created_at=project.created_at, updated_at=_now())
    _write(index, updated, insert=False)
    return updated


def _edited(field_name: str, current: tuple[str, ...], added: Iterable[str], removed: Iterable[str]) -> tuple[str, ...]:
    lower = field_name in ("categories", "countries")
    if field_name == "countries":
        added, removed = normalize_countries(added), normalize_countries(removed)
    dropped = {value.lower() for value in _words(removed, lower=lower)}
    return tuple(value for value in _words([*current, *added], lower=lower) if value.lower() not in dropped)


def delete_project(index: Index, domain: str | Target) -> dict:
    """Delete a project and its lists; returns what was deleted (``{"project": bool, "list_entries": n}``)."""
    key = project_domain(domain)
    index.sql("BEGIN TRANSACTION")
    try:
        projects = index.sql("DELETE FROM projects WHERE domain = ?", [key])[0][0]
        entries = index.sql("DELETE FROM list_entries WHERE project = ?", [key])[0][0]
        index.sql("COMMIT")
    except BaseException:
        index.sql("ROLLBACK")
        raise
    return {"domain": key, "project": bool(projects), "list_entries": entries}


def settings_for(index: Index, target: str | Target, brands: Iterable[str] = (), categories: Iterable[str] = (),
                 countries: Iterable[str] = (), keywords: Iterable[str] = ()) -> AuditSettings:
    """The audit settings of ``target``: its stored project's values (if any) plus the given ones."""
    parsed = target if isinstance(target, Target) else parse_target(target)
    project = get_project(index, parsed.domain)
    stored = project or Project(parsed.domain, parsed.domain, (brand_of(parsed.domain),), (), (), (), _now(), _now())
    return audit_settings(parsed, brands=_words([*stored.brands, *brands]),
                          categories=[*stored.categories, *categories],
                          countries=[*stored.countries, *normalize_countries(countries)],
                          keywords=_words([*stored.keywords, *keywords]),
                          project=project.domain if project else None)


def _require(index: Index, domain: str | Target) -> Project:
    project = get_project(index, domain)
    if project is None:
        key = project_domain(domain)
        raise LinkatlasError(f"no project for {key} in {index.path} — create it with `linkatlas project create {key}`")
    return project


def _write(index: Index, project: Project, *, insert: bool) -> None:
    values = [project.name, *(list(getattr(project, name)) for name in _FIELDS), project.updated_at, project.domain]
    if insert:
        index.sql("INSERT INTO projects (name, brands, categories, countries, keywords, updated_at, domain, created_at)"
                  " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [*values, project.created_at])
    else:
        index.sql("UPDATE projects SET name = ?, brands = ?, categories = ?, countries = ?, keywords = ?, "
                  "updated_at = ? WHERE domain = ?", values)
