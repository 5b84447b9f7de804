"""Page furniture for ``generate(..., page_weight="real")``: the bytes real pages carry besides
their links and text.

The lean sample web is its own markup only (about one ``<a href>`` per 180 bytes of HTML). Real
article pages (the 181 of the article-extraction benchmark) carry one ``<a href>`` per ~1,228
bytes, of which inline ``<script>`` is ~30 %, ``<style>`` ~26 %, inline ``<svg>`` ~4 % and HTML
comments ~1.4 %; most of the rest is wrapper markup and attributes. A "real" page gets, on top
of its lean markup and sized from its own ``<a href>`` count, the same kinds of bytes in about
the same shares:

- ``<style>`` blocks of CSS rules (a critical block in ``<head>``, the rest at the end of ``<body>``);
- inline scripts: a consent/data-layer snippet, a performance snippet, JSON-LD
  (``application/ld+json``) and a bundled-JS-looking minified blob;
- inline ``<svg>`` icons (a sprite of symbols and icon rows) and HTML comments;
- wrapper markup: nested ``<div class=...>`` wrappers around the page's own body, and empty
  dialogs, placeholders and toolbars with ``data-``/``aria-`` attributes after it.

What it never adds, so the page's truth stays exactly the lean page's: an element the extractor
reads as a link (no ``a``/``area``/``iframe``/``frame``/``form``/``meta``/``link``, no ``href`` or
``src`` attribute: URLs appear only inside script text), any text node outside script and style
(word counts, fingerprints, terms and every link's context are unchanged: the page's own body sits
inside the wrappers, which hold nothing else), a class, id or role a placement rule knows, an
analytics-id-shaped string (all random identifiers are lowercase) or the words that make a ``G-``
id count (``gtag``, ``googletagmanager``), a ``mailto:`` address or a ``<title>``. The stock of
each kind is built once per site from the seed; a page takes runs of it (string slicing, no
per-byte work), so pages of one site share their CSS and script like real ones do.
"""

from __future__ import annotations

import bisect
import json
import random
from dataclasses import dataclass

__all__ = ["PAGE_WEIGHTS", "SHARES", "SiteFurniture", "site_furniture"]

PAGE_WEIGHTS = ("lean", "real")
SHARES = {"script": 0.297, "style": 0.257, "svg": 0.038, "comment": 0.014}  # of the whole page's bytes
# what a page is sized from: over the whole web (with the floor below, and the mailto: and
# javascript: links not counted here) this gives the corpus's ~1,228 HTML bytes per <a href>
_NOMINAL_BYTES_PER_LINK = 1250
_MIN_FURNITURE = 0.5  # a page's furniture is at least this share of it (thin pages still load their bundle)
_JITTER = (0.7, 1.3)  # pages of one site differ in weight as real ones do
_TAG_BYTES = 250  # the tags dress() writes around the stock it takes

_LOWER = "abcdefghijklmnopqrstuvwxyz"
_HEX = "0123456789abcdef"


class _Ring:
    """A site's stock of one kind: units (CSS rules, modules, icons...) taken round and round."""

    def __init__(self, units: list[str]) -> None:
        self.text = "".join(units)
        doubled = units + units
        self.starts = [0]
        for unit in doubled:
            self.starts.append(self.starts[-1] + len(unit))
        self.doubled = self.text * 2
        self.count = len(units)

    def take(self, start_unit: int, budget: int) -> str:
        """Whole units from ``start_unit`` on, round the ring, about ``budget`` characters."""
        if budget <= 0:
            return ""
        laps, rest = divmod(budget, len(self.text))
        begin = self.starts[start_unit % self.count]
        position = bisect.bisect_left(self.starts, begin + rest)  # within the doubled stock: rest < one lap
        if position > 0 and begin + rest - self.starts[position - 1] < self.starts[position] - (begin + rest):
            position -= 1  # the unit boundary nearest to the budget
        return self.text * laps + self.doubled[begin:self.starts[position]]


@dataclass
class SiteFurniture:
    """One site's stock of furniture; :meth:`dress` sizes it for a page."""

    css: _Ring
    js: _Ring
    icons: _Ring
    comments: _Ring
    markup: _Ring
    wrappers: tuple[str, str]  # openers and closers of the wrappers around the page's own body
    head_scripts: str  # consent/data layer and performance snippets, JSON-LD
    key: str  # seed and site: a page's share of the stock is drawn from it and the page URL

    def dress(self, page_url: str, lean_size: int, links: int) -> tuple[str, str, str]:
        """(end of ``<head>``, start of ``<body>``, end of ``<body>``) for the lean page at
        ``page_url`` of ``lean_size`` characters holding ``links`` link elements."""
        rng = random.Random(f"{self.key}|{page_url}")
        target = _NOMINAL_BYTES_PER_LINK * max(links, 1) * rng.uniform(*_JITTER)
        total = max(target, lean_size / (1 - _MIN_FURNITURE))
        budget = {kind: int(share * total) for kind, share in SHARES.items()}
        budget["script"] -= len(self.head_scripts)
        fixed = len(self.head_scripts) + len(self.wrappers[0]) + len(self.wrappers[1]) + _TAG_BYTES
        budget["markup"] = int(total - lean_size - fixed) - sum(budget.values())
        pick = rng.randrange(1 << 20)
        css_head = self.css.take(pick, budget["style"] // 3)
        css_body = self.css.take(pick + 61, budget["style"] - len(css_head))
        icons_top = self.icons.take(pick, budget["svg"] // 4)
        icons_row = self.icons.take(pick + 5, budget["svg"] - len(icons_top))
        comments_head = self.comments.take(pick, budget["comment"] // 2)
        comments_body = self.comments.take(pick + 3, budget["comment"] - len(comments_head))
        head = f'<style id="critical-css">{css_head}</style>\n{self.head_scripts}{comments_head}\n'
        body_start = f'<div class="c-iconset" aria-hidden="true">{icons_top}</div>\n{self.wrappers[0]}\n'
        body_end = (f"{self.wrappers[1]}\n{self.markup.take(pick, budget['markup'])}\n"
                    f'<div class="c-toolbar" data-toolbar="share" aria-hidden="true">{icons_row}</div>\n'
                    f"{comments_body}\n<style>{css_body}</style>\n"
                    f'<script defer data-bundle="app">{self.js.take(pick, budget["script"])}</script>\n')
        return head, body_start, body_end


def site_furniture(seed: int, domain: str, root: str) -> SiteFurniture:
    """The furniture stock of one site (``root`` is its home page URL)."""
    key = f"{seed}|furniture|{domain}"
    rng = random.Random(key)
    return SiteFurniture(
        css=_Ring([_css_rule(rng) for _ in range(180)] + [_media_block(rng) for _ in range(12)]),
        js=_Ring([_js_module(rng, number) for number in range(60)]),
        icons=_Ring([_icon(rng) for _ in range(24)]),
        comments=_Ring([rng.choice(_COMMENTS)(rng) for _ in range(20)]),
        markup=_Ring([_markup_unit(rng) for _ in range(30)]),
        wrappers=_wrappers(rng),
        head_scripts=_head_scripts(rng, domain, root),
        key=key,
    )


# -- CSS --------------------------------------------------------------------------------------

_BLOCKS = ("card", "grid", "stack", "media", "tile", "hero", "badge", "btn", "chip", "modal", "drawer", "toast",
           "tabs", "panel", "prose", "table", "figure", "quote", "avatar", "rating", "pill", "cluster", "switcher",
           "frame", "cover", "icon", "toolbar", "skeleton", "tooltip", "lightbox", "pager", "field", "select")
_ELEMENTS = ("title", "body", "media", "meta", "icon", "label", "inner", "action", "close", "dialog", "line",
             "caption", "count", "handle", "track")
_MODIFIERS = ("lg", "sm", "muted", "active", "dark", "inverse", "flush", "wide", "compact", "open", "loading")
_PSEUDO = ("", "", "", ":hover", ":focus-visible", "::before", "::after", ">*+*", ":not(:last-child)",
           ":first-child", "[aria-expanded=true]", "[data-state=open]")
_LENGTHS = ("0", "1px", "2px", ".25rem", ".5rem", ".75rem", "1rem", "1.25rem", "1.5rem", "2rem", "3rem", "4px",
            "8px", "12px", "16px", "24px", "50%", "100%", "auto")


def _class_name(rng: random.Random) -> str:
    name = f"{rng.choice(('c', 'l', 'u', 'is', 'has', 'js'))}-{rng.choice(_BLOCKS)}"
    roll = rng.random()
    if roll < 0.4:
        name += f"__{rng.choice(_ELEMENTS)}"
    elif roll < 0.6:
        name += f"--{rng.choice(_MODIFIERS)}"
    return name


_DECLARATIONS = (
    lambda rng: f"display:{rng.choice(('flex', 'grid', 'block', 'inline-flex', 'none', 'contents'))}",
    lambda rng: f"margin:{rng.choice(_LENGTHS)} {rng.choice(_LENGTHS)}",
    lambda rng: f"padding:{rng.choice(_LENGTHS)} {rng.choice(_LENGTHS)}",
    lambda rng: f"color:#{_random(rng, _HEX, 6)}",
    lambda rng: f"background-color:var(--c-{rng.choice(_BLOCKS)}-{rng.choice((50, 100, 200, 500, 700, 900))})",
    lambda rng: f"font-size:{rng.choice(('.75rem', '.875rem', '1rem', '1.125rem', 'clamp(1.5rem,4vw,2.5rem)'))}",
    lambda rng: f"line-height:{rng.choice(('1', '1.2', '1.4', '1.5', '1.65'))}",
    lambda rng: f"border-radius:{rng.choice(_LENGTHS)}",
    lambda rng: f"box-shadow:0 {rng.randint(1, 8)}px {rng.randint(2, 24)}px rgba(0,0,0,.{rng.randint(4, 24):02d})",
    lambda rng: f"transition:{rng.choice(('opacity', 'transform', 'color'))} .{rng.randint(1, 5)}s ease",
    lambda rng: f"grid-template-columns:repeat({rng.randint(2, 6)},minmax(0,1fr))",
    lambda rng: f"gap:{rng.choice(_LENGTHS)}",
    lambda rng: f"font-weight:{rng.choice((400, 500, 600, 700))}",
    lambda rng: f"z-index:{rng.choice((1, 2, 10, 100, 999, 1000))}",
    lambda rng: f"border:1px solid #{_random(rng, _HEX, 6)}",
    lambda rng: f"{rng.choice(('width', 'height', 'max-width', 'min-height', 'inset'))}:{rng.choice(_LENGTHS)}",
)


def _css_rule(rng: random.Random) -> str:
    selectors = ",".join(f".{_class_name(rng)}{rng.choice(_PSEUDO)}" for _ in range(rng.randint(1, 3)))
    return f"{selectors}{{{';'.join(rng.choice(_DECLARATIONS)(rng) for _ in range(rng.randint(1, 6)))}}}"


def _media_block(rng: random.Random) -> str:
    query = rng.choice(("(min-width:640px)", "(min-width:768px)", "(min-width:1024px)", "(max-width:599px)",
                        "(prefers-reduced-motion:reduce)", "(prefers-color-scheme:dark)", "print"))
    return f"@media {query}{{{''.join(_css_rule(rng) for _ in range(rng.randint(2, 6)))}}}"


# -- scripts ----------------------------------------------------------------------------------

def _random(rng: random.Random, alphabet: str, length: int) -> str:
    return "".join(rng.choices(alphabet, k=length))


def _name(rng: random.Random) -> str:
    name = rng.choice(_LOWER) + ("" if rng.random() < 0.6 else rng.choice(_LOWER))
    return name + "_" if name in ("do", "if", "in") else name


_JS_STATEMENTS = (
    "var {a}={m}({n}),{b}={m}.n({a});",
    "function {a}({b},{c}){{return {b}&&{b}.__esModule?{b}:{{default:{b}}}}}",
    "for(var {a}=0,{b}={c}.length;{a}<{b};{a}++){c}[{a}]&&{d}.push({c}[{a}]);",
    "{a}.prototype.{w}=function({b}){{var {c}=this;return this.{x}.then(function({d}){{return {c}.{y}({d},{b})}})}};",
    "Object.defineProperty({a},\"{w}\",{{enumerable:!0,get:function(){{return {b}}}}});",
    "{a}.addEventListener(\"{ev}\",function({b}){{{b}.preventDefault();{c}.classList.toggle(\"is-{mod}\")}},{{passive:!0}});",
    "var {a}=document.querySelectorAll(\"[data-{w}]\");",
    "{a}=\"undefined\"!=typeof window?window:{{}};",
    "try{{{a}=JSON.parse({b}.getItem(\"{w}-{x}\")||\"{{}}\")}}catch({c}){{{a}={{}}}}",
    "return new Promise(function({a},{b}){{setTimeout({a},{n})}});",
    "{a}.{w}=Object.assign({{}},{b},{{{x}:{n},{y}:\"{mod}\"}});",
    "if(!{a}||\"object\"!=typeof {a})throw new TypeError(\"{w} expects an object\");",
    "{a}.fetch(\"/api/v{v}/{w}/\"+{b},{{credentials:\"same-origin\"}}).then(function({c}){{return {c}.json()}});",
    "{a}=({b}|0)*{n}+({c}>>>{v})^{d};",
)
_JS_WORDS = ("render", "mount", "update", "state", "props", "items", "queue", "cache", "observer", "handler",
             "resolve", "options", "config", "payload", "buffer", "scheduler", "store", "dispatch", "subscribe",
             "lazy", "consent", "viewport", "carousel", "toggle", "tracker", "metrics")
_JS_EVENTS = ("click", "scroll", "resize", "keydown", "focusin", "load", "visibilitychange")


def _js_module(rng: random.Random, number: int) -> str:
    parts = []
    for _ in range(rng.randint(3, 9)):
        template = rng.choice(_JS_STATEMENTS)
        parts.append(template.format(
            a=_name(rng), b=_name(rng), c=_name(rng), d=_name(rng), m=rng.choice("nrt"), n=rng.randint(1, 9999),
            v=rng.randint(1, 3), w=rng.choice(_JS_WORDS), x=rng.choice(_JS_WORDS), y=rng.choice(_JS_WORDS),
            ev=rng.choice(_JS_EVENTS), mod=rng.choice(_MODIFIERS)))
    key = 1000 + number * 37 + rng.randint(0, 36)
    return f'{key}:function({_name(rng)},{_name(rng)},n){{"use strict";{"".join(parts)}}},'


def _head_scripts(rng: random.Random, domain: str, root: str) -> str:
    version = f"{rng.randint(1, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 99)}"
    build = _random(rng, _HEX, 10)
    consent = (
        "<script>window.dataLayer=window.dataLayer||[];(function(w,d){w.consentDefaults={analytics_storage:"
        "\"denied\",ad_storage:\"denied\",functionality_storage:\"granted\",wait_for_update:500};"
        "var s=d.createElement(\"script\");s.async=!0;"
        f"s.src=\"/assets/js/consent.min.js?v={version}\";d.head.appendChild(s)}})(window,document);</script>\n"
    )
    performance = (
        "<script>!function(){var e=window.performance,t={};if(e&&e.getEntriesByType){var n=e.getEntriesByType("
        "\"navigation\")[0]||{};t.ttfb=Math.round(n.responseStart||0);t.dom=Math.round(n.domInteractive||0)}"
        f"window.__rum={{build:\"{build}\",site:\"{domain}\",t:t}};navigator.sendBeacon&&window.addEventListener("
        "\"pagehide\",function(){navigator.sendBeacon(\"/rum/collect\",JSON.stringify(window.__rum))})}();</script>\n"
    )
    graph = {"@context": "https://schema.org", "@graph": [
        {"@type": "WebSite", "@id": f"{root}#website", "url": root, "inLanguage": "en",
         "potentialAction": {"@type": "SearchAction", "target": f"{root}?s={{search_term_string}}",
                             "query-input": "required name=search_term_string"}},
        {"@type": "Organization", "@id": f"{root}#organization", "url": root,
         "logo": {"@type": "ImageObject", "url": f"{root}assets/img/logo-{build[:6]}.png",
                  "width": 512, "height": 512}},
    ]}
    ld = f'<script type="application/ld+json">{json.dumps(graph, separators=(",", ":"))}</script>\n'
    return consent + performance + ld


# -- svg, comments, markup --------------------------------------------------------------------

def _path_data(rng: random.Random) -> str:
    commands = [f"M{rng.randint(1, 23)}.{rng.randint(0, 9)} {rng.randint(1, 23)}.{rng.randint(0, 9)}"]
    for _ in range(rng.randint(3, 10)):
        letter = rng.choice("clhvsaqLHVC")
        count = {"c": 6, "C": 6, "s": 4, "q": 4, "a": 7, "l": 2, "L": 2, "h": 1, "H": 1, "v": 1, "V": 1}[letter]
        numbers = [f"{rng.choice(('', '-'))}{rng.randint(0, 12)}.{rng.randint(0, 99)}" for _ in range(count)]
        if letter == "a":
            numbers[3], numbers[4] = str(rng.randint(0, 1)), str(rng.randint(0, 1))
        commands.append(letter + " ".join(numbers))
    return "".join(commands) + "z"


def _icon(rng: random.Random) -> str:
    paths = "".join(f'<path d="{_path_data(rng)}"/>' for _ in range(rng.randint(1, 3)))
    size = rng.choice((16, 18, 20, 24))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="{size}" height="{size}" '
            'fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" '
            f'class="c-icon c-icon--{rng.choice(_BLOCKS)}" aria-hidden="true" focusable="false">{paths}</svg>')


_COMMENTS = (
    lambda rng: f"<!-- /.{_class_name(rng)} -->",
    lambda rng: f'<!-- wp:group {{"layout":{{"type":"{rng.choice(("constrained", "flex"))}"}}}} --><!-- /wp:group -->',
    lambda rng: (f"<!-- Dynamic page generated in {rng.random():.3f} seconds. Cached page generated by the page "
                 f"cache on 2026-0{rng.randint(1, 6)}-{rng.randint(10, 28)} {rng.randint(10, 23)}:"
                 f"{rng.randint(10, 59)}:{rng.randint(10, 59)} -->"),
    lambda rng: f"<!-- build {_random(rng, _HEX, 7)} | node {rng.choice(('fra', 'ams', 'iad'))}-{rng.randint(1, 40)} -->",
    lambda rng: f"<!-- begin block: {rng.choice(_BLOCKS)} ({rng.choice(_MODIFIERS)}) -->",
    lambda rng: f"<!-- lazy-loaded {rng.choice(_BLOCKS)} slot {rng.randint(1, 12)}; do not remove -->",
)


def _data_attributes(rng: random.Random) -> str:
    attrs = [f' data-v-{_random(rng, _HEX, 8)}=""']
    for _ in range(rng.randint(0, 3)):
        attrs.append(f' data-{rng.choice(_JS_WORDS)}="{rng.choice(_MODIFIERS)}"')
    return "".join(attrs)


def _markup_unit(rng: random.Random) -> str:
    block = rng.choice(_BLOCKS)
    roll = rng.randrange(4)
    if roll == 0:
        return (f'<div class="c-modal c-modal--{block}" aria-hidden="true" data-modal="{block}" data-state="closed"'
                f'{_data_attributes(rng)}><div class="c-modal__dialog" role="dialog" aria-modal="true" '
                f'aria-label="{block} dialog"><div class="c-modal__body" data-slot="body"></div>'
                '<button type="button" class="c-modal__close" aria-label="Close dialog" data-close=""></button>'
                "</div></div>")
    if roll == 1:
        lines = "".join(f'<span class="c-skeleton__line c-skeleton__line--{rng.choice(_MODIFIERS)}"></span>'
                        for _ in range(rng.randint(2, 6)))
        return (f'<div class="c-skeleton c-skeleton--{block}" aria-busy="true" data-placeholder="{block}"'
                f"{_data_attributes(rng)}>{lines}</div>")
    if roll == 2:
        return (f'<div class="c-toast-region" aria-live="polite" aria-atomic="true" data-region="{block}"'
                f'{_data_attributes(rng)}><div class="c-toast-region__inner"></div></div>')
    cells = "".join(f'<div class="l-grid__cell" data-col="{column}"{_data_attributes(rng)}>'
                    f'<span class="c-{block}__media" data-ratio="16:9"></span></div>'
                    for column in range(rng.randint(2, 4)))
    return f'<div class="l-grid l-grid--{rng.choice(_MODIFIERS)}" data-lazy-grid="{block}">{cells}</div>'


def _wrappers(rng: random.Random) -> tuple[str, str]:
    names = ("l-app", "l-shell", "l-viewport", "js-scroll-root", "l-frame", "l-page", "l-container", "l-stage")
    depth = rng.randint(4, 8)
    openers = []
    for name in names[:depth]:
        openers.append(f'<div class="{name} {name}--{rng.choice(_MODIFIERS)}"{_data_attributes(rng)}>')
    return "".join(openers), "</div>" * depth
