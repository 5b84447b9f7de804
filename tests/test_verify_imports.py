"""Verification knows the backlinks vendor exports claim, not only crawled ones."""

from __future__ import annotations

from conftest import DATA
from linkatlas.index.store import open_index
from linkatlas.monitor.verify import known_backlink_sources, target_filter
from linkatlas.sources.imports.run import import_files


def test_imported_backlinks_are_known_sources(db_path):
    with open_index(db_path) as index:
        assert known_backlink_sources(index, target_filter("example.com")) == []
        summary = import_files(index, [DATA / "imports" / "ahrefs_backlinks.csv"], progress=False)
        assert summary.errors == 0
        # the three source pages written in the fixture, normalized (scheme/host case, port, fragment)
        assert known_backlink_sources(index, target_filter("example.com")) == [
            "https://blog.alpha.org/review", "https://delta.co.uk/page?id=7", "https://gamma.io/links"]
        assert known_backlink_sources(index, target_filter("https://example.com/about", "url")) == [
            "https://delta.co.uk/page?id=7"]
        assert known_backlink_sources(index, target_filter("other.com")) == []
