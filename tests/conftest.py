from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
WARC_DATA = DATA / "warc"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "index.duckdb"
