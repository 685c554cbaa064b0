"""The import graph of src/obliviate: no circle, no upward arrow, every module placed.

The layers are declared once, in the layout table of docs/design.md (column 1: the
layer number, column 2: the modules in it); this test reads them from there. A module
may import modules of lower layers, and of its own layer as long as no circle forms.
Every import counts: module level, inside functions, under ``TYPE_CHECKING``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
DESIGN = ROOT / "docs" / "design.md"


def declared_layers(text: str) -> dict[str, int]:
    """``{dotted module prefix: layer}`` from the layout table under "## Package layout"."""
    section = text.split("## Package layout", 1)[1].split("\n## ", 1)[0]
    layers: dict[str, int] = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 2 or not re.match(r"\d+\b", cells[0]):
            continue
        for name in re.findall(r"`([^`]+)`", cells[1]):
            name = name.strip("/").removesuffix(".py").replace("/", ".")
            dotted = "obliviate" if name == "obliviate" else f"obliviate.{name}"
            assert dotted not in layers, f"{dotted} is declared twice in {DESIGN.name}"
            layers[dotted] = int(re.match(r"\d+", cells[0]).group())
    return layers


def modules(src: Path = SRC) -> dict[str, Path]:
    """``{dotted name: file}`` of every module under ``src/obliviate`` (packages by __init__)."""
    out = {}
    for path in sorted((src / "obliviate").rglob("*.py")):
        parts = path.relative_to(src).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The obliviate modules that module ``name`` imports, anywhere in its body."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            # ``from a.b import c`` imports the module a.b.c when there is one, else names of a.b.
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:       # ``import a.b.c`` of a name: its module
                target = target.rpartition(".")[0]
            if target.startswith("obliviate") and target != name:
                found.add(target)
    return found


def layer_of(module: str, layers: dict[str, int]) -> int | None:
    """The layer of the longest declared prefix of ``module``."""
    best = None
    for prefix, layer in layers.items():
        if module == prefix or module.startswith(prefix + "."):
            if best is None or len(prefix) > len(best):
                best = prefix
    return layers[best] if best is not None else None


def check(graph: dict[str, set[str]], layers: dict[str, int]) -> list[str]:
    """Every problem of ``graph``: unplaced modules, upward arrows, circles."""
    problems = [f"{m} is in no layer: add it to the layout table of docs/design.md"
                for m in sorted(graph) if layer_of(m, layers) is None]
    for m in sorted(graph):
        for t in sorted(graph[m]):
            lm, lt = layer_of(m, layers), layer_of(t, layers)
            if lm is not None and lt is not None and lt > lm:
                problems.append(f"upward import: {m} (layer {lm}) imports {t} (layer {lt})")
    # Circles: strongly connected components of more than one module (Tarjan).
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                problems.append("import circle: " + " <-> ".join(sorted(component)))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return problems


def graph_of(src: Path) -> dict[str, set[str]]:
    found = modules(src)
    return {name: imports(name, path, set(found)) for name, path in found.items()}


def test_the_import_graph_has_no_circle_no_upward_arrow_and_every_module_placed():
    problems = check(graph_of(SRC), declared_layers(DESIGN.read_text()))
    assert not problems, "\n".join(problems)


def test_the_declared_layers_are_the_ones_the_design_names():
    layers = declared_layers(DESIGN.read_text())
    order = ["obliviate.errors", "obliviate.data", "obliviate.models", "obliviate.methods", "obliviate.evals",
             "obliviate.cli"]
    assert [layers[m] for m in order] == sorted(layers[m] for m in order)
    assert len({layers[m] for m in order}) == len(order)


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = tmp_path / "obliviate" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


LAYERS = "## Package layout\n\n| layer | modules |\n|---|---|\n| 0 | `errors` |\n| 1 | `models/` |\n" \
         "| 2 | `methods/` |\n"


@pytest.mark.parametrize("files, expected", [
    # A function-level import of a higher layer is an upward arrow (the old load_model).
    ({"models/load.py": "def f():\n    from obliviate.methods.wrappers import g\n", "methods/wrappers.py": ""},
     ["upward import: obliviate.models.load (layer 1) imports obliviate.methods.wrappers (layer 2)"]),
    # Two modules of one layer that import each other are a circle (the old tiny <-> worker).
    ({"models/tiny.py": "import obliviate.models.worker\n",
      "models/worker.py": "def main():\n    from obliviate.models.tiny import job\n"},
     ["import circle: obliviate.models.tiny <-> obliviate.models.worker"]),
    # Relative imports resolve; ``from pkg import module`` is an arrow to that module.
    ({"methods/__init__.py": "from . import ga\n", "methods/ga.py": "from ..models import load\n",
      "models/load.py": "from obliviate.errors import E\n", "errors.py": ""}, []),
    ({"methods/ga.py": "", "guard.py": "import obliviate.methods.ga\n"},
     ["obliviate.guard is in no layer: add it to the layout table of docs/design.md"]),
])
def test_the_checker_finds_what_it_must(tmp_path, files, expected):
    assert check(graph_of(_tree(tmp_path, files)), declared_layers(LAYERS)) == expected
