"""Seed 003, "Handler Rules - What You MUST Do": examples/seed003_must_do.py."""

import importlib.util
import pathlib

MS = 1_000_000


def _example():
    path = pathlib.Path(__file__).resolve().parents[2] / "examples" / "seed003_must_do.py"
    spec = importlib.util.spec_from_file_location("seed003_must_do", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_every_handler_on_the_shared_line_runs_and_only_the_owner_claims():
    """Both actions run on each interrupt in request order (handle.c calls every action); the device that did not interrupt answers IRQ_NONE, the owner acks and answers IRQ_HANDLED; both together at 6 ms are one interrupt."""
    ex = _example()
    m = ex.main(1)
    irq = ex.board["irq"]
    entries = [e for e in m.trace.events("irq_handler_entry") if e["irq"] == irq]
    exits = [e for e in m.trace.events("irq_handler_exit") if e["irq"] == irq]
    assert [(e.ts // MS, e["name"], x["ret"]) for e, x in zip(entries, exits)] == [
        (1, "good_dev0", "handled"), (1, "good_dev1", "unhandled"),
        (2, "good_dev0", "unhandled"), (2, "good_dev1", "handled"),
        (3, "good_dev0", "handled"), (3, "good_dev1", "unhandled"),
        (4, "good_dev0", "unhandled"), (4, "good_dev1", "handled"),
        (5, "good_dev0", "handled"), (5, "good_dev1", "unhandled"),
        (6, "good_dev0", "handled"), (6, "good_dev1", "handled"),
    ]  # fmt: skip
    # MUST be fast: two MMIO reads and one write (100 + 100 + 50 ns on the generic board) per handler.
    assert all(x.ts - e.ts <= 1_000 for e, x in zip(entries, exits))
    assert m.dmesg_lines()[-2:] == ["good_dev: good_dev1: 3 interrupt(s) handled", "good_dev: good_dev0: 4 interrupt(s) handled"]


def test_proc_shows_one_row_with_both_names_and_no_unhandled_interrupts():
    """/proc/interrupts lists both actions on the row; a line-level IRQ_NONE never happened, so spurious is 0."""
    ex = _example()
    ex.main(1)
    rows = [r for r in ex.shown["/proc/interrupts"].splitlines() if r.endswith("good_dev0, good_dev1")]
    assert rows == [" 14:          6          0     GICv2  72 Level     good_dev0, good_dev1"]
    assert ex.shown["/proc/irq/14/spurious"].startswith("count 6\nunhandled 0\n")
