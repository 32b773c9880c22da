"""Simulated user programs: they run as user tasks and reach the kernel through its files and calls.

The latency tools (cyclictest, rtla timerlat, load generators) use :mod:`irqlab.userspace.syscalls`.
"""
