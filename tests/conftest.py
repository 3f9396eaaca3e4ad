"""Shared test fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def shared_data() -> Path:
    """The raw public sources in ../shared/data; skip (with the reason) where they are absent."""
    if not (SHARED_DATA / "README.md").is_file():
        pytest.skip(f"raw public data not found at {SHARED_DATA} (only CI and developers have it)")
    return SHARED_DATA


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


# the local Overpass server fixtures (tests/overpass_server.py), shared by the OSM tests
from overpass_server import osm_env, overpass_server  # noqa: E402, F401
