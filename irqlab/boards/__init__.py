"""Boards: wiring tables (device-tree-like data) that assemble CPUs, controllers and devices.

board.py holds the Board description and the registry; each board module (pc.py, rpi5.py) builds on it
and registers its board when it loads, which importing this package does.
"""

from irqlab.boards import pc, rpi5
from irqlab.boards.board import BOARDS, GENERIC, Board, get_board, register_board

__all__ = ["BOARDS", "GENERIC", "Board", "get_board", "register_board", "pc", "rpi5"]
