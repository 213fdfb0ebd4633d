// Shapes of the API's JSON (see the API's msgspec schemas and /schema).

export const GRADED = ["swelling", "bruising", "discolouration", "hardening", "itching"] as const;
export const SYMPTOMS = ["pain", ...GRADED] as const;
export type Symptom = (typeof SYMPTOMS)[number];

export type Scores = Record<Symptom, number>;

export interface CheckinBody extends Scores {
  compression_worn?: boolean | null;
  warning_signs?: string[];
  note?: string | null;
  /** When the patient pressed save (ISO instant): what orders offline replays. */
  recorded_at: string;
}

export interface TimelineSession {
  id: string;
  performed_on: string;
  review_on: string;
  areas: string[];
}

export interface TimelinePoint extends Scores {
  local_date: string;
  session_id: string;
  day: number;
}

/** The clinic's usual range for one symptom on one day since session (n other patients). */
export interface BandPoint {
  day: number;
  symptom: Symptom;
  p25: number;
  median: number;
  p75: number;
  n: number;
}

export interface Timeline {
  sessions: TimelineSession[];
  points: TimelinePoint[];
  band: BandPoint[];
}

/** The warning-sign codes (api/checkins/schemas.py WarningSign), in the forms' order. */
export type WarningSign =
  | "chest_pain_or_breathless"
  | "vision_speech_or_weakness"
  | "allergic_reaction"
  | "leg_swelling_with_pain"
  | "ulcer_blister_or_blackening"
  | "spreading_redness_or_fever";

/** What to do about warning signs (api/checkins/advice.py): in a check-in or report answer. */
export interface WarningAdvice {
  level: "emergency" | "contact_clinic";
  title: string;
  text: string;
  clinic_phone: string | null;
}

/** POST /api/me/warning-signs: signs on their own, accepted whatever the date or session. */
export interface WarningReportBody {
  /** 1-6 codes. */
  warning_signs: string[];
  /** When the patient pressed send (ISO instant): a replay with the same one is a no-op. */
  recorded_at: string;
  note?: string | null;
}

/** Its answer: 201 when stored now, 200 for a replay; the clinic has been told either way. */
export interface WarningReportResult {
  id: string;
  local_date: string;
  warning_signs: string[];
  note: string | null;
  recorded_at: string;
  outcome: "created" | "updated" | "unchanged";
  advice: WarningAdvice;
}

/** GET /api/me/today. `session`/`day` are null and `advice` is [] until a session is recorded. */
export interface Today {
  local_date: string;
  timezone: string;
  day: number | null;
  session: TimelineSession | null;
  checked_in: boolean;
  checkin: (CheckinBody & { local_date: string }) | null;
  advice: { topic: string; text: string }[];
  /** Whether today's check-in asks about the compression garment (the days it is worn). */
  ask_compression: boolean;
  /** A warning sign the patient reported: its alert open (what to do now) or recently seen. */
  follow_up?: WarningFollowUp | null;
  /** The daily reminder's local time, "19:00". */
  reminder_time: string;
}

export interface WarningFollowUp {
  status: "open" | "acknowledged";
  warning_signs: string[];
  last_reported_on: string;
  acknowledged_at: string | null;
  /** What to do now, while the clinic has not acknowledged it. */
  advice: WarningAdvice | null;
}
