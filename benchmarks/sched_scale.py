"""Scheduler scale benchmark: CPU time per context switch against the number of runnable tasks.

One CPU of the generic board, N tasks, each in a fresh process, for N in 10, 40, 200, 2000:

* fair: N SCHED_NORMAL tasks, each looping ``cpu_work(2 us); sched_yield()``: every switch enqueues the
  previous task and picks the leftmost of N entities;
* rt: N SCHED_FIFO tasks spread over priorities 1-90, each looping ``cpu_work(2 us); msleep(1)``: the
  sleepers wake together at each jiffy, so up to N tasks wait in the RT priority array at once.

Each task first parks on a completion and is started one at a time, so setup does not depend on how
deep the scheduler's stack is when a fiber first runs; every task is then released at once. The measured
stretch is a span of simulated time (the simulation is deterministic: a first millisecond gives the
switches per simulated ns), so no stop predicate runs at each event.

    python benchmarks/sched_scale.py [--switches N] [--repeat R] [--sizes 10,40,200,2000] [--floor-depth D] [--stack-bytes]

Prints microseconds of CPU time per context switch and the ratio to the smallest size; then the
greenlet floor with as many greenlets: each started on a flat stack, parked ``--floor-depth``
Python-to-C-to-Python calls deep (default 2: about the C stack a task's fiber holds when it switches),
switching straight to the next one in a ring, one greenlet switch per step as a context switch makes.
The floor's growth with N is the cost of reloading saved C stacks and greenlet states that no longer
fit the CPU's caches, which every context switch pays whatever the scheduler does.

``--stack-bytes`` also prints, per context switch and per floor step, the greenlet switches and the
bytes of C stack greenlet copies out and back (its ``memcpy`` calls, counted by a small preloaded
library built with ``cc``), which shows whether the floor holds as deep a stack as the tasks.
Figures only.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from functools import partial
from typing import Any

#: An LD_PRELOAD library counting the memcpy calls made from greenlet's extension module (its stack
#: save and restore; greenlet calls memcpy through its PLT), with their bytes.
_COUNTER_C = r"""
#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>
#include <string.h>
static void *(*real_memcpy)(void *, const void *, size_t);
static unsigned long lo, hi;
static unsigned long long calls, bytes;
static int find(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size; (void)data;
  if (!strstr(info->dlpi_name, "/greenlet/_greenlet")) return 0;
  for (int i = 0; i < info->dlpi_phnum; i++)
    if (info->dlpi_phdr[i].p_type == PT_LOAD && (info->dlpi_phdr[i].p_flags & PF_X)) {
      lo = info->dlpi_addr + info->dlpi_phdr[i].p_vaddr;
      hi = lo + info->dlpi_phdr[i].p_memsz;
    }
  return 0;
}
void stack_bytes_reset(void) { calls = bytes = 0; if (!lo) dl_iterate_phdr(find, 0); }
unsigned long long stack_bytes_calls(void) { return calls; }
unsigned long long stack_bytes_total(void) { return bytes; }
void *memcpy(void *d, const void *s, size_t n) {
  unsigned long ra = (unsigned long)__builtin_return_address(0);
  if (!real_memcpy) real_memcpy = (void *(*)(void *, const void *, size_t))dlsym(RTLD_NEXT, "memcpy");
  if (ra >= lo && ra < hi) { calls++; bytes += n; }
  return real_memcpy(d, s, n);
}
"""


class _Counter:
    """The preloaded counter's functions in this process, or none."""

    def __init__(self) -> None:
        self.lib: Any = None
        if os.environ.get("SCHED_SCALE_COUNTER"):
            self.lib = ctypes.CDLL(None)
            self.lib.stack_bytes_calls.restype = ctypes.c_ulonglong
            self.lib.stack_bytes_total.restype = ctypes.c_ulonglong

    def reset(self) -> None:
        if self.lib is not None:
            self.lib.stack_bytes_reset()

    def read(self) -> tuple[int, int]:
        if self.lib is None:
            return 0, 0
        return int(self.lib.stack_bytes_calls()), int(self.lib.stack_bytes_total())


def _build_counter(tmp: str) -> str:
    """Compile the memcpy counter into ``tmp``; returns its path (exits with a clear error without a compiler)."""
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        sys.exit("--stack-bytes needs a C compiler (cc or gcc) on PATH to build its memcpy counter")
    src = os.path.join(tmp, "stack_bytes.c")
    lib = os.path.join(tmp, "stack_bytes.so")
    with open(src, "w") as f:
        f.write(_COUNTER_C)
    subprocess.run([cc, "-O2", "-shared", "-fPIC", "-o", lib, src, "-ldl"], check=True)
    return lib


def _parked(t: Any) -> bool:
    return t.state.value in ("sleeping", "blocked")


def run_one(kind: str, n: int, switches: int) -> tuple[float, int, int, int, int]:
    """CPU seconds spent, context switches made, greenlet switches, memcpy calls and bytes from greenlet, over a
    stretch of simulated time that makes about ``switches`` context switches with ``n`` tasks."""
    import irqlab
    from irqlab.kernel import DECLARE_COMPLETION, complete_all, cpu_work, msleep, wait_for_completion
    from irqlab.kernel.sched.current import yield_

    m = irqlab.boot("generic", cpus=1, seed=1)
    go = DECLARE_COMPLETION("go")

    def fair_body() -> None:
        wait_for_completion(go)
        while True:
            cpu_work(2_000)
            yield_()

    def rt_body() -> None:
        wait_for_completion(go)
        while True:
            cpu_work(2_000)
            msleep(1)

    for i in range(n):
        if kind == "fair":
            t = m.spawn(fair_body, name=f"fair{i}")
        else:
            t = m.spawn(rt_body, name=f"rt{i}", policy="fifo", prio=1 + i % 90)
        m.run_until(partial(_parked, t), "1s")
    m.spawn(lambda: complete_all(go), name="go")
    cpu = m.kernel.cpus[0]
    eng = m.kernel.engine
    m.run(for_="1ms")
    start = cpu.nr_switches
    m.run(for_="1ms")
    per_ms = max(cpu.nr_switches - start, 1)
    span_ns = max(1, switches * 1_000_000 // per_ms)
    counter = _Counter()
    start, glets = cpu.nr_switches, eng.switches
    counter.reset()
    t0 = time.process_time()
    m.run(for_=f"{span_ns}ns")
    spent = time.process_time() - t0
    calls, nbytes = counter.read()
    return spent, cpu.nr_switches - start, eng.switches - glets, calls, nbytes


def greenlet_floor(n: int, switches: int, depth: int) -> tuple[float, int, int]:
    """CPU seconds for ``switches`` steps among ``n`` greenlets in a ring, each started on a flat stack and parked
    ``depth`` C-level frames deep, each step one switch straight to the next greenlet; memcpy calls and bytes."""
    from greenlet import getcurrent, greenlet

    main = getcurrent()
    fibers: list[Any] = []
    left = [switches]

    def step(i: int) -> None:
        nxt = (i + 1) % n
        while True:
            left[0] -= 1
            if left[0] < 0:
                main.switch()
            else:
                fibers[nxt].switch()

    def nest(d: int, i: int) -> object:
        if d:
            return list(map(lambda _: nest(d - 1, i), [0]))
        step(i)
        return None

    def body(i: int) -> None:
        main.switch()  # started: parked at the bottom of its stack until the ring starts
        nest(depth, i)

    for i in range(n):
        g = greenlet(partial(body, i))
        fibers.append(g)
        g.switch()
    counter = _Counter()
    counter.reset()
    t0 = time.process_time()
    fibers[0].switch()
    spent = time.process_time() - t0
    calls, nbytes = counter.read()
    return spent, calls, nbytes


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--switches", type=int, default=20_000)
    ap.add_argument("--sizes", default="10,40,200,2000")
    ap.add_argument("--floor-depth", type=int, default=2, help="C-level nesting of the floor's parked greenlets")
    ap.add_argument("--repeat", type=int, default=3, help="rounds over the sizes, alternating; medians printed")
    ap.add_argument("--stack-bytes", action="store_true", help="also count greenlet's stack copies (needs cc)")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        if args.child[0] == "floor":
            steps = 10 * args.switches
            spent, calls, nbytes = greenlet_floor(int(args.child[1]), steps, args.floor_depth)
            print(f"{spent:.6f} {steps} {steps} {calls} {nbytes}")
            return
        spent, done, glets, calls, nbytes = run_one(args.child[0], int(args.child[1]), args.switches)
        print(f"{spent:.6f} {done} {glets} {calls} {nbytes}")
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as tmp:
        if args.stack_bytes:
            env["LD_PRELOAD"] = _build_counter(tmp)
            env["SCHED_SCALE_COUNTER"] = "1"
        print(f"context-switch cost, one CPU, about {args.switches} switches per run (CPU time, fresh process per run, median of {args.repeat}); "
              f"floor: greenlets {args.floor_depth} C-level calls deep, one switch per step")  # fmt: skip
        growth: dict[str, float] = {}
        for kind in ("fair", "rt", "floor"):
            # ``repeat`` rounds over the sizes, alternating, each size's median kept: a noisy spell of the machine
            # spreads over the sizes instead of landing on one.
            runs: dict[int, list[tuple[float, list[str]]]] = {n: [] for n in sizes}
            for _ in range(max(args.repeat, 1)):
                for n in sizes:
                    cmd = [sys.executable, os.path.abspath(__file__), "--child", kind, str(n), "--switches",
                           str(args.switches), "--floor-depth", str(args.floor_depth)]  # fmt: skip
                    out = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env)
                    spent_s, *counts = out.stdout.split()
                    runs[n].append((float(spent_s), counts))
            base = 0.0
            for n in sizes:
                done_s, glets_s, calls_s, bytes_s = runs[n][0][1]
                done = int(done_s)
                us = statistics.median(spent for spent, _ in runs[n]) / done * 1e6
                base = base or us
                what = "greenlets:     " if kind == "floor" else "runnable tasks:"
                unit = "greenlet" if kind == "floor" else "task"
                line = f"{kind:5s} {n:5d} {what} {us:8.2f} us per switch  ({us / base:5.2f}x the {sizes[0]}-{unit} cost)"
                if args.stack_bytes:
                    line += (f"  {int(glets_s) / done:4.2f} greenlet switches, {int(calls_s) / done:4.2f} stack copies,"
                             f" {int(bytes_s) / done:6.0f} bytes copied per switch")  # fmt: skip
                print(line, flush=True)
                growth[kind] = us - base
        if len(sizes) > 1:
            print(f"growth per switch from {sizes[0]} to {sizes[-1]}: fair {growth['fair']:+.2f} us, rt {growth['rt']:+.2f} us, "
                  f"floor {growth['floor']:+.2f} us (what any switch among as many greenlets pays)")  # fmt: skip


if __name__ == "__main__":
    main()
