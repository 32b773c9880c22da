"""A handler is never re-entered: its own edges wait and merge, other lines wait on its CPU only.

Ported from seed 002's "Important Points about Interrupts": while a CPU runs an IRQ's handler,
interrupts are disabled on that CPU and that IRQ is not delivered anywhere else, so handlers
need not be reentrant. Three edge-triggered devices on GIC SPIs of a Raspberry Pi 5: ``slow``
(CPU 0) spends 200 us in its handler (udelay, for the demonstration only), ``same_cpu`` also
targets CPU 0, ``other_cpu`` targets CPU 1. During ``slow``'s handler two more edges of its own
line come (the GIC keeps the line active until the handler's EOI; the second edge only sets
its pending bit again, so the two become one more run), ``same_cpu`` fires (it waits for CPU 0
to leave the handler) and ``other_cpu`` fires (it runs at once, in parallel).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import irqlab
from irqlab.kernel import IRQ_HANDLED, free_irq, irq_set_affinity, pr_info, request_irq, smp_processor_id, udelay

SEED_SECTION = "002: Important Points about Interrupts (handlers are not reentrant)"
MODULE_NAME = "reentrancy"

LINES = (("slow", 90, 0), ("same_cpu", 91, 0), ("other_cpu", 92, 1))
board: dict[str, int] = {}  # filled by main(): name -> Linux irq
runs: dict[str, int] = {}


def handler(irq: int, name: Any) -> int:
    runs[name] = runs.get(name, 0) + 1
    pr_info("%s: run %d on CPU %d\n", name, runs[name], smp_processor_id())
    if name == "slow":
        udelay(200)  # far too long for a real handler: only to hold the CPU here
    return IRQ_HANDLED


def reentrancy_init() -> int:
    runs.clear()
    for name, _, cpu in LINES:
        ret = request_irq(board[name], handler, 0, name, name)
        if ret:
            return ret
        irq_set_affinity(board[name], 1 << cpu)
    return 0


def reentrancy_exit() -> None:
    for name, _, _ in LINES:
        free_irq(board[name], name)


module_init = reentrancy_init
module_exit = reentrancy_exit

#: (us after 10 ms, line that gets an edge)
EDGES = ((0, "slow"), (50, "slow"), (80, "same_cpu"), (80, "other_cpu"), (100, "slow"))


def main(seed: int = 1) -> irqlab.Machine:
    """The edges of EDGES from 10 ms on; rmmod at 20 ms."""
    m = irqlab.boot("rpi5", seed=seed, trace=["irq_handler_entry", "irq_handler_exit"])
    lines = {}
    for name, spi, _ in LINES:
        lines[name] = m.spi_line(spi)
        board[name] = m.board.map_spi(spi, "edge")
    m.insmod(SimpleNamespace(**globals()))  # insmod this file
    for us, name in EDGES:
        m.at(10_000_000 + us * 1000, lines[name].pulse)
    m.run(until="20ms")
    m.rmmod(MODULE_NAME)
    return m


def report(m: irqlab.Machine) -> str:
    """What else the reader looks at: handler entries and exits per CPU, in time order."""
    names = {irq: n for n, irq in board.items()}
    out = [f"{e.ts / 1e3:10.3f} us  CPU{e.cpu}  {'enter' if e.name == 'irq_handler_entry' else 'exit '} {names[e['irq']]}"
           for e in m.trace.events() if e.name in ("irq_handler_entry", "irq_handler_exit") and e["irq"] in names]
    return "--- trace ---\n" + "\n".join(out) + "\n"


if __name__ == "__main__":
    mach = main()
    print(mach.dmesg() + report(mach), end="")
