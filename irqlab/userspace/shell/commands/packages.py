"""apt and apt-get (APT 2.6, Debian bookworm): the board's package set is fixed, so installing a
package the board has reports it as installed, as apt does, and any other is not found."""

from __future__ import annotations

from irqlab.userspace.shell.process import Proc

#: Debian bookworm packages whose programs this board runs, with the versions bookworm ships.
INSTALLED = {
    "coreutils": "9.1-1", "grep": "3.8-5", "procps": "2:4.0.2-3", "util-linux": "2.38.1-5+deb12u3",
    "kmod": "30+20221128-1", "gpiod": "1.6.3-1+b3", "stress-ng": "0.15.06-2",
}  # fmt: skip
INSTALLED["irqbalance"] = "1.9.2-1"

_HEAD = "Reading package lists... Done\nBuilding dependency tree... Done\nReading state information... Done\n"


def apt(p: Proc) -> int:
    """apt/apt-get install|update|list --installed."""
    args = [a for a in p.argv[1:] if not a.startswith("-")]
    if not args:
        p.out(f"{p.argv[0]} 2.6.1 (arm64)\nUsage: {p.argv[0]} [options] command\n")
        return 1
    cmd, pkgs = args[0], args[1:]
    if cmd == "update":
        # The simulated board has no network: apt cannot reach its sources.
        p.out("Err:1 http://deb.debian.org/debian bookworm InRelease\n"
              "  Temporary failure resolving 'deb.debian.org'\nReading package lists... Done\n")  # fmt: skip
        p.err("W: Failed to fetch http://deb.debian.org/debian/dists/bookworm/InRelease  "
              "Temporary failure resolving 'deb.debian.org'\n"
              "W: Some index files failed to download. They have been ignored, or old ones used instead.\n")  # fmt: skip
        return 0
    if cmd == "list" and "--installed" in p.argv:
        p.out("Listing... Done\n" + "".join(f"{n}/stable,now {v} arm64 [installed]\n" for n, v in sorted(INSTALLED.items())))
        return 0
    if cmd != "install":
        p.err(f"E: Invalid operation {cmd}\n")
        return 100
    p.out(_HEAD)
    for name in pkgs:
        if name not in INSTALLED:
            p.err(f"E: Unable to locate package {name}\n")
            return 100
    for name in pkgs:
        p.out(f"{name} is already the newest version ({INSTALLED[name]}).\n")
    p.out("0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n")
    return 0


COMMANDS = {"apt": apt, "apt-get": apt}
