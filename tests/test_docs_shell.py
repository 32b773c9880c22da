"""docs/shell.md: every transcript in it is what `irqlab shell` prints for the commands it shows."""

import io
import pathlib
import re
import shlex
import sys

import pytest

from irqlab.cli import main

ROOT = pathlib.Path(__file__).resolve().parents[1]
BLOCK = re.compile(r"```\n\$ irqlab shell(?P<args>[^\n<]*)< \S+\n(?P<transcript>.*?)```", re.S)
PROMPT = re.compile(r"root@[^:]+:~# ")


def transcripts() -> list[tuple[list[str], str]]:
    """(irqlab shell's arguments, the transcript) of each block of docs/shell.md."""
    return [(shlex.split(m["args"]), m["transcript"]) for m in BLOCK.finditer((ROOT / "docs" / "shell.md").read_text())]


def script_of(transcript: str) -> str:
    """The commands typed: each prompt line, with its "> " continuation lines."""
    lines = transcript.splitlines()
    out = []
    for i, line in enumerate(lines):
        if PROMPT.match(line):
            out.append(PROMPT.sub("", line, count=1))
            j = i + 1
            while j < len(lines) and lines[j].startswith("> "):
                out.append(lines[j][2:])
                j += 1
    return "".join(c + "\n" for c in out)


@pytest.mark.parametrize("args,transcript", transcripts(), ids=lambda v: (" ".join(v) or "rpi5") if isinstance(v, list) else "")
def test_the_transcript_is_what_the_shell_prints(args, transcript, capsys, monkeypatch):
    """Run the block's commands with its arguments (from the repository's root): the same transcript."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(sys, "stdin", io.StringIO(script_of(transcript)))
    main(["shell", *args])
    assert capsys.readouterr().out == transcript
