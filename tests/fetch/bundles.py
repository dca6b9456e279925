"""Drive a per-host fan-out DoFn as a runner does, for the DoFn tests of feeds and fetch."""

from __future__ import annotations

from typing import Any

import apache_beam as beam


def run_host_bundle(fn: beam.DoFn, elements: list[tuple[tuple[str, list[Any]], Any, Any]]) -> list[Any]:
    """setup, one bundle of every (element, timestamp, window), finish_bundle, teardown; all outputs."""
    fn.setup()
    try:
        fn.start_bundle()
        outputs = []
        for element, timestamp, window in elements:
            outputs += list(fn.process(element, timestamp=timestamp, window=window))
        return outputs + list(fn.finish_bundle())
    finally:
        fn.teardown()
