"""Latency measuring tools on the board: rt-tests' cyclictest, rtla timerlat, bcc's hardirqs and softirqs."""

from __future__ import annotations

COMMANDS: dict = {}
