// Shapes of the practitioner API's JSON, by the names these screens use: aliases of the
// generated schemas (types.ts). Dates are YYYY-MM-DD strings.
import type { Schemas } from "../../types";

/** A patient's latest check-in scores, with its date. */
export type LatestScores = Schemas["LatestScores"];

/**
 * A row of GET /api/patients (and GET /api/patients/{id}/summary). `review_on`: the review
 * date of the session in force today; `daily_days`: its daily phase; `adherence_7d`: share of
 * the plan's expected check-ins made in the last 7 local days, 0..1 (null when none were
 * expected); `pain_14d`: pain on each of the last 14 local days, oldest first (null: no
 * check-in); `alert`: the open alert to name first; `flags`: screening flag codes.
 */
export type PatientSummary = Schemas["PatientSummary"];

/**
 * Who needs attention and why, worded by the server in the patient's own time zone
 * (api/triage/attention.py): `needs_attention` (an open alert, missed check-ins or worse
 * scores), `review_due` (a review at most a week ahead or past), `days_since_session`,
 * `review_in_days` (negative once passed), and `status`, the words and tone to show.
 */
export type Attention = Schemas["Attention"];

/** A patient's status in words: a tone ("urgent" … "quiet"), a headline, and what else stands out. */
export type Status = Schemas["Status"];

/**
 * A page of GET /api/patients, in attention order (never re-sorted here). `next_cursor`
 * asks for the next page (null: this was the last); `counts`, on a first page only, counts
 * the whole clinic per filter, whatever the search.
 */
export type PatientPage = Schemas["PatientPage"];

/** The list's filters, by the API's names: the keys of a first page's `counts`. */
export type ListFilter = keyof Schemas["ListCounts"];

/** The open alert a patient-list row names. `items`: warning-sign codes or severe symptoms. */
export type AlertBrief = Schemas["AlertBrief"];

/** One time an alert was raised or reported again. */
export type AlertReport = Schemas["AlertReportOut"];

/** A row of GET /api/alerts. `reports`: every report behind it, oldest first. */
export type Alert = Schemas["AlertOut"];

/** GET/PATCH /api/clinic. */
export type Clinic = Schemas["ClinicOut"];

/** GET /api/patients/{id}. */
export type Patient = Schemas["PatientOut"];

/** POST /api/patients: the new patient's details. */
export type PatientCreate = Schemas["PatientCreate"];

/** POST /api/patients answer: the patient plus the one-time invite. */
export type PatientCreated = Schemas["PatientCreated"];

/** POST /api/patients/{id}/sessions: a session to record. */
export type SessionCreate = Schemas["SessionCreate"];

/** GET /api/patients/{id}/sessions. */
export type TreatmentSession = Schemas["SessionOut"];

/** GET /api/patients/{id}/checkins. */
export type Checkin = Schemas["CheckinOut"];
