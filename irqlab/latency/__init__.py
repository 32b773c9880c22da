"""Latency measurement: HDR histograms (:class:`LatencyHistogram`) and one-line probes (:func:`probe`).

    with irqlab.latency.probe(m, "gpio17->thread") as p:
        m.run(until="1s")
    print(p.hist.summary())

Plots (``irqlab.latency.plot``) need the optional ``plot`` extra (matplotlib).
"""

from irqlab.latency.histogram import LatencyHistogram
from irqlab.latency.probe import LatencyProbe, probe

__all__ = ["LatencyHistogram", "LatencyProbe", "probe"]
