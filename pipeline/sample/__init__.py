"""The bundled demo corpus and the loopback server that serves it.

`SampleServer` starts one local HTTP origin per sample site; `load_expected`
returns what the corpus is known to contain (titles, dates, failures, facts).
"""

from __future__ import annotations

from typing import Any

__all__ = ["SampleServer", "load_expected"]


def __getattr__(name: str) -> Any:
    # Lazy, so `python -m pipeline.sample.server` does not import the module twice.
    if name == "SampleServer":
        from pipeline.sample.server import SampleServer

        return SampleServer
    if name == "load_expected":
        from pipeline.sample.corpus import load_expected

        return load_expected
    raise AttributeError(name)
