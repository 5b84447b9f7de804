#!/usr/bin/env python3
"""Audit lists speed: storing list entries, looking up decisions, writing the disavow file.

    .venv/bin/python bench/audit_lists.py [--entries 100000] [--domains 1000000]

1. ``add_entries``: --entries domains put on a disavow list of a real DuckDB file (a
   ``list import`` of that size), then a tenth of them moved to the whitelist.
2. Deciding --domains referring domains against those lists (the audit's hot path): the
   vectorized ``Decisions.domain_kinds`` (Arrow), a DuckDB join on ``Decisions.table``, and
   the common alternative, a Python loop calling ``Decisions.kind`` per domain.
3. ``disavow.render`` of the whole list (per-entry comments dropped to fit Google's limits).

Each contender runs in a fresh child process; peak memory is that process's max RSS (the
Python interpreter with linkatlas imported is ~100 MB of it). Other agents share this
machine's 2 cores, so timings are noisy.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _prepare(folder: str, entries: int) -> dict:
    from linkatlas.audit.lists import add_entries
    from linkatlas.index.store import open_index

    with open_index(Path(folder) / "bench.duckdb") as index:
        started = time.perf_counter()
        add_entries(index, "acme.com", "disavow", [f"s{i:07d}.com" for i in range(entries)], note="bench")
        added = time.perf_counter() - started
        started = time.perf_counter()
        add_entries(index, "acme.com", "whitelist", [f"s{i:07d}.com" for i in range(0, entries, 10)])
        moved = time.perf_counter() - started
    return {"add_entries_s": added, "add_per_s": entries / added, "move_s": moved}


def _decide(folder: str, domains: int, how: str) -> dict:
    import duckdb
    import pyarrow as pa

    from linkatlas.audit.lists import load_decisions
    from linkatlas.index.store import open_index

    with open_index(Path(folder) / "bench.duckdb") as index:
        started = time.perf_counter()
        decisions = load_decisions(index, "acme.com")
        loaded = time.perf_counter() - started
    probe = pa.array([f"s{i:07d}.com" for i in range(domains)])
    started = time.perf_counter()
    if how == "vectorized":
        kinds = decisions.domain_kinds(probe)
        decided = len(kinds) - kinds.null_count
    elif how == "duckdb":
        con = duckdb.connect()
        con.register("decisions", decisions.table)
        con.register("rows", pa.table({"domain": probe}))
        decided = con.execute("SELECT count(d.kind) FROM rows r LEFT JOIN decisions d "
                              "ON d.scope = 'domain' AND d.value = r.domain").fetchall()[0][0]
    else:
        decided = sum(decisions.kind(domain) is not None for domain in probe.to_pylist())
    took = time.perf_counter() - started
    return {"load_s": loaded, "decide_s": took, "domains_per_s": domains / took, "decided": decided}


def _render(folder: str) -> dict:
    from linkatlas.audit.disavow import render
    from linkatlas.audit.lists import load_decisions
    from linkatlas.index.store import open_index

    with open_index(Path(folder) / "bench.duckdb") as index:
        decisions = load_decisions(index, "acme.com")
    started = time.perf_counter()
    result = render(decisions)
    took = time.perf_counter() - started
    return {"render_s": took, "entries_per_s": result.summary["domains"] / took, "lines": result.summary["lines"],
            "bytes": result.summary["bytes"], "comments": result.summary["comments"]}


def _child(argv: list[str]) -> None:
    name, folder, *rest = argv
    if name == "prepare":
        result = _prepare(folder, int(rest[0]))
    elif name == "decide":
        result = _decide(folder, int(rest[0]), rest[1])
    else:
        result = _render(folder)
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def _run(*args: str) -> dict:
    output = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True)
    if output.returncode:
        sys.exit(f"{args[0]} failed:\n{output.stderr}")
    return json.loads(output.stdout.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--domains", type=int, default=1_000_000)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return _child(args.child)
    with tempfile.TemporaryDirectory() as folder:
        prepared = _run("prepare", folder, str(args.entries))
        print(f"add_entries: {args.entries:,} domains in {prepared['add_entries_s']:.2f} s "
              f"({prepared['add_per_s']:,.0f}/s); {args.entries // 10:,} moved in {prepared['move_s']:.2f} s; "
              f"peak {prepared['peak_rss_mb']:.0f} MB")
        for how in ("vectorized", "duckdb", "python-loop"):
            result = _run("decide", folder, str(args.domains), how)
            print(f"decide {args.domains:,} domains, {how:<11}: {result['decide_s']:.2f} s "
                  f"({result['domains_per_s']:,.0f}/s), {result['decided']:,} decided; load_decisions "
                  f"{result['load_s']:.2f} s; peak {result['peak_rss_mb']:.0f} MB")
        rendered = _run("render", folder)
        print(f"disavow render: {rendered['render_s']:.2f} s ({rendered['entries_per_s']:,.0f} entries/s), "
              f"{rendered['lines']:,} lines, {rendered['bytes']:,} bytes, comments: {rendered['comments']}; "
              f"peak {rendered['peak_rss_mb']:.0f} MB")


if __name__ == "__main__":
    main()
