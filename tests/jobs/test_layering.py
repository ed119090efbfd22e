"""The jobs' import arrows: views -> work, jobs -> work, never views -> jobs, and no cycles."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "sponsorship"
#: The chunked payer, pay_batch, moves out of jobs/ to work/payments on another branch; when
#: the branches meet this must become empty, and the test below says so by failing.
PENDING_MOVE: set = set()


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(tree: ast.AST, known: set[str]) -> set[str]:
    """Return the sponsorship modules a module's import statements name, wherever they are."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                names.add(full if full in known else node.module)
    return {name for name in names if name in known}


def graph() -> dict[str, set[str]]:
    trees = {module_name(p): ast.parse(p.read_text()) for p in PACKAGE.rglob("*.py")}
    known = set(trees)
    return {name: imported(tree, known) for name, tree in trees.items()}


def under(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def test_views_import_nothing_from_jobs():
    offenders = {
        (view, target)
        for view, targets in graph().items()
        if under(view, "sponsorship.views")
        for target in targets
        if under(target, "sponsorship.jobs")
    }
    assert offenders == PENDING_MOVE


def test_work_imports_neither_jobs_nor_views():
    offenders = {
        (unit, target)
        for unit, targets in graph().items()
        if under(unit, "sponsorship.work")
        for target in targets
        if under(target, "sponsorship.jobs") or under(target, "sponsorship.views")
    }
    assert offenders == set()


def test_jobs_and_work_import_nothing_inside_functions():
    for path in [*PACKAGE.joinpath("jobs").rglob("*.py"), *PACKAGE.joinpath("work").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                inner = [n for n in ast.walk(node) if isinstance(n, ast.Import | ast.ImportFrom)]
                assert not inner, f"{path.name}: {node.name} imports inside"


def test_no_import_cycle_runs_through_jobs_or_work():
    edges = graph()
    # A package imports its __init__ first: importing a.b.c runs a and a.b too.
    for name in list(edges):
        parts = name.split(".")
        for i in range(2, len(parts)):
            parent = ".".join(parts[:i])
            if parent in edges:
                edges[name] = edges[name] | {parent}
    cycles = []
    for start in edges:
        if not (under(start, "sponsorship.jobs") or under(start, "sponsorship.work")):
            continue
        stack, seen = [(start, [start])], set()
        while stack:
            node, path = stack.pop()
            for nxt in edges[node]:
                if nxt == start:
                    cycles.append(path + [start])
                elif nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, path + [nxt]))
    assert cycles == []
