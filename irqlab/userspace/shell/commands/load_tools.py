"""Load and scheduling tools: stress-ng (0.15.06, Debian bookworm's), util-linux's taskset and chrt,
coreutils' nice. Their children inherit the scheduling attributes, as fork()+exec() keeps them.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import partial

from irqlab.errno import ESRCH
from irqlab.kernel.sched.core import POLICY_NAMES
from irqlab.userspace import syscalls as sc
from irqlab.userspace.shell.process import Proc, SchedAttrs, execve, set_sched_attrs
from irqlab.userspace.stress import STRESSORS, VM_BYTES, stressor


def _cpu_list(text: str, ncpus: int) -> int | None:
    """A cpu list ("0-2,3") as a mask, or None if it names no CPU of this machine."""
    mask = 0
    for part in text.split(","):
        m = re.fullmatch(r"(\d+)(?:-(\d+))?", part.strip())
        if not m:
            return None
        lo, hi = int(m.group(1)), int(m.group(2) or m.group(1))
        for c in range(lo, hi + 1):
            mask |= 1 << c
    return mask if mask and mask < 1 << ncpus else None


def _exec(p: Proc, argv: list[str], attrs: SchedAttrs) -> int:
    """sched_setattr() on this task, then execvp(): the command runs in the same task, with the new
    attributes. 127 and the tool's message when there is no such command."""
    cmd = p.shell.commands.get(argv[0].rsplit("/", 1)[-1])
    if cmd is None:
        tool = p.argv[0]
        p.err(f"nice: '{argv[0]}': No such file or directory\n" if tool == "nice"
              else f"{tool}: failed to execute {argv[0]}: No such file or directory\n")  # fmt: skip
        return 127
    t = p.task
    assert t is not None
    set_sched_attrs(t, attrs, running=True)
    execve(t, argv)
    p.attrs = attrs
    p.argv = argv
    return cmd(p)


def taskset(p: Proc) -> int:
    """taskset [-c] MASK CMD... | taskset -p [-c] [MASK] PID."""
    args = p.argv[1:]
    as_list = False
    pid_mode = False
    while args and args[0].startswith("-"):
        flag = args.pop(0)
        as_list |= "c" in flag
        pid_mode |= "p" in flag
    ncpus = sc.sysconf_nprocessors_onln()
    if pid_mode:
        if not args:
            p.err("taskset: bad usage\nTry 'taskset --help' for more information.\n")
            return 1
        pid = args[-1]
        cur = sc.sched_getaffinity(int(pid)) if pid.isdigit() else -ESRCH
        if cur < 0:
            p.err(f"taskset: failed to get pid {pid}'s affinity: No such process\n")
            return 1
        cur &= (1 << ncpus) - 1
        kind = "list" if as_list else "mask"
        if len(args) == 1:
            p.out(f"pid {pid}'s current affinity {kind}: {_mask_list(cur) if as_list else f'{cur:x}'}\n")
            return 0
        mask = _cpu_list(args[0], ncpus) if as_list else _hex_mask(args[0], ncpus)
        if mask is None:
            p.err(f"taskset: failed to parse CPU {kind}: {args[0]}\n")
            return 1
        p.out(f"pid {pid}'s current affinity {kind}: {_mask_list(cur) if as_list else f'{cur:x}'}\n")
        sc.sched_setaffinity(int(pid), mask)
        p.out(f"pid {pid}'s new affinity {kind}: {_mask_list(mask) if as_list else f'{mask:x}'}\n")
        return 0
    if len(args) < 2:
        p.err("taskset: bad usage\nTry 'taskset --help' for more information.\n")
        return 1
    mask = _cpu_list(args[0], ncpus) if as_list else _hex_mask(args[0], ncpus)
    if mask is None:
        p.err(f"taskset: failed to parse CPU {'list' if as_list else 'mask'}: {args[0]}\n")
        return 1
    return _exec(p, args[1:], replace(p.attrs, cpus=mask))


def _hex_mask(text: str, ncpus: int) -> int | None:
    try:
        mask = int(text, 16)
    except ValueError:
        return None
    return mask if 0 < mask and mask & ((1 << ncpus) - 1) else None


def _mask_list(mask: int) -> str:
    cpus = [i for i in range(mask.bit_length()) if mask >> i & 1]
    out, i = [], 0
    while i < len(cpus):
        j = i
        while j + 1 < len(cpus) and cpus[j + 1] == cpus[j] + 1:
            j += 1
        out.append(str(cpus[i]) if i == j else f"{cpus[i]}-{cpus[j]}")
        i = j + 1
    return ",".join(out)


def chrt(p: Proc) -> int:
    """chrt [-f|-r|-o|-b|-i] PRIO CMD... | chrt -p PID (util-linux's output)."""
    args = p.argv[1:]
    policy = "rr"  # chrt's default policy for a command is SCHED_RR
    pid_mode = False
    names = {"-f": "fifo", "--fifo": "fifo", "-r": "rr", "--rr": "rr", "-o": "normal", "--other": "normal",
             "-b": "batch", "--batch": "batch", "-i": "idle", "--idle": "idle"}  # fmt: skip
    while args and args[0].startswith("-"):
        flag = args.pop(0)
        if flag in ("-p", "--pid"):
            pid_mode = True
        elif flag in names:
            policy = names[flag]
        else:
            p.err(f"chrt: invalid option -- '{flag.lstrip('-')[:1]}'\nTry 'chrt --help' for more information.\n")
            return 1
    if pid_mode and len(args) == 1:
        pol_num = sc.sched_getscheduler(int(args[0])) if args[0].isdigit() else -ESRCH
        if pol_num < 0:
            p.err(f"chrt: failed to get pid {args[0]}'s policy: No such process\n")
            return 1
        pol = {0: "SCHED_OTHER", 1: "SCHED_FIFO", 2: "SCHED_RR", 3: "SCHED_BATCH", 5: "SCHED_IDLE"}[pol_num]
        p.out(f"pid {args[0]}'s current scheduling policy: {pol}\n"
              f"pid {args[0]}'s current scheduling priority: {sc.sched_getparam(int(args[0]))}\n")  # fmt: skip
        return 0
    if len(args) < 2 or not args[0].isdigit():
        p.err("chrt: bad usage\nTry 'chrt --help' for more information.\n")
        return 1
    prio = int(args[0])
    rt = policy in ("fifo", "rr")
    if (rt and not 1 <= prio <= 99) or (not rt and prio != 0):
        p.err(f"chrt: unsupported priority value for the policy: {prio}: see --max for valid range\n")
        return 1
    if pid_mode:
        ret = sc.sched_setscheduler(int(args[1]), POLICY_NAMES[policy], prio if rt else 0) if args[1].isdigit() else -ESRCH
        if ret < 0:
            p.err(f"chrt: failed to set pid {args[1]}'s policy: No such process\n")
            return 1
        return 0
    return _exec(p, args[1:], replace(p.attrs, policy=policy, prio=prio if rt else 0))


def nice(p: Proc) -> int:
    """nice [-n N] CMD... (default +10); without a command, print the current niceness."""
    args = p.argv[1:]
    adj = 10
    if args and args[0] in ("-n", "--adjustment"):
        if len(args) < 2 or not args[1].lstrip("-+").isdigit():
            p.err(f"nice: invalid adjustment '{args[1] if len(args) > 1 else ''}'\n")
            return 125
        adj = int(args[1])
        args = args[2:]
    elif args and re.fullmatch(r"-[-+]?\d+", args[0]):
        adj = int(args[0][1:])
        args = args[1:]
    if not args:
        p.out(f"{p.attrs.nice}\n")
        return 0
    return _exec(p, args, replace(p.attrs, nice=max(-20, min(19, p.attrs.nice + adj))))


def _pr_inf(p: Proc, pid: int, msg: str) -> None:
    """core-log.c pr_msg_lockable(): "stress-ng: info:  [PID] msg"."""
    p.out(f"stress-ng: info:  [{pid}] {msg}\n")


def _duration_to_str(secs: float) -> str:
    """core-time.c stress_duration_to_str(): " (1 min, 0.00 secs)" past a minute, else ""."""
    if secs <= 60.0:
        return ""
    parts = []
    for unit, size in (("year", 31_556_952.0), ("day", 86_400.0), ("hour", 3_600.0), ("min", 60.0)):
        val = int(secs / size)
        if val > 0:
            parts.append(f"{val} {unit}{'s' if val > 1 else ''}")
        secs -= size * val
    parts.append(f"{secs:.2f} secs")
    return " (" + ", ".join(parts) + ")"


def stress_ng(p: Proc) -> int:
    """stress-ng --cpu N --io N --vm N [--vm-bytes B] --hdd N [--timeout T] [--metrics-brief]: N worker tasks
    per stressor (userspace/stress.py's), each running until the timeout. May sleep."""
    args = p.argv[1:]
    order: list[tuple[str, int]] = []
    timeout_ns: int | None = None
    vm_bytes = VM_BYTES
    brief = False
    i = 0
    while i < len(args):
        a = args[i]
        name = a[2:]
        if name in STRESSORS:
            if i + 1 >= len(args) or not args[i + 1].isdigit():
                p.err(f"stress-ng: option '{a}' requires an argument\n")
                return 1
            n = int(args[i + 1])
            order.append((name, n if n > 0 else sc.sysconf_nprocessors_onln()))
            i += 2
            continue
        if a in ("-t", "--timeout"):
            m = re.fullmatch(r"(\d+)([smhd]?)", args[i + 1] if i + 1 < len(args) else "")
            if not m:
                p.err(f"stress-ng: invalid timeout '{args[i + 1] if i + 1 < len(args) else ''}'\n")
                return 1
            timeout_ns = int(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)] * 10**9
            i += 2
            continue
        if a == "--metrics-brief":
            brief = True
        elif a == "--vm-bytes":
            m = re.fullmatch(r"(\d+)([bkmg]?)", (args[i + 1] if i + 1 < len(args) else "").lower())
            if not m or not int(m.group(1)):
                p.err(f"stress-ng: invalid vm-bytes '{args[i + 1] if i + 1 < len(args) else ''}'\n")
                return 1
            vm_bytes = int(m.group(1)) * {"": 1, "b": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}[m.group(2)]
            i += 2
            continue
        elif a.startswith("--") and a.split("-")[2] in STRESSORS:
            # Other per-stressor tuning options (--cpu-method M, --io-ops N ...) take the default behaviour.
            if i + 1 < len(args) and not args[i + 1].startswith("-"):
                i += 1
        else:
            p.err(f"stress-ng: unrecognized option '{a}'\n")
            return 1
        i += 1
    if not order:
        p.err("stress-ng: no stress workers invoked\n")
        return 1
    me = sc.getpid()
    secs = (timeout_ns if timeout_ns is not None else 86_400 * 10**9) // 10**9
    _pr_inf(p, me, f"{'setting' if timeout_ns is not None else 'defaulting'} to a {secs} second"
                   f"{_duration_to_str(float(secs))} run per stressor")  # fmt: skip
    _pr_inf(p, me, "dispatching hogs:" + ",".join(f" {n} {name}" for name, n in order))
    start = p.now()
    deadline = start + secs * 10**9
    workers: list[tuple[str, Proc, list[int]]] = []
    for name, n in order:
        for _ in range(n):
            counter = [0]
            w = p.child(["stress-ng"])
            p.shell.start(w, partial(_stressor, name, counter, deadline, vm_bytes), f"stress-ng-{name}")
            workers.append((name, w, counter))
    p.shell.wait_for(p, [w for _, w, _ in workers])
    duration = (p.now() - start) / 1e9
    if brief:
        hdr = "stress-ng: metrc: [{}] {:<13s} {:>9.9s} {:>9.9s} {:>9.9s} {:>9.9s} {:>12s} {:>14s}\n"
        p.out(hdr.format(me, "stressor", "bogo ops", "real time", "usr time", "sys time", "bogo ops/s", "bogo ops/s"))
        p.out(hdr.format(me, "", "", "(secs) ", "(secs) ", "(secs) ", "(real time)", "(usr+sys time)"))
        for name, _ in order:
            mine = [(w, c) for s, w, c in workers if s == name]
            ops = sum(c[0] for _, c in mine)
            cpu = sum(int(getattr(w.task, "sum_exec_runtime", 0)) for w, _ in mine) / 1e9
            real = duration
            p.out(f"stress-ng: metrc: [{me}] {name:<13s} {ops:9d} {real:9.2f} {cpu:9.2f} {0.0:9.2f} "
                  f"{ops / real if real else 0.0:12.2f} {ops / cpu if cpu else 0.0:14.2f}\n")  # fmt: skip
    _pr_inf(p, me, f"successful run completed in {duration:.2f}s{_duration_to_str(duration)}")
    return 0


def _stressor(name: str, counter: list[int], deadline: int, vm_bytes: int, p: Proc) -> int:
    """One stressor instance: bogo ops until the deadline (or until its job is killed). May sleep."""
    stressor(name, deadline, p.check_killed, counter, vm_bytes=vm_bytes)
    return 0


COMMANDS = {"stress-ng": stress_ng, "taskset": taskset, "chrt": chrt, "nice": nice}
