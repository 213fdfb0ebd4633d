// The words of the Results feature (clearance grades, hyperpigmentation, findings, the
// patient's impression of change, area groups), from the generated vocabulary.ts (written
// from api/core/vocabulary.py), never retyped here.
import type { Schemas } from "../../types";
import { AREA_GROUPS, CLEARANCE, FINDINGS, HYPERPIGMENTATION, PGIC } from "../../vocabulary";

export type ResultWords = Pick<Schemas["VocabularyOut"], "clearance" | "hyperpigmentation" | "findings" | "pgic" | "area_groups">;

/** The clearance grades, worst to best: the order of the form's radios and the report's bar. */
export const CLEARANCE_ORDER = ["worse", "none", "partial", "good", "excellent"] as const;
export type Clearance = (typeof CLEARANCE_ORDER)[number];

/** The review's yes/no findings in the report's order (hyperpigmentation counts as one when any). */
export const FINDING_ORDER = ["hyperpigmentation", "matting", "trapped_blood_drained", "ulceration"] as const;

const WORDS: ResultWords = {
  clearance: CLEARANCE,
  hyperpigmentation: HYPERPIGMENTATION,
  findings: FINDINGS,
  pgic: PGIC,
  area_groups: AREA_GROUPS,
};

/** The words (a promise, as the screens load them beside their data). */
export function resultWords(): Promise<ResultWords> {
  return Promise.resolve(WORDS);
}

/** A code's words, or the code itself when the server sent one this build does not know. */
export function say(words: Record<string, string>, code: string | number): string {
  return words[String(code)] ?? String(code);
}
