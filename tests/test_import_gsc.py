"""Search Console Links exports in English and with the localized "Last crawled" headers.

The English header lines are Search Console's own (as seen in many public exports); the
"Last crawled" translations are Search Console's wording in its other exports (see
docs/imports.md). Rows are made up; expected values are written by hand.
"""

from __future__ import annotations

import zipfile
from datetime import datetime

import pytest

from linkatlas.index.store import open_index
from linkatlas.sources.imports import import_files
from linkatlas.sources.imports.layouts import match_layout
from test_import import rows as query


def test_english_zip_with_every_links_table(db_path, tmp_path):
    path = tmp_path / "example.com-links.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Top linking sites.csv", "Site,Linking pages,Target pages\nalpha.org,3,1\n")
        archive.writestr("Top linked pages - externally.csv",
                         'Target page,Incoming links,Linking sites\nhttps://example.com/,"1,204",7\n')
        archive.writestr("Latest links.csv", 'Linking page,Last crawled\nhttps://blog.alpha.org/review,"Mar 5, 2024"\n'
                                             "https://xi.org/p,3/4/2024\n")
        archive.writestr("More sample links.csv", "Linking page\nhttps://blog.alpha.org/review\n")
        archive.writestr("Top linking text.csv", "Linking text\nexample shop\nclick here\n")
    with open_index(db_path) as index:
        summary = import_files(index, [path], progress=False)
    assert (summary.rows, summary.errors) == (7, 0)
    assert query(db_path, "SELECT layout, target FROM imports") == [(
        "gsc_latest_links,gsc_sample_links,gsc_top_linked_pages,gsc_top_linking_sites,gsc_top_linking_text",
        "example.com")]
    assert query(db_path, "SELECT source_url, last_seen FROM vendor_links WHERE layout = 'gsc_latest_links' "
                          "ORDER BY 1") == [
        ("https://blog.alpha.org/review", datetime(2024, 3, 5)), ("https://xi.org/p", datetime(2024, 3, 4))]
    assert query(db_path, "SELECT url, backlinks, referring_domains FROM vendor_pages") == [
        ("https://example.com/", 1204, 7)]
    assert query(db_path, "SELECT anchor, referring_domains, target FROM vendor_anchors ORDER BY 1") == [
        ("click here", None, "example.com"), ("example shop", None, "example.com")]


@pytest.mark.parametrize(("headers", "language"), [
    (["Linking page", "Last crawled"], "en"),
    (["Página que enlaza", "Último rastreo"], "es"),
    (["Verweisende Seite", "Zuletzt gecrawlt"], "de"),
    (["Page avec lien", "Dernière exploration"], "fr"),
    (["Página com link", "Último rastreamento"], "pt"),
    (["Pagina che rimanda", "Ultima scansione"], "it"),
])
def test_latest_links_headers_in_six_languages(headers, language):
    found = match_layout(headers)
    assert (found.layout.name, found.language, sorted(found.fields.values())) == (
        "gsc_latest_links", language, ["last_seen", "source_url"])
