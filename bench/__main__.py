"""`python -m bench` (or `afterline bench`, `make bench`): the benchmarks, run from a checkout.

Not part of the installed product: the whole package lives beside `api/`, not in it, and
imports the product like any client would.
"""

from __future__ import annotations

import click

# What `scripts/with-postgres.sh` (and so `make bench`) exports: a throwaway local server.
TEST_DATABASE = "AFTERLINE_TEST_DATABASE_URL"


@click.command()
@click.option(
    "--patients",
    default=None,
    help="Clinic sizes, comma-separated [default: 2000,20000; 100000 with --fan-out]",
)
@click.option(
    "--postgres",
    "postgres_url",
    default=None,
    help="A PostgreSQL server (postgresql+asyncpg://…) to also measure on, in a temporary "
    "database [default: DATABASE_URL or AFTERLINE_TEST_DATABASE_URL when PostgreSQL]",
)
@click.option(
    "--processes",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="Also serve PostgreSQL from 1 and from N API processes (with a worker) and report "
    "how throughput grows",
)
@click.option(
    "--profile",
    default=None,
    help="Instead of measuring: py-spy on the API process while wrk drives this endpoint "
    "(health, checkin_put, timeline_get, patients_list); prints where the time goes",
)
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
    patients: str | None,
    postgres_url: str | None,
    processes: int,
    profile: str | None,
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
    import os

    from api.triage.readmodel import install

    install()  # the seeds write patients: their list rows follow

    try:
        sizes = [int(size) for size in patients.split(",")] if patients else []
    except ValueError:
        raise click.BadParameter(
            "whole numbers, comma-separated", param_hint="--patients"
        ) from None
    first = sizes[0] if sizes else None
    if photo:
        from bench.photo import run_photo_bench

        run_photo_bench()
        return
    if heavy:
        from bench.heavy import run_heavy_bench

        run_heavy_bench(patients=first or 100_000, days=days)
        return
    if login_storm:
        from bench.login_storm import run_login_storm_bench

        run_login_storm_bench(attackers=attackers, logins=10)
        return
    if fan_out:
        from bench.fanout import run_fanout_bench

        url = os.environ.get("DATABASE_URL", "")
        run_fanout_bench(
            patients=first or 100_000,
            pushes=pushes,
            postgres_url=url if url.startswith("postgresql") else None,
        )
        return
    from bench.runner import run_bench

    if postgres_url is None:
        candidates = (os.environ.get(name, "") for name in ("DATABASE_URL", TEST_DATABASE))
        postgres_url = next((url for url in candidates if url.startswith("postgresql")), None)
    run_bench(
        sizes=sizes or [2_000, 20_000],
        days=days,
        duration=duration,
        connections=connections,
        postgres_url=postgres_url,
        processes=processes,
        profile=profile,
    )


if __name__ == "__main__":
    main()
