"""docs/testing.md stays true: its worked example runs with the outcome and report the page shows."""

import pathlib
import re
import shutil

pytest_plugins = ["pytester"]

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_worked_example_passes_three_and_fails_as_shown(pytester):
    """The page's test file: three pass, test_off_right_after_on fails with the /proc/interrupts rows shown."""
    page = (ROOT / "docs" / "testing.md").read_text()
    code = re.search(r"## A worked example\n.*?```python\n(.*?)```", page, re.S).group(1)
    shown = re.search(r"The last one fails:\n\n```\n(.*?)```", page, re.S).group(1)
    shutil.copy(ROOT / "examples" / "seed001_debounce_top_half.py", pytester.path)
    pytester.makepyfile(test_debounce=code)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3, failed=1)
    out = result.stdout.str()
    for line in shown.splitlines():
        if line and line != "..." and not line.startswith("E  "):
            assert line in out, line
