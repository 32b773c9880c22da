"""The board web app: a paced BoardSession served over HTTP and a WebSocket (aiohttp).

One asyncio task paces the machine (irqlab.sim.realtime.Pacer) and, every 50 ms, sends each
page what changed: LEDs, buttons, new dmesg lines, /proc/interrupts and /proc/softirqs, the
timeline segments. Pages send inputs as JSON ``{"op": name, "args": [...]}``; only the names in
irqlab.ui.session.OPS and the controls pause/resume/speed are accepted, with typed arguments:
no code crosses the socket, and only the driver files named on the command line can be loaded.

Requests must come from the page itself: the Host header must name this server (against DNS
rebinding) and the WebSocket handshake and every POST must carry this server's Origin.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from importlib import resources
from typing import Any

from aiohttp import WSMsgType, web

from irqlab.hw.nic import NIC_CTRL_RX_EN
from irqlab.sim.realtime import MAX_RATIO, MIN_RATIO, Pacer
from irqlab.ui.session import MAX_PPS, NIC_SPI, UART_SPI, BoardSession
from irqlab.ui.timeline import Timeline

__all__ = ["BoardServer", "TICK_S"]

log = logging.getLogger("irqlab.board")

#: How often pages are updated (wall seconds).
TICK_S = 0.05
#: /proc/interrupts and /proc/softirqs are sent every this many ticks.
PROC_EVERY = 4

_STATIC = ("index.html", "board.js", "board.css")
_TYPES = {".html": "text/html", ".js": "text/javascript", ".css": "text/css"}


class BoardServer:
    """Serves ``session`` on ``host:port`` (port 0: any free port), paced at ``ratio``."""

    def __init__(self, session: BoardSession, host: str = "127.0.0.1", port: int = 8000, ratio: float = 1.0,
                 record: str | None = None) -> None:  # fmt: skip
        self.session = session
        self.m = session.m
        self.host = host
        self.port = port
        self.record = record
        self.pacer = Pacer(self.m.kernel.engine, ratio)
        self.timeline = Timeline(self.m)
        self.sockets: set[web.WebSocketResponse] = set()
        self.error: str | None = None
        self._ticks = 0
        self._last_rec: Any = None
        self._uart_sent = 0
        self._runner: web.AppRunner | None = None
        self._ticker: asyncio.Task[None] | None = None
        self.app = web.Application(middlewares=[self._guard])
        self.app.router.add_get("/", self._index)
        self.app.router.add_get("/static/{name}", self._static)
        self.app.router.add_get("/favicon.ico", self._no_content)
        self.app.router.add_get("/ws", self._ws)
        self.app.router.add_post("/api/scenario", self._scenario)

    # -- origin checks ----------------------------------------------------------------------
    def _hosts(self) -> set[str]:
        names = {self.host, "127.0.0.1", "localhost"} if self.host in ("127.0.0.1", "localhost") else {self.host}
        return {f"{h}:{self.port}" for h in names}

    @web.middleware
    async def _guard(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if request.host not in self._hosts():
            return web.Response(status=403, text=f"irqlab board: unknown Host {request.host!r}\n")
        if request.method != "GET" or request.path == "/ws":
            origin = request.headers.get("Origin")
            if origin not in {f"http://{h}" for h in self._hosts()}:
                return web.Response(status=403, text=f"irqlab board: requests from origin {origin!r} are refused\n")
        return await handler(request)

    # -- pages ----------------------------------------------------------------------------
    async def _index(self, request: web.Request) -> web.Response:
        return self._file("index.html")

    async def _static(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in _STATIC:
            raise web.HTTPNotFound()
        return self._file(name)

    @staticmethod
    async def _no_content(request: web.Request) -> web.Response:
        return web.Response(status=204)

    @staticmethod
    def _file(name: str) -> web.Response:
        body = resources.files("irqlab.ui").joinpath("static", name).read_bytes()
        ext = name[name.rfind("."):]
        return web.Response(body=body, content_type=_TYPES[ext], charset="utf-8",
                            headers={"Cache-Control": "no-store"})  # fmt: skip

    async def _scenario(self, request: web.Request) -> web.Response:
        """The session so far as a scenario file, with the dmesg and trace it must replay to."""
        self._catch_up()
        text = self.session.scenario()
        if self.record:
            with open(self.record, "w") as f:
                f.write(text)
        return web.json_response({"scenario": text, "now": self.m.now, "dmesg": self.m.dmesg(),
                                  "trace": self.m.trace.text(), "saved": self.record})  # fmt: skip

    # -- the socket -----------------------------------------------------------------------
    async def _ws(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(heartbeat=20, max_msg_size=4096)
        await ws.prepare(request)
        self.sockets.add(ws)
        await ws.send_json(self._hello())
        await ws.send_json(self._update(full=True))
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    await ws.send_json({"type": "error", "message": "only JSON text messages are accepted"})
                    continue
                reply = self._handle(msg.data)
                if reply is not None:
                    await ws.send_json(reply)
        finally:
            self.sockets.discard(ws)
        return ws

    def _handle(self, data: str) -> dict[str, Any] | None:
        """Apply one JSON input; returns an error message for the page, or None."""
        try:
            msg = json.loads(data)
            if not isinstance(msg, dict) or not isinstance(msg.get("op"), str):
                raise ValueError('send {"op": name, "args": [...]}')
            op, args = msg["op"], msg.get("args", [])
            if not isinstance(args, list):
                raise ValueError("args must be a list")
            if self.error is not None:
                raise ValueError(f"the simulation stopped: {self.error}")
            if op == "pause":
                self.pacer.pause()
            elif op == "resume":
                self.pacer.resume()
            elif op == "speed":
                if len(args) != 1 or isinstance(args[0], bool) or not isinstance(args[0], int | float):
                    raise ValueError(f"speed takes one number from {MIN_RATIO} to {MAX_RATIO}")
                self._catch_up()
                self.pacer.set_ratio(float(args[0]))
            else:
                self._catch_up()
                self.session.apply(op, args)
        except (ValueError, json.JSONDecodeError) as e:
            return {"type": "error", "message": str(e)}
        return None

    # -- pacing ---------------------------------------------------------------------------
    def _catch_up(self) -> None:
        """Run the machine up to the wall clock (within the tick budget), so an input lands now."""
        if self.error is not None or self.pacer.paused:
            return
        try:
            self.m.step_paced(self.pacer)
        except Exception as e:  # an irqlab bug: stop pacing, keep serving what happened
            log.exception("the simulation stopped")
            self.error = f"{type(e).__name__}: {e}"
            self.pacer.pause()

    async def _tick_loop(self) -> None:
        while True:
            t0 = time.monotonic()
            self._catch_up()
            self._ticks += 1
            if self.sockets:
                upd = json.dumps(self._update(full=self._ticks % PROC_EVERY == 0))
                for ws in list(self.sockets):
                    try:
                        await ws.send_str(upd)
                    except ConnectionError:
                        self.sockets.discard(ws)
            else:
                self.timeline.drain(self.m.now)
            await asyncio.sleep(max(0.0, TICK_S - (time.monotonic() - t0)))

    # -- what pages see ---------------------------------------------------------------------
    def _hello(self) -> dict[str, Any]:
        s = self.session
        k = self.m.kernel
        return {"type": "hello", "board": k.board.model, "release": k.board.release, "cpus": len(k.cpus),
                "buttons": list(s.buttons), "leds": list(s.leds), "drivers": list(s.drivers),
                "min_ratio": MIN_RATIO, "max_ratio": MAX_RATIO, "seed": s.seed,
                "uart_irq_spi": UART_SPI, "nic_irq_spi": NIC_SPI, "max_pps": MAX_PPS}  # fmt: skip

    def _new_dmesg(self) -> list[str]:
        recs = self.m.kernel.log.records
        out = []
        for rec in reversed(recs):
            if rec is self._last_rec:
                break
            out.append(rec.line())
        if recs:
            self._last_rec = recs[-1]
        out.reverse()
        return out

    def _new_uart_text(self) -> str:
        log = self.session.uart.tx_log
        new = log[self._uart_sent:]
        self._uart_sent = len(log)
        return bytes(b for _, b in new).decode("latin-1")

    def _update(self, full: bool) -> dict[str, Any]:
        s = self.session
        p = self.pacer
        nic = s.nic
        upd: dict[str, Any] = {
            "type": "tick", "now": self.m.now, "ratio": p.ratio, "paused": p.paused, "behind": p.behind_s,
            "falling_behind": p.falling_behind, "error": self.error, "inputs": len(s.inputs),
            "leds": {str(g): on for g, on in s.led_states().items()},
            "buttons": {str(g): on for g, on in s.button_states().items()},
            "loaded": s.loaded(), "tools": {n: s.tool_result(n) for n in s.drivers}, "dmesg": self._new_dmesg(), "timeline": self.timeline.drain(self.m.now),
            "loads": {f"{kind}/{cpu}": on for (kind, cpu), on in sorted(s.loads.running.items())},
            "uart": self._new_uart_text(), "uart_rx": s.uart.rx_bytes,
            "nic": {"pps": s.nic_pps, "stored": nic.rx_packets, "dropped": nic.drops, "ignored": nic.ignored,
                    "interrupts": nic.rx_interrupts, "receiving": bool(nic.ctrl & NIC_CTRL_RX_EN)},
        }  # fmt: skip
        if full:
            upd["interrupts"] = self.m.read("/proc/interrupts")
            upd["softirqs"] = self.m.read("/proc/softirqs")
        return upd

    # -- lifetime -------------------------------------------------------------------------------
    async def start(self) -> str:
        """Start serving; returns the page's URL (with the real port when 0 was asked)."""
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        server = getattr(site, "_server", None)
        if self.port == 0 and server is not None and server.sockets:
            self.port = server.sockets[0].getsockname()[1]
        self.pacer.resume()
        self._ticker = asyncio.create_task(self._tick_loop())
        return f"http://{self.host}:{self.port}/"

    async def stop(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
        for ws in list(self.sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
        self.timeline.close()
