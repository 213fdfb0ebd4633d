// Turns the API's timeline into what the recovery chart draws.
//
// The x axis is weeks since the first session, so several sessions sit on one continuous
// line with a marker at each; pain uses its own 0-10 axis, the other symptoms a shared 0-3
// axis. Every point carries its date, for tooltips and for the list view that screen
// readers get instead of the canvas.

import { SYMPTOMS, type Symptom, type Timeline } from "../types";

export const LABELS: Record<Symptom, string> = {
  pain: "Pain",
  swelling: "Swelling",
  bruising: "Bruising",
  discolouration: "Discolouration",
  hardening: "Hardening",
  itching: "Itching",
};

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

export interface RecoveryChart {
  series: SymptomSeries[];
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

function weeks(from: string, to: string): number {
  return Math.round((daysBetween(from, to) / 7) * 100) / 100;
}

export function shapeTimeline(timeline: Timeline): RecoveryChart {
  const sessions = [...timeline.sessions].sort((a, b) => a.performed_on.localeCompare(b.performed_on));
  if (sessions.length === 0) return { series: [], sessions: [], reviews: [], maxX: 0 };
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
    sessions: sessionMarks,
    reviews,
    maxX: Math.max(lastPoint, reviews[0].x),
  };
}
