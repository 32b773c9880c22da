"""`irqlab run FILE`: the two file conventions, every flag and the exit status."""

import os
import subprocess
import sys
import textwrap

import pytest

from irqlab.cli import main
from irqlab.cli_run import EXIT_INIT_FAILED, EXIT_USAGE, EXIT_USER_ERROR, FAIL_BITS

HELLO = '''
from irqlab.kernel import *
MODULE_LICENSE("GPL")
delay_ms = 10
module_param("delay_ms", int, 0o644)
MODULE_PARM_DESC("delay_ms", "tick period in ms")
t = timer_list()
ticks = 0
def tick(tm):
    global ticks
    ticks += 1
    mod_timer(tm, get_jiffies() + msecs_to_jiffies(delay_ms))
def module_init():
    pr_info("hello: init delay_ms=%d on %d CPUs at HZ=%d\\n", delay_ms, num_online_cpus(), HZ_VALUE())
    timer_setup(t, tick, 0)
    mod_timer(t, get_jiffies() + msecs_to_jiffies(delay_ms))
    return 0
def module_exit():
    timer_delete_sync(t)
    pr_info("hello: exit after %d ticks\\n", ticks)
'''


def write(tmp_path, name, text):
    f = tmp_path / name
    f.write_text(textwrap.dedent(text))
    return str(f)


@pytest.fixture
def hello(tmp_path):
    return write(tmp_path, "hello_mod.py", HELLO.replace("HZ_VALUE()", "kernel_hz()") + "\n"
                 "def kernel_hz():\n    from irqlab.kernel.core import kernel\n    return kernel().hz\n")


def run(capsys, *argv):
    status = main(["run", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_driver_module_is_loaded_run_and_unloaded_on_rpi5_by_default(hello, capsys):
    """A module_init file is insmodded on the default rpi5, run for 1 s and rmmodded: at HZ=250 a 10 ms timer
    re-armed from its callback fires every 16 ms (3 jiffies, plus the wheel's next-bucket rounding)."""
    status, out, _ = run(capsys, hello, "--plain")
    assert status == 0
    assert "Machine model: Raspberry Pi 5 Model B Rev 1.0" in out
    assert "hello_mod: loading out-of-tree module taints kernel." in out
    assert "hello: init delay_ms=10 on 4 CPUs at HZ=250" in out
    assert "hello: exit after 62 ticks" in out


def test_board_cpus_hz_preempt_and_for_flags_shape_the_machine(hello, capsys):
    """--board, --cpus, --hz, --preempt and --for reach the booted kernel."""
    status, out, _ = run(capsys, hello, "--board", "generic", "--cpus", "2", "--hz", "1000",
                         "--preempt", "rt", "--for", "100ms")
    assert status == 0
    assert "board           generic (2 CPUs, HZ=1000, preempt=rt)" in out
    assert "Machine model: irqlab generic SMP machine" in out
    assert "hello: init delay_ms=10 on 2 CPUs at HZ=1000" in out
    assert "hello: exit after 9 ticks" in out


def test_board_defaults_to_what_the_file_declares(tmp_path, capsys):
    """BOARD = "pc" in the file boots the PC when --board is not given."""
    f = write(tmp_path, "pcmod.py", "BOARD = 'pc'\ndef module_init():\n    return 0\n")
    status, out, _ = run(capsys, f, "--plain", "--for", "1ms")
    assert status == 0 and "DMI: QEMU Standard PC (Q35 + ICH9, 2009)" in out  # x86 names its machine in the DMI line


def test_param_sets_module_parameters_and_show_prints_files(hello, capsys):
    """--param delay_ms=50 is insmod's argument; --show prints the files while the module is loaded."""
    status, out, _ = run(capsys, hello, "--plain", "--for", "500ms", "--param", "delay_ms=50",
                         "--show", "/sys/module/hello_mod/parameters/delay_ms", "--show", "/proc/modules")
    assert status == 0
    assert "hello: init delay_ms=50" in out and "hello: exit after 8 ticks" in out
    assert "--- /sys/module/hello_mod/parameters/delay_ms ---\n50\n" in out
    assert "--- /proc/modules ---\nhello_mod 12288 0 - Live 0xffffffc07a000000 (O)\n" in out


def test_cmdline_reaches_the_kernel(hello, capsys):
    """--cmdline is the kernel command line /proc/cmdline and the boot log show."""
    status, out, _ = run(capsys, hello, "--plain", "--for", "1ms", "--cmdline", "threadirqs")
    assert status == 0 and "Kernel command line: threadirqs" in out


def test_seed_changes_a_bouncing_scenario_and_is_reproducible(capsys):
    """The same --seed gives byte-identical output; the seed reaches main(seed)."""
    a = run(capsys, "seed001_debounce_top_half", "--plain", "--seed", "3")
    b = run(capsys, "seed001_debounce_top_half", "--plain", "--seed", "3")
    assert a == b and a[0] == 0


def test_scenario_runs_as_written_with_machine_flags_applied(tmp_path, capsys):
    """main(seed) runs as written; --cpus and --cmdline apply to the machine it boots, --param to its insmod."""
    f = write(tmp_path, "scen.py", '''
        import sys
        import irqlab
        from irqlab.kernel import *
        level = 1
        module_param("level", int, 0o444)
        def module_init():
            pr_info("scen: level %d on %d CPUs\\n", level, num_online_cpus())
            return 0
        def main(seed):
            m = irqlab.boot("generic", cpus=4, seed=seed, cmdline="quiet")
            m.insmod(sys.modules[__name__])
            m.run(until="10ms")
            return m
        def report(m):
            return "--- boot args ---\\n" + m.boot_args
    ''')
    status, out, _ = run(capsys, f, "--plain", "--cpus", "2", "--cmdline", "threadirqs", "--param", "level=7")
    assert status == 0
    assert "scen: level 7 on 2 CPUs" in out
    assert out.endswith("--- boot args ---\nquiet threadirqs\n")


def test_example_names_run_like_paths(capsys):
    """`irqlab run seed003_basic_handler` finds the example by name."""
    by_name = run(capsys, "seed003_basic_handler", "--plain")
    assert by_name[0] == 0 and "my_uart: rx: 1 byte(s) 'h'" in by_name[1]
    assert run(capsys, "seed003_basic_handler.py", "--plain") == by_name


def test_fail_on_sets_one_bit_per_kind_with_a_summary_line(tmp_path, capsys):
    """--fail-on oops,warn,bug: an oops and a WARN give 8|32 and one stderr line per kind; bug did not occur."""
    f = write(tmp_path, "bad.py", '''
        from irqlab.kernel import *
        def boom():
            WARN_ON(1)
            return 1 // 0
        def module_init():
            boom()
            return 0
    ''')
    status, out, err = run(capsys, f, "--plain", "--fail-on", "oops,warn,bug")
    assert status == FAIL_BITS["oops"] | FAIL_BITS["warn"] | EXIT_INIT_FAILED
    lines = err.splitlines()
    assert lines[:2] == [
        "irqlab: module_init() of bad.py returned -EFAULT (Bad address): the module was not loaded",
        "irqlab: --fail-on oops: 1 report(s), the first: Unable to handle kernel exception in process context: "
        "ZeroDivisionError: integer division or modulo by zero",
    ]
    assert lines[2].startswith("irqlab: --fail-on warn: 1 report(s), the first: WARNING: CPU: 0 PID: ")
    assert lines[2].endswith("/bad.py:4 boom+0x4/0xc [bad]") and len(lines) == 3
    assert "irqlab: raised at bad.py:4 in boom" in out and "irqlab: raised at bad.py:5 in boom" in out
    assert main(["run", f, "--plain"]) == EXIT_INIT_FAILED  # without --fail-on, reports do not fail the run


def test_module_init_failure_is_non_zero(tmp_path, capsys):
    """module_init returning -ENODEV exits with the init bit and says so on stderr."""
    f = write(tmp_path, "nodev.py", "def module_init():\n    return -19\n")
    status, _, err = run(capsys, f, "--plain")
    assert status == EXIT_INIT_FAILED
    assert err == "irqlab: module_init() of nodev.py returned -ENODEV (No such device): the module was not loaded\n"


def test_syntax_error_shows_the_users_file_line_and_caret_first(tmp_path, capsys):
    """A syntax error is reported as Python reports it, without irqlab's frames."""
    f = write(tmp_path, "syn.py", "import irqlab\ndef main(seed):\n    x = (\n")
    status, out, err = run(capsys, f)
    assert status == EXIT_USER_ERROR and out == ""
    lines = err.splitlines()
    assert lines[0] == f'  File "{f}", line 3' and lines[1] == "    x = (" and lines[2].strip() == "^"
    assert lines[3] == "SyntaxError: '(' was never closed"
    assert "irqlab/" not in err


def test_import_error_shows_only_the_users_frames(tmp_path, capsys):
    """An ImportError at the top of the file: its traceback names the file and line, no runner frames."""
    f = write(tmp_path, "imp.py", "import irqlab\nimport no_such_module_here\n")
    status, _, err = run(capsys, f)
    assert status == EXIT_USER_ERROR
    assert err.splitlines()[:4] == ["Traceback (most recent call last):", f'  File "{f}", line 2, in <module>',
                                    "    import no_such_module_here",
                                    "ModuleNotFoundError: No module named 'no_such_module_here'"]


def test_usage_errors_exit_2_with_the_fix(hello, capsys):
    """Bad --param, --fail-on, --for and a missing file each exit 2 naming the problem."""
    assert run(capsys, hello, "--param", "=3")[2] == "irqlab: --param '=3': write NAME=VALUE, e.g. --param debounce_ms=20\n"
    assert run(capsys, hello, "--fail-on", "panic")[2] == "irqlab: --fail-on panic: the report classes are oops,bug,warn,lockdep\n"
    assert run(capsys, hello, "--for", "soon")[0] == EXIT_USAGE
    assert run(capsys, "seed003_basic_handler", "--for", "2s")[2] == (
        "irqlab: --for applies to a driver module; seed003_basic_handler.py is a scenario (it defines main), "
        "whose main(seed) decides how long the machine runs\n")
    st, _, err = run(capsys, "/nonexistent/x.py")
    assert st == EXIT_USAGE and "no scenario file or example named '/nonexistent/x.py'" in err


def test_show_of_a_missing_file_is_reported(hello, capsys):
    """--show of a path that does not exist prints the run, then an error, and sets the usage bit."""
    status, out, err = run(capsys, hello, "--plain", "--for", "1ms", "--show", "/proc/nope")
    assert status == EXIT_USAGE and "hello: init" in out
    assert err == "irqlab: --show /proc/nope: no such file in the simulated /proc, /sys or debugfs\n"


def _readme_file(tmp_path, heading, name):
    import pathlib
    import re

    readme = pathlib.Path(__file__).resolve().parents[1] / "README.md"
    code = re.search(rf"## {heading}\n.*?```python\n(.*?)```", readme.read_text(), re.S).group(1)
    f = tmp_path / name
    f.write_text(code)
    return f


def _run(*argv):
    import pathlib

    env = {**os.environ, "PYTHONPATH": str(pathlib.Path(__file__).resolve().parents[1])}
    return subprocess.run([sys.executable, *argv], capture_output=True, text=True, check=True, env=env).stdout


def test_readme_driver_runs_under_irqlab_run_and_python(tmp_path):
    """The README's blinky runs as `python blinky.py` (its __main__ block) and as `irqlab run blinky.py`."""
    f = _readme_file(tmp_path, "A first driver", "blinky.py")
    direct = _run(str(f))
    via = _run("-m", "irqlab", "run", str(f), "--plain")
    assert "blinky: tick 9" in direct and "blinky: tick 9" in via
    assert "blinky: loading out-of-tree module taints kernel." in direct


def test_readme_parameter_example_runs_under_irqlab_run_and_python(tmp_path):
    """The README's hello.py greets twice under python (insmod count=2) and under irqlab run --param count=2."""
    f = _readme_file(tmp_path, "Module parameters and the kernel API from Python", "hello.py")
    direct = _run(str(f))
    assert "hello: greeting 2 of 2" in direct and "hello: greeting 3" not in direct
    assert direct.endswith("\n2\nhello 12288 0 [permanent], Live 0xffffffc07a000000 (O)\n")
    via = _run("-m", "irqlab", "run", str(f), "--plain", "--param", "count=2", "--show",
               "/sys/module/hello/parameters/count")  # fmt: skip
    assert "hello: greeting 2 of 2" in via and via.endswith("--- /sys/module/hello/parameters/count ---\n2\n")
    info = _run("-m", "irqlab", "modinfo", "-F", "parm", str(f))
    assert info == "count:how many greetings (int)\n"


def test_no_progress_on_a_pipe(hello):
    """Piped output carries no progress line: stderr stays empty."""
    r = subprocess.run([sys.executable, "-m", "irqlab", "run", hello, "--plain", "--for", "10ms"],
                       capture_output=True, text=True)
    assert r.returncode == 0 and r.stderr == ""


class _Terminal:
    """A stderr that says it is a terminal and keeps what is written to it."""

    def __init__(self):
        self.parts = []

    def write(self, s):
        self.parts.append(s)
        return len(s)

    def flush(self):
        pass

    def isatty(self):
        return True

    fileno = None


def test_progress_shows_on_a_terminal(tmp_path, monkeypatch, capsys):
    """On a terminal, a long run shows simulated time and events per second on stderr (rich)."""
    import irqlab.cli_run

    f = write(tmp_path, "ticker.py", '''
        from irqlab.kernel import *
        t = timer_list()
        def tick(tm):
            mod_timer(tm, get_jiffies() + 1)
        def module_init():
            timer_setup(t, tick, 0)
            mod_timer(t, get_jiffies() + 1)
            return 0
        def module_exit():
            timer_delete_sync(t)
    ''')
    term = _Terminal()
    monkeypatch.setattr(irqlab.cli_run, "PROGRESS_AFTER", 0.0)
    monkeypatch.setattr(irqlab.cli_run, "PROGRESS_INTERVAL", 0.002)
    monkeypatch.setattr(sys, "stderr", term)
    assert main(["run", f, "--plain", "--board", "generic", "--cpus", "1", "--hz", "1000", "--for", "10s"]) == 0
    shown = "".join(term.parts)
    assert "simulated " in shown and " of 10.000 s" in shown and "events/s" in shown
    assert "ticker: loading out-of-tree module taints kernel." in capsys.readouterr().out


def test_bugs_raise_in_a_scenario_shows_the_drivers_frames_first(tmp_path, capsys):
    """A scenario booted with bugs="raise": exit 1, the driver's ZeroDivisionError first, no irqlab frames."""
    f = write(tmp_path, "raiser.py", '''
        import sys
        import irqlab
        from irqlab.kernel import *
        t = timer_list()
        def fn(tm):
            return 1 // 0
        def module_init():
            timer_setup(t, fn, 0)
            mod_timer(t, get_jiffies() + 1)
            return 0
        def main(seed):
            m = irqlab.boot("generic", seed=seed, bugs="raise")
            m.insmod(sys.modules[__name__])
            m.run(for_="100ms")
            return m
    ''')
    status, out, err = run(capsys, f, "--plain")
    assert status == EXIT_USER_ERROR and out == ""
    lines = err.splitlines()
    assert lines[:5] == ["Traceback (most recent call last):", f'  File "{f}", line 7, in fn', "    return 1 // 0",
                         "           ~~^^~~", "ZeroDivisionError: integer division or modulo by zero"]
    assert f'  File "{f}", line 15, in main' in lines and "irqlab.kernel.panic.KernelBugError: Oops" in lines
    assert lines[-1] == "irqlab: raiser.py raised KernelBugError (traceback above)"
    assert "irqlab/" not in "\n".join(line for line in lines if line.startswith("  File"))


def test_fail_on_every_class_from_one_buggy_driver(tmp_path, capsys):
    """Sleeping with a spinlock held (bug), the lock then taken in a timer softirq (lockdep, an oops): 8|16|32|64."""
    f = write(tmp_path, "lockbug.py", '''
        from irqlab.kernel import *
        lock = DEFINE_SPINLOCK("lockbug_lock")
        t = timer_list()
        def fn(tm):
            spin_lock(lock)
            spin_unlock(lock)
        def module_init():
            timer_setup(t, fn, 0)
            mod_timer(t, get_jiffies() + 1)
            spin_lock(lock)
            msleep(1)
            spin_unlock(lock)
            return 0
    ''')
    status, out, err = run(capsys, f, "--plain", "--for", "50ms", "--fail-on", "oops,bug,warn,lockdep")
    assert status == 8 | 16 | 32 | 64
    assert err.splitlines() == [
        "irqlab: --fail-on oops: 1 report(s), the first: BUG: spinlock cpu recursion on CPU#0, swapper/0/0",
        "irqlab: --fail-on bug: 1 report(s), the first: BUG: scheduling while atomic: insmod/14/0x00000002",
        "irqlab: --fail-on warn: 1 report(s), the first: WARNING: inconsistent lock state",
        "irqlab: --fail-on lockdep: 1 report(s), the first: WARNING: inconsistent lock state",
    ]
    assert "irqlab: raised at lockbug.py:12 in module_init" in out and "irqlab: raised at lockbug.py:6 in fn" in out


def test_another_seed_gives_another_run(capsys):
    """--seed reaches the bounce of a scenario's buttons: seeds 3 and 4 give different kernel logs."""
    a = run(capsys, "seed001_debounce_top_half", "--plain", "--seed", "3")
    b = run(capsys, "seed001_debounce_top_half", "--plain", "--seed", "4")
    assert a[0] == b[0] == 0 and a[1] != b[1]


def test_a_driver_imports_its_sibling_modules_as_under_python(tmp_path, capsys):
    """The file's directory is on sys.path while it runs, as `python file.py` puts it there."""
    write(tmp_path, "drvhelpers.py", "GREETING = 'hello from a sibling'\n")
    f = write(tmp_path, "sib.py", '''
        from irqlab.kernel import pr_info
        import drvhelpers
        def module_init():
            pr_info("sib: %s\\n", drvhelpers.GREETING)
            return 0
    ''')
    status, out, _ = run(capsys, f, "--plain", "--for", "1ms")
    assert status == 0 and "sib: hello from a sibling" in out
    assert str(tmp_path) not in sys.path


def test_param_reaches_an_example_ports_module_parameter(capsys):
    """`--param toggle=1` on the top-half debounce port: the LED flips on each accepted edge, press and release."""
    status, out, _ = run(capsys, "seed001_debounce_top_half", "--plain", "--param", "toggle=1")
    assert status == 0
    assert out.endswith("   100.005 ms  LED on\n   250.005 ms  LED off\n   600.005 ms  LED on\n   750.005 ms  LED off\n"
                        "  1100.005 ms  LED on\n  1250.005 ms  LED off\n  1600.005 ms  LED on\n  1750.005 ms  LED off\n")
