"""Fixtures every test gets."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pipeline.fetch.politeness import HostGate
from pipeline.fetch.robots import RobotsCache


@pytest.fixture(autouse=True)
def fresh_process_wide_fetch_state() -> Iterator[None]:
    """Each test starts with no shared host gates or robots.txt answers.

    HostGate.shared and RobotsCache.shared live as long as the process, keyed
    by host:port, and tests run in-process pipelines on loopback ports the OS
    hands out again: one test's failed host or cached robots.txt must not
    reach a later test that happens to get the same port.
    """
    with HostGate._shared_lock:
        HostGate._shared.clear()
    with RobotsCache._shared_lock:
        RobotsCache._shared = None
    yield
