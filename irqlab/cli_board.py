"""``irqlab board [DRIVER.py ...]``: the simulated Raspberry Pi 5 in a browser, in real time.

Serves a local page (127.0.0.1 by default) showing the 40-pin header with seed 001's wiring,
live /proc files, dmesg and a per-CPU timeline; the drivers named here, and only these, can be
loaded from it. Needs the ``web`` extra (``pip install "irqlab[web]"``).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

from irqlab.ui.session import BoardSession, driver_name

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("board", help="drive a simulated Raspberry Pi 5 from a web page, in real time")
    p.add_argument("drivers", nargs="*", metavar="DRIVER.py", help="driver modules the page may insmod/rmmod")
    p.add_argument("--board", default="rpi5", choices=["rpi5"], help="the board (the page draws the Pi 5 header)")
    p.add_argument("--port", type=int, default=8000, help="TCP port (0: any free port; default 8000)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to bind (default 127.0.0.1: only this machine can connect)")
    p.add_argument("--seed", type=int, default=1, help="the RNG seed (recorded in the scenario)")
    p.add_argument("--speed", type=float, default=1.0, help="simulated seconds per wall second (0.01-100)")
    p.add_argument("--record", metavar="FILE.py", help="also write the recorded scenario here when the page saves")


def run(args: argparse.Namespace) -> int:
    try:
        # Deferred for start-up cost: the server needs aiohttp (the web extra).
        from irqlab.ui.server import BoardServer
    except ImportError as e:
        print(f"irqlab board: the web app needs aiohttp ({e}): pip install \"irqlab[web]\"", file=sys.stderr)
        return 2

    drivers: dict[str, str] = {}
    for path in args.drivers:
        if not os.path.isfile(path):
            print(f"irqlab board: no driver file {path!r}", file=sys.stderr)
            return 2
        try:
            name = driver_name(path)
        except ValueError as e:
            print(f"irqlab board: {e}", file=sys.stderr)
            return 2
        if name in drivers:
            print(f"irqlab board: {path} and {drivers[name]} both load as module {name!r}; give one of them",
                  file=sys.stderr)  # fmt: skip
            return 2
        # Recorded as given relative to here when below this directory (a scenario kept with the drivers
        # replays from any checkout of them), else absolute.
        rel = os.path.relpath(path)
        drivers[name] = rel if not rel.startswith(os.pardir) else os.path.abspath(path)
    try:
        session = BoardSession(drivers, board=args.board, seed=args.seed)
        server = BoardServer(session, host=args.host, port=args.port, ratio=args.speed, record=args.record)
    except ValueError as e:
        print(f"irqlab board: {e}", file=sys.stderr)
        return 2
    if args.host not in ("127.0.0.1", "localhost"):
        print(f"irqlab board: warning: listening on {args.host}: other machines can drive this board",
              file=sys.stderr)  # fmt: skip
    try:
        return asyncio.run(_serve(server))
    except KeyboardInterrupt:
        return 0


async def _serve(server: object) -> int:
    # Deferred for start-up cost: the server needs aiohttp (the web extra).
    from irqlab.ui.server import BoardServer

    assert isinstance(server, BoardServer)
    try:
        url = await server.start()
    except OSError as e:
        print(f"irqlab board: cannot listen on {server.host}:{server.port}: {e.strerror}; try --port 0",
              file=sys.stderr)  # fmt: skip
        return 2
    print(f"irqlab board: {url}  (Ctrl-C to stop)", flush=True)
    try:
        await asyncio.Event().wait()
    except asyncio.CancelledError:
        pass
    finally:
        await server.stop()
    return 0
