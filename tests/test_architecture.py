"""The package's shape: no import cycles (TYPE_CHECKING and function-level imports included),
the engine never imports the server, and no module grows past ~400 lines."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "mu_lsp"
ENGINE = ("mu_lsp.analysis", "mu_lsp.llm", "mu_lsp.privacy", "mu_lsp.config")
EDITOR_SIDE = ("mu_lsp.server", "mu_lsp.worker", "mu_lsp.cli")
MAX_LINES = 420


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in PACKAGE.rglob("*.py")}


def _imports(path: Path, known: dict[str, Path]) -> set[str]:
    """Every mu_lsp module `path` imports, wherever the import statement is."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("mu_lsp"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("mu_lsp"):
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if candidate in known else node.module)
    return {name for name in found if name in known}


def _graph() -> dict[str, set[str]]:
    known = _modules()
    graph = {name: _imports(path, known) for name, path in known.items()}
    for name, targets in graph.items():  # importing itself (a package's own name) is no edge
        targets.discard(name)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root, targets in graph.items():
        if root in index:
            continue
        work = [(root, iter(sorted(targets)))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
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


def _is_package_init_edge(a: str, b: str) -> bool:
    return b.startswith(a + ".") or a.startswith(b + ".")


def test_no_import_cycles() -> None:
    graph = _graph()
    # `pkg/__init__.py` re-exporting `pkg.x`, which imports a sibling through `pkg`, is not a
    # design cycle: drop parent<->child edges before looking.
    pruned = {a: {b for b in targets if not _is_package_init_edge(a, b)} for a, targets in graph.items()}
    assert _cycles(pruned) == []


def test_the_engine_never_imports_the_editor_side() -> None:
    graph = _graph()
    offending = {
        (module, imported)
        for module, imports in graph.items()
        if module.startswith(ENGINE)
        for imported in imports
        if imported.startswith(EDITOR_SIDE)
    }
    assert offending == set()


def test_config_imports_nothing_from_llm() -> None:
    graph = _graph()
    assert {
        (m, i)
        for m, imports in graph.items()
        if m.startswith("mu_lsp.config")
        for i in imports
        if i.startswith("mu_lsp.llm")
    } == set()


def test_no_module_is_much_over_400_lines() -> None:
    sizes = {name: len(path.read_text().splitlines()) for name, path in _modules().items()}
    assert {name: lines for name, lines in sizes.items() if lines > MAX_LINES} == {}


def test_the_checker_sees_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c"]]


def test_no_package_exports_a_name_its_submodule_would_overwrite() -> None:
    # Importing `pkg.name` sets the attribute `pkg.name` to that module, so an exported function
    # `pkg.name` would turn into a module depending on what happened to be imported first
    # (`from mu_lsp.analysis import parse` once returned the module `parse.py`).
    modules = _modules()
    clashes = []
    for name, path in modules.items():
        if path.name != "__init__.py":
            continue
        package = importlib.import_module(name)
        exported = set(getattr(package, "__all__", []))
        clashes += [f"{name}.{sub}" for sub in exported if f"{name}.{sub}" in modules]
    assert clashes == []
