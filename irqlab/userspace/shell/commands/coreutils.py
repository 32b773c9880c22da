"""GNU coreutils and grep as the board's Debian has them: cat, tee, head, tail, wc, sort, ls, sleep,
nproc, uname; grep. Messages and formats are those of coreutils 9.1 and grep 3.8 (Debian bookworm).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from irqlab.userspace import syscalls as sc
from irqlab.userspace.shell.clock import ls_time
from irqlab.userspace.shell.process import Proc

EXEC = "Try '{0} --help' for more information.\n"


def _open_inputs(p: Proc, files: list[str]) -> list[tuple[str, str | None]]:
    """(name, text or None when it could not be read, after printing the error) for each operand."""
    if not files or files == ["-"]:
        return [("-", p.read_all())]
    out: list[tuple[str, str | None]] = []
    for f in files:
        if f == "-":
            out.append((f, p.read_all()))
            continue
        try:
            out.append((f, p.shell.vfs.read_text(f)))
        except OSError as e:
            p.err(f"{p.argv[0]}: {f}: {e.strerror}\n")
            out.append((f, None))
    return out


def cat(p: Proc) -> int:
    """cat [FILE|-]...: standard input is copied as it arrives (a read(2) at a time), as cat does from a pipe."""
    rc = 0
    files = [a for a in p.argv[1:] if a != "-u"] or ["-"]
    for f in files:
        if f == "-":
            while (chunk := p.stdin.read()) is not None:
                p.out(chunk)
            continue
        for _, text in _open_inputs(p, [f]):
            if text is None:
                rc = 1
            else:
                p.out(text)
    return rc


def tee(p: Proc) -> int:
    """tee [-a] FILE...: copy standard input to each FILE (each write is one write(2), like tee's)."""
    args = p.argv[1:]
    append = "-a" in args or "--append" in args
    files = [a for a in args if a not in ("-a", "--append")]
    outs = []
    rc = 0
    for f in files:
        try:
            outs.append((f, p.shell.vfs.open_write(f, append=append)))
        except OSError as e:
            p.err(f"tee: {f}: {e.strerror}\n")
            rc = 1
    while (chunk := p.stdin.read()) is not None:
        p.out(chunk)
        for f, o in list(outs):
            try:
                o.write(chunk)
            except OSError as e:
                p.err(f"tee: {f}: {e.strerror}\n")
                outs.remove((f, o))
                rc = 1
    return rc


def _count_arg(p: Proc, default: int) -> tuple[int, bool, list[str]] | None:
    """-n N / -N / -n +N for head and tail: (count, from_start, files)."""
    args = p.argv[1:]
    n, plus, files = default, False, []
    i = 0
    while i < len(args):
        a = args[i]
        val = None
        if a in ("-n", "--lines"):
            if i + 1 >= len(args):
                p.err(f"{p.argv[0]}: option requires an argument -- 'n'\n" + EXEC.format(p.argv[0]))
                return None
            val = args[i + 1]
            i += 1
        elif a.startswith("-n"):
            val = a[2:]
        elif a.startswith("--lines="):
            val = a[8:]
        elif re.fullmatch(r"-\d+", a):
            val = a[1:]
        else:
            files.append(a)
        if val is not None:
            plus = val.startswith("+")
            if not val.lstrip("+-").isdigit():
                p.err(f"{p.argv[0]}: invalid number of lines: '{val}'\n")
                return None
            n = int(val.lstrip("+-"))
        i += 1
    return n, plus, files


def _head_tail(p: Proc, pick: Callable[[list[str], int, bool], list[str]]) -> int:
    """head and tail: ``pick(lines, n, from_start)`` of each input, with "==> name <==" between several."""
    parsed = _count_arg(p, 10)
    if parsed is None:
        return 1
    n, plus, files = parsed
    rc = 0
    inputs = _open_inputs(p, files)
    for i, (name, text) in enumerate(inputs):
        if text is None:
            rc = 1
            continue
        if len(inputs) > 1:
            p.out(("\n" if i else "") + f"==> {name} <==\n")
        p.out("".join(pick(text.splitlines(keepends=True), n, plus)))
    return rc


def head(p: Proc) -> int:
    return _head_tail(p, lambda lines, n, _: lines[:n])


def tail(p: Proc) -> int:
    return _head_tail(p, lambda lines, n, plus: lines[max(0, n - 1):] if plus else (lines[-n:] if n else []))


def wc(p: Proc) -> int:
    """wc [-lwc]: counts, in coreutils' widths (at least 7 when reading a pipe, else the total's digits)."""
    flags = "".join(a[1:] for a in p.argv[1:] if a.startswith("-") and len(a) > 1)
    files = [a for a in p.argv[1:] if not (a.startswith("-") and len(a) > 1)]
    want = [c for c in "lwc" if c in flags] or ["l", "w", "c"]
    inputs = _open_inputs(p, files)
    rows: list[tuple[list[int], str]] = []
    rc = 0
    for name, text in inputs:
        if text is None:
            rc = 1
            continue
        counts = {"l": text.count("\n"), "w": len(text.split()), "c": len(text.encode())}
        rows.append(([counts[c] for c in want], "" if name == "-" and not files else name))
    if len(rows) > 1:
        rows.append(([sum(r[0][i] for r in rows) for i in range(len(want))], "total"))
    if len(want) == 1 and len(inputs) == 1:
        width = 1
    elif not files:
        width = 7
    else:
        width = max(1, len(str(max((max(r[0]) for r in rows), default=0))))
    for vals, name in rows:
        p.out(" ".join(f"{v:{width}d}" for v in vals) + (f" {name}" if name else "") + "\n")
    return rc


def sort(p: Proc) -> int:
    """sort [-n] [-r] [-u] [-k N] [-t SEP]."""
    args = p.argv[1:]
    numeric = reverse = unique = False
    key: int | None = None
    sep: str | None = None
    files = []
    i = 0
    while i < len(args):
        a = args[i]
        if a.startswith("-") and len(a) > 1 and a[1] not in "kt-":
            numeric |= "n" in a
            reverse |= "r" in a
            unique |= "u" in a
        elif a.startswith("-k"):
            spec = a[2:] or args[i + 1]
            i += 0 if a[2:] else 1
            numeric |= "n" in spec
            reverse |= "r" in spec
            key = int(re.match(r"\d+", spec).group())  # type: ignore[union-attr]
        elif a.startswith("-t"):
            sep = a[2:] or args[i + 1]
            i += 0 if a[2:] else 1
        else:
            files.append(a)
        i += 1
    lines: list[str] = []
    for _, text in _open_inputs(p, files):
        if text is not None:
            lines.extend(text.splitlines())

    def field(line: str) -> str:
        if key is None:
            return line
        parts = line.split(sep) if sep else line.split()
        return (sep or " ").join(parts[key - 1:]) if len(parts) >= key else ""

    def num(s: str) -> float:
        m = re.match(r"\s*-?\d+(\.\d+)?", s)
        return float(m.group()) if m else 0.0

    lines.sort(key=(lambda s: (num(field(s)), s)) if numeric else field, reverse=reverse)
    if unique:
        seen: set[object] = set()
        kept = []
        for line in lines:
            k = num(field(line)) if numeric else field(line)
            if k not in seen:
                seen.add(k)
                kept.append(line)
        lines = kept
    p.out("".join(s + "\n" for s in lines))
    return 0


def uniq(p: Proc) -> int:
    """uniq [-c] [-d] [-u]: adjacent repeated lines merged (-c counts in "%7d " as coreutils prints)."""
    flags = "".join(a[1:] for a in p.argv[1:] if a.startswith("-") and len(a) > 1)
    files = [a for a in p.argv[1:] if not (a.startswith("-") and len(a) > 1)]
    groups: list[tuple[str, int]] = []
    for _, text in _open_inputs(p, files[:1]):
        for line in (text or "").splitlines():
            if groups and groups[-1][0] == line:
                groups[-1] = (line, groups[-1][1] + 1)
            else:
                groups.append((line, 1))
    for line, n in groups:
        if ("d" in flags and n == 1) or ("u" in flags and n > 1):
            continue
        p.out((f"{n:7d} " if "c" in flags else "") + f"{line}\n")
    return 0


def _bre_to_python(pat: str) -> str:
    """A POSIX basic regular expression as a Python one: + ? | ( ) { } are literal unless escaped."""
    out = []
    i = 0
    while i < len(pat):
        c = pat[i]
        if c == "\\" and i + 1 < len(pat):
            nxt = pat[i + 1]
            out.append(nxt if nxt in "+?|(){}" else "\\" + nxt)
            i += 2
            continue
        out.append("\\" + c if c in "+?|(){}" else c)
        i += 1
    return "".join(out)


def grep(p: Proc) -> int:
    """grep [-ivcnwqxlHhEF] [-e PAT] PATTERN [FILE...]."""
    args = p.argv[1:]
    opts: set[str] = set()
    patterns: list[str] = []
    files: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        if a == "-e":
            patterns.append(args[i + 1])
            i += 2
            continue
        if a.startswith("--"):
            opts.add({"--ignore-case": "i", "--invert-match": "v", "--count": "c", "--line-number": "n",
                      "--word-regexp": "w", "--quiet": "q", "--silent": "q", "--extended-regexp": "E",
                      "--fixed-strings": "F"}.get(a, "?"))  # fmt: skip
        elif a.startswith("-") and len(a) > 1:
            opts.update(a[1:])
        elif not patterns and "e" not in opts:
            patterns.append(a)
        else:
            files.append(a)
        i += 1
    if not patterns:
        p.err("Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n")
        return 2
    bad = opts - set("ivcnwqxlHhEFsr")
    if bad:
        p.err(f"grep: invalid option -- '{sorted(bad)[0]}'\nUsage: grep [OPTION]... PATTERNS [FILE]...\n"
              "Try 'grep --help' for more information.\n")  # fmt: skip
        return 2
    try:
        parts = []
        for pat in patterns:
            for line in pat.split("\n"):
                rx = re.escape(line) if "F" in opts else (line if "E" in opts else _bre_to_python(line))
                if "w" in opts:
                    rx = rf"(?<!\w)(?:{rx})(?!\w)"
                if "x" in opts:
                    rx = rf"^(?:{rx})$"
                parts.append(rx)
        matcher = re.compile("|".join(parts), re.IGNORECASE if "i" in opts else 0)
    except re.error as e:
        p.err(f"grep: {e}\n")
        return 2
    inputs = _open_inputs(p, files)
    show_name = ("H" in opts or len(inputs) > 1) and "h" not in opts
    found = False
    rc_err = False
    for name, text in inputs:
        if text is None:
            rc_err = True
            continue
        label = "(standard input)" if name == "-" else name
        count = 0
        for n, line in enumerate(text.splitlines(), 1):
            if bool(matcher.search(line)) == ("v" in opts):
                continue
            count += 1
            found = True
            if "q" in opts:
                return 0
            if "c" in opts or "l" in opts:
                continue
            p.out((f"{label}:" if show_name else "") + (f"{n}:" if "n" in opts else "") + line + "\n")
        if "c" in opts:
            p.out((f"{label}:" if show_name else "") + f"{count}\n")
        elif "l" in opts and count:
            p.out(label + "\n")
    if rc_err and "s" not in opts:
        return 2
    return 0 if found else 1


def _duration_ns(text: str) -> int | None:
    m = re.fullmatch(r"(\d+(?:\.\d*)?|\.\d+)([smhd]?)", text)
    if not m:
        return None
    mult = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)]
    return round(float(m.group(1)) * mult * 1_000_000_000)


def sleep(p: Proc) -> int:
    """sleep NUMBER[SUFFIX]...: clock_nanosleep for the sum. May sleep."""
    if len(p.argv) < 2:
        p.err("sleep: missing operand\n" + EXEC.format("sleep"))
        return 1
    total = 0
    for a in p.argv[1:]:
        ns = _duration_ns(a)
        if ns is None:
            p.err(f"sleep: invalid time interval '{a}'\n" + EXEC.format("sleep"))
            return 1
        total += ns
    p.sleep(total)
    return 0


def nproc(p: Proc) -> int:
    p.out(f"{sc.sysconf_nprocessors_onln()}\n")
    return 0


def uname(p: Proc) -> int:
    """uname [-a|-s|-n|-r|-v|-m|-p|-i|-o]: the fields of uname(2), as coreutils 9.1 prints them."""
    uts = sc.uname()
    flags = ""
    for a in p.argv[1:]:
        long = {"--all": "a", "--kernel-name": "s", "--nodename": "n", "--kernel-release": "r",
                "--kernel-version": "v", "--machine": "m", "--processor": "p", "--hardware-platform": "i",
                "--operating-system": "o"}  # fmt: skip
        if a in long:
            flags += long[a]
        elif a.startswith("-") and len(a) > 1 and set(a[1:]) <= set("asnrvmpio"):
            flags += a[1:]
        else:
            p.err(f"uname: {'extra operand' if not a.startswith('-') else 'invalid option --'} '{a.lstrip('-')}'\n"
                  + EXEC.format("uname"))  # fmt: skip
            return 1
    flags = flags or "s"
    fields = {"s": uts["sysname"], "n": uts["nodename"], "r": uts["release"], "v": uts["version"], "m": uts["machine"],
              "o": "GNU/Linux"}  # fmt: skip
    # -a prints -p and -i only when known (they are "unknown" on Linux); -p and -i alone print "unknown".
    order = "snrvmo" if "a" in flags else "".join(c for c in "snrvmpio" if c in flags)
    p.out(" ".join(fields.get(c, "unknown") for c in order) + "\n")
    return 0


def date(p: Proc) -> int:
    """date [-u] [-R] [-I[timespec]] [+FORMAT]: the wall clock (CLOCK_REALTIME) in coreutils 9.1's formats;
    the board's time zone is UTC."""
    fmt = "%a %b %e %H:%M:%S %Z %Y"
    for a in p.argv[1:]:
        if a in ("-u", "--utc", "--universal"):
            continue
        if a in ("-R", "--rfc-email"):
            fmt = "%a, %d %b %Y %H:%M:%S %z"
        elif a in ("-I", "--iso-8601", "-Idate"):
            fmt = "%Y-%m-%d"
        elif a in ("-Iseconds", "--iso-8601=seconds"):
            fmt = "%Y-%m-%dT%H:%M:%S+00:00"
        elif a.startswith("+"):
            fmt = a[1:]
        else:
            p.err(f"date: invalid date '{a}'\n")
            return 1
    now = sc.clock_gettime(sc.CLOCK_REALTIME)
    stamp = time.gmtime(now // 1_000_000_000)
    fmt = fmt.replace("%N", f"{now % 1_000_000_000:09d}").replace("%Z", "UTC").replace("%z", "+0000")
    p.out(time.strftime(fmt, stamp) + "\n")
    return 0


def hostname(p: Proc) -> int:
    """hostname [NAME] (Debian's hostname 3.23): print the kernel's nodename, or set it with sethostname(2)."""
    args = p.argv[1:]
    if not args or args in (["-s"], ["--short"]):
        name = sc.uname()["nodename"]
        p.out((name.split(".")[0] if args else name) + "\n")
        return 0
    if len(args) == 1 and not args[0].startswith("-"):
        if sc.sethostname(args[0]) < 0:
            p.err("hostname: name too long\n")
            return 1
        return 0
    p.err(f"hostname: invalid option -- '{args[0].lstrip('-')[:1]}'\n")
    return 1


def ls(p: Proc) -> int:
    """ls [-l] [-a] [-1] [PATH...]: names one per line (standard output is not a terminal)."""
    flags = "".join(a[1:] for a in p.argv[1:] if a.startswith("-") and len(a) > 1)
    paths = [a for a in p.argv[1:] if not (a.startswith("-") and len(a) > 1)] or ["."]
    vfs = p.shell.vfs
    rc = 0
    for i, path in enumerate(paths):
        if not vfs.exists(path):
            p.err(f"ls: cannot access '{path}': No such file or directory\n")
            rc = 2
            continue
        if len(paths) > 1 and vfs.isdir(path):
            p.out(("\n" if i else "") + f"{path}:\n")
        names = vfs.listdir(path) if vfs.isdir(path) else [path]
        if "a" in flags and vfs.isdir(path):
            names = [".", ".."] + names
        if "l" in flags:
            base = path if vfs.isdir(path) else ""
            if vfs.isdir(path):
                p.out("total 0\n")
            for name in names:
                full = vfs.abspath(f"{base.rstrip('/')}/{name}" if base else name)
                p.out(_long_line(p, full, name) + "\n")
        else:
            p.out("".join(n + "\n" for n in names))
    return rc


def _long_line(p: Proc, path: str, name: str) -> str:
    vfs = p.shell.vfs
    if name in (".", "..") or vfs.isdir(path):
        mode, links, size = ("dr-xr-xr-x" if path.startswith("/proc") else "drwxr-xr-x"), 2, 0
    else:
        mode = vfs.mode(path)
        links, size = 1, (4096 if path.startswith("/sys") else (0 if vfs.is_kernel(path) else len(vfs.files[path])))

    return f"{mode} {links} root root {size:>4} {ls_time(p)} {name}"


COMMANDS = {"cat": cat, "tee": tee, "head": head, "tail": tail, "wc": wc, "sort": sort, "grep": grep, "egrep": grep,
            "sleep": sleep, "nproc": nproc, "uname": uname, "date": date, "hostname": hostname, "ls": ls, "uniq": uniq}  # fmt: skip
