// Who needs the clinic's attention first, and why in words: a pure reading of the patient
// list, so it can be unit-tested without a DOM or a server.
//
// 1. Open alerts (api/alerts): an urgent one first, then the most open alerts. The reason
//    names the alert the alert list puts first for the patient ("Urgent: calf or whole-leg
//    swelling with pain", "Pain 8/10").
// 2. Missed check-ins, while in treatment: 7-day adherence below 60% (the server counts only
//    the days the check-in plan expects), or a silence longer than the plan allows: more
//    than 2 days in the daily phase, more than 8 (a weekly check-in and a day's grace) after
//    it, counted from the last check-in (or from the last session, when none has come in
//    since).
// 3. Worsening scores: the latest pain is 7 or more, a graded symptom is at 3 (severe), or
//    the recovery is slower than the clinic's usual course.
// 4. Then days since the last session, most recent first (no session last), then name.
//
// "In treatment": an active patient between their last session and its review date (or,
// without one, within 8 weeks of the session: the API's default review period).
// "Review due": an active patient whose review date is at most a week away, or passed at
// most a week ago (reviews are not recorded, so after that it is no longer news).

import { WARNING_SIGNS, gradeName, lower, signName, symptomName } from "../../words";
import { GRADED } from "../../types";
import type { AlertBrief, PatientSummary } from "./model";

export const MISSED_ADHERENCE = 0.6;
export const MISSED_GAP_DAYS = 2;
export const WEEKLY_GAP_DAYS = 8;
export const IN_TREATMENT_DAYS = 56;
export const HIGH_PAIN = 7;
export const SEVERE_GRADE = 3;
export const REVIEW_AHEAD_DAYS = 7;
export const REVIEW_PAST_DAYS = 7;

export interface Attention {
  patient: PatientSummary;
  /** 2: an open urgent alert; 1: open watch alerts only; 0: none. */
  alertRank: number;
  missed: boolean;
  worsening: boolean;
  /** Short reasons in words, most important first; empty when nothing stands out. */
  reasons: string[];
  /** Whole days from the last session to today; null when there is no session. */
  daysSinceSession: number | null;
  /** Whole days from today to the review (negative once passed); null without one. */
  reviewInDays: number | null;
  reviewDue: boolean;
  treating: boolean;
}

/** Whole days from `from` to `to` (both YYYY-MM-DD); negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  const utc = (iso: string): number => {
    const [year, month, day] = iso.split("-").map(Number);
    return Date.UTC(year, month - 1, day);
  };
  return Math.round((utc(to) - utc(from)) / 86_400_000);
}

export function inTreatment(patient: PatientSummary, today: string): boolean {
  if (!patient.active || patient.last_session_on === null) return false;
  const days = daysBetween(patient.last_session_on, today);
  if (patient.review_on) return days >= 0 && today <= patient.review_on;
  return days >= 0 && days <= IN_TREATMENT_DAYS;
}

const later = (a: string | null, b: string | null): string | null =>
  a === null ? b : b === null ? a : a > b ? a : b;

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/** "a", "a and b", "a, b and c". */
export function joinWords(words: string[]): string {
  return words.length <= 1 ? words.join("") : `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;
}

const SIGN_ORDER = WARNING_SIGNS.map(([code]) => code);
const PAIN = symptomName("pain");

/** Warning-sign codes in the vocabulary's order: the emergency ones first. */
export function inSignOrder(codes: readonly string[]): string[] {
  const rank = (code: string): number => (SIGN_ORDER.includes(code) ? SIGN_ORDER.indexOf(code) : SIGN_ORDER.length);
  return [...codes].sort((a, b) => rank(a) - rank(b));
}

/** The words for the alert a row names: "Urgent: calf or whole-leg swelling with pain". */
export function alertWords(alert: AlertBrief, patient: PatientSummary, missedCount: number | null): string {
  switch (alert.rule) {
    case "warning_sign": {
      const signs = inSignOrder(alert.items).map((code) => lower(signName(code)));
      const named = signs.length > 2 ? `${signs[0]} and ${plural(signs.length - 1, "more sign")}` : joinWords(signs);
      return `${alert.severity === "urgent" ? "Urgent" : "Warning sign"}: ${named || "warning sign reported"}`;
    }
    case "pain_high":
      return alert.pain !== null && patient.latest && patient.latest.pain < alert.pain
        ? `${PAIN} reached ${alert.pain}/10`
        : `${PAIN} ${alert.pain ?? patient.latest?.pain ?? "high"}/10`;
    case "pain_rising":
      return patient.latest ? `${PAIN} rising, now ${patient.latest.pain}/10` : `${PAIN} rising`;
    case "symptom_severe":
      return `${gradeName(SEVERE_GRADE)} ${joinWords(alert.items.map((code) => lower(symptomName(code))))} after day 14`;
    case "missed_checkins":
      return missedCount !== null && missedCount >= 2 ? `Missed ${missedCount} check-ins` : "Missed check-ins";
    default:
      return "Open alert";
  }
}

/** Check-ins missed since the last one (or the session), today not counted: it is not over. */
function missedSince(patient: PatientSummary, today: string): number | null {
  if (patient.last_session_on === null) return null;
  const since = later(patient.last_checkin_on, patient.last_session_on) as string;
  const gap = daysBetween(since, today);
  // The session day itself is a day to check in; a check-in's own day was made.
  return patient.last_checkin_on === since ? gap - 1 : gap;
}

/** One patient's attention flags and reasons, as of `today` (YYYY-MM-DD). */
export function assess(patient: PatientSummary, today: string): Attention {
  const reasons: string[] = [];
  const add = (reason: string): void => {
    if (!reasons.includes(reason)) reasons.push(reason);
  };
  const alertRank = patient.alert_severity === "urgent" ? 2 : patient.open_alerts > 0 ? 1 : 0;
  const missedCount = missedSince(patient, today);
  if (patient.open_alerts > 0) {
    add(
      patient.alert
        ? alertWords(patient.alert, patient, missedCount)
        : patient.alert_severity === "urgent"
          ? "Urgent alert"
          : "Open alert",
    );
    if (patient.open_alerts > 1) add(`${plural(patient.open_alerts - 1, "more open alert")}`);
  }
  let missed = false;
  const treating = inTreatment(patient, today);
  if (treating) {
    const since = later(patient.last_checkin_on, patient.last_session_on) as string;
    const gap = daysBetween(since, today);
    const daily = patient.daily_days === null || daysBetween(patient.last_session_on as string, today) < patient.daily_days;
    if (gap > (daily ? MISSED_GAP_DAYS : WEEKLY_GAP_DAYS)) {
      missed = true;
      if (!daily) add(`No check-in for ${plural(gap, "day")}`);
      else if (patient.last_checkin_on === since) add(`Missed ${missedCount} check-ins`);
      else add(`Missed ${plural(missedCount ?? gap, "check-in")} since the session`);
    }
    if (patient.adherence_7d !== null && patient.adherence_7d < MISSED_ADHERENCE) {
      missed = true;
      add(`${Math.round(patient.adherence_7d * 100)}% of check-ins this week`);
    }
  }
  let worsening = false;
  const latest = patient.latest;
  if (latest) {
    if (latest.pain >= HIGH_PAIN) {
      worsening = true;
      add(`${PAIN} ${latest.pain}/10`);
    }
    const severe = GRADED.filter((symptom) => latest[symptom] >= SEVERE_GRADE);
    if (severe.length > 0) {
      worsening = true;
      add(`${gradeName(SEVERE_GRADE)} ${joinWords(severe.map((symptom) => lower(symptomName(symptom))))}`);
    }
  }
  if (patient.slower_than_usual) {
    worsening = true;
    add("Slower than usual");
  }
  const daysSinceSession =
    patient.last_session_on === null ? null : daysBetween(patient.last_session_on, today);
  const reviewInDays = patient.review_on === null ? null : daysBetween(today, patient.review_on);
  const reviewDue =
    patient.active && reviewInDays !== null && reviewInDays <= REVIEW_AHEAD_DAYS && reviewInDays >= -REVIEW_PAST_DAYS;
  return { patient, alertRank, missed, worsening, reasons, daysSinceSession, reviewInDays, reviewDue, treating };
}

function compare(a: Attention, b: Attention): number {
  if (a.alertRank !== b.alertRank) return b.alertRank - a.alertRank;
  if (a.patient.open_alerts !== b.patient.open_alerts) return b.patient.open_alerts - a.patient.open_alerts;
  if (a.missed !== b.missed) return a.missed ? -1 : 1;
  if (a.worsening !== b.worsening) return a.worsening ? -1 : 1;
  if (a.daysSinceSession !== b.daysSinceSession) {
    if (a.daysSinceSession === null) return 1;
    if (b.daysSinceSession === null) return -1;
    return a.daysSinceSession - b.daysSinceSession;
  }
  return a.patient.name.localeCompare(b.patient.name, "en", { sensitivity: "base" }) ||
    a.patient.id.localeCompare(b.patient.id);
}

/** The clinic's list, those who need attention first (does not change `patients`). */
export function attentionOrder(patients: readonly PatientSummary[], today: string): Attention[] {
  return patients.map((patient) => assess(patient, today)).sort(compare);
}
