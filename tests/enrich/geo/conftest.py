"""The gazetteer, loaded once for the places tests (from its cache; built on the first run of a machine)."""

from __future__ import annotations

import pytest

from pipeline.enrich.geo.gazetteer import Gazetteer, load


@pytest.fixture(scope="session")
def gaz() -> Gazetteer:
    return load()

