"""The board page in a real browser (Playwright driving Debian's chromium): click, watch, record, replay.

Screenshots go to $IRQLAB_BOARD_SCREENSHOTS when it names a directory (docs/ holds the committed ones).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("aiohttp", reason="the board web app needs the web extra (aiohttp)")
sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright package")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if not os.path.exists(CHROMIUM):
    pytest.skip("no browser: install Debian's chromium (apt-get install -y chromium)", allow_module_level=True)

ROOT = Path(__file__).resolve().parents[2]
GPIO_BUTTONS = str(ROOT / "examples" / "seed001_gpio_buttons.py")
BOTTOM_HALF = str(ROOT / "examples" / "seed001_bottomhalf_workqueue.py")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
# The /proc/interrupts row of gpiomod#button1, summed over the CPUs (JavaScript, run in the page).
ROW_COUNT = """() => {
  const row = document.getElementById('interrupts').textContent.split('\\n').find(l => l.includes('gpiomod#button1'));
  if (!row) return -1;
  return row.split(':')[1].trim().split(/\\s+/).slice(0, 4).reduce((a, b) => a + Number(b), 0);
}"""


def _board(*argv: str) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen([sys.executable, "-m", "irqlab", "board", *argv, "--port", "0"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    assert proc.stdout is not None
    line = proc.stdout.readline()
    m = re.search(r"http://127\.0\.0\.1:\d+/", line)
    if not m:
        proc.kill()
        raise AssertionError(f"irqlab board did not print its URL: {line!r} {proc.stderr.read() if proc.stderr else ''}")
    return proc, m.group(0)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _shot(page: Any, name: str, tmp_path: Path, full_page: bool = False) -> None:
    path = tmp_path / name
    page.screenshot(path=str(path), full_page=full_page)
    out = os.environ.get("IRQLAB_BOARD_SCREENSHOTS")
    if out:
        shutil.copy(path, Path(out) / name)


def _hold(page: Any, selector: str, ms: int = 150) -> None:
    box = page.locator(selector).bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.wait_for_timeout(ms)
    page.mouse.up()


def test_click_gpio17_lights_the_led_and_counts_the_interrupt(browser, tmp_path):
    """insmod from the page, click GPIO17: the LED on GPIO4 lights, gpiomod#button1's count rises; GPIO18 puts it out."""
    proc, url = _board(GPIO_BUTTONS)
    try:
        page = browser.new_page(viewport={"width": 1480, "height": 1000})
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(url)
        page.wait_for_selector("#btn-17")
        assert page.locator("#led-4").get_attribute("data-on") == "0"
        page.click("#insmod-gpiomod")
        page.wait_for_selector("#state-gpiomod.loaded")
        page.wait_for_function("() => document.getElementById('dmesg').textContent"
                               ".includes('Successfully requested BUTTON1 IRQ # 17')")  # fmt: skip
        page.wait_for_function(f"() => ({ROW_COUNT})() === 0")
        _hold(page, "#btn-17 rect.cap")
        page.wait_for_selector("#led-4[data-on='1']")
        page.wait_for_function(f"() => ({ROW_COUNT})() > 0")
        page.check("#cpuhog-1")
        # The hog keeps CPU1 out of idle: its arch_timer count climbs with the tick (HZ=250).
        page.wait_for_function("() => { const r = document.getElementById('interrupts').textContent.split('\\n')"
                               ".find(l => l.includes('arch_timer')); return r && Number(r.split(/\\s+/)[3]) > 100; }")  # fmt: skip
        _shot(page, "board.png", tmp_path)
        _hold(page, "#btn-18 rect.cap")
        page.wait_for_selector("#led-4[data-on='0']")
        page.click("#pause")
        page.wait_for_selector("#behind.warn:has-text('paused')")
        page.wait_for_selector("#pause:has-text('Resume')")
        page.click("#pause")
        page.wait_for_selector("#behind.ok:has-text('keeping up')")
        page.evaluate("() => { const s = document.getElementById('speed'); s.value = '1';"
                      " s.dispatchEvent(new Event('change')); }")  # fmt: skip
        page.wait_for_function("() => document.getElementById('speed-label').textContent === '10'")
        # x100 with a hog on every CPU asks ten times what this simulator can do: the page says so.
        page.evaluate("() => { const s = document.getElementById('speed'); s.value = '2';"
                      " s.dispatchEvent(new Event('change')); }")  # fmt: skip
        for cpu in range(4):
            page.check(f"#cpuhog-{cpu}")
        page.wait_for_selector("#behind.bad:has-text('behind real time')")
        assert errors == []
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_recorded_session_replays_to_the_same_dmesg(browser, tmp_path):
    """Click twice, save the scenario from the page: `irqlab run` replays it to the page's dmesg."""
    rec = tmp_path / "session.py"
    proc, url = _board(BOTTOM_HALF, "--record", str(rec))
    try:
        page = browser.new_page(viewport={"width": 1480, "height": 1000})
        page.goto(url)
        page.wait_for_selector("#insmod-gpiomod")
        page.click("#insmod-gpiomod")
        page.wait_for_selector("#state-gpiomod.loaded")
        _hold(page, "#btn-17 rect.cap", 200)
        page.wait_for_function("() => document.getElementById('dmesg').textContent"
                               ".includes('Bottom half workqueue starts')")  # fmt: skip
        page.wait_for_selector("#led-4[data-on='1']")
        _hold(page, "#btn-18 rect.cap", 200)
        page.wait_for_selector("#led-4[data-on='0']")
        page.click("#storm-18")
        page.wait_for_timeout(300)
        with page.expect_response("**/api/scenario") as resp:
            page.click("#save")
        got = resp.value.json()
        page.wait_for_selector("#scenario-panel:not([hidden])")
        _shot(page, "board-recorded.png", tmp_path, full_page=True)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert rec.read_text() == got["scenario"]
    assert "s.press(17)" in got["scenario"] and "s.storm(18)" in got["scenario"]
    out = subprocess.run([sys.executable, "-m", "irqlab", "run", "--plain", str(rec)], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert out == got["dmesg"]
    assert "Bottom half workqueue ends" in out


def test_uart_console_and_traffic_knob(browser, tmp_path):
    """seed 003's UART driver: its "ok" shows on the console, typed bytes reach its handler; the knob sends packets."""
    proc, url = _board(str(ROOT / "examples" / "seed003_basic_handler.py"))
    try:
        page = browser.new_page(viewport={"width": 1480, "height": 1000})
        page.goto(url)
        page.click("#insmod-my_uart")
        page.wait_for_function("() => document.getElementById('console').textContent === 'ok\\n'")
        page.fill("#console-input", "hi")
        page.press("#console-input", "Enter")
        page.wait_for_function("() => document.getElementById('dmesg').textContent.includes(\"rx: 1 byte(s) 'i'\")")
        page.evaluate("() => { const k = document.getElementById('nic-rate'); k.value = '3';"
                      " k.dispatchEvent(new Event('change')); }")  # fmt: skip
        page.wait_for_function("() => /receiver off \\(no driver enabled it\\): [1-9]/"
                               ".test(document.getElementById('nic-stats').textContent)")  # fmt: skip
        assert page.inner_text("#nic-label") == "1k pkt/s"
        _shot(page, "board-uart.png", tmp_path)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
