"""The /proc/sys/kernel files of the lockup, hung task and RCU stall detectors.

Mirrors the ctl_table entries of kernel/watchdog.c (watchdog_sysctls), kernel/hung_task.c (hung_task_sysctls) and
kernel/rcu/tree_stall.h, and the proc_dointvec_minmax / proc_doulongvec_minmax handlers of kernel/sysctl.c: a
read prints the value and a newline; a write parses one integer and fails with -EINVAL when it is malformed or
out of range, leaving the value unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from irqlab.errno import EINVAL
from irqlab.kernel.hung_task import HungTask
from irqlab.kernel.rcu.tree_stall import RcuStall
from irqlab.kernel.sched.deadline import FairServer, SchedBandwidth
from irqlab.kernel.watchdog import WATCHDOG_HARDLOCKUP_ENABLED, WATCHDOG_SOFTOCKUP_ENABLED, Watchdog

if TYPE_CHECKING:
    from irqlab.fs.procfs import ProcFS

INT_MAX = (1 << 31) - 1
LONG_MAX = (1 << 63) - 1
ENOTSUPP = 524


def _parse_int(text: str) -> int | None:
    parts = text.split()
    if len(parts) != 1:
        return None
    try:
        return int(parts[0], 10)
    except ValueError:
        return None


def int_file(
    fs: ProcFS,
    path: str,
    get: Callable[[], int],
    put: Callable[[int], None] | None,
    lo: int,
    hi: int,
) -> None:
    """Register a proc_dointvec_minmax file; ``put`` None makes it read-only (mode 0444)."""

    def read() -> str:
        return f"{get()}\n"

    def write(text: str) -> int:
        val = _parse_int(text)
        if val is None or not lo <= val <= hi:
            return -EINVAL
        assert put is not None
        put(val)
        return len(text)

    fs.register(path, read, write if put is not None else None)


def _cpulist(mask: int) -> str:
    out: list[str] = []
    cpu = 0
    while mask >> cpu:
        if mask >> cpu & 1:
            end = cpu
            while mask >> (end + 1) & 1:
                end += 1
            out.append(str(cpu) if end == cpu else f"{cpu}-{end}")
            cpu = end + 1
        else:
            cpu += 1
    return ",".join(out)


def _parse_cpulist(text: str, ncpus: int) -> int | None:
    mask = 0
    text = text.strip()
    if not text:
        return 0
    for part in text.split(","):
        lo_s, _, hi_s = part.partition("-")
        try:
            lo, hi = int(lo_s), int(hi_s or lo_s)
        except ValueError:
            return None
        if lo > hi or hi >= ncpus or lo < 0:
            return None
        for c in range(lo, hi + 1):
            mask |= 1 << c
    return mask


def watchdog_sysctl_init(fs: ProcFS) -> None:
    """kernel/watchdog.c's watchdog_sysctls (and watchdog_hardlockup_sysctl when a hard lockup detector is built)."""

    wd: Watchdog = fs.k.subsys["watchdog"]
    base = "/proc/sys/kernel/"

    def common(attr: str, which: int) -> tuple[Callable[[], int], Callable[[int], None]]:
        # proc_watchdog_common(): a read reports whether the detector runs; a change reconfigures.
        def get() -> int:
            return int(wd.watchdog_enabled & which != 0)

        def put(val: int) -> None:
            old = getattr(wd, attr)
            setattr(wd, attr, val)
            if old != val:
                wd.reconfigure()

        return get, put

    get, put = common("watchdog_user_enabled", WATCHDOG_HARDLOCKUP_ENABLED | WATCHDOG_SOFTOCKUP_ENABLED)
    int_file(fs, base + "watchdog", get, put, 0, 1)

    def put_thresh(val: int) -> None:
        old = wd.watchdog_thresh
        wd.watchdog_thresh = val
        if old != val:
            wd.reconfigure()

    int_file(fs, base + "watchdog_thresh", lambda: wd.watchdog_thresh, put_thresh, 0, 60)
    get, put = common("soft_watchdog_user_enabled", WATCHDOG_SOFTOCKUP_ENABLED)
    int_file(fs, base + "soft_watchdog", get, put, 0, 1)
    get, put = common("nmi_watchdog_user_enabled", WATCHDOG_HARDLOCKUP_ENABLED)
    if wd.watchdog_hardlockup_available:
        int_file(fs, base + "nmi_watchdog", get, put, 0, 1)
    else:
        int_file(fs, base + "nmi_watchdog", get, None, 0, 1)  # watchdog_sysctl_init(): mode 0444
    int_file(fs, base + "softlockup_panic", lambda: wd.softlockup_panic,
             lambda v: setattr(wd, "softlockup_panic", v), 0, 1)  # fmt: skip
    int_file(fs, base + "softlockup_all_cpu_backtrace", lambda: wd.softlockup_all_cpu_backtrace,
             lambda v: setattr(wd, "softlockup_all_cpu_backtrace", v), 0, 1)  # fmt: skip
    if wd.watchdog_hardlockup_available:
        int_file(fs, base + "hardlockup_panic", lambda: wd.hardlockup_panic,
                 lambda v: setattr(wd, "hardlockup_panic", v), 0, 1)  # fmt: skip
        int_file(fs, base + "hardlockup_all_cpu_backtrace", lambda: wd.hardlockup_all_cpu_backtrace,
                 lambda v: setattr(wd, "hardlockup_all_cpu_backtrace", v), 0, 1)  # fmt: skip

    ncpus = len(fs.k.cpus)

    def write_cpumask(text: str) -> int:
        mask = _parse_cpulist(text, ncpus)
        if mask is None:
            return -EINVAL
        if mask != wd.watchdog_cpumask:
            wd.watchdog_cpumask = mask
            wd.reconfigure()
        return len(text)

    fs.register(base + "watchdog_cpumask", lambda: _cpulist(wd.watchdog_cpumask) + "\n", write_cpumask)


def hung_task_sysctl_init(fs: ProcFS) -> None:
    """kernel/hung_task.c's hung_task_sysctls."""

    ht: HungTask = fs.k.subsys["hung_task"]
    base = "/proc/sys/kernel/"

    def setter(attr: str, rearm: bool = False) -> Callable[[int], None]:
        def put(val: int) -> None:
            setattr(ht, attr, val)
            if rearm:
                ht.wake_up()  # proc_dohung_task_timeout_secs(): wake_up_process(watchdog_task)

        return put

    int_file(fs, base + "hung_task_panic", lambda: ht.sysctl_hung_task_panic, setter("sysctl_hung_task_panic"), 0, 1)
    int_file(fs, base + "hung_task_check_count", lambda: ht.sysctl_hung_task_check_count,
             setter("sysctl_hung_task_check_count"), 0, 4194304)  # fmt: skip
    int_file(fs, base + "hung_task_timeout_secs", lambda: ht.sysctl_hung_task_timeout_secs,
             setter("sysctl_hung_task_timeout_secs", True), 0, LONG_MAX // fs.k.hz)  # fmt: skip
    int_file(fs, base + "hung_task_check_interval_secs", lambda: ht.sysctl_hung_task_check_interval_secs,
             setter("sysctl_hung_task_check_interval_secs", True), 0, LONG_MAX // fs.k.hz)  # fmt: skip
    int_file(fs, base + "hung_task_warnings", lambda: ht.sysctl_hung_task_warnings,
             setter("sysctl_hung_task_warnings"), -1, INT_MAX)  # fmt: skip
    int_file(fs, base + "hung_task_all_cpu_backtrace", lambda: ht.sysctl_hung_task_all_cpu_backtrace,
             setter("sysctl_hung_task_all_cpu_backtrace"), 0, 1)  # fmt: skip


def rcu_stall_sysctl_init(fs: ProcFS) -> None:
    """kernel/rcu/tree_stall.h's sysctls and rcupdate's module parameters."""

    rs: RcuStall = fs.k.subsys["rcu_stall"]
    base = "/proc/sys/kernel/"
    int_file(fs, base + "panic_on_rcu_stall", lambda: rs.sysctl_panic_on_rcu_stall,
             lambda v: setattr(rs, "sysctl_panic_on_rcu_stall", v), 0, 1)  # fmt: skip
    int_file(fs, base + "max_rcu_stall_to_panic", lambda: rs.sysctl_max_rcu_stall_to_panic,
             lambda v: setattr(rs, "sysctl_max_rcu_stall_to_panic", v), 1, INT_MAX)  # fmt: skip
    params = "/sys/module/rcupdate/parameters/"
    int_file(fs, params + "rcu_cpu_stall_timeout", lambda: rs.rcu_cpu_stall_timeout,
             lambda v: setattr(rs, "rcu_cpu_stall_timeout", v), -INT_MAX, INT_MAX)  # fmt: skip
    int_file(fs, params + "rcu_cpu_stall_suppress", lambda: rs.rcu_cpu_stall_suppress,
             lambda v: setattr(rs, "rcu_cpu_stall_suppress", v), -INT_MAX, INT_MAX)  # fmt: skip


def sched_bandwidth_sysctl_init(fs: ProcFS) -> None:
    """kernel/sched/rt.c's sched_rt_runtime_us / sched_rt_period_us (sched_rt_handler()) and the fair servers'
    debugfs files (kernel/sched/debug.c: sched_fair_server_write(), runtime <= period, 100 us <= period <= ~4 s)."""

    bw: SchedBandwidth = fs.k.subsys["sched_bw"]
    base = "/proc/sys/kernel/"

    def write_runtime(text: str) -> int:
        val = _parse_int(text)
        if val is None or not -1 <= val <= INT_MAX or (val != -1 and val > bw.rt_period_us):
            return -EINVAL
        bw.rt_runtime_us = val
        return len(text)

    def write_period(text: str) -> int:
        val = _parse_int(text)
        if val is None or not 1 <= val <= INT_MAX or (bw.rt_runtime_us != -1 and bw.rt_runtime_us > val):
            return -EINVAL
        bw.rt_period_us = val
        return len(text)

    fs.register(base + "sched_rt_runtime_us", lambda: f"{bw.rt_runtime_us}\n", write_runtime)
    fs.register(base + "sched_rt_period_us", lambda: f"{bw.rt_period_us}\n", write_period)
    period_min, period_max = 100 * 1000, (1 << 22) * 1000
    for srv in bw.fair:
        d = f"/sys/kernel/debug/sched/fair_server/cpu{srv.cpu.id}/"

        def writer(srv: FairServer, field: str) -> Callable[[str], int]:
            def write(text: str) -> int:
                val = _parse_int(text)
                if val is None or val < 0:
                    return -EINVAL
                runtime = val if field == "runtime" else srv.runtime
                period = val if field == "period" else srv.period
                if runtime > period or not period_min <= period <= period_max:
                    return -EINVAL
                srv.runtime, srv.period = runtime, period
                if runtime == 0:
                    srv.stop()
                return len(text)

            return write

        def reader(srv: FairServer, field: str) -> Callable[[], str]:
            return lambda: f"{getattr(srv, field)}\n"

        fs.register(d + "runtime", reader(srv, "runtime"), writer(srv, "runtime"))
        fs.register(d + "period", reader(srv, "period"), writer(srv, "period"))
