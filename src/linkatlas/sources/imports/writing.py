"""Raw export batches (Arrow tables of strings named by field) → typed rows in the index.

:class:`BatchPreparer` adds the URL, host and registrable-domain columns: URLs already in
canonical form are recognised in Arrow (RE2) and their domains come from a per-file cache of
:func:`linkatlas.extract.domains.domain_of` results keyed by distinct host; any other URL goes
through :func:`linkatlas.extract.urls.normalize_url` once per distinct value of the file
(:class:`DistinctCache`). Search Console's localized dates are parsed the same way, once per
distinct value. Every other conversion (numbers, flags, ISO dates, link type) is one
vectorized ``INSERT ... SELECT`` in DuckDB (:func:`write_batch`), which may read the batches
as a stream. A cell that cannot be read becomes NULL (unknown).
"""

from __future__ import annotations

import functools

import pyarrow as pa
import pyarrow.compute as pc

from linkatlas.extract.domains import domain_of, normalize_host
from linkatlas.extract.urls import MAX_URL_LENGTH, extract_host, normalize_url, url_host
from linkatlas.index.store import Index
from linkatlas.sources.imports.dates import parse_date
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


def _canonical_host_domain(host: str) -> tuple[str | None]:
    """The domain of a host already in canonical form, None if the host is not canonical."""
    return (domain_of(host) if normalize_host(host) == host else None,)


def _combined(column) -> pa.Array:
    return column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column


class DistinctCache:
    """A Python function's results per distinct string, kept across the batches of a file.

    Each batch's distinct values are looked up in Arrow (``index_in``); only values never seen
    before reach Python. Hosts repeat a lot in backlink exports (a million rows may hold
    80,000 hosts), so most batches need little or no Python. At most ``limit`` values are
    kept (then the cache starts afresh), so memory stays bounded.
    """

    def __init__(self, function, types: tuple, limit: int = 1 << 19) -> None:
        self.function = function
        self.types = types
        self.limit = limit
        self._clear()

    def _clear(self) -> None:
        self.keys = pa.array([], pa.string())
        self.values = [pa.array([], kind) for kind in self.types]

    def lookup(self, distinct: pa.Array) -> list[pa.Array]:
        """The results for an array of distinct non-null strings, aligned with it."""
        where = pc.index_in(distinct, value_set=self.keys)
        missing = pc.is_null(where)
        new = distinct.filter(missing)
        if len(new):
            if len(self.keys) + len(new) > self.limit:
                self._clear()
                where, missing, new = pa.nulls(len(distinct), pa.int32()), pa.array([True] * len(distinct)), distinct
            results = [self.function(value) for value in new.to_pylist()]
            start = len(self.keys)  # the new values go to the end, in order
            where = pc.replace_with_mask(where, missing, pa.array(range(start, start + len(new)), pa.int32()))
            self.keys = pa.concat_arrays([self.keys, new])
            self.values = [pa.concat_arrays([values, pa.array([r[i] for r in results], kind)])
                           for i, (values, kind) in enumerate(zip(self.values, self.types))]
        return [pc.take(values, where) for values in self.values]

    def map(self, column) -> list[pa.Array]:
        """The results per row of ``column`` (NULL rows give NULLs)."""
        encoded = _combined(column).dictionary_encode()
        return [pc.take(values, encoded.indices) for values in self.lookup(encoded.dictionary.drop_null())]


# An absolute URL that normalize_url would return unchanged, save a "/" before an empty path
# or a lone query (the fast path of linkatlas.extract.urls, in RE2 for Arrow).
_PCHAR = r"A-Za-z0-9\-._~!$&'()*+,;=:@"
_CLEAN_URL = rf"^https?://[a-z0-9._\-]+(?:/[{_PCHAR}/]*)?(?:\?[{_PCHAR}/?]+)?$"
_HOST = r"^https?://(?P<host>[a-z0-9._\-]+)"  # of a URL matching _CLEAN_URL
_NO_PATH = r"^https?://[^/?]*(?:\?|$)"
_NO_PATH_HOST = r"^(https?://[^/?]*)"
_STRING = (pa.string(),)
_STRINGS = _STRING * 3
_NULL_STRING = pa.scalar(None, pa.string())


class BatchPreparer:
    """Adds the columns computed in Python/Arrow to the raw batches of one export table: the
    normalized URL, host and registrable domain of every URL column, hosts and domains of a
    domain table, Search Console's localized dates. Python runs once per distinct value of
    the file (caches shared by its batches), everything else is vectorized."""

    def __init__(self, match: LayoutMatch) -> None:
        self.match = match
        self.hosts = DistinctCache(_canonical_host_domain, _STRING)  # canonical host -> domain
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
        """(url, host, domain) per row, computed per distinct raw URL of the batch."""
        encoded = _combined(column).dictionary_encode()
        return [pc.take(values, encoded.indices) for values in self._distinct_urls(encoded.dictionary)]

    def _distinct_urls(self, raw: pa.Array) -> list[pa.Array]:
        """Canonical URLs in Arrow (RE2), their domains from the host cache; the others through
        normalize_url once each. (Any row may take the slow path; the fast one must be exact.)"""
        valid = pc.and_(pc.match_substring_regex(raw, _CLEAN_URL),
                        pc.less_equal(pc.binary_length(raw), MAX_URL_LENGTH))
        host = pc.if_else(valid, pc.extract_regex(raw, _HOST).field("host"), _NULL_STRING)
        encoded_hosts = host.dictionary_encode()
        domain = pc.take(self.hosts.lookup(encoded_hosts.dictionary.drop_null())[0], encoded_hosts.indices)
        fast = pc.fill_null(pc.and_kleene(pc.is_valid(domain), pc.invert(pc.match_substring(raw, "/."))), False)
        no_path = pc.and_(fast, pc.match_substring_regex(raw, _NO_PATH))
        url = raw
        if pc.any(no_path).as_py():  # "https://a.com" and "https://a.com?q" get their "/"
            with_slash = pc.replace_substring_regex(pc.filter(raw, no_path), _NO_PATH_HOST, r"\1/", max_replacements=1)
            url = pc.replace_with_mask(raw, no_path, with_slash)
        if pc.all(fast).as_py():
            return [url, host, domain]
        slow = self.urls.map(pc.if_else(fast, _NULL_STRING, raw))
        return [pc.if_else(fast, fast_value, slow_value) for fast_value, slow_value in zip((url, host, domain), slow)]


def _parse_one(value: str, language: str | None) -> tuple:
    return (parse_date(value, language),)


# --- SQL for each column ----------------------------------------------------------------


def _value(field: str, present: set[str], empty_is_false: bool) -> str:
    """SQL expression for a field from the raw batch ``b``; NULL when the file lacks it."""
    if f"{field}__" in present:
        return f'b."{field}__"'
    if field not in present:
        return "NULL"
    column = f'b."{field}"'
    kind = FIELD_KINDS[field]
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
    raise ValueError(field)


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
