"""irqlab compare --seeds: the comparison's seeds through irqlab.sweep, merged as compare() merges them."""

from irqlab.cli import main
from irqlab.scenarios.compare import compare, table
from irqlab.scenarios.loads import parse_load


def test_seeds_give_the_table_of_the_sequential_comparison(capsys):
    """--seeds 1-2 --workers 0 prints compare()'s table for the same seeds, and each row's per-seed maxima."""
    want = table(compare(["threaded", "tasklet"], [None, parse_load("hog:2")], [1, 2], duration_ns=100_000_000))
    assert main(["compare", "--mechanisms", "threaded,tasklet", "--load", "idle", "--load", "hog:2",
                 "--duration", "100ms", "--seeds", "1-2", "--workers", "0"]) == 0  # fmt: skip
    out, err = capsys.readouterr()
    assert out == want
    lines = err.splitlines()
    assert lines[0] == "per-seed maximum over 2 seeds, us (min / median / max, worst seed):"
    assert [x.split()[:2] for x in lines[1:]] == [["threaded", "idle"], ["tasklet", "idle"], ["threaded", "hog:2"],
                                                  ["tasklet", "hog:2"]]  # fmt: skip
