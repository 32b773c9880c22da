// The irqlab board page: draws the Pi 5 header, sends inputs, shows what the simulated kernel shows.
"use strict";

// Physical pins 1..40 of the Raspberry Pi 40-pin header: BCM GPIO number, or a power/ground name.
const PINS = ["3V3", "5V", 2, "5V", 3, "GND", 4, 14, "GND", 15, 17, 18, 27, "GND", 22, 23, "3V3", 24,
  10, "GND", 9, 25, 11, 8, "GND", 7, 0, 1, 5, "GND", 6, 12, 13, "GND", 19, 16, 26, 20, "GND", 21];
const SVGNS = "http://www.w3.org/2000/svg";
const X_LEFT = 245, X_RIGHT = 275, Y0 = 40, DY = 24;

let dropped = 0, noticeTimer = 0, drawPending = false;
let ws = null, hello = null, state = { ratio: 1, paused: false, now: 0 };
const segments = [], arrivals = [];
const $ = (id) => document.getElementById(id);

function send(op, ...args) {
  if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ op, args }));
}

function el(tag, attrs, parent) {
  const e = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (parent) parent.appendChild(e);
  return e;
}

function pinXY(gpio) {
  const i = PINS.indexOf(gpio);
  return { x: i % 2 === 0 ? X_LEFT : X_RIGHT, y: Y0 + Math.floor(i / 2) * DY, left: i % 2 === 0, pin: i + 1 };
}

function drawHeader() {
  const root = $("header");
  root.textContent = "";
  // Wires first, so pins and labels are drawn over them.
  const wires = el("g", { id: "wires" }, root);
  const svg = el("g", { id: "parts" }, root);
  el("rect", { x: X_LEFT - 14, y: Y0 - 14, width: X_RIGHT - X_LEFT + 28, height: 20 * DY + 4, rx: 4,
               fill: "#111" }, svg);
  PINS.forEach((p, i) => {
    const left = i % 2 === 0, x = left ? X_LEFT : X_RIGHT, y = Y0 + Math.floor(i / 2) * DY;
    const colour = p === "GND" ? "#333" : p === "5V" ? "#c33" : p === "3V3" ? "#d80" : "#c9a227";
    el("rect", { class: "pin", x: x - 7, y: y - 7, width: 14, height: 14, fill: colour, id: `pin-${i + 1}` }, svg);
    const t = el("text", { x: left ? x - 14 : x + 14, y: y + 4, "text-anchor": left ? "end" : "start" }, svg);
    t.textContent = typeof p === "number" ? `GPIO${p} (${i + 1})` : `${p} (${i + 1})`;
  });
  hello.leds.forEach((g, k) => drawLed(svg, wires, g, 40, 80 + k * 120));
  hello.buttons.forEach((g, k) => {
    const p = pinXY(g);
    drawButton(svg, wires, g, p.left ? 40 : 420, 200 + k * 130);
  });
  drawUart(svg, wires, 420, 90);
  drawNic(svg, 400, 470);
  const gt = el("text", { x: 10, y: 545 }, svg);
  gt.textContent = "buttons to GND (pull-up: idle high, pressed low); LED + resistor to GND";
}

function wire(svg, from, to, colour) {
  const midx = from.x + (to.x > from.x ? 20 : -20);
  el("path", { class: "wire", stroke: colour, d: `M${from.x} ${from.y} H${midx} V${to.y} H${to.x}` }, svg);
}

function drawLed(svg, wires, gpio, x, y) {
  const p = pinXY(gpio);
  wire(wires, { x: p.x - 7, y: p.y }, { x: x + 60, y: y + 30 }, "#c9a227");
  const g = el("g", { class: "led", id: `led-${gpio}`, "data-on": "0" }, svg);
  el("circle", { class: "lens", cx: x + 30, cy: y + 30, r: 22 }, g);
  const t = el("text", { x: x, y: y + 72 }, g);
  t.textContent = `LED GPIO${gpio}`;
}

function drawButton(svg, wires, gpio, x, y) {
  const p = pinXY(gpio);
  const end = p.left ? { x: x + 90, y: y + 30 } : { x: x, y: y + 30 };
  wire(wires, { x: p.left ? p.x - 7 : p.x + 7, y: p.y }, end, "#3a8fd8");
  const g = el("g", { class: "btn", id: `btn-${gpio}`, role: "button", tabindex: "0",
                      "aria-label": `button on GPIO${gpio}` }, svg);
  el("rect", { x: x, y: y, width: 90, height: 60, rx: 6, fill: "#222", stroke: "#666" }, g);
  el("rect", { class: "cap", x: x + 20, y: y + 10, width: 50, height: 40, rx: 20 }, g);
  const t = el("text", { x: x, y: y + 76 }, g);
  t.textContent = `button GPIO${gpio}`;
  let down = false;
  const press = (e) => { e.preventDefault(); if (!down) { down = true; send("press", gpio); } };
  const release = () => { if (down) { down = false; send("release", gpio); } };
  g.addEventListener("pointerdown", press);
  g.addEventListener("pointerup", release);
  g.addEventListener("pointerleave", release);
  g.addEventListener("keydown", (e) => { if ((e.key === " " || e.key === "Enter") && !e.repeat) press(e); });
  g.addEventListener("keyup", (e) => { if (e.key === " " || e.key === "Enter") release(); });
}

function drawUart(svg, wires, x, y) {
  const tx = pinXY(14), rx = pinXY(15);
  wire(wires, { x: tx.x + 7, y: tx.y }, { x: x, y: y + 14 }, "#9b59b6");
  wire(wires, { x: rx.x + 7, y: rx.y }, { x: x, y: y + 34 }, "#8e44ad");
  const g = el("g", { id: "uart" }, svg);
  el("rect", { class: "box", x: x, y: y, width: 90, height: 48, rx: 4 }, g);
  const t = el("text", { x: x + 6, y: y + 20 }, g); t.textContent = "USB-serial";
  const t2 = el("text", { x: x + 6, y: y + 38 }, g); t2.textContent = "console";
}

function drawNic(svg, x, y) {
  const g = el("g", { id: "nic" }, svg);
  el("rect", { class: "box", x: x, y: y, width: 110, height: 50, rx: 4 }, g);
  el("rect", { x: x + 8, y: y + 10, width: 30, height: 30, fill: "#bbb" }, g);
  const t = el("text", { x: x + 44, y: y + 22 }, g); t.textContent = "eth0";
  const t2 = el("text", { x: x + 44, y: y + 38, id: "nic-svg-rate" }, g); t2.textContent = "idle";
}

const PPS = [0, 10, 100, 1000, 10000, 100000, 1000000];
function ppsLabel(p) { return p === 0 ? "off" : p >= 1e6 ? `${p / 1e6}M pkt/s` : p >= 1e3 ? `${p / 1e3}k pkt/s` : `${p} pkt/s`; }

function button(label, id, onclick, parent) {
  const b = document.createElement("button");
  b.textContent = label; b.id = id; b.addEventListener("click", onclick);
  parent.appendChild(b);
  return b;
}

function drawPanels() {
  const mods = $("modules");
  mods.textContent = "";
  if (!hello.drivers.length) mods.textContent = "no driver given: irqlab board DRIVER.py";
  for (const name of hello.drivers) {
    const row = document.createElement("div");
    row.className = "row";
    let params = null;
    button(`insmod ${name}`, `insmod-${name}`, () => send("insmod", name, params ? params.value.trim() : ""), row);
    {
      params = document.createElement("input");
      params.type = "text"; params.id = `params-${name}`; params.placeholder = "param=value …";
      params.className = "params"; params.title = "module parameters, as insmod takes them";
      row.appendChild(params);
    }
    button(`rmmod ${name}`, `rmmod-${name}`, () => send("rmmod", name), row);
    const s = document.createElement("span");
    s.className = "state"; s.id = `state-${name}`; s.textContent = "not loaded";
    row.appendChild(s);
    mods.appendChild(row);
  }
  const loads = $("loads");
  loads.textContent = "";
  const hogs = document.createElement("div");
  hogs.className = "row";
  hogs.append("CPU hog:");
  for (let c = 0; c < hello.cpus; c++) {
    const lab = document.createElement("label");
    const cb = document.createElement("input");
    cb.type = "checkbox"; cb.id = `cpuhog-${c}`;
    cb.addEventListener("change", () => send("cpu_hog", c, cb.checked));
    lab.append(cb, `CPU${c}`);
    hogs.appendChild(lab);
  }
  loads.appendChild(hogs);
  const rt = document.createElement("div");
  rt.className = "row";
  rt.append("RT hog (FIFO 80):");
  for (let c = 0; c < hello.cpus; c++) {
    const lab = document.createElement("label");
    const cb = document.createElement("input");
    cb.type = "checkbox"; cb.id = `rthog-${c}`;
    cb.addEventListener("change", () => send("rt_hog", c, cb.checked));
    lab.append(cb, `CPU${c}`);
    rt.appendChild(lab);
  }
  loads.appendChild(rt);
  const storm = document.createElement("div");
  storm.className = "row";
  storm.append("Edge storm (2000 edges, 25 µs apart):");
  for (const g of hello.buttons) button(`GPIO${g}`, `storm-${g}`, () => send("storm", g), storm);
  loads.appendChild(storm);
}

function fmtTime(ns) { return (ns / 1e9).toFixed(6); }

function update(u) {
  state = u;
  $("simtime").textContent = fmtTime(u.now);
  $("pause").textContent = u.paused ? "Resume" : "Pause";
  $("speed-label").textContent = u.ratio >= 1 ? u.ratio.toFixed(u.ratio < 10 ? 1 : 0) : u.ratio.toFixed(2);
  const behind = $("behind");
  if (u.paused) { behind.className = "warn"; behind.textContent = "paused"; }
  else if (u.falling_behind) {
    behind.className = "bad";
    behind.textContent = u.behind > 0.1 ? `falling behind real time (${(u.behind * 1000).toFixed(0)} ms)`
      : "fell behind real time just now";
  } else { behind.className = "ok"; behind.textContent = "keeping up"; }
  for (const [g, on] of Object.entries(u.leds)) {
    const led = $(`led-${g}`);
    if (led) { led.classList.toggle("lit", on); led.setAttribute("data-on", on ? "1" : "0"); }
  }
  for (const [g, on] of Object.entries(u.buttons)) {
    const b = $(`btn-${g}`);
    if (b) b.classList.toggle("pressed", on);
  }
  for (const name of hello.drivers) {
    const s = $(`state-${name}`), loaded = u.loaded.includes(name);
    s.textContent = u.tools[name] || (loaded ? "loaded" : "not loaded"); s.classList.toggle("loaded", loaded);
  }
  for (const [key, on] of Object.entries(u.loads)) {
    const cb = $(key.replace("/", "-"));
    if (cb) cb.checked = on;
  }
  if (u.dmesg.length) {
    const pre = $("dmesg");
    const atEnd = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
    const lines = (pre.textContent + u.dmesg.join("\n") + "\n").split("\n");
    pre.textContent = lines.slice(Math.max(0, lines.length - 600)).join("\n");
    if (atEnd) pre.scrollTop = pre.scrollHeight;
  }
  if (u.uart) {
    const c = $("console");
    c.textContent = (c.textContent + u.uart).slice(-4000);
    c.scrollTop = c.scrollHeight;
  }
  const n = u.nic;
  $("nic-label").textContent = ppsLabel(n.pps);
  $("nic-svg-rate").textContent = ppsLabel(n.pps);
  $("nic-stats").textContent = n.receiving
    ? `ring: ${n.stored} stored, ${n.dropped} dropped; ${n.interrupts} RX interrupts`
    : `receiver off (no driver enabled it): ${n.ignored} packets ignored`;
  if (u.interrupts !== undefined) { $("interrupts").textContent = u.interrupts; $("softirqs").textContent = u.softirqs; }
  if (u.error) { const err = $("error"); err.hidden = false; err.textContent = `The simulation stopped: ${u.error}`; }
  dropped = u.timeline.dropped ? dropped + u.timeline.dropped : Math.floor(dropped * 0.9);
  for (const s of u.timeline.segments) segments.push(s);
  for (const a of u.timeline.arrivals) arrivals.push(a);
  // Draw once per frame however many updates arrived meanwhile.
  if (!drawPending) { drawPending = true; requestAnimationFrame(() => { drawPending = false; drawTimeline(); }); }
}

const COLOURS = ["#000", getCss("--task"), getCss("--softirq"), getCss("--hardirq")];
function getCss(v) { return getComputedStyle(document.documentElement).getPropertyValue(v).trim(); }

function windowNs() {
  return Math.min(1e10, Math.max(2e6, state.ratio * 3e9));
}

function drawTimeline() {
  const cv = $("timeline");
  if (!hello) return;
  const dpr = window.devicePixelRatio || 1;
  const w = cv.clientWidth, lane = 40, h = hello.cpus * lane + 8;
  if (cv.width !== Math.round(w * dpr) || cv.height !== Math.round(h * dpr)) {
    cv.width = Math.round(w * dpr); cv.height = Math.round(h * dpr); cv.style.height = `${h}px`;
  }
  const ctx = cv.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  const win = windowNs(), t1 = state.now, t0 = t1 - win, left = 52, span = w - left - 4;
  $("window").textContent = `last ${(win / 1e6).toFixed(win < 1e7 ? 1 : 0)} ms of simulated time` +
    (dropped ? ` (too busy to draw: ${dropped} segments left out)` : "");
  // Forget what scrolled out of the window.
  while (segments.length && segments[0][4] < t0 - win) segments.shift();
  while (arrivals.length && arrivals[0][1] < t0 - win) arrivals.shift();
  const x = (t) => left + ((t - t0) / win) * span;
  ctx.font = "11px ui-monospace, monospace";
  for (let c = 0; c < hello.cpus; c++) {
    const y = 4 + c * lane;
    ctx.fillStyle = "#151b21"; ctx.fillRect(left, y, span, lane - 6);
    ctx.fillStyle = "#9aa4ad"; ctx.fillText(`CPU${c}`, 6, y + lane / 2);
  }
  for (const [cpu, kind, label, a, b] of segments) {
    if (b < t0) continue;
    const y = 4 + cpu * lane, band = (lane - 6) / 3;
    const top = y + (3 - kind) * band;
    // Whole pixels, rounded outwards, so a task split by many short interrupts draws without gaps.
    const xa = Math.floor(Math.max(left, x(a))), xb = Math.max(xa + 1, Math.ceil(x(b)));
    ctx.fillStyle = COLOURS[kind];
    ctx.fillRect(xa, top, xb - xa, kind === 1 ? band * 1 : band);
    if (kind === 1 && xb - xa > 60) {
      ctx.fillStyle = "#fff"; ctx.fillText(label.slice(0, Math.floor((xb - xa) / 7)), xa + 3, top + band - 3);
    }
  }
  ctx.fillStyle = "#fff";
  for (const [cpu, ts] of arrivals) {
    if (ts < t0) continue;
    const y = 4 + cpu * lane;
    ctx.fillRect(x(ts), y, 1, 6);
  }
}

function connect() {
  ws = new WebSocket(`ws://${location.host}/ws`);
  ws.onopen = () => { $("conn").className = "ok"; $("conn").textContent = "connected"; };
  ws.onclose = () => {
    $("conn").className = "bad"; $("conn").textContent = "disconnected";
    setTimeout(connect, 1000);
  };
  ws.onmessage = (ev) => {
    const msg = JSON.parse(ev.data);
    if (msg.type === "hello") {
      hello = msg;
      $("model").textContent = `${msg.board} · Linux ${msg.release} · seed ${msg.seed}`;
      drawHeader(); drawPanels();
      $("dmesg").textContent = "";
    } else if (msg.type === "tick") {
      update(msg);
    } else if (msg.type === "error") {
      const n = $("notice"); n.hidden = false; n.textContent = msg.message;
      clearTimeout(noticeTimer); noticeTimer = setTimeout(() => { n.hidden = true; }, 6000);
    }
  };
}

$("nic-rate").addEventListener("change", (e) => send("nic_rate", PPS[parseInt(e.target.value, 10)]));
$("console-input").addEventListener("keydown", (e) => {
  if (e.key === "Enter" && e.target.value) { send("uart_send", e.target.value + "\n"); e.target.value = ""; }
});
$("pause").addEventListener("click", () => send(state.paused ? "resume" : "pause"));
$("speed").addEventListener("change", (e) => send("speed", Math.pow(10, parseFloat(e.target.value))));
$("save").addEventListener("click", async () => {
  const r = await fetch("/api/scenario", { method: "POST" });
  const j = await r.json();
  $("scenario-panel").hidden = false;
  $("scenario").textContent = j.scenario;
  $("download").href = URL.createObjectURL(new Blob([j.scenario], { type: "text/x-python" }));
});
window.addEventListener("resize", drawTimeline);
connect();
