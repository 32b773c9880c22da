"""libgpiod's tools on the GPIO character device: gpiodetect, gpioinfo, gpioget, gpioset, gpiomon.

The syntax and output are libgpiod 2.2's (tools/*.c). A line given the 1.x way, a chip then offsets
(``gpioset gpiochip0 17=0``, as older tutorials write it), runs with 1.6's behaviour and output
instead: ``gpioset`` sets the value and exits at once (``--mode=exit``), ``gpioget`` prints bare
values, ``gpiomon`` prints ``event:  RISING EDGE offset: 17 timestamp: [...]`` lines.
"""

from __future__ import annotations

import os
import re

from irqlab.drivers.gpio.gpiolib import gpio_device
from irqlab.drivers.gpio.gpiolib_cdev import (
    RISING_EDGE,
    chip_by_id,
    get_line_info,
    gpio_devices,
    linereq_create,
    linereq_release,
)
from irqlab.kernel.sched.wait import wait_event_interruptible
from irqlab.userspace.shell.process import Proc

#: Values gpioset accepts (tools-common.c parse_line_values / 1.6's plain 0 and 1).
VALUES = {"1": 1, "0": 0, "active": 1, "inactive": 0, "on": 1, "off": 0, "true": 1, "false": 0}


class ToolError(Exception):
    """A tool's die(): "<prog>: <message>" on stderr, exit status 1."""


def _die(p: Proc, msg: str, errno_: int | None = None) -> int:
    p.err(f"{p.argv[0]}: {msg}" + (f": {os.strerror(errno_)}" if errno_ else "") + "\n")
    return 1


def _is_chip(arg: str) -> bool:
    return chip_by_id(arg) is not None


def _v1_syntax(opts: dict[str, str], pos: list[str], with_values: bool) -> bool:
    """A chip followed by offsets (or offset=value pairs), no -c: libgpiod 1.x's command line."""
    if "-c" in opts or "--chip" in opts or len(pos) < 2 or not _is_chip(pos[0]):
        return False
    pat = r"\d+=\S+" if with_values else r"\d+"
    return all(re.fullmatch(pat, a) for a in pos[1:])


def _split_opts(args: list[str], with_arg: set[str]) -> tuple[dict[str, str], list[str]]:
    """getopt-style split: ({option: value}, positionals). Long options may use --opt=value."""
    opts: dict[str, str] = {}
    pos: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        if a.startswith("--") and len(a) > 2:
            key, eq, val = a.partition("=")
            if key in with_arg and not eq:
                i += 1
                val = args[i] if i < len(args) else ""
            opts[key] = val
        elif a.startswith("-") and len(a) > 1 and not a[1:].isdigit():
            key = a[:2]
            if key in with_arg:
                val = a[2:] or (args[i + 1] if i + 1 < len(args) else "")
                i += 0 if a[2:] else 1
                opts[key] = val
            else:
                for c in a[1:]:
                    opts["-" + c] = ""
        else:
            pos.append(a)
        i += 1
    return opts, pos


def _resolve(p: Proc, chip_id: str | None, specs: list[str]) -> list[tuple[gpio_device, int]]:
    """libgpiod 2's line resolution: names across all chips, or offsets on the chip given with -c."""
    chips = gpio_devices()
    if chip_id is not None:
        gdev = chip_by_id(chip_id)
        if gdev is None:
            raise ToolError(f"cannot find GPIO chip character device '{chip_id}'")
        chips = [gdev]
    found = []
    for spec in specs:
        hit = None
        for gdev in chips:
            if chip_id is not None and spec.isdigit():
                if int(spec) >= gdev.ngpio:
                    raise ToolError(f"offset {spec} is out of range on chip '{gdev.name}'")
                hit = (gdev, int(spec))
                break
            for desc in gdev.descs:
                if desc.name == spec:
                    hit = (gdev, desc.offset)
                    break
            if hit:
                break
        if hit is None:
            raise ToolError(f"cannot find line '{spec}'")
        found.append(hit)
    return found


def _lines(p: Proc, opts: dict[str, str], pos: list[str]) -> list[tuple[gpio_device, int]] | int:
    """The lines named on the command line (2.x), or the tool's exit status after its message."""
    if not pos:
        return _die(p, "at least one GPIO line must be specified")
    try:
        return _resolve(p, opts.get("-c", opts.get("--chip")), pos)
    except ToolError as e:
        return _die(p, str(e))


# -- gpiodetect ---------------------------------------------------------------------------
def gpiodetect(p: Proc) -> int:
    """gpiodetect [chip]...: "gpiochip0 [pinctrl-rp1] (54 lines)"."""
    _, pos = _split_opts(p.argv[1:], set())
    chips = gpio_devices()
    if pos:
        chips = []
        for arg in pos:
            gdev = chip_by_id(arg)
            if gdev is None:
                return _die(p, f"cannot find GPIO chip character device '{arg}'")
            chips.append(gdev)
    for gdev in chips:
        p.out(f"{gdev.name} [{gdev.chip.label}] ({gdev.ngpio} lines)\n")
    return 0


# -- gpioinfo -----------------------------------------------------------------------------
def _prinfo(width: int, text: str, state: list[bool]) -> str:
    """gpioinfo 1.6's prinfo(): right-aligned in ``width``, unpadded once a field has overflowed."""
    if len(text) - 1 >= width or state[0]:
        state[0] = True
        return text
    return f"{text:>{width}}"


def _v1_line(gdev: gpio_device, offset: int) -> str:
    info = get_line_info(gdev, offset)
    of = [False]
    out = "\tline " + _prinfo(3, str(offset), of) + ": "
    out += _prinfo(12, f'"{info.name}"' if info.name else "unnamed", of) + " "
    out += _prinfo(12, "unused" if not info.used else (f'"{info.consumer}"' if info.consumer else "kernel"), of) + " "
    out += _prinfo(8, ("output" if info.output else "input") + " ", of)
    out += _prinfo(13, ("active-low" if info.active_low else "active-high") + " ", of)
    if info.used:
        out += "[used]"
    return out + "\n"


def _v2_attrs(gdev: gpio_device, offset: int, unquoted: bool) -> str:
    """print_line_attributes(): direction, active-low, edges, consumer."""
    info = get_line_info(gdev, offset)
    out = "output" if info.output else "input"
    if info.active_low:
        out += " active-low"
    if info.edge:
        out += f" edges={info.edge}"
    if info.used:
        consumer = info.consumer or "kernel"
        out += f" consumer={consumer}" if unquoted else f' consumer="{consumer}"'
    return out


def _v2_name(gdev: gpio_device, offset: int, unquoted: bool) -> str:
    """print_line_info()'s name column: "%-16s\\t", quoted when it fits."""
    name = gdev.descs[offset].name
    if name is None:
        return f"{'unnamed':<16}\t"
    if unquoted:
        return f"{name:<16}\t"
    return f'{chr(34) + name + chr(34):<16}\t' if len(name) <= 14 else f'"{name}"\t'


def gpioinfo(p: Proc) -> int:
    """gpioinfo [-c chip] [--unquoted] [line]... (and 1.6's gpioinfo <chip>...)."""
    opts, pos = _split_opts(p.argv[1:], {"-c", "--chip"})
    unquoted = "--unquoted" in opts
    chip_id = opts.get("-c", opts.get("--chip"))
    if chip_id is None and pos and all(_is_chip(a) for a in pos):
        for arg in pos:  # 1.6: gpioinfo gpiochip0
            gdev = chip_by_id(arg)
            assert gdev is not None
            p.out(f"{gdev.name} - {gdev.ngpio} lines:\n" + "".join(_v1_line(gdev, o) for o in range(gdev.ngpio)))
        return 0
    try:
        if pos:
            for gdev, off in _resolve(p, chip_id, pos):
                p.out(f"{gdev.name} {off}\t{_v2_name(gdev, off, unquoted)}{_v2_attrs(gdev, off, unquoted)}\n")
            return 0
        chips = [chip_by_id(chip_id)] if chip_id is not None else gpio_devices()
        if chips[0] is None:
            raise ToolError(f"cannot find GPIO chip character device '{chip_id}'")
    except ToolError as e:
        return _die(p, str(e))
    for gdev in chips:
        assert gdev is not None
        p.out(f"{gdev.name} - {gdev.ngpio} lines:\n")
        for off in range(gdev.ngpio):
            p.out(f"\tline {off:3d}:\t{_v2_name(gdev, off, unquoted)}{_v2_attrs(gdev, off, unquoted)}\n")
    return 0


# -- gpioget ------------------------------------------------------------------------------
def gpioget(p: Proc) -> int:
    """gpioget [-c chip] [-l] [--numeric] [--unquoted] line... (1.6: gpioget <chip> <offset>...)."""
    args = p.argv[1:]
    opts, pos = _split_opts(args, {"-c", "--chip", "-C", "--consumer", "-p", "--hold-period"})
    low = "-l" in opts or "--active-low" in opts
    if _v1_syntax(opts, pos, with_values=False):
        gdev = chip_by_id(pos[0])
        assert gdev is not None
        req = linereq_create(gdev, [int(o) for o in pos[1:]], "gpioget", active_low=low)
        if isinstance(req, int):
            return _die(p, "error reading GPIO values", -req)
        values = req.get_values()
        linereq_release(req)
        p.out(" ".join(str(v) for v in values) + "\n")
        return 0
    lines = _lines(p, opts, pos)
    if isinstance(lines, int):
        return lines
    values = []
    for gdev, off in lines:
        req = linereq_create(gdev, [off], opts.get("-C", opts.get("--consumer", "gpioget")), active_low=low,
                             as_is="-a" in opts or "--as-is" in opts)  # fmt: skip
        if isinstance(req, int):
            return _die(p, "unable to request lines", -req)
        values.append(req.get_values()[0])
        linereq_release(req)
    if "--numeric" in opts:
        p.out(" ".join(str(v) for v in values) + "\n")
    else:
        fmt = "{}={}" if "--unquoted" in opts else '"{}"={}'
        p.out(" ".join(fmt.format(spec, "active" if v else "inactive") for spec, v in zip(pos, values)) + "\n")
    return 0


# -- gpioset ------------------------------------------------------------------------------
def _period_ns(text: str) -> int | None:
    """parse_period(): milliseconds unless a unit is given ('us', 'ms', 's', 'm')."""
    m = re.fullmatch(r"(\d+)(us|ms|s|m)?", text)
    if not m:
        return None
    unit = {"us": 1_000, "ms": 1_000_000, "s": 1_000_000_000, "m": 60_000_000_000, None: 1_000_000}[m.group(2)]
    return int(m.group(1)) * unit


def gpioset(p: Proc) -> int:
    """gpioset [-c chip] [-l] [-t periods] [-p hold] line=value... (1.6: gpioset <chip> <offset>=<value>...).

    2.x holds the lines until killed (or toggles them with -t); 1.6 sets them and exits. May sleep."""
    args = p.argv[1:]
    opts, pos = _split_opts(args, {"-c", "--chip", "-C", "--consumer", "-p", "--hold-period", "-t", "--toggle",
                                   "-m", "--mode", "-s", "--sec", "-u", "--usec"})  # fmt: skip
    low = "-l" in opts or "--active-low" in opts
    if _v1_syntax(opts, pos, with_values=True):
        gdev = chip_by_id(pos[0])
        assert gdev is not None
        offsets: list[int] = []
        values: list[int] = []
        for pair in pos[1:]:
            offset, _, val = pair.partition("=")
            if val not in ("0", "1"):
                return _die(p, f"invalid offset<->value mapping: {pair}")
            offsets.append(int(offset))
            values.append(int(val))
        mode = opts.get("-m", opts.get("--mode", "exit"))
        if mode not in ("exit", "wait", "time", "signal"):
            return _die(p, f"invalid mode: {mode}")
        req = linereq_create(gdev, offsets, "gpioset", output=values, active_low=low)
        if isinstance(req, int):
            return _die(p, "error setting the GPIO line values", -req)
        try:
            if mode == "time":
                p.sleep(int(opts.get("-s", opts.get("--sec", "0"))) * 10**9
                        + int(opts.get("-u", opts.get("--usec", "0"))) * 1000)  # fmt: skip
            elif mode in ("wait", "signal"):
                while True:
                    p.sleep(10**9)
        finally:
            linereq_release(req)
        return 0
    if not pos:
        return _die(p, "at least one GPIO line value must be specified")
    specs: list[str] = []
    values = []
    for pair in pos:
        name, eq, val = pair.partition("=")
        if not eq or val.lower() not in VALUES:
            return _die(p, f"invalid line value: '{pair}'")
        specs.append(name)
        values.append(VALUES[val.lower()])
    try:
        lines = _resolve(p, opts.get("-c", opts.get("--chip")), specs)
    except ToolError as e:
        return _die(p, str(e))
    periods = []
    for t in filter(None, opts.get("-t", opts.get("--toggle", "")).split(",")):
        ns = _period_ns(t)
        if ns is None:
            return _die(p, f"invalid period: {t}")
        periods.append(ns)
    reqs = []
    try:
        for (gdev, off), value in zip(lines, values):
            req = linereq_create(gdev, [off], opts.get("-C", opts.get("--consumer", "gpioset")), output=[value],
                                 active_low=low)  # fmt: skip
            if isinstance(req, int):
                return _die(p, f"unable to request lines on chip '/dev/{gdev.name}'", -req)
            reqs.append(req)
        hold = opts.get("-p", opts.get("--hold-period"))
        if hold is not None:
            ns = _period_ns(hold)
            if ns is None:
                return _die(p, f"invalid period: {hold}")
            p.sleep(ns)
        if len(periods) == 1 and periods[0] == 0:
            return 0  # -t0: set, then exit
        i = 0
        while True:
            if periods:
                p.sleep(periods[i % len(periods)])
                values = [1 - v for v in values]
                for req, v in zip(reqs, values):
                    req.set_values([v])
                i += 1
                if i == len(periods) and periods[-1] == 0:
                    return 0
            else:
                p.sleep(10**9)
    finally:
        for req in reqs:
            linereq_release(req)


# -- gpiomon ------------------------------------------------------------------------------
def gpiomon(p: Proc) -> int:
    """gpiomon [-c chip] [-e edges] [-n num] [--banner] [-q] line... (1.6: gpiomon [-r|-f] <chip> <offset>...).

    Prints each edge as it happens, with its CLOCK_MONOTONIC timestamp. May sleep; runs until killed
    or -n events."""
    args = p.argv[1:]
    opts, pos = _split_opts(args, {"-c", "--chip", "-C", "--consumer", "-e", "--edges", "-n", "--num-events",
                                   "-F", "--format", "-p", "--debounce-period", "-E", "--event-clock"})  # fmt: skip
    low = "-l" in opts or "--active-low" in opts
    num = opts.get("-n", opts.get("--num-events"))
    limit = int(num) if num and num.isdigit() else None
    v1 = _v1_syntax(opts, pos, with_values=False)
    if v1:
        gdev = chip_by_id(pos[0])
        assert gdev is not None
        lines = [(gdev, int(o)) for o in pos[1:]]
        rising, falling = "-r" in opts or "--rising-edge" in opts, "-f" in opts or "--falling-edge" in opts
        edge = "rising" if rising and not falling else ("falling" if falling and not rising else "both")
    else:
        found = _lines(p, opts, pos)
        if isinstance(found, int):
            return found
        lines = found
        edge = opts.get("-e", opts.get("--edges", "both"))
        if edge not in ("both", "rising", "falling"):
            return _die(p, f"invalid edge: {edge}")
    reqs = []
    try:
        for gdev, off in lines:
            req = linereq_create(gdev, [off], opts.get("-C", opts.get("--consumer", "gpiomon")), edge=edge,
                                 active_low=low)  # fmt: skip
            if isinstance(req, int):
                msg = "error waiting for events" if v1 else f"unable to request lines on chip '/dev/{gdev.name}'"
                return _die(p, msg, -req)
            reqs.append(req)
        if "--banner" in opts and not v1:
            names = pos
            p.out(f"Monitoring line '{names[0]}'...\n" if len(names) == 1 else
                  "Monitoring lines " + ", ".join(f"'{n}'" for n in names[:-1]) + f" and '{names[-1]}'...\n")  # fmt: skip
        # One task reads every request, as poll(2) on their files would: they share one wait queue.
        for req in reqs[1:]:
            req.wait = reqs[0].wait
        seen = 0
        while limit is None or seen < limit:
            wait_event_interruptible(reqs[0].wait, lambda: bool(p.job.killed) or any(r.events for r in reqs))
            p.check_killed()
            ready = next(r for r in reqs if r.events)
            ev = ready.events.popleft()
            seen += 1
            if "-q" in opts or "--quiet" in opts or ("-s" in opts and v1):
                continue
            secs, ns = divmod(ev.timestamp_ns, 10**9)
            gdev = ready.gdev
            if v1:
                name = " RISING EDGE" if ev.id == RISING_EDGE else "FALLING EDGE"
                p.out(f"event: {name} offset: {ev.offset} timestamp: [{secs:8d}.{ns:09d}]\n")
            else:
                desc = gdev.descs[ev.offset]
                chip_given = opts.get("-c", opts.get("--chip")) is not None
                if desc.name is None:
                    ident = f"{gdev.name} {ev.offset}"
                else:
                    ident = (f"{gdev.name} {ev.offset} " if chip_given else "") + (
                        desc.name if "--unquoted" in opts else f'"{desc.name}"')
                kind = "rising" if ev.id == RISING_EDGE else "falling"
                p.out(f"{secs}.{ns:09d}\t{kind}\t{ident}\n")
        return 0
    finally:
        for req in reqs:
            linereq_release(req)


COMMANDS = {"gpiodetect": gpiodetect, "gpioinfo": gpioinfo, "gpioget": gpioget, "gpioset": gpioset,
            "gpiomon": gpiomon}  # fmt: skip
