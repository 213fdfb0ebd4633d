// Small wording and date helpers the practitioner screens share (alert lines, the list, the
// patient page, the outcome form). Pure, so they are unit-tested without a DOM.
//
// Who needs attention, and the status words, are the server's (api/triage/attention.py):
// every row of GET /api/patients carries them, worded in the patient's own time zone.
import { WARNING_SIGNS } from "../../words";

/** Whole days from `from` to `to` (both YYYY-MM-DD); negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  const utc = (iso: string): number => {
    const [year, month, day] = iso.split("-").map(Number);
    return Date.UTC(year, month - 1, day);
  };
  return Math.round((utc(to) - utc(from)) / 86_400_000);
}

/** "1 day", "3 days". */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/** "a", "a and b", "a, b and c". */
export function joinWords(words: string[]): string {
  return words.length <= 1 ? words.join("") : `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;
}

const SIGN_ORDER = WARNING_SIGNS.map(([code]) => code);

/** Warning-sign codes in the vocabulary's order: the emergency ones first. */
export function inSignOrder(codes: readonly string[]): string[] {
  const rank = (code: string): number => (SIGN_ORDER.includes(code) ? SIGN_ORDER.indexOf(code) : SIGN_ORDER.length);
  return [...codes].sort((a, b) => rank(a) - rank(b));
}
