"""A domain's theme and its relevance to a project, offline, from the words of its pages.

The method is a bundled keyword lexicon (``audit/data/categories.json``): every category
(analytics, software, marketing, seo, business, news, lifestyle, gambling, ...) lists its topic
words in several languages. A page contributes its stored top main-text words
(``fetches.terms``, 24 per page) and the words of its title; a word listed under *k*
categories gives each of them ``1/k``. A domain's category shares are its scores divided by
their sum; its *theme* is the top category when it has at least ``MIN_HITS`` lexicon words.

*Relevance* (0-1) of a domain to a project is ``sum over categories of share * closeness``,
where the closeness of a category to the project is 1 for a project category, the
relatedness the lexicon gives (analytics and software 0.8, analytics and marketing 0.6, ...)
for neighbours, and 0 otherwise. The project's categories come from its settings; without
them, from the target's own crawled pages (its theme vector, scaled so the top category is 1),
else from the titles of its linked pages; when nothing is known relevance is NULL.

Everything per page and per domain runs in DuckDB: words are unnested and joined with the
lexicon table; Python only loads the lexicon once.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

import pyarrow as pa

from linkatlas.errors import UsageError
from linkatlas.index.store import Index

__all__ = ["Category", "categories", "MIN_HITS", "category_names", "resolve_categories", "fold", "FOLD_SQL",
           "lexicon_table", "text_theme", "closeness", "languages_for", "country_of", "SPAM_THEMES",
           "register_lexicon", "theme_sql", "target_profile", "ProjectTheme"]

MIN_HITS = 3.0  # lexicon words a domain or page needs before it has a theme
SPAM_THEMES = ("gambling", "pharma", "crypto", "seo", "hosting", "shopping")  # sales topics of money anchors
_WORD = re.compile(r"[^\W\d_]{3,}")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


@dataclass(frozen=True)
class Category:
    id: str
    label: str
    aliases: tuple[str, ...]
    related: dict[str, float]
    terms: dict[str, tuple[str, ...]]  # language -> words (folded)


def fold(word: str) -> str:
    """Lowercase and fold a plural ``-s`` away (``dashboards`` -> ``dashboard``); ``FOLD_SQL`` is the same in SQL."""
    word = word.lower()
    if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def FOLD_SQL(column: str) -> str:  # noqa: N802 - reads as a constant at the call sites
    return (f"CASE WHEN length({column}) > 4 AND suffix({column}, 's') AND NOT suffix({column}, 'ss') "
            f"AND NOT suffix({column}, 'us') AND NOT suffix({column}, 'is') THEN {column}[:-2] ELSE {column} END")


def _data(name: str) -> str:
    return resources.files("linkatlas.audit").joinpath("data", name).read_text(encoding="utf-8")


@functools.cache
def _categories() -> dict[str, Category]:
    raw = json.loads(_data("categories.json"))["categories"]
    categories = {}
    for cid, spec in raw.items():
        terms = {lang: tuple(dict.fromkeys(fold(w) for w in _split_words(text))) for lang, text in spec["terms"].items()}
        categories[cid] = Category(cid, spec["label"], tuple(spec.get("aliases", ())), dict(spec.get("related", {})), terms)
    return categories


def _split_words(text: str) -> list[str]:
    words = []
    for token in text.split():
        words += _WORD.findall(token.lower()) if not _CJK.search(token) else [token]
    return words


def categories() -> dict[str, Category]:
    """The bundled lexicon's categories by id (loaded once)."""
    return _categories()


def category_names() -> list[str]:
    return sorted(categories())


def resolve_categories(names: Iterable[str]) -> tuple[str, ...]:
    """Category ids for names given by a user (ids, labels or aliases, any case)."""
    lookup = {}
    for category in categories().values():
        for name in (category.id, category.label, *category.aliases):
            lookup[" ".join(name.lower().replace("-", " ").split())] = category.id
    resolved = []
    for name in names:
        key = " ".join(str(name).lower().replace("-", " ").replace("_", " ").split())
        if key not in lookup:
            raise UsageError(f"--category {name!r}: not a known category; choose from {', '.join(category_names())} "
                             "(or an alias listed in docs/audit.md)")
        resolved.append(lookup[key])
    return tuple(dict.fromkeys(resolved))


def closeness(project: dict[str, float]) -> dict[str, float]:
    """How close each category is to a project given as ``{category: weight 0-1}``."""
    close: dict[str, float] = {}
    for category in categories().values():
        best = 0.0
        for wanted, weight in project.items():
            if wanted == category.id:
                best = max(best, weight)
                continue
            related = max(categories()[wanted].related.get(category.id, 0.0), category.related.get(wanted, 0.0))
            best = max(best, weight * related)
        if best > 0:
            close[category.id] = round(best, 4)
    return close


@functools.cache
def lexicon_table() -> pa.Table:
    """(word, category, weight, cjk): every lexicon word, weight 1/k over the k categories listing it."""
    owners: dict[str, set[str]] = {}
    for category in categories().values():
        for words in category.terms.values():
            for word in words:
                owners.setdefault(word, set()).add(category.id)
    rows = [(word, cid, 1.0 / len(cids), bool(_CJK.search(word))) for word, cids in sorted(owners.items())
            for cid in sorted(cids)]
    return pa.table({"word": [r[0] for r in rows], "category": [r[1] for r in rows],
                     "weight": pa.array([r[2] for r in rows], pa.float64()), "cjk": [r[3] for r in rows]})


def text_theme(words: Iterable[str]) -> dict[str, float]:
    """Category scores of loose words, in Python (the same rules as :func:`theme_sql`)."""
    table = lexicon_table()
    exact: dict[str, list[tuple[str, float]]] = {}
    cjk_words = []
    for word, category, weight, cjk in zip(*(table.column(n).to_pylist() for n in ("word", "category", "weight", "cjk"))):
        exact.setdefault(word, []).append((category, weight))
        if cjk:
            cjk_words.append((word, category, weight))
    scores: dict[str, float] = {}
    for raw in words:
        for token in _split_words(raw):
            token = fold(token)
            hits = list(exact.get(token, ()))
            if _CJK.search(token):
                hits = [(c, w) for lexword, c, w in cjk_words if lexword in token]
            for category, weight in hits:
                scores[category] = scores.get(category, 0.0) + weight
    return scores


def register_lexicon(index: Index, name: str = "audit_lexicon") -> str:
    index.con.register(name, lexicon_table())
    return name


def theme_sql(words_relation: str, key: str = "key", lexicon: str = "audit_lexicon") -> str:
    """SQL giving ``(key, category, score)`` from a relation of ``(key, word, weight)`` rows.

    Each distinct word is looked up once (folded; CJK runs by containment), then the per-key word
    weights are joined to that small mapping."""
    folded = FOLD_SQL("v.word")
    return f"""
        WITH w AS (SELECT {key} AS key, lower(word) AS word, sum(weight) AS weight FROM {words_relation}
                   WHERE word IS NOT NULL GROUP BY 1, 2),
        vocab AS (SELECT DISTINCT word FROM w),
        mapped AS (
            SELECT v.word, x.category, x.weight FROM vocab v JOIN {lexicon} x ON x.word = {folded} AND NOT x.cjk
            UNION ALL
            SELECT v.word, x.category, x.weight
            FROM (SELECT word FROM vocab WHERE regexp_matches(word, '[\\x{{3040}}-\\x{{30ff}}\\x{{3400}}-\\x{{9fff}}]')) v
            JOIN {lexicon} x ON x.cjk AND contains(v.word, x.word))
        SELECT w.key, m.category, sum(w.weight * m.weight) AS score FROM w JOIN mapped m USING (word)
        GROUP BY w.key, m.category
    """


# -- the project's theme --------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectTheme:
    weights: dict[str, float]  # category -> 0-1 (1 for the project's own categories)
    source: str  # "settings", "target pages", "linked page titles" or "unknown"

    @property
    def known(self) -> bool:
        return bool(self.weights)

    def closeness(self) -> dict[str, float]:
        return closeness(self.weights)


def target_profile(index: Index, categories: Iterable[str], target_domain: str, linked_urls_sql: str) -> ProjectTheme:
    """The project's categories: given ones, else the target's own pages, else its linked pages' titles."""
    given = resolve_categories(categories)
    if given:
        return ProjectTheme({category: 1.0 for category in given}, "settings")
    register_lexicon(index)
    own = f"""
        SELECT 'target' AS key, unnest(terms) AS word, 1.0 AS weight FROM fetches
        WHERE domain = $target_domain AND status BETWEEN 200 AND 299 AND terms IS NOT NULL
        UNION ALL
        SELECT 'target', unnest(regexp_extract_all(lower(title), '[^\\W\\d_]{{3,}}')), 1.0 FROM fetches
        WHERE domain = $target_domain AND status BETWEEN 200 AND 299 AND title IS NOT NULL
    """
    scores = _scores(index, own, {"target_domain": target_domain})
    source = "target pages"
    if not scores:
        titles = f"""
            SELECT 'target' AS key, unnest(regexp_extract_all(lower(title), '[^\\W\\d_]{{3,}}')) AS word, 1.0 AS weight
            FROM (SELECT DISTINCT url, title FROM fetches WHERE url IN ({linked_urls_sql}) AND title IS NOT NULL)
        """
        scores = _scores(index, titles, {})
        source = "linked page titles"
    if not scores:
        return ProjectTheme({}, "unknown")
    top = max(scores.values())
    weights = {category: round(score / top, 4) for category, score in scores.items() if score / top >= 0.3}
    return ProjectTheme(weights, source)


def _scores(index: Index, words_sql: str, params: dict) -> dict[str, float]:
    rows = index.sql(theme_sql(f"({words_sql})"), params)
    total = sum(row[2] for row in rows)
    if total < MIN_HITS:
        return {}
    return {row[1]: row[2] for row in rows}


# -- languages and countries ---------------------------------------------------------------------


@functools.cache
def _languages_by_country() -> dict[str, tuple[str, ...]]:
    table = {}
    for line in _data("languages_by_country.tsv").splitlines():
        if line.strip() and not line.startswith("#"):
            country, languages = line.split("\t")
            table[country.strip()] = tuple(lang.strip() for lang in languages.split(","))
    return table


@functools.cache
def _generic_cctlds() -> frozenset[str]:
    return frozenset(line.strip() for line in _data("generic_cctlds.txt").splitlines()
                     if line.strip() and not line.startswith("#"))


def languages_for(countries: Iterable[str]) -> tuple[str, ...]:
    """The languages read in ``countries`` (ISO 3166-1 alpha-2; ``uk`` is ``gb``)."""
    table = _languages_by_country()
    languages: dict[str, None] = {}
    for country in countries:
        code = country.lower().strip()
        code = "gb" if code == "uk" else code
        if code not in table:
            raise UsageError(f"--country {country!r}: not an ISO 3166-1 alpha-2 country code (e.g. us, gb, de)")
        languages.update(dict.fromkeys(table[code]))
    return tuple(languages)


def country_of(suffix: str | None) -> str | None:
    """The country a domain's public suffix names (``co.uk`` -> ``gb``); None for generic TLDs."""
    if not suffix:
        return None
    tld = suffix.rsplit(".", 1)[-1].lower()
    if len(tld) != 2 or tld in _generic_cctlds() or tld == "eu":
        return None
    tld = "gb" if tld == "uk" else tld
    return tld if tld in _languages_by_country() else None
