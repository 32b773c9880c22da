"""pinctrl-rp1: acking a pin's latch (irq_ack, the bank handler) leaves a masked pin masked, as the SET-alias write does."""

import irqlab
from irqlab.kernel import (
    IRQ_HANDLED,
    IRQ_WAKE_THREAD,
    IRQF_ONESHOT,
    IRQF_TRIGGER_LOW,
    gpio_to_irq,
    msleep,
    request_threaded_irq,
)


def test_oneshot_level_low_gpio_is_one_hardirq_per_assertion():
    """A ONESHOT level-low GPIO gives one hardirq per thread run, not a storm.

    A level-low GPIO with a ONESHOT thread: the line stays masked while the thread runs (no storm), and a
    source still asserted when the thread ends fires once more.
    """
    m = irqlab.boot("rpi5", seed=0, trace=["irq_handler_entry", "irq_thread_entry"])
    b = m.button(22, "none")
    runs = []

    def thread_fn(irq, dev):
        msleep(1)
        runs.append(m.now)
        return IRQ_HANDLED

    def init():
        irq = gpio_to_irq(512 + 22)
        assert request_threaded_irq(irq, lambda i, d: IRQ_WAKE_THREAD, thread_fn, IRQF_ONESHOT | IRQF_TRIGGER_LOW,
                                    "lvl", None) == 0  # fmt: skip

    m.spawn(init)
    b.press(at="10ms")
    b.release(at="15ms")
    m.run(until="60ms")
    hard = [e.ts for e in m.trace.events("irq_handler_entry") if e["name"] == "lvl"]
    assert len(hard) == 1 and len(runs) == 1  # released before the thread ended: one event
    b.press(at="100ms")
    b.release(at="130ms")
    m.run(until="200ms")
    hard = [e.ts for e in m.trace.events("irq_handler_entry") if e["name"] == "lvl"]
    assert 3 <= len(hard) <= 5 and len(hard) == len(runs)  # held 30 ms: one hardirq per ~10 ms thread run
