"""A ring of latency records filled by a threaded IRQ's two halves - with the seed's off-by-one between them.

Ported line by line from seed 000's "PREEMPT_RT Considerations" (the real-time measurement code).
The seed leaves open where its IRQ comes from and who writes the ``ktime_t`` that ``dev_id``
points to; here a sensor's data-ready pulse on GPIO22 (rising edge) interrupts, and a
time-stamping unit latches the time of each edge into that ``ktime_t`` (the scenario writes it).
The port prints the used records at unload so the ring can be read in dmesg.

What the kernel does with the code: the hard handler fills slot ``atomic_inc_return(&idx) % 1000``
(1 for the first interrupt), but the thread fills ``(atomic_read(&idx) - 1) % 1000``, the slot
*before* it, so every record's thread times belong to the next interrupt and slot 0 holds only
thread times. And when two edges arrive before the thread runs (40 ms and 40.003 ms here), the
wakes collapse into one thread run (IRQTF_RUNTHREAD), which fills only one slot. Boot with
``main(seed, preempt="rt")`` to see PREEMPT_RT force-thread the hard handler too (it then runs
in irq/NN-rt_metrics and the thread function in irq/NN-s-rt_metrics), moving handler_entry
from microseconds after the edge to after a thread wake-up.
"""

from __future__ import annotations

from types import SimpleNamespace

import irqlab
from irqlab.kernel import (
    ATOMIC_INIT,
    GPIOF_IN,
    IRQ_HANDLED,
    IRQ_WAKE_THREAD,
    IRQF_TRIGGER_RISING,
    Struct,
    atomic_inc_return,
    atomic_read,
    free_irq,
    gpio_free,
    gpio_request_one,
    gpio_to_irq,
    ktime_get,
    pr_info,
    request_threaded_irq,
)

SEED_SECTION = "000: PREEMPT_RT Considerations"
MODULE_NAME = "rt_metrics"

# pinctrl-rp1 numbers its lines from the dynamic base 512 on 6.12: header GPIO22 is 534.
RP1_GPIO_BASE = 512
DRDY_GPIO = RP1_GPIO_BASE + 22


class rt_metrics(Struct):
    """Real-time measurement code."""

    def __init__(self) -> None:
        self.irq_timestamp = 0  # When IRQ arrived
        self.handler_entry = 0  # When handler started
        self.handler_exit = 0  # When handler completed
        self.thread_entry = 0  # When threaded handler started
        self.thread_exit = 0  # When threaded handler completed


metrics = [rt_metrics() for _ in range(1000)]  # Circular buffer
metric_idx = ATOMIC_INIT(0)


class ktime_t(Struct):
    """The ``ktime_t`` dev_id points to: the edge time latched by the time-stamping unit."""

    def __init__(self) -> None:
        self.value = 0


def rt_irq_handler(irq: int, dev_id: ktime_t) -> int:
    # Record entry time
    idx = atomic_inc_return(metric_idx) % 1000
    m = metrics[idx]

    m.handler_entry = ktime_get()
    m.irq_timestamp = dev_id.value  # Timestamp from ISR

    # Minimal processing here

    m.handler_exit = ktime_get()

    return IRQ_WAKE_THREAD  # Wake threaded handler


def rt_thread_handler(irq: int, dev_id: ktime_t) -> int:
    idx = (atomic_read(metric_idx) - 1) % 1000
    m = metrics[idx]

    m.thread_entry = ktime_get()

    # Main processing here

    m.thread_exit = ktime_get()

    return IRQ_HANDLED


edge_stamp = ktime_t()
irq_number = -1


def rt_metrics_init() -> int:
    global irq_number
    ret = gpio_request_one(DRDY_GPIO, GPIOF_IN, "rt_metrics-drdy")
    if ret:
        return ret
    irq_number = gpio_to_irq(DRDY_GPIO)
    ret = request_threaded_irq(irq_number, rt_irq_handler, rt_thread_handler, IRQF_TRIGGER_RISING, "rt_metrics",
                               edge_stamp)  # fmt: skip
    if ret:
        gpio_free(DRDY_GPIO)
    return ret


def rt_metrics_exit() -> None:
    free_irq(irq_number, edge_stamp)
    gpio_free(DRDY_GPIO)
    # irqlab: dump the used records (the seed has no reader for the ring).
    for i in range(min(atomic_read(metric_idx) + 1, 1000)):
        m = metrics[i]
        pr_info("metrics[%d]: irq %lld handler %lld-%lld thread %lld-%lld\n", i, m.irq_timestamp, m.handler_entry,
                m.handler_exit, m.thread_entry, m.thread_exit)  # fmt: skip


module_init = rt_metrics_init
module_exit = rt_metrics_exit

#: Data-ready edges (us): three alone, then two 3 us apart.
EDGES_US = (10_000, 20_000, 30_000, 40_000, 40_003)


def main(seed: int = 1, preempt: str | None = None) -> irqlab.Machine:
    """Five data-ready edges on GPIO22; the last two arrive before the IRQ thread has run once."""
    m = irqlab.boot("rpi5", seed=seed, preempt=preempt,
                    trace=["irq_handler_entry", "irq_thread_entry", "sched_switch"])  # fmt: skip
    drdy = m.board.gpio_pin(22)
    drdy.assert_("sensor")  # the sensor holds data-ready low between samples

    def edge() -> None:
        edge_stamp.value = m.now  # the time-stamping unit latches the edge...
        drdy.deassert("sensor")  # ...as the sensor raises data-ready

    m.insmod(SimpleNamespace(**globals()))  # insmod this file
    for t in EDGES_US:
        m.at(f"{t}us", edge)
        m.at(f"{t * 1000 + 1500}ns", drdy.assert_, "sensor")
    m.run(until="60ms")
    m.rmmod(MODULE_NAME)
    return m


if __name__ == "__main__":
    print(main().dmesg(), end="")
