"""The APScheduler 3.11 scheduler that runs the tick jobs, in a worker or inside `serve`.

Fixed job ids and `replace_existing` mean one copy of each job per process. `coalesce`
folds runs missed while the process was busy or asleep into one; `max_instances=1` means a
slow tick is never overlapped by the next; the generous `misfire_grace_time` runs a late
tick rather than skipping it. Several processes may run the scheduler at once (a worker and
an API started without `--no-scheduler`): every job is idempotent and the dispatcher claims
rows, so that sends nothing twice, it only wastes work.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from jobs.ticks import TICK_JOBS, JobContext, TickJob

log = logging.getLogger("afterline.jobs")

MISFIRE_GRACE_S = 300


async def _run(job: TickJob, ctx: JobContext) -> Any:
    result = await job.run(ctx, ctx.clock.now())
    log.debug("%s: %s", job.id, result)
    return result


def build_scheduler(ctx: JobContext) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone="UTC")
    # Every job also runs once right at start: a worker back from downtime catches up now.
    start = datetime.now(UTC)
    for job in TICK_JOBS:
        scheduler.add_job(
            _run,
            IntervalTrigger(seconds=job.every_seconds, timezone="UTC"),
            args=(job, ctx),
            id=job.id,
            name=job.id,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=MISFIRE_GRACE_S,
            next_run_time=start,
        )
    return scheduler
