// The words on Today that come from data: the saved answers, the reminder line, and which
// aftercare advice shows at once. Pure (no DOM), so it is tested on its own.
import { compareWith, usualRange } from "../../chart/verdict";
import { GRADED, SYMPTOMS, type Advice, type BandPoint, type CheckinAnswers } from "../../types";
import { gradeName, lower, signName, symptomName } from "../../words";

/** One answer as the done state and History show it: ["Swelling", "Mild"]. */
export type AnswerLine = [label: string, value: string];

/** The saved check-in in words, in the form's order; optional answers only when given. */
export function answerLines(body: CheckinAnswers): AnswerLine[] {
  const lines: AnswerLine[] = [];
  if (body.pain !== undefined) lines.push([symptomName("pain"), `${body.pain} of 10`]);
  for (const symptom of GRADED) {
    const grade = body[symptom];
    if (grade !== undefined) lines.push([symptomName(symptom), gradeName(grade)]);
  }
  if (body.compression_worn === true || body.compression_worn === false) {
    lines.push(["Compression garment", body.compression_worn ? "Worn" : "Not worn"]);
  }
  if (body.warning_signs && body.warning_signs.length > 0) {
    lines.push(["Warning signs", body.warning_signs.map(signName).join("; ")]);
  }
  if (body.note) lines.push(["Note", body.note]);
  return lines;
}

/** "Next reminder: tomorrow at 19:00" (today's check-in is done, so the next is tomorrow's). */
export function reminderLine(reminderTime: string): string {
  return `Next reminder: tomorrow at ${reminderTime}`;
}

/** One piece of Today's aftercare advice (GET /api/me/today `advice`). */
export type AdviceItem = Advice;

// Advice that says when to get help is never folded away.
const ALWAYS_SHOWN = new Set(["when_to_call", "urgent", "call"]);

/**
 * Today's advice split into what shows at once (at most `shown` items, in the server's
 * order, always including when to call for help) and the rest, under "More aftercare advice".
 */
export function splitAdvice(items: AdviceItem[], shown = 3): { first: AdviceItem[]; more: AdviceItem[] } {
  const room = Math.max(0, shown - items.filter((item) => ALWAYS_SHOWN.has(item.topic)).length);
  const first: AdviceItem[] = [];
  const more: AdviceItem[] = [];
  let others = 0;
  for (const item of items) {
    if (ALWAYS_SHOWN.has(item.topic)) first.push(item);
    else if (others < room) {
      first.push(item);
      others += 1;
    } else more.push(item);
  }
  return { first, more };
}

/** The sentence for `comparisonLine` (pure, unit-tested). */
export function comparisonSentence(band: BandPoint[], day: number, body: CheckinAnswers): string {
  const judged = SYMPTOMS.filter((symptom) => body[symptom] !== undefined).map((symptom) => ({
    symptom,
    verdict: compareWith(body[symptom] as number, usualRange(band, symptom, day)),
  }));
  const known = judged.filter((item) => item.verdict !== "no_band");
  if (known.length === 0) return `Your clinic has no usual range for day ${day} yet, so there is nothing to compare with.`;
  const higher = known.filter((item) => item.verdict === "above").map((item) => lower(symptomName(item.symptom)));
  if (higher.length === 0) return `Compared with other patients at your clinic on day ${day}, today is within or below the usual range.`;
  return `Higher than usual for day ${day}: ${higher.join(", ")}. This is often fine; if it worries you or gets worse, call the clinic.`;
}
