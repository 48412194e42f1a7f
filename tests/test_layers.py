"""The house rules the folder layout promises: each layer imports only from itself and the
layers below it, no two modules import each other (even for type hints), and no module or
function grows past what a newcomer can read in one sitting."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "ccs_assist"

# Lowest first. A module may import from its own layer and any layer before it.
LAYERS = (
    ("errors", "text"),
    ("knowledge",),
    ("understanding",),
    ("answering",),
    ("letters",),
    ("conversation",),
    ("assistant",),
    ("transcripts",),
    ("interfaces",),
    ("__init__", "__main__"),
)
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


def layer_of(module: str) -> int:
    """ccs_assist.knowledge.graph -> the index of ("knowledge",) in LAYERS."""
    parts = module.split(".")
    top = parts[1] if len(parts) > 1 else "__init__"
    for index, names in enumerate(LAYERS):
        if top in names:
            return index
    raise AssertionError(f"{module} is in no layer: add its folder to LAYERS")


def imports_of(path: Path) -> set[str]:
    """Every ccs_assist module this file imports, at any depth (type-only imports count)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.level:
                raise AssertionError(f"{path.name}: use absolute imports (from ccs_assist...)")
            if node.module.startswith("ccs_assist"):
                found.add(node.module)
                folder = PACKAGE.parent / node.module.replace(".", "/")
                found.update(
                    f"{node.module}.{alias.name}"
                    for alias in node.names  # `from ccs_assist.x import module`
                    if (folder / alias.name).is_dir() or (folder / f"{alias.name}.py").exists()
                )
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("ccs_assist"))
    return found


SOURCES = sorted(PACKAGE.rglob("*.py"))
IMPORTS = {module_name(path): imports_of(path) for path in SOURCES}


def test_every_module_is_in_a_layer() -> None:
    for module in IMPORTS:
        layer_of(module)


@pytest.mark.parametrize("module", sorted(IMPORTS))
def test_imports_go_down_the_layers_only(module: str) -> None:
    upward = [
        target
        for target in sorted(IMPORTS[module])
        if target != "ccs_assist" and layer_of(target) > layer_of(module)
    ]
    assert not upward, f"{module} imports from a higher layer: {upward}"


def test_no_import_cycles() -> None:
    graph = nx.DiGraph()
    for module, targets in IMPORTS.items():
        for target in targets:
            # `from ccs_assist.x import y` names the package x; the package's own __init__
            # re-exporting its modules is not a cycle with them.
            if target in IMPORTS and not module.startswith(target + "."):
                graph.add_edge(module, target)
    cycles = list(nx.simple_cycles(graph))
    assert not cycles, f"import cycles: {cycles[:5]}"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_and_functions_stay_readable(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    lines = text.count("\n")
    assert lines <= MAX_MODULE_LINES, f"{path.name} is {lines} lines; split it by job"
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert not long, f"{path.name}: functions over {MAX_FUNCTION_LINES} lines: {long}"
