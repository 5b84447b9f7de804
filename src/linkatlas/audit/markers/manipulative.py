"""Manipulative-link markers: anchors, placements and pages made to pass ranking, not readers."""

from __future__ import annotations

from linkatlas.audit import themes
from linkatlas.metrics.anchors import GENERIC_ANCHORS

from . import Marker, register
from .context import AuditContext, phrase_pattern

MONEY = "('exact', 'partial')"
NAV = "('footer', 'sidebar', 'nav', 'header')"
DIRECTORY_LINKS = 40  # external links from which a page is a link list
FARM_LINKS = 300  # ... and a link farm, when links outnumber the text (10+ per 100 words)
STUFFING_DOMAINS = 2  # other domains linked with sales anchors on the same page


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _matches(column: str, kind: str) -> str:
    return f"coalesce(regexp_matches(lower({column}), {_quote(phrase_pattern(kind))}), false)"


def _evidence(*pairs: str) -> str:
    return "json_object(" + ", ".join(pairs) + ")::VARCHAR"


_BACKLINK = "'page', b.source_url, 'target', b.target_url, 'anchor', b.anchor"


register(Marker(
    "money_anchor", "manipulative", 0.35,
    "Follow links whose anchor is an exact or partial match of the target page's keywords (brand names aside).",
    lambda ctx: f"""
        SELECT b.source_domain, b.source_url, b.target_url, 1.0, {_evidence(_BACKLINK, "'anchor_type', b.anchor_type")}
        FROM audit_bl b WHERE b.follow AND b.anchor_type IN {MONEY} AND NOT b.syndicated
    """,
    lambda e: f"A follow link with the keyword anchor \"{e.get('anchor')}\" ({e.get('anchor_type')} match) on "
              f"{e.get('page')}.",
    scope="backlink", aggregate="repeated",
))


def _repeated(ctx: AuditContext) -> str:
    least = max(3, round(0.03 * ctx.referring_domains + 0.5))
    return f"""
        WITH a AS (
            SELECT lower(trim(anchor)) AS key, count(DISTINCT source_domain) AS domains FROM audit_bl
            WHERE type = 'text' AND anchor_type IN ('exact', 'partial', 'other') AND regexp_matches(anchor, '\\pL')
              AND length(trim(anchor)) >= 3 AND NOT syndicated
            GROUP BY 1 HAVING count(DISTINCT source_domain) >= {least})
        SELECT b.source_domain, b.source_url, b.target_url,
               least(1.0, a.domains / CASE WHEN len(string_split(trim(b.anchor), ' ')) >= 5 THEN {float(least)}
                                           ELSE {2.0 * least} END),
               {_evidence(_BACKLINK, "'domains', a.domains")}
        FROM audit_bl b JOIN a ON a.key = lower(trim(b.anchor)) WHERE NOT b.syndicated
    """


register(Marker(
    "repeated_anchor", "manipulative", 0.2,
    "The same non-brand anchor text links the target from many referring domains.",
    _repeated,
    lambda e: f"The anchor \"{e.get('anchor')}\" links the target from {e.get('domains')} different referring domains "
              "— copied or planted links.",
    scope="backlink",
))


def _sales_anchor(column: str) -> str:
    return f"({_matches(column, 'commercial')} OR lower({column}) IN (SELECT anchor FROM audit_sales_anchors))"


def _names_its_target(anchor: str, domain: str) -> str:
    """SQL: the anchor is the linked site's own name ('Crypto Weekly' for cryptoweekly.net), not a sales pitch."""
    squashed = f"regexp_replace(lower({anchor}), '[^\\pL\\pN]', '', 'g')"
    label = f"regexp_replace(split_part({domain}, '.', 1), '[^\\pL\\pN]', '', 'g')"
    return f"(contains({squashed}, {label}) AND length({label}) >= 0.6 * length({squashed}))"


def _stuffing(ctx: AuditContext) -> str:
    ctx.index.sql(f"""
        CREATE OR REPLACE TEMP TABLE audit_sales_anchors AS
        WITH w AS (SELECT DISTINCT lower(anchor) AS key, unnest(regexp_extract_all(lower(anchor), '[^\\W\\d_]{{3,}}')) AS word,
                          1.0 AS weight
                   FROM audit_source_links WHERE type = 'text' AND anchor IS NOT NULL),
        s AS ({themes.theme_sql('w')})
        SELECT key AS anchor FROM s WHERE key NOT IN ({', '.join(map(_quote, sorted(GENERIC_ANCHORS)))}) GROUP BY key
        HAVING sum(score) FILTER (WHERE category IN ({', '.join(map(_quote, themes.SPAM_THEMES))})) > 0.5 * sum(score)
    """)
    return f"""
        WITH others AS (
            SELECT x.source_url, count(DISTINCT x.target_domain) AS domains, list(DISTINCT x.anchor)[:5] AS anchors
            FROM audit_source_links x
            WHERE x.target_domain <> $target_domain AND x.type = 'text' AND x.placement IN ('content', 'comment')
              AND NOT (x.nofollow OR x.ugc OR x.sponsored) AND {_sales_anchor('x.anchor')}
              AND NOT {_names_its_target('x.anchor', 'x.target_domain')}
            GROUP BY x.source_url HAVING count(DISTINCT x.target_domain) >= {STUFFING_DOMAINS})
        SELECT b.source_domain, b.source_url, b.target_url, least(1.0, o.domains / 3.0),
               {_evidence(_BACKLINK, "'other_domains', o.domains", "'other_anchors', o.anchors")}
        FROM audit_bl b JOIN others o USING (source_url)
        WHERE b.type = 'text' AND b.anchor_type IN ('exact', 'partial', 'other')
    """


register(Marker(
    "anchor_stuffing", "manipulative", 0.5,
    "A keyword link to the target among sales links to other sites on the same page.",
    _stuffing,
    lambda e: f"{e.get('page')} links the target with \"{e.get('anchor')}\" next to sales anchors pointing to "
              f"{e.get('other_domains')} other sites ({', '.join(repr(a) for a in e.get('other_anchors', [])[:3])}).",
    scope="backlink",
))

register(Marker(
    "empty_anchor", "manipulative", 0.3,
    "Text links with no words at all: an empty anchor or a lone symbol such as '.' or '-'.",
    lambda ctx: f"""
        SELECT b.source_domain, b.source_url, b.target_url, 1.0, {_evidence(_BACKLINK)}
        FROM audit_bl b WHERE b.type = 'text' AND NOT regexp_matches(coalesce(b.anchor, ''), '[\\pL\\pN]')
    """,
    lambda e: f"A text link with no words (anchor \"{e.get('anchor') or ''}\") on {e.get('page')} — left over from "
              "copied content or meant to go unnoticed.",
    scope="backlink", aggregate="repeated",
))

register(Marker(
    "hidden_link", "manipulative", 0.65,
    "Links hidden from readers (display:none, visibility:hidden, zero font size, hidden attribute).",
    lambda ctx: f"""
        SELECT e.source_domain, e.source_url, e.target_url, 1.0,
               {_evidence("'page', e.source_url", "'target', e.target_url", "'anchor', any_value(e.anchor)",
                          "'placement', any_value(e.placement)")}
        FROM audit_elements e WHERE e.hidden GROUP BY e.source_domain, e.source_url, e.target_url
    """,
    lambda e: f"A hidden link (\"{e.get('anchor')}\") on {e.get('page')}: readers cannot see it, so it is there "
              "for search engines — typical of hacked sites.",
    scope="backlink",
))


def _sitewide(ctx: AuditContext) -> str:
    return f"""
        WITH pages AS (SELECT domain, count(*) AS pages FROM audit_pages WHERE has_ok AND html GROUP BY domain),
        nav AS (
            SELECT source_domain AS domain, count(DISTINCT source_url) AS linking, mode(placement) AS placement,
                   mode(anchor) AS anchor, mode(anchor_type) AS anchor_type,
                   max(CASE WHEN follow AND anchor_type IN {MONEY} THEN 1.0 WHEN follow THEN 0.3 ELSE 0.15 END) AS kind
            FROM audit_bl WHERE status = 'live' AND placement IN {NAV} GROUP BY source_domain)
        SELECT n.domain, NULL, NULL, n.kind,
               {_evidence("'pages_linking', n.linking", "'pages', p.pages", "'placement', n.placement",
                          "'anchor', n.anchor", "'anchor_type', n.anchor_type")}
        FROM nav n JOIN pages p USING (domain)
        WHERE n.linking >= 3 AND n.linking >= 0.5 * p.pages
    """


register(Marker(
    "sitewide", "manipulative", 0.35,
    "A footer, sidebar or menu link on most pages of the domain (strongest with a keyword anchor).",
    _sitewide,
    lambda e: f"A {e.get('placement')} link on {e.get('pages_linking')} of its {e.get('pages')} pages "
              f"(anchor \"{e.get('anchor')}\", {e.get('anchor_type')}) — a sitewide link.",
))

def _link_list(strength: str, condition: str) -> str:
    """Backlinks whose source page is a list of external links (``condition`` on audit_pages ``p``)."""
    return f"""
        SELECT b.source_domain, b.source_url, b.target_url, least(1.0, {strength}),
               {_evidence(_BACKLINK, "'external_links', p.external_links", "'words', p.word_count")}
        FROM audit_bl b JOIN audit_pages p ON p.url = b.source_url WHERE {condition}
    """


register(Marker(
    "link_directory", "manipulative", 0.3,
    f"The linking page is a list of links: {DIRECTORY_LINKS}+ external links with little text each.",
    lambda ctx: _link_list("p.external_links / 100.0", f"p.external_links >= {DIRECTORY_LINKS} "
                                                       "AND coalesce(p.word_count, 0) < 25 * p.external_links"),
    lambda e: f"{e.get('page')} is a link list: {e.get('external_links')} external links for {e.get('words')} words "
              "of text (a link directory).",
    scope="backlink",
))

register(Marker(
    "link_farm", "manipulative", 0.6,
    f"The linking page holds hundreds or thousands of external links ({FARM_LINKS}+, more links than text): a link farm.",
    lambda ctx: _link_list("p.external_links / 1000.0", f"p.external_links >= {FARM_LINKS} "
                                                        "AND p.external_links * 10 >= coalesce(p.word_count, 0)"),
    lambda e: f"{e.get('page')} holds {e.get('external_links')} external links among {e.get('words')} words — a "
              "link farm page.",
    scope="backlink",
))


_ADDRESSES = {"guest": r"/(write-for-us|guest-posts?|guest-author|gastbeitrag)",
              "exchange": r"link-?exchange|linkpartner|/links?\.html?$"}


def _wording(kind: str, *, follow_only: bool) -> str:
    follow = "AND NOT (e.nofollow OR e.ugc OR e.sponsored) AND b.follow" if follow_only else ""
    words = [phrase for phrase in _phrases(kind) if " " not in phrase]
    terms = f"list_has_any(p.terms, [{', '.join(map(_quote, words))}])" if words else "false"
    url = _ADDRESSES.get(kind)
    url_match = f"OR regexp_matches(lower(b.source_url), {_quote(url)})" if url else ""
    return f"""
        WITH found AS (
            SELECT e.source_domain, e.source_url, e.target_url,
                   CASE WHEN {_matches('e.context', kind)} THEN 'context'
                        WHEN {_matches('p.title', kind)} THEN 'title'
                        WHEN coalesce({terms}, false) THEN 'page text' ELSE 'address' END AS place,
                   CASE WHEN {_matches('e.context', kind)} THEN e.context ELSE p.title END AS wording,
                   e.anchor
            FROM audit_elements e JOIN audit_bl b USING (source_url, target_url) JOIN audit_pages p ON p.url = e.source_url
            WHERE ({_matches('e.context', kind)} OR {_matches('p.title', kind)} OR coalesce({terms}, false) {url_match})
              {follow})
        SELECT source_domain, source_url, target_url, 1.0,
               json_object('page', source_url, 'target', target_url, 'anchor', any_value(anchor),
                           'found_in', any_value(place), 'wording', left(any_value(wording), 160))::VARCHAR
        FROM found GROUP BY source_domain, source_url, target_url
    """


def _phrases(kind: str) -> tuple[str, ...]:
    from .context import PHRASES

    return PHRASES()[kind]


register(Marker(
    "paid_unmarked", "manipulative", 0.5,
    "A follow link on a page or next to wording that says it is sponsored or paid (no rel=sponsored/nofollow).",
    lambda ctx: _wording("sponsored", follow_only=True),
    lambda e: f"A follow link (\"{e.get('anchor')}\") on {e.get('page')}, whose {e.get('found_in')} says it is paid "
              f"(\"{e.get('wording')}\"), without rel=\"sponsored\" or \"nofollow\" — an unmarked paid link.",
    scope="backlink",
))

register(Marker(
    "guest_post", "manipulative", 0.3,
    "Guest-post footprints: 'guest post by', 'write for us' and the like around the link or on the page.",
    lambda ctx: _wording("guest", follow_only=False),
    lambda e: f"{e.get('page')} carries guest-post footprints in its {e.get('found_in')} (\"{e.get('wording')}\").",
    scope="backlink", aggregate="share",
))

register(Marker(
    "link_exchange", "manipulative", 0.4,
    "The link sits on a link-exchange page ('link exchange', 'reciprocal links', 'link partners').",
    lambda ctx: _wording("exchange", follow_only=False),
    lambda e: f"{e.get('page')} is a link-exchange page (its {e.get('found_in')}: \"{e.get('wording')}\").",
    scope="backlink",
))

register(Marker(
    "reciprocal", "manipulative", 0.1,
    "The target's own pages link back to this domain (a link swap, unless it is a real partner).",
    lambda ctx: """
        WITH own AS (SELECT arg_max(fetch_id, fetched_at) AS fetch_id FROM fetches
                     WHERE domain = $target_domain AND status BETWEEN 200 AND 299 GROUP BY url)
        SELECT l.target_domain, NULL, NULL, 1.0,
               json_object('target_pages', list(DISTINCT l.source_url ORDER BY l.source_url)[:3],
                           'links', count(*))::VARCHAR
        FROM links l WHERE l.fetch_id IN (SELECT fetch_id FROM own)
          AND l.target_domain IN (SELECT domain FROM audit_domains)
        GROUP BY l.target_domain
    """,
    lambda e: f"The target links back to it from {', '.join(e.get('target_pages', []))} — reciprocal links.",
))


def _burst(ctx: AuditContext) -> str:
    return """
        WITH periods AS (SELECT DISTINCT date_trunc('month', fetched_at) AS start FROM fetches),
        ranked AS (SELECT start, row_number() OVER (ORDER BY start DESC) AS age FROM periods),
        per AS (
            SELECT b.source_domain AS domain, count(*) FILTER (WHERE r.age = 1) AS latest,
                   count(*) FILTER (WHERE r.age = 2) AS previous, count(*) FILTER (WHERE r.age > 1) AS before,
                   max(r.start) FILTER (WHERE r.age = 1) AS period
            FROM audit_bl b JOIN ranked r ON r.start = date_trunc('month', b.first_seen)
            GROUP BY b.source_domain)
        SELECT domain, NULL, NULL, least(1.0, latest / 20.0),
               json_object('period', strftime(period, '%Y-%m'), 'new_backlinks', latest,
                           'previous_period', previous, 'before', before)::VARCHAR
        FROM per WHERE before > 0 AND latest >= 10 AND latest >= 3 * greatest(previous, 1)
    """


register(Marker(
    "link_burst", "manipulative", 0.3,
    "The domain brought a burst of new backlinks in the latest crawl period (10+, three times the period before).",
    _burst,
    lambda e: f"It added {e.get('new_backlinks')} new backlinks in {e.get('period')} after "
              f"{e.get('previous_period')} in the period before — a link burst.",
))
