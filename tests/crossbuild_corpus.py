"""The cross-build corpus: dmesg and full trace text of the demos, every example and a storm.

``python tests/crossbuild_corpus.py OUT.json [CASE...]`` writes ``{"build": ..., "cases": {name: text}}``;
the determinism test runs it under the pure-Python build (``IRQLAB_PURE=1``) and compares each case, byte
by byte, with the same cases run in its own process on the compiled build.
"""

from __future__ import annotations

import json
import pathlib
import sys
from collections.abc import Callable
from typing import Any

ROOT = pathlib.Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
#: Storm size: enough to back the bottom halves up on every CPU and to exercise coalescing.
STORM_IRQS = 1500


def _storm() -> None:
    """The storm scenario (benchmarks/storm.py's workload), small."""
    from irqlab.scenarios import storm

    storm.run(STORM_IRQS, seed=1)


def cases() -> dict[str, Callable[[], Any]]:
    """Every case by name, in a fixed order."""
    from irqlab.cli_run import run_file
    from irqlab.scenarios import core_demo, rpi5_demo

    out: dict[str, Callable[[], Any]] = {
        "demo": lambda: rpi5_demo.run(seed=1),
        "demo --core": lambda: core_demo.run(seed=1),
        "storm": _storm,
    }
    for p in sorted(EXAMPLES.glob("*.py")):
        out[p.name] = lambda p=p: run_file(str(p), seed=1)
    return out


#: The cases that must run to their end (an example may fail, the same way on both builds).
MUST_RUN = ("demo", "demo --core", "storm")


def run_case(fn: Callable[[], Any], everything: bool = True, may_raise: bool = True) -> str:
    """Run one case with every 6.12 event recorded; the dmesg and trace text of each machine it booted.

    A scenario that reads its own trace expecting only the events it enabled may trip over the others:
    it then runs again recording just what it enables, and both outputs are kept. An exception propagates
    unless ``may_raise``."""
    from irqlab import machine

    booted: list[tuple[Any, list[str]]] = []

    def hook(m: Any) -> None:
        lines: list[str] = []
        if everything:
            m.trace.enable("*")
        m.trace.add_sink(lambda ev: lines.append(ev.text()))
        booted.append((m, lines))

    machine.boot_hooks.append(hook)
    raised = ""
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - a scenario that fails must fail the same way on both builds
        if not may_raise:
            raise
        raised = f"raised {type(e).__name__}: {e}\n"
    finally:
        machine.boot_hooks.remove(hook)
    parts = []
    for m, lines in booted:
        parts.append(m.dmesg())
        parts.append("\n".join(lines) + "\n")
    parts.append(raised)
    if raised and everything:
        parts.append("--- recording only the scenario's own events ---\n")
        parts.append(run_case(fn, everything=False))
    return "".join(parts)


def main(argv: list[str]) -> int:
    import irqlab

    path, names = argv[0], argv[1:]
    all_cases = cases()
    picked = names or list(all_cases)
    res = {name: run_case(all_cases[name], may_raise=name not in MUST_RUN) for name in picked}
    pathlib.Path(path).write_text(json.dumps({"build": "compiled" if irqlab.compiled else "pure", "cases": res}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
