"""`afterline bench --profile ENDPOINT`: where the API process spends its time under load.

py-spy samples the serving process (one API process, as the benchmark runs it) while wrk
drives one endpoint, and the collapsed stacks are summed per function: the share of
samples in which each function is on the stack (inclusive) and on top of it (self).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

TOP = 25


def summarise(collapsed: str) -> tuple[int, Counter[str], Counter[str]]:
    """(samples, inclusive counts, self counts) per `function (file:line)` frame."""
    total, inclusive, self_time = 0, Counter[str](), Counter[str]()
    for line in collapsed.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue  # not a stack line
        count = int(count_text)
        frames = [frame.split(" (")[0] + " (" + _where(frame) + ")" for frame in stack.split(";")]
        total += count
        for frame in set(frames):
            inclusive[frame] += count
        self_time[frames[-1]] += count
    return total, inclusive, self_time


def _where(frame: str) -> str:
    inside = frame.partition(" (")[2].rstrip(")")
    path, _, _line = inside.rpartition(":")
    for marker in ("site-packages/", "/api/", "/jobs/"):
        if marker in path:
            return marker.strip("/") + "/" + path.split(marker, 1)[1]
    return path


@dataclass(frozen=True)
class Recording:
    process: subprocess.Popen[bytes]
    output: Path


def record(pid: int, seconds: int) -> Recording:
    """Starts py-spy on `pid` for `seconds`; `collapsed(recording)` reads what it found."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    out = Path(tempfile.mkdtemp(prefix="afterline-spy-")) / "stacks.txt"
    command = [spy, "record", "--pid", str(pid), "--duration", str(seconds)]
    command += ["--format", "raw", "--output", str(out), "--nonblocking", "--rate", "200"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return Recording(process, out)


def collapsed(recording: Recording) -> str:
    _, errors = recording.process.communicate(timeout=120)
    if recording.process.returncode != 0 or not recording.output.is_file():
        raise click.ClickException(f"py-spy failed: {errors.decode(errors='replace')[-500:]}")
    text = recording.output.read_text(errors="replace")
    shutil.rmtree(recording.output.parent, ignore_errors=True)
    return text


def report(console: Console, endpoint: str, text: str) -> None:
    total, inclusive, self_time = summarise(text)
    table = Table(title=f"where the API process spent {endpoint}'s time ({total} samples)")
    for column in ("function", "inclusive", "self"):
        table.add_column(column, no_wrap=column != "function")
    for frame, count in inclusive.most_common(TOP):
        table.add_row(frame, f"{count / total:.0%}", f"{self_time[frame] / total:.0%}")
    console.print(table)
    console.print("[bold]Afterline's own functions[/]")
    ours = [(frame, count) for frame, count in inclusive.most_common() if "(api/" in frame]
    for frame, count in ours[:15]:
        console.print(f"  {count / total:5.1%}  {frame}")
    console.print("[bold]most self time[/]")
    for frame, count in self_time.most_common(10):
        console.print(f"  {count / total:5.1%}  {frame}")
