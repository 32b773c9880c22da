"""trace-cmd in the board's shell: a recording under load, then the shell's `trace-cmd report` against
Debian's on the same file.

Boots a Pi 5, starts `stress-ng --cpu 4 --io 4` in the background, runs
`trace-cmd record -e all sleep SECONDS` in the shell, then times the shell's `trace-cmd report` of the file
and, where trace-cmd is installed, the host's on a copy of it; prints the events, the file size, the
wall times and whether the two reports are the same bytes.

    python benchmarks/trace_cmd_report.py [--seconds S] [--seed N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
import time

import irqlab


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=2.0, help="simulated seconds recorded (default 2)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    m = irqlab.boot("rpi5", seed=args.seed)
    m.sh("stress-ng --cpu 4 --io 4 --timeout 600s &")
    t0 = time.perf_counter()
    r = m.sh(f"trace-cmd record -q -e all -o /tmp/bench.dat sleep {args.seconds}")
    record_s = time.perf_counter() - t0
    if r.status:
        raise SystemExit(f"trace-cmd record failed: {r.output}")
    data = m.shell.vfs.read_bytes("/tmp/bench.dat")
    t0 = time.perf_counter()
    mine = m.sh("trace-cmd report /tmp/bench.dat").output
    report_s = time.perf_counter() - t0
    events = mine.count("\n") - 1
    print(f"recorded {events} events ({len(data) / 2**20:.1f} MiB trace.dat) of {args.seconds:g} simulated s "
          f"in {record_s:.2f} s wall")
    print(f"shell's trace-cmd report: {report_s:.2f} s ({events / report_s:,.0f} events/s)")
    host = shutil.which("trace-cmd")
    if host is None:
        print("host trace-cmd: not installed (apt-get install trace-cmd)")
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "bench.dat")
        with open(path, "wb") as f:
            f.write(data)
        t0 = time.perf_counter()
        real = subprocess.run([host, "report", path], capture_output=True, text=True, check=True).stdout
        host_s = time.perf_counter() - t0
    print(f"host trace-cmd report:    {host_s:.2f} s; the same bytes: {real == mine}")


if __name__ == "__main__":
    main()
