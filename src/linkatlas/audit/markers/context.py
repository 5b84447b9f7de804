"""The tables every marker reads, prepared once per audit in DuckDB (temporary, per connection).

- ``audit_state`` — :func:`linkatlas.metrics.state.build_state`: one row per backlink of the
  target (live, lost or broken) with its representative element.
- ``audit_bl`` — ``audit_state`` plus ``anchor_type`` (each distinct anchor classified once).
- ``audit_domains`` — one row per referring domain: ``backlinks`` (live), ``all_backlinks``,
  ``status``, the hosts that link, its name parts (``label``, ``suffix``, ``platform``: the
  private public suffix it lives under, e.g. ``blogspot.com``), ``lang`` (commonest page
  language), ``authority_score``.
- ``audit_pages`` — every page of a referring domain in the index: its latest answer
  (``last_status``, ``ip``) and the facts of its latest successful fetch.
- ``audit_elements`` — the link elements of each backlink in the fetch where it was last seen
  (several anchors, placements and their text context).
- ``audit_source_links`` — all external links of the backlinks' source pages (latest fetch).
- ``audit_domain_theme`` — theme and relevance per domain (from up to 25 of its pages).
- ``audit_spam_list`` — known-spam entries (bundled list plus the user's files).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import pyarrow as pa

from linkatlas.audit import themes
from linkatlas.audit.settings import AuditSettings
from linkatlas.errors import InputError
from linkatlas.extract.domains import domain_of, public_suffix
from linkatlas.extract.urls import extract_host
from linkatlas.index.store import Index
from linkatlas.metrics.anchors import AnchorClassifier
from linkatlas.metrics.state import build_state

__all__ = ["AuditContext", "prepare", "load_spam_list", "BUNDLED_SPAM_LIST", "phrase_pattern", "PHRASES"]

BUNDLED_SPAM_LIST = "matomo-referrer-spam"
OK = "status BETWEEN 200 AND 299"


@functools.cache
def _phrases() -> dict[str, tuple[str, ...]]:
    import json

    raw = json.loads(resources.files("linkatlas.audit").joinpath("data", "phrases.json").read_text(encoding="utf-8"))
    return {key: tuple(value) for key, value in raw.items() if isinstance(value, list)}


PHRASES = _phrases


def phrase_pattern(kind: str) -> str:
    """An RE2 pattern matching any phrase of ``phrases.json[kind]`` (whole words for Latin script)."""
    parts = []
    for phrase in sorted(_phrases()[kind], key=len, reverse=True):
        escaped = re.escape(phrase).replace("\\ ", "\\s+")
        parts.append(f"\\b{escaped}\\b" if phrase.isascii() else escaped)
    return "(" + "|".join(parts) + ")"


@dataclass
class AuditContext:
    index: Index
    settings: AuditSettings
    project: themes.ProjectTheme
    languages: tuple[str, ...]  # languages the target's audience reads ('' none known)
    countries: tuple[str, ...]  # target countries (given, or the target's own ccTLD)
    referring_domains: int
    params: dict = field(default_factory=dict)
    spam_lists: tuple[str, ...] = ()
    brands: tuple[str, ...] = ()  # the project's brand names, lowercase letters and digits only

    def brand_condition(self, column: str) -> str:
        """SQL: ``column`` names one of the project's brands (compared squashed, like anchors)."""
        squashed = f"regexp_replace(lower({column}), '[^\\pL\\pN]', '', 'g')"
        tests = [f"contains({squashed}, '{brand.replace(chr(39), chr(39) * 2)}')" for brand in self.brands]
        return "(" + (" OR ".join(tests) or "false") + ")"

    def sql(self, sql: str, params: dict | None = None) -> list[tuple]:
        return self.index.sql(sql, {**self.params, **(params or {})})


# -- spam lists -----------------------------------------------------------------------------------


def _entries(lines: Iterable[str]) -> list[str]:
    hosts = []
    for line in lines:
        entry = line.split("#", 1)[0].strip().lower()
        if entry.startswith("domain:"):
            entry = entry[len("domain:"):]
        host = extract_host(entry) if entry else ""
        if host and "." in host:
            hosts.append(host)
    return hosts


@functools.cache
def _bundled_entries() -> tuple[str, ...]:
    text = resources.files("linkatlas.audit").joinpath("data", "matomo-referrer-spam.txt").read_text(encoding="utf-8")
    return tuple(_entries(text.splitlines()))


def load_spam_list(path: str | Path) -> list[str]:
    """Hosts of a user's spam list: one domain, host or URL a line (``domain:`` lines of a disavow
    file work too); ``#`` starts a comment."""
    file = Path(path)
    try:
        data = file.read_bytes()
    except OSError as error:
        raise InputError(str(path), f"cannot read the spam list ({error.strerror or error})",
                         "pass a text file with one domain per line") from None
    if b"\0" in data[:4096]:
        raise InputError(str(path), "not a text file", "pass a text file with one domain per line")
    return _entries(data.decode("utf-8", errors="replace").splitlines())


def _spam_table(spam_lists: Iterable[str | Path]) -> pa.Table:
    hosts, domains, names = [], [], []
    sources = [(BUNDLED_SPAM_LIST, _bundled_entries())] + [(Path(p).name, load_spam_list(p)) for p in spam_lists]
    for name, entries in sources:
        for host in entries:
            hosts.append(host)
            domains.append(domain_of(host))
            names.append(name)
    return pa.table({"host": hosts, "domain": domains, "list": names})


# -- preparation ----------------------------------------------------------------------------------


def _classify_anchors(index: Index, settings: AuditSettings) -> tuple[str, ...]:
    """``audit_bl``: the backlinks with their anchor type and whether the source page is a
    syndicated copy (rel=canonical to another domain); returns the brand names, squashed."""
    titles = [row[0] for row in index.sql(
        f"""SELECT arg_max(title, fetched_at) FROM fetches
            WHERE url IN (SELECT DISTINCT target_url FROM audit_state) AND {OK} AND title IS NOT NULL
            GROUP BY url ORDER BY url""")]
    classifier = AnchorClassifier.for_target(settings.domain, settings.brands, settings.keywords, titles)
    distinct = index.arrow("SELECT DISTINCT anchor, type FROM audit_state")
    kinds = [classifier.classify(anchor, kind) for anchor, kind in
             zip(distinct.column("anchor").to_pylist(), distinct.column("type").to_pylist())]
    index.con.register("audit_anchor_kinds", distinct.append_column("anchor_type", pa.array(kinds, pa.string())))
    index.sql("""
        CREATE OR REPLACE TEMP TABLE audit_bl AS
        SELECT s.*, coalesce(k.anchor_type, 'other') AS anchor_type,
               coalesce(p.canonical_host IS NOT NULL AND p.canonical_host <> s.source_domain
                        AND NOT suffix(p.canonical_host, '.' || s.source_domain), false) AS syndicated
        FROM audit_state s
        LEFT JOIN audit_anchor_kinds k ON k.anchor IS NOT DISTINCT FROM s.anchor AND k.type = s.type
        LEFT JOIN audit_pages p ON p.url = s.source_url
    """)
    index.con.unregister("audit_anchor_kinds")
    return classifier.brands


def _name_parts(domains: list[str]) -> pa.Table:
    labels, suffixes, platforms = [], [], []
    for domain in domains:
        suffix = public_suffix(domain) or ""
        icann = public_suffix(domain, private=False) or ""
        labels.append(domain[: -len(suffix) - 1] if suffix and domain.endswith("." + suffix) else domain)
        suffixes.append(suffix)
        platforms.append(suffix if suffix != icann else None)
    return pa.table({"domain": domains, "label": labels, "suffix": suffixes, "platform": pa.array(platforms, pa.string())})


def _authority(index: Index) -> str:
    if not index.has_table("domain_authority"):
        return "(SELECT NULL::VARCHAR AS domain, NULL::SMALLINT AS authority_score WHERE false)"
    if not index.read_only:
        from linkatlas.metrics.authority import ensure_authority

        ensure_authority(index)
    return "(SELECT domain, authority_score FROM domain_authority)"


def _domains(index: Index) -> None:
    index.sql("""
        CREATE OR REPLACE TEMP TABLE audit_domain_list AS
        SELECT source_domain AS domain,
               count(*) FILTER (WHERE status = 'live') AS backlinks, count(*) AS all_backlinks,
               CASE WHEN bool_or(status = 'live') THEN 'live' WHEN bool_or(status = 'broken') THEN 'broken'
                    ELSE 'lost' END AS status,
               list(DISTINCT source_host ORDER BY source_host) AS hosts
        FROM audit_state GROUP BY source_domain
    """)
    names = [row[0] for row in index.sql("SELECT domain FROM audit_domain_list ORDER BY domain")]
    index.sql(f"CREATE OR REPLACE TEMP VIEW audit_authority AS {_authority(index)}")
    index.con.register("audit_name_parts", _name_parts(names))
    index.sql(f"""
        CREATE OR REPLACE TEMP TABLE audit_domains AS
        SELECT d.*, n.label, n.suffix, n.platform, a.authority_score
        FROM audit_domain_list d JOIN audit_name_parts n USING (domain) LEFT JOIN audit_authority a USING (domain)
    """)
    index.con.unregister("audit_name_parts")


def _pages(index: Index) -> None:
    index.sql(f"""
        CREATE OR REPLACE TEMP TABLE audit_pages AS
        WITH latest AS (
            SELECT url, any_value(host) AS host, any_value(domain) AS domain, min(fetched_at) AS first_seen,
                   arg_max(status, fetched_at) AS last_status, arg_max(ip, fetched_at) AS ip,
                   arg_max({{'fetch_id': fetch_id, 'title': title, 'lang': lang, 'generator': generator,
                             'analytics_ids': analytics_ids, 'word_count': word_count, 'text_bytes': text_bytes,
                             'content_length': content_length, 'external_links': external_links,
                             'fingerprint': fingerprint, 'terms': terms, 'canonical': canonical,
                             'html': content_type ILIKE '%html%'}}, fetched_at) FILTER (WHERE {OK}) AS ok
            FROM fetches WHERE domain IN (SELECT domain FROM audit_domain_list)
            GROUP BY url
        )
        SELECT url, host, domain, first_seen, last_status, ip, ok IS NOT NULL AS has_ok,
               coalesce(ok.html, false) AS html, ok.fetch_id, ok.title, ok.lang, ok.generator, ok.analytics_ids,
               ok.word_count, ok.text_bytes, ok.content_length, ok.external_links, ok.fingerprint, ok.terms,
               ok.canonical, nullif(lower(regexp_extract(ok.canonical, '^[A-Za-z]+://([^/:?#]+)', 1)), '') AS canonical_host
        FROM latest
    """)


def _elements(index: Index, settings: AuditSettings) -> None:
    predicate, params = settings.target.predicate("l.target")
    index.sql(f"""
        CREATE OR REPLACE TEMP TABLE audit_elements AS
        SELECT l.source_url, l.target_url, s.source_domain, l.anchor, l.type, l.placement, l.hidden, l.context,
               l.nofollow, l.ugc, l.sponsored, l.ordinal
        FROM links l JOIN audit_state s
          ON s.source_url = l.source_url AND s.target_url = l.target_url AND s.last_seen = l.fetched_at
        WHERE {predicate}
    """, params)
    index.sql("""
        CREATE OR REPLACE TEMP TABLE audit_source_links AS
        SELECT l.source_url, l.source_domain, l.target_url, l.target_domain, l.anchor, l.type, l.placement, l.hidden,
               l.nofollow, l.ugc, l.sponsored
        FROM links l
        WHERE l.fetch_id IN (SELECT fetch_id FROM audit_pages
                             WHERE url IN (SELECT DISTINCT source_url FROM audit_state) AND fetch_id IS NOT NULL)
          AND l.target_domain <> l.source_domain
    """)


PAGES_PER_THEME = 25  # pages per domain read for its theme (a fixed sample of the bigger sites)


def theme_table(index: Index, table: str, key: str, pages: str, known: bool) -> None:
    """Create ``table`` (key, hits, theme, relevance, shares) from the words of the ``pages`` relation."""
    words = f"""
        SELECT {key} AS key, unnest(terms) AS word, 1.0 AS weight FROM {pages} WHERE terms IS NOT NULL
        UNION ALL
        SELECT {key}, unnest(regexp_extract_all(lower(title), '[^\\W\\d_]{{3,}}')), 1.0 FROM {pages}
        WHERE title IS NOT NULL
    """
    index.sql(f"""
        CREATE OR REPLACE TEMP TABLE {table} AS
        WITH s AS ({themes.theme_sql(f"({words})")}),
        t AS (SELECT key, sum(score) AS hits, arg_max(category, score) AS theme FROM s GROUP BY key)
        SELECT t.key AS {key}, t.hits, CASE WHEN t.hits >= {themes.MIN_HITS} THEN t.theme END AS theme,
               CASE WHEN t.hits >= {themes.MIN_HITS} AND {str(known).lower()}
                    THEN sum(s.score * coalesce(c.closeness, 0)) / t.hits END AS relevance,
               list({{'category': s.category, 'share': round(s.score / t.hits, 3)}} ORDER BY s.score DESC)[:3] AS shares
        FROM t JOIN s USING (key) LEFT JOIN audit_closeness c ON c.category = s.category
        GROUP BY t.key, t.hits, t.theme
    """)


def _themes(index: Index, project: themes.ProjectTheme) -> None:
    themes.register_lexicon(index)
    close = project.closeness()
    index.con.register("audit_closeness_arrow", pa.table(
        {"category": list(close), "closeness": pa.array(list(close.values()), pa.float64())}))
    index.sql("CREATE OR REPLACE TEMP TABLE audit_closeness AS SELECT * FROM audit_closeness_arrow")
    index.con.unregister("audit_closeness_arrow")
    sample = f"""(SELECT * FROM audit_pages WHERE html
                  QUALIFY row_number() OVER (PARTITION BY domain ORDER BY hash(url)) <= {PAGES_PER_THEME})"""
    theme_table(index, "audit_domain_theme", "domain", sample, project.known)


def _languages(index: Index, settings: AuditSettings) -> tuple[tuple[str, ...], tuple[str, ...]]:
    countries = tuple(c.lower() for c in settings.countries)
    if countries:
        return themes.languages_for(countries), tuple("gb" if c == "uk" else c for c in countries)
    rows = index.sql(f"""
        SELECT lang, count(*) AS pages FROM fetches
        WHERE domain = $domain AND {OK} AND lang IS NOT NULL AND lang <> '' GROUP BY lang ORDER BY pages DESC, lang
    """, {"domain": settings.domain})
    total = sum(row[1] for row in rows)
    languages = tuple(row[0] for row in rows if row[1] >= 0.2 * total)
    own = themes.country_of(public_suffix(settings.domain))
    return languages, ((own,) if own else ())


def prepare(index: Index, settings: AuditSettings, *, spam_lists: Iterable[str | Path] = ()) -> AuditContext:
    """Build the audit tables for ``settings.target``; returns the context markers read."""
    spam_lists = tuple(spam_lists)
    spam = _spam_table(spam_lists)  # read the user's files first: a bad one fails before any work
    build_state(index, settings.target, table="audit_state")
    _domains(index)
    _pages(index)
    brands = _classify_anchors(index, settings)
    index.sql("ALTER TABLE audit_domains ADD COLUMN lang VARCHAR")
    index.sql("""
        UPDATE audit_domains SET lang = l.lang FROM (
            SELECT domain, mode(lang) AS lang FROM audit_pages WHERE html AND lang IS NOT NULL AND lang <> ''
            GROUP BY domain) l WHERE l.domain = audit_domains.domain
    """)
    _elements(index, settings)
    project = themes.target_profile(index, settings.categories, settings.domain,
                                    "SELECT DISTINCT target_url FROM audit_state")
    _themes(index, project)
    index.con.register("audit_spam_list_arrow", spam)
    index.sql("CREATE OR REPLACE TEMP TABLE audit_spam_list AS SELECT * FROM audit_spam_list_arrow")
    index.con.unregister("audit_spam_list_arrow")
    languages, countries = _languages(index, settings)
    referring = index.sql("SELECT count(*) FROM audit_domains")[0][0]
    return AuditContext(index, settings, project, languages, countries, referring,
                        {"target_domain": settings.domain}, tuple(str(p) for p in spam_lists), brands)
