"""What a history of story records costs the step that assigns stories (issue 12).

Writes N synthetic story records (random signatures, realistic report columns)
into a state store with one finished run, then, in a fresh process per size:
reads them into the index (StoreStoryView.refresh: list, read, parse, band
index) and assigns stories to a run of new articles against it. Prints seconds
and peak memory (RSS) of that process. The launcher never reads story records
(it only lists them with the other state files), so its cost is the listing.

    .venv/bin/python bench/stories_history.py --records 100000 1000000
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.stories.fingerprint import BODY_PERM, LEAD_PERM, SIGNATURE_BYTES, SIGNATURE_VERSION  # noqa: E402
from pipeline.stories.schema import STORY_STATE_SCHEMA  # noqa: E402

FILES = 20


def synthetic_signatures(rng: np.random.Generator, n: int) -> list[bytes]:
    header = np.zeros((n, 8), dtype=np.uint8)
    header[:, 0] = SIGNATURE_VERSION
    header[:, 2:4] = np.frombuffer(np.full(n, 58, dtype="<u2").tobytes(), dtype=np.uint8).reshape(n, 2)
    header[:, 4:8] = np.frombuffer(rng.integers(60, 900, n).astype("<u4").tobytes(), dtype=np.uint8).reshape(n, 4)
    values = rng.integers(0, 2**32, (n, LEAD_PERM + BODY_PERM), dtype=np.uint64).astype("<u4")
    blob = np.concatenate([header, values.view(np.uint8).reshape(n, -1)], axis=1)
    assert blob.shape[1] == SIGNATURE_BYTES
    return [row.tobytes() for row in blob]


def write_history(folder: Path, n: int) -> None:
    rng = np.random.default_rng(12)
    now = datetime.now(timezone.utc)
    (folder / "out" / "runs").mkdir(parents=True)
    (folder / "out" / "runs" / "history.json").write_text(json.dumps({"run_id": "history"}))
    per_file = -(-n // FILES)
    for f in range(FILES):
        count = min(per_file, n - f * per_file)
        if count <= 0:
            break
        seen = [now - timedelta(hours=int(h)) for h in rng.integers(0, 24 * 6, count)]
        rows = {
            "article_id": [f"a{f:02d}{i:08d}" for i in range(count)],
            "story_id": [f"st-{f:02d}{i // 3:08d}" for i in range(count)],  # three copies a story
            "story_first_seen": seen, "source": [f"Outlet {i % 500}" for i in range(count)],
            "published_at": seen, "fetched_at": seen,
            "title": [f"Synthetic story {i} about something that happened somewhere today" for i in range(count)],
            "language": ["en"] * count, "word_count": rng.integers(80, 1200, count).astype(np.int32),
            "signature": synthetic_signatures(rng, count),
            "event_counts": [[{"category": "killed", "low": int(i % 40), "high": int(i % 40), "approximate": False,
                               "mentions": 1}] if i % 3 == 0 else [] for i in range(count)],
            "top_entities": [[{"canonical": "Somewhere", "label": "GPE", "mentions": 2, "first_start": 0}]] * count,
            "run_id": ["history"] * count,
        }
        day = now.date().isoformat()
        path = folder / "state" / "stories" / f"date={day}" / f"history-{f}.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.Table.from_pydict(rows, schema=STORY_STATE_SCHEMA), path)


def measure(folder: Path, new_articles: int) -> dict:
    """In this (fresh) process: build the index from the store, then assign a run's articles."""
    from pipeline.stories.assign import assign_stories
    from pipeline.stories.fingerprint import signature, to_bytes
    from pipeline.stories.index import StoreStoryView

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    index = StoreStoryView(str(folder / "out"), str(folder / "state"), timedelta(days=7)).refresh(
        datetime.now(timezone.utc))
    read_s = time.perf_counter() - started
    peak_after_read = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    words = [f"word{i}" for i in range(5000)]
    rng = np.random.default_rng(3)
    texts = [" ".join(rng.choice(words, 300)) for _ in range(new_articles)]
    sigs = [signature(t) for t in texts]
    claims = [{"article_id": f"new{i}", "fetched_at": datetime.now(timezone.utc),
               "story_signature": to_bytes(s)} for i, s in enumerate(sigs)]
    started = time.perf_counter()
    assign_stories(claims, sigs, index)
    assign_s = time.perf_counter() - started
    return {"records": len(index), "read_and_index_s": round(read_s, 1), "assign_s": round(assign_s, 2),
            "new_articles": new_articles, "peak_rss_mib": round(peak_after_read / 1024),
            "rss_before_mib": round(before / 1024),
            "peak_rss_end_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--new-articles", type=int, default=1000)
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.new_articles)))
        return
    print(f"{'records':>9}  {'read+index s':>12}  {'assign ' + str(args.new_articles) + ' s':>12}  {'peak RSS MiB':>12}")
    for n in args.records:
        with tempfile.TemporaryDirectory(prefix="wirebeam-stories-") as tmp:
            started = time.perf_counter()
            write_history(Path(tmp), n)
            written = time.perf_counter() - started
            out = subprocess.run([sys.executable, __file__, "--measure", tmp, "--new-articles", str(args.new_articles)],
                                 capture_output=True, text=True, check=True)
            figures = json.loads(out.stdout)
            print(f"{figures['records']:>9,}  {figures['read_and_index_s']:>12}  {figures['assign_s']:>12}  "
                  f"{figures['peak_rss_end_mib']:>12,}   (history written in {written:.0f} s; "
                  f"process at start {figures['rss_before_mib']} MiB)")


if __name__ == "__main__":
    main()
