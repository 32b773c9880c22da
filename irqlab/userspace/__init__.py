"""Simulated user programs: they run as user tasks and reach the kernel through its files and calls."""
