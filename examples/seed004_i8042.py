"""The i8042 keyboard controller's interrupt handler: read the status, read the data, hand it to serio, return.

Seed 004's "Code in action: Keyboard Controller Interrupt (i8042)", ported line by line from
drivers/input/serio/i8042.c i8042_interrupt() (the seed shows an abridged copy; the port keeps the
parts the seed elides: the i8042_lock, the "no data" exit with IRQ_NONE, the keyboard/aux port
choice and the filter hook) with a reduced atkbd as the serio driver above it.

It runs on the pc board booted with ``initcall_blacklist=i8042_init``, so the built-in i8042
driver stays out and this module drives the controller (irqlab/hw/i8042.py) on its edge-triggered
IO-APIC pin. Typing q, a and Enter gives one interrupt per scan code (make and break), each
turned into input events (what evtest would print). A stray edge with no byte in the output
buffer at 500 ms shows the handler's other exit: IRQ_RETVAL(0), IRQ_NONE.

Departure: on a PC the keyboard is on IRQ 1; the pc board wires the i8042 to GSI 25 to reproduce
seed 004's /proc/interrupts excerpt, so the port (like the seed) prints irq 25.
"""

from __future__ import annotations

from types import SimpleNamespace

import irqlab
from irqlab.hw.i8042 import I8042_DATA_REG, I8042_STATUS_REG
from irqlab.kernel import (
    DEFINE_SPINLOCK,
    EV_KEY,
    IRQ_HANDLED,
    IRQ_RETVAL,
    IRQF_SHARED,
    KERN_INFO,
    free_irq,
    inb,
    input_allocate_device,
    input_register_device,
    input_report_key,
    input_sync,
    input_unregister_device,
    ioremap,
    pr_err,
    printk,
    request_irq,
    serio,
    serio_driver,
    serio_get_drvdata,
    serio_interrupt,
    serio_register_driver,
    serio_register_port,
    serio_set_drvdata,
    serio_unregister_driver,
    serio_unregister_port,
    set_bit,
    spin_lock_irqsave,
    spin_unlock_irqrestore,
)
from irqlab.machine import Machine

SEED_SECTION = "004: Code in action: Keyboard Controller Interrupt (i8042)"
MODULE_NAME = "i8042"
pr_fmt = "i8042: "

I8042_COMMAND_REG = I8042_STATUS_REG
I8042_STR_OBF = 0x01
I8042_STR_AUXDATA = 0x20
I8042_STR_TIMEOUT = 0x40
I8042_STR_PARITY = 0x80
SERIO_TIMEOUT = 1 << 0
SERIO_PARITY = 1 << 1
I8042_KBD_PORT_NO = 0
I8042_AUX_PORT_NO = 1

# From the platform (ACPI/PNP on a PC): the controller's registers and its keyboard irq.
board: dict[str, object] = {}
I8042_KBD_IRQ = 0
i8042_base = None
i8042_notimeout = False
i8042_lock = DEFINE_SPINLOCK("i8042_lock")
i8042_platform_device = object()  # the dev_id: the kernel passes its platform device


class i8042_port:
    def __init__(self) -> None:
        self.serio: serio | None = None
        self.exists = False
        self.driver_bound = False


i8042_ports = [i8042_port(), i8042_port()]


def i8042_read_status() -> int:
    return inb(i8042_base + I8042_STATUS_REG)


def i8042_read_data() -> int:
    return inb(i8042_base + I8042_DATA_REG)


def i8042_filter(data: int, str_: int, serio_: serio | None) -> bool:
    """The platform filter hook (i8042_install_filter()); none is installed."""
    return False


def i8042_interrupt(irq: int, dev_id: object) -> int:
    ret = 1

    flags = spin_lock_irqsave(i8042_lock)

    str_ = i8042_read_status()  # 1. read the status register
    if ~str_ & I8042_STR_OBF:
        spin_unlock_irqrestore(i8042_lock, flags)
        # dbg("Interrupt %d, without any data\n", irq): a debug message, off by default
        ret = 0
        return IRQ_RETVAL(ret)

    data = i8042_read_data()  # 2. read the data

    dfl = (SERIO_PARITY if str_ & I8042_STR_PARITY else 0) | \
          (SERIO_TIMEOUT if str_ & I8042_STR_TIMEOUT and not i8042_notimeout else 0)  # fmt: skip

    port_no = I8042_AUX_PORT_NO if str_ & I8042_STR_AUXDATA else I8042_KBD_PORT_NO

    port = i8042_ports[port_no]
    serio_ = port.serio if port.exists else None

    filtered = i8042_filter(data, str_, serio_)

    spin_unlock_irqrestore(i8042_lock, flags)

    # 3. hand the byte to the input layer above (serio -> atkbd -> input core)
    if serio_ is not None and not filtered:
        serio_interrupt(serio_, data, dfl)

    return IRQ_RETVAL(ret)


# -- atkbd, reduced: scan code set 1 (translated) make/break codes to key events --------------------
def atkbd_interrupt(serio_: serio, data: int, flags: int) -> int:
    dev = serio_get_drvdata(serio_)
    input_report_key(dev, data & 0x7F, 0 if data & 0x80 else 1)
    input_sync(dev)
    return IRQ_HANDLED


def atkbd_connect(serio_: serio, drv: serio_driver) -> int:
    dev = input_allocate_device()
    if dev is None:
        return -12
    dev.name = "AT Translated Set 2 keyboard"
    dev.phys = f"{serio_.phys}/input0"
    dev.id.bustype = 0x11  # BUS_I8042
    set_bit(EV_KEY, dev.evbit)
    for code in range(1, 0x59):
        set_bit(code, dev.keybit)
    serio_set_drvdata(serio_, dev)
    return input_register_device(dev)


def atkbd_disconnect(serio_: serio) -> None:
    input_unregister_device(serio_get_drvdata(serio_))


atkbd_drv = serio_driver("atkbd", "AT and PS/2 keyboard driver", atkbd_connect, atkbd_interrupt, atkbd_disconnect)


# -- module init/exit (i8042_init -> i8042_probe, reduced to the keyboard port) ---------------------
def i8042_create_kbd_port() -> int:
    port = i8042_ports[I8042_KBD_PORT_NO]
    s = serio("i8042 KBD port", "isa0060/serio0")
    s.port_data = port
    port.serio = s
    return 0


def i8042_register_ports() -> None:
    port = i8042_ports[I8042_KBD_PORT_NO]
    s = port.serio
    assert s is not None
    printk(KERN_INFO + "serio: %s at %#lx,%#lx irq %d\n", s.name, I8042_DATA_REG, I8042_COMMAND_REG, I8042_KBD_IRQ)
    port.exists = True
    serio_register_port(s)
    port.driver_bound = s.drv is not None


def module_init() -> int:
    global I8042_KBD_IRQ, i8042_base
    I8042_KBD_IRQ = int(board["irq"])  # type: ignore[call-overload]
    i8042_base = ioremap(board["controller"])
    i8042_ports[:] = [i8042_port(), i8042_port()]
    serio_register_driver(atkbd_drv)
    i8042_create_kbd_port()
    error = request_irq(I8042_KBD_IRQ, i8042_interrupt, IRQF_SHARED, "i8042", i8042_platform_device)
    if error:
        pr_err("Can't get irq %d for %s, unregistering the port.\n", I8042_KBD_IRQ, "KBD")
        return error
    i8042_register_ports()
    return 0


def module_exit() -> None:
    port = i8042_ports[I8042_KBD_PORT_NO]
    if port.serio is not None:
        serio_unregister_port(port.serio)
        port.exists = False
    free_irq(I8042_KBD_IRQ, i8042_platform_device)
    serio_unregister_driver(atkbd_drv)


def main(seed: int = 1) -> Machine:
    """q at 100 ms, a at 250 ms, Enter at 400 ms (held 80 ms each); a stray edge at 500 ms."""
    from irqlab.boards.pc import I8042_GSI

    m = irqlab.boot("pc", seed=seed, cmdline="initcall_blacklist=i8042_init",
                    trace=["irq_handler_entry", "irq_handler_exit"])  # fmt: skip
    kbd = m.kernel.subsys["pc_i8042"]
    board.update(controller=kbd, irq=I8042_GSI)
    m.insmod(SimpleNamespace(**globals()))  # insmod this file
    for key, t in (("q", "100ms"), ("a", "250ms"), ("enter", "400ms")):
        kbd.key(key, at=t)
    m.at("500ms", kbd.line.pulse)
    m.run(until="600ms")
    dev = serio_get_drvdata(i8042_ports[I8042_KBD_PORT_NO].serio)  # type: ignore[arg-type]
    shown["evtest"] = "".join(str(e) + "\n" for e in dev.events)
    shown["/proc/interrupts"] = "".join(r + "\n" for r in m.read("/proc/interrupts").splitlines()[:3])
    m.rmmod(MODULE_NAME)
    return m


shown: dict[str, str] = {}


def report(m: Machine) -> str:
    """The key events the input device delivered and the head of /proc/interrupts."""
    return "".join(f"--- {what} ---\n{text}" for what, text in shown.items())


if __name__ == "__main__":
    print(main().dmesg() + report(None), end="")  # type: ignore[arg-type]
