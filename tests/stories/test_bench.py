"""The story fingerprint meets issue 12's targets on the labelled pair set (bench/stories_eval.py)."""

from __future__ import annotations

import pytest

from bench.stories_eval import (TARGET_CANDIDATE_RECALL, TARGET_PRECISION, TARGET_RECALL, result,
                                score_pairs)
from bench.stories_pairs import make_pairs
from pipeline.stories import fingerprint as fp


@pytest.mark.parametrize("split", ["dev", "heldout"])
def test_pair_set_precision_recall_and_candidate_recall(split):
    pairs = make_pairs(split)
    assert sum(p.same for p in pairs) >= 100 and sum(not p.same for p in pairs) >= 25
    r = result(score_pairs(pairs), fp.THRESHOLD)
    assert r.precision >= TARGET_PRECISION, r
    assert r.recall >= TARGET_RECALL, r
    assert r.candidate_recall >= TARGET_CANDIDATE_RECALL, r


def test_pair_set_size_and_determinism():
    dev, held = make_pairs("dev"), make_pairs("heldout")
    bases = {i for p in dev + held for i in p.ids}
    assert len(dev) + len(held) >= 300 and len(bases) >= 60
    assert not {i for p in dev for i in p.ids} & {i for p in held for i in p.ids}
    assert [p.b.text for p in make_pairs("dev")] == [p.b.text for p in dev]
