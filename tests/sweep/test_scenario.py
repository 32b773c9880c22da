"""One run of a scenario: its default metrics, its declared metrics, and how a failing or hanging run ends."""

import pytest

from irqlab.sweep import load_scenario, run_point
from irqlab.sweep.results import decode
from irqlab.sweep.scenario import _proc_totals

PROC_INTERRUPTS = """\
           CPU0       CPU1       CPU2       CPU3
  9:          0          0          0          0     GICv2  25 Level     vgic
 11:         25          1          1          1     GICv2  30 Level     arch_timer
 17:          8          0          0          0  pinctrl-rp1  17 Edge      gpiomod#button1
 18:          8          0          0          0  pinctrl-rp1  18 Edge      gpiomod#button2
IPI0:         1          1          1          1       Rescheduling interrupts
IPI1:         0          0          0          0       Function call interrupts
Err:          0
"""


def test_interrupt_totals_sum_the_per_cpu_columns_of_proc_interrupts():
    """Device IRQ rows (numeric labels) and IPI rows are summed apart; Err: is not a per-CPU row."""
    assert _proc_totals(PROC_INTERRUPTS, 4) == (25 + 1 + 1 + 1 + 8 + 8, 4)


KERNEL_REPORTS = """
    import irqlab
    from irqlab.kernel import DEFINE_SPINLOCK, WARN_ON, msleep, spin_lock, spin_unlock

    lock = DEFINE_SPINLOCK("demo_lock")

    def warn():
        WARN_ON(True)

    def oops():
        return 1 // 0

    def sleep_in_atomic():
        spin_lock(lock)
        msleep(1)
        spin_unlock(lock)

    def main(seed, which="all"):
        m = irqlab.boot("generic", cpus=2, seed=seed)
        for fn in (warn, oops, sleep_in_atomic):
            if which in ("all", fn.__name__):
                m.spawn(fn)
        m.run(until="20ms")
        return m
"""


def test_default_metrics_count_the_kernels_reports(write_scenario):
    """A scenario that declares nothing still reports its WARNING, BUG and Oops counts and its simulated time."""
    sc = load_scenario(write_scenario("reports.py", KERNEL_REPORTS))
    r = run_point(sc, {}, 1)
    assert r.status == "ok" and r.error == ""
    assert {k: r.numbers[k] for k in ("sim_time_ms", "warnings", "bugs", "oopses")} == {
        "sim_time_ms": 20.0, "warnings": 1, "bugs": 1, "oopses": 1}
    r = run_point(sc, {"which": "warn"}, 1)
    assert (r.numbers["warnings"], r.numbers["bugs"], r.numbers["oopses"]) == (1, 0, 0)


def test_a_run_that_raises_inside_irqlab_is_recorded_as_failed(write_scenario):
    """An invalid HZ makes boot raise: the run is "failed" with the kernel's message, nothing propagates."""
    sc = load_scenario(write_scenario("hz.py", """
        import irqlab
        def main(seed, hz=250):
            return irqlab.boot("generic", seed=seed, hz=hz)
    """))
    r = run_point(sc, {"hz": 500}, 3)
    assert (r.status, r.seed, r.params, r.numbers) == ("failed", 3, {"hz": 500}, {})
    assert r.error.startswith("ValueError: hz= must be one of 100, 250, 300 or 1000 (the kernel's CONFIG_HZ choices), "
                              "not 500 (")


def test_a_stalled_simulation_is_a_failed_run(write_scenario):
    """A module_init() that waits forever makes insmod raise StalledError: the run is failed with its first line."""
    sc = load_scenario(write_scenario("stall.py", """
        from irqlab.kernel import DECLARE_COMPLETION, wait_for_completion
        done = DECLARE_COMPLETION("never")
        def module_init():
            wait_for_completion(done)
            return 0
    """))
    r = run_point(sc, {}, 1)
    assert r.status == "failed"
    assert r.error.startswith("StalledError: simulation stalled at ")
    assert "ns: nothing left to do but 1 task(s) are blocked forever: (machine.py:" in r.error


def test_metrics_must_be_numbers_or_histograms(write_scenario):
    """metrics() returning a string fails the run with a message that says what a metric may be."""
    sc = load_scenario(write_scenario("badmetric.py", """
        import irqlab
        METRICS = ("label",)
        def main(seed):
            return irqlab.boot("generic", seed=seed)
        def metrics(m):
            return {"label": "fast"}
    """))
    r = run_point(sc, {}, 1)
    assert r.status == "failed"
    assert r.error.startswith("TypeError: metric 'label' is a str: a metric must be a number or a histogram "
                              "(hdrh.histogram.HdrHistogram, or an object with to_hdr())")


def test_histogram_metrics_travel_in_hdrh_encoded_form(write_scenario):
    """An HdrHistogram, or any object with to_hdr(), is stored encoded and decodes to the same counts."""
    sc = load_scenario(write_scenario("hist.py", """
        import irqlab
        from hdrh.histogram import HdrHistogram
        METRICS = ("plain", "wrapped", "count")

        class Latencies:
            def __init__(self, values):
                self.values = values
            def to_hdr(self):
                h = HdrHistogram(1, 1_000_000, 3)
                for v in self.values:
                    h.record_value(v)
                return h

        def main(seed):
            return irqlab.boot("generic", seed=seed)

        def metrics(m):
            w = Latencies([10, 20, 30, 40])
            return {"plain": w.to_hdr(), "wrapped": w, "count": len(w.values)}
    """))
    r = run_point(sc, {}, 1)
    assert r.status == "ok" and r.numbers["count"] == 4 and sorted(r.histograms) == ["plain", "wrapped"]
    h = decode(r.histograms["wrapped"])
    assert (h.get_total_count(), h.get_value_at_percentile(50), h.get_max_value()) == (4, 20, 40)


@pytest.mark.parametrize("where", ["scenario", "kthread"])
def test_a_run_past_its_wall_limit_is_stopped_and_recorded_as_timeout(write_scenario, where):
    """An endless loop in the scenario, or in a kernel thread (where the kernel absorbs one shot as an oops), is a timeout."""
    sc = load_scenario(write_scenario("spin.py", """
        import irqlab
        def forever():
            while True:
                pass
        def main(seed, where="scenario"):
            m = irqlab.boot("generic", cpus=1, seed=seed)
            if where == "scenario":
                forever()
            m.spawn(forever)
            m.run(until="1s")
            return m
    """))
    r = run_point(sc, {"where": where}, 1, limit_s=0.3)
    assert (r.status, r.error) == ("timeout", "exceeded the wall limit of 0.3 s")
    assert 0.3 <= r.wall_s < 5
    again = run_point(sc, {"where": where}, 1, limit_s=0.3)
    assert again.status == "timeout"  # the thread is left clean: the next run is stopped the same way
