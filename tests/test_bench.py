"""`afterline bench` keeps working: miniature runs against the real server (and wrk)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

AFTERLINE = str(Path(sys.executable).parent / "afterline")


def run_bench(tmp_path: Path, *args: str, sqlite: bool = False) -> tuple[str, str]:
    """Run `afterline bench ARGS` in its own data folder; return (stdout, its last line)."""
    env = {**os.environ, "AFTERLINE_DATA_DIR": str(tmp_path), "COLUMNS": "160"}
    if sqlite:
        env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [AFTERLINE, "bench", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    return result.stdout, result.stdout.strip().splitlines()[-1]


def test_bench_runs_end_to_end_and_prints_its_ratios(tmp_path: Path) -> None:
    stdout, _ = run_bench(
        tmp_path,
        *("--patients", "12,30", "--days", "20", "--duration", "1", "--connections", "4"),
        sqlite=True,
    )
    lines = [line for line in stdout.splitlines() if line.startswith("bench: ")]
    pattern = (
        r"bench: db=sqlite patients=(\d+) checkin_put=(\d+\.\d+) timeline_get=(\d+\.\d+) "
        r"list_p50_ms=(\d+\.\d+) list_p99_ms=(\d+\.\d+) rss_mb=(\d+)"
    )
    matches = [re.fullmatch(pattern, line) for line in lines]
    assert all(matches), lines
    assert [int(m.group(1)) for m in matches if m] == [12, 30]
    for match in filter(None, matches):
        put_ratio, timeline_ratio, p50, p99 = map(float, match.groups()[1:5])
        assert 0 < put_ratio < 1
        assert 0 < timeline_ratio < 1
        assert 0 < p50 <= p99
        assert int(match.group(6)) > 0
    # Every request in the run succeeded: the non-2xx and socket-error columns are all 0.
    rows = [
        line
        for line in stdout.splitlines()
        if re.match(r"^│ (health|checkin_put|timeline_get|patients_list)", line)
    ]
    assert len(rows) == 10
    for row in rows:
        cells = [cell.strip() for cell in row.strip("│").split("│")]
        assert cells[-2:] == ["0", "0"], row
    # The targets are printed against the same run.
    assert "check-in PUT p99 ms" in stdout


def test_fan_out_bench_prompts_a_third_and_pushes_to_a_local_service(tmp_path: Path) -> None:
    _, last = run_bench(tmp_path, "--fan-out", "--patients", "900", "--pushes", "120", sqlite=True)
    match = re.fullmatch(
        r"bench-fanout: patients=900 due=(\d+) seconds=(\d+\.\d+) push_per_s=(\d+) db=sqlite",
        last,
    )
    assert match, last
    due, seconds, push_per_s = int(match[1]), float(match[2]), int(match[3])
    assert due == 300  # every third patient's check-in time has passed
    assert seconds > 0
    assert push_per_s > 0


def test_login_storm_bench_runs_and_every_refusal_says_when_to_retry(tmp_path: Path) -> None:
    stdout, last = run_bench(tmp_path, "--login-storm", "--attackers", "12")
    match = re.fullmatch(
        r"bench-login-storm: attackers=12 known_device_p50_ms=(\d+) known_device_max_ms=(\d+) "
        r"quiet_p50_ms=(\d+) missing_retry_after=(\d+)",
        last,
    )
    assert match, last
    p50, worst, quiet, missing = map(int, match.groups())
    assert 0 < p50 <= worst and quiet > 0
    assert missing == 0
    # The known device got in every time (the bench stops on anything but 200), and the
    # attackers were answered: wrong logins (401) and, with the line full, 503s.
    assert "10 x 200" in stdout
    assert re.search(r"attackers' answers: 401: \d+", stdout), stdout


def test_heavy_bench_serves_while_the_jobs_run_and_reports_the_lateness(tmp_path: Path) -> None:
    _, last = run_bench(tmp_path, "--heavy", "--patients", "300", "--days", "3")
    found = re.search(
        r"bench-heavy: patients=300 quiet_p50_ms=([\d.]+) quiet_p99_ms=([\d.]+) "
        r"busy_p50_ms=([\d.]+) busy_p99_ms=([\d.]+) busy_max_ms=(\d+) probes=(\d+) "
        r"tick_s=([\d.]+) export_s=([\d.]+) band_s=([\d.]+)",
        last,
    )
    assert found, last
    quiet_p50, quiet_p99, busy_p50, busy_p99, busy_max, probes = map(float, found.groups()[:6])
    assert quiet_p50 <= quiet_p99 and busy_p50 <= busy_p99 <= busy_max
    # The probe asked all through the jobs (200 a second): every one answered 200, or the
    # bench would have stopped.
    assert probes >= 100
