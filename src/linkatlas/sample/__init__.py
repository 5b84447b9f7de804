"""The seeded, labeled sample web used as the project's shared test bed.

    from linkatlas.sample import generate, write_warcs, write_wats
    web = generate(seed=7)            # SampleWeb: sites with labels, fetches with truth links
    heavy = generate(seed=7, page_weight="real")  # same truth; pages as heavy as real ones (bench)
    write_warcs(web, "out/")          # LINKATLAS-SAMPLE-YYYYMMDD-NNNNN.warc.gz per crawl date
    write_wats(web, "out/")           # the matching .warc.wat.gz (Common Crawl JSON layout)

Modules: ``webgen`` (API and the truth rules), ``cast`` (who is on the web), ``natural`` and
``spam`` (site builders), ``world`` (shared builder helpers), ``markup`` (themes, renderer),
``pages`` (HTTP responses), ``furniture`` (what "real" pages carry besides links and text),
``model`` (truth dataclasses), ``wat`` (WAT JSON), ``text``.
"""

from .model import SampleWeb, Site, TargetPage, TruthFetch, TruthLink
from .webgen import CRAWL_DATES, generate, write_warcs, write_wats

__all__ = ["CRAWL_DATES", "SampleWeb", "Site", "TargetPage", "TruthFetch", "TruthLink", "generate",
           "write_warcs", "write_wats"]
