"""the README fault table stays true: every test it names exists, and every hostile
case of the end-to-end fault run has a row. (Fast: no pipeline run.)"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.faults.test_fault_run import FAULT_CASES, GOOD_CASES, case_id

TESTS = Path(__file__).resolve().parents[1]
README = (Path(__file__).resolve().parents[2] / "README.md").read_text()
# The fault table is the README section from "## Fault table" to the next "## " heading.
TABLE = README[README.index("## Fault table"):]
TABLE = TABLE[: TABLE.index("\n## ", 3)]
SHORTHAND = {
    "run": ("faults/test_fault_run.py", "test_fault_is_dead_lettered_with_its_reason"),
    "landed": ("faults/test_fault_run.py", "test_good_page_of_the_same_run_landed"),
}
PREFIXES = {"canary": "faults/test_canary.py", "fuzz": "fuzz/test_parser_fuzz.py"}


def proof_cells() -> list[str]:
    rows = [line for line in TABLE.splitlines() if line.startswith("| ") and not line.startswith("| Hostile")]
    return [row.rstrip("|").rsplit("|", 1)[1] for row in rows]


def references() -> list[tuple[str, str, str | None]]:
    """(file under tests/, test function, parametrize id or None) for every test the table names."""
    found = []
    for cell in proof_cells():
        last_file = None
        for part in re.split(r"[;,]\s*", cell.strip()):
            part = part.strip()
            short = re.fullmatch(r"(run|landed)\[([^\]]+)\]", part)
            if short:
                found.append((*SHORTHAND[short.group(1)], short.group(2)))
                continue
            ref = re.fullmatch(r"(?:(canary|fuzz)::|([\w/]+\.py)::|::)(test_\w+)", part)
            assert ref, f"cannot read the test reference {part!r} in the README fault table"
            file = PREFIXES.get(ref.group(1) or "") or ref.group(2) or last_file
            file = file if "/" in file else f"faults/{file}"
            last_file = file
            found.append((file, ref.group(3), None))
    return found


def test_every_row_names_a_test():
    assert len(proof_cells()) >= 60
    assert all(cell.strip() for cell in proof_cells())


def test_every_named_test_exists():
    ids = {"test_fault_is_dead_lettered_with_its_reason": {case_id(c) for c in FAULT_CASES},
           "test_good_page_of_the_same_run_landed": {case_id(c) for c in GOOD_CASES}}
    missing = []
    for file, function, param in references():
        path = TESTS / file
        functions = {node.name for node in ast.walk(ast.parse(path.read_text()))
                     if isinstance(node, ast.FunctionDef)} if path.exists() else set()
        if function not in functions or (param is not None and param not in ids.get(function, set())):
            missing.append(f"{file}::{function}" + (f"[{param}]" if param else ""))
    assert missing == []


def test_every_end_to_end_case_has_a_row():
    named = {(function, param) for _file, function, param in references() if param}
    unlisted = [c for c in FAULT_CASES if ("test_fault_is_dead_lettered_with_its_reason", case_id(c)) not in named]
    unlisted += [c for c in GOOD_CASES if ("test_good_page_of_the_same_run_landed", case_id(c)) not in named]
    assert unlisted == []
