"""Seeded filler text: sentences, paragraphs and titles per topic and language.

Sentences are assembled from slot banks so pages on one topic share vocabulary but not
text (near-duplicate detection must only fire on the scraped copies).
"""

from __future__ import annotations

import random

__all__ = ["TOPICS", "paragraph", "paragraphs", "title", "slug", "sentence"]

_COMMON_TEMPLATES = (
    "{S} {V} {O} {M}.",
    "According to a survey of {n} {s}, most of them {v} {o}.",
    "In {year}, {s} started to {v} {o}, and {s2} quickly followed.",
    "{S} often {v} {o} because {s2} {v2} {o2}.",
    "Most {s} {v} {o} {M2}.",
    "The numbers suggest that {s} who {v} {o} grow about {p}% faster {M2}.",
    "It is tempting to {v} {o} {M2}, but {s2} rarely do.",
    "{S} that {v} {o} tend to {v2} {o2} as well.",
    "One practical tip: {v} {o} {M2} before you {v2} {o2}.",
    "We asked {n} {s} how they {v} {o}; {p}% said they {v2} {o2} {M2}.",
)

TOPICS: dict[str, dict[str, tuple[str, ...]]] = {
    "analytics": {
        "S": ("product teams", "growth teams", "B2B SaaS companies", "data analysts",
              "RevOps leaders", "customer success managers", "early-stage startups",
              "marketing ops teams", "enterprise buyers", "data engineers", "founders"),
        "V": ("track", "benchmark", "forecast", "segment", "instrument", "model",
              "review", "report on", "visualise", "compare", "audit", "share"),
        "O": ("activation rate", "net revenue retention", "churn", "time to value",
              "feature adoption", "trial conversion", "weekly active accounts",
              "customer lifetime value", "expansion revenue", "cohort retention",
              "funnel drop-off", "event data", "product usage signals", "pipeline velocity"),
        "M": ("every week", "in a shared dashboard", "across the whole funnel",
              "without writing SQL", "before the quarterly review", "with a warehouse-native stack",
              "per account rather than per user", "in real time", "with a simple KPI tree",
              "after every release", "at board meetings"),
    },
    "martech": {
        "S": ("B2B marketers", "demand gen teams", "content strategists", "SEO leads",
              "marketing agencies", "CMOs", "brand managers", "campaign managers",
              "lifecycle marketers", "growth marketers"),
        "V": ("measure", "automate", "personalise", "attribute", "optimise", "plan",
              "test", "launch", "prioritise", "document"),
        "O": ("lead scoring", "marketing attribution", "email nurture flows",
              "first-party data", "intent signals", "content calendars", "landing pages",
              "ABM campaigns", "conversion paths", "customer journeys", "the martech stack"),
        "M": ("with fewer tools", "on a tight budget", "across channels",
              "without a data team", "in the CRM", "for enterprise accounts",
              "with clean UTM tags", "before budgeting season", "in small experiments"),
    },
    "saas": {
        "S": ("SaaS founders", "product managers", "sales leaders", "bootstrapped companies",
              "venture-backed startups", "customer success teams", "pricing teams",
              "onboarding teams", "support engineers"),
        "V": ("price", "package", "ship", "onboard", "retain", "upsell", "interview",
              "support", "scale", "rethink"),
        "O": ("annual plans", "usage-based pricing", "self-serve onboarding",
              "enterprise deals", "free trials", "product-led growth", "customer feedback",
              "roadmaps", "integration marketplaces", "renewals"),
        "M": ("in the first year", "after product-market fit", "with a small team",
              "without discounting", "in a downturn", "from day one", "at scale",
              "in regulated industries"),
    },
    "news": {
        "S": ("investors", "regulators", "analysts", "city officials", "economists",
              "small businesses", "consumers", "tech companies", "retailers", "lawmakers"),
        "V": ("expect", "question", "welcome", "report", "debate", "announce",
              "warn about", "review", "support", "criticise"),
        "O": ("the new budget", "rising interest rates", "the quarterly results",
              "the merger", "energy prices", "the funding round", "the policy change",
              "supply chain delays", "hiring plans", "the market rally"),
        "M": ("this week", "on Tuesday", "ahead of the vote", "after the announcement",
              "according to people familiar with the matter", "in a statement",
              "despite the uncertainty", "for the second time this year"),
    },
    "lifestyle": {
        "S": ("home cooks", "busy parents", "weekend travellers", "gardeners",
              "students", "young families", "pet owners", "runners", "readers"),
        "V": ("plan", "organise", "enjoy", "try", "prepare", "decorate", "budget for",
              "rediscover", "simplify"),
        "O": ("weekly meal plans", "small balconies", "city breaks", "school lunches",
              "morning routines", "reading lists", "seasonal recipes", "family outings",
              "spare rooms", "holiday budgets"),
        "M": ("on a budget", "in under an hour", "with the kids", "all year round",
              "without stress", "on rainy days", "with leftovers", "in spring"),
    },
    "seo_spam": {
        "S": ("smart marketers", "website owners", "SEO experts", "online businesses",
              "bloggers", "agencies", "affiliates", "entrepreneurs"),
        "V": ("boost", "skyrocket", "grow", "improve", "unlock", "maximise", "supercharge"),
        "O": ("website traffic", "Google rankings", "domain authority", "backlinks",
              "online sales", "conversions", "organic visibility", "passive income"),
        "M": ("fast", "in 2026", "with proven strategies", "for free", "overnight",
              "with high DA links", "guaranteed", "like a pro"),
    },
}

_TITLE_TEMPLATES = (
    "How {S} {V} {O}",
    "{n} Ways to Improve {O} {M}",
    "Why {O} Matters to {S} in {year}",
    "A Practical Guide to {O} for {S}",
    "What We Learned About {O} {M}",
    "{O}: Lessons From {n} {S}",
    "The State of {O} Among {S} in {year}",
    "Stop Ignoring {O}: {n} Notes {M}",
)

_RU = (
    "Продвижение сайтов в поисковых системах требует времени и системного подхода.",
    "Мы предлагаем качественные ссылки с тематических площадок по доступной цене.",
    "Каждый проект получает индивидуальную стратегию и ежемесячный отчёт.",
    "Аналитика продукта помогает понять, как клиенты используют сервис.",
    "Вечные ссылки повышают доверие поисковых систем к вашему сайту.",
    "Закажите аудит сайта и получите бесплатную консультацию специалиста.",
    "Наши клиенты увеличили посещаемость в три раза за полгода.",
    "Размещение статей на трастовых ресурсах — лучший способ роста позиций.",
    "Каталог содержит тысячи проверенных сайтов по всем темам.",
    "Добавьте свой сайт в каталог бесплатно и без регистрации.",
    "Мы работаем с компаниями из Москвы, Санкт-Петербурга и других городов.",
    "Узнайте больше о наших тарифах и специальных предложениях.",
)

_ZH = (
    "网站推广需要长期坚持和专业的方法。",
    "我们提供高质量的外链服务，价格实惠，效果明显。",
    "数据分析可以帮助企业了解客户的真实需求。",
    "本站收录了大量优秀网站，欢迎免费提交。",
    "专业团队为您提供一站式网络营销解决方案。",
    "通过优化关键词，网站排名可以快速提升。",
    "我们的客户遍布全国各地，服务质量有保证。",
    "欢迎联系我们了解更多优惠信息。",
    "新闻资讯每日更新，内容丰富精彩。",
    "好的内容是吸引用户访问的关键。",
)

_DE = {
    "S": ("Produktteams", "B2B-Unternehmen", "Marketingabteilungen", "Gründer",
          "Datenanalysten", "Vertriebsleiter", "mittelständische Firmen", "Agenturen"),
    "V": ("messen", "analysieren", "vergleichen", "verbessern", "planen", "automatisieren"),
    "O": ("die Kundenbindung", "ihre Conversion-Rate", "den Umsatz pro Kunde",
          "die Abwanderung", "ihre Dashboards", "die Nutzung neuer Funktionen",
          "die Lead-Qualität", "ihre Kampagnen"),
    "M": ("jede Woche", "im gemeinsamen Dashboard", "ohne eigenes Datenteam",
          "vor jeder Quartalsplanung", "mit wenig Aufwand", "seit diesem Jahr"),
}
_DE_TEMPLATES = (
    "{S} {V} {O} {M}.",
    "Viele {s} {V} {O} {M}, doch nur wenige {V2} {O2}.",
    "Laut einer Umfrage unter {n} {s} {V} die meisten {O}.",
    "Wer {O} {V} möchte, sollte {O2} {M} {V2}.",
)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def sentence(rng: random.Random, topic: str, lang: str = "en") -> str:
    if lang == "ru":
        return rng.choice(_RU)
    if lang == "zh":
        return rng.choice(_ZH)
    if lang == "de":
        return _fill(rng, _DE, rng.choice(_DE_TEMPLATES))
    return _fill(rng, TOPICS.get(topic, TOPICS["analytics"]), rng.choice(_COMMON_TEMPLATES))


def _fill(rng: random.Random, bank: dict[str, tuple[str, ...]], template: str) -> str:
    values = {
        "S": _cap(rng.choice(bank["S"])), "s": rng.choice(bank["S"]), "s2": rng.choice(bank["S"]),
        "V": rng.choice(bank["V"]), "v": rng.choice(bank["V"]), "v2": rng.choice(bank["V"]),
        "V2": rng.choice(bank["V"]), "O": rng.choice(bank["O"]), "o": rng.choice(bank["O"]),
        "o2": rng.choice(bank["O"]), "O2": rng.choice(bank["O"]), "M": rng.choice(bank["M"]),
        "M2": rng.choice(bank["M"]), "n": rng.randint(40, 2400), "p": rng.randint(3, 61),
        "year": rng.choice((2023, 2024, 2025, 2026)),
    }
    return _cap(template.format(**values))


def paragraph(rng: random.Random, topic: str, lang: str = "en", sentences: int | None = None) -> str:
    count = sentences if sentences is not None else rng.randint(3, 6)
    separator = "" if lang == "zh" else " "
    return separator.join(sentence(rng, topic, lang) for _ in range(count))


def paragraphs(rng: random.Random, topic: str, count: int, lang: str = "en") -> list[str]:
    return [paragraph(rng, topic, lang) for _ in range(count)]


def title(rng: random.Random, topic: str, lang: str = "en") -> str:
    if lang == "ru":
        words = rng.choice(_RU).rstrip(".").split()
        return " ".join(words[:7])
    if lang == "zh":
        return rng.choice(_ZH).rstrip("。")
    if lang == "de":
        return _fill(rng, _DE, "{O} {V}: {M}").replace("Die ", "").rstrip(".")
    bank = TOPICS.get(topic, TOPICS["analytics"])
    text = rng.choice(_TITLE_TEMPLATES).format(
        S=_cap(rng.choice(bank["S"])), V=rng.choice(bank["V"]),
        O=" ".join(_cap(word) for word in rng.choice(bank["O"]).split()),
        M=rng.choice(bank["M"]), n=rng.randint(3, 12), year=rng.choice((2025, 2026)),
    )
    return text


def slug(text: str, limit: int = 60) -> str:
    out, dash = [], False
    for char in text.lower():
        if char.isascii() and char.isalnum():
            out.append(char)
            dash = False
        elif not dash and out:
            out.append("-")
            dash = True
    return "".join(out).strip("-")[:limit].rstrip("-") or "page"
