"""Adherence: the share of the check-ins the plan expected in a patient's last 7 local days.

`adherence_7d` is the share of expected check-ins made in the patient's last 7 local days.
A day is expected when the check-in plan of the session in force that day asks for it
(`api.treatments.plan`: daily, then weekly until the review), so a patient in the weekly
phase is not marked down for the days in between. A weekly check-in made within one day of
its planned day counts for that week: a weekly day without its own check-in is made by one
on the day before or after, if that neighbouring day is not itself a day the plan expects
(the day-13 daily check-in does not also count for day 14; one check-in never counts
twice). Daily-phase days need their own day. Today counts only once it is done (the day is
not over yet), or, on a weekly day, once yesterday's check-in stands in for it; yesterday's
weekly day may be made by today's check-in. It is null when nothing was expected.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import NamedTuple

from api.treatments.plan import plan_covers, session_in_force

WINDOW_DAYS = 7
# How many days early or late a weekly check-in may be and still count for its week.
TOLERANCE_DAYS = 1


class PlanSession(NamedTuple):
    """The parts of a session that decide which days its plan expects a check-in."""

    performed_on: date
    daily_days: int
    review_on: date


def _phase(sessions: list[PlanSession], day: date) -> str | None:
    """The plan's phase on `day` if it expects a check-in that day ("daily" or "weekly")."""
    session = session_in_force(sessions, day)
    if session is None or not plan_covers(
        session.performed_on, session.daily_days, session.review_on, day
    ):
        return None
    return "daily" if (day - session.performed_on).days < session.daily_days else "weekly"


def adherence(today: date, sessions: list[PlanSession], done: set[date]) -> float | None:
    """Share of the plan's expected days of the last week that have a check-in.

    The window is `today` and the `WINDOW_DAYS - 1` days before it. An expected day is made
    by a check-in on that day. A weekly-phase day without one is also made by a check-in
    within `TOLERANCE_DAYS` of it (the day before first, then the day after, never after
    `today`), provided the plan does not expect a check-in on that neighbouring day (so the
    day-13 daily check-in does not also count for day 14) and it has not already stood in for
    another day: one check-in never counts twice. Daily-phase days need their own day. The
    day before the window can stand in for the window's oldest day, so `done` must reach back
    `WINDOW_DAYS - 1 + TOLERANCE_DAYS` days.

    Today is expected only once it is made (the day is not over yet): by its own check-in,
    or, on a weekly day, by yesterday's. A weekly day yesterday is made by today's check-in.
    """
    expected = made = 0
    used: set[date] = set()
    for back in range(WINDOW_DAYS - 1, -1, -1):
        day = today - timedelta(days=back)
        phase = _phase(sessions, day)
        if phase is None:
            continue
        stand_in = None
        if day not in done and phase == "weekly":
            stand_in = next(
                (
                    near
                    for near in _neighbours(day)
                    if near <= today
                    and near in done
                    and near not in used
                    and _phase(sessions, near) is None
                ),
                None,
            )
        if day not in done and stand_in is None and day == today:
            continue
        expected += 1
        if day in done:
            made += 1
        elif stand_in is not None:
            used.add(stand_in)
            made += 1
    return round(made / expected, 3) if expected else None


def _neighbours(day: date) -> list[date]:
    """The days within `TOLERANCE_DAYS` of `day`, nearest first, the earlier before the later."""
    return [
        day + timedelta(days=sign * distance)
        for distance in range(1, TOLERANCE_DAYS + 1)
        for sign in (-1, 1)
    ]
