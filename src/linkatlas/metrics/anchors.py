"""Anchor types (DESIGN §3): branded, exact, partial, naked_url, generic, image, empty, other.

The first rule that applies wins, in this order:

1. ``image`` — an image link (its anchor is the image's alt text).
2. ``empty`` — no text at all (also frames, forms and redirects, which carry none).
3. ``naked_url`` — the anchor is a URL or a bare host name on a listed public suffix
   (``https://acme.com/x``, ``www.acme.com``, ``acme.com``).
4. ``branded`` — contains a brand name, compared without case, spaces or punctuation
   (``Acme-Analytics`` contains ``AcmeAnalytics``). Without ``--brand``, the target
   domain's name (``acmeanalytics`` for ``acmeanalytics.com``) is the brand.
5. ``exact`` — its words equal a keyword phrase: one given with ``--keyword`` or a phrase
   of the title of a linked target page (titles split at ``|``, ``–``, ``—``, `` - ``,
   ``:``; phrases that are brand names are left out).
6. ``partial`` — its words include every significant word (stop words aside) of a phrase.
7. ``generic`` — a stock call to action ("click here", "read more", "website", ...).
8. ``other`` — anything else (contextual anchors).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from linkatlas.extract.domains import split_host

__all__ = ["ANCHOR_TYPES", "AnchorClassifier", "title_phrases"]

ANCHOR_TYPES = ("branded", "exact", "partial", "naked_url", "generic", "image", "empty", "other")

GENERIC_ANCHORS = frozenset(
    """click here|here|click|read more|learn more|more|more info|more information|find out more|see more|
    continue reading|read the full article|full article|read|this|this link|link|this website|website|web site|
    this site|site|visit site|visit website|visit|homepage|home page|home|official site|official website|
    source|via|check it out|check this out|this article|this post|this page|article|post|page|details|
    go|go here|view|view more|view site|url|download|sign up|get started|try it|try it free|learn|info|
    aquí|haga clic aquí|hier|hier klicken|mehr|ici|cliquez ici|en savoir plus|qui|clicca qui|aqui|clique aqui""".replace(
        "\n", ""
    ).split("|")
)
GENERIC_ANCHORS = frozenset(phrase.strip() for phrase in GENERIC_ANCHORS)

STOP_WORDS = frozenset(
    "a an the and or of for to in on at by with from your our my its is are be how what why best top vs".split()
)

_WORD = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*", re.UNICODE)
_TITLE_SEPARATORS = re.compile(r"\s*[|–—·•]\s*|\s-\s|:\s")
_URLISH = re.compile(r"^(?:https?://|www\.)\S+$|^[^\s/]+\.[^\s/]+(?:/\S*)?$", re.IGNORECASE)


def _words(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(text.casefold()))


def _squashed(text: str) -> str:
    return "".join(char for char in text.casefold() if char.isalnum())


def title_phrases(title: str | None) -> list[str]:
    """The phrases of a page title: ``"Pricing | Acme Analytics"`` → ``["Pricing", "Acme Analytics"]``."""
    if not title:
        return []
    return [part.strip() for part in _TITLE_SEPARATORS.split(title) if part.strip()]


def _is_naked_url(anchor: str) -> bool:
    if not _URLISH.match(anchor):
        return False
    if anchor.lower().startswith(("http://", "https://", "www.")):
        return True
    host = anchor.split("/", 1)[0].rstrip(".")
    return bool(split_host(host)[2])  # a listed public suffix, so "node.js" is not a URL


@dataclass
class AnchorClassifier:
    """Classify anchors for one target; build with :meth:`for_target`."""

    brands: tuple[str, ...]
    phrases: tuple[tuple[str, ...], ...]  # keyword phrases as word tuples
    _cache: dict = field(default_factory=dict, repr=False)

    @classmethod
    def for_target(cls, target_domain: str, brands: Iterable[str] = (), keywords: Iterable[str] = (),
                   titles: Iterable[str | None] = ()) -> AnchorClassifier:
        brand_names = [brand for brand in brands if _squashed(brand)]
        if not brand_names:
            label = split_host(target_domain)[1] or target_domain
            brand_names = [label]
        squashed_brands = tuple(dict.fromkeys(s for s in map(_squashed, brand_names) if len(s) >= 3))
        phrases = list(keywords)
        for title in titles:
            phrases += title_phrases(title)
        kept = []
        for phrase in phrases:
            words = _words(phrase)
            if words and _squashed(phrase) not in squashed_brands:
                kept.append(words)
        return cls(squashed_brands, tuple(dict.fromkeys(kept)))

    def classify(self, anchor: str | None, link_type: str = "text") -> str:
        key = (anchor, link_type)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._classify(anchor or "", link_type)
        return found

    def _classify(self, anchor: str, link_type: str) -> str:
        if link_type == "image":
            return "image"
        anchor = anchor.strip()
        if not anchor:
            return "empty"
        if _is_naked_url(anchor):
            return "naked_url"
        squashed = _squashed(anchor)
        if any(brand in squashed for brand in self.brands):
            return "branded"
        words = _words(anchor)
        if words and words in self.phrases:
            return "exact"
        word_set = set(words)
        for phrase in self.phrases:
            significant = [word for word in phrase if word not in STOP_WORDS] or list(phrase)
            if word_set.issuperset(significant):
                return "partial"
        if " ".join(words) in GENERIC_ANCHORS:
            return "generic"
        return "other"
