"""Seed 001, "Implement Proper Debouncing" as a sweep scenario: examples/seed001_debounce_sweep.py."""

import importlib.util
import pathlib

PATH = pathlib.Path(__file__).resolve().parents[2] / "examples" / "seed001_debounce_sweep.py"


def _example():
    spec = importlib.util.spec_from_file_location("seed001_debounce_sweep", PATH)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _outcomes(debounce_ms, profile, seed):
    ex = _example()
    m = ex.main(seed, debounce_ms=debounce_ms, profile=profile, press_ms=1500)
    return ex.press_outcomes(m), m


def test_the_led_follows_each_press_one_window_later():
    """A press on a quiet line shows on the LED one window later (10 ms, plus up to a jiffy and the work's start);
    one that lands in a window still open is sampled when that window ends or by the window its replayed edge
    opens, so never later than two windows. The driver's line is GPIO17, edge-triggered."""
    (outcome, _), m = _outcomes(10, "typical", 1)
    seen = [ns for ns in outcome if ns is not None]
    assert len(outcome) >= 3 and seen
    assert sum(10_000_000 <= ns < 12_500_000 for ns in seen) * 2 > len(seen), seen
    assert all(0 < ns < 22_500_000 for ns in seen), seen
    row = next(r for r in m.read("/proc/interrupts").splitlines() if "gpiomod" in r)
    assert row.split()[-3:] == ["17", "Edge", "gpiomod#button1"]


def test_short_windows_flash_on_worn_contacts_and_long_windows_lose_quick_taps():
    """A 1 ms window samples worn contacts mid-bounce (phantom flashes); a 50 ms window misses taps and
    merges quick double presses; a 5 ms window never flashes on typical contacts."""
    def totals(debounce_ms, profile):
        lost = phantom = 0
        for seed in range(1, 9):
            (outcome, ph), _ = _outcomes(debounce_ms, profile, seed)
            lost += sum(1 for o in outcome if o is None)
            phantom += ph
        return lost, phantom

    assert totals(1, "worn")[1] > 0
    assert totals(50, "typical")[0] > 0
    assert totals(5, "typical")[1] == 0  # typical contacts settle within 1.5 ms, well inside the window
