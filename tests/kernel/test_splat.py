"""The 6.12 splat block: the CPU line with the short version, the verbose taint line, Workqueue:, lockdep's
lines, module state markers, and x86's own oops text on the pc board."""

import inspect

import irqlab
from irqlab.kernel import BUG, DECLARE_WORK, WARN_ON, schedule_work

IRQTRACE = [
    "irq event stamp: 0",
    "hardirqs last  enabled at (0): [<0000000000000000>] 0x0",
    "hardirqs last disabled at (0): [<0000000000000000>] 0x0",
    "softirqs last  enabled at (0): [<0000000000000000>] 0x0",
    "softirqs last disabled at (0): [<0000000000000000>] 0x0",
]


class splatdemo:
    """A module that warns from its work item and from module_exit, and BUGs in module_init when told to."""

    MODULE_NAME = "splatdemo"
    bug_in_init = False

    @staticmethod
    def work_fn(w):
        WARN_ON(1)

    @staticmethod
    def module_init():
        if splatdemo.bug_in_init:
            BUG()
        splatdemo.w = DECLARE_WORK(splatdemo.work_fn)
        schedule_work(splatdemo.w)
        return 0

    @staticmethod
    def module_exit():
        WARN_ON(1)


def line_of(fn, text):
    src, first = inspect.getsourcelines(fn)
    return first + next(i for i, s in enumerate(src) if text in s)


def block(m, first):
    """The dmesg lines from ``first`` to the next end-of-trace marker."""
    lines = m.dmesg_lines()
    i = lines.index(first)
    return lines[i:lines.index("---[ end trace 0000000000000000 ]---", i) + 1]


def test_rpi5_warn_in_a_kworker_and_while_unloading():
    """A WARN in a work item names its workqueue; during module_exit the module is (O-); the verbose taint
    line follows the CPU line, whose version stops at the first space; lockdep's irq-trace lines close it."""
    splatdemo.bug_in_init = False
    m = irqlab.boot("rpi5", seed=0)
    m.insmod(splatdemo)
    m.run("10ms")
    m.rmmod("splatdemo")
    m.run("20ms")
    wl = line_of(splatdemo.work_fn, "WARN_ON")
    first = f"WARNING: CPU: 3 PID: 11 at kernel/test_splat.py:{wl} work_fn+0x8/0xc"
    assert block(m, first) == [
        first,
        "Modules linked in: splatdemo(O)",
        "CPU: 3 UID: 0 PID: 11 Comm: kworker/3:0 Tainted: G           O       6.12.25+rpt-rpi-2712 #1",
        "Tainted: [O]=OOT_MODULE",
        "Hardware name: Raspberry Pi 5 Model B Rev 1.0 (DT)",
        "Workqueue: events work_fn",
        "pc : work_fn+0x8/0xc",
        "lr : process_one_work+0xd8/0x130",
        "Call trace:",
        " work_fn+0x8/0xc",
        " process_one_work+0xd8/0x130",
        " process_scheduled_works+0x1c/0x20",
        " worker_thread+0x64/0x88",
        " kthread+0x18/0x34",
        " ret_from_fork+0x10/0x20",
        *IRQTRACE,
        "---[ end trace 0000000000000000 ]---",
    ]
    el = line_of(splatdemo.module_exit, "WARN_ON")
    lines = m.dmesg_lines()
    exit_warn = lines[lines.index(f"WARNING: CPU: 0 PID: 16 at kernel/test_splat.py:{el} module_exit+0x8/0xc") + 1 :]
    assert exit_warn[:3] == [
        "Modules linked in: splatdemo(O-)",
        "CPU: 0 UID: 0 PID: 16 Comm: rmmod Tainted: G        W  O       6.12.25+rpt-rpi-2712 #1",
        "Tainted: [W]=WARN, [O]=OOT_MODULE",
    ]


def test_pc_bug_in_module_init_is_an_x86_invalid_opcode_oops():
    """x86's BUG(): cut here, "kernel BUG at", "Oops: invalid opcode: 0000 [#1] PREEMPT SMP NOPTI", the RIP
    line, a Call Trace from the caller in <TASK>, Modules linked in (with the loading module's +) after it,
    lockdep switching itself off, the end marker and the RIP summary."""
    splatdemo.bug_in_init = True
    m = irqlab.boot("pc", seed=0)
    m.insmod(splatdemo)
    m.run("10ms")
    bl = line_of(splatdemo.module_init, "BUG()")
    lines = m.dmesg_lines()
    i = lines.index("------------[ cut here ]------------")
    assert lines[i : i + 17] == [
        "------------[ cut here ]------------",
        f"kernel BUG at kernel/test_splat.py:{bl}!",
        "Oops: invalid opcode: 0000 [#1] PREEMPT SMP NOPTI",
        "CPU: 0 UID: 0 PID: 9 Comm: insmod Tainted: G           O       6.12.25-amd64 #1",
        "Tainted: [O]=OOT_MODULE",
        "Hardware name: QEMU Standard PC (Q35 + ICH9, 2009), BIOS 1.16.3-debian-1.16.3-2 04/01/2014",
        "RIP: 0010:module_init+0xc/0x1c",
        "Call Trace:",
        " <TASK>",
        " do_init_module+0x8/0x40",
        " kthread+0x18/0x34",
        " ret_from_fork+0x10/0x20",
        " </TASK>",
        "Modules linked in: splatdemo(O+)",
        "Disabling lock debugging due to kernel taint",
        "---[ end trace 0000000000000000 ]---",
        "RIP: 0010:module_init+0xc/0x1c",
    ]
    assert m.dmesg_lines()[:4] == [
        "Linux version 6.12.25-amd64 (debian-kernel@lists.debian.org) (x86_64-linux-gnu-gcc-14 (Debian 14.2.0-19) "
        "14.2.0, GNU ld (GNU Binutils for Debian) 2.44) #1 SMP PREEMPT_DYNAMIC Debian 6.12.25-1",
        "Command line: ",
        "DMI: QEMU Standard PC (Q35 + ICH9, 2009), BIOS 1.16.3-debian-1.16.3-2 04/01/2014",
        "Kernel command line: ",
    ]


def test_last_unloaded_module_and_lockdep_off_after_an_oops():
    """print_modules() names the last module removed; after an oops debug_show_held_locks() says lockdep is off."""
    splatdemo.bug_in_init = False
    m = irqlab.boot("rpi5", seed=0)
    m.insmod(splatdemo)
    m.run("10ms")
    m.rmmod("splatdemo")
    m.run("20ms")

    def sleeper_in_atomic():
        from irqlab.kernel import msleep, preempt_disable

        preempt_disable()
        msleep(1)

    m.spawn(sleeper_in_atomic, name="bad")
    m.run("30ms")
    lines = m.dmesg_lines()
    i = lines.index("BUG: scheduling while atomic: bad/17/0x00000002")
    assert lines[i + 1 : i + 3] == ["no locks held by bad/17.", "Modules linked in: [last unloaded: splatdemo(O)]"]


def nic_isr(irq, dev):
    WARN_ON(1)
    return 0


class irqdemo:
    MODULE_NAME = "irqdemo"

    @staticmethod
    def module_init():
        from irqlab.kernel import IRQF_SHARED, request_irq

        return request_irq(24, nic_isr, IRQF_SHARED, "irqdemo", irqdemo)


def test_pc_warn_in_a_hardirq_splits_the_trace_at_the_irq_stack():
    """x86 prints the interrupt stack's frames between <IRQ> and </IRQ>, then the interrupted task's (here the
    idle task, PID 0) between <TASK> and </TASK>."""
    m = irqlab.boot("pc", seed=0)
    m.insmod(irqdemo)
    m.kernel.subsys["pc_nic"].inject(1, at="5ms")
    m.run("10ms")
    wl = line_of(nic_isr, "WARN_ON")
    first = f"WARNING: CPU: 0 PID: 0 at kernel/test_splat.py:{wl} nic_isr+0x4/0xc"
    assert block(m, first)[5:] == [
        "RIP: 0010:nic_isr+0x4/0xc",
        "Call Trace:",
        " <IRQ>",
        " __handle_irq_event_percpu+0x38/0x94",
        " handle_irq_event_percpu+0x8/0x18",
        " handle_irq_event+0x1c/0x2c",
        " handle_fasteoi_irq+0x48/0x6c",
        " handle_irq_desc+0x28/0x30",
        " _common_interrupt+0xc/0x14",
        " entry+0x4/0x8",
        " </IRQ>",
        " <TASK>",
        " do_idle+0x4c/0x50",
        " </TASK>",
        *IRQTRACE,
        "---[ end trace 0000000000000000 ]---",
    ]


def test_recursive_mutex_report_is_lockdeps_whole_print_deadlock_bug():
    """A task taking a static mutex it holds: the kernel ident line, the class named without '&', the caller
    as acquire site, the scenario with the nesting hint, the held lock and the stack backtrace."""
    from irqlab.kernel import DEFINE_MUTEX, mutex_lock

    m = irqlab.boot("rpi5", seed=0)
    mx = DEFINE_MUTEX("mylock")

    def twice():
        mutex_lock(mx)
        mutex_lock(mx)

    t = m.spawn(twice, name="rec")
    m.run("10ms")
    lines = m.dmesg_lines()
    i = lines.index("WARNING: possible recursive locking detected")
    ptr = lines[i + 4].split()[0]
    assert lines[i + 1 : i + 29] == [
        "6.12.25+rpt-rpi-2712 #1 Not tainted",
        "--------------------------------------------",
        f"rec/{t.pid} is trying to acquire lock:",
        f"{ptr} (mylock){{+.+.}}-{{3:3}}, at: twice+0x8/0xc",
        "",
        "but task is already holding lock:",
        f"{ptr} (mylock){{+.+.}}-{{3:3}}",
        "",
        "other info that might help us debug this:",
        " Possible unsafe locking scenario:",
        "",
        "       CPU0",
        "       ----",
        "  lock(mylock);",
        "  lock(mylock);",
        "",
        " *** DEADLOCK ***",
        "",
        " May be due to missing lock nesting notation",
        "",
        f"1 lock held by rec/{t.pid}:",
        f" #0: {ptr} (mylock){{+.+.}}-{{3:3}}",
        "",
        "stack backtrace:",
        f"CPU: 3 UID: 0 PID: {t.pid} Comm: rec Not tainted 6.12.25+rpt-rpi-2712 #1",
        "Hardware name: Raspberry Pi 5 Model B Rev 1.0 (DT)",
        "Call trace:",
        " mutex_lock+0x8/0xc",
    ]
