"""The trace events of a 6.12 kernel that irqlab emits, with their `format` files.

Each event carries the field layout of its tracefs ``format`` file (include/trace/events/*.h as
include/trace/stages/stage*_struct_layout.h lays it out: the common header, then the TP_STRUCT__entry
fields with C type, offset, size and signedness), its ``print fmt`` as the format file prints it, and a
Python rendering of its TP_printk for the `trace` file. Instrumentation of irqlab's own (no 6.12
tracepoint) lives under the ``irqlab`` system and is off unless enabled by name.

Field values in a recorded event are what the text shows: ints, strings, ``%p`` pointers as the
16-digit hashed hex string, ``%ps`` functions as the symbol name (``name [module]`` for modules).
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# include/linux/sched.h: the task states __trace_sched_switch_state() reports.
TASK_REPORT_MAX = 0x100
_STATE_BITS = {"R": 0, "S": 0x1, "D": 0x2, "T": 0x4, "t": 0x8, "X": 0x10, "Z": 0x20, "P": 0x40, "I": 0x80}
_STATE_CHARS = [(v, c) for c, v in _STATE_BITS.items() if v]

# include/linux/timer.h
TIMER_CPUMASK = 0x0003FFFF
TIMER_MIGRATING = 0x00040000
TIMER_DEFERRABLE = 0x00080000
TIMER_PINNED = 0x00100000
TIMER_IRQSAFE = 0x00200000
TIMER_ARRAYSHIFT = 22
_TIMER_FLAGS = [(TIMER_MIGRATING, "M"), (TIMER_DEFERRABLE, "D"), (TIMER_PINNED, "P"), (TIMER_IRQSAFE, "I")]

# include/trace/events/timer.h decode_hrtimer_mode()
HRTIMER_MODES = {0: "ABS", 1: "REL", 2: "ABS|PINNED", 3: "REL|PINNED", 4: "ABS|SOFT", 5: "REL|SOFT",
                 6: "ABS|PINNED|SOFT", 7: "REL|PINNED|SOFT", 8: "ABS|HARD", 9: "REL|HARD",
                 10: "ABS|PINNED|HARD", 11: "REL|PINNED|HARD"}  # fmt: skip

SOFTIRQ_NAMES = ["HI", "TIMER", "NET_TX", "NET_RX", "BLOCK", "IRQ_POLL", "TASKLET", "SCHED", "HRTIMER", "RCU"]


def prev_state_value(state: str) -> int:
    """The long sched_switch stores for an irqlab state string ("R", "R+", "D", ...)."""
    if state == "R+":
        return TASK_REPORT_MAX
    return _STATE_BITS[state]


def prev_state_text(v: int) -> str:
    """sched_switch's ``prev_state=%s%s`` for a stored value."""
    low = v & (TASK_REPORT_MAX - 1)
    s = "|".join(c for bit, c in _STATE_CHARS if low & bit) if low else "R"
    return s + ("+" if v & TASK_REPORT_MAX else "")


def timer_flags_text(flags: int) -> str:
    """decode_timer_flags(): __print_flags with M, D, P, I."""
    return "|".join(c for bit, c in _TIMER_FLAGS if flags & bit)


def bitmask_text(mask: int, nbits: int) -> str:
    """trace_print_bitmask_seq(): ``%*pb`` over the longs of a __bitmask, comma-separated 32-bit chunks."""
    nlongs = max(1, (nbits + 63) // 64)
    chunks = [f"{(mask >> (32 * i)) & 0xFFFFFFFF:08x}" for i in range(nlongs * 2 - 1, -1, -1)]
    return ",".join(chunks)


@dataclass(frozen=True, slots=True)
class Field:
    """One line of a format file: ``field:<ctype> <name>;\toffset:;\tsize:;\tsigned:;``."""

    ctype: str  # the declaration as the format file prints it, "<type> <name>"
    name: str
    size: int
    signed: bool
    kind: str  # "int", "str" (char[N]), "dstr" (__data_loc char[]), "ptr" (%p), "sym" (%ps),
    # "bitmask" (__data_loc unsigned long[]), "cstr" (const char *, printk_formats string),
    # "ret" (irqreturn_t kept as "handled"/"unhandled"), "state" (sched_switch prev_state kept as "R+", "D", ...)
    key: str = ""  # the key in TraceEvent.fields when it differs from the C name

    @property
    def k(self) -> str:
        return self.key or self.name


@dataclass(slots=True, eq=False)
class EventDef:
    """One trace event: system, name, id, its fields and its output."""

    system: str
    name: str
    fields: list[Field]
    print_fmt: str
    render: Callable[[dict[str, Any]], str]
    id: int = 0
    default: bool = True
    offsets: tuple[int, ...] = ()
    fixed_size: int = 0
    dynamic: tuple[Field, ...] = ()
    #: An ad-hoc irqlab event (created by name, fields as given): stored as its rendered text.
    free_form: bool = False

    @property
    def full_name(self) -> str:
        return f"{self.system}:{self.name}"

    def layout(self) -> None:
        """Offsets as the struct would place them after the 8-byte common header."""
        off = 8
        offs = []
        for f in self.fields:
            align = 4 if f.kind in ("dstr", "bitmask") else min(f.size, 8) if f.kind not in ("str",) else 1
            off = (off + align - 1) // align * align
            offs.append(off)
            off += f.size
        self.offsets = tuple(offs)
        self.fixed_size = off
        self.dynamic = tuple(f for f in self.fields if f.kind in ("dstr", "bitmask"))

    def format_file(self) -> str:
        """The text of events/<system>/<name>/format (kernel/trace/trace_events.c f_show())."""
        lines = [f"name: {self.name}", f"ID: {self.id}", "format:",
                 "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;",
                 "\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;",
                 "\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;",
                 "\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;", ""]  # fmt: skip
        for f, off in zip(self.fields, self.offsets):
            lines.append(f"\tfield:{f.ctype};\toffset:{off};\tsize:{f.size};\tsigned:{int(f.signed)};")
        lines += ["", f"print fmt: {self.print_fmt}", ""]
        return "\n".join(lines)

    def pack(self, v: dict[str, Any], sym: Callable[[str], int], cstr: Callable[[str], int]) -> bytes:
        """The binary record payload after the common header (TP_fast_assign's layout)."""
        if self.free_form:
            v = {"body": self.render(v)}
        buf = bytearray(self.fixed_size - 8)
        tail = bytearray()
        for f, off in zip(self.fields, self.offsets):
            o = off - 8
            x = v[f.k]
            k = f.kind
            if k == "ret":
                x, k = (0 if x == "unhandled" else 1), "int"
            elif k == "state":
                x, k = prev_state_value(x), "int"
            if k == "int":
                buf[o:o + f.size] = int(x).to_bytes(f.size, "little", signed=f.signed)
            elif k == "ptr":
                buf[o:o + 8] = (int(x, 16) if isinstance(x, str) else int(x)).to_bytes(8, "little")
            elif k == "sym":
                buf[o:o + 8] = (int(x, 16) if x.startswith("0x") else sym(x)).to_bytes(8, "little")
            elif k == "cstr":
                buf[o:o + 8] = cstr(x).to_bytes(8, "little")
            elif k == "str":
                raw = x.encode()[: f.size - 1]
                buf[o:o + len(raw)] = raw
            elif k == "cstring":
                # ftrace's print entry: a flexible char array with the newline tracing_mark_write() adds.
                tail += x.encode() + b"\n\0"
            else:
                if k == "dstr":
                    data = x.encode() + b"\0"
                else:
                    nlongs = max(1, (int(x[1]) + 63) // 64)
                    data = int(x[0]).to_bytes(8 * nlongs, "little")
                loc = self.fixed_size + len(tail)
                struct.pack_into("<I", buf, o, loc | (len(data) << 16))
                tail += data
        return bytes(buf + tail)


def _i(ctype: str, name: str, size: int = 4, signed: bool = True, kind: str = "int") -> Field:
    return Field(f"{ctype} {name}", name, size, signed, kind)


def _p(name: str, ctype: str = "void *") -> Field:
    return Field(f"{ctype} {name}", name, 8, False, "ptr")


def _s(name: str, key: str = "") -> Field:
    return Field(f"void * {name}", name, 8, False, "sym", key)


def _comm(name: str) -> Field:
    return Field(f"char {name}[16]", name, 16, False, "str")


def _dstr(name: str) -> Field:
    return Field(f"__data_loc char[] {name}", name, 4, False, "dstr")


_SOFTIRQ_SYMS = ", ".join(f'{{ {i}, "{n}" }}' for i, n in enumerate(SOFTIRQ_NAMES))
_STATE_MASK = "(0x0100 - 1)"
_SCHED_SWITCH_FMT = (
    '"prev_comm=%s prev_pid=%d prev_prio=%d prev_state=%s%s ==> next_comm=%s next_pid=%d next_prio=%d", '
    f"REC->prev_comm, REC->prev_pid, REC->prev_prio, (REC->prev_state & {_STATE_MASK}) ? "
    f'__print_flags(REC->prev_state & {_STATE_MASK}, "|", '
    + ", ".join(f'{{ 0x{v:04x}, "{c}" }}' for v, c in _STATE_CHARS)
    + ' ) : "R", REC->prev_state & 0x0100 ? "+" : "", REC->next_comm, REC->next_pid, REC->next_prio'
)
_HRTIMER_MODES_FMT = ", ".join(f'{{ {k}, "{v}" }}' for k, v in HRTIMER_MODES.items())


def _ev(system: str, name: str, fields: list[Field], fmt: str, render: Callable[[dict[str, Any]], str],
        default: bool = True) -> EventDef:  # fmt: skip
    return EventDef(system, name, fields, fmt, render, default=default)


def _wakeup(name: str) -> EventDef:
    return _ev("sched", name, [_comm("comm"), _i("pid_t", "pid"), _i("int", "prio"), _i("int", "target_cpu")],
               '"comm=%s pid=%d prio=%d target_cpu=%03d", REC->comm, REC->pid, REC->prio, REC->target_cpu',
               lambda f: f"comm={f['comm']} pid={f['pid']} prio={f['prio']} target_cpu={f['target_cpu']:03d}")  # fmt: skip


def _softirq(name: str) -> EventDef:
    return _ev("irq", name, [_i("unsigned int", "vec", signed=False)],
               f'"vec=%u [action=%s]", REC->vec, __print_symbolic(REC->vec, {_SOFTIRQ_SYMS})',
               lambda f: f"vec={f['vec']} [action={SOFTIRQ_NAMES[f['vec']]}]")  # fmt: skip


def _tasklet(name: str) -> EventDef:
    return _ev("irq", name, [_s("tasklet"), _s("func", "function")], '"tasklet=%ps function=%ps", REC->tasklet, REC->func',
               lambda f: f"tasklet={f['tasklet']} function={f['function']}")  # fmt: skip


def _ptr1(system: str, name: str, field: str) -> EventDef:
    return _ev(system, name, [_p(field)], f'"{field}=%p", REC->{field}', lambda f: f"{field}={f[field]}")


def _timer_start_text(f: dict[str, Any]) -> str:
    fl = f["flags"]
    return (f"timer={f['timer']} function={f['function']} expires={f['expires']} [timeout={f['expires'] - f['now']}] "
            f"bucket_expiry={f['bucket_expiry']} cpu={fl & TIMER_CPUMASK} idx={fl >> TIMER_ARRAYSHIFT} "
            f"flags={timer_flags_text(fl)}")  # fmt: skip


def _wq_exec(name: str) -> EventDef:
    return _ev("workqueue", name, [_p("work"), _s("function")],
               '"work struct %p: function %ps", REC->work, REC->function',
               lambda f: f"work struct {f['work']}: function {f['function']}")  # fmt: skip


def _build(arch: str) -> list[EventDef]:
    """The events of a 6.12 kernel for ``arch`` ("arm64" or "x86"), then irqlab's own."""
    evs = [
        _ev("irq", "irq_handler_entry", [_i("int", "irq"), _dstr("name")],
            '"irq=%d name=%s", REC->irq, __get_str(name)', lambda f: f"irq={f['irq']} name={f['name']}"),
        _ev("irq", "irq_handler_exit", [_i("int", "irq"), _i("int", "ret", kind="ret")],
            '"irq=%d ret=%s", REC->irq, REC->ret ? "handled" : "unhandled"',
            lambda f: f"irq={f['irq']} ret={f['ret']}"),
        _softirq("softirq_entry"), _softirq("softirq_exit"), _softirq("softirq_raise"),
        _tasklet("tasklet_entry"), _tasklet("tasklet_exit"),
        _ev("sched", "sched_switch",
            [_comm("prev_comm"), _i("pid_t", "prev_pid"), _i("int", "prev_prio"), _i("long", "prev_state", 8, kind="state"),
             _comm("next_comm"), _i("pid_t", "next_pid"), _i("int", "next_prio")], _SCHED_SWITCH_FMT,
            lambda f: f"prev_comm={f['prev_comm']} prev_pid={f['prev_pid']} prev_prio={f['prev_prio']} "
                      f"prev_state={f['prev_state']} ==> next_comm={f['next_comm']} next_pid={f['next_pid']} "
                      f"next_prio={f['next_prio']}"),
        _wakeup("sched_waking"), _wakeup("sched_wakeup"), _wakeup("sched_wakeup_new"),
        _ev("sched", "sched_migrate_task",
            [_comm("comm"), _i("pid_t", "pid"), _i("int", "prio"), _i("int", "orig_cpu"), _i("int", "dest_cpu")],
            '"comm=%s pid=%d prio=%d orig_cpu=%d dest_cpu=%d", REC->comm, REC->pid, REC->prio, REC->orig_cpu, '
            "REC->dest_cpu",
            lambda f: f"comm={f['comm']} pid={f['pid']} prio={f['prio']} orig_cpu={f['orig_cpu']} "
                      f"dest_cpu={f['dest_cpu']}"),
        _ev("timer", "timer_start",
            [_p("timer"), _s("function"), _i("unsigned long", "expires", 8, False),
             _i("unsigned long", "bucket_expiry", 8, False), _i("unsigned long", "now", 8, False),
             _i("unsigned int", "flags", 4, False)],
            '"timer=%p function=%ps expires=%lu [timeout=%ld] bucket_expiry=%lu cpu=%u idx=%u flags=%s", '
            "REC->timer, REC->function, REC->expires, (long)REC->expires - REC->now, REC->bucket_expiry, "
            "REC->flags & 0x0003FFFF, REC->flags >> 22, __print_flags(REC->flags & (0x00040000 | 0x00080000 | "
            '0x00100000 | 0x00200000), "|", { 0x00040000, "M" }, { 0x00080000, "D" }, { 0x00100000, "P" }, '
            '{ 0x00200000, "I" })', _timer_start_text),
        _ev("timer", "timer_expire_entry",
            [_p("timer"), _i("unsigned long", "now", 8, False), _s("function"),
             _i("unsigned long", "baseclk", 8, False)],
            '"timer=%p function=%ps now=%lu baseclk=%lu", REC->timer, REC->function, REC->now, REC->baseclk',
            lambda f: f"timer={f['timer']} function={f['function']} now={f['now']} baseclk={f['baseclk']}"),
        _ptr1("timer", "timer_expire_exit", "timer"),
        _ptr1("timer", "timer_cancel", "timer"),
        _ev("timer", "hrtimer_start",
            [_p("hrtimer"), _s("function"), _i("s64", "expires", 8), _i("s64", "softexpires", 8),
             _i("enum hrtimer_mode", "mode", 4, False)],
            '"hrtimer=%p function=%ps expires=%llu softexpires=%llu mode=%s", REC->hrtimer, REC->function, '
            "(unsigned long long) REC->expires, (unsigned long long) REC->softexpires, "
            f"__print_symbolic(REC->mode, {_HRTIMER_MODES_FMT})",
            lambda f: f"hrtimer={f['hrtimer']} function={f['function']} expires={f['expires']} "
                      f"softexpires={f['softexpires']} mode={HRTIMER_MODES[f['mode']]}"),
        _ev("timer", "hrtimer_expire_entry", [_p("hrtimer"), _i("s64", "now", 8), _s("function")],
            '"hrtimer=%p function=%ps now=%llu", REC->hrtimer, REC->function, (unsigned long long) REC->now',
            lambda f: f"hrtimer={f['hrtimer']} function={f['function']} now={f['now']}"),
        _ptr1("timer", "hrtimer_expire_exit", "hrtimer"),
        _ptr1("timer", "hrtimer_cancel", "hrtimer"),
        _ev("workqueue", "workqueue_queue_work",
            [_p("work"), _s("function"), _dstr("workqueue"), _i("int", "req_cpu"), _i("int", "cpu")],
            '"work struct=%p function=%ps workqueue=%s req_cpu=%d cpu=%d", REC->work, REC->function, '
            "__get_str(workqueue), REC->req_cpu, REC->cpu",
            lambda f: f"work struct={f['work']} function={f['function']} workqueue={f['workqueue']} "
                      f"req_cpu={f['req_cpu']} cpu={f['cpu']}"),
        _ev("workqueue", "workqueue_activate_work", [_p("work"), _s("function")],
            '"work struct %p function=%ps ", REC->work, REC->function',
            lambda f: f"work struct {f['work']} function={f['function']} "),
        _wq_exec("workqueue_execute_start"), _wq_exec("workqueue_execute_end"),
        _ev("napi", "napi_poll",
            [_p("napi", "struct napi_struct *"), _dstr("dev_name"), _i("int", "work"), _i("int", "budget")],
            '"napi poll on napi struct %p for device %s work %d budget %d", REC->napi, __get_str(dev_name), '
            "REC->work, REC->budget",
            lambda f: f"napi poll on napi struct {f['napi']} for device {f['dev_name']} work {f['work']} "
                      f"budget {f['budget']}"),
        _ev("printk", "console", [_dstr("msg")], '"%s", __get_str(msg)', lambda f: str(f["msg"])),
    ]  # fmt: skip
    if arch == "x86":
        # arch/x86/include/asm/trace/irq_vectors.h: DEFINE_IRQ_VECTOR_EVENT(local_timer), (reschedule), ...
        for vec in ("local_timer", "reschedule", "call_function_single"):
            for edge in ("entry", "exit"):
                evs.append(_ev("irq_vectors", f"{vec}_{edge}", [_i("int", "vector")], '"vector=%d", REC->vector',
                               lambda f: f"vector={f['vector']}"))  # fmt: skip
    if arch == "arm64":
        evs.append(_ev("ipi", "ipi_raise",
                       [Field("__data_loc unsigned long[] target_cpus", "target_cpus", 4, False, "bitmask"),
                        Field("const char * reason", "reason", 8, False, "cstr")],
                       '"target_mask=%s (%s)", __get_bitmask(target_cpus), REC->reason',
                       lambda f: f"target_mask={bitmask_text(*f['target_cpus'])} ({f['reason']})"))  # fmt: skip
    evs += [
        _ev("irqlab", "irq_entry", [_i("int", "cpu")], '"cpu=%d", REC->cpu', lambda f: f"cpu={f['cpu']}", False),
        _ev("irqlab", "irq_exit", [_i("int", "cpu")], '"cpu=%d", REC->cpu', lambda f: f"cpu={f['cpu']}", False),
        _ev("irqlab", "irq_thread_entry", [_i("int", "irq"), _dstr("name")],
            '"irq=%d name=%s", REC->irq, __get_str(name)', lambda f: f"irq={f['irq']} name={f['name']}", False),
        _ev("irqlab", "irq_thread_exit", [_i("int", "irq"), _dstr("name"), _i("int", "ret", kind="ret")],
            '"irq=%d name=%s ret=%s", REC->irq, __get_str(name), REC->ret ? "handled" : "unhandled"',
            lambda f: f"irq={f['irq']} name={f['name']} ret={f['ret']}", False),
        _ev("irqlab", "kernel_bug", [_dstr("kind"), _dstr("msg")], '"%s: %s", __get_str(kind), __get_str(msg)',
            lambda f: f"{f['kind']}: {f['msg']}", False),
    ]  # fmt: skip
    # SIMPLIFICATION: event ids are dynamic in the kernel (register_trace_event() hands them out from
    # __TRACE_LAST_TYPE); irqlab numbers its events in this table's order from 300 so files are reproducible.
    for i, e in enumerate(evs):
        e.id = 300 + i
        e.layout()
    return evs


def free_form_event(name: str, id: int) -> EventDef:
    """An ``irqlab:<name>`` event for instrumentation added by name at run time: ``key=value`` pairs,
    kept in the binary formats as one string."""
    ev = EventDef("irqlab", name, [_dstr("body")], '"%s", __get_str(body)',
                  lambda f: " ".join(f"{k}={v}" for k, v in f.items()), default=False, free_form=True)  # fmt: skip
    ev.id = id
    ev.layout()
    return ev


_CACHE: dict[str, list[EventDef]] = {}


def event_table(arch: str) -> list[EventDef]:
    """The event definitions for ``arch`` (shared, read-only)."""
    t = _CACHE.get(arch)
    if t is None:
        t = _CACHE[arch] = _build(arch)
    return t


# trace_marker's event (ftrace:print), written by tracing_mark_write() and stored in trace.dat files.
def _marker_event() -> EventDef:
    ev = EventDef("ftrace", "print", [Field("unsigned long ip", "ip", 8, False, "sym"),
                                      Field("char buf[]", "buf", 0, True, "cstring")],
                  '"%ps: %s", (void *)REC->ip, REC->buf', lambda f: f"tracing_mark_write: {f['buf']}")  # fmt: skip
    ev.id = 5
    ev.offsets = (8, 16)
    ev.fixed_size = 16
    ev.dynamic = (ev.fields[1],)
    return ev


MARKER_EVENT = _marker_event()
