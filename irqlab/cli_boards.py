"""``irqlab boards``: the boards irqlab simulates, read from each board booted once (nothing is typed twice)."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass

import irqlab
from irqlab.boards import BOARDS


@dataclass(frozen=True)
class BoardInfo:
    """What ``irqlab boards`` lists about one board."""

    name: str
    model: str
    arch: str
    cpus: int
    hz: int
    preempt: str
    release: str
    #: The interrupt controllers' irq domains as "name (N hwirqs)", in registration order.
    controllers: tuple[str, ...]
    #: Each GPIO chip: label, lines, legacy base and its named (header) lines; "none" without a GPIO block.
    gpio: str


def board_info(name: str) -> BoardInfo:
    """Boot board ``name`` with its defaults and read its CPUs, HZ, preemption model, domains and GPIOs."""

    m = irqlab.boot(name, seed=0)
    k = m.kernel
    domains = k.subsys["irq"].domains if "irq" in k.subsys else []
    controllers = tuple(f"{d.name} ({d.hwirq_max} hwirqs)" for d in domains)
    chips = []
    for dev in (k.subsys.get("gpio") or {}).get("devices", []):
        chip = dev.chip
        # Named lines are the board's connector (the device tree's gpio-line-names): the Pi 5's 40-pin header.
        named = [i for i, n in enumerate(chip.names or []) if n]
        header = f", header: GPIO{named[0]}-{named[-1]} ({len(named)} named lines)" if named else ""
        chips.append(f"{chip.label} GPIO0-{dev.ngpio - 1} (base {dev.base}{header})")
    gpio = "; ".join(chips) or "none"
    b = k.board
    return BoardInfo(b.name, b.model, b.arch, len(k.cpus), k.hz, k.preempt_model, b.release, controllers, gpio)


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``irqlab boards``."""
    sp = sub.add_parser("boards", help="list the boards: CPUs, HZ, preemption, interrupt controllers, GPIOs")
    sp.add_argument("--plain", action="store_true", help="plain lines: no colours or tables")


def format_plain(infos: list[BoardInfo]) -> str:
    """One block per board, ``key: value`` lines."""
    out = []
    for i in infos:
        out.append(f"{i.name}: {i.model}")
        out.append(f"  arch: {i.arch}, kernel {i.release}")
        out.append(f"  CPUs: {i.cpus}  HZ: {i.hz}  preempt: {i.preempt}")
        out.append(f"  interrupt controllers: {', '.join(i.controllers) or 'none'}")
        out.append(f"  GPIO: {i.gpio}")
    return "\n".join(out) + "\n"


def run(args: argparse.Namespace) -> int:
    """Print the boards (the default first); returns 0."""
    infos = [board_info(n) for n in sorted(BOARDS, key=lambda n: (n != "rpi5", n))]
    if args.plain:
        sys.stdout.write(format_plain(infos))
        return 0
    from rich.console import Console
    from rich.table import Table

    t = Table(title="irqlab boards (irqlab.boot(name) / irqlab run --board name)")
    for col in ("board", "model", "CPUs", "HZ", "preempt", "interrupt controllers", "GPIO"):
        t.add_column(col, justify="right" if col in ("CPUs", "HZ") else "left")
    for i in infos:
        t.add_row(i.name, i.model, str(i.cpus), str(i.hz), i.preempt, "\n".join(i.controllers), i.gpio)
    Console(soft_wrap=True).print(t)
    return 0
