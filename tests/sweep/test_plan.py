"""Seeds, parameter values and the cartesian product a sweep runs."""

import pathlib

import pytest

from irqlab.sweep import load_scenario, make_plan, parse_param, parse_seeds

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"


def test_seed_lists_ranges_and_mixtures():
    """Seeds read as a range, a single seed or a list of both, in order and without duplicates."""
    assert parse_seeds("1-5") == [1, 2, 3, 4, 5]
    assert parse_seeds("7") == [7]
    assert parse_seeds("3,1-2,3,10-11") == [3, 1, 2, 10, 11]


@pytest.mark.parametrize("text, message", [
    ("1..5", "write a seed (7), a range (1-1000) or a list (1,2,10-20)"),
    ("9-2", "seed range '9-2' runs backwards; write it low-high (2-9)"),
])
def test_bad_seeds_name_the_forms(text, message):
    """A seed list that cannot be read says which forms are accepted."""
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_seeds(text)


def test_param_lists_and_ranges():
    """Values read as ints, floats or strings; lo..hi:step ranges are inclusive."""
    assert parse_param("hz=100,250,1000") == ("hz", [100, 250, 1000])
    assert parse_param("preempt=full,rt") == ("preempt", ["full", "rt"])
    assert parse_param("debounce_ms=5..50:5") == ("debounce_ms", [5, 10, 15, 20, 25, 30, 35, 40, 45, 50])
    assert parse_param("rate=0.5..1.5:0.5") == ("rate", [0.5, 1.0, 1.5])


def test_bad_param_says_how_to_write_it():
    """A --param without name=values shows both accepted forms."""
    with pytest.raises(ValueError, match=r"write name=v1,v2,... \(hz=100,250,1000\) or name=lo..hi:step"):
        parse_param("debounce_ms")


def test_product_of_given_then_declared_params_seeds_innermost():
    """The example's declared PARAMS fill in what the command line does not name; seeds vary fastest."""
    sc = load_scenario(str(EXAMPLES / "seed001_debounce_sweep.py"))
    plan = make_plan(sc, [1, 2], {"debounce_ms": [5, 10]})
    assert plan.names == ("debounce_ms", "profile")
    assert [(p["debounce_ms"], p["profile"], s) for _, p, s in plan.runs()] == [
        (5, "typical", 1), (5, "typical", 2), (5, "worn", 1), (5, "worn", 2),
        (10, "typical", 1), (10, "typical", 2), (10, "worn", 1), (10, "worn", 2),
    ]


DRIVER = """
    from irqlab.kernel import pr_info
    RUN_FOR = "10ms"
    def module_init():
        pr_info("hello\\n")
        return 0
    def module_exit():
        pr_info("bye\\n")
"""


def test_a_driver_module_sweeps_only_boot_parameters(write_scenario):
    """A plain driver module (module_init, no main) takes hz, preempt and cpus, and says so for anything else."""
    sc = load_scenario(write_scenario("hello.py", DRIVER))
    plan = make_plan(sc, [1], {"hz": [100, 1000], "preempt": ["full", "rt"], "cpus": [2]})
    assert len(plan) == 4
    with pytest.raises(ValueError, match=r"is a driver module \(module_init, no main\): it sweeps the seed and the "
                       r"board's boot parameters hz, preempt, cpus, not 'debounce_ms'"):
        make_plan(sc, [1], {"debounce_ms": [5]})


def test_main_without_the_parameter_is_rejected(write_scenario):
    """Sweeping a name main() does not take fails before anything runs, naming the fix."""
    path = write_scenario("plain.py", '''
        import irqlab
        def main(seed):
            return irqlab.boot("generic", seed=seed)
    ''')
    with pytest.raises(ValueError, match=r"main\(\) takes no parameter 'hz'; add it as a keyword argument"):
        make_plan(load_scenario(path), [1], {"hz": [100]})
