#!/usr/bin/env python3
"""Import speed: `linkatlas import` vs a plain `pandas.read_csv` of the same Ahrefs export.

    .venv/bin/pip install -e '.[bench]' && .venv/bin/python bench/import.py [--rows 1000000] [--quick]

The input is a generated Ahrefs Site Explorer Backlinks export as Ahrefs writes it: UTF-16 LE
with a BOM, TAB-separated, every field quoted, the full current header (37 columns), seeded
made-up rows (40 k referring domains, 100 target pages, a few contexts with tabs and quotes).

- linkatlas: `linkatlas.sources.imports.import_files` end to end into a fresh DuckDB file —
  sniffing, UTF-16 → UTF-8 transcoding (ASCII chunks through NumPy) and pyarrow CSV parsing (a
  background thread), URL normalization and registrable domains in Arrow and NumPy (another
  thread; only URLs not already canonical reach Python), typed conversion and the insert (DuckDB
  in one thread pulls the batches as an Arrow stream, a few row groups per transaction), with
  `--memory-limit` 256MB as the CLI.
- pandas: `pandas.read_csv(path, sep="\\t", encoding="utf-16")` — parsing only; nothing
  normalized, converted or stored, which flatters it.

Each run is a fresh child process; peak memory is its maximum resident set (ru_maxrss).
Both may use the machine's cores (linkatlas reads, prepares and stores in three threads; pandas
uses one). On a shared machine the figures move with the other jobs: the `load` column is the
1-minute load average when each run started, and `CPU s` (the child's user + system time for the
timed part) moves less with it than the seconds do; run the benchmark a few times.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADER = [h.strip() for h in (
    "Referring page title, Referring page URL, Language, Platform, Referring page HTTP code, Domain rating, UR, "
    "Domain traffic, Referring domains, Linked domains, External links, Page traffic, Keywords, Target URL, "
    "Left context, Anchor, Right context, Redirect Chain URLs, Redirect Chain status codes, Type, Is spam, Content, "
    "Nofollow, UGC, Sponsored, Rendered, Raw, Lost status, Drop reason, Discovered status, First seen, Last seen, "
    "Lost, Author, Page type, Page category, Links in group").split(",")]
WORDS = "link best review guide shoes running blog news top cheap free how why shop deal post list".split()


def _quoted(cells) -> str:
    return "\t".join('"' + str(c).replace('"', '""') + '"' for c in cells)


def generate(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    domains = [f"{rng.choice(WORDS)}{i}.{rng.choice(['com', 'org', 'net', 'co.uk', 'de', 'blogspot.com'])}"
               for i in range(40_000)]
    targets = [f"https://www.example.com/{rng.choice(WORDS)}/{i}" for i in range(100)]
    with open(path, "wb") as handle:
        handle.write(b"\xff\xfe")
        lines = [_quoted(HEADER)]
        for i in range(rows):
            domain = rng.choice(domains)
            words = " ".join(rng.choices(WORDS, k=4))
            lines.append(_quoted([
                words.title(), f"https://{'www.' if i % 3 else 'blog.'}{domain}/{words.replace(' ', '-')}/{i}",
                "en", "cms", "200", rng.randint(0, 95), rng.randint(0, 60), rng.randint(0, 10**6),
                rng.randint(0, 5000), rng.randint(0, 500), rng.randint(0, 300), rng.randint(0, 9000),
                rng.randint(0, 400), rng.choice(targets), f"read the {words}", rng.choice(WORDS),
                'and "more"\there' if i % 50 == 0 else "for more", "", "", rng.choice(["text", "image", "redirect"]),
                "false", "true", rng.choice(["true", "false", "false"]), "false", "false", "true", "true", "", "", "",
                f"2023-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} {rng.randint(0, 23):02d}:{i % 60:02d}:00",
                f"2024-04-{rng.randint(1, 28):02d} 00:00:00", "", "", "blog", "", "1",
            ]))
            if len(lines) >= 20_000:
                handle.write(("\n".join(lines) + "\n").encode("utf-16-le"))
                lines = []
        if lines:
            handle.write(("\n".join(lines) + "\n").encode("utf-16-le"))


def run_linkatlas(path: str) -> dict:
    from linkatlas.index.store import open_index
    from linkatlas.sources.imports import import_files

    db = Path(tempfile.mkdtemp()) / "bench.duckdb"
    with open_index(db, memory_limit="256MB") as index:
        started, cpu = time.perf_counter(), _cpu_seconds()
        summary = import_files(index, [path], progress=False)
        seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    return {"seconds": seconds, "cpu": cpu, "rows": summary.rows, "errors": summary.errors,
            "db_mb": db.stat().st_size / 1e6}


def run_pandas(path: str) -> dict:
    import pandas

    started, cpu = time.perf_counter(), _cpu_seconds()
    frame = pandas.read_csv(path, sep="\t", encoding="utf-16", dtype=str, keep_default_na=False)
    seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    return {"seconds": seconds, "cpu": cpu, "rows": len(frame), "errors": 0}


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def child(kind: str, path: str) -> None:
    result = (run_linkatlas if kind == "linkatlas" else run_pandas)(path)
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def measure(kind: str, path: Path) -> dict:
    output = subprocess.run([sys.executable, __file__, "--child", kind, str(path)], capture_output=True, text=True)
    if output.returncode:
        raise SystemExit(f"{kind} failed:\n{output.stderr}")
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="smoke run: 50,000 rows")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    rows = 50_000 if args.quick else args.rows
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "example.com-backlinks-subdomains_2024-04-22.csv"
        started = time.perf_counter()
        generate(path, rows)
        size = path.stat().st_size
        print(f"Ahrefs Backlinks export: {rows:,} rows, {size / 2**20:,.0f} MiB UTF-16 "
              f"(generated in {time.perf_counter() - started:.0f} s)")
        print(f"{'':<34}{'seconds':>9}{'rows/s':>12}{'MB/s':>8}{'CPU s':>7}{'peak RSS MB':>13}{'load':>7}")
        for kind, label in (("linkatlas", "linkatlas import (parse+store)"), ("pandas", "pandas.read_csv (parse only)")):
            load = os.getloadavg()[0]
            result = measure(kind, path)
            if result["rows"] != rows or result["errors"]:
                raise SystemExit(f"{kind}: read {result['rows']} rows with {result['errors']} errors, expected {rows}")
            print(f"{label:<34}{result['seconds']:>9.1f}{rows / result['seconds']:>12,.0f}"
                  f"{size / 2**20 / result['seconds']:>8.0f}{result['cpu']:>7.1f}{result['peak_rss_mb']:>13.0f}"
                  f"{load:>7.1f}")


if __name__ == "__main__":
    main()
