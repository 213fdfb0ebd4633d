import { describe, expect, it } from "vitest";
import type { Timeline, TimelinePoint } from "../types";
import { daysBetween, shapeTimeline } from "./shape";

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
};

describe("daysBetween", () => {
  it("counts calendar days, across a DST change and a month end", () => {
    expect(daysBetween("2026-03-28", "2026-03-30")).toBe(2);
    expect(daysBetween("2026-02-27", "2026-03-01")).toBe(2);
    expect(daysBetween("2026-03-10", "2026-03-03")).toBe(-7);
  });
});

describe("shapeTimeline", () => {
  const chart = shapeTimeline(timeline);

  it("has the six symptoms, pain on its own axis", () => {
    expect(chart.series.map((s) => [s.label, s.axis])).toEqual([
      ["Pain", "pain"],
      ["Swelling", "grade"],
      ["Bruising", "grade"],
      ["Discolouration", "grade"],
      ["Hardening", "grade"],
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
    expect(shapeTimeline({ sessions: [], points: [] })).toEqual({
      series: [],
      sessions: [],
      reviews: [],
      maxX: 0,
    });
  });
});
