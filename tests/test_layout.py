"""The package's layout keeps its promises: dependencies point one way (cli -> jobs -> common),
no import cycles, Dask only in the cluster modules, kernels free of the Python around them,
and ``import minent`` light.

The import graph is read from the source (every ``import``, also those inside functions),
so a lazy import cannot hide a dependency.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import minent

PACKAGE = Path(minent.__file__).resolve().parent
JOBS = ("lexicon", "segment", "itemsets")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Absolute names of every module ``path`` imports (``from x import y`` counts x, and x.y
    when that is a module of the package)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if node.module:  # `from . import x` imports x, not the package it is in
                found.add(target)
            for alias in node.names:
                found.add(f"{target}.{alias.name}")
    return found


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {name: {m for m in imports_of(path) if m in modules} | {m for m in imports_of(path) if not m.startswith("minent")}
            for name, path in modules.items()}


def internal(graph: dict[str, set[str]], name: str) -> set[str]:
    return {m for m in graph[name] if m.startswith("minent")}


def test_there_is_one_folder_a_job_plus_common_and_cli():
    folders = sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists())
    assert folders == ["cli", "common", "itemsets", "lexicon", "segment"]
    assert sorted(p.name for p in PACKAGE.glob("*.py")) == ["__init__.py", "__main__.py", "distributed.py"]


def test_dependencies_point_one_way(graph):
    allowed = {  # what each part may import, besides itself and common
        "minent.common": set(),
        "minent.segment": set(),
        "minent.itemsets": set(),
        "minent.lexicon": {"minent.segment"},  # the refinement re-segments with the Segmenter
    }
    for name in graph:
        part = ".".join(name.split(".")[:2])
        if part not in allowed:
            continue
        for target in internal(graph, name):
            other = ".".join(target.split(".")[:2])
            assert target != "minent", f"{name} imports the top-level package (another job through its lazy names)"
            if other in (part, "minent.common"):
                continue
            assert other in allowed[part], f"{name} imports {target}"
        if part == "minent.common":
            assert not any(t.startswith(("minent.lexicon", "minent.segment", "minent.itemsets", "minent.cli"))
                           for t in internal(graph, name)), name
    for name in graph:  # nothing below the CLI imports it (but `python -m minent`)
        if not name.startswith("minent.cli") and name != "minent.__main__":
            assert not any(t.startswith("minent.cli") for t in internal(graph, name)), name


def test_no_import_cycles(graph):
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> None:
        if name in path:
            cycle = path[path.index(name):] + [name]
            raise AssertionError("import cycle: " + " -> ".join(cycle))
        if name in done:
            return
        for target in sorted(internal(graph, name)):
            # a package's __init__ that re-exports lazily names its modules in strings, not imports
            visit(target, path + [name])
        done.add(name)

    for name in sorted(graph):
        visit(name, [])


def test_dask_only_in_the_cluster_modules(graph):
    for name, targets in graph.items():
        if any(t.split(".")[0] in ("dask", "distributed") for t in targets):
            assert name.rpartition(".")[2] == "cluster", name


def test_kernels_import_only_numpy_numba_the_standard_library_and_other_kernels(graph):
    for name, targets in graph.items():
        if ".kernels" not in name:
            continue
        for target in targets:
            top = target.split(".")[0]
            if top == "minent":
                assert ".kernels" in target or target == "minent.common.errors", f"{name} imports {target}"
            else:
                assert top in ("numpy", "numba", "math", "concurrent", "contextlib", "functools", "typing",
                               "hashlib", "itertools", "os", "pathlib", "threading", "__future__"), f"{name} imports {target}"


def test_import_minent_stays_light():
    code = ("import sys, minent, minent.lexicon, minent.segment, minent.itemsets, minent.distributed; "
            "heavy = [m for m in ('numba', 'numpy', 'dask', 'distributed', 'typer', 'tqdm') if m in sys.modules]; "
            "print(heavy)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_public_api_is_where_it_was():
    for name in ("build_lexicon", "LexiconBuilder", "Lexicon", "BuildStats", "Corpus", "Segmenter",
                 "score_segmentation", "apriori", "association_rules", "MinentError"):
        assert getattr(minent, name).__name__ == name
    assert minent.apriori.__module__ == "minent.itemsets.mining"  # the function, not a package
    import minent.distributed as cluster_api

    assert {"build_lexicon", "segment_file", "apriori", "connect"} <= set(dir(cluster_api))
