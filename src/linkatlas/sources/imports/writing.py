"""Raw export batches (Arrow tables of strings named by field) → typed rows in the index.

:class:`BatchPreparer` adds the URL, host and registrable-domain columns: URLs already in
canonical form and their registrable domains are computed in Arrow and NumPy
(:mod:`.fastpath`); any other URL goes through :func:`linkatlas.extract.urls.normalize_url`
once per distinct value (:class:`DistinctCache`). Search Console's localized dates are parsed
the same way, once per distinct value. Every other conversion (numbers, flags, ISO dates, link
type) is one vectorized ``INSERT ... SELECT`` in DuckDB (:func:`write_batch`), which may read
the batches as a stream; cells spelled the common way take a cheap first branch
(:func:`cell_sql`). A cell that cannot be read becomes NULL (unknown).
"""

from __future__ import annotations

import functools

import pyarrow as pa
import pyarrow.compute as pc

from linkatlas.extract.domains import domain_of, normalize_host
from linkatlas.extract.urls import extract_host, normalize_url, url_host
from linkatlas.index.store import Index
from linkatlas.sources.imports.dates import parse_date
from linkatlas.sources.imports.fastpath import canonical_urls
from linkatlas.sources.imports.layouts import FIELD_KINDS, KEY_FIELDS, LayoutMatch

__all__ = ["TABLES", "BatchPreparer", "DistinctCache", "prepare_batch", "write_batch"]

TABLES = {"links": "vendor_links", "domains": "vendor_domains", "pages": "vendor_pages", "anchors": "vendor_anchors"}

_TRUE = ("true", "yes", "y", "1", "+", "x", "t", "on")
_FALSE = ("false", "no", "n", "0", "-", "f", "off")
_TYPES = ("text", "image", "redirect", "frame", "form")
_FLAGS = (("flag_redirect", "redirect"), ("flag_image", "image"), ("flag_frame", "frame"), ("flag_form", "form"),
          ("flag_text", "text"))


def _url_parts(raw: str) -> tuple[str | None, str | None, str | None]:
    url = normalize_url(raw.strip()) if raw else None
    if url is None:
        return None, None, None
    host = url_host(url)
    return url, host, domain_of(host)


def _host_parts(raw: str) -> tuple[str | None, str | None]:
    host = extract_host(raw) if raw and raw.strip() else ""
    if not host or normalize_host(host) is None:
        return None, None
    return host, domain_of(host)


def _combined(column) -> pa.Array:
    return column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column


class DistinctCache:
    """A Python function's results per distinct string, kept across the batches of a file.

    Only a batch's distinct values are looked at, and only values not seen recently reach the
    function (target URLs and dates repeat a lot in exports). At most ``limit`` values are kept
    (then the cache starts afresh), so memory stays bounded.
    """

    def __init__(self, function, types: tuple, limit: int = 1 << 16) -> None:
        self.function = function
        self.types = types
        self.limit = limit
        self.results: dict[str, tuple] = {}

    @property
    def keys(self) -> list[str]:
        return list(self.results)

    def lookup(self, distinct: pa.Array) -> list[pa.Array]:
        """The results for an array of distinct non-null strings, aligned with it."""
        values = distinct.to_pylist()
        results = self.results
        new = [value for value in values if value not in results]
        if len(results) + len(new) > self.limit:
            results.clear()
            new = values
        results.update((value, self.function(value)) for value in new)
        rows = [results[value] for value in values]
        return [pa.array([row[i] for row in rows], kind) for i, kind in enumerate(self.types)]

    def map(self, column) -> list[pa.Array]:
        """The results per row of ``column`` (NULL rows give NULLs)."""
        encoded = _combined(column).dictionary_encode()
        return [pc.take(values, encoded.indices) for values in self.lookup(encoded.dictionary.drop_null())]


_STRING = (pa.string(),)
_STRINGS = _STRING * 3


class BatchPreparer:
    """Adds the columns computed in Python/Arrow to the raw batches of one export table: the
    normalized URL, host and registrable domain of every URL column, hosts and domains of a
    domain table, Search Console's localized dates. Canonical URLs are handled in Arrow
    (:mod:`.fastpath`); Python runs once per distinct other value (caches shared by the
    batches of the file)."""

    def __init__(self, match: LayoutMatch) -> None:
        self.match = match
        self.urls = DistinctCache(_url_parts, _STRINGS)  # any other URL -> (url, host, domain)
        self.domains = DistinctCache(_host_parts, _STRING * 2)
        parse = functools.partial(_parse_one, language=match.language)
        self.dates = DistinctCache(parse, (pa.timestamp("us"),))

    def __call__(self, table: pa.Table) -> pa.Table:
        kind = self.match.layout.kind
        if kind == "links":
            for side in ("source", "target"):
                if f"{side}_url" in table.column_names:
                    for name, array in zip(("url", "host", "domain"), self._url_columns(table[f"{side}_url"])):
                        table = table.append_column(f"{side}_{name}__", array)
        elif kind == "pages":
            for name, array in zip(("url", "host", "domain"), self._url_columns(table["url"])):
                table = table.append_column(f"{name}__", array)
        elif kind == "domains":
            for name, array in zip(("host", "domain"), self.domains.map(table["domain"])):
                table = table.append_column(f"{name}__", array)
        if self.match.layout.vendor == "gsc":
            for name in table.column_names:
                if FIELD_KINDS.get(name) == "date":
                    table = table.append_column(f"{name}__", self.dates.map(table[name])[0])
        return table

    def _url_columns(self, column) -> list[pa.Array]:
        """(url, host, domain) per row, computed per distinct raw URL of the batch: canonical
        URLs in Arrow, the others through normalize_url (once per distinct value of the file,
        as long as the cache holds)."""
        encoded = _combined(column).dictionary_encode()
        raw = encoded.dictionary
        parts = list(canonical_urls(raw))
        slow = pc.is_null(parts[2])
        if pc.any(slow).as_py():
            computed = self.urls.lookup(pc.filter(raw, slow))
            parts = [pc.replace_with_mask(values, slow, found) for values, found in zip(parts, computed)]
        return [pc.take(values, encoded.indices) for values in parts]


def _parse_one(value: str, language: str | None) -> tuple:
    return (parse_date(value, language),)


# --- SQL for each column ----------------------------------------------------------------


def _value(field: str, present: set[str], empty_is_false: bool) -> str:
    """SQL expression for a field from the raw batch ``b``; NULL when the file lacks it."""
    if f"{field}__" in present:
        return f'b."{field}__"'
    if field not in present:
        return "NULL"
    return cell_sql(f'b."{field}"', FIELD_KINDS[field], empty_is_false)


def cell_sql(column: str, kind: str, empty_is_false: bool, *, fast: bool = True) -> str:
    """SQL reading a string cell of a field kind (NULL when it cannot be read). With ``fast``,
    cells spelled the common way (``true``, ``123``, ``2024-01-02 03:04:05``, empty) take a
    first WHEN: DuckDB evaluates the general expression only on the rows no WHEN took, and the
    result is the same (tests/test_import_fastpath.py compares both on awkward cells)."""
    general = _general_cell(column, kind, empty_is_false)
    if not fast:
        return general
    if kind in _PLAIN_CASTS:  # "1.234" is a thousands count, not 1
        cast = f"TRY_CAST({column} AS {_PLAIN_CASTS[kind]})"
        guard = f" AND strpos({column}, '.') = 0" if kind == "int" else ""
        return f"CASE WHEN {column} = '' THEN NULL WHEN {cast} IS NOT NULL{guard} THEN {cast} ELSE {general} END"
    if kind == "bool":
        empty = "false" if empty_is_false else "NULL"
        return f"CASE {column} WHEN '' THEN {empty} WHEN 'false' THEN false WHEN 'true' THEN true ELSE {general} END"
    if kind == "type":
        whens = " ".join(f"WHEN '{name}' THEN '{name}'" for name in _TYPES)
        return f"CASE {column} {whens} ELSE {general} END"
    return general


_PLAIN_CASTS = {"int": "BIGINT", "float": "DOUBLE", "date": "TIMESTAMP"}


def _general_cell(column: str, kind: str, empty_is_false: bool) -> str:
    if kind in ("text", "anchor"):  # trim() copies every string; most need no trimming
        padded = f"starts_with({column}, ' ') OR ends_with({column}, ' ')"
        trimmed = f"CASE WHEN {padded} THEN trim({column}) ELSE {column} END"
        return trimmed if kind == "anchor" else f"nullif({trimmed}, '')"
    if kind == "int":  # counts; "1.234" / "1,234" / "1 234" are thousands, not decimals
        plain = "".join(f" AND strpos({column}, '{c}') = 0" for c in (".", ",", " ", "''", "\u00a0"))
        grouped = f"regexp_full_match(trim({column}), '-?[0-9]{{1,3}}([.,'' \u00a0][0-9]{{3}})+')"
        return (f"CASE WHEN true{plain} THEN TRY_CAST({column} AS BIGINT) WHEN {grouped} THEN "
                f"TRY_CAST(regexp_replace(trim({column}), '[^0-9-]', '', 'g') AS BIGINT) "
                f"ELSE TRY_CAST(TRY_CAST(nullif(trim({column}), '') AS DOUBLE) AS BIGINT) END")
    if kind == "float":
        return f"TRY_CAST(nullif(replace(replace(trim({column}), '%', ''), ',', '.'), '') AS DOUBLE)"
    if kind == "bool":
        empty = "false" if empty_is_false else "NULL"
        return _lookup(column, {**dict.fromkeys(_TRUE, "true"), **dict.fromkeys(_FALSE, "false"), "": empty})
    if kind == "date":
        return f"TRY_CAST(nullif(trim({column}), '') AS TIMESTAMP)"
    if kind == "type":
        return _lookup(column, {name: f"'{name}'" for name in _TYPES})
    raise ValueError(kind)


def _lookup(column: str, values: dict[str, str]) -> str:
    """``lower(trim(column))`` looked up among a few constants; a simple CASE, which DuckDB
    evaluates several times faster than ``IN (...)`` lists (those become hash joins)."""
    whens = " ".join(f"WHEN '{key}' THEN {value}" for key, value in values.items())
    return f"CASE lower(trim({column})) {whens} END"


def _link_type(present: set[str], value) -> str:
    whens = [f"WHEN {value(flag)} THEN '{name}'" for flag, name in _FLAGS if flag in present]
    if "type" in present:
        whens.insert(0, f"WHEN {value('type')} IS NOT NULL THEN {value('type')}")
    if any(flag in present for flag, _ in _FLAGS):
        whens.append("ELSE 'text'")
    return f"CASE {' '.join(whens)} END" if whens else "NULL"


def _select_list(match: LayoutMatch, present: set[str], columns: list[str]) -> list[str]:
    layout = match.layout

    def value(field: str) -> str:
        return _value(field, present, layout.empty_is_false)

    special = {
        "import_id": "$import_id", "vendor": "$vendor", "layout": "$layout", "target": "NULL",
        "source_url": "b.source_url__", "source_host": "b.source_host__", "source_domain": "b.source_domain__",
        "target_url": "b.target_url__" if "target_url" in present else "NULL",
        "target_host": "b.target_host__" if "target_url" in present else "NULL",
        "target_domain": "b.target_domain__" if "target_url" in present else "NULL",
        "type": _link_type(present, value),
        "url": "b.url__", "host": "b.host__", "domain": "b.domain__",
    }
    if layout.kind == "anchors":
        special.pop("domain")
        special["anchor"] = "coalesce(trim(b.anchor), '')"
    if "follow" in present:
        special["nofollow"] = f"CASE WHEN {value('nofollow')} THEN true WHEN {value('follow')} THEN false END"
    if "lost_at" in present and "lost" not in present:
        special["lost"] = f"({value('lost_at')} IS NOT NULL)"
    return [special[c] if c in special else value(c) for c in columns]


def _key_filter(kind: str, present: set[str]) -> str:
    if kind == "links":
        condition = "b.source_url__ IS NOT NULL"
        return condition + (" AND b.target_url__ IS NOT NULL" if "target_url" in present else "")
    if kind == "pages":
        return "b.url__ IS NOT NULL"
    if kind == "domains":
        return "b.domain__ IS NOT NULL"
    return "true"


_COLUMNS: dict[str, list[str]] = {}


def _table_columns(index: Index, table: str) -> list[str]:
    if table not in _COLUMNS:
        _COLUMNS[table] = [row[0] for row in index.sql(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
            [table])]
    return _COLUMNS[table]


def prepare_batch(raw: pa.Table, match: LayoutMatch) -> pa.Table:
    """The raw strings plus the columns computed in Python/Arrow (URLs, hosts, domains, GSC dates);
    for many batches of one table, use one :class:`BatchPreparer` (its caches span the batches)."""
    return BatchPreparer(match)(raw)


def write_batch(index: Index, batch: pa.Table | pa.RecordBatchReader, match: LayoutMatch, import_id: int) -> int:
    """Insert prepared rows (a table, or a stream of batches); returns the rows stored (the others
    lacked a usable key value)."""
    layout = match.layout
    table_name = TABLES[layout.kind]
    present = set(batch.schema.names)
    columns = _table_columns(index, table_name)
    select = ", ".join(_select_list(match, present, columns))
    index.con.register("import_batch", batch)
    try:
        stored = index.con.execute(
            f"INSERT INTO {table_name} ({', '.join(columns)}) SELECT {select} FROM import_batch b "
            f"WHERE {_key_filter(layout.kind, present)}",
            {"import_id": import_id, "vendor": layout.vendor, "layout": layout.name},
        ).fetchone()[0]
    finally:
        index.con.unregister("import_batch")
    return stored


def key_problem(match: LayoutMatch) -> str:
    """What a skipped row lacked, for the summary line."""
    has_target = "target_url" in match.fields.values()
    fields = KEY_FIELDS[match.layout.kind] + (("target_url",) if has_target else ())
    return " or ".join(fields) or "a value"
