// A patient's status in words, for the list and the patient page: one pure function over
// the attention reading (attention.ts), so the wording is in one place and unit-tested.
//
// Tones, and the colours they get (practitioner.css): "urgent" (an open urgent alert: red,
// the only red, as it needs action now), "alert" (an open watch alert to acknowledge) and
// "attention" (missed check-ins or worse scores: amber), "review" (blue), "ok" (green) and
// "quiet" (grey: no session yet, inactive, course finished).
import type { Attention } from "./attention";

export type Tone = "urgent" | "alert" | "attention" | "review" | "ok" | "quiet";

export interface Status {
  tone: Tone;
  /** The headline: "Urgent: calf or whole-leg swelling with pain", "On track". */
  text: string;
  /** What else stands out, most important first. */
  more: string[];
}

/** "Review due in 3 days", "Review due today", "Review was due 4 days ago". */
export function reviewWords(inDays: number): string {
  if (inDays === 0) return "Review due today";
  if (inDays === 1) return "Review due tomorrow";
  if (inDays > 1) return `Review due in ${inDays} days`;
  if (inDays === -1) return "Review was due yesterday";
  return `Review was due ${-inDays} days ago`;
}

export function patientStatus(item: Attention): Status {
  const { patient, reasons } = item;
  const review = item.reviewDue && item.reviewInDays !== null ? reviewWords(item.reviewInDays) : null;
  if (reasons.length > 0) {
    const tone: Tone = item.alertRank === 2 ? "urgent" : item.alertRank === 1 ? "alert" : "attention";
    return { tone, text: reasons[0], more: [...reasons.slice(1), ...(review ? [review] : [])] };
  }
  if (review) return { tone: "review", text: review, more: [] };
  if (!patient.active) return { tone: "quiet", text: "Inactive", more: [] };
  if (patient.last_session_on === null) return { tone: "quiet", text: "No session yet", more: [] };
  if (item.treating) return { tone: "ok", text: "On track", more: [] };
  return { tone: "quiet", text: "Course finished", more: [] };
}

/** Whether a row shows under "Needs attention": anything in `reasons`. */
export function needsAttention(item: Attention): boolean {
  return item.reasons.length > 0;
}
