"""`irqlab examples`: the ports in examples/, read with ast (never executed), grouped by seed."""

import pathlib
import textwrap

import pytest

import irqlab
from irqlab.cli import main
from irqlab.cli_examples import examples_dir, read_example, scan

REPO_EXAMPLES = pathlib.Path(__file__).resolve().parents[1] / "examples"


def test_lists_every_port_of_the_repository_with_its_section(capsys, monkeypatch):
    """Run from the repository: every examples/*.py appears once under its seed, seed 003's ports included."""
    monkeypatch.chdir(REPO_EXAMPLES.parent)
    assert main(["examples", "--plain"]) == 0
    out = capsys.readouterr().out
    files = sorted(p.name for p in REPO_EXAMPLES.glob("*.py") if not p.name.startswith("_"))
    listed = [line.split(":", 1)[0].strip() for line in out.splitlines() if line.startswith("  ")]
    assert sorted(listed) == files  # whatever others have added meanwhile
    assert "  seed003_basic_handler.py: [Basic Handler Structure] Basic handler structure: read the status," in out
    assert "\nSeed 003 (" in out and out.index("\nSeed 003 (") < out.index("seed003_basic_handler.py")
    for seed in sorted({f[4:7] for f in files if f.startswith("seed")}):
        assert f"\nSeed {seed} (" in out


def test_files_are_parsed_not_run_and_a_broken_file_does_not_break_the_list(tmp_path, capsys):
    """A port that would raise on import is listed from its docstring; a half-written file is listed with its parse error; files are grouped by the section's seed number, then by the seedNNN_ file name."""
    (tmp_path / "seed004_b.py").write_text(textwrap.dedent('''
        """Second port of seed 004.

        More text that is not listed.
        """
        SEED_SECTION = "004: Code in action: i8042"
        raise SystemExit("executed!")
    '''))
    (tmp_path / "seed004_a.py").write_text('"""First."""\nSEED_SECTION: str = "004: Intro"\n')
    (tmp_path / "seed002_half.py").write_text('"""Being written...\ndef main(:\n')
    (tmp_path / "zz_other.py").write_text("x = 1\n")
    (tmp_path / "_helper.py").write_text('"""Not a port."""\n')
    assert main(["examples", "--plain", "--dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[1:] == [
        "",
        "Seed 002 (1 port)",
        "  seed002_half.py: (cannot be parsed: SyntaxError (line 1))",
        "",
        "Seed 004 (2 ports)",
        "  seed004_a.py: [Intro] First.",
        "  seed004_b.py: [Code in action: i8042] Second port of seed 004.",
        "",
        "Other examples (1 port)",
        "  zz_other.py:",
    ]


def test_rich_table_and_missing_directory(tmp_path, capsys):
    """Without --plain a table is printed; a missing directory exits 2 with a message."""
    (tmp_path / "seed003_x.py").write_text('"""Shows x."""\nSEED_SECTION = "003: X"\n')
    assert main(["examples", "--dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "seed003_x.py" in out and "Shows x." in out and "seed section" in out
    assert main(["examples", "--dir", str(tmp_path / "nope")]) == 2
    assert "no examples/ directory" in capsys.readouterr().err


def test_examples_dir_prefers_cwd_then_the_repository(tmp_path, monkeypatch):
    """./examples in the current directory wins; elsewhere the repository's examples/ next to the package (the
    copy pip installed, for an installed package)."""
    (tmp_path / "examples").mkdir()
    assert examples_dir(tmp_path) == tmp_path / "examples"
    elsewhere = tmp_path / "empty"
    elsewhere.mkdir()
    found = examples_dir(elsewhere)
    if pathlib.Path(irqlab.__file__).resolve().parents[1] == REPO_EXAMPLES.parent:
        assert found == REPO_EXAMPLES
    else:
        assert found is not None and found.parts[-3:] == ("share", "irqlab", "examples")
        assert sorted(p.name for p in found.glob("*.py")) == sorted(p.name for p in REPO_EXAMPLES.glob("*.py"))


@pytest.mark.parametrize("path", sorted(REPO_EXAMPLES.glob("seed00[34]_*.py")), ids=lambda p: p.name)
def test_seed_003_and_004_ports_declare_section_and_description(path):
    """Each seed 003/004 port has a one-line description and a SEED_SECTION naming its seed."""
    info = read_example(path)
    assert info.seed == path.name[4:7] and info.section and info.description.endswith((".", ")"))


def test_scan_orders_by_seed_then_name(tmp_path):
    """Ports sort by seed number, files without a seed last."""
    for name in ("seed001_b.py", "seed000_z.py", "other.py", "seed001_a.py"):
        (tmp_path / name).write_text('"""D."""\n')
    assert [i.name for i in scan(tmp_path)] == ["seed000_z.py", "seed001_a.py", "seed001_b.py", "other.py"]


def test_run_prints_a_ports_report_after_dmesg(tmp_path, capsys):
    """`irqlab run FILE --plain`: a script's optional report(m) (e.g. /proc/interrupts rows) follows its dmesg."""
    f = tmp_path / "scen.py"
    f.write_text(textwrap.dedent('''
        import irqlab
        from irqlab.kernel import pr_info
        def main(seed):
            m = irqlab.boot("generic", cpus=1, seed=seed)
            m.spawn(lambda: pr_info("hello\\n"))
            m.run()
            return m
        def report(m):
            return "--- /proc/softirqs ---\\n" + m.read("/proc/softirqs")
    '''))
    assert main(["run", str(f), "--plain"]) == 0
    out = capsys.readouterr().out
    assert out.index("] hello\n") < out.index("--- /proc/softirqs ---\n")
    assert "     TASKLET:" in out


def test_installed_examples_are_found_after_a_plain_install(tmp_path, monkeypatch):
    """Without ./examples or a source checkout, the copy pip installs in <prefix>/share/irqlab/examples is used."""
    import sysconfig

    import irqlab
    from irqlab.cli_examples import examples_dir

    prefix = tmp_path / "venv"
    (prefix / "share" / "irqlab" / "examples").mkdir(parents=True)
    fake_pkg = tmp_path / "site-packages" / "irqlab"
    fake_pkg.mkdir(parents=True)
    monkeypatch.setattr(irqlab, "__file__", str(fake_pkg / "__init__.py"))
    monkeypatch.setattr(sysconfig, "get_path", lambda name, scheme=None: str(prefix))
    assert examples_dir(tmp_path) == prefix / "share" / "irqlab" / "examples"
