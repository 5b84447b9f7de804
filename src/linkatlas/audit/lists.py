"""The audit's decisions: whitelist, remove and disavow lists per project (seed 003, steps 3, 7, 8).

Each entry belongs to a project — the registrable domain of the audited target; a stored
:mod:`project <linkatlas.audit.projects>` is not required — and has a *kind* (``whitelist``,
``remove``, ``disavow``), a *scope* and a *value*:

- ``domain`` scope: a registrable domain. ``www.spam.com``, ``https://spam.com/x`` and
  ``domain:spam.com`` all mean ``spam.com``. It covers that domain and, as Google's
  ``domain:`` lines do, any domain under it (an entry ``blogspot.com`` covers
  ``a.blogspot.com``, which is a registrable domain of its own).
- ``url`` scope: one page, as a normalized absolute http(s) URL.

A domain or URL is on at most one list of a project: adding it to another list moves it (the
change says so). For one page, a URL entry wins over its domain's entry.

Entries live in ``list_entries``, a table that ingest, import and crawl never write, so
decisions survive re-ingesting and re-importing. :func:`load_decisions` reads a project's
entries once; the :class:`Decisions` answer per domain/URL and hand out the entries as an
Arrow table for joins in DuckDB.
"""

from __future__ import annotations

import getpass
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone

import pyarrow as pa
import pyarrow.compute as pc

from linkatlas.errors import UsageError
from linkatlas.extract.domains import domain_of
from linkatlas.extract.urls import extract_host, normalize_url, url_host
from linkatlas.index.store import Index
from linkatlas.metrics.target import Target

__all__ = ["KINDS", "SCOPES", "Entry", "Change", "Decisions", "normalize_domain", "normalize_page_url",
           "normalize_value", "add_entries", "remove_entries", "entries", "entries_table", "load_decisions",
           "undecided", "ENTRY_SCHEMA", "current_user", "plain_text", "safe_chars"]

KINDS = ("whitelist", "remove", "disavow")
SCOPES = ("domain", "url")
_NOTE_LIMIT = 1000

ENTRY_SCHEMA = pa.schema([
    ("kind", pa.string()), ("scope", pa.string()), ("value", pa.string()), ("domain", pa.string()),
    ("note", pa.string()), ("added_at", pa.timestamp("us")), ("added_by", pa.string()),
])


@dataclass(frozen=True)
class Entry:
    kind: str  # whitelist, remove, disavow
    scope: str  # domain, url
    value: str  # registrable domain or normalized URL
    domain: str  # registrable domain of the value
    note: str | None
    added_at: datetime
    added_by: str | None

    def as_dict(self) -> dict:
        return {"kind": self.kind, "scope": self.scope, "value": self.value, "domain": self.domain,
                "note": self.note, "added_at": self.added_at, "added_by": self.added_by}


@dataclass(frozen=True)
class Change:
    scope: str
    value: str
    action: str  # added, moved, noted (same list, new note), unchanged, removed, missing (rm: on no list)
    kind: str | None  # the list it is on now (None when removed or missing)
    previous: str | None = None  # the list it was on before

    def as_dict(self) -> dict:
        return {"scope": self.scope, "value": self.value, "action": self.action, "kind": self.kind,
                "previous": self.previous}

    def describe(self, project: str) -> str:
        name = self.value if self.scope == "url" else f"domain {self.value}"
        now, before = _list_name(self.kind), _list_name(self.previous)
        return {
            "added": f"added {name} to the {now} of {project}",
            "moved": f"moved {name} from the {before} to the {now} of {project}",
            "noted": f"{name} is on the {now} of {project} already; note updated",
            "unchanged": f"{name} is on the {now} of {project} already",
            "removed": f"removed {name} from the {before} of {project}",
            "missing": f"{name} is on no list of {project}",
        }[self.action]


def _list_name(kind: str | None) -> str:
    return "whitelist" if kind == "whitelist" else f"{kind} list"


# --- values -----------------------------------------------------------------------------


def normalize_domain(text: str) -> str | None:
    """The registrable domain a domain, host, URL or ``domain:`` value names; None if none."""
    text = (text or "").strip()
    if text[:7].lower() == "domain:":
        text = text[7:].strip()
    host = extract_host(text)
    if not host or "." not in host.strip("[]") or any(char in host for char in " \t\"'<>\\"):
        return None
    return domain_of(host)


def normalize_page_url(text: str) -> str | None:
    """The normalized form of an absolute http(s) URL; None for anything else."""
    text = (text or "").strip()
    if not text[:8].lower().startswith(("http://", "https://")):
        return None
    url = normalize_url(text)
    if url is None or "." not in url_host(url).strip("[]"):
        return None
    return url


def normalize_value(text: str, scope: str = "domain") -> tuple[str, str]:
    """``(value, domain)`` of a list value at ``scope``; raises ValueError saying what is wrong."""
    if scope == "domain":
        value = normalize_domain(text)
        if value is None:
            raise ValueError("not a domain (give spam.com, www.spam.com or a URL of it)")
        return value, value
    if scope != "url":
        raise ValueError(f"unknown scope {scope!r}: choose domain or url")
    value = normalize_page_url(text)
    if value is None:
        raise ValueError("not an absolute http(s) URL (give https://spam.com/page)")
    return value, domain_of(url_host(value))


def _items(values: Iterable[str | tuple[str, str]], scope: str) -> dict[tuple[str, str], str]:
    """``{(scope, value): domain}`` for the values; raises UsageError naming every bad one."""
    found: dict[tuple[str, str], str] = {}
    bad: list[str] = []
    for item in values:
        item_scope, text = item if isinstance(item, tuple) else (scope, item)
        try:
            value, domain = normalize_value(text, item_scope)
        except ValueError as error:
            bad.append(f"{text!r}: {error}")
            continue
        found[(item_scope, value)] = domain
    if bad:
        more = f" (and {len(bad) - 3} more)" if len(bad) > 3 else ""
        raise UsageError(f"{'; '.join(bad[:3])}{more} — nothing was changed")
    return found


def _project(project: str | Target) -> str:
    if isinstance(project, Target):
        return project.domain
    domain = normalize_domain(project)
    if domain is None:
        raise UsageError(f"target {project!r}: give a domain (acme.com), a host or a URL")
    return domain


_UNSAFE_CATEGORIES = frozenset(("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"))


def safe_chars(text: str) -> str:
    """``text`` with control and format characters (bidi overrides, zero-width), line and paragraph
    separators and unassigned code points replaced by spaces: nothing that can break a line or
    fool a terminal or a reader."""
    text = str(text)
    if text.isascii() and text.isprintable():
        return text
    return "".join(" " if unicodedata.category(char) in _UNSAFE_CATEGORIES else char for char in text)


def plain_text(text: str, limit: int = 300) -> str:
    """``text`` made safe for one line of plain text (:func:`safe_chars`), whitespace collapsed, cut at ``limit``."""
    cleaned = " ".join(safe_chars(text).split())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


def _clean_note(note: str | None) -> str | None:
    return (plain_text(note, _NOTE_LIMIT) or None) if note is not None else None


def current_user() -> str | None:
    """The OS user name, or None when the system cannot tell (a container without one)."""
    try:
        return getpass.getuser() or None
    except Exception:  # getpass raises OSError, KeyError or ImportError depending on the platform
        return None


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)


# --- writing ----------------------------------------------------------------------------


def _existing(index: Index, project: str, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], tuple]:
    """``{(scope, value): (kind, note)}`` of the stored entries among ``keys``."""
    wanted = pa.table({"scope": [k[0] for k in keys], "value": [k[1] for k in keys]},
                      schema=pa.schema([("scope", pa.string()), ("value", pa.string())]))
    index.con.register("list_keys", wanted)
    try:
        rows = index.sql("SELECT e.scope, e.value, e.kind, e.note FROM list_entries e "
                         "JOIN list_keys k ON k.scope = e.scope AND k.value = e.value WHERE e.project = ?",
                         [project])
    finally:
        index.con.unregister("list_keys")
    return {(scope, value): (kind, note) for scope, value, kind, note in rows}


def add_entries(index: Index, project: str | Target, kind: str, values: Iterable[str | tuple[str, str]], *,
                scope: str = "domain", note: str | None = None, added_by: str | None = None,
                now: datetime | None = None) -> list[Change]:
    """Put ``values`` (strings at ``scope``, or ``(scope, text)`` pairs) on the ``kind`` list of ``project``.

    A value on another list of the project moves; one already on this list keeps its date
    (a new note replaces the old). All values are checked first: one bad value changes nothing.
    """
    if kind not in KINDS:
        raise UsageError(f"unknown list {kind!r}: choose {', '.join(KINDS)}")
    key = _project(project)
    items = _items(values, scope)
    note = _clean_note(note)
    existing = _existing(index, key, items)
    changes, new_rows, note_rows = [], [], []
    for (item_scope, value), domain in items.items():
        before_kind, before_note = existing.get((item_scope, value), (None, None))
        if before_kind == kind:
            action = "noted" if note is not None and note != before_note else "unchanged"
        else:
            action = "added" if before_kind is None else "moved"
        changes.append(Change(item_scope, value, action, kind, before_kind))
        if action in ("added", "moved"):
            new_rows.append((item_scope, value, domain, note))
        elif action == "noted":
            note_rows.append((item_scope, value, note))
    if new_rows or note_rows:
        _store(index, key, kind, new_rows, note_rows, added_by if added_by is not None else current_user(),
               now or _now())
    return changes


def _store(index: Index, project: str, kind: str, new_rows: list[tuple], note_rows: list[tuple],
           added_by: str | None, now: datetime) -> None:
    batch = pa.table({
        "project": [project] * len(new_rows), "kind": [kind] * len(new_rows),
        "scope": [r[0] for r in new_rows], "value": [r[1] for r in new_rows], "domain": [r[2] for r in new_rows],
        "note": [r[3] for r in new_rows], "added_at": pa.array([now] * len(new_rows), pa.timestamp("us")),
        "added_by": pa.array([added_by] * len(new_rows), pa.string()),
    })
    index.con.register("list_batch", batch)
    index.sql("BEGIN TRANSACTION")
    try:
        index.sql("DELETE FROM list_entries WHERE project = ? AND (scope, value) IN "
                  "(SELECT (scope, value) FROM list_batch)", [project])
        index.sql("INSERT INTO list_entries (project, kind, scope, value, domain, note, added_at, added_by) "
                  "SELECT project, kind, scope, value, domain, note, added_at, added_by FROM list_batch")
        for scope, value, note in note_rows:
            index.sql("UPDATE list_entries SET note = ? WHERE project = ? AND scope = ? AND value = ?",
                      [note, project, scope, value])
        index.sql("COMMIT")
    except BaseException:
        index.sql("ROLLBACK")
        raise
    finally:
        index.con.unregister("list_batch")


def remove_entries(index: Index, project: str | Target, values: Iterable[str | tuple[str, str]], *,
                   scope: str = "domain") -> list[Change]:
    """Take ``values`` off whatever list of ``project`` they are on (``missing`` if on none)."""
    key = _project(project)
    items = _items(values, scope)
    existing = _existing(index, key, items)
    index.sql("BEGIN TRANSACTION")
    try:
        for item_scope, value in existing:
            index.sql("DELETE FROM list_entries WHERE project = ? AND scope = ? AND value = ?",
                      [key, item_scope, value])
        index.sql("COMMIT")
    except BaseException:
        index.sql("ROLLBACK")
        raise
    return [Change(item_scope, value, "removed", None, existing[(item_scope, value)][0])
            if (item_scope, value) in existing else Change(item_scope, value, "missing", None)
            for item_scope, value in items]


# --- reading ----------------------------------------------------------------------------


def entries_table(index: Index, project: str | Target, kind: str | None = None) -> pa.Table:
    """The entries of ``project`` (of one ``kind`` if given) as an Arrow table (:data:`ENTRY_SCHEMA`),
    ordered by kind, scope and value."""
    if kind is not None and kind not in KINDS:
        raise UsageError(f"unknown list {kind!r}: choose {', '.join(KINDS)}")
    table = index.arrow(
        "SELECT kind, scope, value, domain, note, added_at, added_by FROM list_entries "
        "WHERE project = $project AND ($kind IS NULL OR kind = $kind) "
        "ORDER BY array_position(['whitelist', 'remove', 'disavow'], kind), scope, value",
        {"project": _project(project), "kind": kind},
    )
    return table.cast(ENTRY_SCHEMA)


def entries(index: Index, project: str | Target, kind: str | None = None) -> list[Entry]:
    return [Entry(**row) for row in entries_table(index, project, kind).to_pylist()]


@dataclass
class Decisions:
    """A project's lists, loaded once per audit: :meth:`decision` per domain/URL, :attr:`table` for joins.

    In DuckDB: ``con.register("decisions", decisions.table)`` then e.g.
    ``LEFT JOIN decisions d ON d.scope = 'domain' AND d.value = r.domain``.
    """

    project: str
    table: pa.Table
    _domains: dict[str, Entry] = field(default_factory=dict, repr=False)
    _urls: dict[str, Entry] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for row in self.table.to_pylist():
            entry = Entry(**row)
            store = self._urls if entry.scope == "url" else self._domains
            if store.get(entry.value) is None or store[entry.value].kind != "whitelist":
                store[entry.value] = entry  # the table of a project has one row per value; else whitelist wins

    def __len__(self) -> int:
        return self.table.num_rows

    def decision(self, domain: str, url: str | None = None) -> Entry | None:
        """The entry deciding a page's backlinks (``url``) or a whole referring domain; None if undecided."""
        if url is not None:
            entry = self._urls.get(url) or self._urls.get(normalize_page_url(url) or "")
            if entry is not None:
                return entry
        return self.domain_decision(domain)

    def domain_decision(self, domain: str) -> Entry | None:
        """The domain-scope entry covering ``domain`` (itself or a domain it is under)."""
        labels = domain.split(".")
        for start in range(len(labels) - 1):
            entry = self._domains.get(".".join(labels[start:]))
            if entry is not None:
                return entry
        return self._domains.get(domain)

    def kind(self, domain: str, url: str | None = None) -> str | None:
        entry = self.decision(domain, url)
        return entry.kind if entry else None

    def values(self, kind: str, scope: str) -> set[str]:
        store = self._urls if scope == "url" else self._domains
        return {value for value, entry in store.items() if entry.kind == kind}

    def domain_kinds(self, domains: Sequence[str] | pa.Array | pa.ChunkedArray) -> pa.Array:
        """For each domain, the kind of the domain-scope entry covering it (null if none), vectorized:
        the domain's own entry, else its parent's (``blogspot.com`` for ``a.blogspot.com``), and so on."""
        current = pa.array(domains, pa.string()) if isinstance(domains, Sequence) else domains
        if isinstance(current, pa.ChunkedArray):
            current = current.combine_chunks()
        domain_rows = self.table.filter(pc.equal(self.table["scope"], "domain"))
        values, kinds_of = domain_rows["value"].combine_chunks(), domain_rows["kind"].combine_chunks()
        kinds = pc.take(kinds_of, pc.index_in(current, value_set=values))
        while domain_rows.num_rows:
            has_parent = pc.and_(pc.is_null(kinds), pc.match_substring(current, "."))
            if not pc.any(has_parent).as_py():
                break
            current = pc.if_else(has_parent, pc.replace_substring_regex(current, r"^[^.]*\.", "", max_replacements=1),
                                 pa.scalar(None, pa.string()))
            kinds = pc.coalesce(kinds, pc.take(kinds_of, pc.index_in(current, value_set=values)))
        return kinds


def load_decisions(index: Index, project_domain: str | Target) -> Decisions:
    key = _project(project_domain)
    return Decisions(key, entries_table(index, key))


def undecided(decisions: Decisions, rows: pa.Table | Sequence[Mapping]) -> pa.Table | list[Mapping]:
    """The rows (with a ``domain`` column or key) whose domain is on no list — the ``audit --review`` view.

    A domain is decided by a domain-scope entry only: URL entries decide single pages."""
    if isinstance(rows, pa.Table):
        return rows.filter(pc.is_null(decisions.domain_kinds(rows["domain"])))
    rows = list(rows)
    kinds = decisions.domain_kinds([row["domain"] for row in rows]).to_pylist()
    return [row for row, kind in zip(rows, kinds) if kind is None]
