"""The compiled and the pure-Python build print the same kernel: dmesg and full trace text, byte by byte."""

import difflib
import importlib.util
import json
import os
import pathlib
import subprocess
import sys

import pytest

import irqlab

CORPUS = pathlib.Path(__file__).with_name("crossbuild_corpus.py")


def _corpus():
    spec = importlib.util.spec_from_file_location("crossbuild_corpus", CORPUS)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.skipif(not irqlab.compiled, reason="the compiled build is not installed (`pip install .` with a C "
                    "compiler and without IRQLAB_PURE): there is no second build to compare with")  # fmt: skip
def test_demos_examples_and_a_storm_print_the_same_on_both_builds(tmp_path):
    """The demos, every example and a storm give the same dmesg and trace text compiled and pure."""
    out = tmp_path / "pure.json"
    env = dict(os.environ, IRQLAB_PURE="1")
    subprocess.run([sys.executable, str(CORPUS), str(out)], env=env, cwd=tmp_path, check=True)
    pure = json.loads(out.read_text())
    assert pure["build"] == "pure"
    corpus = _corpus()
    cases = corpus.cases()
    assert list(pure["cases"]) == list(cases)
    for name, fn in cases.items():
        text = corpus.run_case(fn, may_raise=name not in corpus.MUST_RUN)
        if text != pure["cases"][name]:
            diff = difflib.unified_diff(pure["cases"][name].splitlines(), text.splitlines(), "pure", "compiled",
                                        lineterm="", n=1)  # fmt: skip
            pytest.fail(f"{name}: the compiled build differs from the pure one:\n" + "\n".join(list(diff)[:40]))


def test_irqlab_pure_makes_every_module_load_from_its_source(tmp_path):
    """IRQLAB_PURE=1 runs the pure-Python modules, and --version says so."""
    env = dict(os.environ, IRQLAB_PURE="1")
    out = subprocess.run([sys.executable, "-m", "irqlab", "--version"], env=env, cwd=tmp_path, capture_output=True,
                         text=True, check=True)  # fmt: skip
    assert out.stdout == f"irqlab {irqlab.__version__} (pure Python)\n"
    probe = "import irqlab, irqlab.sim.engine as e; print(irqlab.compiled, e.__file__.endswith('.py'))"
    out = subprocess.run([sys.executable, "-c", probe], env=env, cwd=tmp_path, capture_output=True, text=True,
                         check=True)  # fmt: skip
    assert out.stdout == "False True\n"


def test_version_names_the_build_that_runs(tmp_path):
    """irqlab --version says whether the compiled core or the pure-Python one runs."""
    # The child imports the very package this process imported (the source tree or an installed build).
    env = {**os.environ, "PYTHONPATH": str(pathlib.Path(irqlab.__file__).resolve().parents[1])}
    out = subprocess.run([sys.executable, "-m", "irqlab", "--version"], cwd=tmp_path, capture_output=True,
                         text=True, check=True, env=env)  # fmt: skip
    build = "compiled with mypyc" if irqlab.compiled else "pure Python"
    assert out.stdout == f"irqlab {irqlab.__version__} ({build})\n"
