"""Mirrors irqbalance.c of irqbalance v1.9.2: the command line, start-up (tree, database, UI socket) and the
main loop that scans every sleep_interval seconds."""

from __future__ import annotations

from irqlab.userspace.irqbalance.placement import Placement
from irqlab.userspace.irqbalance.types import (
    SLEEP_INTERVAL,
    ULONG_MAX,
    USAGE,
    UsageError,
    parse_command_line,
    strtoul,
)


class Irqbalance(Placement):
    """The daemon: parse_options(), start(), then prepare() and run() (in the forked child unless in the
    foreground)."""

    def parse_options(self, argv: list[str]) -> int | None:
        """parse_command_line(): None to go on, else the exit status (usage, version)."""
        try:
            opts = parse_command_line(argv)
        except UsageError as e:
            self.sys.out(str(e) + USAGE)
            return 1
        for c, val in opts:
            if c == "V":
                self.sys.out("irqbalance version 1.9.2\n")
                return 0
            if c == "d":
                self.debug_mode = self.foreground_mode = 1
            elif c == "f":
                self.foreground_mode = 1
            elif c == "o":
                self.one_shot_mode = 1
            elif c == "j":
                self.journal_logging = self.foreground_mode = 1
            elif c == "m":
                self.cl_banned_modules.append(val)
            elif c == "s":
                self.pidfile = val
            elif c == "l":
                # get_irq_user_policy() ignores a script it cannot stat(); one that exists would be run per IRQ.
                if self.sys.read(val) is not None or self.sys.isdir(val):
                    self.sys.out(f"irqbalance: {val}: policy scripts cannot run on irqlab's board (no exec of files)\n")
                    return 1
            else:
                n = strtoul(val)
                bad = n is None
                if c == "i" and not bad:
                    self.add_banned(int(n), self.cl_banned_irqs)  # type: ignore[arg-type]
                elif c == "c":
                    bad = bad or n < 1  # type: ignore[operator]
                    self.deepest_cache = n or 2
                elif c == "p":
                    if val.startswith("off"):
                        self.power_thresh, bad = ULONG_MAX, False
                    else:
                        self.power_thresh = n or 0
                elif c == "t":
                    bad = bad or n < 1  # type: ignore[operator]
                    self.sleep_interval = n or SLEEP_INTERVAL
                elif c == "e":
                    self.migrate_ratio = n or 0
                if bad:
                    self.sys.out(USAGE)
                    return 1
        env = self.sys.environ
        if env.get("INVOCATION_ID"):
            self.journal_logging = self.foreground_mode = 1
        if env.get("IRQBALANCE_ONESHOT"):
            self.one_shot_mode = 1
        if env.get("IRQBALANCE_DEBUG"):
            self.debug_mode = self.foreground_mode = 1
        return None

    def build_object_tree(self) -> None:
        self.build_numa_node_list()
        self.parse_cpu_tree()
        self.rebuild_irq_db()

    def free_object_tree(self) -> None:
        self.numa_nodes, self.packages, self.cache_domains, self.cpus = [], [], [], []
        self.cpu_online_map = 0
        self.interrupts_db, self.banned_irqs, self.rebalance_irq_list = [], [], []

    def scan(self) -> None:
        """One balancing pass, every sleep_interval seconds."""
        self.log("\n\n\n-----------------------------------------------------------------------------\n")
        self.clear_work_stats()
        self.parse_proc_interrupts()
        while self.keep_going and (self.need_rescan or self.need_rebuild):
            self.need_rescan = 0
            self.cycle_count = 0
            self.log("Rescanning cpu topology \n")
            self.clear_work_stats()
            self.free_object_tree()
            self.need_rebuild = 0
            self.build_object_tree()
            for info in list(self.interrupts_db):
                self.force_rebalance_irq(info)
            self.parse_proc_interrupts()
            self.parse_proc_stat()
            self.sys.sleep(self.sleep_interval * 10**9)
            self.clear_work_stats()
            self.parse_proc_interrupts()
        self.parse_proc_stat()
        if self.cycle_count:
            self.update_migration_status()
        self.calculate_placement()
        self.activate_mappings()
        if self.debug_mode:
            self.dump_tree()
        if self.one_shot_mode:
            self.keep_going = False
        self.cycle_count += 1

    def start(self) -> int | None:
        """main() up to the main loop: None when the daemon goes on to run, else its exit status."""
        if self.journal_logging:
            self.indent = "...."
        if not self.debug_mode:
            self.console = False
        self.numa_avail = self.sys.isdir("/sys/devices/system/node")
        if not self.numa_avail:
            self.log("This machine seems not NUMA capable.\n")
        return None

    def prepare(self) -> int | None:
        """The rest of main() before the loop (in the daemon after it forked)."""
        self.build_object_tree()
        if self.debug_mode:
            self.dump_object_tree()
        if bin(self.cpu_online_map).count("1") <= 1:
            self.log("Balancing is ineffective on systems with a single cpu.  Shutting down\n")
            return 0
        for info in list(self.interrupts_db):
            self.force_rebalance_irq(info)
        self.parse_proc_interrupts()
        self.parse_proc_stat()
        # init_socket(): /run/irqbalance (the systemd unit's RuntimeDirectory) is missing when run by hand,
        # so the UI socket falls back to the abstract namespace.
        self.log("Daemon couldn't be bound to the file-based socket.\n")
        return None

    def run(self) -> int:
        """g_main_loop_run(): a scan every sleep_interval seconds until one-shot mode or a signal ends it."""
        while self.keep_going:
            self.sys.sleep(self.sleep_interval * 10**9)
            self.scan()
        return 0


__all__ = ["Irqbalance"]
