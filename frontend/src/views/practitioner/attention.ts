// Who needs the clinic's attention first: a pure ordering of the patient list, so it can be
// unit-tested without a DOM or a server.
//
// 1. Open alerts (api/alerts): an urgent one first, then the most open alerts.
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

import { lower, symptomName } from "../../words";
import { GRADED } from "../../types";
import type { PatientSummary } from "./model";

export const MISSED_ADHERENCE = 0.6;
export const MISSED_GAP_DAYS = 2;
export const WEEKLY_GAP_DAYS = 8;
export const IN_TREATMENT_DAYS = 56;
export const HIGH_PAIN = 7;
export const SEVERE_GRADE = 3;

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

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

function joinWords(words: string[]): string {
  return words.length <= 1 ? words.join("") : `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;
}

/** One patient's attention flags and reasons, as of `today` (YYYY-MM-DD). */
export function assess(patient: PatientSummary, today: string): Attention {
  const reasons: string[] = [];
  const alertRank = patient.alert_severity === "urgent" ? 2 : patient.open_alerts > 0 ? 1 : 0;
  if (patient.open_alerts > 0) {
    const kind = patient.alert_severity === "urgent" ? "urgent alert" : "alert";
    reasons.push(patient.open_alerts === 1 ? `Open ${kind}` : `${patient.open_alerts} open alerts, incl. ${kind}`);
  }
  let missed = false;
  if (inTreatment(patient, today)) {
    // A check-in from before the latest session says nothing about this treatment.
    const since = later(patient.last_checkin_on, patient.last_session_on) as string;
    const gap = daysBetween(since, today);
    const daily = patient.daily_days === null || daysBetween(patient.last_session_on as string, today) < patient.daily_days;
    if (gap > (daily ? MISSED_GAP_DAYS : WEEKLY_GAP_DAYS)) {
      missed = true;
      reasons.push(
        patient.last_checkin_on === since
          ? `No check-in for ${plural(gap, "day")}`
          : `No check-in since the session ${plural(gap, "day")} ago`,
      );
    }
    if (patient.adherence_7d !== null && patient.adherence_7d < MISSED_ADHERENCE) {
      missed = true;
      reasons.push(`${Math.round(patient.adherence_7d * 100)}% of check-ins this week`);
    }
  }
  let worsening = false;
  const latest = patient.latest;
  if (latest) {
    if (latest.pain >= HIGH_PAIN) {
      worsening = true;
      reasons.push(`Pain ${latest.pain}/10`);
    }
    const severe = GRADED.filter((symptom) => latest[symptom] >= SEVERE_GRADE);
    if (severe.length > 0) {
      worsening = true;
      reasons.push(`Severe ${joinWords(severe.map((symptom) => lower(symptomName(symptom))))}`);
    }
  }
  if (patient.slower_than_usual) {
    worsening = true;
    reasons.push("Slower than usual");
  }
  const daysSinceSession =
    patient.last_session_on === null ? null : daysBetween(patient.last_session_on, today);
  return { patient, alertRank, missed, worsening, reasons, daysSinceSession };
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
