"""What `make mutate` found: each mutant of the studio's security code, killed by a test
or surviving; every survivor printed with its change, so it is killed by a new test or
explained in docs/RELIABILITY.md ("Mutation testing of the studio's security").

    .venv/bin/python benchmarks/mutate_report.py SESSION.sqlite [--json FILE]

Exit 1 when a survivor is not among those explained (EXPLAINED below, each with the
reason the change cannot be seen from outside).
"""

from __future__ import annotations

import argparse
import ast
import json
import sqlite3
import sys
from pathlib import Path

# Survivors that change nothing a request or a caller can observe, by (file, function,
# operator, a piece of the line the mutant changed): the reason is written out in
# docs/RELIABILITY.md ("Mutation testing"). Keep this list short and honest.
EXPLAINED: dict[tuple[str, str, str, str], str] = {
    ("__init__.py", "run_studio", "ReplaceBinaryOperator_Mul_Div", "*, allow_remote"): (
        "the '*' that makes allow_remote keyword-only becomes '/', making root, host and "
        "port positional-only: every caller passes them by position, so nothing changes"
    ),
    ("security.py", "_exchange", "NumberReplacer", "secrets.token_urlsafe(32)"): (
        "the session id made from 33 random bytes instead of 32: as unguessable (31 "
        "is killed: a test asks for 256 bits)"
    ),
    ("__init__.py", "run_studio", "NumberReplacer", "TCP_NODELAY, 1"): (
        "TCP_NODELAY set to 2 (as on as 1) or 0 (off): a matter of speed, not of safety, "
        "measured by `make bench-studio` (pages at 48-72 ms without it, 4-20 ms with it)"
    ),
    ("__init__.py", "run_studio", "NumberReplacer", "SO_REUSEADDR, 1"): (
        "SO_REUSEADDR at 2 (as on as 1) or 0: it only lets a studio started again at once "
        "take a port whose old connections the studio itself closed; not a protection"
    ),
    ("__init__.py", "run_studio", "NumberReplacer", "listener.listen(128)"): (
        "the queue of connections waiting to be taken at 127 or 129 instead of 128: the "
        "studio has one user; listen() itself is what the address test proves"
    ),
    ("security.py", "new_token", "NumberReplacer", "secrets.token_urlsafe(24)"): (
        "the token made from 25 random bytes instead of 24: as unguessable (23 is killed: "
        "a test asks for 192 bits)"
    ),
}
ANNOTATION = (
    "a type annotation, never evaluated (the module has `from __future__ import annotations`)"
)


def in_annotation(path: Path, row: int, col: int) -> bool:
    """Whether the mutated place (row 1-based, col 0-based) lies in a type annotation."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError):
        return False
    for node in ast.walk(tree):
        spans = []
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.returns:
            spans.append(node.returns)
        elif isinstance(node, ast.arg) and node.annotation:
            spans.append(node.annotation)
        elif isinstance(node, ast.AnnAssign):
            spans.append(node.annotation)
        for a in spans:
            start, end = (a.lineno, a.col_offset), (a.end_lineno or a.lineno, a.end_col_offset or 0)
            if start <= (row, col) < end:
                return True
    return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("session", type=Path)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    db = sqlite3.connect(args.session)
    rows = db.execute(
        "select s.module_path, s.start_pos_row, s.start_pos_col, s.operator_name, "
        "s.definition_name, "
        "r.test_outcome, r.worker_outcome, r.diff from mutation_specs s "
        "left join work_results r on r.job_id = s.job_id order by s.module_path, s.start_pos_row"
    ).fetchall()
    counts: dict[str, int] = {}
    survivors, unexplained = [], []
    for path, row, col, operator, where, outcome, worker, diff in rows:
        outcome = (outcome or ("not run" if worker is None else worker)).lower()
        counts[outcome] = counts.get(outcome, 0) + 1
        if outcome == "survived":
            name = Path(path).name
            removed = [line[1:] for line in (diff or "").splitlines() if line.startswith("-")]
            reason = next(
                (
                    why
                    for (f, d, o, piece), why in EXPLAINED.items()
                    if (f, d, o) == (name, where, operator.split("/")[-1])
                    and any(piece in line for line in removed)
                ),
                None,
            )
            if reason is None and in_annotation(Path(path), row, col):
                reason = ANNOTATION
            survivors.append(
                {
                    "file": name,
                    "line": row,
                    "operator": operator,
                    "in": where,
                    "explained": reason or "",
                    "diff": diff,
                }  # fmt: skip
            )
            if reason is None:
                unexplained.append(survivors[-1])
    total = len(rows)
    print(f"{total} mutants: " + ", ".join(f"{n} {k}" for k, n in sorted(counts.items())))
    for s in survivors:
        mark = "explained" if s["explained"] else "SURVIVED"
        print(f"\n{mark}: {s['file']}:{s['line']} {s['operator']} (in {s['in']})")
        print(s["diff"] or "")
    if args.json:
        result = {"mutants": total, "outcomes": counts, "survivors": survivors}
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 1 if unexplained or counts.get("not run") else 0


if __name__ == "__main__":
    sys.exit(main())
