// The app's words for every code, from the generated vocabulary (api/core/vocabulary.py):
// the patient and the practitioner read the same name for a symptom or a warning sign.
import type { Symptom as SymptomCode } from "./types";
import {
  AREAS as AREA_NAMES,
  GRADES,
  PAIN_ANCHORS,
  SCLEROSANTS as SCLEROSANT_NAMES,
  SCREENING_FLAGS,
  SYMPTOM_WORDS,
  WARNING_SIGNS as SIGNS,
} from "./vocabulary";

export { GRADES, PAIN_ANCHORS };

/** "Swelling", "Firm lumps" ... */
export const symptomName = (code: SymptomCode | string): string => SYMPTOM_WORDS[code]?.name ?? code;
export const symptomHint = (code: SymptomCode | string): string => SYMPTOM_WORDS[code]?.hint ?? "";
/** "None", "Mild", "Moderate", "Severe". */
export const gradeName = (grade: number): string => GRADES[grade]?.name ?? String(grade);

export const WARNING_SIGNS: [code: string, name: string][] = Object.entries(SIGNS).map(([code, sign]) => [
  code,
  sign.name,
]);
export const EMERGENCY_SIGNS = new Set(Object.keys(SIGNS).filter((code) => SIGNS[code].emergency));
export const signName = (code: string): string => SIGNS[code]?.name ?? code;

export const AREAS: [code: string, label: string][] = Object.entries(AREA_NAMES);
export const SCLEROSANTS: [code: string, label: string][] = Object.entries(SCLEROSANT_NAMES);
export const areaLabel = (code: string): string => AREA_NAMES[code] ?? code;
export const sclerosantLabel = (code: string): string => SCLEROSANT_NAMES[code] ?? code;
export const flagLabel = (code: string): string => SCREENING_FLAGS[code] ?? code;

/** A name inside a sentence: "severe firm lumps". */
export const lower = (name: string): string => name.charAt(0).toLowerCase() + name.slice(1);
