"""Seed 003, "Basic Handler Structure": examples/seed003_basic_handler.py."""

import importlib.util
import pathlib

US = 1_000


def _example():
    path = pathlib.Path(__file__).resolve().parents[2] / "examples" / "seed003_basic_handler.py"
    spec = importlib.util.spec_from_file_location("seed003_basic_handler", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_read_check_clear_handle_for_rx_tx_and_overrun():
    """Each received byte is one interrupt (RX_READY latches per byte), the driver's "ok\\n" gives one TX_EMPTY, and 40 bytes sent while IRQs are off for 5 ms fill the 16-byte FIFO: one interrupt reports RX and ERROR."""
    ex = _example()
    m = ex.main(1)
    msgs = [r.text for r in m.kernel.log.records if r.text.startswith("my_uart: ") and "taints" not in r.text]
    assert msgs == [
        "my_uart: irq 14 requested",
        "my_uart: tx: transmitter empty",
        *[f"my_uart: rx: 1 byte(s) '{c}'" for c in "hello"],
        "my_uart: rx: 16 byte(s) 'xxxxxxxxxxxxxxxx'",
        "my_uart: rx overrun: 24 byte(s) lost so far",
        "my_uart: received 21 byte(s), 1 TX-empty and 1 error interrupt(s)",
    ]
    entries = [e for e in m.trace.events("irq_handler_entry") if e["name"] == "my_uart"]
    # "hello" at 115200 baud: one character (10 bits) every 86.806 us, rounded up to 86807 ns.
    # The handler runs within 2 us of each byte's arrival.
    assert all(0 < e.ts - (2_000_000 + i * 86_807) < 2 * US for i, e in enumerate(entries[1:6]))
    # The overrun interrupt is taken the moment the irqsoff thread re-enables interrupts (5 ms after 20 ms).
    assert 25_000_000 <= entries[6].ts < 25_000_000 + 10 * US
    assert [e["ret"] for e in m.trace.events("irq_handler_exit")][-7:] == ["handled"] * 7


def test_proc_interrupts_row_while_loaded():
    """/proc/interrupts shows the level-triggered SPI 33 (GIC hwirq 65) with its 7 interrupts and the name."""
    ex = _example()
    ex.main(1)
    row = [r for r in ex.report(None).splitlines() if r.endswith("my_uart")]
    assert row == [" 14:          7     GICv2  65 Level     my_uart"]
