"""``--trace OUT``, ``--events LIST`` and ``--vcd OUT`` for ``irqlab run`` and ``irqlab demo``.

Every machine the scenario boots records the chosen events (all 6.12 events by default) from its
first instant and streams them to OUT (format by suffix: .dat, .perfetto-trace, .json, .txt), and
records its GPIO pins and interrupt lines for the VCD. A scenario that boots several machines
writes OUT for the first and OUT-2, OUT-3... for the next ones.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from irqlab import machine
from irqlab.trace.save import format_for


def add_arguments(sp: argparse.ArgumentParser) -> None:
    """The recording options of a subcommand."""
    sp.add_argument("--trace", metavar="OUT", help="record trace events into OUT: trace.dat (trace-cmd, KernelShark), "
                    ".perfetto-trace (ui.perfetto.dev), .json (Chrome JSON) or .txt (the kernel's trace text)")  # fmt: skip
    sp.add_argument("--events", metavar="LIST", help="systems or events to record, e.g. irq,sched,workqueue "
                    "(default: every 6.12 event; irqlab's own instrumentation with 'irqlab')")  # fmt: skip
    sp.add_argument("--vcd", metavar="OUT", help="record GPIO pins and interrupt lines into a VCD file (GTKWave, PulseView)")


def _nth(path: str, n: int) -> str:
    if n == 1:
        return path
    for suffix in (".perfetto-trace", ".dat", ".json", ".txt", ".vcd"):
        if path.endswith(suffix):
            return f"{path[: -len(suffix)]}-{n}{suffix}"
    root, ext = os.path.splitext(path)
    return f"{root}-{n}{ext}"


@contextmanager
def recording(args: argparse.Namespace) -> Iterator[None]:
    """Record every machine booted inside the block; write the files when it ends."""
    if args.events and not args.trace:
        print("irqlab: --events chooses what --trace OUT records; add --trace OUT", file=sys.stderr)
        raise SystemExit(2)
    if args.trace:
        try:
            format_for(args.trace, None)
        except ValueError as e:
            print(f"irqlab: --trace: {e}", file=sys.stderr)
            raise SystemExit(2) from None
    if args.vcd and not args.vcd.endswith(".vcd"):
        print(f"irqlab: --vcd {args.vcd!r}: name the file .vcd", file=sys.stderr)
        raise SystemExit(2)
    writers: list[tuple[Any, Any, str]] = []
    vcds: list[tuple[Any, str]] = []

    def hook(m: Any) -> None:
        if args.trace:
            try:
                m.trace.enable(args.events or "*")
            except ValueError as e:
                print(f"irqlab: --events: {e}", file=sys.stderr)
                raise SystemExit(2) from None
            path = _nth(args.trace, len(writers) + 1)
            w = m.trace.writer(path)
            m.trace.add_sink(w.add)
            writers.append((m, w, path))
        if args.vcd:
            vcds.append((m.vcd, _nth(args.vcd, len(vcds) + 1)))

    machine.boot_hooks.append(hook)
    try:
        yield
    finally:
        machine.boot_hooks.remove(hook)
        for m, w, path in writers:
            m.trace.remove_sink(w.add)
            w.close()
            print(f"irqlab: wrote {w.count} trace events to {path}", file=sys.stderr)
        for rec, path in vcds:
            n = rec.save(path)
            print(f"irqlab: wrote {n} signals to {path}", file=sys.stderr)
