"""Builders of the spam patterns; each site is labeled with its pattern and ``toxic=True``."""

from __future__ import annotations

import random

from . import text
from .cast import FARM_WORDS, MONEY_SITES, TARGETS, SiteSpec
from .markup import UL, A, Comment, P, Raw, Wrap
from .pages import Page
from .world import CRAWL_DATES, LAST, WorldBase


class SpamSites(WorldBase):
    """The unnatural link patterns of a backlink audit (see the seed article on natural profiles)."""


    def build_pbn(self, spec: SiteSpec) -> None:
        rng = self.rng("pbn", spec.domain)
        draft = self.skeleton(spec, self.count(spec.pages), born_weights=(70, 20, 10), paragraphs=(3, 5),
                              break_chance=0.02)
        siblings = [s for s in self.specs if s.group == spec.group and s.domain != spec.domain]
        draft.sidebar.append(("Partner sites", [UL([[A(s.root, s.name)] for s in siblings])]))
        draft.nav.append(A(siblings[0].root, "Partner blog"))
        draft.footer.append(P(["Friends: "] + [piece for s in siblings[:3] for piece in (A(s.root, s.name), " ")]))
        for post in draft.posts:
            link = self.target_link(rng, TARGETS[0].domain, mix="money", rel="none")
            link.crawls = self.link_crawls(rng, post, link.url)
            self.mention(rng, post, link)
            sibling = rng.choice(siblings)
            self.mention(rng, post, A(sibling.root, rng.choice(self.target_pages[TARGETS[0].domain][0].keywords)))
            if rng.random() < 0.5:
                host, (domain, anchor) = rng.choice(sorted(MONEY_SITES.items()))
                self.mention(rng, post, A(f"https://{host}/", anchor))
        self.finish(draft)

    def build_link_farm(self, spec: SiteSpec) -> None:
        rng = self.rng("farm", spec.domain)
        draft = self.skeleton(spec, 0)
        root = f"{spec.scheme}://{spec.main_host}"
        for index in range(self.count(spec.pages)):
            count = rng.randint(1000, 3000)
            hosts = rng.sample(self.farm_hosts, count)
            items = [[A(f"http://{host}/", self.farm_anchor(rng, host), style="plain")] for host in hosts]
            position = rng.randrange(len(items))
            items.insert(position, [self.target_link(rng, TARGETS[0].domain, mix="spammy", rel="none", style="plain")])
            if rng.random() < 0.5:
                items.insert(rng.randrange(len(items)), [self.target_link(rng, TARGETS[1].domain, mix="spammy", rel="none")])
            page = Page(spec, f"{root}/resources-{index + 1}.html", f"Useful Resources Part {index + 1} | {spec.name}",
                        (200,) * len(CRAWL_DATES))
            intro = [P([text.paragraph(rng, "martech", "en", 6)]), P([text.paragraph(rng, "seo_spam", "en", 4)])]
            page.regions = draft.regions(content=intro + [UL(items, cls="links")])
            draft.pages.append(page)
            draft.posts.append(page)
        self.finish(draft)

    def farm_anchor(self, rng: random.Random, host: str) -> str:
        roll = rng.random()
        name = host.removeprefix("www.")
        if roll < 0.4:
            return name
        if roll < 0.7:
            return f"{rng.choice(FARM_WORDS)} {rng.choice(('deals', 'reviews', 'online', 'shop', 'guide', 'tips'))}"
        return f"http://{host}/"

    def build_scraper(self, spec: SiteSpec) -> None:
        rng = self.rng("scraper", spec.domain)
        draft = self.skeleton(spec, max(1, self.count(spec.pages) - 3), paragraphs=(2, 3), born_weights=(60, 30, 10))
        original = self.by_domain["saasinsider.com"]
        terms = self.target_pages[TARGETS[0].domain][9]
        copies = 1 + 2 * (self.scale >= 1)
        root = f"{spec.scheme}://{spec.main_host}"
        for index in range(copies):
            url = f"{root}/privacy-in-b2b-paid-search{'-' + str(index + 1) if index else ''}/"
            page = Page(spec, url, "Privacy in B2B Paid Search: What Changes in 2026", (200,) * len(CRAWL_DATES))
            body = self.scraped_body()
            body.append(P([A(terms.url, ".")], cls="cta"))
            page.regions = draft.regions(content=body, article_header=[P(["Posted by admin"])])
            if spec.domain == "newsrepost.xyz" and index == 0:
                page.base = original.root
                page.regions["article_footer"] = [P(["Originally in ", A("/tag/privacy/", "privacy"), " and ",
                                                     A("2025/11/privacy-in-b2b-paid-search/", "the original post")])]
            draft.pages.append(page)
        for post in draft.posts:
            self.mention(rng, post, A(terms.url, "."))
        self.finish(draft)

    def build_anchor_stuffing(self, spec: SiteSpec) -> None:
        rng = self.rng("stuffing", spec.domain)
        draft = self.skeleton(spec, self.count(spec.pages), paragraphs=(3, 5))
        brand = TARGETS[0].domain
        roi = self.target_pages[brand][6]
        for post in draft.posts:
            self.mention(rng, post, self.target_link(rng, brand, anchor=rng.choice((
                "top digital marketing experts", "best b2b analytics software", "top product analytics tools"))))
            self.mention(rng, post, A(roi.url, "managed wp hosting"))
            for host, (domain, anchor) in rng.sample(sorted(MONEY_SITES.items()), 3):
                self.mention(rng, post, A(f"https://{host}/", anchor))
        self.finish(draft)

    def build_hidden_links(self, spec: SiteSpec) -> None:
        rng = self.rng("hidden", spec.domain)
        draft = self.skeleton(spec, self.count(spec.pages), paragraphs=(2, 4), break_chance=0)
        brand = TARGETS[0].domain
        money = sorted(MONEY_SITES.items())
        if spec.domain == "smalltownbakery.com":
            block = [UL([[A(f"https://{host}/", anchor)] for host, (_, anchor) in money[:4]]
                        + [[self.target_link(rng, brand, mix="money", rel="none")]])]
            draft.body_end.append(Wrap('<div style="display:none">', "</div>", block, hidden=True))
            draft.footer.append(P(["Find us on ", A("https://www.facebook.com/smalltownbakery", "Facebook")]))
        elif spec.domain == "riverside-dental-care.com":
            draft.footer.append(P([A(f"https://{host}/", anchor, hide="visibility") for host, (_, anchor) in money[4:6]]
                                  + [self.target_link(rng, brand, mix="money", rel="none", hide="display_important")]))
            draft.footer.append(P(["Dental care since 1998 · ", A("https://www.facebook.com/riversidedental", "Facebook",
                                                                  attrs=' style="font-size:0.9em"')]))
        else:
            draft.body_end.append(Wrap('<span style="FONT-SIZE: 0px">', "</span>",
                                       [A(f"https://{money[6][0]}/", money[6][1][1]), Raw(" "),
                                        self.target_link(rng, brand, mix="money", rel="none")], hidden=True))
            draft.body_end.append(Wrap("<div hidden>", "</div>", [P([A(f"https://{money[7][0]}/", money[7][1][1]),
                                                                    A(f"https://{money[0][0]}/", money[0][1][1],
                                                                      kind="iframe", attrs=' width="1" height="1"')])],
                                       hidden=True))
            draft.footer.append(P(["Programm: ", A("https://www.eventbrite.com/o/jazzclub", "Tickets",
                                                   attrs=' style="display:inline-block; visibility: visible"')]))
        self.finish(draft)

    def build_foreign_spam(self, spec: SiteSpec) -> None:
        rng = self.rng("foreign", spec.domain)
        draft = self.skeleton(spec, self.count(spec.pages), paragraphs=(2, 4))
        brand = TARGETS[0].domain
        lang = spec.lang.split("-")[0]
        anchors = {"ru": ("аналитика для бизнеса", "Acme Analytics", "продуктовая аналитика", "подробнее"),
                   "zh": ("数据分析平台", "Acme Analytics", "点击这里", "产品分析")}[lang]
        outside = "https://yandex.ru/" if lang == "ru" else "https://www.baidu.com/"
        draft.footer.append(P([A(outside, "Поиск" if lang == "ru" else "百度")]))
        for post in draft.posts:
            link = self.target_link(rng, brand, anchor=rng.choice(anchors), rel="none")
            link.crawls = self.link_crawls(rng, post, link.url)
            self.mention(rng, post, link)
            if spec.kind == "directory":
                items = [[A(f"http://{host}/", self.farm_anchor(rng, host))] for host in rng.sample(self.farm_hosts, 30)]
                post.regions["content"].append(UL(items))
        self.finish(draft)

    def build_sitewide(self, spec: SiteSpec) -> None:
        rng = self.rng("sitewide", spec.domain)
        draft = self.skeleton(spec, self.count(spec.pages), paragraphs=(2, 4))
        draft.footer.append(P(["Theme sponsored by ", self.target_link(
            rng, TARGETS[0].domain, page=self.target_pages[TARGETS[0].domain][0], anchor="b2b analytics platform",
            rel="none")]))
        self.finish(draft)

    def build_link_swap(self, spec: SiteSpec) -> None:
        rng = self.rng("swap", spec.domain)
        draft = self.skeleton(spec, self.count(spec.pages), paragraphs=(2, 3))
        partners = Page(spec, f"{spec.root}link-exchange/", "Link exchange partners", (200,) * len(CRAWL_DATES))
        partners.regions = draft.regions(content=[
            P(["We exchange links with quality sites. Add our banner and we link back to you!"]),
            UL([[self.target_link(rng, TARGETS[0].domain, mix="money", rel="none")]] +
               [[A(f"http://{host}/", self.farm_anchor(rng, host))] for host in rng.sample(self.farm_hosts, 12)])])
        draft.pages.append(partners)
        draft.sidebar.append(("Our partners", [P([self.target_link(rng, TARGETS[0].domain, anchor="Acme Analytics", rel="none")])]))
        self.finish(draft)

    def build_subdomain_spam(self, spec: SiteSpec) -> None:
        rng = self.rng("subdomains", spec.domain)
        pricing = self.target_pages[TARGETS[0].domain][1]
        for host in spec.hosts:
            draft = self.skeleton(spec, self.count(spec.pages), paragraphs=(1, 1), host=host, scheme="http")
            for post in draft.posts:
                self.mention(rng, post, A(pricing.url, "analytics pricing"))
            self.finish(draft)

    def build_link_directory(self, spec: SiteSpec) -> None:
        rng = self.rng("linkdir", spec.domain)
        draft = self.skeleton(spec, self.count(spec.pages), paragraphs=(1, 1))
        draft.nav.append(A("/submit.php", "Submit your site"))
        draft.sidebar.append(("Featured listing", [P(["Get a featured listing for $9.99! Reciprocal link required."])]))
        for post in draft.posts:
            items = [[A(f"http://{host}/", self.farm_anchor(rng, host)), " - ", text.sentence(rng, "seo_spam")]
                     for host in rng.sample(self.farm_hosts, rng.randint(60, 150))]
            post.regions["content"].append(UL(items, cls="dir-listing"))
        self.target_mentions(rng, draft, 2, mix="money", rel="none")
        self.finish(draft)

    def build_paid_unmarked(self, spec: SiteSpec) -> None:
        rng = self.rng("paid", spec.domain)
        draft = self.skeleton(spec, self.count(spec.pages), paragraphs=(3, 6))
        for index, post in enumerate(draft.posts[: max(2, len(draft.posts) // 3)]):
            post.regions["article_header"].insert(0, P([rng.choice(("Sponsored post", "This is a sponsored post.",
                                                                    "Partner content — sponsored"))], cls="label"))
            link = self.target_link(rng, TARGETS[0].domain, mix="money", rel="none")
            if index % 2:
                post.title = post.h1 = "Sponsored: " + post.title
                self.mention(rng, post, link)
            else:
                post.regions["content"].insert(1, P([rng.choice(("This post is sponsored by our partner ",
                                                                 "Paid partnership with ", "Sponsored: try ")),
                                                     link, ". " + text.sentence(rng, "analytics")]))
        self.finish(draft)

    def build_guest_post(self, spec: SiteSpec) -> None:
        rng = self.rng("guest", spec.domain)
        draft = self.skeleton(spec, self.count(spec.pages), paragraphs=(3, 5))
        draft.nav.append(A("/write-for-us/", "Write for us"))
        draft.sidebar.append(("Contribute", [P(["Submit a guest post: ", A("/write-for-us/", "guidelines")])]))
        money = sorted(MONEY_SITES.items())
        for post in draft.posts:
            for host, (_, anchor) in rng.sample(money, 2):
                self.mention(rng, post, A(f"https://{host}/", anchor))
            author = self.person(rng)
            post.regions["article_footer"].append(Wrap('<div class="author-bio">', "</div>", [P([
                f"Guest post by {author}, SEO consultant. {author.split()[0]} writes about growth at ",
                self.target_link(rng, TARGETS[0].domain, mix="spammy", rel="none"), "."])]))
        self.finish(draft)

    def build_thin(self, spec: SiteSpec) -> None:
        rng = self.rng("thin", spec.domain)
        draft = self.skeleton(spec, self.count(spec.pages), paragraphs=(1, 1))
        for post in draft.posts:
            post.regions["content"] = [P([text.sentence(rng, "seo_spam")])]
            self.mention(rng, post, self.target_link(rng, TARGETS[0].domain, mix="spammy", rel="none"))
        if spec.domain == "123-free-links.xyz":
            home = self.target_pages[TARGETS[0].domain][0]
            go = Page(spec, f"{spec.root}go.html", "Redirecting", (200,) * len(CRAWL_DATES),
                      refresh=(f"3;URL='{home.url}'", home.url))
            go.regions = draft.regions(content=[P(["Please wait…"])])
            draft.pages.append(go)
            self.event("meta_refresh", 0, source_url=go.url, target_url=home.url)
        self.finish(draft)

    def build_link_burst(self, spec: SiteSpec) -> None:
        rng = self.rng("burst", spec.domain)
        early = 3
        draft = self.skeleton(spec, early + self.count(spec.pages), paragraphs=(2, 3), break_chance=0)
        for index, post in enumerate(draft.posts):
            born = 0 if index < 2 else (1 if index < early else LAST)
            post.statuses = tuple(200 if crawl >= born else None for crawl in range(len(CRAWL_DATES)))
            self.mention(rng, post, self.target_link(rng, TARGETS[0].domain, mix="spammy", rel="none"))
        self.event("link_burst", LAST, domain=spec.domain, new_pages=len(draft.posts) - early)
        self.finish(draft)

    def build_comment_spam(self, spec: SiteSpec) -> None:
        """An abandoned blog whose comment sections filled up with spam: commenters' names link
        money sites and the brand with keyword anchors, follow (no ugc on an old install)."""
        rng = self.rng("comment-spam", spec.domain)
        draft = self.skeleton(spec, self.count(spec.pages), paragraphs=(2, 4), born_weights=(1, 0, 0), break_chance=0)
        money = sorted(MONEY_SITES.items())
        praise = ("Great post, thanks for sharing!", "Very informative article.", "Nice blog, keep it up!",
                  "I bookmarked this page.", "Thanks, this helped me a lot.")
        for post in draft.posts:
            comments = self.comments(rng, spec, rng.randint(1, 2), rel="none")
            for host, (_, anchor) in rng.sample(money, rng.randint(3, 5)):
                comments.append(Comment(anchor.title(), A(f"https://{host}/", anchor), [rng.choice(praise)],
                                        f"2025-{rng.randint(1, 12):02d}-{rng.randint(10, 28)}"))
            link = self.target_link(rng, TARGETS[0].domain, mix="money", rel="none")
            comments.insert(rng.randint(0, len(comments)), Comment(
                "Analytics Expert", None, [rng.choice(praise) + " See also ", link, Raw("<br>-- <br>"),
                                           A(f"https://{money[1][0]}/", money[1][1][1])], "2025-11-02"))
            post.regions["comments"] = comments
        self.finish(draft)

    def build_spam_listed(self, spec: SiteSpec) -> None:
        """An ordinary-looking analytics blog whose domain is on the public referrer-spam list."""
        rng = self.rng("listed", spec.domain)
        draft = self.skeleton(spec, self.count(spec.pages), paragraphs=(3, 5))
        self.target_mentions(rng, draft, rng.randint(2, 3))
        self.finish(draft)

    def build_same_title(self, spec: SiteSpec) -> None:
        """One of several sites carrying the same long title on a ``/link/`` page that links the
        brand's article with its header image and its title as anchor (spun text, so no copy)."""
        rng = self.rng("same-title", spec.domain)
        draft = self.skeleton(spec, self.count(spec.pages), paragraphs=(2, 3), break_chance=0)
        article = self.target_pages[TARGETS[0].domain][4]
        page = Page(spec, f"{spec.scheme}://{spec.main_host}/link/",
                    "Unlock The Secrets To Backlink Success: The Ultimate Guide To Building High-Quality Links",
                    (200,) * len(CRAWL_DATES))
        image = A(article.url, f'<img src="https://{TARGETS[0].host}/img/blog/product-analytics-header.png" '
                               f'alt="{article.title}">', style="plain")
        title_link = A(article.url, article.title, style="plain")
        page.regions = draft.regions(content=[P([text.paragraph(rng, "seo_spam", "en", 5)]),
                                              P([title_link, " — ", text.sentence(rng, "martech")]), P([image]),
                                              P([text.paragraph(rng, "martech", "en", 4)])])
        draft.pages.append(page)
        self.finish(draft)
