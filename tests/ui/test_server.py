"""The board web app: served on 127.0.0.1, only to its own page, taking only named inputs."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

aiohttp = pytest.importorskip("aiohttp", reason="the board web app needs the web extra (aiohttp)")

from irqlab.cli import main  # noqa: E402
from irqlab.ui.server import BoardServer  # noqa: E402
from irqlab.ui.session import BoardSession  # noqa: E402

DRIVER = str(Path(__file__).resolve().parents[2] / "examples" / "seed001_gpio_buttons.py")


def _serve(check: Any, ratio: float = 1.0) -> None:
    """Start a board on a free port, run ``await check(server, url, origin)``, stop it."""

    async def go() -> None:
        srv = BoardServer(BoardSession({"gpiomod": DRIVER}), port=0, ratio=ratio)
        url = await srv.start()
        try:
            await check(srv, url, url.rstrip("/"))
        finally:
            await srv.stop()

    asyncio.run(go())


async def _ws_until(ws: Any, pred: Any, limit: int = 200) -> dict[str, Any]:
    for _ in range(limit):
        msg = json.loads((await ws.receive()).data)
        if pred(msg):
            return msg  # type: ignore[no-any-return]
    raise AssertionError("the expected message never came")


def test_binds_loopback_by_default():
    """`irqlab board` listens on 127.0.0.1 unless told otherwise."""
    import argparse

    from irqlab import cli_board

    p = argparse.ArgumentParser()
    cli_board.add_parser(p.add_subparsers(dest="cmd"))
    args = p.parse_args(["board", DRIVER])
    assert (args.host, args.port, args.board) == ("127.0.0.1", 8000, "rpi5")


def test_page_and_assets_are_served_from_the_package():
    """The page and its script come from package data; nothing else is served."""

    async def check(srv: BoardServer, url: str, origin: str) -> None:
        async with aiohttp.ClientSession() as c:
            async with c.get(url) as r:
                assert r.status == 200 and '<script src="/static/board.js">' in await r.text()
            async with c.get(url + "static/board.js") as r:
                assert r.status == 200 and r.content_type == "text/javascript"
            async with c.get(url + "static/..%2Fserver.py") as r:
                assert r.status == 404

    _serve(check)


def test_other_origins_and_hosts_are_refused():
    """A WebSocket or POST from another origin, or a request for another Host name, gets 403."""

    async def check(srv: BoardServer, url: str, origin: str) -> None:
        async with aiohttp.ClientSession() as c:
            for headers in ({"Origin": "http://evil.example"}, {}):
                with pytest.raises(aiohttp.WSServerHandshakeError) as e:
                    await c.ws_connect(url + "ws", headers=headers)
                assert e.value.status == 403
                async with c.post(url + "api/scenario", headers=headers) as r:
                    assert r.status == 403
            async with c.get(url, headers={"Host": "evil.example:8000"}) as r:
                assert r.status == 403 and "unknown Host" in await r.text()
            async with c.post(url + "api/scenario", headers={"Origin": origin}) as r:
                assert r.status == 200 and "def main(seed" in (await r.json())["scenario"]

    _serve(check)


def test_no_code_over_the_socket():
    """Unknown inputs, code, wrong types and files not named on the command line are answered with an error."""

    async def check(srv: BoardServer, url: str, origin: str) -> None:
        async with aiohttp.ClientSession() as c:
            async with c.ws_connect(url + "ws", headers={"Origin": origin}) as ws:
                hello = await _ws_until(ws, lambda m: m["type"] == "hello")
                assert hello["drivers"] == ["gpiomod"] and hello["buttons"] == [17, 18]
                bad = [
                    ({"op": "exec", "args": ["__import__('os').system('true')"]}, "unknown input 'exec'"),
                    ({"op": "insmod", "args": ["/tmp/evil.py"]}, "no driver '/tmp/evil.py'"),
                    ({"op": "press", "args": ["17; rm -rf /"]}, "press takes (int)"),
                    ({"op": "speed", "args": [1e9]}, "from 0.01 to 100.0"),
                    (["press", 17], 'send {"op": name'),
                ]
                for msg, err in bad:
                    await ws.send_str(json.dumps(msg))
                    reply = await _ws_until(ws, lambda m: m["type"] == "error")
                    assert err in reply["message"]
                await ws.send_str("not json")
                assert "Expecting value" in (await _ws_until(ws, lambda m: m["type"] == "error"))["message"]
        assert srv.session.inputs == []

    _serve(check)


def test_socket_session_replays_identically(tmp_path, capsys):
    """Inputs sent over the socket to a paced board (x20) give a scenario that replays to the same dmesg and trace."""

    async def check(srv: BoardServer, url: str, origin: str) -> None:
        async with aiohttp.ClientSession() as c:
            async with c.ws_connect(url + "ws", headers={"Origin": origin}) as ws:
                await _ws_until(ws, lambda m: m["type"] == "hello")
                await ws.send_json({"op": "insmod", "args": ["gpiomod"]})
                await _ws_until(ws, lambda m: m["type"] == "tick" and m["loaded"] == ["gpiomod"])
                await ws.send_json({"op": "press", "args": [17]})
                await _ws_until(ws, lambda m: m["type"] == "tick" and m["leds"] == {"4": True})
                await ws.send_json({"op": "release", "args": [17]})
                await ws.send_json({"op": "cpu_hog", "args": [2, True]})
                tick = await _ws_until(ws, lambda m: m["type"] == "tick" and "interrupts" in m
                                       and m["loads"].get("cpuhog/2"))  # fmt: skip
                assert "gpiomod#button1" in tick["interrupts"]
                await ws.send_json({"op": "press", "args": [18]})
                await _ws_until(ws, lambda m: m["type"] == "tick" and m["leds"] == {"4": False})
            async with c.post(url + "api/scenario", headers={"Origin": origin}) as r:
                got = await r.json()
        (tmp_path / "rec.py").write_text(got["scenario"])
        (tmp_path / "live.txt").write_text(got["dmesg"])
        (tmp_path / "trace.txt").write_text(got["trace"])

    _serve(check, ratio=20.0)
    rec = str(tmp_path / "rec.py")
    assert main(["run", "--plain", rec]) == 0
    assert capsys.readouterr().out == (tmp_path / "live.txt").read_text()
    from irqlab.cli import run_file

    assert run_file(rec, seed=1).trace.text() == (tmp_path / "trace.txt").read_text()
