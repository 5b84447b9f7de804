"""Builders of the natural sites: targets, publishers, blogs, forums, reviews, directories, others."""

from __future__ import annotations

import random

from . import text
from .cast import TARGETS, SiteSpec
from .markup import UL, A, Comment, P, Raw, Wrap
from .pages import Page
from .world import CRAWL_DATES, LAST, REL_CHOICES, Draft, WorldBase, html_escape, weighted


class NaturalSites(WorldBase):
    """Sites that earned (or just happen to give) their links."""


    def build_blog(self, spec: SiteSpec) -> None:
        rng = self.rng("blog", spec.domain)
        if spec.domain == "martechnotes.net":
            return self.build_https_move(spec)
        if spec.extra.get("moved_to"):
            return self.build_moved_blog(spec)
        draft = self.skeleton(spec, self.count(spec.pages))
        if rng.random() < 0.5:
            self.socials(rng, draft)
        self.blogroll(rng, draft, self.peers(spec, "blog") + self.peers(spec, "publisher"), rng.randint(3, 6))
        for post in draft.posts:
            for _ in range(rng.randint(0, 2)):
                self.mention(rng, post, self.peer_link(rng, spec))
            if rng.random() < 0.35:
                post.regions["comments"] = self.comments(rng, spec, rng.randint(1, 4))
            if rng.random() < 0.08:
                post.regions["content"].append(A(f"https://www.youtube.com/embed/{rng.randint(10**9, 10**10)}",
                                                 kind="iframe", attrs=' width="560" height="315" allowfullscreen'))
        self.plant_blog_events(rng, spec, draft)
        if spec.links_target:
            self.target_mentions(rng, draft, rng.randint(1, 3), rel="nofollow" if rng.random() < 0.12 else "follow")
        if spec.links_competitors:
            for target in TARGETS[1:]:
                self.target_mentions(rng, draft, rng.randint(0, 2), target=target.domain)
        if spec.domain == "pmstack.net":
            for post in draft.posts:
                base = post.url.rsplit("/", 1)[0] + "/"
                post.base = base
                post.regions["article_footer"].append(P(["Related: ", A(base + "index.html", "all posts"), " · ",
                                                         A(base + "archive.html", "archive")]))
        self.finish(draft)

    def plant_blog_events(self, rng: random.Random, spec: SiteSpec, draft: Draft) -> None:
        first = TARGETS[0].domain
        if spec.domain == "productledweekly.com":
            post = draft.posts[0]
            post.statuses = (200, 200, 200)
            page = self.target_pages[first][3]
            self.mention(rng, post, self.link(rng, page.url, "churn prediction models", crawls=frozenset({0, 1})))
            competitor = self.target_pages["datapulse.com"][2]
            self.mention(rng, post, self.link(rng, competitor.url, "automated KPI reports", crawls=frozenset({2})))
            self.event("link_replaced", LAST, source_url=post.url, target_url=page.url, replaced_by=competitor.url)
        broken = {"churnlab.net": (1, 404), "growthledger.org": (2, 410), "theanalyticsdesk.com": (2, 500)}
        if spec.domain in broken:
            crawl, status = broken[spec.domain]
            post = draft.posts[-1]
            post.statuses = tuple(200 if c < crawl else status for c in range(len(CRAWL_DATES)))
            self.mention(rng, post, self.target_link(rng, first, page=self.target_pages[first][0], anchor="Acme Analytics"))
            self.event("page_broken", crawl, source_url=post.url, status=status)

    def build_https_move(self, spec: SiteSpec) -> None:
        """Crawl 0 serves http://; from crawl 1 http:// answers 301 to the same https:// URL."""
        http = self.skeleton(spec, self.count(spec.pages), born_weights=(1, 0, 0), scheme="http", break_chance=0)
        https = self.skeleton(spec, self.count(spec.pages), born_weights=(1, 0, 0), scheme="https", break_chance=0)
        link_rng = self.rng("https-move-links", spec.domain)
        for old, new in zip(http.posts[:2], https.posts[:2]):
            for page in (old, new):
                self.mention(self.rng("moved-link", old.url), page,
                             self.target_link(self.rng("moved-link", old.url), TARGETS[0].domain, rel="follow"))
        for old, new in zip(http.pages, https.pages):
            old.statuses = (200,) + (301,) * LAST
            old.locations = (None,) + (new.url,) * LAST
            new.statuses = (None,) + (200,) * LAST
        self.blogroll(link_rng, https, self.peers(spec, "blog"), 4)
        self.event("https_move", 1, domain=spec.domain, from_url=http.pages[0].url, to_url=https.pages[0].url)
        self.finish(http)
        self.finish(https)

    def build_moved_blog(self, spec: SiteSpec) -> None:
        """A blog bought by the brand: crawl 0 normal, then every page 301s to the brand's blog."""
        rng = self.rng("moved", spec.domain)
        draft = self.skeleton(spec, self.count(spec.pages), born_weights=(1, 0, 0), break_chance=0)
        self.target_mentions(rng, draft, 2)
        location = f"https://{TARGETS[0].host}/blog/"
        for page in draft.pages:
            page.statuses = (200,) + (301,) * LAST
            page.locations = (None,) + (location,) * LAST
        self.event("domain_redirect", 1, domain=spec.domain, location=location)
        self.finish(draft)

    def build_publisher(self, spec: SiteSpec) -> None:
        rng = self.rng("publisher", spec.domain)
        draft = self.skeleton(spec, self.count(spec.pages), paragraphs=(6, 12))
        policy = {"dailybizwire.com": "nofollow", "marketwatchers.net": "nofollow",
                  "bigpublisher.co.uk": "nofollow", "handelsdigital.de": "follow",
                  "investorweekly.com": "nofollow", "fintechdigest.com": "follow"}.get(spec.domain, "mixed")
        self.socials(rng, draft)
        draft.sidebar.append(("From our partners", [UL([[self.link(rng, "https://www.gartner.com/en/research", "Research", "sponsored")],
                                                        [self.link(rng, "https://www.eventbrite.com/", "Events near you", "sponsored")]])]))

        def rel() -> str:
            return rng.choice(("follow", "nofollow")) if policy == "mixed" else policy

        if spec.domain == "dailybizwire.com":
            self.plant_dailybizwire(rng, spec, draft)
        for post in draft.posts:
            for _ in range(rng.randint(1, 3)):
                self.mention(rng, post, self.peer_link(rng, spec, rel()))
            if rng.random() < 0.2:
                post.regions["comments"] = self.comments(rng, spec, rng.randint(1, 5))
        if spec.links_target:
            for _ in range(max(2, len(draft.posts) // 8)):
                self.target_mentions(rng, draft, 1, rel=rel())
        if spec.links_competitors:
            for target in TARGETS[1:]:
                self.target_mentions(rng, draft, max(1, len(draft.posts) // 15), target=target.domain, rel=rel())
        if spec.domain == "saasinsider.com":
            self.plant_saasinsider(rng, spec, draft)
        if spec.domain == "techherald.com":
            self.plant_go_redirects(rng, spec, draft)
        self.finish(draft)

    def plant_saasinsider(self, rng: random.Random, spec: SiteSpec, draft: Draft) -> None:
        for post in draft.posts[1:3]:
            post.regions["article_header"].insert(0, P(["Sponsored content · Presented by DataPulse"], cls="sponsor-label"))
            self.mention(rng, post, self.target_link(rng, TARGETS[0].domain, rel="sponsored"))
        original = self.original_article(spec, draft)
        draft.pages.append(original)
        report = Page(spec, f"https://{spec.main_host}/reports/saas-benchmark-2026.pdf",
                      "SaaS Benchmark Report 2026", (200,) * len(CRAWL_DATES), kind="pdf")
        draft.pages.append(report)
        draft.posts[0].regions["content"].append(P(["Download the ", A(report.url, "full benchmark (PDF)"), "."]))

    def original_article(self, spec: SiteSpec, draft: Draft) -> Page:
        """The article the scrapers copy; it links the brand with 'compile audience data'."""
        page = Page(spec, f"https://{spec.main_host}/2025/11/privacy-in-b2b-paid-search/",
                    "Privacy in B2B Paid Search: What Changes in 2026", (200,) * len(CRAWL_DATES))
        page.regions = draft.regions(
            article_header=[P(["By Greta Larsen · 14 Nov 2025"], cls="byline")], content=self.scraped_body(),
            article_footer=[P(["Tags: ", A("/tag/privacy/", "privacy")])])
        return page

    def scraped_body(self) -> list:
        rng = self.rng("scraped-article")
        cdp = self.target_pages[TARGETS[0].domain][5]
        paragraphs = [text.paragraph(rng, "martech", "en", 5) for _ in range(6)]
        return [
            P([paragraphs[0]]),
            P([paragraphs[1]]),
            P(["Advertisers who want to ", A(cdp.url, "compile audience data"),
               " from their own CRM should start with consent. " + paragraphs[2]]),
            P([paragraphs[3]]),
            P([paragraphs[4], " See ", A("https://en.wikipedia.org/wiki/First-party_data", "first-party data"), "."]),
            P([paragraphs[5]]),
        ]

    def plant_go_redirects(self, rng: random.Random, spec: SiteSpec, draft: Draft) -> None:
        for slug, target in (("acme-analytics", TARGETS[0]), ("datapulse", TARGETS[1])):
            location = f"https://{target.host}/?utm_source=techherald&utm_medium=referral"
            page = Page(spec, f"https://{spec.main_host}/go/{slug}", "", (301,) * len(CRAWL_DATES),
                        locations=(location,) * len(CRAWL_DATES))
            draft.pages.append(page)
            self.mention(rng, draft.posts[1], A(page.url, f"Try {target.name}", rel="nofollow"))
            self.event("tracking_redirect", 0, source_url=page.url, location=location)

    def plant_dailybizwire(self, rng: random.Random, spec: SiteSpec, draft: Draft) -> None:
        image = Page(spec, f"https://{spec.main_host}/images/acme-dashboard.png", "", (200,) * len(CRAWL_DATES),
                     kind="image")
        draft.pages.append(image)
        post = draft.posts[0]
        post.statuses = (200, 200, 200)
        post.regions["content"].insert(1, Raw(f'<figure><img src="{image.url}" alt="Dashboard screenshot"></figure>'))
        link = self.target_link(rng, TARGETS[0].domain, rel="nofollow", page=self.target_pages[TARGETS[0].domain][2],
                                anchor="customer dashboards", crawls=frozenset({0, 1}))
        self.mention(rng, post, link)
        self.event("link_removed", LAST, source_url=post.url, target_url=link.url)

    def build_forum(self, spec: SiteSpec) -> None:
        rng = self.rng("forum", spec.domain)
        draft = self.skeleton(spec, self.count(spec.pages), paragraphs=(1, 3))
        rel = "ugc"
        if spec.domain == "saascommunity.org":
            thread = draft.posts[-1]
            thread.statuses = (200, 500, 200)
            self.event("page_error_recovered", 1, source_url=thread.url, status=500)
        for thread in draft.posts:
            replies = self.comments(rng, spec, rng.randint(2, 8), rel=rel)
            for reply in replies:
                if reply.author_link is None:
                    reply.author_link = A(f"/u/{text.slug(reply.author)}", reply.author)
                if rng.random() < 0.25:
                    reply.pieces += [" ", self.peer_link(rng, spec, rel)]
                if rng.random() < 0.2:
                    reply.pieces += [Raw("<br>-- <br>"), self.link(rng, self.by_domain[rng.choice(self.peers(spec, "blog"))].root,
                                                                   "my blog", rel)]
            thread.regions["comments"] = replies
            thread.regions["article_header"] = [P([f"Started by {self.person(rng)}"], cls="meta")]
        threads = list(draft.posts)
        for index in range(rng.randint(3, 6) if spec.links_target else 0):
            thread = rng.choice(threads)
            link = self.target_link(rng, TARGETS[0].domain, rel=rel)
            link.crawls = self.link_crawls(rng, thread, link.url)
            comments = thread.regions["comments"]
            comments.insert(rng.randint(0, len(comments)), Comment(
                self.person(rng), None, ["We switched to ", link, " last year and never looked back."], "2026-02-11"))
        if spec.links_competitors:
            for target in TARGETS[1:]:
                thread = rng.choice(threads)
                thread.regions["comments"].append(Comment(self.person(rng), None, [
                    "Have you tried ", self.target_link(rng, target.domain, rel=rel), "?"], "2026-03-02"))
        if spec.links_target:
            first = threads[0]
            self.mention(rng, first, self.target_link(rng, TARGETS[0].domain, rel="nofollow"))
        self.finish(draft)

    def build_review(self, spec: SiteSpec) -> None:
        rng = self.rng("review", spec.domain)
        draft = self.skeleton(spec, max(2, self.count(spec.pages) - 6), paragraphs=(3, 5))
        root = f"{spec.scheme}://{spec.main_host}"
        linked = [t for t in TARGETS if (t.domain == TARGETS[0].domain and spec.links_target)
                  or (t.domain != TARGETS[0].domain and spec.links_competitors)]
        for target in linked:
            page = Page(spec, f"{root}/reviews/{text.slug(target.name)}", f"{target.name} Review (2026): Pricing, Pros &amp; Cons",
                        (200,) * len(CRAWL_DATES))
            home = self.target_pages[target.domain][0]
            logo = A(home.url, f'<img src="/logos/{text.slug(target.name)}.png" alt="{target.name}">',
                     rel=weighted(rng, REL_CHOICES["sponsored"]))
            visit = self.link(rng, home.url, "Visit website", "sponsored" if rng.random() < 0.6 else "nofollow",
                              attrs=' class="button"')
            content = [P([logo]), *self.paragraphs(rng, spec, 3), P([visit])]
            if spec.domain == "stackrank.org" and target is TARGETS[0]:
                content.append(A(f"https://{target.host}/embed/widget?theme=light", kind="iframe",
                                 attrs=' width="400" height="300" loading="lazy"'))
            page.regions = draft.regions(content=content, comments=self.comments(rng, spec, rng.randint(1, 4)))
            draft.pages.append(page)
        if len(linked) >= 2:
            first, second = linked[0], linked[1]
            compare = Page(spec, f"{root}/compare/{text.slug(first.name)}-vs-{text.slug(second.name)}",
                           f"{first.name} vs {second.name}", (200,) * len(CRAWL_DATES))
            compare.regions = draft.regions(content=[
                P(["Both ", self.target_link(rng, first.domain, rel="nofollow"), " and ",
                   self.target_link(rng, second.domain, rel="nofollow"), " are solid choices."]),
                *self.paragraphs(rng, spec, 2)])
            if spec.domain == "softwarecompare.net":
                compare.x_robots = "nofollow"
                self.event("x_robots_nofollow", 0, source_url=compare.url)
            draft.pages.append(compare)
        if spec.domain == "saasreviewhub.com":
            page = Page(spec, f"{root}/user-reviews/acme-analytics", "User reviews of Acme Analytics",
                        (200,) * len(CRAWL_DATES),
                        meta_robots='<meta name="robots" content="noindex, nofollow">')
            page.regions = draft.regions(content=[P(["Read what users say about ",
                                                     self.target_link(rng, TARGETS[0].domain, anchor="Acme Analytics"), "."])],
                                         comments=self.comments(rng, spec, 3))
            draft.pages.append(page)
            self.event("meta_robots_nofollow", 0, source_url=page.url)
        self.finish(draft)

    def build_directory(self, spec: SiteSpec) -> None:
        rng = self.rng("directory", spec.domain)
        draft = self.skeleton(spec, self.count(spec.pages), paragraphs=(1, 2))
        vendors = [s for s in self.specs if s.pattern == "natural" and s.kind in ("blog", "review", "partner", "publisher")]
        for page in draft.posts:
            items = []
            for vendor in rng.sample(vendors, rng.randint(8, 16)):
                anchor = vendor.root if rng.random() < 0.5 else vendor.name
                items.append([self.link(rng, vendor.root, anchor, "follow", style="plain"), " — ",
                              text.sentence(rng, vendor.topic)])
            page.regions["content"].append(UL(items, cls="listing"))
        if spec.links_target:
            self.target_mentions(rng, draft, 1, mix="spammy")
            if spec.domain == "b2bsoftwaredirectory.org":
                home = self.target_pages[TARGETS[0].domain][0]
                out = Page(spec, f"{spec.root}out/acmeanalytics", "Redirecting to Acme Analytics…",
                           (200,) * len(CRAWL_DATES), refresh=(f"0; url={home.url}", home.url))
                out.regions = draft.regions(content=[P(["You are being redirected."])])
                draft.pages.append(out)
                draft.posts[0].regions["content"].append(P([A("/out/acmeanalytics", "Acme Analytics (visit)")]))
                self.event("meta_refresh", 0, source_url=out.url, target_url=home.url)
        if spec.links_competitors:
            for target in TARGETS[1:]:
                self.target_mentions(rng, draft, 1, target=target.domain, mix="spammy")
        self.finish(draft)

    def build_other(self, spec: SiteSpec) -> None:
        rng = self.rng("other", spec.domain)
        draft = self.skeleton(spec, self.count(spec.pages), paragraphs=(3, 6))
        brand = TARGETS[0]
        home = self.target_pages[brand.domain][0]
        kind = spec.kind
        self.blogroll(rng, draft, self.peers(spec, "publisher", "blog"), 3)
        for post in draft.posts:
            if rng.random() < 0.6:
                self.mention(rng, post, self.peer_link(rng, spec))
        if kind == "event":
            sponsors = [A(home.url, f'<img src="/sponsors/acme.png" alt="{brand.name}">', rel="sponsored")]
            if spec.links_competitors:
                sponsors.append(A(self.target_pages["datapulse.com"][0].url, '<img src="/sponsors/dp.png">', rel="sponsored"))
            draft.posts[0].regions["content"].append(Wrap('<div class="sponsors">', "</div>", [P(sponsors)]))
            draft.posts[0].regions["content"].append(A("https://www.eventbrite.com/e/tickets-2026", kind="form",
                                                       inner='<input type="submit" value="Get tickets">'))
        elif kind == "podcast":
            self.target_mentions(rng, draft, 1, mix="natural")
            draft.posts[0].regions["content"].append(A("https://open.spotify.com/embed/episode/4fa1b2c3", kind="iframe",
                                                       attrs=' width="100%" height="152" frameborder="0"'))
        elif kind == "partner":
            page = draft.posts[0]
            page.statuses = (200, 200, 200)
            self.mention(rng, page, self.target_link(rng, brand.domain, page=self.target_pages[brand.domain][7],
                                                     anchor="Acme Analytics for Salesforce"))
            page.regions["sidebar"] = list(draft.sidebar) + [("Book a demo", [A(f"https://{brand.host}/demo-request", kind="form",
                                                                               inner='<input name="email"><button>Book</button>')])]
        elif spec.extra.get("sitewide") and kind == "oss":
            draft.footer.append(P(["Sponsored by ", A(home.url, f'<img src="/img/sponsor-acme.svg" alt="{brand.name}">',
                                                      rel="sponsored")]))
        elif spec.extra.get("sitewide"):
            draft.footer.append(P(["Analytics by ", self.target_link(rng, brand.domain, page=home, anchor=brand.name)]))
        elif spec.extra.get("relevance") == "page":
            self.target_mentions(rng, draft, rng.randint(1, 2), posts=[self.on_topic_post(rng, draft)])
        else:
            self.target_mentions(rng, draft, rng.randint(1, 2))
        if spec.links_competitors:
            self.target_mentions(rng, draft, 1, target=TARGETS[1].domain)
        self.finish(draft)

    def on_topic_post(self, rng: random.Random, draft: Draft) -> Page:
        """An off-topic site's one post about the project's topic (the link fits the page, not the site)."""
        post = draft.posts[0]
        post.statuses = (200,) * len(CRAWL_DATES)
        post.title = post.h1 = "Parent Blogger Rankings: How We Measure Reach and Engagement"
        post.regions["content"] = [P([text.paragraph(rng, "analytics", "en")]) for _ in range(4)]
        return post

    def build_syndication(self, spec: SiteSpec) -> None:
        """A syndication partner: its own short posts plus a licensed copy of the original article
        (rel=canonical to the original; ``credits`` adds an "originally published" link)."""
        rng = self.rng("syndication", spec.domain)
        draft = self.skeleton(spec, self.count(spec.pages), paragraphs=(3, 5))
        original = self.by_domain[spec.extra["syndicates"]]
        original_url = f"https://{original.main_host}/2025/11/privacy-in-b2b-paid-search/"
        copy = Page(spec, f"{spec.scheme}://{spec.main_host}/syndicated/privacy-in-b2b-paid-search/",
                    "Privacy in B2B Paid Search: What Changes in 2026", (200,) * len(CRAWL_DATES), canonical=original_url)
        footer = [P(["This article first appeared on ", A(original_url, original.name), "."])] if spec.extra.get("credits") else []
        copy.regions = draft.regions(content=self.scraped_body(), article_footer=footer,
                                     article_header=[P(["By Greta Larsen · syndicated"], cls="byline")])
        draft.pages.append(copy)
        self.target_mentions(rng, draft, 1)
        self.finish(draft)

    def build_background(self, spec: SiteSpec) -> None:
        rng = self.rng("background", spec.domain)
        draft = self.skeleton(spec, self.count(spec.pages), paragraphs=(3, 7))
        self.blogroll(rng, draft, self.peers(spec, "publisher"), 3)
        for post in draft.posts:
            for _ in range(rng.randint(0, 2)):
                self.mention(rng, post, self.peer_link(rng, spec))
        if spec.links_competitors:
            for target in TARGETS[1:]:
                self.target_mentions(rng, draft, rng.randint(2, 3), target=target.domain)
        self.finish(draft)

    def build_target(self, spec: SiteSpec) -> None:
        rng = self.rng("target", spec.domain)
        tspec = self.targets[spec.domain]
        draft = self.skeleton(spec, self.count(spec.pages), paragraphs=(4, 7), break_chance=0)
        draft.nav[:] = [A("/", "Home"), A("/pricing", "Pricing"), A("/blog/", "Blog"), A("/customers", "Customers")]
        if spec.domain == TARGETS[0].domain:
            draft.nav += [A("https://docs.acmeanalytics.com/", "Docs"), A("https://app.acmeanalytics.com/login", "Log in")]
        self.socials(rng, draft)
        draft.footer.append(P([A("https://github.com/" + tspec.name.replace(" ", "").lower(), "GitHub"), " · ",
                               A("/terms", "Terms")]))
        for path, title, keywords in tspec.pages:
            page = Page(spec, f"https://{tspec.host}{path}", html_escape(title), (200,) * len(CRAWL_DATES),
                        description=", ".join(keywords))
            page.regions = draft.regions(content=self.paragraphs(rng, spec, 3))
            if path == "/":
                draft.pages[0] = page
                page.regions["content"].insert(0, P([f"{tspec.name} helps teams with {keywords[0]}."]))
                page.regions["content"].append(Wrap(
                    '<img src="/img/product-map.png" usemap="#product" alt="Product map">\n<map name="product">',
                    "</map>", [A("/pricing", kind="area", attrs=' coords="0,0,120,40" alt="Pricing"'),
                               A("/features/dashboards", kind="area", attrs=' coords="120,0,240,40" alt="Dashboards"')]))
            else:
                draft.pages.append(page)
        for post in draft.posts:
            for _ in range(rng.randint(0, 2)):
                self.mention(rng, post, self.peer_link(rng, spec))
        if spec.domain == TARGETS[0].domain:
            self.plant_brand_site(rng, spec, draft)
        self.finish(draft)

    def plant_brand_site(self, rng: random.Random, spec: SiteSpec, draft: Draft) -> None:
        partners = Page(spec, f"https://{TARGETS[0].host}/partners", "Partners | Acme Analytics", (200,) * len(CRAWL_DATES))
        swaps = ["crmconnect.com", "seo-friends-network.com", "linkexchange-partners.net",
                 "saasmetricsblog.com", "revopsjournal.com"]
        items = [[A(self.by_domain[domain].root, self.by_domain[domain].name)] for domain in swaps]
        partners.regions = draft.regions(content=[P(["Our technology and content partners:"]), UL(items)])
        draft.pages.append(partners)
        for domain in swaps:
            self.event("outbound_from_target", 0, source_url=partners.url, target_domain=domain)
        docs = Page(spec, "https://docs.acmeanalytics.com/api", "API reference — Acme Analytics Docs",
                    (200,) * len(CRAWL_DATES))
        docs.regions = draft.regions(content=self.paragraphs(rng, spec, 2) + [
            P(["See the ", A("https://developer.mozilla.org/en-US/docs/Web/HTTP", "HTTP docs on MDN"), "."])])
        pdf = Page(spec, f"https://{TARGETS[0].host}/resources/state-of-b2b-analytics-2026.pdf",
                   "State of B2B Analytics 2026", (200,) * len(CRAWL_DATES), kind="pdf")
        customers = next(page for page in draft.pages if page.url.endswith("/customers"))
        customers.regions["content"].append(P(["Read how ", A(self.by_domain["northwindtraders.com"].root,
                                                              "Northwind Traders"), " uses dashboards. ",
                                               A(pdf.url, "Download our 2026 report"), "."]))
        draft.pages += [docs, pdf]
