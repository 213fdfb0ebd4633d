// Turns the API's timeline into what the recovery charts draw: one session's course, as
// six small charts (one per symptom) on the same axis of days since that session.
//
// Why days since one session, not weeks since the first: the question is "am I recovering
// normally?", and the clinic's usual range is itself per day since session, so each course
// lines up with its band from day 0; the first two weeks, where most changes happen, get
// room instead of being squeezed into two ticks of a months-long axis. A patient with
// several sessions sees the latest course first and can pick an earlier one (each with its
// own band); the practitioner's page shows the same.
//
// The window runs from day 0 to day 28, or further in whole weeks to the last check-in. A
// later session or the review date is drawn when it falls within two weeks past that (the
// window stretches to it); otherwise it is listed under the charts as "after the days shown".
// The patient's line joins recorded days only: a missed day is never given a value.

import { SYMPTOMS, type Symptom, type Timeline, type TimelineSession } from "../types";
import { symptomName } from "../words";
import { MAX_BAND_GAP, sessionPoints, sessionsInOrder, type SessionPoint } from "./verdict";

export const LABELS = Object.fromEntries(SYMPTOMS.map((s) => [s, symptomName(s)])) as Record<Symptom, string>;

/** The first weeks every course shows, however few days are recorded yet. */
export const MIN_DAYS = 28;
/** How far past the last check-in a session or review marker stretches the window. */
const MARKER_REACH = 14;

export interface ChartPoint {
  x: number; // day since the session
  y: number;
  date: string;
}

export interface BandChartPoint {
  x: number; // day since the session
  low: number; // p25
  median: number;
  high: number; // p75
  n: number; // other patients behind it
}

export interface Marker {
  day: number;
  date: string;
  label: string;
  kind: "session" | "review";
}

export interface SymptomPanel {
  symptom: Symptom;
  label: string;
  /** The top of its scale: pain 0-10, the graded symptoms 0 (none) to 3 (severe). */
  max: 10 | 3;
  points: ChartPoint[];
  /** Runs of band days, split where the clinic's days are more than a week apart. */
  band: BandChartPoint[][];
}

export interface Course {
  session: TimelineSession;
  /** 1 for the first session. */
  number: number;
  latest: boolean;
  /** The window's last day (day 0 is the session). */
  endDay: number;
  /** Session and review lines inside the window, day 0's session first. */
  markers: Marker[];
  /** Those that fall after the window, said in words under the charts. */
  later: Marker[];
  /** This session's check-ins, in day order. */
  points: SessionPoint[];
  panels: SymptomPanel[];
}

const DAY_MS = 86_400_000;

/** Whole days from `from` to `to`, both YYYY-MM-DD (calendar dates, no timezone). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** The calendar date `days` after `date` (YYYY-MM-DD). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

const wholeWeeks = (days: number): number => Math.ceil(days / 7) * 7;

/** The band for one symptom from day 0 up to `until` (exclusive), in unbroken runs. */
export function bandRuns(timeline: Timeline, symptom: Symptom, until: number): BandChartPoint[][] {
  const days = timeline.band
    .filter((point) => point.symptom === symptom && point.day >= 0 && point.day < until)
    .sort((a, b) => a.day - b.day);
  const runs: BandChartPoint[][] = [];
  let previous = -Infinity;
  for (const point of days) {
    if (point.day - previous > MAX_BAND_GAP) runs.push([]);
    runs[runs.length - 1].push({ x: point.day, low: point.p25, median: point.median, high: point.p75, n: point.n });
    previous = point.day;
  }
  return runs;
}

/** One day's usual range, or the span between two band days: what the band fills. */
export interface BandStep {
  from: number; // day, at the left edge of the fill
  to: number;
  low: number;
  high: number;
}

/**
 * A run of band days as steps: each day's range over its own day (d - 0.5 to d + 0.5) and,
 * between days further apart, both days' range (see chart/verdict.ts), so the shading says
 * exactly what the words compare with. Scores are whole numbers per day: a sloping band
 * between weekly days would claim fractions nobody logged.
 */
export function bandSteps(run: BandChartPoint[]): BandStep[] {
  const steps: BandStep[] = [];
  run.forEach((point, index) => {
    const previous = run[index - 1];
    if (previous && point.x - previous.x > 1) {
      steps.push({
        from: previous.x + 0.5,
        to: point.x - 0.5,
        low: Math.min(previous.low, point.low),
        high: Math.max(previous.high, point.high),
      });
    }
    steps.push({ from: point.x - 0.5, to: point.x + 0.5, low: point.low, high: point.high });
  });
  return steps;
}

/** One session's course (the latest session's when no id is given); null before any session. */
export function shapeCourse(timeline: Timeline, sessionId?: string): Course | null {
  const sessions = sessionsInOrder(timeline);
  const index = sessionId ? sessions.findIndex((s) => s.id === sessionId) : sessions.length - 1;
  const session = sessions[index];
  if (!session) return null;
  const next = sessions[index + 1];
  const points = sessionPoints(timeline, session.id);
  const lastDay = points.at(-1)?.day ?? 0;
  const nextDay = next ? daysBetween(session.performed_on, next.performed_on) : Infinity;

  const candidates: Marker[] = [];
  const reviewDay = daysBetween(session.performed_on, session.review_on);
  // A review after the next session belongs to that session's course, not this one.
  if (reviewDay < nextDay) candidates.push({ day: reviewDay, date: session.review_on, label: "Review", kind: "review" });
  if (next) candidates.push({ day: nextDay, date: next.performed_on, label: `Session ${index + 2}`, kind: "session" });
  let endDay = Math.max(MIN_DAYS, wholeWeeks(lastDay));
  const reach = endDay + MARKER_REACH;
  for (const mark of candidates) if (mark.day <= reach) endDay = Math.max(endDay, wholeWeeks(mark.day));
  const start: Marker = { day: 0, date: session.performed_on, label: `Session ${index + 1}`, kind: "session" };
  const inside = candidates.filter((mark) => mark.day <= endDay).sort((a, b) => a.day - b.day);

  const until = Math.min(endDay + 1, nextDay);
  return {
    session,
    number: index + 1,
    latest: index === sessions.length - 1,
    endDay,
    markers: [start, ...inside],
    later: candidates.filter((mark) => mark.day > endDay),
    points,
    panels: SYMPTOMS.map((symptom) => ({
      symptom,
      label: LABELS[symptom],
      max: symptom === "pain" ? 10 : 3,
      points: points.map((point) => ({ x: point.day, y: point[symptom], date: point.local_date })),
      band: bandRuns(timeline, symptom, until),
    })),
  };
}
