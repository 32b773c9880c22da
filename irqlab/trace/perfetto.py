"""Perfetto's native trace format: TracePackets with FtraceEventBundles, as traced_probes writes them.

Built with the protos the ``perfetto`` package ships (perfetto.protos.perfetto.trace.perfetto_trace_pb2).
Each CPU's events go into FtraceEventBundles (typed messages for sched, irq, softirq, ipi,
workqueue, timer, hrtimer, printk console and trace_marker print; GenericFtraceEvent for the rest),
``%ps`` functions as interned kernel symbols (InternedData.kernel_symbols, as ``symbolize_ksyms``
gives them), then a ProcessTree and SystemInfo. Packets stream to the file as bundles fill up.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Any

from irqlab.trace.events import prev_state_value

if TYPE_CHECKING:
    from irqlab.trace.tracepoint import TraceBus

SEQ_ID = 1
BUNDLE_EVENTS = 1000


def protos() -> Any:
    """The perfetto package's compiled trace protos (a clear error when the ``perfetto`` extra is missing)."""
    try:
        from perfetto.protos.perfetto.trace import perfetto_trace_pb2
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise RuntimeError("writing .perfetto-trace files needs the perfetto package: "
                           "pip install 'irqlab[perfetto]'") from exc  # fmt: skip
    return perfetto_trace_pb2


def _ptr(v: Any) -> int:
    return int(v, 16) if isinstance(v, str) else int(v)


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


class PerfettoWriter:
    """Stream a trace's events into a .perfetto-trace file (``add``, then ``close``)."""

    def __init__(self, path: str, bus: TraceBus) -> None:
        self.pb = protos()
        self.f: IO[bytes] = open(path, "wb")  # noqa: SIM115 - closed by close()
        self.bus = bus
        self.count = 0
        self.bundles: dict[int, Any] = {}
        self.pending: dict[int, int] = {}
        self.syms: dict[str, int] = {}
        self.new_syms: list[tuple[int, str]] = []
        self.tasks: dict[int, str] = {}
        self.first = True
        self._fill: dict[str, Callable[[Any, Any, Any], None]] = {
            "sched_switch": self._sched_switch, "sched_waking": self._wakeup, "sched_wakeup": self._wakeup,
            "sched_wakeup_new": self._wakeup, "local_timer_entry": self._vector, "local_timer_exit": self._vector,
            "sched_migrate_task": self._migrate, "irq_handler_entry": self._irq_entry,
            "irq_handler_exit": self._irq_exit, "softirq_entry": self._vec, "softirq_exit": self._vec,
            "softirq_raise": self._vec, "ipi_raise": self._ipi, "workqueue_queue_work": self._wq_queue,
            "workqueue_activate_work": self._wq, "workqueue_execute_start": self._wq,
            "workqueue_execute_end": self._wq, "timer_start": self._timer_start,
            "timer_expire_entry": self._timer_expire, "timer_expire_exit": self._ptr1("timer"),
            "timer_cancel": self._ptr1("timer"), "hrtimer_start": self._hrtimer_start,
            "hrtimer_expire_entry": self._hrtimer_expire, "hrtimer_expire_exit": self._ptr1("hrtimer"),
            "hrtimer_cancel": self._ptr1("hrtimer"), "console": self._console, "print": self._print,
        }  # fmt: skip

    # -- symbols -------------------------------------------------------------------------
    def sym(self, name: str) -> int:
        """The interned iid of a %ps symbol (the raw address for an unnamed 0x pointer)."""
        if name.startswith("0x"):
            return int(name, 16)
        iid = self.syms.get(name)
        if iid is None:
            iid = self.syms[name] = len(self.syms) + 1
            self.new_syms.append((iid, name))
        return iid

    # -- events --------------------------------------------------------------------------
    def add(self, ev: Any) -> None:
        b = self.bundles.get(ev.cpu)
        if b is None:
            b = self.bundles[ev.cpu] = self.pb.FtraceEventBundle(cpu=ev.cpu)
            self.pending[ev.cpu] = 0
        fe = b.event.add(timestamp=ev.ts, pid=ev.pid, common_flags=ev.trace_flags)
        fill = self._fill.get(ev.name) if ev.system not in ("irqlab",) else None
        if fill is not None:
            fill(fe, ev, ev.fields)
        else:
            self._generic(fe, ev)
        if ev.pid and ev.pid not in self.tasks:
            self.tasks[ev.pid] = ev.comm
        if ev.name == "sched_switch":
            for pid, comm in ((ev["prev_pid"], ev["prev_comm"]), (ev["next_pid"], ev["next_comm"])):
                if pid:
                    self.tasks[pid] = comm
        self.count += 1
        self.pending[ev.cpu] += 1
        if self.pending[ev.cpu] >= BUNDLE_EVENTS:
            self._flush(ev.cpu)

    def _flush(self, cpu: int) -> None:
        b = self.bundles.pop(cpu, None)
        if b is None or not len(b.event):
            return
        pkt = self.pb.TracePacket(trusted_packet_sequence_id=SEQ_ID)
        if self.first:
            pkt.first_packet_on_sequence = True
            pkt.sequence_flags = self.pb.TracePacket.SEQ_INCREMENTAL_STATE_CLEARED
            self.first = False
        else:
            pkt.sequence_flags = self.pb.TracePacket.SEQ_NEEDS_INCREMENTAL_STATE
        for iid, name in self.new_syms:
            pkt.interned_data.kernel_symbols.add(iid=iid, str=name.split(" [")[0].encode())
        self.new_syms.clear()
        pkt.ftrace_events.CopyFrom(b)
        self._write(pkt)

    def _write(self, pkt: Any) -> None:
        data = pkt.SerializeToString()
        # Trace.packet is field 1, length-delimited: a file is these records back to back.
        self.f.write(b"\x0a" + _varint(len(data)) + data)

    def close(self) -> None:
        """Flush the open bundles, then write the process tree and system info."""
        for cpu in sorted(self.bundles):
            self._flush(cpu)
        tree = self.pb.ProcessTree()
        for pid, comm in sorted(self.tasks.items()):
            # SIMPLIFICATION: every simulated task is its own process (thread group leader).
            tree.processes.add(pid=pid, ppid=0, cmdline=[comm], cmdline_is_comm=True)
            tree.threads.add(tid=pid, tgid=pid, name=comm)
        self._write(self.pb.TracePacket(trusted_packet_sequence_id=SEQ_ID, process_tree=tree))
        parts = self.bus.uname.split(" ", 3)
        if len(parts) == 4:
            version, _, machine = parts[3].rpartition(" ")
            info = self.pb.SystemInfo()
            info.utsname.sysname, info.utsname.release = parts[0], parts[2]
            info.utsname.version, info.utsname.machine = version, machine
            self._write(self.pb.TracePacket(trusted_packet_sequence_id=SEQ_ID, system_info=info))
        self.f.close()

    # -- typed events ----------------------------------------------------------------------
    def _sched_switch(self, fe: Any, ev: Any, f: dict[str, Any]) -> None:
        m = fe.sched_switch
        m.prev_comm, m.prev_pid, m.prev_prio = f["prev_comm"], f["prev_pid"], f["prev_prio"]
        m.prev_state = prev_state_value(f["prev_state"])
        m.next_comm, m.next_pid, m.next_prio = f["next_comm"], f["next_pid"], f["next_prio"]

    def _wakeup(self, fe: Any, ev: Any, f: dict[str, Any]) -> None:
        m = getattr(fe, ev.name)
        m.comm, m.pid, m.prio, m.success, m.target_cpu = f["comm"], f["pid"], f["prio"], 1, f["target_cpu"]

    def _vector(self, fe: Any, ev: Any, f: dict[str, Any]) -> None:
        getattr(fe, ev.name).vector = f["vector"]

    def _migrate(self, fe: Any, ev: Any, f: dict[str, Any]) -> None:
        m = fe.sched_migrate_task
        m.comm, m.pid, m.prio, m.orig_cpu, m.dest_cpu = f["comm"], f["pid"], f["prio"], f["orig_cpu"], f["dest_cpu"]

    def _irq_entry(self, fe: Any, ev: Any, f: dict[str, Any]) -> None:
        fe.irq_handler_entry.irq, fe.irq_handler_entry.name = f["irq"], f["name"]

    def _irq_exit(self, fe: Any, ev: Any, f: dict[str, Any]) -> None:
        fe.irq_handler_exit.irq, fe.irq_handler_exit.ret = f["irq"], 0 if f["ret"] == "unhandled" else 1

    def _vec(self, fe: Any, ev: Any, f: dict[str, Any]) -> None:
        getattr(fe, ev.name).vec = f["vec"]

    def _ipi(self, fe: Any, ev: Any, f: dict[str, Any]) -> None:
        fe.ipi_raise.target_cpus, fe.ipi_raise.reason = f["target_cpus"][0], f["reason"]

    def _wq_queue(self, fe: Any, ev: Any, f: dict[str, Any]) -> None:
        m = fe.workqueue_queue_work
        m.work, m.function, m.workqueue = _ptr(f["work"]), self.sym(f["function"]), f["workqueue"]
        m.req_cpu, m.cpu = f["req_cpu"], f["cpu"]

    def _wq(self, fe: Any, ev: Any, f: dict[str, Any]) -> None:
        m = getattr(fe, ev.name)
        m.work, m.function = _ptr(f["work"]), self.sym(f["function"])

    def _timer_start(self, fe: Any, ev: Any, f: dict[str, Any]) -> None:
        m = fe.timer_start
        m.timer, m.function, m.expires, m.now = _ptr(f["timer"]), self.sym(f["function"]), f["expires"], f["now"]
        m.flags, m.bucket_expiry = f["flags"], f["bucket_expiry"]

    def _timer_expire(self, fe: Any, ev: Any, f: dict[str, Any]) -> None:
        m = fe.timer_expire_entry
        m.timer, m.now, m.function, m.baseclk = _ptr(f["timer"]), f["now"], self.sym(f["function"]), f["baseclk"]

    def _hrtimer_start(self, fe: Any, ev: Any, f: dict[str, Any]) -> None:
        m = fe.hrtimer_start
        m.hrtimer, m.function = _ptr(f["hrtimer"]), self.sym(f["function"])
        m.expires, m.softexpires, m.mode = f["expires"], f["softexpires"], f["mode"]

    def _hrtimer_expire(self, fe: Any, ev: Any, f: dict[str, Any]) -> None:
        m = fe.hrtimer_expire_entry
        m.hrtimer, m.now, m.function = _ptr(f["hrtimer"]), f["now"], self.sym(f["function"])

    def _ptr1(self, key: str) -> Callable[[Any, Any, Any], None]:
        def fill(fe: Any, ev: Any, f: dict[str, Any]) -> None:
            setattr(getattr(fe, ev.name), key, _ptr(f[key]))

        return fill

    def _console(self, fe: Any, ev: Any, f: dict[str, Any]) -> None:
        fe.console.msg = f["msg"]

    def _print(self, fe: Any, ev: Any, f: dict[str, Any]) -> None:
        fe.print.ip, fe.print.buf = self.sym(f["ip"]), f["buf"] + "\n"

    def _generic(self, fe: Any, ev: Any) -> None:
        g = fe.generic
        g.event_name = ev.name
        pairs = ev.fields.items() if ev.event.free_form else ((fd.name, ev.fields[fd.k]) for fd in ev.event.fields)
        for key, v in pairs:
            item = g.field.add(name=key)
            if isinstance(v, int):
                item.int_value = v
            else:
                item.str_value = str(v)
