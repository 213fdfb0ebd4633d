// Symptom levels as words with a colour behind them (never colour alone): the list's latest
// scores and the check-ins table. Grades come from the one vocabulary (words.ts).
import { h } from "../../dom";
import { GRADED, type Scores } from "../../types";
import { gradeName, lower, symptomName } from "../../words";

/** A 0-3 grade as its word in a tinted tag: "Moderate". */
export function gradeTag(grade: number, text = gradeName(grade)): HTMLElement {
  return h("span", { class: `level g${grade}` }, text);
}

/** Pain 0-10 as "6/10", tinted from 4 (moderate) and 7 (the clinic is told). */
export function painTag(pain: number): HTMLElement {
  const band = pain >= 7 ? "p-high" : pain >= 4 ? "p-mid" : "p-low";
  return h("span", { class: `level ${band}` }, `${pain}/10`);
}

/** The graded symptoms present in `scores`, worst first: [["swelling", 2], …]. */
export function presentSymptoms(scores: Scores): [string, number][] {
  return GRADED.filter((symptom) => scores[symptom] > 0)
    .map((symptom): [string, number] => [symptom, scores[symptom]])
    .sort((a, b) => b[1] - a[1]);
}

/** The list's latest scores: one tag per symptom present ("Swelling: moderate"), or "None". */
export function symptomTags(scores: Scores): HTMLElement {
  const present = presentSymptoms(scores);
  if (present.length === 0) return h("span", { class: "level g0" }, "No symptoms");
  return h(
    "ul",
    { class: "levels" },
    ...present.map(([symptom, grade]) => h("li", {}, gradeTag(grade, `${symptomName(symptom)}: ${lower(gradeName(grade))}`))),
  );
}
