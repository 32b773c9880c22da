"""Simulated user programs (cyclictest, rtla timerlat, bcc's hardirqs/softirqs, load generators).

They run as user tasks and reach the kernel only through :mod:`irqlab.userspace.syscalls`.
"""
