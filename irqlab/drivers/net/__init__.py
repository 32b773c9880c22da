"""Networking core pieces drivers need: net_device, sk_buff, NAPI and the backlog."""
