// Turns the API's timeline into what the recovery chart draws.
//
// The x axis is weeks since the first session, so several sessions sit on one continuous
// line with a marker at each; pain uses its own 0-10 axis, the other symptoms a shared 0-3
// axis. Every point carries its date, for tooltips and for the list view that screen
// readers get instead of the canvas.
//
// The expected-course band (the clinic's usual range, per day since session) is placed per
// session: each session's band days run from its date until the next session's date, so
// after a new session the band restarts at that session's day 0, like the patient's course.

import { SYMPTOMS, type Symptom, type Timeline, type TimelineSession } from "../types";
import { symptomName } from "../words";

export const LABELS = Object.fromEntries(SYMPTOMS.map((s) => [s, symptomName(s)])) as Record<Symptom, string>;

export interface ChartPoint {
  x: number; // weeks since the first session
  y: number;
  date: string;
}

export interface SymptomSeries {
  symptom: Symptom;
  label: string;
  axis: "pain" | "grade";
  points: ChartPoint[];
}

export interface Marker {
  x: number;
  date: string;
  label: string;
}

export interface BandChartPoint {
  x: number; // weeks since the first session
  low: number; // p25
  median: number;
  high: number; // p75
  n: number; // other patients behind it
  date: string;
}

export interface SymptomBand {
  symptom: Symptom;
  label: string;
  axis: "pain" | "grade";
  /** One run of points per session (none for a session the band does not reach). */
  segments: BandChartPoint[][];
}

export interface RecoveryChart {
  series: SymptomSeries[];
  /** Only symptoms that have a band, in the order of SYMPTOMS. */
  bands: SymptomBand[];
  sessions: Marker[];
  reviews: Marker[];
  /** The x range to show: from the first session to the last review (or last point). */
  maxX: number;
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

function weeks(from: string, to: string): number {
  return Math.round((daysBetween(from, to) / 7) * 100) / 100;
}

/** The band on the chart's axis: each session's band days up to the next session. */
export function shapeBand(timeline: Timeline, sessions: TimelineSession[], origin: string): SymptomBand[] {
  const bands: SymptomBand[] = [];
  for (const symptom of SYMPTOMS) {
    const days = (timeline.band ?? []).filter((point) => point.symptom === symptom).sort((a, b) => a.day - b.day);
    const segments = sessions
      .map((session, index) => {
        const next = sessions[index + 1];
        const until = next ? daysBetween(session.performed_on, next.performed_on) : Infinity;
        return days
          .filter((point) => point.day < until)
          .map((point): BandChartPoint => {
            const date = addDays(session.performed_on, point.day);
            return { x: weeks(origin, date), low: point.p25, median: point.median, high: point.p75, n: point.n, date };
          });
      })
      .filter((segment) => segment.length > 0);
    if (segments.length > 0) {
      bands.push({ symptom, label: `${LABELS[symptom]}: usual range`, axis: symptom === "pain" ? "pain" : "grade", segments });
    }
  }
  return bands;
}

export function shapeTimeline(timeline: Timeline): RecoveryChart {
  const sessions = [...timeline.sessions].sort((a, b) => a.performed_on.localeCompare(b.performed_on));
  if (sessions.length === 0) return { series: [], bands: [], sessions: [], reviews: [], maxX: 0 };
  const origin = sessions[0].performed_on;
  const points = [...timeline.points].sort((a, b) => a.local_date.localeCompare(b.local_date));
  const series = SYMPTOMS.map(
    (symptom): SymptomSeries => ({
      symptom,
      label: LABELS[symptom],
      axis: symptom === "pain" ? "pain" : "grade",
      points: points.map((point) => ({
        x: weeks(origin, point.local_date),
        y: point[symptom],
        date: point.local_date,
      })),
    }),
  );
  const sessionMarks = sessions.map((session, index) => ({
    x: weeks(origin, session.performed_on),
    date: session.performed_on,
    label: `Session ${index + 1}`,
  }));
  const latest = sessions[sessions.length - 1];
  const reviews = [
    { x: weeks(origin, latest.review_on), date: latest.review_on, label: "Review" },
  ];
  const lastPoint = points.length ? weeks(origin, points[points.length - 1].local_date) : 0;
  return {
    series,
    bands: shapeBand(timeline, sessions, origin),
    sessions: sessionMarks,
    reviews,
    maxX: Math.max(lastPoint, reviews[0].x),
  };
}
