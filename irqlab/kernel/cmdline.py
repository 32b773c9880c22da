"""Mirrors the command-line handling of init/main.c: parse_args() with unknown_bootoption() and
print_unknown_bootoptions(), plus the early parameters that set the console log level.

A word the kernel does not know is not an error: without a '=' it becomes an argument of init, with one
an environment variable of init, and start_kernel() prints them all once, after the "Kernel command line"
line: ``Unknown kernel command line parameters "foo bar=1", will be passed to user space.``. Words with a
'.' are module parameters (left for the module they name); words after ``--`` go to init unreported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from irqlab.kernel.printk import KERN_NOTICE

if TYPE_CHECKING:
    from irqlab.kernel.kernel import Kernel

#: Parameters irqlab acts on, with what they do (docs/cmdline.md lists them).
SUPPORTED_PARAMS: dict[str, str] = {
    "threadirqs": "force-thread every interrupt handler without IRQF_NO_THREAD (as PREEMPT_RT does)",
    "irqaffinity": "default affinity of new interrupts, a CPU list (irqaffinity=0-1)",
    "noirqdebug": "turn off the spurious-interrupt detector (note_interrupt())",
    "irqfixup": "poll the other handlers of a line on an unhandled interrupt",
    "irqpoll": "like irqfixup, and poll on every timer interrupt too",
    "initcall_blacklist": "skip built-in initcalls by name (the pc board honours i8042_init)",
    "quiet": "console log level 4 (CONSOLE_LOGLEVEL_QUIET)",
    "debug": "console log level 10 (CONSOLE_LOGLEVEL_DEBUG); irqlab also enables pr_debug()",
    "loglevel": "console log level N (loglevel=N)",
    "dyndbg": "enable pr_debug()/dev_dbg() output",
    "nowatchdog": "turn off the soft and hard lockup detectors",
    "nosoftlockup": "turn off the soft lockup detector",
    "nmi_watchdog": "hard lockup detector: 0 or 1 (off/on), panic or nopanic",
    "watchdog_thresh": "lockup detector threshold in seconds (soft lockups at twice it)",
    "softlockup_panic": "panic on a soft lockup (softlockup_panic=1)",
    "hung_task_panic": "panic on a hung task (hung_task_panic=1)",
}

#: Parameters the 6.12 kernel knows that irqlab accepts without effect (so they are not reported as unknown).
ACCEPTED_PARAMS = frozenset(
    "console earlycon earlyprintk root rootfstype rootflags rootwait rootdelay ro rw init rdinit "
    "ignore_loglevel initcall_debug panic panic_on_oops panic_on_warn oops nokaslr kaslr mitigations nosmp "
    "maxcpus nr_cpus possible_cpus isolcpus nohz nohz_full rcu_nocbs "
    "mem memmap cma coherent_pool hugepages hugepagesz default_hugepagesz transparent_hugepage cgroup_enable "
    "cgroup_disable cgroup_no_v1 selinux apparmor security lsm audit noapic nolapic acpi pci iommu "
    "intel_iommu amd_iommu clocksource tsc hpet idle elevator log_buf_len no_console_suspend consoleblank "
    "fbcon video preempt nohlt numa numa_balancing kgdboc kgdbwait swiotlb crashkernel resume noresume "
    "nomodeset psi rcupdate".split()
)

#: init/main.c argv_init[] and envp_init[] before any unknown parameter is added.
ARGV_INIT = ("init",)
ENVP_INIT = ("HOME=/", "TERM=linux")


def known_param(name: str) -> bool:
    """Whether the kernel consumes ``name`` (a __setup/early_param/core parameter irqlab supports or accepts)."""
    return name in SUPPORTED_PARAMS or name in ACCEPTED_PARAMS


def unknown_bootoptions(words: list[str]) -> tuple[list[str], list[str]]:
    """unknown_bootoption() over the words before ``--``: the init arguments and environment it adds."""
    argv: list[str] = list(ARGV_INIT)
    envp: list[str] = list(ENVP_INIT)
    for word in words:
        if word == "--":
            break
        name, eq, _ = word.partition("=")
        if known_param(name) or "." in name:  # a known parameter, or an (unused) module parameter
            continue
        if eq:
            # An environment option takes the slot of an earlier one of the same name (HOME= and TERM= too).
            same = [i for i, e in enumerate(envp) if e.partition("=")[0] == name]
            if same:
                envp[same[0]] = word
            else:
                envp.append(word)
        else:
            argv.append(word)
    return argv[len(ARGV_INIT) :], envp[len(ENVP_INIT) :]


def print_unknown_bootoptions(k: Kernel, words: list[str]) -> None:
    """print_unknown_bootoptions(): one notice listing the init arguments, then the environment."""
    argv, envp = unknown_bootoptions(words)
    if not argv and not envp:
        return
    k.pr(KERN_NOTICE, f'Unknown kernel command line parameters "{" ".join(argv + envp)}", will be passed to user space.')


def apply_console_params(k: Kernel, words: list[str]) -> None:
    """The early parameters quiet, debug and loglevel= (init/main.c) set console_loglevel, in order."""
    for word in words:
        if word == "--":
            break
        name, _, val = word.partition("=")
        if name == "quiet":
            k.log.console_loglevel = 4
        elif name == "debug":
            k.log.console_loglevel = 10
        elif name == "loglevel":
            try:
                k.log.console_loglevel = int(val, 0)
            except ValueError:
                continue


__all__ = [
    "SUPPORTED_PARAMS",
    "ACCEPTED_PARAMS",
    "known_param",
    "unknown_bootoptions",
    "print_unknown_bootoptions",
    "apply_console_params",
]
