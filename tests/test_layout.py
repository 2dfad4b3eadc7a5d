"""The architecture the docs describe, checked: the engine never loads Qt, pyqtgraph or OpenGL;
the run core and file I/O depend on no experiment; TensorFlow is imported in one module; each
GUI file reads in one sitting; the code points at no file outside the repository."""

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXPERIMENTS = ("engine.latent", "engine.cppn", "engine.deemoji")


def modules(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def imported(path: Path) -> set[str]:
    """What a file imports anywhere in its text (lazy imports too); ``from package import name``
    also gives ``package.name``, in case ``name`` is a module."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_importing_every_engine_module_loads_no_gui_library():
    names = [".".join(p.relative_to(ROOT).with_suffix("").parts) for p in modules("engine")]
    code = ("import sys, json\n" +
            "".join(f"import {n}\n" for n in names if not n.endswith("__init__")) +
            "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('PySide6', 'pyqtgraph', 'OpenGL', 'shiboken6'))))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []


def test_the_run_core_and_file_io_import_no_experiment():
    for folder in ("engine/runs", "engine/files"):
        for path in modules(folder):
            leaks = {n for n in imported(path) if n.startswith(EXPERIMENTS)}
            assert not leaks, f"{path.relative_to(ROOT)} imports {leaks}"


def test_tensorflow_is_imported_in_one_module_only():
    importers = [p.relative_to(ROOT).as_posix() for folder in ("engine", "gui")
                 for p in modules(folder) if any(n.split(".")[0] == "tensorflow"
                                                 for n in imported(p))]
    assert importers == ["engine/tf_runtime.py"]


def test_each_gui_file_reads_in_one_sitting():
    long = {p.relative_to(ROOT).as_posix(): n for p in modules("gui")
            if (n := len(p.read_text().splitlines())) > 310}
    assert not long, long


def test_one_run_loop():
    loops = [p.relative_to(ROOT).as_posix() for p in modules("engine")
             if re.search(r"^def run_loop\(|control\.wait_until_resumed\(\)", p.read_text(), re.M)]
    assert loops == ["engine/runs/loop.py"]


def test_nothing_points_outside_the_repository():
    pattern = re.compile(r"DEVELOPERS\.md|spec §|seed_spec|STYLE\.md|\.\./shared|shared/data",
                         re.IGNORECASE)
    for folder in ("engine", "gui", "tests", "bench", "docs"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in (".py", ".md") and path != Path(__file__):
                assert not pattern.search(path.read_text()), path.relative_to(ROOT)


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Module → the project modules it imports (:func:`imported`)."""
    paths = modules("engine") + modules("gui")
    known = {module_name(p) for p in paths}
    return {module_name(p): (imported(p) & known) - {module_name(p)} for p in paths}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_circles_in_engine_and_gui():
    assert circles(import_graph()) == []


def test_the_circle_check_finds_a_circle():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
