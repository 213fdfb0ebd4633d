// Which check-in questions are still unanswered, and what to say about each. Pure (no DOM),
// so the rule the form applies on Save is tested on its own: every unanswered question is
// reported at once, in the order the form asks them.
import { SYMPTOMS, type Symptom } from "../../types";
import { lower, symptomName } from "../../words";

/** One problem to show next to its field (`field` matches the form's `data-field`). */
export interface FieldProblem {
  field: string;
  message: string;
}

/** The questions a check-in must answer, in the form's order: pain, then the five symptoms. */
export const REQUIRED: readonly Symptom[] = SYMPTOMS;

/** What to say next to an unanswered question. */
export function missingMessage(symptom: Symptom): string {
  if (symptom === "pain") return "Choose a number from 0 to 10 for pain.";
  return `Choose None, Mild, Moderate or Severe for ${lower(symptomName(symptom))}.`;
}

/** Every unanswered question, first first; `answer(name)` is FormData.get or the like. */
export function unansweredQuestions(answer: (name: string) => unknown): FieldProblem[] {
  return REQUIRED.filter((symptom) => answer(symptom) === null || answer(symptom) === undefined).map(
    (symptom) => ({ field: symptom, message: missingMessage(symptom) }),
  );
}

/** The line above the form that says how many are left. */
export function unansweredSummary(count: number): string {
  return count === 1 ? "1 question still needs an answer." : `${count} questions still need an answer.`;
}
