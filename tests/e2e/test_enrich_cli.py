"""`wirebeam enrich` on a JSONL of texts extracted elsewhere: same stages, same layout."""

from __future__ import annotations

import json
import subprocess
import sys

import duckdb
import pytest

pytestmark = pytest.mark.slow

TEXTS = [
    {"id": "kabul-1", "title": "Checkpoint attack",
     "text": "KABUL, Afghanistan (AP) — At least 12 people were killed when gunmen attacked a police checkpoint in "
             "Kandahar on Monday, police said. Provincial police chief Ahmad Wali said three attackers were arrested. "
             "Wali said the Taliban denied involvement. (Reporting by Sara Lindqvist; Editing by Mark Doyle)",
     "published_at": "2026-03-24T07:05:00Z"},
    {"id": "java-2",
     "text": "Floods in Central Java killed 21 people and left dozens missing, Indonesia's disaster agency BNPB said on "
             "Tuesday. Agency spokesman Abdul Muhari said some 2,500 residents had been evacuated.",
     "language": "en"},
    {"id": "geneva-3", "url": "https://example.org/who-cholera",
     "text": "GENEVA (Reuters) - The World Health Organization (WHO) warned on Friday that cholera could kill thousands "
             "in Sudan. WHO spokesman Tarik Jasarevic said no deaths had been confirmed in Port Sudan.",
     "published_at": "2026-03-25T12:00:00+01:00"},
]


def test_enrich_jsonl_writes_one_row_per_text_with_entities(tmp_path):
    source = tmp_path / "texts.jsonl"
    source.write_text("\n".join(json.dumps(t) for t in TEXTS) + "\n\n{not json}\n")
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "enrich", "--input", str(source), "--output", str(out), "--run-id", "e1"],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "3 article rows" in result.stdout

    con = duckdb.connect()
    rows = {
        r[0]: r[1:]
        for r in con.execute(
            f"SELECT article_id, entities, entity_summary, enrichment_status, byline, credits, published_at_source, "
            f"CAST(date AS VARCHAR) FROM read_parquet('{out}/articles/*/*.parquet', hive_partitioning = true)"
        ).fetchall()
    }
    assert set(rows) == {"kabul-1", "java-2", "geneva-3"}
    for article_id, (entities, summary, status, *_rest) in rows.items():
        assert status == "ok", article_id
        assert entities and summary, article_id
    kabul_entities = rows["kabul-1"][0]
    canon = {e["text"]: e["canonical"] for e in kabul_entities}
    assert canon.get("Wali") == "Ahmad Wali"
    # credits are metadata, not body entities
    assert rows["kabul-1"][4] and "Sara Lindqvist" in rows["kabul-1"][4][0]
    assert not any("Lindqvist" in e["text"] or "Doyle" in e["text"] for e in kabul_entities)
    assert rows["geneva-3"][5:] == ("input", "2026-03-25")
    who = [e for e in rows["geneva-3"][0] if e["text"] == "WHO"]
    assert who and all(e["canonical"] == "World Health Organization" for e in who)

    dead = con.execute(
        f"SELECT stage, error_type FROM read_parquet('{out}/dead_letters/*/*.parquet', hive_partitioning = true)"
    ).fetchall()
    assert dead == [("extract", "bad_input")]
    manifest = json.loads((out / "runs" / "e1.json").read_text())
    assert manifest["counters"]["written"] == 3


def test_enrich_with_a_missing_model_fails_before_any_work(tmp_path):
    source = tmp_path / "texts.jsonl"
    source.write_text(json.dumps(TEXTS[0]) + "\n")
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "enrich", "--input", str(source), "--output", str(tmp_path / "o"),
         "--spacy-model", "en_core_web_nonexistent"],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 2
    assert "is not installed" in result.stderr and "pip install" in result.stderr or "spacy download" in result.stderr
    out = tmp_path / "o"  # nothing but the run lock, taken first (as `wirebeam run` does)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == ["state", "state/run.lock"]
