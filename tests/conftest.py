from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
WARC_DATA = DATA / "warc"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "index.duckdb"


@pytest.fixture(scope="session")
def sample_web():
    """The generated labeled sample web (seed 7, scale 1): the shared test bed."""
    from linkatlas.sample import generate

    return generate(seed=7)


@pytest.fixture(scope="session")
def sample_db(sample_web, tmp_path_factory) -> Path:
    """A real DuckDB index holding the sample web's three crawls, ingested from WARC files."""
    from linkatlas.index.store import open_index
    from linkatlas.ingest import ingest
    from linkatlas.sample import write_warcs

    folder = tmp_path_factory.mktemp("sample-index")
    write_warcs(sample_web, folder / "warc")
    db = folder / "sample.duckdb"
    with open_index(db) as index:
        summary = ingest(index, [folder / "warc"])
    assert summary.errors == 0
    return db
