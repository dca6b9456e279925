"""Which run a row, file or manifest belongs to, by the window it is in.

A batch job has one window, the global one, and one run id. A streaming job
writes each fixed window as a run of its own, `<run_id>-<window start, UTC>`,
with the same file names and manifest as a batch run, so readers, `wirebeam
failures` and the state store treat a window like a finished scheduled run.
Every writer names its output through `output_run_id`, so one set of writers
serves both modes.
"""

from __future__ import annotations

from typing import Any

from apache_beam.transforms.window import BoundedWindow, GlobalWindow


def output_run_id(run_id: str, window: BoundedWindow) -> str:
    """The run id of `window`'s output: the job's own in the global window, else `<run_id>-<start>`."""
    if isinstance(window, GlobalWindow) or not hasattr(window, "start"):
        return run_id
    return f"{run_id}-{window.start.to_utc_datetime(has_tz=True):%Y%m%dT%H%M%SZ}"


def window_fields(run_id: str, window: BoundedWindow) -> dict[str, Any]:
    """Manifest fields that say which window of which streaming job a run is (none for batch)."""
    if isinstance(window, GlobalWindow) or not hasattr(window, "start"):
        return {}
    return {
        "stream_run_id": run_id,
        "window_start": window.start.to_utc_datetime(has_tz=True).isoformat(),
        "window_end": window.end.to_utc_datetime(has_tz=True).isoformat(),
    }
