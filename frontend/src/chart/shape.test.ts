import { describe, expect, it } from "vitest";
import type { BandPoint, Symptom, Timeline, TimelinePoint } from "../types";
import { addDays, daysBetween, shapeBand, shapeTimeline } from "./shape";

function point(local_date: string, session_id: string, pain: number, swelling = 1): TimelinePoint {
  return {
    local_date,
    session_id,
    day: 0,
    pain,
    swelling,
    bruising: 2,
    discolouration: 0,
    hardening: 1,
    itching: 0,
  };
}

const timeline: Timeline = {
  sessions: [
    { id: "s2", performed_on: "2026-04-07", review_on: "2026-06-02", areas: ["leg_left_calf"] },
    { id: "s1", performed_on: "2026-03-03", review_on: "2026-04-28", areas: ["leg_left_calf"] },
  ],
  points: [
    point("2026-03-10", "s1", 4),
    point("2026-03-03", "s1", 6, 2),
    point("2026-04-07", "s2", 5),
  ],
  band: [],
};

function band(symptom: Symptom, day: number, p25: number, median: number, p75: number, n = 5): BandPoint {
  return { symptom, day, p25, median, p75, n };
}

describe("daysBetween", () => {
  it("counts calendar days, across a DST change and a month end", () => {
    expect(daysBetween("2026-03-28", "2026-03-30")).toBe(2);
    expect(daysBetween("2026-02-27", "2026-03-01")).toBe(2);
    expect(daysBetween("2026-03-10", "2026-03-03")).toBe(-7);
  });
});

describe("addDays", () => {
  it("moves calendar dates across month ends and DST changes", () => {
    expect(addDays("2026-03-28", 2)).toBe("2026-03-30");
    expect(addDays("2026-02-27", 2)).toBe("2026-03-01");
    expect(addDays("2026-03-03", 0)).toBe("2026-03-03");
  });
});

describe("shapeBand", () => {
  // Sessions 35 days apart (5 weeks): the first session's band stops at its day 34.
  const withBand: Timeline = {
    ...timeline,
    band: [
      band("pain", 21, 1, 2, 3),
      band("pain", 0, 4, 5.5, 6.25, 12),
      band("pain", 1, 3, 4, 5),
      band("pain", 35, 0, 0, 1),
      band("swelling", 40, 0, 0.5, 1),
    ],
  };

  it("places each session's band days from its date up to the next session", () => {
    const chart = shapeTimeline(withBand);
    expect(chart.bands.map((b) => [b.symptom, b.label, b.axis])).toEqual([
      ["pain", "Pain: usual range", "pain"],
      ["swelling", "Swelling: usual range", "grade"],
    ]);
    const [pain, swelling] = chart.bands;
    expect(pain.segments).toEqual([
      [
        { x: 0, low: 4, median: 5.5, high: 6.25, n: 12, date: "2026-03-03" },
        { x: 0.14, low: 3, median: 4, high: 5, n: 5, date: "2026-03-04" },
        { x: 3, low: 1, median: 2, high: 3, n: 5, date: "2026-03-24" },
      ],
      [
        { x: 5, low: 4, median: 5.5, high: 6.25, n: 12, date: "2026-04-07" },
        { x: 5.14, low: 3, median: 4, high: 5, n: 5, date: "2026-04-08" },
        { x: 8, low: 1, median: 2, high: 3, n: 5, date: "2026-04-28" },
        { x: 10, low: 0, median: 0, high: 1, n: 5, date: "2026-05-12" },
      ],
    ]);
    // Day 40 is past the first session's 35 days: only the second session shows it.
    expect(swelling.segments).toEqual([[{ x: 10.71, low: 0, median: 0.5, high: 1, n: 5, date: "2026-05-17" }]]);
  });

  it("gives a session followed by another on the same date no band", () => {
    const sessions = [
      { id: "a", performed_on: "2026-03-03", review_on: "2026-04-28", areas: [] },
      { id: "b", performed_on: "2026-03-03", review_on: "2026-04-28", areas: [] },
    ];
    const [pain] = shapeBand({ sessions, points: [], band: [band("pain", 2, 1, 2, 3)] }, sessions, "2026-03-03");
    expect(pain.segments).toEqual([[{ x: 0.29, low: 1, median: 2, high: 3, n: 5, date: "2026-03-05" }]]);
  });

  it("has no bands when the clinic has too few patients (an empty band)", () => {
    expect(shapeTimeline(timeline).bands).toEqual([]);
  });
});

describe("shapeTimeline", () => {
  const chart = shapeTimeline(timeline);

  it("has the six symptoms, pain on its own axis", () => {
    expect(chart.series.map((s) => [s.label, s.axis])).toEqual([
      ["Pain", "pain"],
      ["Swelling", "grade"],
      ["Bruising", "grade"],
      ["Brown marks", "grade"],
      ["Firm lumps", "grade"],
      ["Itching", "grade"],
    ]);
  });

  it("places points by weeks since the first session, in date order, with their dates", () => {
    const pain = chart.series[0].points;
    expect(pain).toEqual([
      { x: 0, y: 6, date: "2026-03-03" },
      { x: 1, y: 4, date: "2026-03-10" },
      { x: 5, y: 5, date: "2026-04-07" },
    ]);
    expect(chart.series[1].points.map((p) => p.y)).toEqual([2, 1, 1]);
  });

  it("marks every session and the latest session's review date", () => {
    expect(chart.sessions).toEqual([
      { x: 0, date: "2026-03-03", label: "Session 1" },
      { x: 5, date: "2026-04-07", label: "Session 2" },
    ]);
    expect(chart.reviews).toEqual([{ x: 13, date: "2026-06-02", label: "Review" }]);
    expect(chart.maxX).toBe(13);
  });

  it("is empty before any session", () => {
    expect(shapeTimeline({ sessions: [], points: [], band: [band("pain", 0, 1, 2, 3)] })).toEqual({
      series: [],
      bands: [],
      sessions: [],
      reviews: [],
      maxX: 0,
    });
  });
});
