"""`python -m bench` (or `afterline bench`, `make bench`): the benchmarks, run from a checkout.

Not part of the installed product: the whole package lives beside `api/`, not in it, and
imports the product like any client would.
"""

from __future__ import annotations

import click


@click.command()
@click.option("--patients", type=int, default=None, help="[default: 2000; 100000 with --fan-out]")
@click.option("--days", default=90, show_default=True)
@click.option("--duration", default=10.0, show_default=True, help="Seconds per endpoint")
@click.option("--connections", default=32, show_default=True)
@click.option(
    "--fan-out",
    "fan_out",
    is_flag=True,
    help="Instead: time one prompt tick over --patients (default 100,000) patients in 30 "
    "timezones, and push dispatch to a local push service (SQLite; also PostgreSQL when "
    "DATABASE_URL points at one)",
)
@click.option("--pushes", default=10_000, show_default=True, help="Push deliveries (--fan-out)")
@click.option(
    "--login-storm",
    "login_storm",
    is_flag=True,
    help="Instead: time a known device's sign-in while --attackers concurrent wrong logins "
    "from random emails and addresses run (real argon2, SQLite)",
)
@click.option("--attackers", default=50, show_default=True, help="Concurrent wrong logins")
@click.option(
    "--heavy",
    is_flag=True,
    help="Instead: how late GET /api/health answers while a prompt tick over --patients "
    "(default 100,000), a clinic export and a usual-range rebuild run in the serving process",
)
@click.option(
    "--photo",
    is_flag=True,
    help="Instead: what re-encoding and sealing one 12-megapixel photo upload costs (time, "
    "peak memory, stored size)",
)
def main(
    photo: bool,
    patients: int | None,
    days: int,
    duration: float,
    connections: int,
    fan_out: bool,
    pushes: int,
    login_storm: bool,
    attackers: int,
    heavy: bool,
) -> None:
    """Benchmark the real server against its own health endpoint (ratios, not raw times)."""
    if photo:
        from bench.photo import run_photo_bench

        run_photo_bench()
        return
    if heavy:
        from bench.heavy import run_heavy_bench

        run_heavy_bench(patients=patients or 100_000, days=days)
        return
    if login_storm:
        from bench.login_storm import run_login_storm_bench

        run_login_storm_bench(attackers=attackers, logins=10)
        return
    if fan_out:
        import os

        from bench.fanout import run_fanout_bench

        url = os.environ.get("DATABASE_URL", "")
        run_fanout_bench(
            patients=patients or 100_000,
            pushes=pushes,
            postgres_url=url if url.startswith("postgresql") else None,
        )
        return
    from bench.runner import run_bench

    run_bench(patients=patients or 2000, days=days, duration=duration, connections=connections)


if __name__ == "__main__":
    main()
