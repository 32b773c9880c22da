"""Built-in scenarios behind ``irqlab demo``."""
