"""The board in a browser: a paced machine, its inputs recorded as a scenario, served to a web page.

``session`` owns the machine and applies (and records) every input; ``timeline`` turns the trace
event stream into per-CPU activity segments; ``server`` is the web app (the ``web`` extra).
"""
