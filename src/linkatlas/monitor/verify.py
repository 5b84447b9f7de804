"""Backlink verification: re-fetch the pages that link to a target and say what became of each link.

A target's *known backlinks* are the (source page, target URL) pairs the index holds for it,
whatever brought them in (WARC ingests, crawls, later vendor imports). Verifying re-fetches
every source page (a crawl run of kind ``verify``, so the fetches are new observations and
history stays true) and classifies each backlink:

- ``live``: the page answered 2xx and still links to the target URL (``changes`` lists
  anchor and rel changes since the previous observation, or ``new`` for a link not seen before);
- ``lost``: the page answered 2xx without the link;
- ``broken``: the page answered 4xx/5xx, or did not answer (DNS, refused, timeout);
- ``redirected``: the page now redirects (``final_url``; ``detail`` says whether the final
  page still links);
- ``unchecked``: not fetched (robots.txt, the SSRF guard, a limit) — nothing is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from linkatlas.errors import UsageError
from linkatlas.extract.domains import domain_of
from linkatlas.extract.urls import normalize_url, url_host
from linkatlas.index.store import Index

__all__ = ["SCOPES", "STATES", "target_filter", "known_backlink_sources", "backlink_states", "verify",
           "VerifyReport"]

SCOPES = ("domain", "host", "prefix", "url")
STATES = ("live", "lost", "broken", "redirected", "unchecked")
_MAX_HOPS = 6


@dataclass(frozen=True)
class Target:
    text: str
    scope: str
    value: str       # what the links column is compared with
    domain: str      # the target's registrable domain (same-domain sources are not backlinks)

    def where(self, alias: str = "") -> tuple[str, list]:
        """SQL condition (on ``links``) selecting links to the target, and its parameters."""
        column = {"domain": "target_domain", "host": "target_host", "prefix": "target_url", "url": "target_url"}
        sql = f"{alias}{column[self.scope]}"
        if self.scope == "prefix":
            return f"starts_with({sql}, ?) AND {alias}source_domain <> {alias}target_domain", [self.value]
        return f"{sql} = ? AND {alias}source_domain <> {alias}target_domain", [self.value]


def target_filter(target: str, scope: str = "domain") -> Target:
    """Normalize ``target`` for ``scope`` (domain, host, prefix, url)."""
    if scope not in SCOPES:
        raise UsageError(f"--scope {scope}: choose one of {', '.join(SCOPES)}")
    text = target.strip()
    as_url = normalize_url(text if "://" in text else f"http://{text}")
    if as_url is None:
        raise UsageError(f"{target!r}: not a domain, host or URL")
    host = url_host(as_url)
    if scope in ("domain", "host"):
        value = domain_of(host) if scope == "domain" else host
    else:
        if "://" not in text:
            raise UsageError(f"{target!r}: --scope {scope} needs a full URL (https://...)")
        value = as_url
    return Target(text, scope, value, domain_of(host))


def known_backlink_sources(index: Index, target: Target) -> list[str]:
    """The source pages of the target's known backlinks (distinct, sorted).

    The pages the ``links`` table holds links to the target from (other registrable domains
    only), and the source pages of completed vendor imports (Ahrefs, Semrush, Majestic, Moz,
    Search Console backlink rows naming a target URL).
    """
    where, params = target.where()
    sql = f"SELECT source_url FROM links WHERE {where}"
    if index.has_table("vendor_links"):
        from linkatlas.sources.imports.run import COMPLETED

        sql += f" UNION SELECT source_url FROM vendor_links WHERE target_url IS NOT NULL AND {where}" \
               f" AND import_id IN {COMPLETED}"
        params = params + params
    return [row[0] for row in index.sql(f"SELECT DISTINCT source_url FROM ({sql}) ORDER BY 1", params)]


def _previous_observations(index: Index, target: Target, sources: list[str]) -> dict[tuple[str, str], dict]:
    """For each (source, target URL) pair: anchors and rel flags in the latest fetch that had it."""
    if not sources:
        return {}
    where, params = target.where()
    rows = index.rows(
        f"""
        WITH pair AS (
            SELECT source_url, target_url, fetch_id, fetched_at, anchor, alt, type, nofollow, ugc, sponsored, ordinal
            FROM links WHERE {where} AND source_url IN (SELECT unnest(?::VARCHAR[]))
        ), latest AS (
            SELECT source_url, target_url, max(fetched_at) AS at FROM pair GROUP BY ALL
        )
        SELECT p.source_url, p.target_url,
               list(DISTINCT CASE WHEN p.type = 'image' THEN coalesce(p.alt, '') ELSE coalesce(p.anchor, '') END) AS anchors,
               bool_or(p.nofollow) AS nofollow, bool_or(p.ugc) AS ugc, bool_or(p.sponsored) AS sponsored
        FROM pair p JOIN latest l ON p.source_url = l.source_url AND p.target_url = l.target_url AND p.fetched_at = l.at
        GROUP BY ALL
        """,
        params + [sources],
    )
    return {(row["source_url"], row["target_url"]): row for row in rows}


def _links_in(index: Index, target: Target, fetch_ids: list[int]) -> dict[int, dict[str, dict]]:
    """fetch id → {target URL: anchors and rel flags} for the target's links in those fetches."""
    if not fetch_ids:
        return {}
    where, params = target.where()
    rows = index.rows(
        f"""
        SELECT fetch_id, target_url,
               list(DISTINCT CASE WHEN type = 'image' THEN coalesce(alt, '') ELSE coalesce(anchor, '') END) AS anchors,
               bool_or(nofollow) AS nofollow, bool_or(ugc) AS ugc, bool_or(sponsored) AS sponsored
        FROM links WHERE {where} AND fetch_id IN (SELECT unnest(?::BIGINT[])) GROUP BY ALL
        """,
        params + [fetch_ids],
    )
    found: dict[int, dict[str, dict]] = {}
    for row in rows:
        found.setdefault(row["fetch_id"], {})[row["target_url"]] = row
    return found


def _changes(before: dict | None, now: dict) -> list[str]:
    if before is None:
        return ["new"]
    changes = []
    old_anchors, new_anchors = sorted(before["anchors"]), sorted(now["anchors"])
    if old_anchors != new_anchors:
        changes.append(f"anchor {' | '.join(old_anchors)!r} → {' | '.join(new_anchors)!r}")
    for flag in ("nofollow", "ugc", "sponsored"):
        if bool(before[flag]) != bool(now[flag]):
            changes.append(f"{flag} {'added' if now[flag] else 'removed'}")
    return changes


@dataclass
class VerifyReport:
    target: str
    scope: str
    run_id: int | None
    sources: int = 0
    counts: dict = field(default_factory=lambda: dict.fromkeys(STATES, 0))
    rows: list[dict] = field(default_factory=list)
    crawl: dict = field(default_factory=dict)

    def summary(self) -> dict:
        return {"target": self.target, "scope": self.scope, "run_id": self.run_id, "sources": self.sources,
                "backlinks": len(self.rows), **self.counts, "crawl_errors": self.crawl.get("errors", 0)}


def _chains(index: Index, run_id: int, sources: list[str]) -> dict[str, list[dict]]:
    """source URL → the fetches of this run from it through its redirects, in order."""
    rows = {row["url"]: row for row in index.rows(
        "SELECT fetch_id, url, status, redirect_to, content_type FROM fetches WHERE run_id = ?", [run_id])}
    chains = {}
    for source in sources:
        chain, url = [], source
        while url in rows and len(chain) < _MAX_HOPS:
            chain.append(rows[url])
            url = rows[url]["redirect_to"]
            if url is None or any(step["url"] == url for step in chain):
                break
        chains[source] = chain
    return chains


def _classify(source: str, chain: list[dict], unfetched: dict[str, str]) -> tuple[str, dict | None, str]:
    """(state, the fetch whose links count, detail) for one source page."""
    if not chain:
        return "unchecked", None, unfetched.get(source, "not fetched")
    first, final = chain[0], chain[-1]
    if first["status"] is None:
        return "broken", None, "no answer (DNS, refused connection or timeout)"
    if first["status"] >= 400:
        return "broken", None, f"HTTP {first['status']}"
    if 300 <= first["status"] < 400:
        status = final["status"]
        if status is not None and 200 <= status < 300:
            return "redirected", final, f"redirects to {final['url']} (HTTP {status})"
        return "redirected", None, f"redirects to {final['redirect_to'] or final['url']} (final HTTP {status})"
    return "live", first, ""


def verify(index: Index, target: str, scope: str = "domain", *, policy=None, kind: str = "verify",
           progress: bool | None = None) -> VerifyReport:
    """Re-fetch the source pages of ``target``'s known backlinks and classify each backlink."""
    from linkatlas.crawl import CrawlPolicy, crawl

    wanted = target_filter(target, scope)
    sources = known_backlink_sources(index, wanted)
    before = _previous_observations(index, wanted, sources)
    report = VerifyReport(target=wanted.text, scope=scope, run_id=None, sources=len(sources))
    if not sources:
        return report
    policy = policy or CrawlPolicy()
    summary = crawl(index, sources, mode="urls", policy=policy.but(max_pages=max(policy.max_pages, 4 * len(sources))),
                    progress=progress, kind=kind)
    report.run_id = summary.run_id
    report.crawl = summary.as_dict()
    chains = _chains(index, summary.run_id, sources)
    counted = [fetch["fetch_id"] for chain in chains.values() for fetch in chain]
    links_now = _links_in(index, wanted, counted)
    for source in sources:
        report.rows.extend(_source_rows(source, chains[source], summary.unfetched, before, links_now))
    for row in report.rows:
        report.counts[row["state"]] += 1
    _store(index, report, wanted)
    return report


def _source_rows(source: str, chain: list[dict], unfetched: dict, before: dict, links_now: dict) -> list[dict]:
    state, counted_fetch, detail = _classify(source, chain, unfetched)
    found = links_now.get(counted_fetch["fetch_id"], {}) if counted_fetch else {}
    known = sorted(target_url for (src, target_url) in before if src == source)
    rows = []
    base = {"source_url": source, "http_status": chain[0]["status"] if chain else None,
            "fetch_id": chain[0]["fetch_id"] if chain else None,
            "final_url": chain[-1]["url"] if len(chain) > 1 else None}
    for target_url in known + sorted(set(found) - set(known)):
        now = found.get(target_url)
        row = {**base, "target_url": target_url, "state": state, "anchor": None, "nofollow": None, "ugc": None,
               "sponsored": None, "changes": [], "detail": detail}
        if now is not None:
            row.update(anchor=" | ".join(sorted(now["anchors"])), nofollow=now["nofollow"], ugc=now["ugc"],
                       sponsored=now["sponsored"], changes=_changes(before.get((source, target_url)), now))
        if state == "live" and now is None:
            row.update(state="lost", detail="page answered, the link is gone")
        elif state == "redirected":
            row["detail"] += "; the final page still links" if now is not None else "; the final page does not link"
        rows.append(row)
    return rows


def _store(index: Index, report: VerifyReport, wanted: Target) -> None:
    at = datetime.now(timezone.utc).replace(tzinfo=None)
    index.con.executemany(
        "INSERT INTO verifications VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [[report.run_id, at, wanted.text, wanted.scope, row["source_url"], row["target_url"], row["state"],
          row["http_status"], row["fetch_id"], row["final_url"], row["anchor"], row["nofollow"], row["ugc"],
          row["sponsored"], row["changes"], row["detail"]] for row in report.rows],
    )


def backlink_states(index: Index, target: str | Target, scope: str = "domain") -> list[dict]:
    """Every known backlink of the target with its state now, by the definitions (docs/definitions.md):
    live / lost from the most recent 2xx fetch of the source; broken when the most recent fetch
    answered 4xx/5xx or nothing; redirected when it answered 3xx."""
    wanted = target if isinstance(target, Target) else target_filter(target, scope)
    where, params = wanted.where("k.")
    return index.rows(
        f"""
        WITH pair AS (
            SELECT DISTINCT k.source_url, k.target_url, k.source_domain FROM links k WHERE {where}
        ), latest AS (
            SELECT url, status FROM fetches WHERE url IN (SELECT source_url FROM pair)
            QUALIFY row_number() OVER (PARTITION BY url ORDER BY fetched_at DESC, fetch_id DESC) = 1
        ), latest_ok AS (
            SELECT url, fetch_id FROM fetches
            WHERE url IN (SELECT source_url FROM pair) AND status BETWEEN 200 AND 299
            QUALIFY row_number() OVER (PARTITION BY url ORDER BY fetched_at DESC, fetch_id DESC) = 1
        )
        SELECT p.source_url, p.target_url, p.source_domain,
               CASE WHEN l.url IS NOT NULL AND (l.status IS NULL OR l.status >= 400) THEN 'broken'
                    WHEN l.status BETWEEN 300 AND 399 THEN 'redirected'
                    WHEN EXISTS (SELECT 1 FROM links x WHERE x.fetch_id = o.fetch_id AND x.target_url = p.target_url)
                         THEN 'live'
                    ELSE 'lost' END AS state
        FROM pair p LEFT JOIN latest l ON l.url = p.source_url LEFT JOIN latest_ok o ON o.url = p.source_url
        ORDER BY p.source_url, p.target_url
        """,
        params,
    )
