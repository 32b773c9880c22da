"""The serio core (drivers/input/serio/serio.c): binding ports and drivers, serio_interrupt() under the port lock."""

import irqlab
from irqlab.kernel import (
    IRQ_HANDLED,
    IRQ_NONE,
    serio,
    serio_driver,
    serio_interrupt,
    serio_register_driver,
    serio_register_port,
    serio_unregister_driver,
    spin_is_locked,
)


def test_bytes_reach_the_bound_driver_and_an_unbound_port_returns_irq_none():
    """Before a driver binds, serio_interrupt() returns IRQ_NONE; registering a driver connects it to the port, and each byte then reaches its interrupt() with the flags, under the port's lock; disconnect unbinds."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    got, out = [], {}
    port = serio("test port", "isa0060/serio0")

    def connect(s, drv):
        out["connected"] = s.name
        return 0

    def interrupt(s, data, flags):
        got.append((data, flags, spin_is_locked(s.lock)))
        return IRQ_HANDLED

    drv = serio_driver("testdrv", "test", connect, interrupt, lambda s: out.setdefault("gone", s.name))

    def task():
        serio_register_port(port)
        out["before"] = serio_interrupt(port, 0x1E, 0)
        serio_register_driver(drv)
        out["after"] = serio_interrupt(port, 0x9E, 2)
        serio_unregister_driver(drv)
        out["unbound"] = serio_interrupt(port, 0x01, 0)

    m.spawn(task)
    m.run()
    assert out == {"before": IRQ_NONE, "connected": "test port", "after": IRQ_HANDLED, "gone": "test port",
                   "unbound": IRQ_NONE}  # fmt: skip
    assert got == [(0x9E, 2, True)]


def test_a_driver_that_refuses_the_port_leaves_it_unbound():
    """connect() returning an error leaves port.drv unset, so bytes are not delivered."""
    m = irqlab.boot("generic", cpus=1, seed=0)
    port = serio("p")
    out = {}

    def task():
        serio_register_driver(serio_driver("no", "refuses", lambda s, d: -19, lambda s, d, f: IRQ_HANDLED))
        serio_register_port(port)
        out["ret"] = serio_interrupt(port, 0x10, 0)

    m.spawn(task)
    m.run()
    assert port.drv is None and out["ret"] == IRQ_NONE
