"""The tick jobs, each a plain async function of the current instant."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from api.alerts.missed import raise_missed_checkin_alerts
from api.core.clock import Clock
from api.core.db import Database
from api.notifications.channels import Channels
from api.notifications.digest import practitioner_digest
from api.notifications.dispatch import dispatch_deliveries
from api.notifications.leases import DispatchReport
from api.notifications.prompts import ask_for_results, fan_out_prompts, remind_missed
from api.triage.readmodel import roll_forward


@dataclass
class JobContext:
    """What every tick needs; one per worker process (or per API process running jobs)."""

    db: Database
    channels: Channels
    clock: Clock

    def __post_init__(self) -> None:
        # A tick's statements can be long (every patient of every zone): off the event loop,
        # so an API process running the scheduler keeps answering (see `api.core.db`).
        self.db = self.db.off_loop()

    @property
    def email_on(self) -> bool:
        return self.channels.email is not None


async def fan_out_prompts_job(ctx: JobContext, now: datetime) -> int:
    return await fan_out_prompts(ctx.db, now, email_on=ctx.email_on)


async def remind_missed_job(ctx: JobContext, now: datetime) -> int:
    return await remind_missed(ctx.db, now, email_on=ctx.email_on)


async def results_prompts_job(ctx: JobContext, now: datetime) -> int:
    return await ask_for_results(ctx.db, now, email_on=ctx.email_on)


async def practitioner_digest_job(ctx: JobContext, now: datetime) -> int:
    return await practitioner_digest(ctx.db, now, email_on=ctx.email_on)


async def missed_checkins_job(ctx: JobContext, now: datetime) -> int:
    return await raise_missed_checkin_alerts(ctx.db, now)


async def triage_roll_job(ctx: JobContext, now: datetime) -> int:
    return await roll_forward(ctx.db, now)


async def dispatch_deliveries_job(ctx: JobContext, now: datetime) -> DispatchReport:
    return await dispatch_deliveries(ctx.db, ctx.channels, now)


Tick = Callable[[JobContext, datetime], Awaitable[Any]]


@dataclass(frozen=True)
class TickJob:
    id: str
    run: Tick
    every_seconds: int


# In the order `run_all_ticks` runs them: what the first three queue, the dispatcher sends.
TICK_JOBS = (
    TickJob("fan_out_prompts", fan_out_prompts_job, 60),
    TickJob("remind_missed", remind_missed_job, 60),
    # The weekly photo and the rating at 4 weeks and at the review.
    TickJob("results_prompts", results_prompts_job, 60),
    # Runs every minute; each clinic's digest is made once, after 07:00 in its timezone.
    TickJob("practitioner_digest", practitioner_digest_job, 60),
    # The missed-check-in rule counts whole local days; a quarter-hour is soon enough.
    TickJob("missed_checkin_alerts", missed_checkins_job, 900),
    # The list's rows whose patient's local midnight has passed (one index probe if none).
    TickJob("triage_roll", triage_roll_job, 60),
    TickJob("dispatch_deliveries", dispatch_deliveries_job, 15),
)


@dataclass(frozen=True)
class TickReport:
    prompts: int
    reminders: int
    result_prompts: int
    digests: int
    missed_alerts: int
    triage_rolled: int
    dispatch: DispatchReport

    def summary(self) -> str:
        """Every count of the report, as `name=value` pairs in the order the jobs ran (the
        dispatcher's error messages are not counts: its retrying and gave_up count them)."""
        return (
            f"prompts={self.prompts} reminders={self.reminders} "
            f"result_prompts={self.result_prompts} digests={self.digests} "
            f"missed_alerts={self.missed_alerts} triage_rolled={self.triage_rolled} "
            f"sent={self.dispatch.sent} retrying={self.dispatch.retrying} "
            f"gave_up={self.dispatch.gave_up} "
            f"subscriptions_removed={self.dispatch.subscriptions_removed}"
        )


async def run_all_ticks(ctx: JobContext, now: datetime) -> TickReport:
    """Every tick job once, as if it were `now`, in the order of `TICK_JOBS`."""
    return TickReport(
        prompts=await fan_out_prompts_job(ctx, now),
        reminders=await remind_missed_job(ctx, now),
        result_prompts=await results_prompts_job(ctx, now),
        digests=await practitioner_digest_job(ctx, now),
        missed_alerts=await missed_checkins_job(ctx, now),
        triage_rolled=await triage_roll_job(ctx, now),
        dispatch=await dispatch_deliveries_job(ctx, now),
    )
