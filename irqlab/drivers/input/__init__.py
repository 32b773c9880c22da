"""The input subsystem (drivers/input)."""
