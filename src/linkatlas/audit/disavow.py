"""Google disavow files: read an existing one, write a project's (DESIGN §3, FORMATS.md "Disavow file").

The format: UTF-8 (or 7-bit ASCII) text, one entry a line — ``domain:example.com`` (the domain
and its subdomains) or a full URL — ``#`` comment lines and blank lines; at most 100,000 lines
(comments and blanks count), 2 MB, URLs at most 2,048 characters. A new upload replaces the
old file, so :func:`render` merges with an existing one.

Reading (:func:`parse_disavow`, :func:`read_disavow`) tolerates a UTF-8 BOM, a UTF-16 file with
a BOM, CRLF / CR / LF line ends, ``DOMAIN:`` in any case and surrounding whitespace; every
line it cannot use is a :class:`BadLine` with its number and the problem, never dropped
silently. With ``bare_domains`` (``linkatlas list import``) a line holding just a domain is
an entry too.

Writing (:func:`render`): the entries of the merged file first, as they were, with their
comments; then the project's disavow list, each entry after a ``#`` comment with its note,
date and author; then candidates the caller passes (the audit's toxic domains), each after
its reason. On the way:

- a whitelisted domain or URL never appears: its line is replaced by a comment saying so
  (a ``domain:`` line is whitelisted when it names, contains or lies under a whitelisted
  domain);
- duplicates are written once; a URL (or a narrower ``domain:``) already covered by a
  ``domain:`` line is dropped with a comment;
- a URL longer than 2,048 characters is skipped with a warning;
- when the result would break the limits, the per-entry comments go first, then every
  comment but the header; if it still does not fit, :class:`DisavowLimitError` names the limit.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

from linkatlas.audit.lists import (Decisions, load_decisions, normalize_domain, normalize_page_url, plain_text,
                                   safe_chars)
from linkatlas.errors import InputError, LinkatlasError
from linkatlas.extract.domains import normalize_host
from linkatlas.extract.urls import url_host
from linkatlas.index.store import Index
from linkatlas.metrics.target import Target

__all__ = ["MAX_LINES", "MAX_BYTES", "MAX_URL_LENGTH", "Line", "BadLine", "DisavowFile", "DisavowResult",
           "DisavowLimitError", "parse_disavow", "read_disavow", "render", "disavow_file", "write_atomically"]

MAX_LINES = 100_000
MAX_BYTES = 2_000_000  # "2 MB", read as the stricter decimal megabyte
MAX_URL_LENGTH = 2048
MAX_INPUT_BYTES = 64 * 1024 * 1024  # a file to merge or import (Google's own limit is 2 MB)
_LINE_BREAKS = re.compile(rb"\r\n|\r|\n")
_HOST_TEXT = re.compile(r"[^\s/?#@:\\\"'<>]+")


class DisavowLimitError(LinkatlasError):
    """The disavow file cannot be made to fit Google's limits."""


@dataclass(frozen=True)
class Line:
    number: int  # 1-based line number in the file read
    kind: str  # domain, url, comment, blank
    value: str  # the host of a domain: line, the normalized URL, the comment's text after '#', ''


@dataclass(frozen=True)
class BadLine:
    number: int
    text: str  # the line, made printable and cut at 80 characters
    problem: str

    def describe(self, name: str) -> str:
        return f"{name}:{self.number}: {self.problem}: {self.text!r}"


@dataclass
class DisavowFile:
    name: str
    lines: list[Line] = field(default_factory=list)  # the usable lines, in order
    bad: list[BadLine] = field(default_factory=list)  # lines that are not entries, comments or blank
    long_urls: list[BadLine] = field(default_factory=list)  # URLs over 2,048 characters, skipped
    encoding: str = "utf-8"
    total_lines: int = 0

    @property
    def entries(self) -> list[Line]:
        return [line for line in self.lines if line.kind in ("domain", "url")]


# --- reading ----------------------------------------------------------------------------


def read_disavow(path: str | os.PathLike, *, bare_domains: bool = False) -> DisavowFile:
    """Read a disavow (or list) file; InputError for a file that is missing, too big or binary."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise InputError(str(path), f"{size:,} bytes is too big for a disavow or list file",
                             "Google accepts at most 2 MB; split the list")
        data = path.read_bytes()
    except OSError as error:
        raise InputError(str(path), f"cannot read it ({error.strerror or error})", "check the path") from None
    parsed = parse_disavow(data, str(path), bare_domains=bare_domains)
    if parsed.bad and not parsed.entries:  # e.g. a CSV export passed by mistake
        first = parsed.bad[0]
        raise InputError(str(path), f"not a disavow or list file: none of its lines is a domain or a URL "
                                    f"(line {first.number}: {first.text!r})",
                         "give a .txt file with one domain:example.com or URL per line")
    return parsed


def parse_disavow(data: bytes, name: str = "<disavow>", *, bare_domains: bool = False) -> DisavowFile:
    """Parse the bytes of a disavow file; see the module docstring for what is accepted."""
    parsed = DisavowFile(name)
    for number, raw in enumerate(_raw_lines(data, parsed), start=1):
        parsed.total_lines = number
        if isinstance(raw, bytes):
            parsed.bad.append(BadLine(number, plain_text(raw.decode("utf-8", "replace"), 80),
                                      "not UTF-8 text (save the file as UTF-8)"))
            continue
        line, problem = _classify(number, raw.strip(), bare_domains)
        if line is not None:
            parsed.lines.append(line)
        elif problem == "long":
            parsed.long_urls.append(BadLine(number, plain_text(raw, 80),
                                            f"URL longer than {MAX_URL_LENGTH:,} characters (Google's limit)"))
        else:
            parsed.bad.append(BadLine(number, plain_text(raw, 80), problem))
    return parsed


def _raw_lines(data: bytes, parsed: DisavowFile) -> Iterable[str | bytes]:
    """The file's lines as text; bytes for a line that is not UTF-8."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        parsed.encoding = "utf-16"
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError(parsed.name, "has a UTF-16 byte order mark but is not UTF-16 text",
                             "save it as UTF-8") from None
        data = text.encode("utf-8")
    elif data.startswith(b"\xef\xbb\xbf"):
        parsed.encoding = "utf-8-sig"
        data = data[3:]
    if b"\x00" in data:
        raise InputError(parsed.name, "is not a text file (it holds NUL bytes)",
                         "give a .txt file with one domain: line or URL per line, saved as UTF-8")
    chunks = _LINE_BREAKS.split(data)
    if chunks and chunks[-1] == b"":
        chunks.pop()  # the line end of the last line
    for chunk in chunks:
        try:
            yield chunk.decode("utf-8")
        except UnicodeDecodeError:
            yield chunk


def _classify(number: int, text: str, bare_domains: bool) -> tuple[Line | None, str]:
    if not text:
        return Line(number, "blank", ""), ""
    if text.startswith("#"):
        return Line(number, "comment", text[1:]), ""
    if text[:7].lower() == "domain:":
        host = _host(text[7:].strip())
        if host is None:
            return None, "domain: needs a host name, as in domain:spam.com"
        return Line(number, "domain", host), ""
    if text[:8].lower().startswith(("http://", "https://")):
        if any(char.isspace() for char in text):
            return None, "a URL cannot hold spaces (put notes on # comment lines)"
        url = normalize_page_url(text)
        if url is None:
            return None, "not a valid http(s) URL"
        if len(url) > MAX_URL_LENGTH:
            return None, "long"
        return Line(number, "url", url), ""
    host = _host(text)
    if host is not None and bare_domains:
        return Line(number, "domain", host), ""
    hint = f" (write domain:{host})" if host is not None else ""
    return None, f"not a domain: line, a URL or a # comment{hint}"


def _host(text: str) -> str | None:
    if not _HOST_TEXT.fullmatch(text):
        return None
    host = normalize_host(text)
    return host if host and "." in host and not host.startswith(".") else None


# --- writing ----------------------------------------------------------------------------


@dataclass
class DisavowResult:
    text: str
    summary: dict
    warnings: list[str]  # one line each: dropped, skipped, conflicting entries
    bad: list[BadLine]  # unusable lines of the merged file (left out)


@dataclass
class _Out:
    """One line of the file to write; ``tier`` says which fallback drops it (0: never)."""

    text: str
    tier: int  # 0 header and entries, 1 the merged file's comments and blanks, 2 our per-entry comments


# Dropped first when the file would break the limits: our per-entry comments, then every comment.
_TIER_NOTES = {2: "", 1: "per-entry comments dropped to fit Google's limits",
               0: "all comments but the header dropped to fit Google's limits"}


class _Plan:
    """The file being built: the whitelist to keep out, the disavowed domains, the lines and counts."""

    def __init__(self, target: str, decisions: Decisions) -> None:
        self.target = target
        self.white_domains = decisions.values("whitelist", "domain")
        self.white_urls = decisions.values("whitelist", "url")
        self.white_under = {}  # every suffix of a whitelisted domain → that domain
        for white in sorted(self.white_domains, reverse=True):
            labels = white.split(".")
            for start in range(len(labels) - 1):
                self.white_under[".".join(labels[start:])] = white
        self.domains: set[str] = set()  # hosts of the domain: lines to be written
        self.lines: list[_Out] = []
        self.warnings: list[str] = []
        self.counts = dict.fromkeys(("from_merge", "from_list", "from_candidates", "whitelisted_dropped",
                                     "covered_dropped", "duplicates", "long_urls_skipped", "invalid_candidates"), 0)
        self.written_domains: set[str] = set()
        self.written_urls: set[str] = set()

    def whitelisted_domain(self, host: str) -> str | None:
        """The whitelisted domain a ``domain:`` line would touch: one it is, lies under or contains."""
        return _suffix_in(host, self.white_domains) or self.white_under.get(host)

    def whitelisted_url(self, url: str) -> str | None:
        return url if url in self.white_urls else _suffix_in(url_host(url), self.white_domains)

    def covering_domain(self, host: str, *, strict: bool = False) -> str | None:
        """The disavowed domain covering ``host`` (``strict``: other than ``host`` itself)."""
        return _suffix_in(host, self.domains, skip=1 if strict else 0)


def _suffix_in(host: str, names: set[str], skip: int = 0) -> str | None:
    """The first of ``host`` and its parent domains (after ``skip`` labels) found in ``names``."""
    labels = host.split(".")
    for start in range(skip, len(labels) - 1):
        suffix = ".".join(labels[start:])
        if suffix in names:
            return suffix
    return None


def render(decisions: Decisions, *, target: str | None = None, merge: DisavowFile | None = None,
           candidates: Iterable[tuple[str, str]] = (), today: date | None = None) -> DisavowResult:
    """The disavow file of a project: ``merge``'s entries, the disavow list, then ``candidates``
    (``(domain or URL, reason)`` pairs), whitelisted ones left out, within Google's limits."""
    plan = _Plan(target or decisions.project, decisions)
    list_items = _list_items(decisions)
    candidate_items = _candidate_items(plan, candidates)
    merged = merge.lines if merge is not None else []
    hosts = [line.value for line in merged if line.kind == "domain"]
    hosts += [value for scope, value, _ in list_items + candidate_items if scope == "domain"]
    plan.domains = {host for host in hosts if plan.whitelisted_domain(host) is None}
    if merge is not None:
        _add_merged(plan, merge)
    if list_items:
        plan.lines.append(_Out(f"# --- the disavow list of {plan.target}", 2))
    for scope, value, reason in list_items:
        _add_entry(plan, scope, value, reason, "from_list")
    if candidate_items:
        plan.lines.append(_Out("# --- audit candidates", 2))
    for scope, value, reason in candidate_items:
        _add_entry(plan, scope, value, reason, "from_candidates")
    _warn_whitelisted_urls_covered(plan)
    if merge is not None:
        plan.counts["long_urls_skipped"] += len(merge.long_urls)
        plan.warnings += [line.describe(merge.name) + " — skipped" for line in merge.long_urls]
    return _fit(plan, merge, today or datetime.now(timezone.utc).date())


def disavow_file(index: Index, target: str | Target, *, merge: str | os.PathLike | DisavowFile | None = None,
                 candidates: Iterable[tuple[str, str]] = (), today: date | None = None) -> DisavowResult:
    """The disavow file of ``target``'s project from its lists, merged with the file at ``merge``."""
    decisions = load_decisions(index, target)
    merged = merge if isinstance(merge, DisavowFile) or merge is None else read_disavow(merge)
    return render(decisions, merge=merged, candidates=candidates, today=today)


def _list_items(decisions: Decisions) -> list[tuple[str, str, str]]:
    rows = [row for row in decisions.table.to_pylist() if row["kind"] == "disavow"]
    rows.sort(key=lambda row: (row["scope"] != "domain", row["value"]))
    items = []
    for row in rows:
        added = f"disavow list, {row['added_at']:%Y-%m-%d}" + (f", {row['added_by']}" if row["added_by"] else "")
        items.append((row["scope"], row["value"], f"{row['note']} ({added})" if row["note"] else added))
    return items


def _candidate_items(plan: _Plan, candidates: Iterable[tuple[str, str]]) -> list[tuple[str, str, str]]:
    items = []
    for value, reason in candidates:
        text = str(value).strip()
        is_url = text[:8].lower().startswith(("http://", "https://"))
        normalized = normalize_page_url(text) if is_url else normalize_domain(text)
        if normalized is None:
            plan.counts["invalid_candidates"] += 1
            plan.warnings.append(f"candidate {plain_text(text, 80)!r}: not a domain or URL — skipped")
            continue
        items.append(("url" if is_url else "domain", normalized, str(reason or "audit candidate")))
    return items


def _add_merged(plan: _Plan, merge: DisavowFile) -> None:
    plan.lines.append(_Out(f"# --- from {plain_text(Path(merge.name).name, 120)} (kept as it was)", 2))
    for line in merge.lines:
        if line.kind == "comment":
            plan.lines.append(_Out("#" + safe_chars(line.value).rstrip(), 1))
        elif line.kind == "blank":
            plan.lines.append(_Out("", 1))
        else:
            _add_entry(plan, line.kind, line.value, None, "from_merge", where=f"{Path(merge.name).name}:{line.number}")
    left_out = sorted(merge.bad + merge.long_urls, key=lambda bad: bad.number)
    if left_out:
        numbers = ", ".join(str(bad.number) for bad in left_out[:20]) + (", ..." if len(left_out) > 20 else "")
        plan.lines.append(_Out(f"# left out of {plain_text(Path(merge.name).name, 120)}: line(s) {numbers} "
                               "(not a valid domain: line, URL or comment, or a URL over 2,048 characters)", 2))


def _add_entry(plan: _Plan, scope: str, value: str, reason: str | None, source: str, where: str = "") -> None:
    entry = f"domain:{value}" if scope == "domain" else value
    origin = f" ({where})" if where else ""
    if scope == "url" and len(value) > MAX_URL_LENGTH:
        plan.counts["long_urls_skipped"] += 1
        plan.warnings.append(f"{value[:80]}…{origin}: URL longer than {MAX_URL_LENGTH:,} characters — skipped")
        return
    white = plan.whitelisted_domain(value) if scope == "domain" else plan.whitelisted_url(value)
    if white is not None:
        plan.counts["whitelisted_dropped"] += 1
        plan.lines.append(_Out(f"# not disavowed: {plain_text(entry)}{origin} — {white} is whitelisted", 2))
        plan.warnings.append(f"{entry}{origin}: left out, {white} is whitelisted for {plan.target}")
        return
    covering = plan.covering_domain(value if scope == "domain" else url_host(value), strict=scope == "domain")
    if covering is not None:
        plan.counts["covered_dropped"] += 1
        plan.lines.append(_Out(f"# dropped {plain_text(entry)}{origin}: covered by domain:{covering}", 2))
        return
    written = plan.written_domains if scope == "domain" else plan.written_urls
    if value in written:
        plan.counts["duplicates"] += 1
        return
    written.add(value)
    plan.counts[source] += 1
    if reason:
        plan.lines.append(_Out("# " + plain_text(reason), 2))
    plan.lines.append(_Out(entry, 0))


def _warn_whitelisted_urls_covered(plan: _Plan) -> None:
    for url in sorted(plan.white_urls):
        covering = plan.covering_domain(url_host(url))
        if covering is not None and covering in plan.written_domains:
            plan.lines.append(_Out(f"# warning: domain:{covering} also covers whitelisted {url} "
                                   "(a disavow file cannot exclude one page of a disavowed domain)", 2))
            plan.warnings.append(f"domain:{covering} also covers the whitelisted page {url}; "
                                 "a disavow file cannot exclude one page — remove one of the two decisions")


def _header(plan: _Plan, merge: DisavowFile | None, today: date) -> list[str]:
    counts = plan.counts
    sources = [f"{counts['from_list']:,} from the disavow list"]
    if merge is not None:
        sources.append(f"{counts['from_merge']:,} from {Path(merge.name).name}")
    if counts["from_candidates"]:
        sources.append(f"{counts['from_candidates']:,} from audit candidates")
    return [
        f"# Disavow file for {plan.target}, written by linkatlas on {today.isoformat()}",
        f"# {_count(len(plan.written_domains), 'domain')}, {_count(len(plan.written_urls), 'URL')}: "
        f"{', '.join(sources)}",
        f"# Whitelisted domains and URLs of {plan.target} are never included "
        f"({counts['whitelisted_dropped']:,} left out).",
    ]


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def _fit(plan: _Plan, merge: DisavowFile | None, today: date) -> DisavowResult:
    header = [plain_text(line, 500) for line in _header(plan, merge, today)]
    for tier in (2, 1, 0):
        body = [line.text for line in plan.lines if line.tier <= tier]
        text = "\n".join(header + body) + "\n"
        size, count = len(text.encode("utf-8")), len(header) + len(body)
        if count <= MAX_LINES and size <= MAX_BYTES:
            break
    else:
        raise DisavowLimitError(_limit_message(plan.target, count, size))
    summary = {"target": plan.target, "domains": len(plan.written_domains), "urls": len(plan.written_urls),
               **plan.counts, "bad_lines": len(merge.bad) if merge else 0, "lines": count, "bytes": size,
               "comments": {2: "all", 1: "no per-entry comments", 0: "header only"}[tier]}
    warnings = plan.warnings + ([_TIER_NOTES[tier]] if tier < 2 else [])
    return DisavowResult(text, summary, warnings, list(merge.bad) if merge else [])


def _limit_message(target: str, count: int, size: int) -> str:
    fix = "disavow whole domains (domain:) instead of single URLs, or take entries off the disavow list"
    if count > MAX_LINES:
        return (f"the disavow file of {target} would have {count:,} lines even without comments; "
                f"Google's limit is {MAX_LINES:,} lines — {fix}")
    return (f"the disavow file of {target} would be {size:,} bytes even without comments; "
            f"Google's limit is 2 MB ({MAX_BYTES:,} bytes) — {fix}")


def write_atomically(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` (UTF-8, LF) to ``path`` through a temporary file: never a half-written file."""
    path = Path(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or ".")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
