"""The registry of vendor export layouts: one small declarative unit per layout.

A :class:`Layout` names its vendor, the table it feeds (``links``, ``domains``, ``pages``,
``anchors``), and for each field linkatlas understands the header names that carry it.
Headers are compared case-insensitively with spaces trimmed and collapsed, so ``Source url``,
``Source URL`` and `` source  url`` are one name. A header row matches a layout when every
``required`` field is present; among matching layouts the one that recognises most columns
wins. Columns nobody maps are ignored; optional fields that are missing stay NULL (unknown).

Field kinds (how a cell becomes a value) are global, in :data:`FIELD_KINDS`.

Google Search Console exports are localized: their header aliases are given in English,
Spanish, German, French, Portuguese and Italian, and the language of the matched headers
decides how dates like ``05/03/2024`` are read (:data:`GSC_LANGUAGES`).

Register a third-party layout the same way the built-ins are: ``register(Layout(...))``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

__all__ = [
    "FIELD_KINDS", "GSC_LANGUAGES", "LAYOUTS", "VENDORS", "Layout", "LayoutMatch", "header_key",
    "match_layout", "register",
]

VENDORS = ("ahrefs", "semrush", "majestic", "moz", "gsc")

# kind of each field: url, host, text, anchor (kept even when empty), int, float, bool, date, type
FIELD_KINDS: dict[str, str] = {
    # backlinks
    "source_url": "url", "target_url": "url", "source_title": "text", "anchor": "anchor",
    "left_context": "text", "right_context": "text", "nofollow": "bool", "follow": "bool", "ugc": "bool",
    "sponsored": "bool", "type": "type", "flag_text": "bool", "flag_image": "bool", "flag_frame": "bool",
    "flag_form": "bool", "flag_redirect": "bool", "first_seen": "date", "last_seen": "date",
    "lost_at": "date", "lost": "bool", "new": "bool", "http_code": "int", "language": "text",
    "sitewide": "bool", "external_links": "int", "internal_links": "int", "domain_rating": "float",
    "url_rating": "float", "domain_traffic": "int", "page_traffic": "int", "is_spam": "bool",
    "page_ascore": "float", "page_trust_score": "float", "authority_score": "float", "toxic_score": "float",
    "trust_flow": "float", "citation_flow": "float", "target_trust_flow": "float",
    "target_citation_flow": "float", "domain_authority": "float", "page_authority": "float",
    "spam_score": "float", "anchor_type": "text",
    # summaries
    "domain": "host", "url": "url", "title": "text", "backlinks": "int", "linking_pages": "int",
    "target_pages": "int", "referring_domains": "int", "referring_pages": "int", "links_to_target": "int",
    "dofollow_links": "int", "new_links": "int", "lost_links": "int", "dofollow_ref_domains": "int",
    "dofollow_linked_domains": "int", "traffic": "int", "keywords": "int", "ip": "text", "country": "text",
    "top_domain_rating": "float",
}

# The key fields of each table kind: a row without a usable value here is malformed.
KEY_FIELDS = {"links": ("source_url",), "domains": ("domain",), "pages": ("url",), "anchors": ()}


def header_key(name: str) -> str:
    """How headers are compared: BOM and quotes stripped, spaces trimmed and collapsed, casefolded."""
    return " ".join(name.replace("\ufeff", "").strip().strip('"').split()).casefold()


@dataclass(frozen=True)
class Layout:
    name: str                       # "ahrefs_backlinks"
    vendor: str                     # one of VENDORS
    kind: str                       # links | domains | pages | anchors
    title: str                      # "Ahrefs Backlinks", for messages
    columns: Mapping[str, tuple[str, ...]]  # field -> header aliases
    required: tuple[str, ...]
    empty_is_false: bool = False    # Majestic: an empty flag cell means false
    multiline: bool = False         # quoted cells may hold line breaks (Ahrefs contexts)
    languages: Mapping[str, str] = field(default_factory=dict)  # header key -> language (GSC)

    def lookup(self) -> dict[str, str]:
        """Header key -> field."""
        return {header_key(alias): name for name, aliases in self.columns.items() for alias in aliases}


@dataclass(frozen=True)
class LayoutMatch:
    layout: Layout
    fields: dict[int, str]          # column index -> field
    language: str | None            # for localized layouts (GSC), the language of the headers

    @property
    def score(self) -> int:
        return len(self.fields)


LAYOUTS: dict[str, Layout] = {}


def register(layout: Layout) -> Layout:
    unknown = set(layout.columns) - set(FIELD_KINDS)
    if unknown or layout.vendor not in VENDORS or layout.kind not in KEY_FIELDS:
        raise ValueError(f"layout {layout.name}: unknown fields {sorted(unknown)} or vendor/kind")
    LAYOUTS[layout.name] = layout
    return layout


def match_layout(headers: Iterable[str], vendor: str | None = None) -> LayoutMatch | None:
    """The layout this header row belongs to, or None."""
    keys = [header_key(h) for h in headers]
    best: LayoutMatch | None = None
    for layout in LAYOUTS.values():
        if vendor and layout.vendor != vendor:
            continue
        lookup = layout.lookup()
        fields: dict[int, str] = {}
        for index, key in enumerate(keys):
            name = lookup.get(key)
            if name is not None and name not in fields.values():
                fields[index] = name
        if not set(layout.required) <= set(fields.values()):
            continue
        candidate = LayoutMatch(layout, fields, _language(layout, keys))
        if best is None or candidate.score > best.score:
            best = candidate
    return best


def _language(layout: Layout, keys: list[str]) -> str | None:
    votes: dict[str, int] = {}
    for key in keys:
        for language in layout.languages.get(key, "").split():
            votes[language] = votes.get(language, 0) + 1
    return max(votes, key=votes.get) if votes else None


# --- Semrush ----------------------------------------------------------------------------

_SEMRUSH_LINK = {
    "source_title": ("Source title", "Source Page Title"),
    "source_url": ("Source url",),
    "target_url": ("Target url",),
    "anchor": ("Anchor",),
    "external_links": ("External links",),
    "internal_links": ("Internal links",),
    "nofollow": ("Nofollow", "No Follow"),
    "sponsored": ("Sponsored",),
    "ugc": ("Ugc",),
    "flag_text": ("Text",),
    "flag_frame": ("Frame",),
    "flag_form": ("Form",),
    "flag_image": ("Image",),
    "sitewide": ("Sitewide",),
    "first_seen": ("First seen",),
    "last_seen": ("Last seen",),
    "new": ("New link",),
    "lost": ("Lost link",),
}
register(Layout("semrush_backlinks", "semrush", "links", "Semrush Backlinks",
                {**_SEMRUSH_LINK, "page_ascore": ("Page ascore",)},
                required=("page_ascore", "source_url", "target_url")))
register(Layout("semrush_backlinks_old", "semrush", "links", "Semrush Backlinks (older layout)",
                {**_SEMRUSH_LINK, "page_ascore": ("Page score",), "page_trust_score": ("Page trust score",)},
                required=("page_ascore", "page_trust_score", "source_url", "target_url")))
register(Layout("semrush_backlink_audit", "semrush", "links", "Semrush Backlink Audit",
                {
                    "authority_score": ("Domain Authority Score",),
                    "page_ascore": ("Page Authority Score",),
                    "source_url": ("Source URL",),
                    "source_title": ("Source Page Title",),
                    "target_url": ("Target URL",),
                    "anchor": ("Anchor",),
                    "anchor_type": ("Anchor Type",),
                    "type": ("Link Type",),
                    "nofollow": ("No Follow", "Nofollow"),
                    "toxic_score": ("Toxic Score",),
                    "first_seen": ("First Seen",),
                    "last_seen": ("Last Seen",),
                },
                required=("source_url", "target_url", "toxic_score")))
register(Layout("semrush_referring_domains", "semrush", "domains", "Semrush Referring domains",
                {
                    "authority_score": ("Domain ascore", "Domain score"),
                    "domain": ("Domain",),
                    "backlinks": ("Backlinks",),
                    "ip": ("IP Address", "IP"),
                    "country": ("Country",),
                    "first_seen": ("First seen",),
                    "last_seen": ("Last seen",),
                },
                required=("authority_score", "domain", "backlinks")))
register(Layout("semrush_indexed_pages", "semrush", "pages", "Semrush Indexed pages",
                {
                    "url": ("Source url",),
                    "title": ("Source title",),
                    "http_code": ("Response code",),
                    "backlinks": ("Backlinks",),
                    "referring_domains": ("Domains",),
                    "external_links": ("External links",),
                    "internal_links": ("Internal links",),
                    "last_seen": ("Last seen",),
                },
                required=("url", "http_code", "backlinks", "referring_domains")))

# --- Ahrefs -----------------------------------------------------------------------------

# Columns the Referring domains and Anchors exports share: their links to the target and dates.
_AHREFS_LINK_COUNTS = {
    "links_to_target": ("Links to target",),
    "new_links": ("New links",),
    "lost_links": ("Lost links",),
    "dofollow_links": ("Dofollow links",),
    "first_seen": ("First seen",),
    "lost_at": ("Lost",),
}

register(Layout("ahrefs_backlinks", "ahrefs", "links", "Ahrefs Backlinks",
                {
                    "source_title": ("Referring page title", "Referring Page Title"),
                    "source_url": ("Referring page URL", "Referring Page URL"),
                    "language": ("Language",),
                    "http_code": ("Referring page HTTP code",),
                    "domain_rating": ("Domain rating", "Domain Rating", "DR"),
                    "url_rating": ("UR", "URL Rating", "URL rating"),
                    "domain_traffic": ("Domain traffic",),
                    "page_traffic": ("Page traffic", "Traffic"),
                    "external_links": ("External links", "External Links Count"),
                    "internal_links": ("Internal Links Count",),
                    "target_url": ("Target URL", "Link URL"),
                    "left_context": ("Left context", "TextPre"),
                    "anchor": ("Anchor", "Link Anchor"),
                    "right_context": ("Right context", "TextPost"),
                    "type": ("Type",),
                    "is_spam": ("Is spam",),
                    "nofollow": ("Nofollow",),
                    "ugc": ("UGC",),
                    "sponsored": ("Sponsored",),
                    "first_seen": ("First seen", "First Seen"),
                    "last_seen": ("Last seen", "Last Check", "Last check"),
                    "lost_at": ("Lost", "Day Lost"),
                },
                required=("source_url", "target_url"), multiline=True))
register(Layout("ahrefs_referring_domains", "ahrefs", "domains", "Ahrefs Referring domains",
                {
                    "domain": ("Domain",),
                    "domain_rating": ("DR", "Domain rating"),
                    "dofollow_ref_domains": ("Dofollow ref. domains",),
                    "dofollow_linked_domains": ("Dofollow linked domains",),
                    "traffic": ("Traffic",),
                    "keywords": ("Keywords",),
                    **_AHREFS_LINK_COUNTS,
                    "is_spam": ("Is spam",),
                },
                required=("domain", "domain_rating", "links_to_target")))
register(Layout("ahrefs_anchors", "ahrefs", "anchors", "Ahrefs Anchors",
                {
                    "anchor": ("Anchor text", "Anchor"),
                    "referring_domains": ("Ref. domains", "Referring domains"),
                    "top_domain_rating": ("Top DR",),
                    "referring_pages": ("Ref. pages", "Referring pages"),
                    **_AHREFS_LINK_COUNTS,
                },
                required=("anchor", "referring_domains", "referring_pages")))

# --- Majestic and Moz -------------------------------------------------------------------

register(Layout("majestic_backlinks", "majestic", "links", "Majestic backlinks",
                {
                    "target_url": ("Target URL", "TargetURL"),
                    "source_url": ("Source URL", "SourceURL"),
                    "anchor": ("Anchor Text", "AnchorText"),
                    "last_seen": ("Source Crawl Date", "SourceCrawlDate", "Last Seen Date"),
                    "first_seen": ("Source First Found Date", "SourceFirstFoundDate", "First Indexed Date"),
                    "nofollow": ("FlagNoFollow",),
                    "flag_image": ("FlagImageLink",),
                    "flag_redirect": ("FlagRedirect",),
                    "flag_frame": ("FlagFrame",),
                    "lost": ("FlagDeleted",),
                    "citation_flow": ("SourceCitationFlow",),
                    "trust_flow": ("SourceTrustFlow",),
                    "target_citation_flow": ("TargetCitationFlow",),
                    "target_trust_flow": ("TargetTrustFlow",),
                },
                required=("source_url", "target_url", "nofollow"), empty_is_false=True))
register(Layout("moz_links", "moz", "links", "Moz Link Explorer links",
                {
                    "source_url": ("URL",),
                    "source_title": ("Title",),
                    "anchor": ("Anchor Text",),
                    "spam_score": ("Spam Score",),
                    "page_authority": ("Page Authority",),
                    "domain_authority": ("Domain Authority",),
                    "target_url": ("Target URL",),
                    "nofollow": ("Only rel=nofollow",),
                    "follow": ("Only follow",),
                    "flag_redirect": ("301",),
                },
                required=("source_url", "target_url", "domain_authority")))

# --- Google Search Console (localized) --------------------------------------------------
# (header, languages) — en, es, de, fr, pt, it. The English names are Search Console's (seen in
# many public exports). "Last crawled" is Search Console's wording in its other exports too, so
# its translations are confirmed from those (Page indexing exports and URL inspection in es, de,
# fr, pt; it weaker). The other translations are the localized interfaces' wording as best known,
# with common variants: guesses, matched only when a header is exactly one of them.

_GSC_HEADERS: dict[str, tuple[tuple[str, str], ...]] = {
    "site": (("Site", "en fr pt"), ("Sitio", "es"), ("Sitio web", "es"), ("Website", "de"), ("Site web", "fr"),
             ("Sito", "it"), ("Sito web", "it")),
    "linking_pages": (("Linking pages", "en"), ("Páginas que enlazan", "es"), ("Páginas de enlace", "es"),
                      ("Verweisende Seiten", "de"), ("Verlinkende Seiten", "de"), ("Pages avec lien", "fr"),
                      ("Pages de liens", "fr"), ("Pages associées", "fr"), ("Páginas com links", "pt"),
                      ("Páginas com link", "pt"), ("Páginas que vinculam", "pt"), ("Pagine che rimandano", "it"),
                      ("Pagine con link", "it")),
    "target_pages": (("Target pages", "en"), ("Páginas de destino", "es pt"), ("Zielseiten", "de"),
                     ("Pages cibles", "fr"), ("Pagine di destinazione", "it")),
    "target_page": (("Target page", "en"), ("Página de destino", "es pt"), ("Zielseite", "de"),
                    ("Page cible", "fr"), ("Pagina di destinazione", "it")),
    "incoming_links": (("Incoming links", "en"), ("Enlaces entrantes", "es"), ("Eingehende Links", "de"),
                       ("Liens entrants", "fr"), ("Links de entrada", "pt"), ("Links recebidos", "pt"),
                       ("Link in entrata", "it")),
    "linking_sites": (("Linking sites", "en"), ("Sitios que enlazan", "es"), ("Sitios de enlace", "es"),
                      ("Verweisende Websites", "de"), ("Verlinkende Websites", "de"), ("Sites avec lien", "fr"),
                      ("Sites de liens", "fr"), ("Sites com links", "pt"), ("Sites com link", "pt"),
                      ("Sites que vinculam", "pt"), ("Siti che rimandano", "it"), ("Siti con link", "it")),
    "linking_page": (("Linking page", "en"), ("Página que enlaza", "es"), ("Página de enlace", "es"),
                     ("Verweisende Seite", "de"), ("Verlinkende Seite", "de"), ("Page avec lien", "fr"),
                     ("Page de liens", "fr"), ("Página com link", "pt"), ("Página que vincula", "pt"),
                     ("Pagina che rimanda", "it"), ("Pagina con link", "it")),
    "linking_text": (("Linking text", "en"), ("Texto del enlace", "es"), ("Texto de enlace", "es"),
                     ("Linktext", "de"), ("Texte du lien", "fr"), ("Texte de lien", "fr"), ("Texto do link", "pt"),
                     ("Testo del link", "it")),
    "last_crawled": (("Last crawled", "en"), ("Último rastreo", "es"), ("Zuletzt gecrawlt", "de"),
                     ("Dernière exploration", "fr"), ("Último rastreamento", "pt"), ("Última rastreamento", "pt"),
                     ("Ultima scansione", "it")),
}

GSC_LANGUAGES = ("en", "es", "de", "fr", "pt", "it")


def _gsc(name: str, kind: str, title: str, columns: dict[str, str], required: tuple[str, ...]) -> Layout:
    """A GSC layout from {field: header id in _GSC_HEADERS}."""
    aliases = {name_: tuple(h for h, _ in _GSC_HEADERS[header]) for name_, header in columns.items()}
    languages = {header_key(h): langs for header in columns.values() for h, langs in _GSC_HEADERS[header]}
    return register(Layout(name, "gsc", kind, title, aliases, required, languages=languages))


_gsc("gsc_top_linking_sites", "domains", "Search Console Top linking sites",
     {"domain": "site", "linking_pages": "linking_pages", "target_pages": "target_pages"},
     ("domain", "linking_pages"))
_gsc("gsc_top_linked_pages", "pages", "Search Console Top linked pages",
     {"url": "target_page", "backlinks": "incoming_links", "referring_domains": "linking_sites"},
     ("url", "backlinks"))
_gsc("gsc_latest_links", "links", "Search Console Latest links",
     {"source_url": "linking_page", "last_seen": "last_crawled"}, ("source_url", "last_seen"))
_gsc("gsc_sample_links", "links", "Search Console More sample links", {"source_url": "linking_page"},
     ("source_url",))
_gsc("gsc_top_linking_text", "anchors", "Search Console Top linking text", {"anchor": "linking_text"}, ("anchor",))
