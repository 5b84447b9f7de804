"""The generator's workshop: shared constants, site drafts and the helpers every builder uses."""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import date
from typing import Any

from . import text
from .cast import FARM_WORDS, MONEY_SITES, OUTSIDE_HOSTS, TARGETS, SiteSpec, cast
from .markup import UL, A, Comment, P, Raw
from .model import TargetPage
from .pages import Page, SiteFacts

CRAWL_DATES = (date(2026, 3, 1), date(2026, 5, 1), date(2026, 7, 1))
LAST = len(CRAWL_DATES) - 1

GENERIC_ANCHORS = ("click here", "read more", "here", "this article", "source", "website", "learn more",
            "Read more&nbsp;&raquo;", "more&#8230;", "link", "this tool", "check it out")
CONTEXT_ANCHORS = ("this benchmark of 1,200 SaaS companies", "an excellent write-up on cohort retention",
          "the team behind the new churn model", "a recent study on activation",
          "their public roadmap", "one of the better explanations I have read",
          "a vendor we evaluated last year", "the customer story they published")
_CONTEXT_LEADS = ("this", "a recent", "an excellent", "their", "a short", "the", "one more", "a thoughtful",
                  "a useful", "an honest", "a detailed", "the latest")
_CONTEXT_NOUNS = ("write-up", "study", "benchmark", "case study", "explainer", "analysis", "teardown", "thread",
                  "talk", "checklist", "survey", "walkthrough")
_CONTEXT_LINKS = ("on", "about", "of", "covering")
ANCHOR_MIX = {
    "natural": (("branded", 30), ("naked", 10), ("generic", 14), ("exact", 7), ("partial", 12),
                ("image", 8), ("image_text", 3), ("empty", 2), ("other", 14)),
    "money": (("exact", 60), ("partial", 30), ("branded", 10)),
    "spammy": (("exact", 35), ("partial", 20), ("branded", 15), ("naked", 20), ("generic", 10)),
}
REL_CHOICES = {
    "follow": ((None, 70), ("noopener", 10), ("noopener noreferrer", 10), ("external", 5), ("bookmark", 5)),
    "nofollow": (("nofollow", 50), ("nofollow noopener", 15), ("NoFollow", 8),
                 ("noopener noreferrer nofollow", 12), ("external nofollow", 15)),
    "ugc": (("ugc nofollow", 40), ("UGC NoFollow", 15), ("external nofollow ugc", 30), ("nofollow ugc", 15)),
    "sponsored": (("sponsored", 40), ("sponsored noopener", 25), ("nofollow sponsored", 20),
                  ("Sponsored NoFollow", 15)),
    "none": ((None, 1),),
}
HREF_STYLES = (("plain", 70), ("upper", 3), ("mixed", 3), ("port", 4), ("fragment", 5),
           ("schemeless", 6), ("nopath", 6), ("spaces", 3))
FIRST_NAMES = ("Anna", "Ben", "Chloe", "David", "Elif", "Farid", "Greta", "Hiro", "Ines", "Jonas", "Kate",
          "Liam", "Mira", "Noah", "Olga", "Pavel", "Quinn", "Rosa", "Sven", "Tara", "Umar", "Vera")
LAST_NAMES = ("Meyer", "Okafor", "Silva", "Tanaka", "Novak", "Brown", "Rossi", "Kowalski", "Schmidt",
         "Nguyen", "Dubois", "Larsen", "Haddad", "Walsh")


def weighted(rng: random.Random, choices: Iterable[tuple[Any, int]]) -> Any:
    items = tuple(choices)
    total = sum(weight for _, weight in items)
    pick = rng.randrange(total)
    for value, weight in items:
        pick -= weight
        if pick < 0:
            return value
    raise AssertionError("unreachable")


class Draft:
    """A site under construction: its pages and the furniture they share."""

    def __init__(self, spec: SiteSpec) -> None:
        self.spec = spec
        self.pages: list[Page] = []
        self.posts: list[Page] = []
        self.nav: list = []
        self.header: list = []
        self.sidebar: list = []
        self.footer: list = []
        self.body_end: list = []

    def regions(self, **own: Any) -> dict:
        regions = {"header": self.header, "nav": self.nav, "sidebar": self.sidebar,
                   "footer": self.footer, "body_end": self.body_end}
        regions.update(own)
        return regions


class WorldBase:
    """State of one generation run and the helpers the site builders share."""

    def __init__(self, seed: int, scale: float) -> None:
        if scale <= 0:
            raise ValueError(f"scale must be > 0, got {scale}")
        self.seed = seed
        self.scale = scale
        self.specs = cast()
        self.by_domain = {spec.domain: spec for spec in self.specs}
        self.book: dict[str, str] = {}
        for spec in self.specs:
            for host in spec.hosts:
                self.book[host] = spec.domain
        self.book.update(OUTSIDE_HOSTS)
        self.book.update({host: domain for host, (domain, _) in MONEY_SITES.items()})
        self.book["app.acmeanalytics.com"] = "acmeanalytics.com"
        self.targets = {spec.domain: spec for spec in TARGETS}
        self.target_pages: dict[str, list[TargetPage]] = {}
        for spec in TARGETS:
            self.target_pages[spec.domain] = [
                TargetPage(f"https://{spec.host}{path}", spec.domain, title, keywords)
                for path, title, keywords in spec.pages
            ]
        self.pages: list[Page] = []
        self.history: list[dict[str, Any]] = []
        self.lifetimes: dict[tuple[str, str], frozenset[int] | None] = {}
        self.facts: dict[str, SiteFacts] = {}
        self.farm_hosts = self._farm_pool()

    # -- small helpers ----------------------------------------------------------------------

    def rng(self, *parts: object) -> random.Random:
        return random.Random("|".join(str(part) for part in (self.seed, *parts)))

    def count(self, base: int) -> int:
        return max(1, round(base * self.scale))

    def event(self, kind: str, crawl: int, **details: Any) -> None:
        self.history.append({"event": kind, "crawl_date": CRAWL_DATES[crawl].isoformat(), **details})

    def _farm_pool(self) -> list[str]:
        rng = self.rng("farm-pool")
        tlds = ("com", "net", "org", "info", "xyz", "top", "biz", "online")
        hosts, seen = [], set()
        while len(hosts) < 4000:
            name = f"{rng.choice(FARM_WORDS)}{rng.choice(FARM_WORDS)}{rng.randint(1, 999)}.{rng.choice(tlds)}"
            if name in seen or name in self.by_domain:
                continue
            seen.add(name)
            host = f"www.{name}" if rng.random() < 0.5 else name
            self.book[host] = name
            hosts.append(host)
        return hosts

    def link(self, rng: random.Random, url: str, inner: str, rel: str = "follow",
             crawls: frozenset[int] | None = None, style: str | None = None, **extra: Any) -> A:
        rel_value = weighted(rng, REL_CHOICES[rel])
        quote = '"'
        if rel_value and " " not in rel_value and rng.random() < 0.15:
            quote = rng.choice(("", "'"))
        return A(url, inner, rel=rel_value, style=style or weighted(rng, HREF_STYLES), crawls=crawls,
                 rel_quote=quote, **extra)

    def target_link(self, rng: random.Random, target: str, *, mix: str = "natural", rel: str = "follow",
                    crawls: frozenset[int] | None = None, page: TargetPage | None = None,
                    anchor: str | None = None, **extra: Any) -> A:
        pages = [page for page in self.target_pages[target][1:] if not page.url.endswith("/terms")]
        page = page or (self.target_pages[target][0] if rng.random() < 0.35 else rng.choice(pages))
        inner = anchor if anchor is not None else self.anchor(rng, page, mix)
        return self.link(rng, page.url, inner, rel, crawls, **extra)

    def anchor(self, rng: random.Random, page: TargetPage, mix: str) -> str:
        spec = self.targets[page.domain]
        kind = weighted(rng, ANCHOR_MIX[mix])
        brand = spec.name
        if kind == "branded":
            return rng.choice((brand, spec.brands[1], f"{brand}&#8217;s {rng.choice(('dashboards', 'new release', 'blog'))}",
                               f"<strong>{brand}</strong>", f"the {brand} team", f"{brand}\n      blog",
                               brand.replace(" ", "&nbsp;")))
        if kind == "exact":
            return rng.choice(page.keywords)
        if kind == "partial":
            return f"{rng.choice(('a good', 'this', 'their', 'an affordable', 'the best'))} " \
                   f"{rng.choice(page.keywords)} {rng.choice(('tool', 'platform', 'guide', 'option', 'software'))}"
        if kind == "naked":
            bare = page.url.split("://", 1)[1]
            return rng.choice((page.url, bare.rstrip("/"), page.domain, bare))
        if kind == "generic":
            return rng.choice(GENERIC_ANCHORS)
        if kind == "image":
            alt = rng.choice((f' alt="{brand} logo"', f' alt="{brand} logo"', ' alt=""', "",
                              f' alt="{brand} &amp; co. dashboard"', f' alt="  {brand}\n  screenshot "'))
            return f'\n  <img src="/images/{page.domain.split(".")[0]}-logo.png"{alt} width="120" height="40">\n'
        if kind == "image_text":
            return f'<img src="/images/icons/{page.domain.split(".")[0]}.png" alt="icon" width="16" height="16"> {brand}'
        if kind == "empty":
            return rng.choice(("", " ", "\n   "))
        return context_anchor(rng)

    def life(self, rng: random.Random, born: int, break_chance: float = 0.04) -> tuple[int | None, ...]:
        statuses: list[int | None] = [None] * len(CRAWL_DATES)
        for crawl in range(born, len(CRAWL_DATES)):
            statuses[crawl] = 200
        if born < LAST and rng.random() < break_chance:
            status = rng.choice((404, 404, 410, 500))
            for crawl in range(rng.randint(born + 1, LAST), len(CRAWL_DATES)):
                statuses[crawl] = status
        return tuple(statuses)

    def link_crawls(self, rng: random.Random, page: Page, target_url: str) -> frozenset[int] | None:
        """Usually the link lives as long as its page; sometimes it is added or removed later.

        All links of one page to one URL share a lifetime, so a history event is about the
        backlink (source page, target URL), not just one of its elements."""
        if (page.url, target_url) in self.lifetimes:
            return self.lifetimes[page.url, target_url]
        born = next(crawl for crawl, status in enumerate(page.statuses) if status is not None)
        roll = rng.random()
        if any(status != 200 for status in page.statuses[born:]):
            return None
        crawls = None
        if born == 0 and roll < 0.07:
            self.event("link_removed", LAST, source_url=page.url, target_url=target_url)
            crawls = frozenset({0, 1})
        elif born == 0 and roll < 0.10:
            self.event("link_removed", 1, source_url=page.url, target_url=target_url)
            crawls = frozenset({0})
        elif born <= 1 and roll < 0.18:
            self.event("link_added", LAST, source_url=page.url, target_url=target_url)
            crawls = frozenset({LAST})
        self.lifetimes[page.url, target_url] = crawls
        return crawls

    # -- text -------------------------------------------------------------------------------

    def person(self, rng: random.Random) -> str:
        return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"

    def paragraphs(self, rng: random.Random, spec: SiteSpec, count: int) -> list:
        lang = spec.lang.split("-")[0].lower()
        topic = spec.topic
        return [P([text.paragraph(rng, topic, lang)]) for _ in range(count)]

    def mention(self, rng: random.Random, page: Page, link: A, region: str = "content") -> None:
        """Put ``link`` into a sentence and the sentence into ``page``."""
        if link.url.startswith("http"):
            link.crawls = self.lifetimes.setdefault((page.url, link.url), link.crawls)
        lang = page.spec.lang.split("-")[0].lower()
        if lang in ("ru", "zh", "de"):
            pieces = [text.sentence(rng, page.spec.topic, lang) + " ", link, "."]
        else:
            sentence = text.sentence(rng, page.spec.topic, lang)
            pieces = rng.choice((
                ["As ", link, " points out: " + sentence],
                [sentence[:-1] + " (see ", link, ")."],
                ["We covered this in more detail using ", link, ". " + sentence],
                [link, " has a good overview of this. " + sentence],
                [sentence + " Source: ", link],
                [sentence + " I also recommend ", link, "."],
            ))
        blocks = page.regions.setdefault(region, [])
        position = rng.randint(min(1, len(blocks)), len(blocks))
        blocks.insert(position, P(pieces))

    def post_path(self, spec: SiteSpec, rng: random.Random, title: str, index: int) -> str:
        slug = text.slug(title) if spec.lang.startswith("en") else f"post-{index + 1}"
        year, month = rng.choice((2024, 2025, 2026)), rng.randint(1, 12)
        theme = spec.theme
        if spec.domain.endswith(".blogspot.com"):
            return f"/{year}/{month:02d}/{slug}.html"
        if spec.kind == "forum":
            if spec.generator == "phpBB":
                return f"/viewtopic.php?f={index % 5 + 1}&t={1000 + index * 7}"
            return f"/t/{slug}/{300 + index}"
        if theme in ("wp", "pbn"):
            return f"/{year}/{month:02d}/{slug}/"
        if theme == "news":
            return f"/{rng.choice(('business', 'tech', 'markets'))}/{year}/{slug}-{10000 + index * 37}"
        if theme == "legacy":
            return f"/pages/{slug}.htm"
        if theme in ("minimal", "directory"):
            return f"/{slug}-{index}.html"
        return f"/blog/{slug}"

    # -- sites ------------------------------------------------------------------------------

    def skeleton(self, spec: SiteSpec, posts: int, *, born_weights=(80, 12, 8),
                 paragraphs: tuple[int, int] = (4, 8), host: str | None = None,
                 scheme: str | None = None, break_chance: float = 0.04) -> Draft:
        """Home, about and ``posts`` article pages sharing nav, sidebar and footer."""
        rng = self.rng("skeleton", spec.domain)
        draft = Draft(spec)
        root = f"{scheme or spec.scheme}://{host or spec.main_host}"
        lang = spec.lang.split("-")[0].lower()
        labels = {"en": ("Home", "About", "Blog", "Contact"), "de": ("Startseite", "Über uns", "Blog", "Kontakt"),
                  "ru": ("Главная", "О нас", "Статьи", "Контакты"), "zh": ("首页", "关于我们", "文章", "联系我们")}
        home_label, about_label, blog_label, contact_label = labels.get(lang, labels["en"])
        draft.nav += [A("/", home_label), A("/about/", about_label), A("/blog/", blog_label),
                      A("/contact/", contact_label)]
        if spec.pattern == "natural" and rng.random() < 0.3:
            forum = self.by_domain[rng.choice(self.peers(spec, "forum"))]
            draft.nav.append(A(forum.root, "Community", style=weighted(rng, HREF_STYLES)))
        used: set[str] = set()
        for index in range(posts):
            title = text.title(rng, spec.topic, lang)
            path = self.post_path(spec, rng, title, index)
            while path in used:
                path = path.rstrip("/") + f"-{index}" + ("/" if path.endswith("/") else "")
            used.add(path)
            born = weighted(rng, zip((0, 1, 2), born_weights))
            page = Page(spec, root + path, html_escape(title), (), h1=html_escape(title))
            page.statuses = self.life(rng, born, break_chance)
            byline = P([f"By {self.person(rng)} · {rng.randint(1, 28)} {rng.choice(('Jan', 'Mar', 'Jun', 'Sep', 'Nov'))} 2026"],
                       cls="byline")
            page.regions = draft.regions(
                article_header=[byline],
                content=self.paragraphs(rng, spec, rng.randint(*paragraphs)),
                article_footer=[P(["Tags: ", A(f"/tag/{text.slug(spec.topic)}/", spec.topic), " · ",
                                   Raw('<a href="javascript:void(0)" class="share">Share</a>')])],
            )
            draft.posts.append(page)
        recent = [P([A(post.url, post.title)], tag="li", crawls=alive_crawls(post)) for post in draft.posts[:8]]
        if recent:
            draft.sidebar.append(("Recent posts", [Raw("<ul>")] + recent + [Raw("</ul>")]))
        draft.footer.append(P([f"© 2026 {spec.name} · ", A("/privacy/", "Privacy"), " · ",
                               Raw(f'<a href="mailto:hello@{spec.domain}">hello@{spec.domain}</a>')]))
        if spec.generator and spec.generator.startswith("WordPress"):
            draft.footer.append(P(["Proudly powered by ", A("https://wordpress.org/", "WordPress")]))
        if spec.pattern == "natural" and rng.random() < 0.25:
            draft.footer.append(Raw('<!-- <a href="https://www.oldsponsor-example.com/">Our old sponsor</a> -->'))
        home = Page(spec, root + "/", html_escape(f"{spec.name} — {text.title(rng, spec.topic, lang)}"),
                    (200,) * len(CRAWL_DATES), h1=html_escape(spec.name))
        listing = [P([A(post.url, post.title, crawls=alive_crawls(post)), " "]) for post in draft.posts]
        home.regions = draft.regions(content=self.paragraphs(rng, spec, 1) + listing)
        about = Page(spec, root + "/about/", html_escape(f"{about_label} — {spec.name}"), (200,) * len(CRAWL_DATES))
        about.regions = draft.regions(content=self.paragraphs(rng, spec, 2))
        draft.pages += [home, about, *draft.posts]
        return draft

    def socials(self, rng: random.Random, draft: Draft) -> None:
        handle = draft.spec.domain.split(".")[0].replace("-", "")
        icons = []
        for host, name in (("twitter.com", "Twitter"), ("www.linkedin.com", "LinkedIn")):
            path = f"/company/{handle}" if "linkedin" in host else f"/{handle}"
            icons.append(A(f"https://{host}{path}", f'<i class="icon icon-{name.lower()}"></i>',
                           rel="noopener", attrs=f' aria-label="{name}" target="_blank"'))
            icons.append(" ")
        draft.header.append(P(icons, cls="social"))

    def blogroll(self, rng: random.Random, draft: Draft, pool: list[str], count: int) -> None:
        picks = rng.sample(pool, min(count, len(pool)))
        items = [[A(self.by_domain[domain].root, self.by_domain[domain].name, style=weighted(rng, HREF_STYLES))]
                 for domain in picks if domain != draft.spec.domain]
        if items:
            draft.sidebar.append(("Blogroll", [UL(items)]))

    def peers(self, spec: SiteSpec, *kinds: str) -> list[str]:
        return [s.domain for s in self.specs
                if s.kind in kinds and s.pattern == "natural" and s.domain != spec.domain
                and not s.extra.get("moved_to")]

    def peer_link(self, rng: random.Random, spec: SiteSpec, rel: str = "follow") -> A:
        roll = rng.random()
        if roll < 0.25:
            topic = rng.choice(("Customer_lifetime_value", "Churn_rate", "Cohort_analysis", "Web_analytics",
                                "Software_as_a_service", "Key_performance_indicator", "A/B_testing"))
            return self.link(rng, f"https://en.wikipedia.org/wiki/{topic}", topic.replace("_", " "), rel)
        if roll < 0.3:
            return self.link(rng, "https://news.ycombinator.com/item?id=" + str(rng.randint(30000000, 42000000)),
                             "the Hacker News thread", rel)
        pool = self.peers(spec, "publisher") if roll < 0.6 else self.peers(spec, "blog", "publisher", "forum", "review")
        other = self.by_domain[rng.choice(pool)]
        url = f"{other.scheme}://{rng.choice(other.hosts)}/"
        inner = other.name if rng.random() < 0.6 else (
            rng.choice(GENERIC_ANCHORS) if rng.random() < 0.5 else context_anchor(rng))
        return self.link(rng, url, inner, rel)

    def comments(self, rng: random.Random, spec: SiteSpec, count: int, rel: str = "ugc",
                 crawls_of: Page | None = None) -> list[Comment]:
        out = []
        lang = spec.lang.split("-")[0].lower()
        for _ in range(count):
            name = self.person(rng)
            author_link = None
            if rng.random() < 0.5:
                other = self.by_domain[rng.choice(self.peers(spec, "blog"))]
                author_link = self.link(rng, other.root, name, rel, style="plain", attrs=' class="url"')
            out.append(Comment(name, author_link, [text.sentence(rng, spec.topic, lang)],
                               f"2026-0{rng.randint(1, 6)}-{rng.randint(10, 28)}"))
        return out

    def finish(self, draft: Draft) -> None:
        self.pages += draft.pages

    def target_mentions(self, rng: random.Random, draft: Draft, count: int, *, target: str | None = None,
                        mix: str = "natural", rel: str = "follow", posts: list[Page] | None = None) -> list[A]:
        """``count`` links to ``target`` (default the brand), each in a sentence of a random post."""
        target = target or TARGETS[0].domain
        candidates = posts if posts is not None else draft.posts
        placed = []
        for _ in range(count):
            if not candidates:
                break
            page = rng.choice(candidates)
            link = self.target_link(rng, target, mix=mix, rel=rel)
            link.crawls = self.link_crawls(rng, page, link.url)
            self.mention(rng, page, link)
            placed.append(link)
        return placed


def context_anchor(rng: random.Random) -> str:
    """A contextual anchor as writers make them up: one of a few stock ones, else composed from
    the topic words (so independent sites rarely repeat one another word for word)."""
    if rng.random() < 0.2:
        return rng.choice(CONTEXT_ANCHORS)
    topic = text.TOPICS[rng.choice(("analytics", "saas", "martech"))]
    return f"{rng.choice(_CONTEXT_LEADS)} {rng.choice(_CONTEXT_NOUNS)} {rng.choice(_CONTEXT_LINKS)} {rng.choice(topic['O'])}"


def html_escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def alive_crawls(page: Page) -> frozenset[int]:
    return frozenset(crawl for crawl, status in enumerate(page.statuses) if status == 200)
