"""The short summary a person reads at the end of a run (from the manifest)."""

from __future__ import annotations

from collections import Counter
from typing import Any


def format_summary(manifest: dict[str, Any], manifest_location: str) -> str:
    c = manifest["counters"]
    files = manifest["files"]
    partitions = Counter()
    for f in files.get("articles", []):
        partitions[f["partition"]] += f["rows"]
    lines = [
        f"wirebeam run {manifest['run_id']} finished",
        f"  feeds        {c['feeds_ok']} ok, {c['feeds_failed']} failed (of {manifest.get('feeds_listed', '?')} listed)",
        f"  items        {c['items_seen']} seen, {c['items_queued']} queued after de-duplication",
        f"  pages        {c['pages_fetched']} fetched, {c['extracted']} extracted "
        f"({c['extracted'] - c['distinct_articles']} duplicates), {c['enriched']} enriched"
        + (f", {c['not_enriched']} not enriched" if c["not_enriched"] else ""),
        f"  written      {c['article_rows_written']} articles in {len(files.get('articles', []))} files, "
        f"{c['dead_letter_rows_written']} dead letters",
    ]
    if partitions:
        lines.append("  partitions   " + ", ".join(f"{p} ({n})" for p, n in sorted(partitions.items())))
    if c["dead_letters_by_error"]:
        lines.append("  failures     " + ", ".join(f"{k} x{n}" for k, n in c["dead_letters_by_error"].items()))
    output = manifest["output"]
    lines += [
        f"  articles     {output}/articles/date=*/{manifest['run_id']}-*.parquet",
        f"  dead letters {output}/dead_letters/date=*/{manifest['run_id']}-*.parquet",
        f"  manifest     {manifest_location}",
    ]
    if c["dead_lettered"]:
        lines.append(
            "  see why items failed: duckdb -c \"SELECT stage, error_type, url, message FROM "
            f"read_parquet('{output}/dead_letters/*/*.parquet', hive_partitioning=true) "
            f"WHERE run_id='{manifest['run_id']}'\""
        )
    return "\n".join(lines)
