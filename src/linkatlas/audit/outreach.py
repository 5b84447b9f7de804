"""Removal requests: who to write to on a linking site, and a polite draft (seed 003, "Remove or
replace harmful anchors").

For each referring domain on the project's ``remove`` list (or domains given), from what the
index holds about that domain's crawled pages:

- *addresses*: the ``mailto:`` addresses of its pages (``fetches.emails``), validated again
  (plain ``local@host.tld``, no file names such as ``logo@2x.png``, none at the target's own
  domain or at reserved example/test names), the site's own domain first;
- *contact pages*: its fetched pages whose path or title reads contact / imprint / about /
  write for us / advertise in English, German, French, Spanish, Italian, Portuguese, Dutch,
  Russian or Chinese (``/kontakt/``, ``/impressum``, ``/contacto``, ``/contatti``,
  ``Über uns — ...``);
- *linking pages*: its live backlinks to the target (the latest successful fetch of each source
  page holds the link, :func:`linkatlas.metrics.state.build_state`) with their anchors — all
  link elements of that fetch to that target URL. A ``remove`` entry at URL scope limits the
  pages to that URL.

:func:`draft_request` writes a plain-text message naming the pages, the target URLs and the
anchors, asking to remove the links or add ``rel="nofollow"``. Nothing from the pages is
executed or trusted: every text taken from them passes :func:`~linkatlas.audit.lists.plain_text`
(no control, bidi or line-breaking characters, bounded length); a dashboard must still escape it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import pyarrow as pa

from linkatlas.audit.lists import load_decisions, normalize_domain, plain_text
from linkatlas.errors import UsageError
from linkatlas.extract.domains import domain_of
from linkatlas.index.store import Index
from linkatlas.metrics.state import build_state
from linkatlas.metrics.target import Target, parse_target

__all__ = ["ContactPage", "LinkingPage", "Contacts", "Draft", "contact_candidates", "draft_request",
           "valid_address", "PAGE_KINDS"]

_MAX_PAGES_PER_DOMAIN = 8
_MAX_LINKING_PAGES_IN_DRAFT = 20
_ANCHOR_LIMIT = 200
_STATE_TABLE = "outreach_state"

# Path segments (lowercase, percent-encoded as stored) and title phrases, by the kind of page they name.
PAGE_KINDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "contact": (
        ("contact", "contacts", "contact-us", "contactus", "contact_us", "kontakt", "kontakty", "contacto",
         "contactenos", "contactanos", "contacta", "contactar", "contatti", "contatto", "contatta", "contato",
         "contatos", "fale-conosco", "contactez-nous", "nous-contacter", "neem-contact-op"),
        ("contact", "contact us", "kontakt", "contacto", "contáctenos", "contactanos", "contatti", "contattaci",
         "contato", "fale conosco", "contactez-nous", "nous contacter", "контакты", "联系我们"),
    ),
    "imprint": (
        ("impressum", "imprint", "mentions-legales", "legal-notice", "aviso-legal", "note-legali", "colofon"),
        ("impressum", "imprint", "mentions légales", "legal notice", "aviso legal", "note legali", "colofon"),
    ),
    "about": (
        ("about", "about-us", "aboutus", "about_us", "ueber-uns", "uber-uns", "%c3%bcber-uns", "quienes-somos",
         "sobre-nosotros", "sobre-nos", "quem-somos", "chi-siamo", "a-propos", "qui-sommes-nous", "over-ons",
         "wie-zijn-wij", "o-nas"),
        ("about", "about us", "über uns", "ueber uns", "quiénes somos", "sobre nosotros", "sobre nós", "quem somos",
         "chi siamo", "à propos", "qui sommes-nous", "over ons", "о нас", "关于我们"),
    ),
    "write_for_us": (
        ("write-for-us", "write_for_us", "writeforus", "guest-post", "guest-posts", "guest-posting",
         "gastbeitrag", "gastartikel", "scrivi-per-noi", "escribe-para-nosotros"),
        ("write for us", "guest post", "guest posting", "gastbeitrag", "gastartikel"),
    ),
    "advertise": (
        ("advertise", "advertising", "advertise-with-us", "werbung", "mediadaten", "werben", "publicidad",
         "anunciate", "anuncie", "pubblicita", "publicite", "adverteren", "sponsoring"),
        ("advertise", "advertising", "advertise with us", "werbung", "mediadaten", "publicidad", "pubblicità",
         "publicité", "adverteren"),
    ),
}
_KIND_ORDER = tuple(PAGE_KINDS)
_SEPARATORS = r"\|—–:·•»\-"


def _alternatives(words: Iterable[str]) -> str:
    return "|".join(sorted({re.escape(word) for word in words}, key=len, reverse=True))


def _path_pattern(words: Iterable[str]) -> str:
    """A path segment (any depth) that is one of ``words``, alone or before an extension."""
    return rf"^https?://[^/]+/(?:[^?#]*/)?(?:{_alternatives(words)})(?:[/.?#]|$)"


def _title_pattern(phrases: Iterable[str]) -> str:
    """A title, or a part of it between separators (``About — Site``), that is one of ``phrases``."""
    return rf"(?:^|[{_SEPARATORS}])\s*(?:{_alternatives(phrases)})\s*(?:$|[{_SEPARATORS}])"


# The same expressions run in DuckDB (RE2, all kinds at once) and in Python (which kind).
_KIND_PATTERNS = {kind: (re.compile(_path_pattern(paths)), re.compile(_title_pattern(titles)))
                  for kind, (paths, titles) in PAGE_KINDS.items()}
_ANY_PATH = _path_pattern(word for paths, _ in PAGE_KINDS.values() for word in paths)
_ANY_TITLE = _title_pattern(phrase for _, titles in PAGE_KINDS.values() for phrase in titles)

_ADDRESS = re.compile(r"[a-z0-9](?:[a-z0-9._%+\-]{0,62}[a-z0-9])?@(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+"
                      r"[a-z]{2,24}")
_FILE_SUFFIXES = frozenset(("png", "jpg", "jpeg", "gif", "webp", "svg", "css", "js", "ico", "bmp", "avif"))
_RESERVED = ("example.com", "example.org", "example.net", "domain.com", "email.com", "yourdomain.com", "sentry.io")
_RESERVED_SUFFIXES = (".test", ".invalid", ".localhost", ".example", ".local")
_ROLE_NAMES = ("contact", "info", "hello", "editor", "editors", "redaktion", "webmaster", "admin", "office",
               "kontakt", "support", "team", "mail")


@dataclass(frozen=True)
class ContactPage:
    url: str
    title: str | None
    kind: str  # contact, imprint, about, write_for_us, advertise

    def as_dict(self) -> dict:
        return {"url": self.url, "title": self.title, "kind": self.kind}


@dataclass(frozen=True)
class LinkingPage:
    source_url: str
    target_url: str
    anchors: tuple[str, ...]  # every anchor (alt of an image link) to target_url in the latest fetch
    follow: bool
    first_seen: datetime | None
    last_seen: datetime | None

    def as_dict(self) -> dict:
        return {"source_url": self.source_url, "target_url": self.target_url, "anchors": list(self.anchors),
                "follow": self.follow, "first_seen": self.first_seen, "last_seen": self.last_seen}


@dataclass
class Contacts:
    domain: str
    reason: str  # "remove list", "remove list (pages)", "asked"
    emails: tuple[str, ...] = ()
    contact_pages: list[ContactPage] = field(default_factory=list)
    linking_pages: list[LinkingPage] = field(default_factory=list)
    crawled_pages: int = 0  # fetched URLs of the domain in the index

    def as_dict(self) -> dict:
        return {"domain": self.domain, "reason": self.reason, "emails": list(self.emails),
                "contact_pages": [page.as_dict() for page in self.contact_pages],
                "linking_pages": [page.as_dict() for page in self.linking_pages], "crawled_pages": self.crawled_pages}

    def summary_row(self) -> dict:
        return {"domain": self.domain, "reason": self.reason, "emails": list(self.emails),
                "contact_pages": [page.url for page in self.contact_pages],
                "linking_pages": len(self.linking_pages), "crawled_pages": self.crawled_pages}


@dataclass(frozen=True)
class Draft:
    domain: str
    to: tuple[str, ...]  # addresses, best first; empty when none was found
    subject: str
    body: str

    def as_dict(self) -> dict:
        return {"domain": self.domain, "to": list(self.to), "subject": self.subject, "body": self.body}

    def as_text(self) -> str:
        to = ", ".join(self.to) if self.to else "(no address found on the crawled pages)"
        return f"To: {to}\nSubject: {self.subject}\n\n{self.body}"


# --- addresses --------------------------------------------------------------------------


def valid_address(address: str, *, exclude_domain: str | None = None) -> str | None:
    """``address`` lowercase if it is a plausible mailbox to write to, else None."""
    address = (address or "").strip().lower()
    if len(address) > 254 or not _ADDRESS.fullmatch(address) or ".." in address:
        return None
    host = address.rpartition("@")[2]
    if host.rpartition(".")[2] in _FILE_SUFFIXES or host in _RESERVED or host.endswith(_RESERVED_SUFFIXES):
        return None
    if exclude_domain and domain_of(host) == exclude_domain:
        return None
    return address


def _rank_addresses(addresses: Iterable[str], domain: str) -> tuple[str, ...]:
    def key(address: str) -> tuple:
        local, _, host = address.partition("@")
        return (domain_of(host) != domain, local not in _ROLE_NAMES, address)

    return tuple(sorted(set(addresses), key=key))


# --- gathering --------------------------------------------------------------------------


def _wanted(index: Index, project: str, domains: Iterable[str] | None) -> dict[str, tuple[str, set[str] | None]]:
    """``{domain: (reason, source URLs to keep or None for all)}``."""
    if domains is not None:
        wanted: dict[str, tuple[str, set[str] | None]] = {}
        for text in domains:
            domain = normalize_domain(text)
            if domain is None:
                raise UsageError(f"--domain {text!r}: give a domain such as spam.com")
            wanted[domain] = ("asked", None)
        return wanted
    wanted = {}
    for row in load_decisions(index, project).table.to_pylist():
        if row["kind"] != "remove":
            continue
        if row["scope"] == "domain":
            wanted[row["domain"]] = ("remove list", None)
        elif row["domain"] not in wanted or wanted[row["domain"]][1] is not None:
            urls = wanted.get(row["domain"], ("", set()))[1]
            wanted[row["domain"]] = ("remove list (pages)", urls | {row["value"]})
    return wanted


def contact_candidates(index: Index, target: str | Target, domains: Iterable[str] | None = None) -> list[Contacts]:
    """Contact candidates per linking domain: those on the ``remove`` list of ``target``'s project,
    or ``domains``; ordered by domain."""
    project = target.domain if isinstance(target, Target) else parse_target(target).domain
    wanted = _wanted(index, project, domains)
    if not wanted:
        return []
    found = {domain: Contacts(domain, reason) for domain, (reason, _) in sorted(wanted.items())}
    index.con.register("outreach_domains", pa.table({"domain": pa.array(list(found), pa.string())}))
    try:
        _add_addresses(index, found, project)
        _add_contact_pages(index, found)
        _add_linking_pages(index, found, wanted, project)
    finally:
        index.con.unregister("outreach_domains")
    return list(found.values())


def _add_addresses(index: Index, found: dict[str, Contacts], project: str) -> None:
    rows = index.sql(
        """
        SELECT domain, list(DISTINCT address) FROM (
            SELECT domain, unnest(emails) AS address FROM fetches
            WHERE domain IN (SELECT domain FROM outreach_domains) AND emails IS NOT NULL)
        GROUP BY domain
        """
    )
    for domain, addresses in rows:
        valid = (valid_address(address, exclude_domain=project) for address in addresses)
        found[domain].emails = _rank_addresses((address for address in valid if address), domain)


def _add_contact_pages(index: Index, found: dict[str, Contacts]) -> None:
    """Fetched pages whose path or title names a contact/imprint/about/... page; DuckDB filters (RE2)."""
    rows = index.sql(
        """
        WITH pages AS (
            SELECT domain, url, arg_max(title, fetched_at) AS title, bool_or(status BETWEEN 200 AND 299) AS ok
            FROM fetches WHERE domain IN (SELECT domain FROM outreach_domains) GROUP BY domain, url)
        SELECT domain, count(*) AS crawled,
               list({'url': url, 'title': title}) FILTER (
                   WHERE ok AND (regexp_matches(lower(url), $path)
                                 OR coalesce(regexp_matches(lower(title), $title), false))) AS named
        FROM pages GROUP BY domain
        """,
        {"path": _ANY_PATH, "title": _ANY_TITLE},
    )
    for domain, crawled, named in rows:
        contacts = found[domain]
        contacts.crawled_pages = crawled
        for page in named or ():
            kind = _page_kind(page["url"], page["title"])
            if kind is not None:
                title = plain_text(page["title"], 200) if page["title"] else None
                contacts.contact_pages.append(ContactPage(page["url"], title, kind))
        contacts.contact_pages.sort(key=lambda page: (_KIND_ORDER.index(page.kind), len(page.url), page.url))
        del contacts.contact_pages[_MAX_PAGES_PER_DOMAIN:]


def _page_kind(url: str, title: str | None) -> str | None:
    url, title = url.lower(), (title or "").lower()
    for kind, (path_pattern, title_pattern) in _KIND_PATTERNS.items():
        if path_pattern.search(url) or title_pattern.search(title):
            return kind
    return None


def _add_linking_pages(index: Index, found: dict[str, Contacts], wanted: dict, project: str) -> None:
    build_state(index, parse_target(project), table=_STATE_TABLE)
    rows = index.rows(
        f"""
        WITH live AS (
            SELECT source_url, source_domain, target_url, follow, first_seen, last_seen FROM {_STATE_TABLE}
            WHERE status = 'live' AND source_domain IN (SELECT domain FROM outreach_domains)),
        latest AS (
            SELECT url, arg_max(fetch_id, fetched_at) AS fetch_id FROM fetches
            WHERE url IN (SELECT source_url FROM live) AND status BETWEEN 200 AND 399 GROUP BY url)
        SELECT live.*, list(DISTINCT CASE WHEN l.type = 'image' THEN coalesce(l.alt, '') ELSE coalesce(l.anchor, '') END)
                   AS anchors
        FROM live JOIN latest ON latest.url = live.source_url
        JOIN links l ON l.fetch_id = latest.fetch_id AND l.target_url = live.target_url
        GROUP BY ALL ORDER BY live.source_domain, live.source_url, live.target_url
        """
    )
    for row in rows:
        keep = wanted[row["source_domain"]][1]
        if keep is not None and row["source_url"] not in keep:
            continue
        anchors = tuple(sorted(plain_text(anchor, _ANCHOR_LIMIT) for anchor in row["anchors"]))
        found[row["source_domain"]].linking_pages.append(LinkingPage(
            row["source_url"], row["target_url"], anchors, bool(row["follow"]), row["first_seen"], row["last_seen"]))


# --- drafting ---------------------------------------------------------------------------


def draft_request(contacts: Contacts, target_domain: str, *, site_name: str | None = None,
                  sender: str | None = None) -> Draft:
    """A polite plain-text removal request to ``contacts.domain`` about its links to ``target_domain``."""
    site = plain_text(site_name, 120) if site_name and site_name != target_domain else None
    own = f"{site} ({target_domain})" if site else target_domain
    pages = contacts.linking_pages
    lines = ["Hello,", "",
             f"I am writing on behalf of {own}. While reviewing the links that point to our website, we found "
             f"{'these links' if len(pages) != 1 else 'this link'} on {contacts.domain}:", ""]
    for page in pages[:_MAX_LINKING_PAGES_IN_DRAFT]:
        lines += [f"  Page:        {page.source_url}", f"  Links to:    {page.target_url}",
                  f"  Anchor text: {_anchor_list(page.anchors)}"]
        if not page.follow:
            lines.append("  (this link already passes no ranking credit: nofollow, ugc or sponsored)")
        lines.append("")
    if len(pages) > _MAX_LINKING_PAGES_IN_DRAFT:
        lines += [f"  ... and {len(pages) - _MAX_LINKING_PAGES_IN_DRAFT} more pages.", ""]
    if not pages:
        lines += [f"  (no live link from {contacts.domain} is in our index at the moment; it may have been "
                  "removed already)", ""]
    lines += ["Could you please remove " + ("these links" if len(pages) != 1 else "this link") +
              '? If you would rather keep ' + ("them" if len(pages) != 1 else "it") +
              ', adding rel="nofollow" would help us just as well.', "",
              "Thank you for your time and help.", "", "Kind regards,", plain_text(sender, 120) if sender
              else f"The {site or target_domain} team", ""]
    subject = f"Request to remove links to {target_domain} from {contacts.domain}"
    return Draft(contacts.domain, contacts.emails, subject, "\n".join(lines))


def _anchor_list(anchors: tuple[str, ...]) -> str:
    shown = [f'"{anchor}"' if anchor else "(no text)" for anchor in anchors[:5]]
    more = f" and {len(anchors) - 5} more" if len(anchors) > 5 else ""
    return ", ".join(shown) + more if shown else "(unknown)"
