"""Community-spam markers: links dropped in comments, forums and signatures."""

from __future__ import annotations

from . import Marker, register

_SIGNATURE = "'(^|\\s)(--|__)\\s|signature|sig:'"

register(Marker(
    "comment_link", "community_spam", 0.2,
    "Links placed in the comments or replies of the linking pages (in full when they are follow links).",
    lambda ctx: """
        SELECT source_domain, source_url, target_url,
               max(CASE WHEN nofollow OR ugc OR sponsored THEN 0.4 ELSE 1.0 END),
               json_object('page', source_url, 'anchor', any_value(anchor),
                           'follow', bool_or(NOT (nofollow OR ugc OR sponsored)))::VARCHAR
        FROM audit_elements WHERE placement = 'comment' GROUP BY source_domain, source_url, target_url
    """,
    lambda e: f"A {'follow ' if e.get('follow') else ''}link in the comments of {e.get('page')} "
              f"(\"{e.get('anchor')}\"){' — unmoderated comments pass ranking' if e.get('follow') else ''}.",
    scope="backlink", aggregate="share",
))

register(Marker(
    "ugc_link", "community_spam", 0.1,
    "Links marked rel=\"ugc\": user-generated content (forums, comments).",
    lambda ctx: """
        SELECT source_domain, source_url, target_url, 1.0,
               json_object('page', source_url, 'anchor', any_value(anchor))::VARCHAR
        FROM audit_elements WHERE ugc GROUP BY source_domain, source_url, target_url
    """,
    lambda e: f"A user-generated (rel=\"ugc\") link on {e.get('page')}.",
    scope="backlink", aggregate="share",
))

register(Marker(
    "signature_link", "community_spam", 0.25,
    "Links in forum or comment signatures (after a '--' separator).",
    lambda ctx: f"""
        SELECT source_domain, source_url, target_url, 1.0,
               json_object('page', source_url, 'anchor', any_value(anchor), 'context', left(any_value(context), 120))::VARCHAR
        FROM audit_elements WHERE placement = 'comment' AND regexp_matches(lower(coalesce(context, '')), {_SIGNATURE})
        GROUP BY source_domain, source_url, target_url
    """,
    lambda e: f"A signature link on {e.get('page')} (\"{e.get('context')}\").",
    scope="backlink", aggregate="share",
))
