"""The cast of the sample web: every crawled site, its look, its pattern and its labels.

Domain names are fixed (labels stay stable across seeds); the seed decides IPs, text,
page counts, anchors and timing. Every host's registrable domain is explicit here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["SiteSpec", "TARGETS", "cast", "OUTSIDE_HOSTS", "MONEY_SITES", "FARM_WORDS"]


@dataclass
class SiteSpec:
    domain: str
    kind: str  # look-alike category
    pattern: str = "natural"  # spam pattern, or "natural" / "target"
    theme: str = "wp"
    topic: str = "analytics"
    lang: str = "en"  # written <html lang>, e.g. "en-US"; primary subtag is the truth
    hosts: tuple[str, ...] = ()
    scheme: str = "https"
    pages: int = 8  # base page count at scale 1.0
    name: str = ""
    group: str | None = None
    toxic: bool = False
    links_target: bool = True  # links the project's brand (targets[0])
    links_competitors: bool = False
    charset: str = "utf-8"
    charset_via: str = "meta"  # meta | http-equiv | header | both
    generator: str | None = None
    analytics: tuple[str, ...] = ()
    ip_group: str | None = None
    server: str = "nginx"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def main_host(self) -> str:
        return self.hosts[0]

    @property
    def root(self) -> str:
        return f"{self.scheme}://{self.main_host}/"


@dataclass(frozen=True)
class TargetSpec:
    domain: str
    host: str
    brands: tuple[str, ...]
    name: str
    pages: tuple[tuple[str, str, tuple[str, ...]], ...]  # (path, title, keywords)


TARGETS = (
    TargetSpec(
        "acmeanalytics.com",
        "www.acmeanalytics.com",
        ("Acme Analytics", "AcmeAnalytics", "acmeanalytics"),
        "Acme Analytics",
        (
            ("/", "Acme Analytics — Product Analytics for B2B SaaS Teams",
             ("product analytics", "b2b analytics platform", "product analytics software")),
            ("/pricing", "Pricing | Acme Analytics", ("analytics pricing", "product analytics pricing")),
            ("/features/dashboards", "Customer Dashboards for SaaS | Acme Analytics",
             ("customer dashboards", "saas dashboards")),
            ("/features/churn-prediction", "Churn Prediction Software | Acme Analytics",
             ("churn prediction", "churn prediction software")),
            ("/blog/what-is-product-analytics", "What Is Product Analytics? A Guide for B2B Teams",
             ("what is product analytics", "product analytics guide")),
            ("/blog/first-party-data-cdp", "How to Activate First-Party Data in Your CDP",
             ("first-party data", "compile audience data")),
            ("/blog/martech-roi", "How to Calculate Martech ROI", ("martech roi", "calculate martech roi")),
            ("/integrations/salesforce", "Salesforce Integration | Acme Analytics",
             ("salesforce analytics integration",)),
            ("/customers", "Customer Stories | Acme Analytics", ("b2b analytics case studies",)),
            ("/terms", "Terms of Service | Acme Analytics", ("terms of service",)),
        ),
    ),
    TargetSpec(
        "datapulse.com",
        "www.datapulse.com",
        ("DataPulse", "Data Pulse"),
        "DataPulse",
        (
            ("/", "DataPulse — Real-Time Business Intelligence", ("business intelligence", "real-time bi")),
            ("/pricing", "DataPulse Pricing", ("bi pricing",)),
            ("/product/reports", "Automated Reports | DataPulse", ("automated reports", "kpi reporting")),
            ("/blog/kpi-dashboard-examples", "12 KPI Dashboard Examples", ("kpi dashboard examples",)),
        ),
    ),
    TargetSpec(
        "chartwise.co.uk",
        "www.chartwise.co.uk",
        ("ChartWise", "Chartwise"),
        "ChartWise",
        (
            ("/", "ChartWise — Embedded Analytics for UK Businesses", ("embedded analytics",)),
            ("/features", "Features | ChartWise", ("embedded dashboards", "white-label charts")),
            ("/blog/embedded-analytics-guide", "The Embedded Analytics Buyer's Guide",
             ("embedded analytics guide",)),
        ),
    ),
)

# Hosts linked to but not crawled, with their registrable domains.
OUTSIDE_HOSTS = {
    "en.wikipedia.org": "wikipedia.org",
    "de.wikipedia.org": "wikipedia.org",
    "github.com": "github.com",
    "twitter.com": "twitter.com",
    "x.com": "x.com",
    "www.linkedin.com": "linkedin.com",
    "www.facebook.com": "facebook.com",
    "www.youtube.com": "youtube.com",
    "wordpress.org": "wordpress.org",
    "news.ycombinator.com": "ycombinator.com",
    "www.reddit.com": "reddit.com",
    "medium.com": "medium.com",
    "www.gartner.com": "gartner.com",
    "www.w3.org": "w3.org",
    "developer.mozilla.org": "mozilla.org",
    "us5.list-manage.com": "list-manage.com",
    "www.eventbrite.com": "eventbrite.com",
    "open.spotify.com": "spotify.com",
    "podcasts.apple.com": "apple.com",
    "www.gnu.org": "gnu.org",
    "vk.com": "vk.com",
    "www.baidu.com": "baidu.com",
    "yandex.ru": "yandex.ru",
    "themeforest.net": "themeforest.net",
    "statcounter.com": "statcounter.com",
}

# Other money sites that spam pages also push (not crawled).
MONEY_SITES = {
    "www.cheapseoagency.co.uk": ("cheapseoagency.co.uk", "digital marketing agency uk"),
    "fastwphost.net": ("fastwphost.net", "managed wp hosting"),
    "www.bestcasinobonus24.xyz": ("bestcasinobonus24.xyz", "best casino bonus"),
    "cheap-viagra-online.top": ("cheap-viagra-online.top", "buy viagra online"),
    "www.payday-loans-fast.net": ("payday-loans-fast.net", "payday loans"),
    "www.replica-watches-shop.com": ("replica-watches-shop.com", "replica watches"),
    "crypto-signals-pro.xyz": ("crypto-signals-pro.xyz", "crypto trading signals"),
    "www.essaywriters-247.com": ("essaywriters-247.com", "write my essay"),
}

FARM_WORDS = (
    "auto", "best", "blue", "city", "cloud", "cool", "daily", "deal", "easy", "fast", "fit",
    "fresh", "gadget", "green", "happy", "home", "hot", "info", "king", "life", "local", "lucky",
    "mega", "net", "new", "pet", "pro", "quick", "red", "shop", "smart", "solar", "sport", "star",
    "style", "super", "tech", "top", "travel", "trend", "ultra", "vip", "web", "world", "zen",
)

_NICHE_BLOGS = (
    "martechnotes.net", "saasmetricsblog.com", "growthledger.org", "datadrivenpm.com",
    "churnlab.net", "theanalyticsdesk.com", "b2bgrowthdiary.blogspot.com",
    "sqlandcoffee.blogspot.com", "productledweekly.com", "dashboardcraft.org",
    "funnelfieldnotes.com", "revopsjournal.com", "cohortcorner.net", "metricsmatter.org",
    "pmstack.net", "insightsbyanna.com", "datenanalyse-praxis.de", "kennzahlen-blog.de",
    "eventtrackingtips.com", "lean-analytics-notes.blogspot.com", "customersuccessbits.com",
    "thesaasfounder.net", "attributionnerd.com", "bizintelblog.org", "dataviz-daily.net",
    "analyticsengineering.org", "onboardingmetrics.com", "pricingpages.net", "uxanddata.com",
    "retentionweekly.com", "kpitree.net", "warehousenative.com", "marketingmeasured.com",
    "abmplaybook.net", "plgcollective.org", "saasbenchmarks.net", "northstarmetric.com",
    "experimentationhub.org", "datastackdiaries.com", "growthcharts.blog", "b2bcontentlab.com",
    "mrrmath.com", "trialtopaid.net", "segmentsandcohorts.com",
    "analyticsforfounders.blogspot.com", "conversionclinic.net", "activationnotes.com", "dataopsweekly.com",
)
_COMPETITOR_ONLY_BLOGS = {"dashboardcraft.org", "bizintelblog.org", "kpitree.net", "mrrmath.com"}
_BLOG_GENERATORS = (
    "WordPress 6.4.3", "WordPress 6.5.2", "WordPress 6.6.1", "Ghost 5.82", "Hugo 0.125.4",
    None, "WordPress 6.5.2", "Jekyll v4.3.3",
)
_BLOG_THEMES = ("wp", "html5", "wp", "news", "minimal", "html5", "legacy", "wp")
_BLOG_TOPICS = ("analytics", "martech", "saas")


_WORDS = frozenset(("""
    the a and for of to in by on my our your b2b saas pm kpi abm plg mrr sql ux seo wp
    analytics analytic analysis data driven metrics metric blog blogs growth ledger lab desk diary
    coffee product led weekly dashboard craft funnel field notes revops journal cohort corner matter
    matters stack insights insight anna event tracking tips lean customer success bits founder
    founders attribution nerd biz intel viz daily engineering onboarding pricing pages retention
    tree warehouse native marketing measured playbook collective benchmarks north star
    experimentation hub diaries charts content math trial paid segments cohorts community forum
    indie hackers club talk review reviews software compare rank tool finder directory open
    registry state university city conference podcast crm connect jobs source traders family meal
    planner parenting travel nomad home garden ideas consulting partners nonprofit investor
    accelerator dev tools women meetup old startup cloud cost guide hr tech digest general news
    sports roundup gadget cooking classics local weather more bi compared platforms gardening
    today movie buffs crypto photography trends mark market watchers big publisher handels
    digital wire herald insider pro leads world guru online sales articles spinner repost top
    experts best agency hacks small town bakery riverside dental care jazz vienna free themes
    friends network link exchange backlinks web submit url modern life lifestyle mag guest posts
    write us news mega index resource list fin ops small article spinner links northwind
    martech churn revops tip berlin
""".split()))


def _segment(stem: str) -> list[str]:
    """Split a domain stem into dictionary words (fewest pieces wins; digits stay together)."""
    best: list[tuple[int, list[str]] | None] = [(0, [])] + [None] * len(stem)
    for end in range(1, len(stem) + 1):
        for start in range(end):
            previous = best[start]
            if previous is None:
                continue
            piece = stem[start:end]
            if piece in _WORDS or piece.isdigit():
                cost = 1
            elif len(piece) == 1:
                cost = 4
            else:
                continue
            candidate = (previous[0] + cost, previous[1] + [piece])
            if best[end] is None or candidate[0] < best[end][0]:
                best[end] = candidate
    pieces = best[len(stem)][1]
    if any(len(piece) == 1 and piece not in _WORDS and not piece.isdigit() for piece in pieces):
        return [stem]
    return pieces


_CASING = {"saas": "SaaS", "revops": "RevOps", "b2b": "B2B", "pm": "PM", "kpi": "KPI", "abm": "ABM",
           "plg": "PLG", "mrr": "MRR", "sql": "SQL", "ux": "UX", "seo": "SEO", "wp": "WP", "crm": "CRM",
           "hr": "HR", "bi": "BI", "martech": "Martech"}


def _name_of(domain: str) -> str:
    words = [word for part in domain.split(".")[0].split("-") for word in _segment(part)]
    return " ".join(_CASING.get(word, word.capitalize()) for word in words)


def _natural() -> list[SiteSpec]:
    sites = [
        SiteSpec("dailybizwire.com", "publisher", theme="news", topic="news", pages=50,
                 lang="en-US", links_competitors=True, generator=None, server="cloudflare",
                 name="Daily Biz Wire"),
        SiteSpec("techherald.com", "publisher", theme="news", topic="saas", pages=45, lang="en",
                 links_competitors=True, generator="WordPress 6.5.2", server="cloudflare",
                 name="The Tech Herald"),
        SiteSpec("saasinsider.com", "publisher", theme="wp", topic="saas", pages=45, lang="en-US",
                 links_competitors=True, generator="WordPress 6.6.1", name="SaaS Insider"),
        SiteSpec("marketwatchers.net", "publisher", theme="html5", topic="news", pages=35,
                 lang="en", links_competitors=True, name="Market Watchers"),
        SiteSpec("bigpublisher.co.uk", "publisher", theme="news", topic="news", pages=40,
                 lang="en-GB", hosts=("news.bigpublisher.co.uk", "www.bigpublisher.co.uk"),
                 links_competitors=True, server="Apache", name="The Big Publisher"),
        SiteSpec("handelsdigital.de", "publisher", theme="news", topic="analytics", pages=30,
                 lang="de-DE", name="Handel Digital"),
    ]
    for index, domain in enumerate(_NICHE_BLOGS):
        blogspot = domain.endswith(".blogspot.com")
        sites.append(SiteSpec(
            domain, "blog",
            theme="html5" if blogspot else _BLOG_THEMES[index % len(_BLOG_THEMES)],
            topic=_BLOG_TOPICS[index % 3], pages=6 + index % 7,
            lang="de" if domain.endswith(".de") else ("en-US" if index % 3 == 0 else "en"),
            hosts=(domain,) if blogspot or index % 4 == 1 else (f"www.{domain}",),
            scheme="http" if domain == "martechnotes.net" else "https",
            links_target=domain not in _COMPETITOR_ONLY_BLOGS,
            links_competitors=index % 3 == 1 or domain in _COMPETITOR_ONLY_BLOGS,
            generator="Blogger" if blogspot else _BLOG_GENERATORS[index % len(_BLOG_GENERATORS)],
            ip_group="blogger" if blogspot else None,
            server="GSE" if blogspot else ("Apache" if index % 2 else "nginx"),
            analytics=() if index % 5 == 4 else ("ga4",),
        ))
    sites += [
        SiteSpec("saascommunity.org", "forum", theme="forum", topic="saas", pages=24,
                 generator="Discourse 3.2", links_competitors=True, name="SaaS Community"),
        SiteSpec("analyticsforum.net", "forum", theme="forum", topic="analytics", pages=20,
                 generator="phpBB", links_competitors=True, name="Analytics Forum"),
        SiteSpec("indiehackersclub.com", "forum", theme="forum", topic="saas", pages=18,
                 generator="XenForo", name="Indie Hackers Club"),
        SiteSpec("growthtalk.de", "forum", theme="forum", topic="martech", pages=14, lang="de",
                 generator="Discourse 3.1", name="Growth Talk"),
        SiteSpec("saasreviewhub.com", "review", theme="landing", topic="saas", pages=14,
                 links_competitors=True, analytics=("ga4", "gtm"), name="SaaS Review Hub"),
        SiteSpec("softwarecompare.net", "review", theme="html5", topic="saas", pages=14,
                 links_competitors=True, analytics=("ga4",), name="Software Compare"),
        SiteSpec("stackrank.org", "review", theme="landing", topic="analytics", pages=12,
                 links_competitors=True, name="StackRank"),
        SiteSpec("toolfinder.co.uk", "review", theme="wp", topic="saas", pages=12, lang="en-GB",
                 hosts=("www.toolfinder.co.uk",), links_competitors=True, generator="WordPress 6.4.3",
                 name="ToolFinder"),
        SiteSpec("b2bsoftwaredirectory.org", "directory", theme="directory", topic="saas", pages=16,
                 links_competitors=True, name="B2B Software Directory"),
        SiteSpec("opensaasregistry.org", "directory", theme="directory", topic="analytics", pages=10,
                 links_competitors=True, name="Open SaaS Registry"),
    ]
    others = (
        ("stateuniversity.edu", "edu", "html5", "analytics", {}),
        ("cityconference2026.com", "event", "landing", "martech", {}),
        ("b2bgrowthpodcast.fm", "podcast", "html5", "martech", {}),
        ("crmconnect.com", "partner", "landing", "saas", {"reciprocal": True}),
        ("jobsinanalytics.com", "jobs", "directory", "analytics", {}),
        ("opensourcecharts.org", "oss", "html5", "analytics", {"sitewide": True}),
        ("northwindtraders.com", "customer", "wp", "lifestyle", {"sitewide": True}),
        ("familymealplanner.com", "lifestyle", "wp", "lifestyle", {"relevance": "low"}),
        ("parentingcharts.com", "lifestyle", "wp", "lifestyle", {"relevance": "page"}),
        ("travelnomadtips.com", "lifestyle", "html5", "lifestyle", {"relevance": "low"}),
        ("homegardenideas.net", "lifestyle", "legacy", "lifestyle", {"relevance": "low"}),
        ("consultingpartners.de", "agency", "landing", "martech", {}),
        ("nonprofitdata.org", "community", "html5", "analytics", {}),
        ("investorweekly.com", "publisher", "news", "news", {}),
        ("startupaccelerator.org", "accelerator", "landing", "saas", {}),
        ("devtoolsweekly.com", "newsletter", "minimal", "saas", {}),
        ("womeninanalytics.org", "community", "wp", "analytics", {}),
        ("analyticsmeetup-berlin.de", "event", "html5", "analytics", {}),
        ("oldstartupblog.com", "blog", "wp", "saas", {"moved_to": "acmeanalytics.com"}),
        ("cloudcostguide.com", "blog", "wp", "saas", {}),
        ("hrtechreview.net", "review", "html5", "saas", {}),
        ("fintechdigest.com", "publisher", "news", "news", {}),
        ("b2bnewsfeed.com", "syndication", "news", "saas", {"syndicates": "saasinsider.com"}),
        ("saasdigest.io", "syndication", "html5", "saas", {"syndicates": "saasinsider.com", "credits": True}),
        ("martechtradejournal.com", "publisher", "news", "martech", {"source": "trade_press"}),
    )
    for index, (domain, kind, theme, topic, extra) in enumerate(others):
        sites.append(SiteSpec(
            domain, kind, theme=theme, topic=topic, pages=5 + index % 4,
            lang="de" if domain.endswith(".de") else "en",
            hosts=(f"www.{domain}",) if index % 2 == 0 else (domain,),
            links_competitors=index % 4 == 0, extra=dict(extra),
            generator=_BLOG_GENERATORS[(index + 3) % len(_BLOG_GENERATORS)],
            analytics=("ga4",) if index % 3 else ("ua",),
        ))
    background = (
        ("generalnewsdaily.com", "publisher", "news", "news"),
        ("sportsroundup.com", "publisher", "news", "news"),
        ("techgadgetreview.com", "review", "wp", "saas"),
        ("cookingclassics.org", "lifestyle", "wp", "lifestyle"),
        ("localnewsberlin.de", "publisher", "news", "news"),
        ("weatherandmore.net", "publisher", "html5", "news"),
        ("bitoolscompared.com", "review", "landing", "analytics"),
        ("dataplatformsreview.com", "review", "html5", "analytics"),
        ("gardeningtoday.net", "lifestyle", "legacy", "lifestyle"),
        ("moviebuffs.net", "lifestyle", "html5", "lifestyle"),
        ("cryptoweekly.net", "publisher", "minimal", "news"),
        ("photographytips.org", "lifestyle", "wp", "lifestyle"),
    )
    for index, (domain, kind, theme, topic) in enumerate(background):
        sites.append(SiteSpec(
            domain, kind, theme=theme, topic=topic, pages=8 + index % 5,
            lang="de" if domain.endswith(".de") else "en",
            hosts=(f"www.{domain}",), links_target=False,
            links_competitors=domain in ("bitoolscompared.com", "dataplatformsreview.com"),
            generator=_BLOG_GENERATORS[index % len(_BLOG_GENERATORS)], analytics=("ga4",),
            extra={"background": True},
        ))
    return sites


_PBN = (
    "bizgrowthhub.com", "saastrendsdaily.com", "marketingtipspro.net", "digitalleadsworld.net",
    "analyticsguru24.com", "startup-insights-blog.org", "b2btechnews.top",
)
_SCRAPERS = (
    "onlinesalesguidetip.com", "bizarticles-hub.net", "contentdigest24.com", "newsrepost.xyz",
    "articlespinner-pro.top",
)


def _spam() -> list[SiteSpec]:
    pbn_ids = ("UA-48215530-1", "ca-pub-7391046628450013")
    sites = [
        SiteSpec(domain, "blog", "pbn", theme="pbn", topic="martech", pages=7, group="pbn1",
                 toxic=True, hosts=(f"www.{domain}",) if index % 2 == 0 else (domain,),
                 generator="WordPress 5.8.3", analytics=pbn_ids, ip_group="pbn1",
                 server="Apache", name=_name_of(domain))
        for index, domain in enumerate(_PBN)
    ]
    sites += [
        SiteSpec("mega-link-index.xyz", "link_farm", "link_farm", theme="minimal", topic="seo_spam",
                 pages=5, group="farm1", toxic=True, ip_group="farm1", analytics=("ca-pub-0000312398765001",)),
        SiteSpec("webresourcelist.top", "link_farm", "link_farm", theme="directory", topic="seo_spam",
                 pages=4, group="farm1", toxic=True, ip_group="farm1", hosts=("www.webresourcelist.top",)),
    ]
    sites += [
        SiteSpec(domain, "blog", "scraper", theme=("wp", "html5", "minimal", "news", "wp")[index],
                 topic="saas", pages=6, group="scrape1", toxic=True,
                 hosts=(f"www.{domain}",) if index % 2 else (domain,),
                 analytics=("ca-pub-5512093847561230",), generator="WordPress 6.0.9")
        for index, domain in enumerate(_SCRAPERS)
    ]
    sites += [
        SiteSpec("topdigitalmarketingexperts.com", "blog", "anchor_stuffing", theme="wp",
                 topic="seo_spam", pages=6, group="stuff1", toxic=True, generator="WordPress 6.1.1"),
        SiteSpec("best-seo-agency-reviews.net", "blog", "anchor_stuffing", theme="minimal",
                 topic="seo_spam", pages=5, group="stuff1", toxic=True),
        SiteSpec("marketing-hacks-2026.xyz", "blog", "anchor_stuffing", theme="html5",
                 topic="seo_spam", pages=5, group="stuff1", toxic=True),
        SiteSpec("smalltownbakery.com", "business", "hidden_links", theme="legacy", topic="lifestyle",
                 pages=6, group="hacked1", toxic=True, hosts=("www.smalltownbakery.com",),
                 scheme="http", extra={"hacked": True}),
        SiteSpec("riverside-dental-care.com", "business", "hidden_links", theme="wp",
                 topic="lifestyle", pages=6, group="hacked1", toxic=True, generator="WordPress 4.9.8",
                 extra={"hacked": True}),
        SiteSpec("jazzclubvienna.at", "business", "hidden_links", theme="html5", topic="lifestyle",
                 pages=5, group="hacked1", toxic=True, lang="de-AT", hosts=("www.jazzclubvienna.at",),
                 extra={"hacked": True}),
        SiteSpec("seo-prodvizhenie-saitov.ru", "blog", "foreign_spam", theme="minimal", topic="seo_spam",
                 pages=6, group="foreign1", toxic=True, lang="ru", charset="windows-1251",
                 charset_via="meta", analytics=("ya",)),
        SiteSpec("katalog-ssylok.ru", "directory", "foreign_spam", theme="directory", topic="seo_spam",
                 pages=6, group="foreign1", toxic=True, lang="ru-RU", charset="windows-1251",
                 charset_via="header", hosts=("www.katalog-ssylok.ru",)),
        SiteSpec("wangzhan-daohang.top", "directory", "foreign_spam", theme="legacy", topic="seo_spam",
                 pages=6, group="foreign1", toxic=True, lang="zh-CN", charset="gb2312",
                 charset_via="http-equiv"),
        SiteSpec("seo-waimao.cn", "blog", "foreign_spam", theme="html5", topic="seo_spam", pages=5,
                 group="foreign1", toxic=True, lang="zh", charset="utf-8", charset_via="both",
                 hosts=("www.seo-waimao.cn",)),
        SiteSpec("freethemeshub.net", "blog", "sitewide", theme="wp", topic="saas", pages=10,
                 group="sitewide1", toxic=True, generator="WordPress 6.2"),
        SiteSpec("seo-friends-network.com", "blog", "link_swap", theme="wp", topic="martech",
                 pages=6, group="swap1", toxic=True, ip_group="swap1"),
        SiteSpec("linkexchange-partners.net", "directory", "link_swap", theme="directory",
                 topic="martech", pages=6, group="swap1", toxic=True, ip_group="swap1"),
        SiteSpec("free-backlinks.top", "blog", "subdomain_spam", theme="minimal", topic="seo_spam",
                 pages=2, group="subdomains1", toxic=True,
                 hosts=("www.free-backlinks.top", "seo1.free-backlinks.top", "seo2.free-backlinks.top",
                        "best.free-backlinks.top", "links.free-backlinks.top", "top.free-backlinks.top")),
        SiteSpec("best-web-directory.xyz", "directory", "link_directory", theme="directory",
                 topic="seo_spam", pages=8, group="dir1", toxic=True),
        SiteSpec("submit-url-free.net", "directory", "link_directory", theme="legacy", topic="seo_spam",
                 pages=8, group="dir1", toxic=True, hosts=("www.submit-url-free.net",), scheme="http"),
        SiteSpec("modernhomelife.net", "lifestyle", "paid_unmarked", theme="wp", topic="lifestyle",
                 pages=8, group="paid1", toxic=True, generator="WordPress 6.5.2"),
        SiteSpec("lifestyle-trends-mag.com", "lifestyle", "paid_unmarked", theme="news",
                 topic="lifestyle", pages=8, group="paid1", toxic=True, hosts=("www.lifestyle-trends-mag.com",)),
        SiteSpec("marketingguestposts.com", "blog", "guest_post", theme="wp", topic="martech", pages=8,
                 group="guest1", toxic=True, generator="WordPress 6.3"),
        SiteSpec("write-for-us-b2b.net", "blog", "guest_post", theme="html5", topic="martech",
                 pages=7, group="guest1", toxic=True),
        SiteSpec("best-seo-2026.xyz", "blog", "thin", theme="minimal", topic="seo_spam", pages=6,
                 group="thin1", toxic=True),
        SiteSpec("top10-analytics-tools.top", "blog", "thin", theme="minimal", topic="seo_spam",
                 pages=6, group="thin1", toxic=True),
        SiteSpec("123-free-links.xyz", "blog", "thin", theme="directory", topic="seo_spam", pages=5,
                 group="thin1", toxic=True),
        SiteSpec("analytics-news-24.xyz", "blog", "link_burst", theme="html5", topic="analytics",
                 pages=40, group="burst1", toxic=True),
        SiteSpec("kitchenbloggers.net", "blog", "comment_spam", theme="wp", topic="lifestyle", pages=5,
                 group="comments1", toxic=True, generator="WordPress 4.7.2", extra={"abandoned": True}),
        SiteSpec("rankings-analytics.com", "blog", "spam_listed", theme="html5", topic="analytics", pages=5,
                 group="listed1", toxic=True, analytics=("ga4",),
                 extra={"spam_list": "matomo-referrer-spam"}),
    ]
    sites += [
        SiteSpec(domain, "blog", "same_title", theme=theme, topic="martech", pages=2, group="title1", toxic=True,
                 hosts=(domain,))
        for domain, theme in (("backlinksuccess.online", "minimal"), ("linkbuildingsecrets.site", "html5"),
                              ("ultimatelinkguide.club", "wp"), ("seo-success-stories.com", "minimal"))
    ]
    for site in sites:
        site.name = site.name or _name_of(site.domain)
    return sites


def _targets() -> list[SiteSpec]:
    return [
        SiteSpec("acmeanalytics.com", "saas", "target", theme="landing", topic="analytics", pages=12,
                 hosts=("www.acmeanalytics.com", "docs.acmeanalytics.com"), links_target=False,
                 analytics=("gtm", "ga4"), name="Acme Analytics", extra={"role": "project"}),
        SiteSpec("datapulse.com", "saas", "target", theme="landing", topic="analytics", pages=8,
                 hosts=("www.datapulse.com",), links_target=False, analytics=("ga4",),
                 name="DataPulse", extra={"role": "competitor"}),
        SiteSpec("chartwise.co.uk", "saas", "target", theme="html5", topic="analytics", pages=6,
                 hosts=("www.chartwise.co.uk",), links_target=False, lang="en-GB",
                 name="ChartWise", extra={"role": "competitor"}),
    ]


def cast() -> list[SiteSpec]:
    """All crawled sites, targets first, in a fixed order."""
    sites = _targets() + _natural() + _spam()
    for site in sites:
        if not site.hosts:
            site.hosts = (f"www.{site.domain}",)
        if not site.name:
            site.name = _name_of(site.domain)
    return sites
