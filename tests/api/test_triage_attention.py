"""The attention rules and status words (api.triage.attention), without a database.

Every case of the PWA's former `attention.test.ts` and `status.test.ts` is here with the
same strings and decisions, so the port can be trusted to say exactly what the PWA said. The
PWA's `attentionOrder` sort is now `attention_key`: the ordering cases sort by it, and a
property checks it against a plain tuple sort of the same fields.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from api.triage.attention import (
    NAME_KEY_CHARS,
    alert_words,
    assess,
    attention_key,
    in_sign_order,
    in_treatment,
    join_words,
    plural,
    review_words,
)
from api.triage.schemas import AlertBrief, Attention, LatestScores, Status

TODAY = date(2025, 3, 20)
CALM: dict[str, int] = {
    "pain": 1,
    "swelling": 0,
    "bruising": 1,
    "discolouration": 0,
    "hardening": 0,
    "itching": 0,
}
D = date.fromisoformat


def latest(local_date: str = "2025-03-19", **scores: int) -> LatestScores:
    return LatestScores(local_date=D(local_date), **{**CALM, **scores})


@dataclass
class Row:
    """A list row as `assess` and `attention_key` read it: the rest of `PatientSummary`
    (email, zone, the pain strip, screening flags) plays no part."""

    id: uuid.UUID
    name: str
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


def summary(name: str, **overrides: Any) -> Row:
    """A list row: calm, on track, overridable (the PWA's `summaryFixture`)."""
    fields: dict[str, Any] = {
        "id": uuid.uuid5(uuid.NAMESPACE_URL, f"id-{name}"),
        "name": name,
        "active": True,
        "last_session_on": D("2025-03-10"),
        "review_on": None,
        "daily_days": 14,
        "last_checkin_on": D("2025-03-19"),
        "adherence_7d": 1.0,
        "latest": latest(),
        "open_alerts": 0,
        "alert_severity": None,
        "alert": None,
        "slower_than_usual": False,
    }
    return Row(**{**fields, **overrides})


def brief(**overrides: Any) -> AlertBrief:
    fields: dict[str, Any] = {
        "id": uuid.UUID(int=1),
        "rule": "warning_sign",
        "severity": "urgent",
        "items": [],
        "pain": None,
        "local_date": D("2025-03-19"),
    }
    return AlertBrief(**{**fields, **overrides})


def order(patients: list[Row], today: date = TODAY) -> list[str]:
    """The names in the list's order: what the server's ORDER BY the stored key gives."""

    def key(p: Row) -> str:
        return attention_key(assess(p, today), p.open_alerts, p.last_session_on, p.name, p.id)

    return [p.name for p in sorted(patients, key=key)]


def status(**overrides: Any) -> Status:
    """The status.test.ts row: "Pat", with a review far off unless told."""
    return assess(summary("Pat", **{"review_on": D("2025-05-05"), **overrides}), TODAY).status


# --- daysBetween ------------------------------------------------------------------------


def test_counts_calendar_days_across_a_month_and_a_clock_change() -> None:
    def days(session: str, today: str) -> int | None:
        return assess(summary("A", last_session_on=D(session)), D(today)).days_since_session

    assert days("2025-03-28", "2025-04-02") == 5
    assert days("2025-03-20", "2025-03-20") == 0
    assert days("2025-03-21", "2025-03-20") == -1


# --- inTreatment ------------------------------------------------------------------------


def test_in_treatment_is_active_with_a_last_session_at_most_8_weeks_old() -> None:
    assert in_treatment(summary("A", last_session_on=D("2025-01-23")), TODAY)  # 56 days
    assert not in_treatment(summary("A", last_session_on=D("2025-01-22")), TODAY)  # 57 days
    assert not in_treatment(summary("A", active=False), TODAY)
    assert not in_treatment(summary("A", last_session_on=None), TODAY)


# --- assess -----------------------------------------------------------------------------


def test_flags_low_adherence_with_the_percentage() -> None:
    result = assess(summary("Low", adherence_7d=0.43), TODAY)
    assert result.missed
    assert result.reasons == ["43% of check-ins this week"]


def test_rounds_the_percentage_half_up_as_the_pwa_did() -> None:
    # 12.5 exactly: JavaScript's Math.round says 13 where Python's round says 12.
    assert assess(summary("Half", adherence_7d=0.125), TODAY).reasons == [
        "13% of check-ins this week"
    ]


def test_does_not_flag_adherence_of_exactly_60_percent() -> None:
    assert not assess(summary("Edge", adherence_7d=0.6), TODAY).missed


def test_flags_more_than_two_days_without_a_check_in_but_not_exactly_two() -> None:
    assert not assess(summary("Two", last_checkin_on=D("2025-03-18")), TODAY).missed
    three = assess(summary("Three", last_checkin_on=D("2025-03-17")), TODAY)
    assert three.missed
    # The 18th and the 19th were missed; today (the 20th) is not over yet.
    assert three.reasons == ["Missed 2 check-ins"]


def test_allows_a_week_between_check_ins_once_the_daily_phase_is_over() -> None:
    weekly = {"last_session_on": D("2025-02-27"), "review_on": D("2025-04-24")}  # day 21
    assert not assess(summary("Week", **weekly, last_checkin_on=D("2025-03-13")), TODAY).missed
    nine = assess(summary("Nine", **weekly, last_checkin_on=D("2025-03-11")), TODAY)
    assert nine.missed
    assert nine.reasons == ["No check-in for 9 days"]


def test_counts_from_the_session_when_no_check_in_came_in_after_it() -> None:
    fresh = summary(
        "Fresh",
        last_session_on=D("2025-03-15"),
        last_checkin_on=D("2025-01-02"),  # from an earlier course of treatment
        adherence_7d=None,
    )
    result = assess(fresh, TODAY)
    assert result.missed
    # The session day and the four days after it.
    assert result.reasons == ["Missed 5 check-ins since the session"]


def test_does_not_expect_check_ins_from_someone_out_of_treatment_or_inactive() -> None:
    done = summary(
        "Done",
        last_session_on=D("2024-10-01"),
        last_checkin_on=D("2024-11-01"),
        adherence_7d=0.0,
    )
    assert not assess(done, TODAY).missed
    paused = summary("Paused", active=False, last_checkin_on=D("2025-03-01"), adherence_7d=0.1)
    assert not assess(paused, TODAY).missed


def test_flags_pain_of_7_or_more_and_any_severe_graded_symptom() -> None:
    assert not assess(summary("Six", latest=latest(pain=6)), TODAY).worsening
    seven = assess(summary("Seven", latest=latest(pain=7)), TODAY)
    assert seven.worsening
    assert seven.reasons == ["Pain 7/10"]
    severe = assess(summary("Severe", latest=latest(swelling=3, itching=3, bruising=2)), TODAY)
    assert severe.worsening
    assert severe.reasons == ["Severe swelling and itching"]


def test_has_no_reasons_for_someone_doing_fine_or_never_checked_in_or_treated() -> None:
    assert assess(summary("Fine"), TODAY).reasons == []
    fresh = summary(
        "New", last_session_on=None, last_checkin_on=None, adherence_7d=None, latest=None
    )
    result = assess(fresh, TODAY)
    assert (result.missed, result.worsening, result.reasons, result.days_since_session) == (
        False,
        False,
        [],
        None,
    )


# --- attentionOrder (now attention_key) -------------------------------------------------


def test_puts_missed_first_then_worsening_then_the_most_recent_session() -> None:
    patients = [
        summary("Recent", last_session_on=D("2025-03-18")),
        summary("Older", last_session_on=D("2025-02-01")),
        summary(
            "Untreated", last_session_on=None, last_checkin_on=None, adherence_7d=None, latest=None
        ),
        summary("Painful", latest=latest(pain=8)),
        summary("Silent", last_checkin_on=D("2025-03-12"), adherence_7d=0.2),
    ]
    assert order(patients) == ["Silent", "Painful", "Recent", "Older", "Untreated"]


def test_ranks_missed_and_worsening_above_missed_only_and_worsening_only_below_both() -> None:
    patients = [
        summary("WorseOnly", latest=latest(hardening=3)),
        summary("MissedOnly", adherence_7d=0.5),
        summary("Both", adherence_7d=0.5, latest=latest(pain=9)),
    ]
    assert order(patients) == ["Both", "MissedOnly", "WorseOnly"]


def test_within_a_group_sorts_by_days_since_the_last_session_then_by_name() -> None:
    patients = [
        summary("bea", adherence_7d=0.1, last_session_on=D("2025-03-01")),
        summary("Ann", adherence_7d=0.1, last_session_on=D("2025-03-01")),
        summary("Cal", adherence_7d=0.1, last_session_on=D("2025-03-15")),
    ]
    assert order(patients) == ["Cal", "Ann", "bea"]


def test_does_not_reorder_the_list_it_was_given() -> None:
    patients = [
        summary("B", last_session_on=D("2025-01-30")),
        summary("A", last_session_on=D("2025-03-19")),
    ]
    assert order(patients) == ["A", "B"]
    assert [p.name for p in patients] == ["B", "A"]


def test_handles_an_empty_clinic() -> None:
    assert order([]) == []


# --- open alerts and the review date ----------------------------------------------------


def test_puts_an_urgent_alert_first_then_more_open_alerts_above_missed_check_ins() -> None:
    patients = [
        summary("Missed", adherence_7d=0.2),
        summary("Watch", open_alerts=1, alert_severity="watch"),
        summary("Calm"),
        summary("Urgent", open_alerts=1, alert_severity="urgent"),
        summary("TwoWatch", open_alerts=2, alert_severity="watch"),
    ]
    assert order(patients) == ["Urgent", "TwoWatch", "Watch", "Missed", "Calm"]
    assert assess(patients[3], TODAY).reasons[0] == "Urgent alert"


def test_counts_slower_than_usual_as_worsening() -> None:
    slow = summary("Slow", slower_than_usual=True)
    assert order([summary("Calm"), slow]) == ["Slow", "Calm"]
    assert assess(slow, TODAY).reasons == ["Slower than usual"]


def test_uses_the_review_date_for_in_treatment_when_the_list_has_one() -> None:
    session = D("2025-01-01")  # 78 days before TODAY
    assert in_treatment(summary("A", last_session_on=session, review_on=D("2025-03-20")), TODAY)
    assert not in_treatment(summary("A", last_session_on=session, review_on=D("2025-03-19")), TODAY)
    assert not in_treatment(
        summary("A", last_session_on=D("2025-03-10"), review_on=D("2025-03-15")), TODAY
    )


# --- the reasons name the alert in words ------------------------------------------------


def test_says_an_urgent_warning_sign_with_the_vocabularys_name_for_it() -> None:
    alert = brief(items=["leg_swelling_with_pain"])
    result = assess(summary("Farid", open_alerts=1, alert_severity="urgent", alert=alert), TODAY)
    assert result.reasons == ["Urgent: calf or whole-leg swelling with pain"]


def test_names_two_signs_and_counts_the_rest_beyond_two() -> None:
    p = summary("P")
    # In the vocabulary's order (the emergency signs first), whatever the order stored.
    two = brief(items=["leg_swelling_with_pain", "allergic_reaction"])
    assert alert_words(two, p.latest, None) == (
        "Urgent: hives, facial swelling or trouble breathing"
        " and calf or whole-leg swelling with pain"
    )
    three = brief(
        items=["spreading_redness_or_fever", "allergic_reaction", "chest_pain_or_breathless"]
    )
    assert alert_words(three, p.latest, None) == (
        "Urgent: chest pain or breathlessness and 2 more signs"
    )


def test_words_each_watch_rule() -> None:
    now = summary("P", latest=latest(pain=6)).latest

    def words(missed: int | None = None, **overrides: Any) -> str:
        return alert_words(brief(severity="watch", **overrides), now, missed)

    assert words(rule="pain_high", pain=6) == "Pain 6/10"
    assert words(rule="pain_high", pain=9) == "Pain reached 9/10"
    assert words(rule="pain_rising", pain=6) == "Pain rising, now 6/10"
    assert words(rule="symptom_severe", items=["hardening"]) == "Severe firm lumps after day 14"
    assert words(3, rule="missed_checkins") == "Missed 3 check-ins"
    assert words(0, rule="missed_checkins") == "Missed check-ins"


def test_says_the_same_thing_once_and_counts_the_other_open_alerts() -> None:
    alert = brief(rule="pain_high", severity="watch", pain=8)
    row = summary("P", open_alerts=2, alert_severity="watch", alert=alert, latest=latest(pain=8))
    assert assess(row, TODAY).reasons == ["Pain 8/10", "1 more open alert"]


def test_words_the_edges_the_pwa_words() -> None:
    """Not in the TypeScript tests: its fallbacks, kept as they were."""
    assert alert_words(brief(items=[]), None, None) == "Urgent: warning sign reported"
    assert alert_words(brief(severity="watch", items=["new_sign"]), None, None) == (
        "Warning sign: new_sign"
    )
    assert alert_words(brief(rule="pain_high", pain=None), None, None) == "Pain high/10"
    assert alert_words(brief(rule="pain_rising"), None, None) == "Pain rising"
    assert alert_words(brief(rule="something_new"), None, None) == "Open alert"
    assert in_sign_order(["x", "spreading_redness_or_fever", "chest_pain_or_breathless"]) == [
        "chest_pain_or_breathless",
        "spreading_redness_or_fever",
        "x",
    ]
    assert [join_words(w) for w in ([], ["a"], ["a", "b"], ["a", "b", "c"])] == [
        "",
        "a",
        "a and b",
        "a, b and c",
    ]
    assert (plural(1, "day"), plural(0, "day"), plural(2, "day")) == ("1 day", "0 days", "2 days")
    no_alert = assess(summary("W", open_alerts=3, alert_severity="watch"), TODAY)
    assert no_alert.reasons == ["Open alert", "2 more open alerts"]


# --- review due -------------------------------------------------------------------------


def test_review_due_is_at_most_a_week_ahead_or_a_week_past_for_an_active_patient() -> None:
    def due(review_on: str, active: bool = True) -> bool:
        row = summary("R", last_session_on=D("2025-01-23"), review_on=D(review_on), active=active)
        return assess(row, TODAY).review_due

    assert due("2025-03-27")  # in 7 days
    assert not due("2025-03-28")  # in 8 days
    assert due("2025-03-13")  # 7 days ago
    assert not due("2025-03-12")  # 8 days ago
    assert not due("2025-03-20", active=False)
    assert assess(summary("R", review_on=D("2025-03-25")), TODAY).review_in_days == 5


# --- patientStatus ----------------------------------------------------------------------


def test_reads_an_urgent_warning_sign_as_urgent_words_in_reds_tone() -> None:
    alert = brief(id=uuid.UUID(int=1), items=["leg_swelling_with_pain"])
    assert status(
        open_alerts=1, alert_severity="urgent", alert=alert, latest=latest(pain=8)
    ) == Status("urgent", "Urgent: calf or whole-leg swelling with pain", ["Pain 8/10"])


def test_gives_a_watch_alert_the_alert_tone_and_missed_check_ins_the_attention_tone() -> None:
    alert = brief(id=uuid.UUID(int=2), rule="pain_high", severity="watch", pain=7)
    watch = status(open_alerts=1, alert_severity="watch", alert=alert, latest=latest(pain=7))
    assert (watch.tone, watch.text) == ("alert", "Pain 7/10")
    assert status(last_checkin_on=D("2025-03-17")) == Status("attention", "Missed 2 check-ins", [])


def test_says_a_review_is_due_on_its_own_or_after_what_needs_attention() -> None:
    assert status(review_on=D("2025-03-23")) == Status("review", "Review due in 3 days", [])
    assert status(review_on=D("2025-03-23"), slower_than_usual=True) == Status(
        "attention", "Slower than usual", ["Review due in 3 days"]
    )


def test_is_on_track_in_treatment_and_quiet_otherwise() -> None:
    assert status() == Status("ok", "On track", [])
    new = status(last_session_on=None, review_on=None, latest=None, last_checkin_on=None)
    assert (new.tone, new.text) == ("quiet", "No session yet")
    inactive = status(active=False)
    assert (inactive.tone, inactive.text) == ("quiet", "Inactive")
    finished = status(
        last_session_on=D("2024-10-01"),
        review_on=D("2024-11-26"),
        last_checkin_on=D("2024-11-20"),
    )
    assert (finished.tone, finished.text) == ("quiet", "Course finished")


# --- reviewWords ------------------------------------------------------------------------


def test_review_words_count_days_ahead_and_behind() -> None:
    assert [review_words(n) for n in (2, 1, 0, -1, -4)] == [
        "Review due in 2 days",
        "Review due tomorrow",
        "Review due today",
        "Review was due yesterday",
        "Review was due 4 days ago",
    ]


# --- needsAttention ---------------------------------------------------------------------


def test_needs_attention_is_anything_with_a_reason_not_a_review_on_its_own() -> None:
    pat = {"review_on": D("2025-05-05")}
    assert assess(summary("Pat", **{**pat, "slower_than_usual": True}), TODAY).needs_attention
    assert not assess(summary("Pat", review_on=D("2025-03-21")), TODAY).needs_attention


# --- the stored key ---------------------------------------------------------------------

# Names refuse control characters but tab and line breaks (api.core.validation), so none
# holds "\x00" or the key's "\x01"; anything else goes, case and accents included.
names = st.text(st.characters(exclude_characters="\x00\x01"), max_size=8) | st.sampled_from(
    ["Ann", "ann", "ANNA", "Anne", "bea", "Straße", "STRASSE", "Zoë", "zoe"]
)
rows = st.tuples(
    st.integers(0, 2),  # alert_rank
    st.integers(0, 1500),  # open_alerts (capped at 999 in the key)
    st.booleans(),  # missed
    st.booleans(),  # worsening
    st.none() | st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
    names,
    st.uuids(),
)


def _attention(rank: int, missed: bool, worsening: bool) -> Attention:
    return Attention(
        alert_rank=rank,
        missed=missed,
        worsening=worsening,
        reasons=[],
        days_since_session=None,
        review_in_days=None,
        review_due=False,
        treating=False,
        needs_attention=False,
        status=Status("quiet", "", []),
    )


@given(st.lists(rows, max_size=12))
def test_the_keys_order_is_the_lists_order(
    patients: list[tuple[int, int, bool, bool, date | None, str, uuid.UUID]],
) -> None:
    def by_key(row: tuple[int, int, bool, bool, date | None, str, uuid.UUID]) -> str:
        rank, alerts, missed, worsening, session, name, pid = row
        return attention_key(_attention(rank, missed, worsening), alerts, session, name, pid)

    def by_tuple(
        row: tuple[int, int, bool, bool, date | None, str, uuid.UUID],
    ) -> tuple[int, int, bool, bool, bool, int, str, uuid.UUID]:
        rank, alerts, missed, worsening, session, name, pid = row
        recent = -session.toordinal() if session else 0
        return (
            -rank,
            -min(alerts, 999),
            not missed,
            not worsening,
            session is None,
            recent,
            name.casefold()[:NAME_KEY_CHARS],
            pid,
        )

    assert sorted(patients, key=by_key) == sorted(patients, key=by_tuple)


def test_the_key_fits_its_column_whatever_the_name() -> None:
    # 200 characters (the most a name may have) that case-fold to 400 ("ß" is "ss").
    row = summary("ß" * 200, open_alerts=5000, alert_severity="urgent", last_session_on=None)
    key = attention_key(assess(row, TODAY), row.open_alerts, None, row.name, row.id)
    assert len(key) <= 400
    assert key.startswith("0000" + "11" + "99999999" + "ss")
    assert key.endswith("\x01" + str(row.id))
