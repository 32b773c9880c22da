"""What each of the seed's IRQ return values does: IRQ_HANDLED | IRQ_WAKE_THREAD does not wake the thread.

Ported from seed 000's "IRQ Return Values", one handler per return statement, each on its own
edge-triggered GIC line:

- ``return IRQ_WAKE_THREAD;`` from the primary handler of request_threaded_irq(): the thread runs.
- ``return IRQ_HANDLED | IRQ_WAKE_THREAD;``, which the seed recommends "for threaded interrupts":
  __handle_irq_event_percpu() (kernel/irq/handle.c) wakes the thread only when the result is
  exactly IRQ_WAKE_THREAD, so the thread never runs; note_interrupt() accepts 3 as a valid value
  and counts the interrupt as handled.
- ``return IRQ_WAKE_THREAD;`` from a plain request_irq() handler, the seed's "we handled the
  interrupt and need to wake up processes": there is no thread to wake, and the kernel warns
  once per action ("returned IRQ_WAKE_THREAD but no thread function available.").
- ``return IRQ_HANDLED;`` and ``return IRQ_NONE;`` behave as documented; a non-shared line that
  keeps returning IRQ_NONE would only be disabled after 99,900 of 100,000 (seed 003's port).
"""

from __future__ import annotations

from types import SimpleNamespace

import irqlab
from irqlab.kernel import (
    IRQ_HANDLED,
    IRQ_WAKE_THREAD,
    free_irq,
    pr_info,
    request_irq,
    request_threaded_irq,
)

SEED_SECTION = "000: IRQ Return Values"
MODULE_NAME = "irq_return_values"

# The board wiring main() provides: the Linux irqs of three edge-triggered lines.
irqs: list[int] = []


def wake_thread_handler(irq: int, dev_id: object) -> int:
    # We handled the interrupt and need to wake up processes
    return IRQ_WAKE_THREAD


def handled_and_wake_handler(irq: int, dev_id: object) -> int:
    # For threaded interrupts - use this to wake the thread handler
    return IRQ_HANDLED | IRQ_WAKE_THREAD


def thread_fn(irq: int, dev_id: object) -> int:
    pr_info("%s: thread function ran for IRQ %d\n", dev_id, irq)
    return IRQ_HANDLED


def irq_return_values_init() -> int:
    ret = request_threaded_irq(irqs[0], wake_thread_handler, thread_fn, 0, "wake_thread", "wake_thread")
    if not ret:
        ret = request_threaded_irq(irqs[1], handled_and_wake_handler, thread_fn, 0, "handled_or_wake", "handled_or_wake")
    if not ret:
        ret = request_irq(irqs[2], wake_thread_handler, 0, "no_thread", "no_thread")
    return ret


def irq_return_values_exit() -> None:
    free_irq(irqs[0], "wake_thread")
    free_irq(irqs[1], "handled_or_wake")
    free_irq(irqs[2], "no_thread")


module_init = irq_return_values_init
module_exit = irq_return_values_exit

SPIS = (60, 61, 62)
#: Every line fires at these times (ms).
EDGES_MS = (10, 20)


def main(seed: int = 1) -> irqlab.Machine:
    """Each of the three lines fires twice (10 and 20 ms); rmmod at 50 ms."""
    global irqs
    m = irqlab.boot("generic", seed=seed, trace=["irq_handler_entry", "irq_handler_exit", "irq_thread_entry"])
    irqs = [m.board.map_spi(spi, "edge") for spi in SPIS]
    m.insmod(SimpleNamespace(**globals()))  # insmod this file
    for t in EDGES_MS:
        for spi in SPIS:
            m.at(f"{t}ms", m.spi_line(spi).pulse)
    m.run(until="50ms")
    m.rmmod(MODULE_NAME)
    return m


if __name__ == "__main__":
    print(main().dmesg(), end="")
