"""/proc and /sys views, rendered from kernel state in the kernel's exact formats (procfs.ProcFS mounts them)."""
