"""The APScheduler 3.11 scheduler that runs the tick jobs, in a worker or inside `serve`.

Fixed job ids and `replace_existing` mean one copy of each job per process. `coalesce`
folds runs missed while the process was busy or asleep into one; `max_instances=1` means a
slow tick is never overlapped by the next; the generous `misfire_grace_time` runs a late
tick rather than skipping it. Every job also runs once at start, so a worker back from
downtime catches up at once. Several processes may run the scheduler at once (a worker and
an API started without `--no-scheduler`): every job is idempotent and the dispatcher claims
rows, so that sends nothing twice, it only shares the work.

Stopping lets running ticks finish (up to `STOP_GRACE_S`) before the scheduler shuts down:
cancelling a dispatch mid-send would leave its deliveries leased, and unrecorded, until the
lease runs out.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from jobs.ticks import TICK_JOBS, JobContext, TickJob

log = logging.getLogger("afterline.jobs")

MISFIRE_GRACE_S = 300
STOP_GRACE_S = 30.0


class TickScheduler:
    def __init__(self, ctx: JobContext) -> None:
        self.ctx = ctx
        self.scheduler = AsyncIOScheduler(timezone="UTC")
        self._running: set[asyncio.Task[Any]] = set()
        start = datetime.now(UTC)
        for job in TICK_JOBS:
            self.scheduler.add_job(
                self._run,
                IntervalTrigger(seconds=job.every_seconds, timezone="UTC"),
                args=(job,),
                id=job.id,
                name=job.id,
                replace_existing=True,
                coalesce=True,
                max_instances=1,
                misfire_grace_time=MISFIRE_GRACE_S,
                next_run_time=start,
            )

    @property
    def job_ids(self) -> list[str]:
        return [job.id for job in self.scheduler.get_jobs()]

    async def _run(self, job: TickJob) -> Any:
        task = asyncio.current_task()
        if task is not None:
            self._running.add(task)
        try:
            result = await job.run(self.ctx, self.ctx.clock.now())
            log.debug("%s: %s", job.id, result)
            return result
        finally:
            if task is not None:
                self._running.discard(task)

    def start(self) -> None:
        self.scheduler.start()

    async def stop(self) -> None:
        """No new ticks; wait for the running ones; then shut the scheduler down."""
        self.scheduler.pause()
        if self._running:
            _, late = await asyncio.wait(set(self._running), timeout=STOP_GRACE_S)
            if late:
                log.warning("stopping with %d tick(s) still running", len(late))
        self.scheduler.shutdown(wait=False)
