"""`afterline worker`: the scheduler as its own process, until SIGINT or SIGTERM."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from api.core.clock import Clock, clock_shifted
from api.core.db import Database
from api.core.settings import Settings
from api.notifications.channels import Channels
from api.triage.readmodel import install as install_read_models
from jobs.scheduler import TickScheduler
from jobs.ticks import JobContext

log = logging.getLogger("afterline.jobs")


@asynccontextmanager
async def running_scheduler(
    settings: Settings, db: Database, clock: Clock | None = None
) -> AsyncIterator[JobContext]:
    """The scheduler started on the running loop; on exit, stopped once running ticks end."""
    clock = clock or clock_shifted(settings.clock_offset)
    ctx = JobContext(db=db, channels=Channels.from_settings(settings), clock=clock)
    scheduler = TickScheduler(ctx)
    scheduler.start()
    log.info("scheduler started: %s", ", ".join(scheduler.job_ids))
    try:
        yield ctx
    finally:
        await scheduler.stop()
        await ctx.channels.close()


async def run_worker(settings: Settings) -> None:
    install_read_models()
    db = Database.from_url(settings.database_url)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        async with running_scheduler(settings, db):
            await stop.wait()
    finally:
        await db.dispose()
    log.info("worker stopped")
