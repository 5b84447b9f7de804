"""Raw export batches (Arrow tables of strings named by field) → typed rows in the index.

URLs go through :func:`linkatlas.extract.urls.normalize_url` and hosts through
:func:`linkatlas.extract.domains.domain_of` once per distinct value of a batch (with caches
across batches), not once per row; every other conversion (numbers, flags, ISO dates, link
type) is one vectorized ``INSERT ... SELECT`` in DuckDB. Search Console's localized dates are
parsed in Python, once per distinct value. A cell that cannot be read becomes NULL (unknown).
"""

from __future__ import annotations

import functools

import pyarrow as pa
import pyarrow.compute as pc

from linkatlas.extract.domains import domain_of, normalize_host
from linkatlas.extract.urls import extract_host, normalize_url, url_host
from linkatlas.index.store import Index
from linkatlas.sources.imports.dates import parse_date
from linkatlas.sources.imports.layouts import FIELD_KINDS, KEY_FIELDS, LayoutMatch

__all__ = ["TABLES", "prepare_batch", "write_batch"]

TABLES = {"links": "vendor_links", "domains": "vendor_domains", "pages": "vendor_pages", "anchors": "vendor_anchors"}

_TRUE = "('true', 'yes', 'y', '1', '+', 'x', 't', 'on')"
_FALSE = "('false', 'no', 'n', '0', '-', 'f', 'off')"
_TYPES = "('text', 'image', 'redirect', 'frame', 'form')"
_FLAGS = (("flag_redirect", "redirect"), ("flag_image", "image"), ("flag_frame", "frame"), ("flag_form", "form"),
          ("flag_text", "text"))


@functools.lru_cache(maxsize=1 << 18)
def _url_parts(raw: str) -> tuple[str | None, str | None, str | None]:
    url = normalize_url(raw.strip()) if raw else None
    if url is None:
        return None, None, None
    host = url_host(url)
    return url, host, domain_of(host)


@functools.lru_cache(maxsize=1 << 16)
def _host_parts(raw: str) -> tuple[str | None, str | None]:
    host = extract_host(raw) if raw and raw.strip() else ""
    if not host or normalize_host(host) is None:
        return None, None
    return host, domain_of(host)


@functools.lru_cache(maxsize=1 << 18)
def _canonical_host_domain(host: str) -> tuple[str | None]:
    """The domain of a host already in canonical form, None if the host is not canonical."""
    return (domain_of(host) if normalize_host(host) == host else None,)


def _map_unique(column, function, width: int, types) -> list[pa.Array]:
    """``function`` applied once per distinct value; ``width`` result columns, row-aligned."""
    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    encoded = array.dictionary_encode()
    results = [function(value) if value is not None else (None,) * width for value in encoded.dictionary.to_pylist()]
    return [pc.take(pa.array([r[i] for r in results], types[i]), encoded.indices) for i in range(width)]


# An absolute URL that normalize_url would return unchanged, save a "/" before an empty path
# or a lone query (the fast path of linkatlas.extract.urls, in RE2 for Arrow).
_PCHAR = r"A-Za-z0-9\-._~!$&'()*+,;=:@"
_CLEAN_URL = rf"^(?P<scheme>https?)://(?P<host>[a-z0-9._\-]+)(?P<rest>(?:/[{_PCHAR}/]*)?(?:\?[{_PCHAR}/?]+)?)$"
_STRINGS = (pa.string(),) * 3


def _url_columns(column: pa.ChunkedArray) -> list[pa.Array]:
    """(url, host, domain) per row: canonical URLs in Arrow, the others through normalize_url."""
    raw = column.combine_chunks()
    parts = pc.extract_regex(raw, _CLEAN_URL)
    host = parts.field("host")
    rest = parts.field("rest")
    domain = _map_unique(host, _canonical_host_domain, 1, (pa.string(),))[0]
    fast = pc.and_kleene(pc.is_valid(domain), pc.invert(pc.match_substring(rest, "/.")))
    fast = pc.fill_null(fast, False)
    path = pc.if_else(pc.starts_with(rest, "/"), rest, pc.binary_join_element_wise("/", rest, ""))
    url = pc.binary_join_element_wise(parts.field("scheme"), "://", host, path, "")
    slow = _map_unique(pc.if_else(fast, pa.scalar(None, pa.string()), raw), _url_parts, 3, _STRINGS)
    return [pc.if_else(fast, fast_value, slow_value) for fast_value, slow_value in zip((url, host, domain), slow)]


def _derived_columns(table: pa.Table, match: LayoutMatch) -> pa.Table:
    """URL/host/domain columns (vectorized, Python once per distinct odd value), localized dates."""
    kind = match.layout.kind
    if kind == "links":
        for side in ("source", "target"):
            if f"{side}_url" in table.column_names:
                for name, array in zip(("url", "host", "domain"), _url_columns(table[f"{side}_url"])):
                    table = table.append_column(f"{side}_{name}__", array)
    elif kind == "pages":
        for name, array in zip(("url", "host", "domain"), _url_columns(table["url"])):
            table = table.append_column(f"{name}__", array)
    elif kind == "domains":
        parts = _map_unique(table["domain"], _host_parts, 2, (pa.string(),) * 2)
        for name, array in zip(("host", "domain"), parts):
            table = table.append_column(f"{name}__", array)
    if match.layout.vendor == "gsc":
        for name in table.column_names:
            if FIELD_KINDS.get(name) == "date":
                parse = functools.partial(_parse_one, language=match.language)
                table = table.append_column(f"{name}__", _map_unique(table[name], parse, 1, (pa.timestamp("us"),))[0])
    return table


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
    if kind == "text":
        return f"nullif(trim({column}), '')"
    if kind == "anchor":
        return f"trim({column})"
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
        return (f"CASE WHEN lower(trim({column})) IN {_TRUE} THEN true WHEN lower(trim({column})) IN {_FALSE} "
                f"THEN false WHEN trim({column}) = '' THEN {empty} END")
    if kind == "date":
        return f"TRY_CAST(nullif(trim({column}), '') AS TIMESTAMP)"
    if kind == "type":
        return f"CASE WHEN lower(trim({column})) IN {_TYPES} THEN lower(trim({column})) END"
    raise ValueError(field)


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
    """The raw strings plus the columns computed in Python/Arrow (URLs, hosts, domains, GSC dates)."""
    return _derived_columns(raw, match)


def write_batch(index: Index, batch: pa.Table, match: LayoutMatch, import_id: int) -> tuple[int, int]:
    """Insert one prepared batch; returns (rows stored, rows skipped because a key value was unusable)."""
    layout = match.layout
    table_name = TABLES[layout.kind]
    present = set(batch.column_names)
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
    return stored, batch.num_rows - stored


def key_problem(match: LayoutMatch) -> str:
    """What a skipped row lacked, for the summary line."""
    has_target = "target_url" in match.fields.values()
    fields = KEY_FIELDS[match.layout.kind] + (("target_url",) if has_target else ())
    return " or ".join(fields) or "a value"
