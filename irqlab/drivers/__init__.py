"""Kernel-style drivers and subsystems written against the kernel API (input, GPIO, NAPI, ...)."""
