"""Today's aftercare advice, from the sessions' compression and restriction days.

Plain-English product copy, not diagnosis. The typical course it describes comes from
docs/design.md: pain, swelling and bruising fade within days to about two weeks; lumps over 2-4
weeks; discolouration can appear weeks later and fades over months.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from api.checkins.schemas import Advice, WarningAdvice
from api.core.vocabulary import WARNING_SIGNS

CALL_THE_CLINIC = (
    "Call the clinic today if you notice a painful, hot or red lump, a sore or blister at an "
    "injection site, or swelling of the whole calf or leg. Call emergency services (999/112/911) "
    "for chest pain, breathlessness, sudden changes in vision or speech, weakness, or swelling "
    "of the face or throat."
)


def _what_is_normal(day: int) -> str:
    if day <= 3:
        return (
            "Tenderness, mild cramping, itching, redness and small bruises around the injection "
            "sites are normal in the first few days."
        )
    if day <= 14:
        return (
            "Bruising and tenderness usually fade over the first two weeks. Small firm lumps "
            "along treated veins are trapped blood and are common."
        )
    if day <= 42:
        return (
            "Firm lumps usually soften over two to four weeks. Brown marks along "
            "treated veins can appear now; it is common and fades over months."
        )
    return (
        "Treated veins keep fading for weeks to months. Any brown marks usually fade by six months."
    )


@dataclass(frozen=True)
class AftercareWindows:
    """When today's compression and activity restrictions end, over every session so far.

    Each end is the first day *without* it (exclusive), None when no session asks for it.
    "3 compression days" are calendar days 0, 1 and 2, day 0 being the session day: the
    session is recorded as a date without a time, check-ins and advice are per local day,
    and a patient can act on "until the end of Thursday" but not on "until 15:40 on
    Friday". When sessions overlap (two areas on one date, or a session inside another's
    window), each runs until the latest end among the sessions so far: the calves' seven
    days are not cut short by the face's none.
    """

    compression_until: date | None
    restrictions_until: date | None

    @classmethod
    def of(cls, sessions: Iterable[Any], today: date) -> AftercareWindows:
        """From sessions (with `performed_on`, `compression_days`, `restriction_days`)."""
        started = [s for s in sessions if s.performed_on <= today]

        def latest_end(days: str) -> date | None:
            ends = [
                s.performed_on + timedelta(days=getattr(s, days))
                for s in started
                if getattr(s, days) > 0
            ]
            return max(ends, default=None)

        return cls(latest_end("compression_days"), latest_end("restriction_days"))

    def compression_on(self, today: date) -> bool:
        """Whether the garment should be worn today: the days the check-in asks about it."""
        return self.compression_until is not None and today < self.compression_until


def advice_for(
    today: date, performed_on: date, review_on: date, windows: AftercareWindows
) -> list[Advice]:
    """Today's advice: `performed_on` and `review_on` are the session in force's."""
    day = (today - performed_on).days
    advice: list[Advice] = []
    if windows.compression_on(today):
        assert windows.compression_until is not None
        last = windows.compression_until - timedelta(days=1)
        advice.append(
            Advice(
                "compression",
                "Wear your compression stockings today, as the clinic showed you. Keep them on "
                f"until the end of {last:%A %-d %B} (day {(last - performed_on).days} after "
                f"your session; today is day {day}).",
            )
        )
    elif windows.compression_until == today:
        advice.append(
            Advice("compression", "Your compression period is over: you can stop the stockings.")
        )
    restrictions_until = windows.restrictions_until
    if restrictions_until is not None and today < restrictions_until:
        advice.append(
            Advice(
                "activity",
                f"Until {restrictions_until:%A %-d %B} (day "
                f"{(restrictions_until - performed_on).days} after your session), avoid hard "
                "exercise (running, the gym, heavy lifting), standing or sitting still for "
                "long periods, hot baths and saunas, sun on the treated skin, and long flights.",
            )
        )
    elif restrictions_until == today:
        advice.append(
            Advice(
                "activity",
                "From today you can slowly go back to exercise and your usual activities. Keep "
                "the treated skin out of strong sun for a few more weeks.",
            )
        )
    advice.append(
        Advice(
            "walking",
            "Walk for 10 to 30 minutes a few times today: it keeps the blood moving in your "
            "legs and helps you heal.",
        )
    )
    advice.append(Advice("normal", _what_is_normal(day)))
    advice.append(Advice("results", _results(day, review_on, performed_on)))
    advice.append(Advice("when_to_call", CALL_THE_CLINIC))
    return advice


def _results(day: int, review_on: date, performed_on: date) -> str:
    review = f"{review_on:%-d %B %Y}"
    if performed_on + timedelta(days=day) > review_on:
        return (
            f"Your results review was due on {review}. If it has not happened yet, contact "
            "the clinic to book it."
        )
    return (
        "Treated veins fade slowly, over 6 to 12 weeks, and some need more than one "
        f"session. Your results review is on {review}."
    )


# The signs that can be life-threatening (the vocabulary's `emergency` ones); the others need
# the clinic the same day.
EMERGENCY_SIGNS = frozenset(code for code, sign in WARNING_SIGNS.items() if sign.emergency)


def warning_advice(signs: list[str], clinic_phone: str | None) -> WarningAdvice | None:
    """What a patient who ticked warning signs must do now; None without warning signs."""
    if not signs:
        return None
    if EMERGENCY_SIGNS.intersection(signs):
        return WarningAdvice(
            level="emergency",
            title="Call emergency services now",
            text=(
                "What you ticked can be a sign of a serious problem that needs help straight "
                "away. Call emergency services now (999 in the UK, 112 in Europe, 911 in the "
                "US). Do not wait to see if it gets better. The clinic has been told too, but "
                "do not wait for them to call you."
            ),
            clinic_phone=clinic_phone,
        )
    call = f"Call the clinic today on {clinic_phone}" if clinic_phone else "Call the clinic today"
    return WarningAdvice(
        level="contact_clinic",
        title="Contact the clinic today",
        text=(
            f"{call} and tell them what you noticed. The clinic has also been told. If it is "
            "getting worse quickly, or the clinic is closed, contact your doctor or an urgent "
            "care service."
        ),
        clinic_phone=clinic_phone,
    )
