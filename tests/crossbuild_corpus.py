"""The cross-build corpus: dmesg and full trace text of the demos, every example and a storm.

``python tests/crossbuild_corpus.py OUT.json [CASE...]`` writes ``{"build": ..., "cases": {name: text}}``;
the determinism test runs it under the pure-Python build (``IRQLAB_PURE=1``) and compares each case, byte
by byte, with the same cases run in its own process on the compiled build.
"""

from __future__ import annotations

import json
import pathlib
import random
import sys
from collections.abc import Callable
from typing import Any

ROOT = pathlib.Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
#: Storm size: enough to back the bottom halves up on every CPU and to exercise coalescing.
STORM_IRQS = 1500


def _storm(seed: int = 1) -> None:
    """benchmarks/storm.py's workload, small: 8 Poisson sources, top half + IRQ thread + work item."""
    import irqlab
    from irqlab.kernel import (
        INIT_WORK,
        IRQ_HANDLED,
        IRQ_WAKE_THREAD,
        IRQF_TRIGGER_RISING,
        alloc_workqueue,
        cpu_work,
        irq_set_affinity,
        queue_work_on,
        request_threaded_irq,
        work_struct,
    )

    m = irqlab.boot("generic", cpus=4, seed=seed)
    virqs = [m.board.map_spi(40 + d, "edge") for d in range(8)]
    lines = [m.spi_line(40 + d) for d in range(8)]
    works = [work_struct() for _ in range(8)]

    def work_fn(w: object) -> None:
        cpu_work(20_000)

    def top(irq: int, dev: int) -> int:
        cpu_work(2_000)
        return IRQ_WAKE_THREAD

    def setup() -> int:
        wq = alloc_workqueue("storm", 0, 0)

        def thread(irq: int, dev: int) -> int:
            cpu_work(10_000)
            queue_work_on(dev % 4, wq, works[dev])
            return IRQ_HANDLED

        for d in range(8):
            INIT_WORK(works[d], work_fn)
            request_threaded_irq(virqs[d], top, thread, IRQF_TRIGGER_RISING, f"storm{d}", d)
            irq_set_affinity(virqs[d], 1 << (d % 4))
        return 0

    m.spawn(setup, name="storm-setup")
    m.run(until="1ms")
    eng = m.kernel.engine
    rng = random.Random(seed)
    left = [STORM_IRQS]

    def fire(d: int) -> None:
        if left[0] <= 0:
            return
        left[0] -= 1
        lines[d].pulse()
        eng.at(eng.now + max(1, int(rng.expovariate(1.0 / 50_000))), 1, fire, d)

    for d in range(8):
        eng.at(eng.now + max(1, int(rng.expovariate(1.0 / 50_000))), 1, fire, d)
    m.run_until(lambda: left[0] <= 0)
    m.run()


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
