"""The red-flag rules of docs/design.md, as pure functions of a check-in and its context.

Evaluated by the check-in service on every accepted check-in (`created` or `updated`; a
replay that changes nothing raises nothing). The missed-check-in rule needs the calendar, not
a check-in, so it lives in `api.alerts.missed` and runs as a job.

Days are counted from the patient's latest session on or before the check-in's date (day 0
is the session day), as everywhere else. Severities: a warning sign is `urgent` (the
practitioner is told at once, by email and inbox); every score rule and missed check-ins are
`watch` (the alert list and the patient list show them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from api.checkins.models import GRADED_SYMPTOMS
from api.core.vocabulary import SYMPTOMS, sign_name

PAIN_HIGH = 7
PAIN_RISING_RUN = 3
# "after day 3": every check-in of the rising run is on day 4 or later.
PAIN_RISING_FROM_DAY = 4
SEVERE = 3
# "after day 14": a severe 0-3 symptom on day 15 or later.
SEVERE_FROM_DAY = 15
MISSED_LIMIT = 2


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    reason: str
    # The warning signs behind a `warning_sign` finding (sorted); empty for the others.
    signs: tuple[str, ...] = ()
    # The pain behind a pain rule (the run's last for `pain_rising`), and the severe symptoms
    # behind `symptom_severe`: what makes a later finding of the same rule "worse".
    pain: int | None = None
    symptoms: tuple[str, ...] = ()
    # The dates of a `pain_rising` run: each is reported, so an edit of any day of the run
    # is not taken for news.
    dates: tuple[date, ...] = ()


def _lower(name: str) -> str:
    """A name inside a sentence: its first letter small."""
    return name[:1].lower() + name[1:]


def warning_sign_reason(signs: Sequence[str]) -> str:
    return "Warning sign reported: " + "; ".join(_lower(sign_name(s)) for s in signs) + "."


@dataclass(frozen=True)
class CheckinFacts:
    """What the rules look at: the stored check-in and where it sits in the recovery."""

    pain: int
    graded: dict[str, int]
    warning_signs: Sequence[str]
    # Days since the latest session on or before the check-in's date.
    day: int
    # Pain of the check-ins around this one, in date order, from day PAIN_RISING_FROM_DAY of
    # its session and before the next session: up to two before it, this one, up to two after
    # (a day filled in late can complete a run in the middle).
    nearby_pains: Sequence[int]
    # Where this check-in is in `nearby_pains`.
    position: int
    # The dates of `nearby_pains` (same order); empty where the caller has none.
    nearby_dates: Sequence[date] = ()


def _rising_run(facts: CheckinFacts) -> tuple[list[int], tuple[date, ...]] | None:
    """A strictly rising run of PAIN_RISING_RUN consecutive check-ins through this one."""
    pains = list(facts.nearby_pains)
    first = max(facts.position - PAIN_RISING_RUN + 1, 0)
    for start in range(first, facts.position + 1):
        run = pains[start : start + PAIN_RISING_RUN]
        if len(run) == PAIN_RISING_RUN and all(a < b for a, b in pairwise(run)):
            return run, tuple(facts.nearby_dates[start : start + PAIN_RISING_RUN])
    return None


def evaluate(facts: CheckinFacts) -> list[Finding]:
    findings: list[Finding] = []
    if facts.warning_signs:
        signs = tuple(sorted(set(facts.warning_signs)))
        findings.append(Finding("warning_sign", "urgent", warning_sign_reason(signs), signs))
    if facts.pain >= PAIN_HIGH:
        findings.append(
            Finding(
                "pain_high", "watch", f"Pain {facts.pain}/10 on day {facts.day}.", pain=facts.pain
            )
        )
    rising = _rising_run(facts) if facts.day >= PAIN_RISING_FROM_DAY else None
    if rising:
        run, dates = rising
        findings.append(
            Finding(
                "pain_rising",
                "watch",
                f"Pain rising over 3 check-ins ({', '.join(map(str, run))}) after day 3.",
                pain=run[-1],
                dates=dates,
            )
        )
    if facts.day >= SEVERE_FROM_DAY:
        severe = [name for name in GRADED_SYMPTOMS if facts.graded.get(name) == SEVERE]
        if severe:
            findings.append(
                Finding(
                    "symptom_severe",
                    "watch",
                    f"Severe {', '.join(_lower(SYMPTOMS[name].name) for name in severe)} on day "
                    f"{facts.day} (after day 14).",
                    symptoms=tuple(severe),
                )
            )
    return findings
