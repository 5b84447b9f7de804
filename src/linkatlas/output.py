"""Render rows and objects as table, JSON, JSON Lines or CSV — the same options on every command."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime

__all__ = ["FORMATS", "render_rows", "render_object", "to_jsonable"]

FORMATS = ("table", "json", "jsonl", "csv")
_CELL_LIMIT = 60


def to_jsonable(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [to_jsonable(v) for v in value]
    return value


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        value = ", ".join(map(str, value))
    text = " ".join(str(to_jsonable(value)).split())
    return text if len(text) <= _CELL_LIMIT else text[: _CELL_LIMIT - 1] + "…"


def _csv_cell(value):
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(to_jsonable(value), ensure_ascii=False)
    value = to_jsonable(value)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value  # keep spreadsheet formulas written by spammers inert
    return value


def render_rows(rows: Sequence[Mapping], columns: Sequence[str] | None = None, fmt: str = "table") -> str:
    rows = list(rows)
    columns = list(columns or (rows[0].keys() if rows else []))
    if fmt == "json":
        return json.dumps([to_jsonable(dict(r)) for r in rows], ensure_ascii=False, indent=2) + "\n"
    if fmt == "jsonl":
        return "".join(json.dumps(to_jsonable(dict(r)), ensure_ascii=False) + "\n" for r in rows)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_csv_cell(row.get(c)) for c in columns])
        return buffer.getvalue()
    cells = [[_cell(row.get(c)) for c in columns] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in cells]
    return "\n".join(lines) + "\n"


def render_object(obj: Mapping, fmt: str = "table", skip: Iterable[str] = ()) -> str:
    if fmt in ("json", "jsonl"):
        indent = 2 if fmt == "json" else None
        return json.dumps(to_jsonable(dict(obj)), ensure_ascii=False, indent=indent) + "\n"
    if fmt == "csv":
        keys = [k for k in obj if k not in skip]
        return render_rows([{k: obj[k] for k in keys}], keys, "csv")
    skip = set(skip)
    width = max((len(k) for k in obj if k not in skip), default=0)
    return "".join(f"{k.ljust(width)}  {_cell(v)}\n" for k, v in obj.items() if k not in skip)
