"""``irqlab modinfo FILE``: a driver module's .modinfo as kmod's modinfo(8) prints it, without running it.

The file is imported (its module_param() and MODULE_*() calls record the data) but no machine is
booted and module_init() is not called.
"""

from __future__ import annotations

import argparse
import sys

from irqlab.boards import BOARDS, get_board
from irqlab.cli_userfile import UserCodeError, load, resolve, unload
from irqlab.userspace.modinfo import format_modinfo
from irqlab.userspace.modinfo import modinfo_lines as _modinfo_lines
from irqlab.userspace.modinfo import vermagic as _vermagic


def vermagic(board_name: str) -> str:
    """include/linux/vermagic.h VERMAGIC_STRING for the board's kernel."""
    b = get_board(board_name)
    return _vermagic(b.release, b.arch, b.preempt)


def modinfo_lines(mod: object, filename: str, board_name: str) -> list[tuple[str, str]]:
    """(field, value) pairs in modinfo's order, for the board's kernel."""
    b = get_board(board_name)
    return _modinfo_lines(mod, filename, b.release, b.arch, b.preempt)


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``irqlab modinfo``."""
    sp = sub.add_parser("modinfo", help="show a driver module's license, author, description and parameters")
    sp.add_argument("file", help="a driver module .py file, or the name of an example")
    sp.add_argument("-F", "--field", help="print only this field's values (license, author, parm, ...)")
    sp.add_argument(
        "--board",
        choices=sorted(BOARDS),
        help="the kernel whose vermagic to print (default: the file's BOARD, else rpi5)",
    )


def run(args: argparse.Namespace) -> int:
    """Print the module information; 1 when the file cannot be loaded, 2 when it is not found."""
    try:
        path = resolve(args.file)
    except FileNotFoundError as e:
        print(f"modinfo: ERROR: {e}", file=sys.stderr)
        return 2
    try:
        mod = load(path)
    except UserCodeError as e:
        sys.stderr.write(e.text)
        return 1
    try:
        board = args.board or getattr(mod, "BOARD", None) or "rpi5"
        lines = modinfo_lines(mod, str(path.resolve()), board)
    finally:
        unload(mod)
    sys.stdout.write(format_modinfo(lines, args.field))
    return 0
