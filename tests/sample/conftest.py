from __future__ import annotations

from collections.abc import Iterator

import pytest

from pipeline.sample.server import SampleServer


@pytest.fixture(scope="module")
def sample_server() -> Iterator[SampleServer]:
    with SampleServer() as server:
        yield server
