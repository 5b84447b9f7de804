"""Crawler-trap defence: session ids stripped, endless URL spaces capped.

Traps are URL spaces a site can generate without end: a session id in every link, a
calendar with a "next month" link forever, faceted search multiplying query strings,
relative links that pile up path segments. The guard cleans URLs (session parameters and
``;jsessionid=`` path parameters removed) and refuses URLs past the limits of the policy,
counting each refusal under ``crawl/trap/<reason>``.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from linkatlas.crawl.policy import TrapPolicy
from linkatlas.extract.urls import normalize_url
from linkatlas.sources.counters import RunStats

__all__ = ["TrapGuard"]

_PATH_SESSION = re.compile(r";(?:jsessionid|phpsessid|sid|sessionid)=[^/?#]*", re.IGNORECASE)
_DIGITS = re.compile(r"\d+")
_DATE_LIKE = re.compile(
    r"(?:^|[/=_.-])(?:19|20)\d\d(?:[/_.-]?(?:0?[1-9]|1[0-2]))?(?:$|[/&_.-])|(?:year|month|day|date|week)=",
    re.IGNORECASE,
)


class TrapGuard:
    def __init__(self, policy: TrapPolicy, stats: RunStats) -> None:
        self.policy = policy
        self.stats = stats
        self.session_params = frozenset(name.lower() for name in policy.session_params)
        self.query_variants: Counter = Counter()
        self.shapes: Counter = Counter()

    def clean(self, url: str) -> str | None:
        """``url`` without session ids, normalized (None if unusable)."""
        if ";" not in url and "?" not in url:
            return url if url.startswith(("http://", "https://")) and "#" not in url else normalize_url(url)
        parts = urlsplit(url)
        path = _PATH_SESSION.sub("", parts.path)
        query = parts.query
        if query:
            pairs = parse_qsl(query, keep_blank_values=True)
            kept = [(key, value) for key, value in pairs if key.lower() not in self.session_params]
            if len(kept) != len(pairs):
                query = urlencode(kept)
        if path != parts.path or query != parts.query:
            self.stats.count("crawl/trap/session_id_removed")
            url = urlunsplit((parts.scheme, parts.netloc, path, query, ""))
        return normalize_url(url)

    def admit(self, url: str) -> bool:
        """May ``url`` be queued? Counts the URL space it belongs to."""
        reason = self._refusal(url)
        if reason:
            self.stats.count(f"crawl/trap/{reason}")
            return False
        return True

    def _refusal(self, url: str) -> str | None:
        policy = self.policy
        if len(url) > policy.max_url_length:
            return "url_too_long"
        parts = urlsplit(url)
        segments = [segment for segment in parts.path.split("/") if segment]
        if len(segments) > policy.max_path_segments:
            return "path_too_deep"
        if segments and Counter(segments).most_common(1)[0][1] > policy.max_segment_repeats:
            return "repeated_segments"
        if parts.query:
            if parts.query.count("&") + 1 > policy.max_query_params:
                return "too_many_query_params"
            key = (parts.netloc, parts.path)
            if self.query_variants[key] >= policy.max_query_variants:
                return "query_variants"
            self.query_variants[key] += 1
        tail = parts.path + "?" + parts.query
        if _DATE_LIKE.search(tail):
            shape = (parts.netloc, _DIGITS.sub("#", tail))
            if self.shapes[shape] >= policy.max_per_shape:
                return "calendar"
            self.shapes[shape] += 1
        return None
