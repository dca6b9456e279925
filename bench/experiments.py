"""What-if switches for the throughput benchmark: proposed changes to stages this
benchmark does not own, applied to one benchmark job only so their effect can be
measured before anyone edits the stage (bench/run_job.py --bench-what-if NAME).

- nlp-batch-N:  EnrichArticles with N texts per nlp.pipe batch instead of its default (8).
  spaCy's peak memory grows with the tokens in one batch (~1.2 GB per process for
  64 wire stories of ~800 words, ~0.45 GB for 8) while its speed does not improve
  past ~4-8 long texts.
(Rows crossing GroupByKeys as compressed pickles, once measured here, are
superseded by the staged article output: see pipeline/sinks/staging.py.)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def force_nlp_batch(size: int) -> None:
    import pipeline.enrich.transforms as enrich

    original = enrich.EnrichArticles

    class SizedEnrichArticles(original):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["batch_size"] = size
            super().__init__(*args, **kwargs)

    enrich.EnrichArticles = SizedEnrichArticles


WHAT_IFS = {
    "nlp-batch-4": lambda: force_nlp_batch(4),
    "nlp-batch-16": lambda: force_nlp_batch(16),
}


def apply(names: Iterable[str]) -> list[str]:
    applied = []
    for name in names:
        if name not in WHAT_IFS:
            raise SystemExit(f"unknown --bench-what-if {name!r}; known: {', '.join(WHAT_IFS)}")
        WHAT_IFS[name]()
        applied.append(name)
    return applied
