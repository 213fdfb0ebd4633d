// Stand-in words for unit tests: each says its own code, so a test checks which word is
// used where, never the wording (that is the server's, api/core/vocabulary.py).
import type { ResultWords } from "./result-words";

const named = (codes: string[], kind: string): Record<string, string> =>
  Object.fromEntries(codes.map((code) => [code, `${kind} ${code}`]));

export const WORDS: ResultWords = {
  clearance: named(["worse", "none", "partial", "good", "excellent"], "Clearance"),
  hyperpigmentation: named(["0", "1", "2", "3"], "Staining"),
  findings: named(["hyperpigmentation", "matting", "trapped_blood_drained", "ulceration"], "Finding"),
  pgic: named(["1", "2", "3", "4", "5", "6", "7"], "Pgic"),
  area_groups: named(["legs", "face", "other"], "Group"),
};
