"""Vendor exports in: Google Search Console, Ahrefs, Semrush, Majestic and Moz.

- :mod:`.layouts` — the registry: one declarative :class:`Layout` per vendor table, with its
  header aliases (GSC's in six languages) and the fields they map to.
- :mod:`.reading` — what a file is, from its bytes (zip, XLSX, BOM, encoding, delimiter,
  header row), and streaming readers giving Arrow tables of strings.
- :mod:`.dates` — ISO and localized dates.
- :mod:`.writing` — strings → typed rows of ``vendor_links`` / ``vendor_domains`` /
  ``vendor_pages`` / ``vendor_anchors``, vectorized.
- :mod:`.run` — :func:`import_files`: one transaction per file, idempotent, with a summary.
- :mod:`.merge` — :func:`backlink_sources` and :func:`coverage`: which sources (the vendors
  and the crawl) saw each backlink of a target.
"""

from linkatlas.sources.imports.layouts import LAYOUTS, VENDORS, Layout, match_layout, register
from linkatlas.sources.imports.merge import SCOPES, SOURCES, backlink_sources, backlink_sources_sql, coverage
from linkatlas.sources.imports.reading import looks_like_export
from linkatlas.sources.imports.run import ImportSummary, import_file, import_files

__all__ = [
    "LAYOUTS", "SCOPES", "SOURCES", "VENDORS", "ImportSummary", "Layout", "backlink_sources", "backlink_sources_sql",
    "coverage", "import_file", "import_files", "looks_like_export", "match_layout", "register",
]
