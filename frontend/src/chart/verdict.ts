// "Am I recovering normally?" in words: one verdict per symptom, from the patient's own
// check-ins after a session compared with the clinic's usual range for the same day since
// session (the band: p25 to p75 of other patients, present only where >= 5 of them logged).
//
// Rules, for one session's check-ins in day order (the latest session unless told):
// 1. No check-ins: "no_data" ("no check-ins yet").
// 2. The last 2 or more recorded days all above the usual range (above p75): "higher",
//    since the first date of that run. A run is broken by a day within or below the range,
//    and by a day without a range (we cannot say it was above).
// 3. Otherwise, the last 3 recorded values never rising and falling overall (5, 5, 3):
//    "improving". Recorded days only: missed days are not guessed.
// 4. Otherwise the latest day decides: no usual range for it, "no_band"; within p25-p75,
//    "usual"; below p25, "lower" (good news: said so); above p75 on that day alone,
//    "higher" with no "since" (one day is worth saying, not yet a trend).
//
// The usual range on a day the clinic's history skips (its patients check in daily for two
// weeks, then weekly) spans both days either side when they are at most a week apart: from
// the lower of their p25s to the higher of their p75s, as the chart's band draws it. Not a
// line drawn between them: brown marks usually go from mild on day 14 to moderate on day 21,
// and a moderate on day 15 is not "higher than usual". Past the band's last day, or across
// a wider gap, there is no usual range.
import { SYMPTOMS, type BandPoint, type Symptom, type Timeline, type TimelinePoint, type TimelineSession } from "../types";
import { gradeName, lower, symptomName } from "../words";

/** The widest gap between two band days that the usual range is read across. */
export const MAX_BAND_GAP = 7;

export interface UsualRange {
  low: number; // p25
  median: number;
  high: number; // p75
  n: number; // other patients behind it (the fewer of the two days spanned)
}

export type VerdictKind = "usual" | "higher" | "lower" | "improving" | "no_band" | "no_data";

export interface Verdict {
  symptom: Symptom;
  kind: VerdictKind;
  sentence: string;
  /** For "higher" over several days: the first date of the run (YYYY-MM-DD). */
  since?: string;
  /** The latest check-in it was judged on, absent for "no_data". */
  latest?: { date: string; day: number; value: number };
}

export type DayVerdict = "below" | "within" | "above" | "no_band";

/** The clinic's usual range for `symptom` on `day` since session, or null when it has none. */
export function usualRange(band: BandPoint[], symptom: Symptom, day: number): UsualRange | null {
  let before: BandPoint | undefined;
  let after: BandPoint | undefined;
  for (const point of band) {
    if (point.symptom !== symptom) continue;
    if (point.day === day) return { low: point.p25, median: point.median, high: point.p75, n: point.n };
    if (point.day < day && (!before || point.day > before.day)) before = point;
    if (point.day > day && (!after || point.day < after.day)) after = point;
  }
  if (!before || !after || after.day - before.day > MAX_BAND_GAP) return null;
  return {
    low: Math.min(before.p25, after.p25),
    median: (before.median + after.median) / 2,
    high: Math.max(before.p75, after.p75),
    n: Math.min(before.n, after.n),
  };
}

export function compareWith(value: number, range: UsualRange | null): DayVerdict {
  if (!range) return "no_band";
  if (value > range.high) return "above";
  if (value < range.low) return "below";
  return "within";
}

/** Sessions oldest first (the API's order is not promised). */
export function sessionsInOrder(timeline: Timeline): TimelineSession[] {
  return [...timeline.sessions].sort((a, b) => a.performed_on.localeCompare(b.performed_on));
}

export function latestSession(timeline: Timeline): TimelineSession | null {
  return sessionsInOrder(timeline).at(-1) ?? null;
}

/** A check-in after a session: a timeline point with its session and day since it (the API
 * gives a check-in from before any session neither). */
export type SessionPoint = TimelinePoint & { session_id: string; day: number };

/** One session's check-ins, in day order. */
export function sessionPoints(timeline: Timeline, sessionId: string): SessionPoint[] {
  return timeline.points
    .filter((point): point is SessionPoint => point.session_id === sessionId && point.day !== null)
    .sort((a, b) => a.day - b.day);
}

/** A score as words in a sentence: pain "5", a grade "mild". */
export function scoreWords(symptom: Symptom, value: number): string {
  return symptom === "pain" ? String(value) : lower(gradeName(value));
}

/** "Sat 28 Nov": the year is noise inside a recovery of a few weeks. */
export function shortDate(iso: string): string {
  const [year, month, day] = iso.split("-").map(Number);
  return new Date(Date.UTC(year, month - 1, day)).toLocaleDateString("en-GB", {
    weekday: "short",
    day: "numeric",
    month: "short",
    timeZone: "UTC",
  });
}

function judge(symptom: Symptom, points: SessionPoint[], band: BandPoint[]): Verdict {
  const name = symptomName(symptom);
  const last = points.at(-1);
  if (!last) return { symptom, kind: "no_data", sentence: `${name}: no check-ins yet.` };
  const latest = { date: last.local_date, day: last.day, value: last[symptom] };
  const against = points.map((point) => compareWith(point[symptom], usualRange(band, symptom, point.day)));
  let run = 0;
  while (run < against.length && against[against.length - 1 - run] === "above") run += 1;
  if (run >= 2) {
    const first = points[points.length - run];
    return {
      symptom,
      kind: "higher",
      since: first.local_date,
      latest,
      sentence: `${name}: higher than usual since ${shortDate(first.local_date)} (day ${first.day}).`,
    };
  }
  const [a, b, c] = points.slice(-3).map((point) => point[symptom]);
  if (points.length >= 3 && a >= b && b >= c && a > c) {
    const sentence = `${name}: improving, from ${scoreWords(symptom, a)} to ${scoreWords(symptom, c)} over the last 3 check-ins.`;
    return { symptom, kind: "improving", latest, sentence };
  }
  const day = `day ${last.day}`;
  switch (against[against.length - 1]) {
    case "no_band":
      return { symptom, kind: "no_band", latest, sentence: `${name}: not enough data for a usual range on ${day} yet.` };
    case "within":
      return { symptom, kind: "usual", latest, sentence: `${name}: within the usual range for ${day}.` };
    case "below":
      return { symptom, kind: "lower", latest, sentence: `${name}: lower than usual for ${day} — good.` };
    default:
      return { symptom, kind: "higher", latest, sentence: `${name}: higher than usual for ${day}.` };
  }
}

/** A verdict per symptom (in SYMPTOMS order) for one session, the latest by default. */
export function verdicts(timeline: Timeline, sessionId?: string): Verdict[] {
  const id = sessionId ?? latestSession(timeline)?.id;
  const points = id ? sessionPoints(timeline, id) : [];
  return SYMPTOMS.map((symptom) => judge(symptom, points, timeline.band));
}

/** How one day's check-in compares with the usual range for its day since session; [] if none. */
export function compareDay(
  timeline: Timeline,
  localDate: string,
): { symptom: Symptom; value: number; verdict: DayVerdict }[] {
  const point = timeline.points.find((candidate) => candidate.local_date === localDate);
  if (!point) return [];
  const day = point.day; // null before any session: no day since one, so no usual range
  return SYMPTOMS.map((symptom) => ({
    symptom,
    value: point[symptom],
    verdict: compareWith(point[symptom], day === null ? null : usualRange(timeline.band, symptom, day)),
  }));
}
