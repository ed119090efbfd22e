"""The house's import graph: one way down, no cycles, imports inside functions included.

Run alone with `.venv/bin/python -m pytest tests/test_architecture.py`: a failure names each
offending arrow or cycle.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "sponsorship"

#: The web layer and the units of work above the services: nothing below may import them.
UPPER = (
    "sponsorship.app",
    "sponsorship.views",
    "sponsorship.forms",
    "sponsorship.jobs",
    "sponsorship.cli",
    "sponsorship.work",
    "sponsorship.access",
    "sponsorship.web",
    "sponsorship.navigation",
    "sponsorship.demo",
    "sponsorship.demo_money",
)
#: The layers that flow down to the database.
LOWER = ("sponsorship.services", "sponsorship.models", "sponsorship.matching")


def _modules() -> dict[str, Path]:
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        modules[".".join(parts).removesuffix(".__init__")] = path
    return modules


def _imported(tree: ast.AST, modules: dict[str, Path]) -> Iterator[str]:
    """Yield every module of the package that `tree` imports, at any depth of the code."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from pkg import sub` depends on pkg.sub, not on pkg's __init__.
            targets = [
                f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in modules else node.module
                for a in node.names
            ]
        else:
            continue
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target:
                yield target


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    graph = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        graph[name] = {t for t in _imported(tree, modules) if t != name}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return the strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_checker_sees_imports_inside_functions():
    tree = ast.parse("def f():\n    from sponsorship.views import main\n")
    assert list(_imported(tree, _modules())) == ["sponsorship.views.main"]


def test_the_checker_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def _arrows(sources: str | tuple[str, ...], targets: str | tuple[str, ...]) -> list[str]:
    """Return every import from a module under `sources` to one under `targets`."""
    return sorted(
        f"{source} -> {target}"
        for source, imported in _graph().items()
        if source.startswith(sources)
        for target in imported
        if target.startswith(targets)
    )


def test_nothing_below_the_views_imports_upward():
    assert _arrows(LOWER, UPPER) == []


def test_the_matching_engine_imports_neither_flask_nor_the_database():
    offenders = []
    for path in (PACKAGE / "matching").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [
                f"{path.name}: {n}"
                for n in names
                if n.split(".")[0] in ("flask", "flask_sqlalchemy", "sqlalchemy")
                or n.startswith(
                    ("sponsorship.models", "sponsorship.services", "sponsorship.extensions")
                )
            ]
    assert offenders == []


def test_views_import_no_jobs():
    assert _arrows("sponsorship.views", "sponsorship.jobs") == []


def test_units_of_work_import_neither_jobs_nor_views():
    assert _arrows("sponsorship.work", ("sponsorship.jobs", "sponsorship.views")) == []


def test_package_inits_import_only_their_own_modules():
    # Importing a.b.c runs a/__init__ and a/b/__init__ first: an __init__ that reached elsewhere
    # would put a hidden edge under every module of its package.
    graph = _graph()
    modules = _modules()
    strays = sorted(
        f"{package} -> {target}"
        for package, targets in graph.items()
        if modules[package].name == "__init__.py"
        for target in targets
        if not target.startswith(package + ".")
    )
    assert strays == []


def test_there_are_no_import_cycles():
    assert _cycles(_graph()) == []
