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
