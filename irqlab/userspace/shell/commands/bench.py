"""``irqlab-hw``: the lab bench beside the board. Not a Raspberry Pi OS command: it reaches the
simulated hardware wired to the header (buttons, LEDs) the way a hand on the bench would, so a
shell session can press the button a driver waits for.

    irqlab-hw                                   list what is wired
    irqlab-hw button GPIO17                     wire a button there (if none is) and show its state
    irqlab-hw button GPIO17 click [HOLD]        press, hold (default 150ms), release (with bounce)
    irqlab-hw button GPIO17 press | release
    irqlab-hw button GPIO17 hammer [GAP] [COUNT]  COUNT presses (default 10), GAP apart on average
    irqlab-hw led GPIO4                         the LED's state and how often it changed
"""

from __future__ import annotations

import re

from irqlab.sim import to_ns
from irqlab.userspace.shell.process import Proc

USAGE = ("usage: irqlab-hw [button GPIO<n> click [HOLD] | press | release | hammer [GAP] [COUNT]]"
         " | [led GPIO<n>]\n")  # fmt: skip


def _gpio(arg: str) -> int | None:
    m = re.fullmatch(r"(?:GPIO)?(\d+)", arg, re.I)
    return int(m.group(1)) if m else None


def irqlab_hw(p: Proc) -> int:
    """Drive the bench hardware; actions happen now, in simulated time."""
    m = p.shell.m
    args = p.argv[1:]
    wired = m.__dict__.get("_wired", {})
    if not args:
        for (kind, gpio), part in sorted(wired.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            p.out(f"GPIO{gpio}\t{kind}\t{part!r}\n")
        return 0
    if len(args) < 2 or args[0] not in ("button", "led") or _gpio(args[1]) is None:
        p.err(USAGE)
        return 2
    gpio = _gpio(args[1])
    assert gpio is not None
    if args[0] == "led":
        led = m.led(gpio)
        p.out(f"GPIO{gpio} LED {'on' if led.on else 'off'}, {max(0, len(led.timeline) - 1)} changes\n")
        return 0
    btn = wired.get(("button", gpio)) or m.button(gpio)
    if len(args) == 2:
        p.out(f"GPIO{gpio} button {'pressed' if btn.pressed else 'released'}, {btn.press_count} presses\n")
        return 0
    action = args[2]
    now = p.now()
    try:
        if action == "click":
            btn.click(at=now, hold=args[3] if len(args) > 3 else "150ms")
        elif action == "press":
            btn.press(at=now)
        elif action == "release":
            btn.release(at=now)
        elif action == "hammer":
            gap = args[3] if len(args) > 3 else "20ms"
            count = int(args[4]) if len(args) > 4 else 10
            btn.random_presses(start=now, count=count, mean_gap=gap, hold=("5ms", to_ns(gap)))
        else:
            p.err(USAGE)
            return 2
    except ValueError as e:
        p.err(f"irqlab-hw: {e}\n")
        return 1
    return 0


COMMANDS = {"irqlab-hw": irqlab_hw}
