"""Trace streaming benchmark: resident memory while 10 million events stream into a trace file.

Events go through the real tracepoint path (context bytes, the per-CPU rings in overwrite mode at
the default 1408 KiB per CPU, and a streaming writer attached as a sink) from a synthetic
four-CPU interrupt/softirq/scheduler/workqueue/timer pattern, so the figure is the trace
machinery's own and not the simulator's. Prints the RSS every million events and the rate.

    python benchmarks/trace_stream.py [--events N] [--format dat|perfetto|json|txt] [--out PATH]
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time

from irqlab.trace import TraceBus


def rss_mib() -> float:
    """Current resident set size (MiB), from /proc/self/statm."""
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=10_000_000)
    ap.add_argument("--format", default="dat", choices=["dat", "perfetto", "json", "txt"])
    ap.add_argument("--out", help="output file (default: a temporary file, removed afterwards)")
    args = ap.parse_args()
    suffix = {"dat": ".dat", "perfetto": ".perfetto-trace", "json": ".json", "txt": ".txt"}[args.format]
    out = args.out or tempfile.mktemp(suffix=suffix)

    now = [0]
    comms = [("<idle>", 0), ("kworker/0:1", 17), ("irq/42-eth0", 120), ("ksoftirqd/1", 2)]

    def context(cpu: int) -> tuple[str, int, int, int]:
        comm, pid = comms[(now[0] >> 12) % 4]
        return comm, pid, 0x09 if cpu & 1 else 0x00, 1

    bus = TraceBus(lambda: now[0], context, nr_cpus=4, arch="arm64")
    bus.enable()
    tp = bus
    print(f"format {args.format}, {args.events:,} events, rings 4 x {bus.buffer_size_kb} KiB, rss at start "
          f"{rss_mib():.1f} MiB")  # fmt: skip
    t0 = time.perf_counter()
    with bus.stream(out) as w:
        n = 0
        step = 1_000_000
        while n < args.events:
            for i in range(min(step, args.events - n) // 10):
                cpu = i & 3
                now[0] += 731
                tp.irq_handler_entry.emit(cpu, irq=42, name="eth0")
                tp.irq_handler_exit.emit(cpu, irq=42, ret="handled")
                tp.softirq_raise.emit(cpu, vec=3)
                tp.softirq_entry.emit(cpu, vec=3)
                tp.napi_poll.emit(cpu, napi="00000000fa096346", dev_name="eth0", work=7, budget=64)
                tp.softirq_exit.emit(cpu, vec=3)
                tp.sched_switch.emit(cpu, prev_comm="swapper/0", prev_pid=0, prev_prio=120, prev_state="R",
                                     next_comm="kworker/0:1", next_pid=17, next_prio=120)  # fmt: skip
                tp.workqueue_execute_start.emit(cpu, work="0000000072e74a0a", function="vmstat_update")
                tp.workqueue_execute_end.emit(cpu, work="0000000072e74a0a", function="vmstat_update")
                tp.timer_start.emit(cpu, timer="00000000111ec3bb", function="process_timeout", expires=4294892548,
                                    bucket_expiry=4294892552, now=4294892298, flags=0x4000000 | cpu)  # fmt: skip
            n = min(n + step, args.events)
            el = time.perf_counter() - t0
            print(f"{n:>11,} events  rss {rss_mib():7.1f} MiB  ring {bus.entries()[0]:,} kept  {n / el:,.0f} events/s")
    el = time.perf_counter() - t0
    size = os.path.getsize(out)
    print(f"wrote {w.count:,} events, {size / 2**20:.1f} MiB, in {el:.1f} s; "
          f"peak rss {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f} MiB")  # fmt: skip
    if not args.out:
        os.unlink(out)


if __name__ == "__main__":
    main()
