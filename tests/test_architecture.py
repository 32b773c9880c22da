"""The import structure: no circle between modules, and the driver-facing face lists its headers truly."""

import ast
import importlib
from pathlib import Path

import irqlab.kernel

#: The source tree's package (next to pyproject.toml), also when the suite runs against an installed build.
PKG = Path(__file__).resolve().parents[1] / "irqlab"


def _modules() -> dict[str, Path]:
    mods = {}
    for path in sorted(PKG.rglob("*.py")):
        parts = path.relative_to(PKG.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        mods[name] = path
    return mods


def _resolve(name: str, mods: dict[str, Path]) -> str | None:
    parts = name.split(".")
    while parts:
        if ".".join(parts) in mods:
            return ".".join(parts)
        parts.pop()
    return None


def _load_time_imports(name: str, path: Path, mods: dict[str, Path], deferred: bool = False) -> set[str]:
    """The irqlab modules ``name`` runs when it loads: imports outside function bodies and outside
    ``if TYPE_CHECKING:``, plus each package __init__ that importing a submodule runs first; with
    ``deferred``, also the imports inside function bodies (run when the function is first called)."""
    out: set[str] = set()
    is_pkg = path.name == "__init__.py"

    def add(target: str) -> None:
        mod = _resolve(target, mods)
        if mod is None or mod == name:
            return
        out.add(mod)
        parts = mod.split(".")
        for i in range(2, len(parts)):
            parent = ".".join(parts[:i])
            if parent in mods and parent != name and not name.startswith(parent + "."):
                out.add(parent)

    def walk(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("irqlab"):
                        add(alias.name)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = name.split(".") if is_pkg else name.split(".")[:-1]
                    base = base[: len(base) - (node.level - 1)]
                    module = ".".join(base + ([node.module] if node.module else []))
                else:
                    module = node.module or ""
                if module.startswith("irqlab"):
                    for alias in node.names:
                        add(f"{module}.{alias.name}" if f"{module}.{alias.name}" in mods else module)
            elif isinstance(node, ast.If):
                if "TYPE_CHECKING" not in ast.unparse(node.test):
                    walk(node.body)
                walk(node.orelse)
            elif isinstance(node, ast.Try):
                walk(node.body)
                for handler in node.handlers:
                    walk(handler.body)
                walk(node.orelse)
                walk(node.finalbody)
            elif isinstance(node, (ast.With, ast.For, ast.While, ast.ClassDef)):
                walk(node.body)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and deferred:
                walk(node.body)

    walk(ast.parse(path.read_text()).body)
    return out


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_circle_between_modules():
    """Loading irqlab follows one direction: no module, directly or through others, imports itself back."""
    mods = _modules()
    graph = {name: _load_time_imports(name, path, mods) for name, path in mods.items()}
    assert len(graph) > 150
    assert _cycles(graph) == []


def test_no_circle_through_deferred_imports_either():
    """An import inside a function (deferred for start-up cost) never closes a circle back up."""
    mods = _modules()
    graph = {name: _load_time_imports(name, path, mods, deferred=True) for name, path in mods.items()}
    assert _cycles(graph) == []


def test_a_planted_circle_is_found():
    """The circle finder reports two modules importing each other (so the test above can fail)."""
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]


def test_face_lists_each_header_as_its_module_exports_it():
    """irqlab.kernel's driver-subsystem headers name exactly what each subsystem module exports."""
    for module, names in irqlab.kernel._SUBSYSTEM_HEADERS.items():
        assert names == tuple(importlib.import_module(module).__all__), module


def test_face_offers_driver_subsystem_names():
    """A driver's `from irqlab.kernel import ...` still reaches gpiolib, input, platform, netdev and debugfs."""
    from irqlab.kernel import (  # noqa: F401
        debugfs_create_file,
        devm_gpiod_get,
        input_report_key,
        napi_schedule,
        platform_get_irq,
        serio_register_port,
    )

    assert irqlab.kernel.input_report_key.__module__ == "irqlab.drivers.input.input"


def test_layers_contract_names_every_top_level_module():
    """pyproject.toml's layers contract places every top-level package and module of irqlab (a new one must
    be given its layer)."""
    import re
    import tomllib

    config = tomllib.loads((PKG.parent / "pyproject.toml").read_text())
    (layers,) = [c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers"]
    placed = {name.strip() for layer in layers["layers"] for name in re.split(r"[|:]", layer)}
    top = {p.stem if p.suffix == ".py" else p.name for p in PKG.iterdir()
           if (p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").exists()}
    assert top - placed == set()
    assert placed - top == set()
