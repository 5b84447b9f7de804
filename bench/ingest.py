#!/usr/bin/env python3
"""Ingestion speed: linkatlas vs warcio + BeautifulSoup, side by side, one core each.

    .venv/bin/pip install -e '.[bench]' && .venv/bin/python bench/ingest.py [--scale 8] [--real-scale 1]
        [--quick] [--repeat N]

Inputs (each line of the report also gives its HTML bytes per <a href>, as link density drives MB/s):

- articles: the 181 real article pages of ../shared/data/article-extraction-benchmark-html/,
  wrapped into a WARC (mean 174 KB a page, one <a href> per ~1,228 bytes; 30 % inline script,
  26 % style, 4 % inline SVG);
- lean web: the generated sample web (`generate(7, scale=...)`) as the test suite has it, its own
  markup only: ~7 KB pages, one link per ~180 bytes. Two sizes, --scale/4 and --scale, to show
  memory stays flat as the input grows;
- real-weight web: the same web generated with `page_weight="real"`: every HTML page also
  carries the inline scripts, styles, SVG, comments and wrapper markup of real pages, calibrated
  to the article corpus's bytes per <a href> and script/style/svg/comment shares (same links and
  text as the lean web); --real-scale 1 gives ~210 MB of HTML. Closer to what a crawl of the real
  web looks like to the parser, though with about three times the articles' external links per MB
  (it is a backlink test web).

Each run is a fresh subprocess pinned to one CPU. Memory is its resident set, sampled every
50 ms: the median shows whether it grows with the input; the peak includes DuckDB's periodic
checkpoints (short spikes of a few tens of MB, bounded by --memory-limit).

- linkatlas: `linkatlas.ingest.ingest` end to end — FastWARC read, HTTP decoding, lexbor
  parse, link extraction (anchor, rel, type, placement, hidden, context), page facts, the main
  text's word count, simhash and top terms (computed for 256 KiB of text at a time in NumPy), and
  the Arrow/DuckDB write of fetches and links.
- baseline: the same extraction the classic way — warcio's ArchiveIterator + BeautifulSoup
  (lxml parser): every a/area/iframe/form link resolved with urljoin, internal/external split,
  anchor text, image alt, rel flags, placement and hidden by walking the ancestors, a context
  from the parent's text, and page facts (title, robots, generator, analytics ids, main-text
  word count). Rows are kept in Python lists, not stored, and the baseline computes no registrable
  domains, URL normalization, main-text simhash, top terms, mailto addresses, canonical, lang or
  boilerplate removal by class/id — all of which flatters it.

With --repeat N the two pipelines take turns, N runs each, and each keeps its fastest: the shared
host's speed drifts by tens of percent within minutes, and taking turns makes a drift slow both.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT.parent / "shared" / "data" / "article-extraction-benchmark-html"


def pin_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


_A_HREF = re.compile(rb"<a\b[^>]*\bhref", re.IGNORECASE)


def html_bytes(folder: Path) -> tuple[int, int, int]:
    """(HTML payload bytes of 2xx HTML responses, number of such responses, ``<a href`` in them)
    in a WARC folder."""
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    total = pages = links = 0
    for path in sorted(folder.glob("*.warc*")):
        with open(path, "rb") as handle:
            for record in ArchiveIterator(handle, record_types=WarcRecordType.response, parse_http=True):
                status = record.http_headers.status_code or 0
                if 200 <= status < 300 and "html" in (record.http_content_type or ""):
                    body = record.reader.read()
                    total += len(body)
                    links += len(_A_HREF.findall(body))
                    pages += 1
    return total, pages, links


# --- the two pipelines, each run in its own pinned subprocess -------------------------------

def run_linkatlas(folder: str) -> dict:
    from linkatlas.extract.html import extract_page
    from linkatlas.index.store import open_index
    from linkatlas.ingest import RowBatch, ingest

    # Warm-up, as the baseline's imports are done before its clock starts: the PSL is loaded on
    # first use, and pyarrow imports pandas (when installed, as the bench extra does) on its first array.
    extract_page(b"<a href='https://example.org/'>warm-up</a>", "https://example.com/")
    RowBatch().tables()
    db = Path(tempfile.mkdtemp()) / "bench.duckdb"
    with open_index(db, memory_limit="128MB") as index:  # as `linkatlas ingest` does by default
        index.sql("SET threads = 1")
        started = time.perf_counter()
        summary = ingest(index, [folder], progress=False)
        seconds = time.perf_counter() - started
    db_mb = db.stat().st_size / 1e6
    shutil.rmtree(db.parent, ignore_errors=True)
    return {"seconds": seconds, "links": summary.links, "pages": summary.pages, "errors": summary.errors,
            "db_mb": db_mb}


_BASELINE_WORDS = {
    "comment": ("comment", "reply", "disqus", "signature"), "sidebar": ("sidebar", "widget", "blogroll"),
    "nav": ("nav", "menu", "breadcrumb"), "footer": ("footer", "colophon"), "header": ("header", "masthead"),
}
_BASELINE_TAGS = {"nav": "nav", "aside": "sidebar", "header": "header", "footer": "footer"}


def _baseline_placement(tag) -> str:
    for parent in tag.parents:
        if parent.name in _BASELINE_TAGS:
            return _BASELINE_TAGS[parent.name]
        names = " ".join(parent.get("class") or []) + " " + (parent.get("id") or "")
        names = names.lower()
        for placement, words in _BASELINE_WORDS.items():
            if any(word in names for word in words):
                return placement
    return "content"


def _baseline_hidden(tag) -> bool:
    for node in [tag, *tag.parents]:
        style = (node.get("style") or "").replace(" ", "").lower() if hasattr(node, "get") else ""
        if node.has_attr("hidden") if hasattr(node, "has_attr") else False:
            return True
        if "display:none" in style or "visibility:hidden" in style or "font-size:0" in style:
            return True
    return False


def run_baseline(folder: str) -> dict:
    """The same extraction the classic way: warcio + BeautifulSoup (lxml), urljoin, Python walks."""
    import re
    from urllib.parse import urljoin, urlsplit

    from bs4 import BeautifulSoup
    from warcio.archiveiterator import ArchiveIterator

    analytics = re.compile(rb"UA-\d{4,10}-\d{1,4}|GTM-[A-Z0-9]{4,9}|ca-pub-\d{10,20}")
    BeautifulSoup("<a href='https://example.org/'>warm-up</a>", "lxml").find_all("a")
    links, pages = [], []
    started = time.perf_counter()
    for path in sorted(Path(folder).glob("*.warc*")):
        with open(path, "rb") as handle:
            for record in ArchiveIterator(handle):
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                status = int(record.http_headers.get_statuscode() or 0)
                if not (200 <= status < 300 and "html" in (record.http_headers.get_header("Content-Type") or "")):
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI")
                body = record.content_stream().read()
                soup = BeautifulSoup(body, "lxml")
                base = soup.find("base", href=True)
                base_url = urljoin(url, base["href"]) if base else url
                source_host = urlsplit(url).hostname or ""
                internal = external = 0
                for anchor in soup.find_all(["a", "area", "iframe", "form"]):
                    href = anchor.get("href") or anchor.get("src") or anchor.get("action")
                    if not href:
                        continue
                    target = urljoin(base_url, href.strip()).split("#")[0]
                    if not target.startswith(("http://", "https://")):
                        continue
                    if (urlsplit(target).hostname or "") == source_host:
                        internal += 1
                        continue
                    external += 1
                    rel = {token.lower() for token in (anchor.get("rel") or [])}
                    text = " ".join(anchor.get_text().split())
                    image = anchor.find("img")
                    alt = image.get("alt", "") if image is not None else ""
                    context = " ".join(anchor.parent.get_text(" ").split())[:240] if anchor.parent else ""
                    links.append((url, target, text or alt, alt, "nofollow" in rel, "ugc" in rel, "sponsored" in rel,
                                  "image" if image is not None and not text else anchor.name,
                                  _baseline_placement(anchor), _baseline_hidden(anchor), context))
                title = soup.title.get_text() if soup.title else None
                robots = [m.get("content") for m in soup.find_all("meta", attrs={"name": "robots"})]
                generator = soup.find("meta", attrs={"name": "generator"})
                for junk in soup(["script", "style", "nav", "header", "footer", "aside"]):
                    junk.decompose()
                words = len((soup.body or soup).get_text(" ").split())
                pages.append((url, title, robots, generator.get("content") if generator else None,
                              sorted(set(analytics.findall(body))), words, internal, external))
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "links": len(links), "pages": len(pages)}


def child(kind: str, folder: str) -> None:
    pin_one_core()
    samples: list[float] = []
    done = threading.Event()

    def sample() -> None:  # resident memory every 50 ms: its median shows whether it grows
        page = os.sysconf("SC_PAGE_SIZE")
        while not done.wait(0.05):
            with open("/proc/self/statm") as statm:
                samples.append(int(statm.read().split()[1]) * page / 2**20)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    result = run_linkatlas(folder) if kind == "linkatlas" else run_baseline(folder)
    done.set()
    result["peak_rss_mb"] = peak_rss_mb()
    result["median_rss_mb"] = sorted(samples)[len(samples) // 2] if samples else result["peak_rss_mb"]
    print(json.dumps(result))


def measure(kinds: list[str], folder: Path, repeat: int = 1) -> list[dict]:
    """Run each pipeline in ``repeat`` fresh processes, taking turns (a drift in the shared host's
    speed then slows both alike); keep each one's fastest run."""
    runs: dict[str, list[dict]] = {kind: [] for kind in kinds}
    for _ in range(repeat):
        for kind in kinds:
            output = subprocess.run([sys.executable, __file__, "--child", kind, str(folder)], capture_output=True,
                                    text=True, check=True)
            runs[kind].append(json.loads(output.stdout.strip().splitlines()[-1]))
    return [min(runs[kind], key=lambda run: run["seconds"]) for kind in kinds]


# --- inputs ----------------------------------------------------------------------------------

def articles_warc(folder: Path) -> Path:
    from linkatlas.sources.warcwriter import WarcWriter

    urls = {row["id"]: row["url"] for row in csv.DictReader(open(ARTICLES / "urls.tsv"), delimiter="\t")}
    folder.mkdir(parents=True, exist_ok=True)
    when = datetime(2026, 1, 1, tzinfo=timezone.utc)
    with WarcWriter(folder / "articles.warc.gz") as writer:
        for path in sorted((ARTICLES / "html").glob("*.html.gz")):
            key = path.name.split(".")[0]
            body = gzip.decompress(path.read_bytes())
            writer.write_response(urls.get(key, f"https://example.org/{key}"), when, ip="192.0.2.1", status=200,
                                  reason="OK", headers=[("Content-Type", "text/html; charset=utf-8")], body=body)
    return folder


def generated_warc(folder: Path, scale: float, page_weight: str = "lean") -> Path:
    code = ("import sys; from linkatlas.sample import generate, write_warcs; "
            "write_warcs(generate(7, scale=float(sys.argv[1]), page_weight=sys.argv[3]), sys.argv[2])")
    subprocess.run([sys.executable, "-c", code, str(scale), str(folder), page_weight], check=True)
    return folder


def report(name: str, folder: Path, with_baseline: bool, repeat: int = 1) -> None:
    size, pages, links = html_bytes(folder)
    mb = size / 1e6
    best = f", best of {repeat} runs each" if repeat > 1 else ""
    print(f"\n{name}: {pages:,} HTML pages, {mb:,.1f} MB of HTML, mean {size / max(pages, 1) / 1e3:,.1f} KB a page, "
          f"{size / max(links, 1):,.0f} bytes per <a href>{best}")
    print(f"  {'pipeline':<26}{'seconds':>9}{'HTML MB/s':>11}{'links':>10}{'links/s':>10}"
          f"{'RSS MB median':>15}{'peak':>6}")
    results = measure(["linkatlas", "baseline"] if with_baseline else ["linkatlas"], folder, repeat)
    ours = results[0]
    rows = [("linkatlas ingest (stored)", ours)]
    if with_baseline:
        rows.append(("warcio + BeautifulSoup", results[1]))
    for label, result in rows:
        print(f"  {label:<26}{result['seconds']:>9.2f}{mb / result['seconds']:>11.1f}{result['links']:>10,}"
              f"{result['links'] / result['seconds']:>10,.0f}{result['median_rss_mb']:>15.0f}"
              f"{result['peak_rss_mb']:>6.0f}")
    if with_baseline:
        print(f"  speed-up: {rows[1][1]['seconds'] / ours['seconds']:.1f}x  (the baseline's link count differs: it "
              f"splits internal/external by host, linkatlas by registrable domain)")
    return ours


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=8.0, help="sample web scale of the big input (8 ≈ 200 MB HTML)")
    parser.add_argument("--real-scale", type=float, default=1.0,
                        help="sample web scale of the real-weight input (1 ≈ 210 MB HTML)")
    parser.add_argument("--quick", action="store_true", help="small inputs only (smoke run)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="best of N fresh runs on the generated inputs too (the articles: best of max(3, N))")
    parser.add_argument("--keep-inputs", action="store_true", help="keep the generated WARC files (else removed)")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    work = Path(tempfile.mkdtemp(prefix="linkatlas-bench-"))
    try:
        run_all(args, work)
    finally:
        if not args.keep_inputs:
            shutil.rmtree(work, ignore_errors=True)


def run_all(args: argparse.Namespace, work: Path) -> None:
    print(f"linkatlas ingest benchmark — one core per pipeline, inputs in {work}")
    print(f"load average at start: {load_average()} (the machine's {os.cpu_count()} cores are shared)")
    report("Article benchmark (181 real pages)", articles_warc(work / "articles"), with_baseline=True,
           repeat=max(3, args.repeat))
    small = 0.5 if args.quick else args.scale / 4
    report(f"Lean sample web (its own markup only), scale {small:g}", generated_warc(work / "small", small),
           with_baseline=args.quick, repeat=args.repeat)
    if not args.quick:
        report(f"Lean sample web (its own markup only), scale {args.scale:g}", generated_warc(work / "big", args.scale),
               with_baseline=True, repeat=args.repeat)
    heavy = 0.1 if args.quick else args.real_scale
    report(f"Real-weight sample web (page_weight='real': real pages' scripts, styles, SVG), scale {heavy:g}",
           generated_warc(work / "real", heavy, "real"), with_baseline=True, repeat=args.repeat)
    print(f"\nload average at end: {load_average()}")


if __name__ == "__main__":
    main()
