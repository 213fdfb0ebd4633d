"""Who needs the clinic's attention first, and why, in words: a pure reading of a list row.

The rules live on the server because the practitioner's list is filtered, ordered and paged
there: "needs attention" must be decided and every patient ranked before a page is cut, so
the PWA cannot do it over the rows it happens to hold. The PWA only shows the words it is
given. This is a faithful port of the PWA's former `attention.ts` and `status.ts`: the same
decisions and, byte for byte, the same words (all names come from `api.core.vocabulary`).

1. Open alerts (api/alerts): an urgent one first, then the most open alerts. The reason
   names the alert the alert list puts first for the patient ("Urgent: calf or whole-leg
   swelling with pain", "Pain 8/10").
2. Missed check-ins, while in treatment: 7-day adherence below 60% (only the days the
   check-in plan expects count), or a silence longer than the plan allows: more than 2 days
   in the daily phase, more than 8 (a weekly check-in and a day's grace) after it, counted
   from the last check-in (or from the last session, when none has come in since).
3. Worsening scores: the latest pain is 7 or more, a graded symptom is at 3 (severe), or the
   recovery is slower than the clinic's usual course.
4. Then the most recent session first (no session last), then name (`attention_key`).

"In treatment": an active patient between their last session and its review date (or,
without one, within 8 weeks of the session: the API's default review period). "Review due":
an active patient whose review is at most a week away, or passed at most a week ago
(reviews are not recorded, so after that it is no longer news).
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Protocol

from api.checkins.models import GRADED_SYMPTOMS
from api.core.vocabulary import GRADES, SYMPTOMS, WARNING_SIGNS, sign_name
from api.triage.schemas import AlertBrief, Attention, LatestScores, Status, Tone

MISSED_ADHERENCE = 0.6
MISSED_GAP_DAYS = 2
WEEKLY_GAP_DAYS = 8
IN_TREATMENT_DAYS = 56
HIGH_PAIN = 7
SEVERE_GRADE = 3
REVIEW_AHEAD_DAYS = 7
REVIEW_PAST_DAYS = 7


class SummaryFacts(Protocol):
    """What `assess` reads of a list row; `api.triage.schemas.PatientSummary` is one."""

    active: bool
    last_session_on: date | None
    review_on: date | None
    daily_days: int | None
    last_checkin_on: date | None
    adherence_7d: float | None
    latest: LatestScores | None
    open_alerts: int
    alert_severity: str | None
    alert: AlertBrief | None
    slower_than_usual: bool


if TYPE_CHECKING:
    from api.triage.schemas import PatientSummary

    def _a_row_is_facts(row: PatientSummary) -> SummaryFacts:
        return row  # mypy checks here that the list row carries what `assess` reads


_PAIN = SYMPTOMS["pain"].name
_SEVERE = GRADES[SEVERE_GRADE].name
_SIGN_ORDER = list(WARNING_SIGNS)


def _symptom_name(code: str) -> str:
    """A symptom's name; an unknown code (one added later) shows as itself, as in the PWA."""
    symptom = SYMPTOMS.get(code)
    return symptom.name if symptom else code


def _lower(name: str) -> str:
    """A name inside a sentence ("severe firm lumps"): only its first letter made small."""
    return name[:1].lower() + name[1:]


def _js_round(value: float) -> int:
    """JavaScript's `Math.round` (halves go up), not Python's `round` (halves go to even), so
    a percentage reads as it did in the PWA: 0.125 is "13%"."""
    whole = math.floor(value)
    return whole + 1 if value - whole >= 0.5 else whole


def _since(last_checkin_on: date | None, last_session_on: date) -> date:
    """Where a silence is counted from: the last check-in, or the session if none came after."""
    return last_session_on if last_checkin_on is None else max(last_checkin_on, last_session_on)


def plural(count: int, word: str) -> str:
    """ "1 day", "2 days"."""
    return f"{count} {word}{'' if count == 1 else 's'}"


def join_words(words: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def in_sign_order(codes: Sequence[str]) -> list[str]:
    """Warning-sign codes in the vocabulary's order (the emergency ones first), whatever the
    order stored; unknown codes last, as they came."""

    def rank(code: str) -> int:
        return _SIGN_ORDER.index(code) if code in _SIGN_ORDER else len(_SIGN_ORDER)

    return sorted(codes, key=rank)


def alert_words(alert: AlertBrief, latest: LatestScores | None, missed_count: int | None) -> str:
    """The words for the alert a row names: "Urgent: calf or whole-leg swelling with pain".

    `latest` is the patient's latest check-in (a pain alert says where the pain is now);
    `missed_count` the check-ins missed since the last one (or the session), if known."""
    if alert.rule == "warning_sign":
        signs = [_lower(sign_name(code)) for code in in_sign_order(alert.items)]
        if len(signs) > 2:
            named = f"{signs[0]} and {plural(len(signs) - 1, 'more sign')}"
        else:
            named = join_words(signs)
        severity = "Urgent" if alert.severity == "urgent" else "Warning sign"
        return f"{severity}: {named or 'warning sign reported'}"
    if alert.rule == "pain_high":
        if alert.pain is not None and latest is not None and latest.pain < alert.pain:
            return f"{_PAIN} reached {alert.pain}/10"
        if alert.pain is not None:
            return f"{_PAIN} {alert.pain}/10"
        return f"{_PAIN} {latest.pain if latest is not None else 'high'}/10"
    if alert.rule == "pain_rising":
        return f"{_PAIN} rising, now {latest.pain}/10" if latest is not None else f"{_PAIN} rising"
    if alert.rule == "symptom_severe":
        named = join_words([_lower(_symptom_name(code)) for code in alert.items])
        return f"{_SEVERE} {named} after day 14"
    if alert.rule == "missed_checkins":
        if missed_count is not None and missed_count >= 2:
            return f"Missed {missed_count} check-ins"
        return "Missed check-ins"
    return "Open alert"


def review_words(in_days: int) -> str:
    """ "Review due in 3 days", "Review due today", "Review was due 4 days ago"."""
    if in_days == 0:
        return "Review due today"
    if in_days == 1:
        return "Review due tomorrow"
    if in_days > 1:
        return f"Review due in {in_days} days"
    if in_days == -1:
        return "Review was due yesterday"
    return f"Review was due {-in_days} days ago"


def in_treatment(summary: SummaryFacts, today: date) -> bool:
    """Active, and between the last session and its review (or 8 weeks, without one)."""
    if not summary.active or summary.last_session_on is None:
        return False
    days = (today - summary.last_session_on).days
    if summary.review_on is not None:
        return days >= 0 and today <= summary.review_on
    return 0 <= days <= IN_TREATMENT_DAYS


def _missed_since(summary: SummaryFacts, today: date) -> int | None:
    """Check-ins missed since the last one (or the session), today not counted: it is not
    over. The session day itself is a day to check in; a check-in's own day was made."""
    if summary.last_session_on is None:
        return None
    since = _since(summary.last_checkin_on, summary.last_session_on)
    gap = (today - since).days
    return gap - 1 if summary.last_checkin_on == since else gap


def patient_status(
    summary: SummaryFacts,
    *,
    alert_rank: int,
    reasons: Sequence[str],
    review_in_days: int | None,
    review_due: bool,
    treating: bool,
) -> Status:
    """The status headline and tone: the first reason, else a due review, else the course."""
    review = review_words(review_in_days) if review_due and review_in_days is not None else None
    if reasons:
        tone: Tone = "urgent" if alert_rank == 2 else "alert" if alert_rank == 1 else "attention"
        return Status(tone, reasons[0], [*reasons[1:], *([review] if review else [])])
    if review:
        return Status("review", review, [])
    if not summary.active:
        return Status("quiet", "Inactive", [])
    if summary.last_session_on is None:
        return Status("quiet", "No session yet", [])
    if treating:
        return Status("ok", "On track", [])
    return Status("quiet", "Course finished", [])


def assess(summary: SummaryFacts, today: date) -> Attention:
    """One patient's attention flags, reasons and status, as of `today` (their local day)."""
    reasons: list[str] = []

    def add(reason: str) -> None:
        if reason not in reasons:
            reasons.append(reason)

    urgent = summary.alert_severity == "urgent"
    alert_rank = 2 if urgent else 1 if summary.open_alerts > 0 else 0
    missed_count = _missed_since(summary, today)
    if summary.open_alerts > 0:
        if summary.alert is not None:
            add(alert_words(summary.alert, summary.latest, missed_count))
        else:
            add("Urgent alert" if urgent else "Open alert")
        if summary.open_alerts > 1:
            add(plural(summary.open_alerts - 1, "more open alert"))
    missed = False
    treating = in_treatment(summary, today)
    if treating and summary.last_session_on is not None:
        since = _since(summary.last_checkin_on, summary.last_session_on)
        gap = (today - since).days
        daily = (
            summary.daily_days is None
            or (today - summary.last_session_on).days < summary.daily_days
        )
        if gap > (MISSED_GAP_DAYS if daily else WEEKLY_GAP_DAYS):
            missed = True
            if not daily:
                add(f"No check-in for {plural(gap, 'day')}")
            elif summary.last_checkin_on == since:
                add(f"Missed {missed_count} check-ins")
            else:
                count = missed_count if missed_count is not None else gap
                add(f"Missed {plural(count, 'check-in')} since the session")
        if summary.adherence_7d is not None and summary.adherence_7d < MISSED_ADHERENCE:
            missed = True
            add(f"{_js_round(summary.adherence_7d * 100)}% of check-ins this week")
    worsening = False
    latest = summary.latest
    if latest is not None:
        if latest.pain >= HIGH_PAIN:
            worsening = True
            add(f"{_PAIN} {latest.pain}/10")
        severe = [s for s in GRADED_SYMPTOMS if getattr(latest, s) >= SEVERE_GRADE]
        if severe:
            worsening = True
            add(f"{_SEVERE} {join_words([_lower(_symptom_name(s)) for s in severe])}")
    if summary.slower_than_usual:
        worsening = True
        add("Slower than usual")
    session = summary.last_session_on
    days_since_session = None if session is None else (today - session).days
    review_in_days = None if summary.review_on is None else (summary.review_on - today).days
    review_due = (
        summary.active
        and review_in_days is not None
        and -REVIEW_PAST_DAYS <= review_in_days <= REVIEW_AHEAD_DAYS
    )
    status = patient_status(
        summary,
        alert_rank=alert_rank,
        reasons=reasons,
        review_in_days=review_in_days,
        review_due=review_due,
        treating=treating,
    )
    return Attention(
        alert_rank=alert_rank,
        missed=missed,
        worsening=worsening,
        reasons=reasons,
        days_since_session=days_since_session,
        review_in_days=review_in_days,
        review_due=review_due,
        treating=treating,
        needs_attention=bool(reasons),
        status=status,
    )


MAX_OPEN_ALERTS = 999  # the key's three digits; beyond that, alert counts tie
_NO_SESSION = "99999999"  # above any inverted YYYYMMDD: no session sorts last
NAME_END = "\x01"  # below every character a name may hold (names refuse control characters)
# A name is at most 200 characters, but case folding can lengthen it ("ß" is "ss"): the key
# keeps 300, so it fits its 400-character column. Longer names that agree on those tie.
NAME_KEY_CHARS = 300


def attention_key(
    attention: Attention,
    open_alerts: int,
    last_session_on: date | None,
    name: str,
    patient_id: uuid.UUID,
) -> str:
    """A text whose plain ascending (code point, "C" collation) order is the list's order.

    Stored with the row so the server can order and page in SQL: urgent alerts first, then
    the most open alerts, missed check-ins, worsening scores, the most recent session (none
    last), the name regardless of case, and the id to break ties. Fixed-width digits
    (descending ones inverted), then the case-folded name and the id after `NAME_END`, which
    sorts a name before any longer name it begins. The session's date is stored rather
    than days since it, so the key does not change as days pass.
    """
    alerts = min(max(open_alerts, 0), MAX_OPEN_ALERTS)
    if last_session_on is None:
        session = _NO_SESSION
    else:
        day = last_session_on.year * 10000 + last_session_on.month * 100 + last_session_on.day
        session = f"{99999999 - day:08d}"
    return (
        f"{2 - attention.alert_rank}{MAX_OPEN_ALERTS - alerts:03d}"
        f"{0 if attention.missed else 1}{0 if attention.worsening else 1}{session}"
        f"{name.casefold()[:NAME_KEY_CHARS]}{NAME_END}{patient_id}"
    )
