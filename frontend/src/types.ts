// Shapes of the API's JSON: aliases of the types generated from its OpenAPI document
// (api-types.ts, `components["schemas"]`; regenerate it, never edit it). Every other module
// gets the API's types from here, never from api-types.ts.
import type { components } from "./api-types";
import { WARNING_SIGNS } from "./vocabulary";

/** Every request and response body of the API, by its schema name. */
export type Schemas = components["schemas"];

export const GRADED = ["swelling", "bruising", "discolouration", "hardening", "itching"] as const;
export const SYMPTOMS = ["pain", ...GRADED] as const;
export type Symptom = (typeof SYMPTOMS)[number];

export type Scores = Record<Symptom, number>;

/** PUT /api/me/checkins/{local_date}. `recorded_at` (when the patient pressed save) orders offline replays. */
export type CheckinBody = Schemas["CheckinIn"];
/** A stored check-in: GET /api/me/checkins, GET /api/patients/{id}/checkins, Today's `checkin`. */
export type CheckinOut = Schemas["CheckinOut"];
/** The PUT's answer: the check-in, what became of it, and advice about its warning signs. */
export type CheckinResult = Schemas["CheckinResult"];

/**
 * A check-in's answers as a screen shows them or prefills a form: one stored on the server
 * (CheckinOut) or one saved on this device and not sent yet (CheckinBody), maybe in part.
 */
export type CheckinAnswers = Partial<CheckinBody> | Partial<CheckinOut>;

export type TimelineSession = Schemas["TimelineSession"];
/** A check-in on the timeline; `session_id` and `day` are null when no session came before it. */
export type TimelinePoint = Schemas["TimelinePoint"];
/** The clinic's usual range for one symptom on one day since session (n other patients). */
export type BandPoint = Schemas["BandPoint"];
/** GET /api/me/timeline and GET /api/patients/{id}/timeline. */
export type Timeline = Schemas["Timeline"];

/** The warning-sign codes the API accepts (api/checkins/schemas.py WarningSign). */
export type WarningSign = NonNullable<CheckinBody["warning_signs"]>[number];

/**
 * A guard for a union of API codes, from the vocabulary record that names each of them: the
 * record and the API's enum are generated from one definition on the server (see
 * api/core/vocabulary.py), so they cannot drift.
 */
export function codeIn<T extends string>(
  words: Readonly<Record<string, unknown>>,
): (value: string) => value is T {
  return (value: string): value is T => Object.hasOwn(words, value);
}

/** Whether a form's value is a warning-sign code the API accepts. */
export const isWarningSign = codeIn<WarningSign>(WARNING_SIGNS);

/** What to do about warning signs (api/checkins/advice.py): in a check-in or report answer. */
export type WarningAdvice = Schemas["WarningAdvice"];

/** POST /api/me/warning-signs: signs on their own (1-6 codes), accepted whatever the date or session. */
export type WarningReportBody = Schemas["WarningSignsIn"];

/** Its answer: 201 when stored now, 200 for a replay; the clinic has been told either way. */
export type WarningReportResult = Schemas["WarningSignsResult"];

/** GET /api/me/today. `session`/`day` are null and `advice` is [] until a session is recorded. */
export type Today = Schemas["Today"];

/** A warning sign the patient reported: its alert open (what to do now) or recently seen. */
export type WarningFollowUp = Schemas["WarningFollowUp"];

/** One piece of Today's aftercare advice. */
export type Advice = Schemas["Advice"];

/** An error answer (4xx, 5xx): what went wrong, and the field at fault (422). */
export type ErrorBody = Schemas["Error"];
