"""The `afterline` command: what an operator runs from a shell."""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime
from pathlib import Path

import click

from api.cli.common import settings_now
from api.core.migrate import PROJECT_ROOT
from api.core.settings import load_settings


@click.group()
def main() -> None:
    """Afterline: aftercare and recovery tracking for vein clinics."""
    from api.triage.readmodel import install

    install()  # every command that writes keeps the triage list in step


@main.command()
def migrate() -> None:
    """Apply every Alembic migration to DATABASE_URL (alembic upgrade head)."""
    from api.core.migrate import upgrade

    settings = load_settings()
    upgrade(settings.database_url)
    click.echo(f"migrated {_redacted(settings.database_url)}")


@main.command("create-practitioner")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--clinic", "clinic_name", required=True, help="Created when no clinic has this name")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input")
def create_practitioner_command(
    email: str, name: str, clinic_name: str, password_stdin: bool
) -> None:
    """Create a practitioner account (and the clinic, if new)."""
    from api.core.db import Database
    from api.core.errors import AppError
    from api.identity.accounts import create_practitioner

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)

    async def run() -> None:
        db = Database.from_url(load_settings().database_url)
        try:
            user, created_clinic = await create_practitioner(
                db, email, name, clinic_name, password, settings_now()
            )
        finally:
            await db.dispose()
        clinic_note = "new clinic" if created_clinic else "existing clinic"
        click.echo(f"created practitioner {user.email} ({clinic_note} {clinic_name!r})")

    try:
        asyncio.run(run())
    except AppError as exc:
        raise click.ClickException(exc.detail) from exc


@main.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has any clinic")
def seed_demo_command(if_empty: bool) -> None:
    """Create the demo clinic with realistic patients, and print its logins."""
    from api.core.db import Database
    from api.demo.seed import database_is_empty, seed_demo
    from api.photos.vault import PhotoVault

    async def run() -> None:
        settings = load_settings()
        db = Database.from_url(settings.database_url)
        try:
            if if_empty and not await database_is_empty(db):
                click.echo("database already holds data: demo not seeded")
                return
            logins = await seed_demo(db, settings_now(), PhotoVault(settings.photo_key))
        finally:
            await db.dispose()
        click.echo("Demo clinic ready. Sign in with:")
        click.echo(f"  practitioner  {logins.practitioner[0]}  password: {logins.practitioner[1]}")
        for email, password in logins.patients:
            click.echo(f"  patient       {email}  password: {password}")
        name, email, at, zone = logins.prompted_soon
        click.echo(
            f"{name} ({email}) checks in at {at} {zone} time, two minutes from now: with the "
            "scheduler running (`afterline serve`), her prompt appears in her inbox then."
        )

    asyncio.run(run())


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--no-scheduler",
    is_flag=True,
    help="Do not run the job scheduler in this process (production: run `afterline worker` "
    "beside the API processes instead)",
)
@click.option(
    "--processes",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="API processes sharing the port (more than 1 needs --no-scheduler and PostgreSQL "
    "or one SQLite file on this machine; run `afterline worker` for the jobs)",
)
def serve(host: str, port: int, no_scheduler: bool, processes: int) -> None:
    """Serve the API on HOST:PORT, with the job scheduler unless --no-scheduler."""
    import uvicorn

    from api.app import create_app

    _configure_logging()
    settings = load_settings()  # fail fast on a bad environment, before binding the port
    if processes > 1 and not no_scheduler:
        raise click.UsageError("--processes above 1 needs --no-scheduler (jobs run once)")
    uvicorn.run(
        # Several processes each build their own app from the environment.
        "api.app:app_from_environment"
        if processes > 1
        else create_app(settings, run_scheduler=not no_scheduler),
        factory=processes > 1,
        workers=processes,
        host=host,
        port=port,
        loop="uvloop",
        http="httptools",
        access_log=False,
        log_level="info",
        # X-Forwarded-For only from AFTERLINE_TRUSTED_PROXIES (uvicorn trusts loopback by default).
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=list(settings.trusted_proxies),
    )


@main.command(
    context_settings={
        "ignore_unknown_options": True,
        "allow_extra_args": True,
        "help_option_names": [],
    }
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def bench(args: tuple[str, ...]) -> None:
    """Benchmark the real server (ratios against a bare endpoint): runs `python -m bench`.

    The benchmarks are not part of the installed product: they live in the checkout's
    `bench/` folder, so this works from a checkout (as `make bench` does) and says so
    elsewhere. `afterline bench --help` lists their options.
    """
    if not (PROJECT_ROOT / "bench" / "__main__.py").is_file():
        raise click.ClickException("the benchmarks live in the repository's bench/ folder")
    import subprocess

    command = [sys.executable, "-m", "bench", *args]
    raise SystemExit(subprocess.run(command, cwd=PROJECT_ROOT, check=False).returncode)


@main.command()
def worker() -> None:
    """Run the job scheduler as its own process (every tick job in `jobs.ticks`)."""
    from jobs.worker import run_worker

    _configure_logging()
    asyncio.run(run_worker(load_settings()))


@main.group()
def jobs() -> None:
    """Run the tick jobs by hand."""


@jobs.command("tick")
@click.option(
    "--at",
    "at",
    default=None,
    help="Run as if it were this instant (ISO 8601 with an offset, e.g. 2026-03-29T01:30:00Z); "
    "default: now",
)
def jobs_tick(at: str | None) -> None:
    """Run every tick job once, in order, then exit."""
    from datetime import UTC

    from api.core.clock import FrozenClock
    from api.core.db import Database
    from api.notifications.channels import Channels
    from jobs.ticks import JobContext, TickReport, run_all_ticks

    now = settings_now()
    if at is not None:
        try:
            now = datetime.fromisoformat(at)
        except ValueError as exc:
            raise click.BadParameter(
                f"{at!r} is not an ISO 8601 instant", param_hint="--at"
            ) from exc
        if now.tzinfo is None:
            raise click.BadParameter(
                "give an offset or Z, e.g. 2026-03-29T01:30:00Z", param_hint="--at"
            )
        now = now.astimezone(UTC)

    async def run() -> TickReport:
        settings = load_settings()
        db = Database.from_url(settings.database_url)
        ctx = JobContext(db=db, channels=Channels.from_settings(settings), clock=FrozenClock(now))
        try:
            return await run_all_ticks(ctx, now)
        finally:
            await ctx.channels.close()
            await db.dispose()

    click.echo(f"tick {now.isoformat()}: {asyncio.run(run()).summary()}")


@main.command()
@click.option("--private", "show_private", is_flag=True, help="Also print the private key")
def vapid(show_private: bool) -> None:
    """Create the Web Push (VAPID) key pair if there is none, and print the public key."""
    from api.notifications.vapid import ensure_key_file, load_vapid, private_key_b64, public_key

    settings = load_settings()
    if settings.vapid_private_key:
        click.echo("using AFTERLINE_VAPID_PRIVATE_KEY")
    else:
        path, created = ensure_key_file(settings)
        click.echo(f"{'created' if created else 'using'} {path}")
    keys = load_vapid(settings)
    click.echo(f"public key: {public_key(keys)}")
    if show_private:
        click.echo(f"private key (AFTERLINE_VAPID_PRIVATE_KEY): {private_key_b64(keys)}")


@main.command()
@click.option("--check", is_flag=True, help="Fail if the committed file is out of date")
def vocabulary(check: bool) -> None:
    """Write the PWA's vocabulary (frontend/src/vocabulary.ts) from api/core/vocabulary.py."""
    from api.core.vocabulary_ts import TYPESCRIPT_PATH, render_typescript

    text = render_typescript()
    if check:
        current = TYPESCRIPT_PATH.read_text() if TYPESCRIPT_PATH.exists() else ""
        if current != text:
            raise click.ClickException(f"{TYPESCRIPT_PATH} is out of date: run `make vocabulary`")
        click.echo(f"{TYPESCRIPT_PATH} is up to date")
        return
    TYPESCRIPT_PATH.write_text(text)
    click.echo(f"wrote {TYPESCRIPT_PATH}")


@main.command()
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None)
def openapi(out: Path | None) -> None:
    """Print (or write to --out) the API's OpenAPI description, as `/schema/openapi.json` serves it.

    Built from the code alone, in a scratch folder, with no database and no server: the PWA's
    generated types (`make api-types`) come from it.
    """
    import json
    import tempfile

    from api.app import create_app

    with tempfile.TemporaryDirectory() as scratch:
        environ = {
            "AFTERLINE_DATA_DIR": scratch,
            "AFTERLINE_SECRET_KEY": "x" * 32,
            "DATABASE_URL": f"sqlite+aiosqlite:///{scratch}/unused.db",
        }
        document = create_app(load_settings(environ)).openapi_schema.to_schema()
    text = json.dumps(document, indent=2, sort_keys=True) + "\n"
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text)


from api.cli.records import audit, export_command, retention  # noqa: E402

main.add_command(export_command)
main.add_command(audit)
main.add_command(retention)


def _configure_logging() -> None:
    import logging

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # APScheduler logs every run of every job at INFO (four jobs, every 15-60 s): too chatty.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def _redacted(url: str) -> str:
    if "@" not in url:
        return url
    scheme, rest = url.split("://", 1)
    return f"{scheme}://***@{rest.split('@', 1)[1]}"
