"""Seed 003, "Checking Interrupt Source": examples/seed003_check_source.py."""

import importlib.util
import pathlib

MS = 1_000_000


def _example():
    path = pathlib.Path(__file__).resolve().parents[2] / "examples" / "seed003_check_source.py"
    spec = importlib.util.spec_from_file_location("seed003_check_source", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_each_cause_is_cleared_and_handled_on_its_own_and_the_quiet_uart_says_irq_none():
    """uart1's TX_INT, uart0's four RX_INTs, then uart1's RX_INT+ERR_INT in one interrupt (16 bytes kept, 14 of 30 lost while IRQs were off 4 ms); on each interrupt the other UART's handler returns IRQ_NONE."""
    ex = _example()
    m = ex.main(1)
    msgs = [r.text for r in m.kernel.log.records if r.text.startswith("my_uarts: ") and "taints" not in r.text]
    assert msgs == [
        "my_uarts: uart1: tx done",
        *["my_uarts: uart0: rx 1 byte(s)"] * 4,
        "my_uarts: uart1: rx 16 byte(s)",
        "my_uarts: uart1: overrun, 14 byte(s) lost",
        "my_uarts: uart1: received '0123456789012345'",
        "my_uarts: uart0: received 'ping'",
    ]
    irq = ex.board["irq"]
    ent = [e for e in m.trace.events("irq_handler_entry") if e["irq"] == irq]
    ext = [e for e in m.trace.events("irq_handler_exit") if e["irq"] == irq]
    pairs = [(e["name"], x["ret"]) for e, x in zip(ent, ext)]
    assert pairs == [("uart0", "unhandled"), ("uart1", "handled")] + [("uart0", "handled"), ("uart1", "unhandled")] * 4 \
        + [("uart0", "unhandled"), ("uart1", "handled")]
    assert 14 * MS < ent[-1].ts < 14 * MS + 10_000  # taken when the irqsoff thread re-enables interrupts
    row = [r for r in ex.shown["/proc/interrupts"].splitlines() if r.endswith("uart0, uart1")]
    assert row == [" 14:          6     GICv2  67 Level     uart0, uart1"]
