"""procps-ng 4.0.2's ps, top and uptime (Debian bookworm's), reading what the real ones read: /proc/PID/stat,
/proc/PID/status, /proc/PID/cmdline, /proc/PID/task/, /proc/stat, /proc/uptime, /proc/loadavg, /proc/meminfo.

Column specifications are procps-ng's format table (src/ps/output.c format_array[]: header, width,
alignment); PID-like columns are as wide as /proc/sys/kernel/pid_max has digits (procps_pid_length()).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from irqlab.userspace.shell.clock import realtime
from irqlab.userspace.shell.process import Proc

#: USER_HZ: the unit of /proc's tick counts (sysconf(_SC_CLK_TCK)).
HERTZ = 100
#: The major number of the Unix98 pseudo-terminals (/dev/pts/N), as tty_nr encodes it.
PTS_MAJOR = 136


@dataclass
class Task:
    """One /proc/PID/stat line (and the files beside it), as libproc2 reads it."""

    pid: int
    tgid: int
    comm: str
    state: str
    ppid: int
    tty_nr: int
    flags: int
    utime: int
    stime: int
    priority: int
    nice: int
    nlwp: int
    starttime: int
    vsize: int
    rss: int
    processor: int
    rt_priority: int
    policy: int
    cmdline: list[str]

    @property
    def tics(self) -> int:
        return self.utime + self.stime

    @property
    def args(self) -> str:
        """The command line; a task without one (a kernel thread) shows its name in brackets."""
        return " ".join(self.cmdline) if self.cmdline else f"[{self.comm}]"


def _read(p: Proc, path: str) -> str | None:
    try:
        return p.shell.vfs.read_text(path)
    except OSError:
        return None


def read_task(p: Proc, path: str, tgid: int) -> Task | None:
    """The task whose /proc directory is ``path``, or None when it has exited meanwhile."""
    stat = _read(p, f"{path}/stat")
    if stat is None:
        return None
    head, _, rest = stat.rpartition(")")
    pid_s, _, comm = head.partition(" (")
    f = rest.split()
    cmdline = _read(p, f"{path}/cmdline") or ""
    return Task(int(pid_s), tgid, comm, f[0], int(f[1]), int(f[4]), int(f[6]), int(f[11]), int(f[12]), int(f[15]), int(f[16]),
                int(f[17]), int(f[19]), int(f[20]), int(f[21]), int(f[36]), int(f[37]), int(f[38]),
                [a for a in cmdline.split("\0") if a])  # fmt: skip


def read_tasks(p: Proc, threads: bool) -> list[Task]:
    """Every process (every thread with ``threads``), in /proc's order: ascending pid."""
    out = []
    pids = sorted(int(n) for n in p.shell.vfs.listdir("/proc") if n.isdigit())
    for pid in pids:
        if threads:
            try:
                tids = sorted(int(n) for n in p.shell.vfs.listdir(f"/proc/{pid}/task"))
            except OSError:
                continue
            for tid in tids:
                t = read_task(p, f"/proc/{pid}/task/{tid}", pid)
                if t is not None:
                    t.cmdline = (_read(p, f"/proc/{pid}/cmdline") or "").split("\0")[:-1] or t.cmdline
                    out.append(t)
        else:
            t = read_task(p, f"/proc/{pid}", pid)
            if t is not None:
                out.append(t)
    return out


def tty_name(tty_nr: int) -> str:
    """The terminal's name as ps prints it (library/devname.c): ``pts/0``, or ``?`` for none."""
    if tty_nr == 0:
        return "?"
    major, minor = (tty_nr >> 8) & 0xFFF, (tty_nr & 0xFF) | ((tty_nr >> 12) & 0xFFF00)
    return f"pts/{minor}" if major == PTS_MAJOR else f"{major},{minor}"


def uptime_secs(p: Proc) -> float:
    text = _read(p, "/proc/uptime") or "0 0"
    return float(text.split()[0])


def pid_width(p: Proc) -> int:
    """procps_pid_length(): the digits of pid_max (5 when it cannot be read)."""
    text = (_read(p, "/proc/sys/kernel/pid_max") or "").strip()
    return len(text) if text.isdigit() else 5


# -- ps ---------------------------------------------------------------------------------------
#: sched_class names of pr_class().
CLASS_NAMES = {0: "TS", 1: "FF", 2: "RR", 3: "B", 4: "ISO", 5: "IDL", 6: "DLN"}


def _time(t: Task, p: Proc) -> str:
    """pr_time(): cumulative CPU time, [dd-]hh:mm:ss."""
    s = t.tics // HERTZ
    dd, hh, mm, ss = s // 86400, s // 3600 % 24, s // 60 % 60, s % 60
    return (f"{dd}-" if dd else "") + f"{hh:02d}:{mm:02d}:{ss:02d}"


def _elapsed(t: Task, p: Proc) -> int:
    """Whole seconds since the task started (TIME_ELAPSED)."""
    return int(uptime_secs(p) - t.starttime / HERTZ)


def _etime(t: Task, p: Proc) -> str:
    """pr_etime(): [[dd-]hh:]mm:ss since the task started."""
    e = _elapsed(t, p)
    dd, hh, mm, ss = e // 86400, e // 3600 % 24, e // 60 % 60, e % 60
    return (f"{dd}-" if dd else "") + (f"{hh:02d}:" if dd or hh else "") + f"{mm:02d}:{ss:02d}"


def _bsdtime(t: Task, p: Proc) -> str:
    u = t.tics // HERTZ
    return f"{u // 60:3d}:{u % 60:02d}"


def _pcpu(t: Task, p: Proc) -> str:
    """pr_pcpu(): CPU time over the task's life, in ##.# percent."""
    elapsed = uptime_secs(p) - t.starttime / HERTZ
    jiffies = int(elapsed * HERTZ)
    pcpu = t.tics * 1000 // jiffies if jiffies > 0 else 0
    return f"{pcpu // 10}" if pcpu > 999 else f"{pcpu // 10}.{pcpu % 10}"


def _c(t: Task, p: Proc) -> str:
    """pr_c(): integer CPU utilization over the task's life, at most 99."""
    jiffies = int((uptime_secs(p) - t.starttime / HERTZ) * HERTZ)
    return str(min(99, t.tics * 100 // jiffies) if jiffies > 0 else 0)


def _stat(t: Task, p: Proc) -> str:
    """pr_stat(): the state letter, < or N for the niceness, l for a multi-threaded process.
    # SIMPLIFICATION: no sessions or process groups are modelled, so no s or + flags."""
    return t.state + ("<" if t.nice < 0 else "N" if t.nice > 0 else "") + ("l" if t.nlwp > 1 else "")


def _start_time(t: Task, p: Proc) -> str:
    """pr_stime(): HH:MM when it started today, else MmmDD (the board's clock is UTC)."""
    now = time.gmtime(realtime(p))
    boot = realtime(p) - int(uptime_secs(p))
    began = time.gmtime(boot + t.starttime // HERTZ)
    if began.tm_year != now.tm_year:
        return time.strftime("%Y", began)
    return time.strftime("%H:%M" if began.tm_yday == now.tm_yday else "%b%d", began)


def _rtprio(t: Task, p: Proc) -> str:
    return "-" if t.policy == 0 else str(t.rt_priority)


#: format_array[] entries: key -> (header, width, right-aligned, printer).
FORMATS = {
    "pid": ("PID", -1, True, lambda t, p: str(t.tgid)),
    "tgid": ("TGID", -1, True, lambda t, p: str(t.tgid)),
    "lwp": ("LWP", -1, True, lambda t, p: str(t.pid)),
    "tid": ("TID", -1, True, lambda t, p: str(t.pid)),
    "spid": ("SPID", -1, True, lambda t, p: str(t.pid)),
    "ppid": ("PPID", -1, True, lambda t, p: str(t.ppid)),
    "nlwp": ("NLWP", 4, True, lambda t, p: str(t.nlwp)),
    "tname": ("TTY", 8, False, lambda t, p: tty_name(t.tty_nr)),
    "tty": ("TT", 8, False, lambda t, p: tty_name(t.tty_nr)),
    "time": ("TIME", 8, True, _time),
    "cputime": ("TIME", 8, True, _time),
    "cputimes": ("TIME", 8, True, lambda t, p: str(t.tics // HERTZ)),
    "etime": ("ELAPSED", 11, True, _etime),
    "etimes": ("ELAPSED", 7, True, lambda t, p: str(_elapsed(t, p))),
    "bsdtime": ("TIME", 6, True, _bsdtime),
    "cls": ("CLS", 3, True, lambda t, p: CLASS_NAMES.get(t.policy, "?")),
    "class": ("CLS", 3, False, lambda t, p: CLASS_NAMES.get(t.policy, "?")),
    "policy": ("POL", 3, False, lambda t, p: CLASS_NAMES.get(t.policy, "?")),
    "rtprio": ("RTPRIO", 6, True, _rtprio),
    "ni": ("NI", 3, True, lambda t, p: "-" if t.policy in (1, 2) else str(t.nice)),
    "nice": ("NI", 3, True, lambda t, p: "-" if t.policy in (1, 2) else str(t.nice)),
    "pri": ("PRI", 3, True, lambda t, p: str(39 - t.priority)),
    "psr": ("PSR", 3, True, lambda t, p: str(t.processor)),
    "stat": ("STAT", 4, False, _stat),
    "s": ("S", 1, False, lambda t, p: t.state),
    "state": ("S", 1, False, lambda t, p: t.state),
    "user": ("USER", 8, False, lambda t, p: "root"),
    "uid": ("UID", 5, True, lambda t, p: "0"),
    "%cpu": ("%CPU", 4, True, _pcpu),
    "pcpu": ("%CPU", 4, True, _pcpu),
    "%mem": ("%MEM", 4, True, lambda t, p: "0.0"),
    "pmem": ("%MEM", 4, True, lambda t, p: "0.0"),
    "vsz": ("VSZ", 6, True, lambda t, p: str(t.vsize // 1024)),
    "rss": ("RSS", 5, True, lambda t, p: str(t.rss * 4)),
    "start_time": ("START", 5, True, _start_time),
    "stime": ("STIME", 5, True, _start_time),
    "c": ("C", 2, True, _c),
    "uid_hack": ("UID", 8, False, lambda t, p: "root"),
    "comm": ("COMMAND", 15, None, lambda t, p: t.comm),
    "ucmd": ("CMD", 15, None, lambda t, p: t.comm),
    "ucomm": ("COMMAND", 15, None, lambda t, p: t.comm),
    "args": ("COMMAND", 27, None, lambda t, p: t.args),
    "cmd": ("CMD", 27, None, lambda t, p: t.args),
    "command": ("COMMAND", 27, None, lambda t, p: t.args),
}  # fmt: skip


def format_table(p: Proc, keys: list[tuple[str, str | None]], rows: list[Task], headers: bool = True) -> str:
    """Lay ``rows`` out in columns ``keys`` ((key, header override)) as ps's show_one_proc() does:
    one space between columns, right- or left-aligned to the column width, the last one unpadded."""
    pw = pid_width(p)
    cols = []
    for key, override in keys:
        head, width, right, fn = FORMATS[key]
        if width < 0:
            width = max(pw, len(head))
        if override is not None:
            head = override
            width = max(width, len(head))
        cols.append((head, width, right, fn))

    def line(cells: list[str]) -> str:
        out = []
        for i, (cell, (_, width, right, _fn)) in enumerate(zip(cells, cols, strict=True)):
            last = i == len(cols) - 1
            if right:
                out.append(cell.rjust(width))
            else:
                out.append(cell if last else cell.ljust(width))
        return " ".join(out).rstrip(" ") if cols[-1][2] is not True else " ".join(out)

    text = []
    if headers and any(c[0] for c in cols):
        text.append(line([c[0] for c in cols]))
    for t in rows:
        text.append(line([c[3](t, p) for c in cols]))
    return "".join(s + "\n" for s in text)


def ps(p: Proc) -> int:
    """ps [-e|-A] [-f] [-L|-T] [-o FORMAT] [-p PID] [-C NAME] [--no-headers] | ps aux (procps-ng 4.0)."""
    args = p.argv[1:]
    every = threads_l = threads_t = bsd_u = bsd_a = bsd = full = False
    headers = True
    user_format: list[str] = []
    pids: list[int] = []
    names: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("--no-headers", "--no-heading"):
            headers = False
        elif a in ("-o", "o", "--format", "-p", "p", "--pid", "-C"):
            if i + 1 >= len(args):
                what = {"-C": "list of command names"}.get(a, "list of process IDs" if "p" in a else "format specification")
                p.err(f"error: {what} must follow {a}\n\nUsage:\n ps [options]\n")
                return 1
            val = args[i + 1]
            if a in ("-o", "o", "--format"):
                user_format.extend(v for v in val.split(",") if v)
            elif a == "-C":
                names.extend(val.split(","))
            else:
                if not all(v.isdigit() for v in val.split(",")):
                    p.err("error: process ID list syntax error\n")
                    return 1
                pids.extend(int(v) for v in val.split(","))
            i += 2
            continue
        elif a.startswith("-") and len(a) > 1 and not a.startswith("--"):
            for c in a[1:]:
                if c in "eA":
                    every = True
                elif c == "f":
                    full = True
                elif c == "L":
                    threads_l = True
                elif c == "T":
                    threads_t = True
                elif c == "o":
                    pass
                else:
                    p.err("error: unsupported SysV option\n\nUsage:\n ps [options]\n")
                    return 1
            if a.endswith("o") and len(a) > 2:
                if i + 1 >= len(args):
                    p.err("error: format specification must follow -o\n")
                    return 1
                user_format.extend(v for v in args[i + 1].split(",") if v)
                i += 2
                continue
        elif not a.startswith("-") and set(a) <= set("auxwe"):
            # BSD a: every terminal's processes; x: those without a terminal too (all are root's here).
            bsd_a = bsd_a or "a" in a
            every = every or "x" in a
            bsd = True
            bsd_u = bsd_u or "u" in a
        else:
            p.err("error: unknown gnu long option\n\nUsage:\n ps [options]\n")
            return 1
        i += 1
    rows = read_tasks(p, threads_l or threads_t)
    if pids or names:
        rows = [t for t in rows if t.tgid in pids or t.comm in names]
    elif bsd_a and not every:
        rows = [t for t in rows if t.tty_nr != 0]
    elif not every:
        # simple_select: the processes on this terminal, this user's.
        me = p.task.pid if p.task is not None else 0
        mine = next((t for t in rows if t.pid == me or t.tgid == me), None)
        tty = mine.tty_nr if mine is not None else 0
        rows = [t for t in rows if t.tty_nr == tty and tty != 0]
    keys: list[tuple[str, str | None]] = []
    if user_format:
        for spec in user_format:
            key, eq, override = spec.partition("=")
            key = key.lower() if key.lower() in FORMATS else key
            if key not in FORMATS:
                p.err(f'error: unknown user-defined format specifier "{key}"\n\nUsage:\n ps [options]\n')
                return 1
            keys.append((key, override if eq else None))
    elif bsd_u:
        # OL_u: user,pid,pcpu,pmem,vsz,rss,tname,stat,start_time,bsdtime,args
        keys = [(k, None) for k in ("user", "pid", "%cpu", "%mem", "vsz", "rss", "tname", "stat", "start_time",
                                    "bsdtime", "args")]  # fmt: skip
        if threads_l:
            keys.insert(2, ("lwp", None))
    elif bsd:
        # generate_sysv_list() with prefer_bsd_defaults: pid, tname, stat, bsdtime, args.
        keys = [(k, None) for k in ("pid", "tname", "stat", "bsdtime", "args")]
    else:
        # generate_sysv_list(): each PUSH puts a column first.
        pushed = ["cmd" if full else "ucmd", "time", "tname"]
        if full:
            pushed.append("stime")
            if threads_l:
                pushed.append("nlwp")
            pushed.append("c")
        if threads_l:
            pushed.append("lwp")
        if full:
            pushed.append("ppid")
        if threads_t:
            pushed.append("spid")
        pushed.append("pid")
        if full:
            pushed.append("uid_hack")
        keys = [(k, None) for k in reversed(pushed)]
    p.out(format_table(p, keys, rows, headers))
    return 0


# -- uptime and top ------------------------------------------------------------------------------
def loadavg(p: Proc) -> tuple[float, float, float, int, int]:
    """The three load averages, running and total tasks of /proc/loadavg."""
    f = (_read(p, "/proc/loadavg") or "0 0 0 0/0 0").split()
    running, total = f[3].split("/")
    return float(f[0]), float(f[1]), float(f[2]), int(running), int(total)


def uptime_sprint(p: Proc) -> str:
    """library/uptime.c procps_uptime_sprint(): " 09:00:03 up 0 min,  1 user,  load average: 0.00, 0.00, 0.00"."""
    now = time.gmtime(realtime(p))
    up = int(uptime_secs(p))
    days, hours, minutes = up // 86400, up // 3600 % 24, up // 60 % 60
    out = f" {now.tm_hour:02d}:{now.tm_min:02d}:{now.tm_sec:02d} up "
    if days:
        out += f"{days} {'days' if days > 1 else 'day'}, "
    out += f"{hours:2d}:{minutes:02d}, " if hours else f"{minutes} min, "
    # count_users(): the shell's login session is the one user logged in.
    users = 1
    av1, av5, av15, _, _ = loadavg(p)
    return out + f"{users:2d} {'users' if users > 1 else 'user'},  load average: {av1:.2f}, {av5:.2f}, {av15:.2f}"


def uptime(p: Proc) -> int:
    """uptime [-p] [-s] (procps-ng 4.0)."""
    args = p.argv[1:]
    if args and args[0] in ("-s", "--since"):
        boot = realtime(p) - int(uptime_secs(p))
        p.out(time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(boot)) + "\n")
        return 0
    if args and args[0] in ("-p", "--pretty"):
        up = int(uptime_secs(p))
        parts = []
        for n, unit in ((up // 604800, "week"), (up // 86400 % 7, "day"), (up // 3600 % 24, "hour"),
                        (up // 60 % 60, "minute")):  # fmt: skip
            if n:
                parts.append(f"{n} {unit}{'s' if n > 1 else ''}")
        p.out("up " + (", ".join(parts) or "0 minutes") + "\n")
        return 0
    if args:
        p.err(f"uptime: invalid option -- '{args[0].lstrip('-')[:1]}'\n\nUsage:\n uptime [options]\n")
        return 1
    p.out(uptime_sprint(p) + "\n")
    return 0


def _cpu_tics(p: Proc) -> list[int]:
    """The aggregate ``cpu`` line of /proc/stat: user nice system idle iowait irq softirq steal."""
    stat = _read(p, "/proc/stat") or ""
    first = stat.splitlines()[0].split() if stat else ["cpu"] + ["0"] * 10
    return [int(v) for v in first[1:9]]


def _meminfo(p: Proc) -> dict[str, int]:
    text = _read(p, "/proc/meminfo") or ""
    out = {}
    for line in text.splitlines():
        name, _, rest = line.partition(":")
        out[name] = int(rest.split()[0]) if rest.split() else 0
    return out


def _top_time(t: Task) -> str:
    """TIME+ of top: minutes:seconds.hundredths."""
    cs = t.tics * 100 // HERTZ
    return f"{cs // 6000}:{cs // 100 % 60:02d}.{cs % 100:02d}"


def top_frame(p: Proc, prev_cpu: list[int] | None, prev_tics: dict[int, int] | None, et: float) -> str:
    """One batch-mode frame: summary_show()'s five lines, a blank line, the task window sorted by %CPU."""
    tasks = read_tasks(p, False)
    cpu = _cpu_tics(p)
    counts = {"R": 0, "S": 0, "T": 0, "Z": 0}
    for t in tasks:
        key = t.state if t.state in "RTZ" else "S"
        counts[key] += 1
    out = [f"top -{uptime_sprint(p)}\n"]
    out.append(f"Tasks: {len(tasks):3d} total, {counts['R']:3d} running, {counts['S']:3d} sleeping, "
               f"{counts['T']:3d} stopped, {counts['Z']:3d} zombie\n")  # fmt: skip
    # cpus_refresh(): the tick deltas since the previous frame (since boot for the first one).
    delta = [c - o for c, o in zip(cpu, prev_cpu or [0] * 8, strict=True)]
    total = sum(delta) or 1
    pct = [100.0 * d / total for d in delta]
    user, nice, system, idle, iowait, irq, softirq, steal = pct
    out.append(f"%Cpu(s):{user:#5.1f} us,{system:#5.1f} sy,{nice:#5.1f} ni,{idle:#5.1f} id,{iowait:#5.1f} wa,"
               f"{irq:#5.1f} hi,{softirq:#5.1f} si,{steal:#5.1f} st \n")  # fmt: skip
    mem = _meminfo(p)
    tot, free, avail = mem.get("MemTotal", 0), mem.get("MemFree", 0), mem.get("MemAvailable", 0)
    qued = mem.get("Buffers", 0) + mem.get("Cached", 0) + mem.get("SReclaimable", 0)
    used = tot - free - qued
    swt, swf = mem.get("SwapTotal", 0), mem.get("SwapFree", 0)

    def mib(kib: int) -> str:
        return f"{kib / 1024.0:#.1f} "

    out.append(f"MiB Mem : {mib(tot):>9.9s}total, {mib(free):>9.9s}free, {mib(used):>9.9s}used, "
               f"{mib(qued):>9.9s}buff/cache     \n")  # fmt: skip
    out.append(f"MiB Swap: {mib(swt):>9.9s}total, {mib(swf):>9.9s}free, {mib(swt - swf):>9.9s}used. "
               f"{mib(avail):>9.9s}avail Mem \n\n")  # fmt: skip
    pw = pid_width(p)
    out.append(f"{'PID':>{pw}} USER      PR  NI    VIRT    RES    SHR S  %CPU  %MEM     TIME+ COMMAND\n")
    # procs_refresh(): %CPU is the task's tick delta over the elapsed time (since boot for the first frame).
    scale = 100.0 / (HERTZ * et) if et > 0 else 0.0
    rows = []
    for t in tasks:
        d = t.tics - (prev_tics or {}).get(t.pid, 0)
        rows.append((d * scale, t))
    # SIMPLIFICATION: tasks of equal %CPU are listed by pid (top's qsort leaves their order unspecified).
    rows.sort(key=lambda r: (-r[0], r[1].pid))
    for pcpu, t in rows:
        pr = "rt" if t.priority <= -100 else str(t.priority)
        out.append(f"{t.tgid:>{pw}} root     {pr:>3s} {t.nice:>3d} {t.vsize // 1024:>7d} {t.rss * 4:>6d} "
                   f"{0:>6d} {t.state} {pcpu:>5.1f} {0.0:>5.1f} {_top_time(t):>9s} {t.comm}\n")  # fmt: skip
    return "".join(out)


def top(p: Proc) -> int:
    """top -b [-n N] [-d SECS]: batch mode frames (procps-ng 4.0.2), until N frames or interrupted; without -b
    it needs a terminal, as top says when its output is not one. May sleep."""
    args = p.argv[1:]
    batch = False
    frames: int | None = None
    delay = 3.0
    i = 0
    while i < len(args):
        a = args[i]
        opts = a[1:] if a.startswith("-") else ""
        if not opts:
            p.err(f"top: unknown option '{a}'\n")
            return 1
        j = 0
        while j < len(opts):
            c = opts[j]
            if c == "b":
                batch = True
            elif c in "nd":
                val = opts[j + 1 :] or (args[i + 1] if i + 1 < len(args) else "")
                if not opts[j + 1 :]:
                    i += 1
                try:
                    if c == "n":
                        frames = int(val)
                    else:
                        delay = float(val)
                except ValueError:
                    p.err(f"top: bad {'iterations argument' if c == 'n' else 'delay interval'} '{val}'\n")
                    return 1
                break
            else:
                p.err(f"top: unknown option '{c}'\n")
                return 1
            j += 1
        i += 1
    if not batch and not p.stdout.isatty():
        p.err("top: failed tty get\n")
        return 1
    # SIMPLIFICATION: on a terminal, top's full-screen display is drawn as batch frames one after another.
    prev_cpu: list[int] | None = None
    prev_tics: dict[int, int] | None = None
    last = 0.0
    n = 0
    while frames is None or n < frames:
        now = uptime_secs(p)
        et = now - last if prev_tics is not None else now
        if n:
            p.out("\n\n")  # frame_make(): a batch frame after the first begins with two newlines
        p.out(top_frame(p, prev_cpu, prev_tics, max(et, 0.005)))
        prev_cpu = _cpu_tics(p)
        prev_tics = {t.pid: t.tics for t in read_tasks(p, False)}
        last = now
        n += 1
        if frames is None or n < frames:
            p.sleep(int(delay * 1e9))
    return 0


COMMANDS = {"ps": ps, "top": top, "uptime": uptime}
