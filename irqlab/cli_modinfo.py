"""``irqlab modinfo FILE``: a driver module's .modinfo as kmod's modinfo(8) prints it, without running it.

The file is imported (its module_param() and MODULE_*() calls record the data) but no machine is
booted and module_init() is not called.
"""

from __future__ import annotations

import argparse
import sys

from irqlab.boards import BOARDS, get_board
from irqlab.cli_userfile import UserCodeError, load, resolve, unload
from irqlab.kernel.module import module_name_of
from irqlab.kernel.module_param import modinfo_of, module_params_of

#: The machine string at the end of vermagic (include/linux/vermagic.h MODULE_ARCH_VERMAGIC via UTS_MACHINE).
_ARCH = {"arm64": "aarch64", "x86": ""}


def vermagic(board_name: str) -> str:
    """include/linux/vermagic.h VERMAGIC_STRING for the board's kernel: release, SMP, preempt, unload, modversions."""
    b = get_board(board_name)
    preempt = {"full": "preempt ", "rt": "preempt_rt ", "voluntary": "", "none": ""}[b.preempt]
    # Debian's and Raspberry Pi OS's kernels are built with CONFIG_MODVERSIONS; both are PREEMPT builds
    # (Debian's amd64 kernel is PREEMPT_DYNAMIC, whose vermagic says "preempt" too).
    if b.arch == "x86":
        preempt = "preempt "
    return f"{b.release} SMP {preempt}mod_unload modversions {_ARCH.get(b.arch, '')}"


def modinfo_lines(mod: object, filename: str, board_name: str) -> list[tuple[str, str]]:
    """(field, value) pairs in modinfo's order: filename, the MODULE_*() tags (the last declared first,
    as they lie in the .modinfo section), depends, name, vermagic, then one parm per parameter."""
    out = [("filename", filename)]
    # SIMPLIFICATION: no srcversion, intree, sig_* or alias fields; the tags come last-declared first as GCC
    # lays them out in .modinfo for one object file.
    for tag, value in reversed(modinfo_of(mod)):
        if tag != "parmdesc":
            out.append((tag, value))
    b = get_board(board_name)
    out.append(("depends", ""))
    if b.arch == "x86":
        out.append(("retpoline", "Y"))
    out.append(("name", module_name_of(mod)))
    out.append(("vermagic", vermagic(board_name)))
    stray = dict(v.split(":", 1) for t, v in modinfo_of(mod) if t == "parmdesc")
    for kp in module_params_of(mod):
        desc = kp.desc or stray.get(kp.name, "")
        out.append(("parm", f"{kp.name}:{desc + ' ' if desc else ''}({kp.type})"))
    return out


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``irqlab modinfo``."""
    sp = sub.add_parser("modinfo", help="show a driver module's license, author, description and parameters")
    sp.add_argument("file", help="a driver module .py file, or the name of an example")
    sp.add_argument("-F", "--field", help="print only this field's values (license, author, parm, ...)")
    sp.add_argument("--board", choices=sorted(BOARDS), help="the kernel whose vermagic to print (default: the file's BOARD, else rpi5)")


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
    if args.field:
        sys.stdout.write("".join(f"{v}\n" for f, v in lines if f == args.field))
    else:
        sys.stdout.write("".join(f"{f + ':':<16}{v}\n" for f, v in lines))
    return 0
