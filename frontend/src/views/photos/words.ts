// The words of results (the patient's rating scale, the practitioner's clearance grade),
// from the generated vocabulary (api/core/vocabulary.py), never retyped here.
import { CLEARANCE, PGIC, SATISFACTION_ANCHORS } from "../../vocabulary";

type Words = Record<string, string>;
export interface ResultWords {
  /** "1" (Very much improved) … "7" (Very much worse). */
  pgic: Words;
  /** "0" and "10": the satisfaction scale's two ends. */
  satisfactionAnchors: Words;
  /** "worse" … "excellent". */
  clearance: Words;
}

export function resultWords(): Promise<ResultWords> {
  return Promise.resolve({ pgic: PGIC, satisfactionAnchors: SATISFACTION_ANCHORS, clearance: CLEARANCE });
}
