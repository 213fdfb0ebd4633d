// A patient-list row for the practitioner screens' unit tests: calm, on track, overridable.
// `attention` is what the server says of such a patient on TODAY (day 10 of treatment).
import type { Attention, PatientSummary } from "./model";

export const TODAY = "2025-03-20";
export const calm = { pain: 1, swelling: 0, bruising: 1, discolouration: 0, hardening: 0, itching: 0 };

/** The server's reading of a calm patient in treatment; `overrides` change any of it. */
export function attentionFixture(overrides: Partial<Attention> = {}): Attention {
  return {
    alert_rank: 0,
    missed: false,
    worsening: false,
    reasons: [],
    days_since_session: 10,
    review_in_days: null,
    review_due: false,
    treating: true,
    needs_attention: false,
    status: { tone: "ok", text: "On track", more: [] },
    ...overrides,
  };
}

export function summaryFixture(name: string, overrides: Partial<PatientSummary> = {}): PatientSummary {
  return {
    id: `id-${name}`,
    name,
    email: `${name.toLowerCase()}@example.test`,
    timezone: "Europe/London",
    checkin_time: "19:00",
    active: true,
    last_session_on: "2025-03-10",
    review_on: null,
    daily_days: 14,
    last_checkin_on: "2025-03-19",
    adherence_7d: 1,
    latest: { local_date: "2025-03-19", ...calm },
    pain_14d: [],
    open_alerts: 0,
    alert_severity: null,
    alert: null,
    flags: [],
    slower_than_usual: false,
    attention: attentionFixture(),
    ...overrides,
  };
}
