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
  the Arrow/DuckDB write of fetches and links; the clock starts once the index file is created
  and stops once it is closed (its last checkpoint written).
- baseline: the same extraction the classic way — warcio's ArchiveIterator + BeautifulSoup
  (lxml parser, the HTTP charset passed on): every a/area/iframe/frame/form link resolved with
  urljoin and normalized with w3lib's canonicalize_url, registrable domains with tldextract (its
  bundled suffix list) for the internal/external split, anchor text, image alt, rel flags,
  placement and hidden by walking the ancestors, a context from the parent's text, redirect and
  meta refresh links; page facts (title, lang, canonical, robots, generator, X-Robots-Tag,
  analytics ids, mailto addresses); the main text (<main>, else a lone <article>, else <body>,
  without scripts, styles, forms, nav/header/footer/aside and the containers with the
  boilerplate class/id names) with its word count, simhash (the simhash package, over the same
  three-word shingles) and top terms (Counter, same stop words). Its rows are kept in Python
  lists, not stored, which flatters it. The report also gives the seconds it spent on the
  facts beyond the links (registrable domains and URL normalization, lang, canonical, refresh,
  mailto, boilerplate removal by class/id, simhash and top terms): the baseline of earlier
  versions of this script skipped them.

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

from linkatlas.extract.html import _BOILERPLATE_NAMES, _NOT_MAIN_TEXT, refresh_href  # the baseline's same rules

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
        started = time.perf_counter()  # after creating the file (DuckDB: ~40 ms whatever the input) ...
        summary = ingest(index, [folder], progress=False)
    seconds = time.perf_counter() - started  # ... and once the index is closed (its last checkpoint written)
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


_BOILERPLATE = frozenset(_BOILERPLATE_NAMES)


def _is_boilerplate(tag) -> bool:
    """A container linkatlas drops from the main text by its class or id (the same names)."""
    return bool(_BOILERPLATE.intersection(tag.get("class") or ())) or tag.get("id") in _BOILERPLATE


class _Clock:
    """Seconds spent in the parts of the baseline that only match what linkatlas also does beyond
    the links themselves (reported apart, so the cost of each share is visible)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.started = 0.0
        self.depth = 0  # nested uses count once

    def __enter__(self) -> None:
        self.depth += 1
        if self.depth == 1:
            self.started = time.perf_counter()

    def __exit__(self, *_) -> None:
        self.depth -= 1
        if self.depth == 0:
            self.seconds += time.perf_counter() - self.started


def run_baseline(folder: str) -> dict:
    """The same extraction the classic way: warcio + BeautifulSoup (lxml), urljoin, w3lib's
    canonicalize_url, tldextract (its bundled suffix list), simhash, Counter, Python walks."""
    import re
    from collections import Counter
    from urllib.parse import urljoin

    import tldextract
    from bs4 import BeautifulSoup
    from simhash import Simhash
    from w3lib.url import canonicalize_url
    from warcio.archiveiterator import ArchiveIterator

    from linkatlas.extract.terms import STOP_WORDS, TERMS_PER_PAGE

    analytics = re.compile(rb"UA-\d{4,10}-\d{1,4}|GTM-[A-Z0-9]{4,9}|ca-pub-\d{10,20}")
    google_tag = re.compile(rb"G-[A-Z0-9]{6,12}")
    mailto = re.compile(rb"mailto:([^\s\"'<>?]{1,64}@[^\s\"'<>?]+)", re.IGNORECASE)
    charset = re.compile(r"charset=[\"']?([\w.:-]+)", re.IGNORECASE)
    term = re.compile(r"[^\W\d_]{3,}")
    word = re.compile(r"\w+")
    extras = _Clock()  # URL normalization, registrable domains, lang, canonical, refresh, mailto, boilerplate, simhash, terms
    extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)

    def registrable(url: str) -> str:
        parts = extract(url)
        return parts.top_domain_under_public_suffix or parts.domain

    def target_of(base: str, href: str) -> str | None:
        joined = urljoin(base, href.strip())
        with extras:
            target = canonicalize_url(joined)  # fragment dropped, IDN to punycode
        return target if target.startswith(("http://", "https://")) else None

    BeautifulSoup("<a href='https://example.org/'>warm-up</a>", "lxml").find_all("a")
    registrable("https://www.example.co.uk/")
    fetches, links, pages = [], [], []
    started = time.perf_counter()
    for path in sorted(Path(folder).glob("*.warc*")):
        with open(path, "rb") as handle:
            for record in ArchiveIterator(handle):
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI")
                status = int(record.http_headers.get_statuscode() or 0)
                content_type = record.http_headers.get_header("Content-Type") or ""
                fetches.append((url, status, content_type, record.rec_headers.get_header("WARC-Date"),
                                record.rec_headers.get_header("WARC-IP-Address")))
                location = record.http_headers.get_header("Location")
                if 300 <= status < 400 and location:
                    with extras:
                        target = target_of(url, location)
                        if target:
                            links.append((url, target, registrable(target), "redirect"))
                    continue
                if not (200 <= status < 300 and "html" in content_type):
                    continue
                body = record.content_stream().read()
                declared = charset.search(content_type)
                soup = BeautifulSoup(body, "lxml", from_encoding=declared.group(1) if declared else None)
                base = soup.find("base", href=True)
                base_url = urljoin(url, base["href"]) if base else url
                with extras:
                    source_domain = registrable(url)
                    canonical = soup.find("link", rel="canonical", href=True)
                    canonical = target_of(base_url, canonical["href"]) if canonical else None
                    lang = soup.html.get("lang") if soup.html else None
                    refresh = [
                        href for meta in soup.find_all("meta", attrs={"http-equiv": True, "content": True})
                        if meta["http-equiv"].strip().lower() == "refresh" and (href := refresh_href(meta["content"]))
                    ]
                    for href in refresh:
                        target = target_of(base_url, href)
                        if target:
                            links.append((url, target, registrable(target), "refresh"))
                    emails = sorted({address.decode("utf-8", "replace").lower() for address in mailto.findall(body)})
                internal = external = 0
                for ordinal, anchor in enumerate(soup.find_all(["a", "area", "iframe", "frame", "form"])):
                    href = anchor.get("action" if anchor.name == "form" else "src" if anchor.name in ("iframe", "frame")
                                      else "href")
                    if not href:
                        continue
                    target = target_of(base_url, href)
                    if target is None:
                        continue
                    with extras:
                        domain = registrable(target)
                    if domain == source_domain:
                        internal += 1
                        continue
                    external += 1
                    rel = {token.lower() for token in (anchor.get("rel") or [])}
                    text = " ".join(anchor.get_text().split())
                    image = anchor.find("img")
                    alt = " ".join((image.get("alt") or "").split()) if image is not None else ""
                    context = " ".join(anchor.parent.get_text(" ").split())[:240] if anchor.parent else ""
                    links.append((url, target, domain, text or alt, alt, "nofollow" in rel, "ugc" in rel,
                                  "sponsored" in rel, "image" if image is not None and not text else anchor.name,
                                  _baseline_placement(anchor), _baseline_hidden(anchor), context, ordinal))
                title = soup.title.get_text() if soup.title else None
                robots = [m.get("content") for m in soup.find_all("meta", attrs={"name": ["robots", "googlebot"]})]
                generator = soup.find("meta", attrs={"name": "generator"})
                ids = set(analytics.findall(body))
                with extras:
                    if b"gtag" in body or b"googletagmanager" in body:
                        ids.update(google_tag.findall(body))
                    root = soup.find("main") or soup.find(attrs={"role": "main"})
                    if root is None:
                        articles = soup.find_all("article")
                        root = articles[0] if len(articles) == 1 else None
                for junk in soup(_NOT_MAIN_TEXT):
                    junk.decompose()
                if root is None or root.decomposed:
                    root = soup.body or soup
                with extras:
                    for junk in root.find_all(_is_boilerplate):
                        junk.decompose()
                text = root.get_text(" ")
                words = len(text.split())
                with extras:
                    lowered = text.lower()
                    tokens = word.findall(lowered)
                    shingles = [" ".join(tokens[i:i + 3]) for i in range(len(tokens) - 2)]
                    fingerprint = Simhash(shingles).value if shingles else None
                    terms = Counter(w for w in term.findall(lowered[:32768]) if w not in STOP_WORDS)
                    top = [w for w, _ in terms.most_common(TERMS_PER_PAGE)]
                pages.append((url, title, lang, canonical, robots, generator.get("content") if generator else None,
                              record.http_headers.get_header("X-Robots-Tag"), sorted(ids), emails, words, fingerprint,
                              top, internal, external))
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "links": len(links), "pages": len(pages), "extras_seconds": extras.seconds}

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
        baseline = rows[1][1]
        print(f"  speed-up: {baseline['seconds'] / ours['seconds']:.1f}x  (the baseline spent "
              f"{baseline['extras_seconds']:.2f} s of its {baseline['seconds']:.2f} s on URL normalization, registrable "
              f"domains, lang, canonical, refresh, mailto, boilerplate by class/id, simhash and top terms; "
              f"without them: {(baseline['seconds'] - baseline['extras_seconds']) / ours['seconds']:.1f}x)")
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
