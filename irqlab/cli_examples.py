"""``irqlab examples``: list the seed ports in examples/ without running them.

Each port is read with :mod:`ast`, never imported: its one-line description is the first line of
the module docstring and its seed section the ``SEED_SECTION = "NNN: title"`` constant. Ports are
grouped by seed (the NNN of the section, else of a ``seedNNN_`` file name). A file that does not
parse is still listed, with the parse error as its description, so a port being written by
someone else never breaks the listing.
"""

from __future__ import annotations

import ast
import pathlib
import re
import sys
from dataclasses import dataclass

import irqlab

_SEED_RE = re.compile(r"^\s*(\d{3})\s*:\s*(.*)$")
_FILE_RE = re.compile(r"^seed(\d{3})_")


@dataclass(frozen=True)
class ExampleInfo:
    """One port: file name, seed number ("003", or "" if unknown), section title, description."""

    path: pathlib.Path
    seed: str
    section: str
    description: str

    @property
    def name(self) -> str:
        return self.path.name


def examples_dir(cwd: pathlib.Path | None = None) -> pathlib.Path | None:
    """./examples under ``cwd`` (default the current directory) if it exists, else the repository's
    examples/ next to the package (a source checkout), else the copy ``pip install`` puts in
    ``<prefix>/share/irqlab/examples``; None when there is none."""
    import sysconfig

    here = (cwd or pathlib.Path.cwd()) / "examples"
    if here.is_dir():
        return here
    repo = pathlib.Path(irqlab.__file__).resolve().parents[1] / "examples"
    if repo.is_dir():
        return repo
    for scheme in (sysconfig.get_default_scheme(), sysconfig.get_preferred_scheme("user")):
        installed = pathlib.Path(sysconfig.get_path("data", scheme)) / "share" / "irqlab" / "examples"
        if installed.is_dir():
            return installed
    return None


def read_example(path: pathlib.Path) -> ExampleInfo:
    """Parse ``path`` (without executing it) for its docstring's first line and SEED_SECTION."""
    m = _FILE_RE.match(path.name)
    seed = m.group(1) if m else ""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (SyntaxError, ValueError, UnicodeDecodeError, OSError) as e:
        line = getattr(e, "lineno", None)
        where = f" (line {line})" if line else ""
        return ExampleInfo(path, seed, "", f"(cannot be parsed: {type(e).__name__}{where})")
    doc = ast.get_docstring(tree) or ""
    description = doc.strip().splitlines()[0].strip() if doc.strip() else ""
    section = ""
    for node in tree.body:
        target: ast.expr | None = None
        value: ast.expr | None = None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign):
            target, value = node.target, node.value
        if isinstance(target, ast.Name) and target.id == "SEED_SECTION":
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                section = value.value
    sm = _SEED_RE.match(section)
    if sm:
        seed, section = sm.group(1), sm.group(2).strip()
    return ExampleInfo(path, seed, section, description)


def scan(directory: pathlib.Path) -> list[ExampleInfo]:
    """Every ``*.py`` port in ``directory`` (not ``_private.py`` helpers), ordered by seed then file name."""
    infos = [read_example(p) for p in sorted(directory.glob("*.py")) if not p.name.startswith("_")]
    return sorted(infos, key=lambda i: (i.seed or "~", i.name))


def _groups(infos: list[ExampleInfo]) -> dict[str, list[ExampleInfo]]:
    groups: dict[str, list[ExampleInfo]] = {}
    for info in infos:
        groups.setdefault(info.seed, []).append(info)
    return groups


def _title(seed: str, n: int) -> str:
    what = f"Seed {seed}" if seed else "Other examples"
    return f"{what} ({n} port{'s' if n != 1 else ''})"


def format_plain(infos: list[ExampleInfo], directory: pathlib.Path) -> str:
    """The listing as plain text: a heading per seed, then one line per port."""
    out = [f"{len(infos)} examples in {directory}"]
    for seed, group in _groups(infos).items():
        out.append("")
        out.append(_title(seed, len(group)))
        for i in group:
            section = f"[{i.section}] " if i.section else ""
            out.append(f"  {i.name}: {section}{i.description}".rstrip())
    return "\n".join(out) + "\n"


def cmd_examples(plain: bool, directory: str | None = None) -> int:
    """List the ports; returns the exit status (2 when there is no examples directory)."""
    d = pathlib.Path(directory) if directory else examples_dir()
    if d is None or not d.is_dir():
        print("irqlab: no examples/ directory here or next to the irqlab package; pass --dir", file=sys.stderr)
        return 2
    infos = scan(d)
    if plain:
        sys.stdout.write(format_plain(infos, d))
        return 0
    from rich.console import Console
    from rich.table import Table

    con = Console(soft_wrap=True)
    table = Table(title=f"irqlab examples ({d})", show_lines=False)
    table.add_column("seed", no_wrap=True)
    table.add_column("file", no_wrap=True, style="bold")
    table.add_column("seed section")
    table.add_column("what it shows")
    for seed, group in _groups(infos).items():
        for n, i in enumerate(group):
            table.add_row((seed or "-") if n == 0 else "", i.name, i.section, i.description)
        table.add_section()
    con.print(table)
    con.print("Run one with: irqlab run <file name without .py> --plain")
    return 0
