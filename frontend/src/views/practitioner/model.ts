// Shapes of the practitioner API's JSON (see api/patients/schemas.py, api/treatments/schemas.py
// and api/checkins/schemas.py). Dates are YYYY-MM-DD strings.
import type { Scores } from "../../types";

export interface LatestScores extends Scores {
  local_date: string;
}

/** What every patient record carries. */
interface PatientBase {
  id: string;
  name: string;
  email: string;
  timezone: string;
  checkin_time: string;
  active: boolean;
}

/** A row of GET /api/patients. */
export interface PatientSummary extends PatientBase {
  last_session_on: string | null;
  /** Review date of the session in force today: the end of its check-in plan. */
  review_on: string | null;
  /** That session's daily phase in days (then weekly until the review). */
  daily_days: number | null;
  last_checkin_on: string | null;
  /** Share of the plan's expected check-ins made in the last 7 local days, 0..1; null when none were expected. */
  adherence_7d: number | null;
  latest: LatestScores | null;
  /** Pain on each of the last 14 local days (the patient's zone), oldest first, ending today; null: no check-in. */
  pain_14d: (number | null)[];
  open_alerts: number;
  alert_severity: "urgent" | "watch" | null;
  /** The open alert to name first (urgent, then the longest waiting); null when none is open. */
  alert: AlertBrief | null;
  /** Screening flag codes (api/screening/flags.py). */
  flags: string[];
  /** Above the clinic's usual range for 3 check-ins in a row after day 7. */
  slower_than_usual: boolean;
}

/** The open alert a patient-list row names (api/patients/schemas.py AlertBrief). */
export interface AlertBrief {
  id: string;
  rule: Alert["rule"];
  severity: "urgent" | "watch";
  /** Warning-sign codes (warning_sign) or severe symptoms (symptom_severe); [] for the others. */
  items: string[];
  /** The worst pain behind a pain alert. */
  pain: number | null;
  /** The patient's local date it was first raised for. */
  local_date: string;
}

/** One time an alert was raised or reported again. */
export interface AlertReport {
  local_date: string;
  reason: string;
  reported_at: string;
}

/** A row of GET /api/alerts. */
export interface Alert {
  id: string;
  patient: { id: string; name: string };
  rule: "warning_sign" | "pain_high" | "pain_rising" | "symptom_severe" | "missed_checkins";
  severity: "urgent" | "watch";
  status: "open" | "acknowledged";
  /** The patient's local date it was first raised for. */
  local_date: string;
  /** The latest local date reported to it (a sign reported again, a worse reading). */
  last_reported_on: string;
  /** The latest reason (for a warning sign: every sign reported while it was open). */
  reason: string;
  /** Warning-sign codes (warning_sign) or severe symptoms (symptom_severe); [] for the others. */
  items: string[];
  /** The worst pain behind a pain alert. */
  pain: number | null;
  checkin_id: string | null;
  /** When it was first raised: within a severity, the open list is oldest first by this. */
  created_at: string;
  /** The last time it was raised or reported again (a repeat keeps the alert's place). */
  raised_at: string;
  /** Every report behind it, oldest first; [] for missed check-ins. */
  reports: AlertReport[];
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  note: string | null;
}

/** GET/PATCH /api/clinic. */
export interface Clinic {
  id: string;
  name: string;
  timezone: string;
  phone: string | null;
}

/** GET /api/patients/{id}. */
export interface Patient extends PatientBase {
  created_at: string;
  has_password: boolean;
}

/** POST /api/patients answer: the patient plus the one-time invite. */
export interface PatientCreated extends Patient {
  invite_token: string;
  invite_url: string;
  invite_expires_at: string;
}

/** GET /api/patients/{id}/sessions. */
export interface TreatmentSession {
  id: string;
  patient_id: string;
  performed_on: string;
  areas: string[];
  sclerosant: string;
  concentration_pct: number;
  volume_ml: number;
  injections: number;
  compression_days: number;
  restriction_days: number;
  review_on: string;
  daily_days: number;
  notes: string | null;
}

/** GET /api/patients/{id}/checkins. */
export interface Checkin extends Scores {
  id: string;
  local_date: string;
  compression_worn: boolean | null;
  warning_signs: string[];
  note: string | null;
  recorded_at: string;
}
