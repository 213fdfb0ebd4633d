import { describe, expect, it } from "vitest";
import type { BandPoint, Symptom, Timeline, TimelinePoint } from "../types";
import { addDays, bandRuns, bandSteps, daysBetween, shapeCourse } from "./shape";

function point(local_date: string, session_id: string, day: number, pain: number, swelling = 1): TimelinePoint {
  return { local_date, session_id, day, pain, swelling, bruising: 2, discolouration: 0, hardening: 1, itching: 0 };
}

function band(symptom: Symptom, day: number, p25: number, median: number, p75: number, n = 5): BandPoint {
  return { symptom, day, p25, median, p75, n };
}

// Sessions 35 days apart; the API lists the later one first.
const timeline: Timeline = {
  sessions: [
    { id: "s2", performed_on: "2026-04-07", review_on: "2026-06-02", areas: ["leg_left_calf"] },
    { id: "s1", performed_on: "2026-03-03", review_on: "2026-04-28", areas: ["leg_left_calf"] },
  ],
  points: [
    point("2026-03-10", "s1", 7, 4),
    point("2026-03-03", "s1", 0, 6, 2),
    point("2026-04-07", "s2", 0, 5),
    point("2026-04-09", "s2", 2, 3),
  ],
  band: [
    band("pain", 21, 1, 2, 3),
    band("pain", 0, 4, 5.5, 6.25, 12),
    band("pain", 1, 3, 4, 5),
    band("pain", 35, 0, 0, 1),
    band("swelling", 40, 0, 0.5, 1),
  ],
  photos: [],
  outcomes: [],
  ratings: [],
};

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

describe("bandRuns", () => {
  it("splits the band where the clinic's days are more than a week apart, up to a day", () => {
    const runs = bandRuns(timeline, "pain", 36);
    expect(runs.map((run) => run.map((p) => p.x))).toEqual([[0, 1], [21], [35]]);
    expect(runs[0][0]).toEqual({ x: 0, low: 4, median: 5.5, high: 6.25, n: 12 });
    expect(bandRuns(timeline, "pain", 35).flat().map((p) => p.x)).toEqual([0, 1, 21]);
    expect(bandRuns(timeline, "itching", 99)).toEqual([]);
  });
});

describe("bandSteps", () => {
  it("gives each day its own range, and a gap both days' range", () => {
    const run = [
      { x: 13, low: 1, median: 1, high: 1, n: 5 },
      { x: 14, low: 1, median: 1, high: 2, n: 5 },
      { x: 21, low: 0, median: 0, high: 1, n: 5 },
    ];
    expect(bandSteps(run)).toEqual([
      { from: 12.5, to: 13.5, low: 1, high: 1 },
      { from: 13.5, to: 14.5, low: 1, high: 2 },
      { from: 14.5, to: 20.5, low: 0, high: 2 },
      { from: 20.5, to: 21.5, low: 0, high: 1 },
    ]);
    expect(bandSteps([])).toEqual([]);
  });
});

describe("shapeCourse", () => {
  it("is null before any session", () => {
    expect(shapeCourse({ ...timeline, sessions: [], points: [] })).toBeNull();
  });

  it("shows the latest session by default, on days since it, with six panels", () => {
    const course = shapeCourse(timeline)!;
    expect(course.session.id).toBe("s2");
    expect([course.number, course.latest]).toEqual([2, true]);
    expect(course.panels.map((p) => [p.symptom, p.label, p.max])).toEqual([
      ["pain", "Pain", 10],
      ["swelling", "Swelling", 3],
      ["bruising", "Bruising", 3],
      ["discolouration", "Brown marks", 3],
      ["hardening", "Firm lumps", 3],
      ["itching", "Itching", 3],
    ]);
    // Only this session's recorded days: nothing in between is invented.
    expect(course.panels[0].points).toEqual([
      { x: 0, y: 5, date: "2026-04-07" },
      { x: 2, y: 3, date: "2026-04-09" },
    ]);
  });

  it("shows the first four weeks; a review 8 weeks on is said in words, not squeezed in", () => {
    const course = shapeCourse(timeline)!;
    expect(course.endDay).toBe(28);
    expect(course.markers).toEqual([{ day: 0, date: "2026-04-07", label: "Session 2", kind: "session" }]);
    expect(course.later).toEqual([{ day: 56, date: "2026-06-02", label: "Review", kind: "review" }]);
    // The band runs up to the window's end: day 35 is past it.
    expect(course.panels[0].band.flat().map((p) => p.x)).toEqual([0, 1, 21]);
  });

  it("grows in whole weeks with the check-ins, and reaches a review within two weeks", () => {
    const later = { ...timeline, points: [...timeline.points, point("2026-05-20", "s2", 43, 0)] };
    const course = shapeCourse(later)!;
    expect(course.endDay).toBe(56); // day 43 -> 49, and the review on day 56 is within reach
    expect(course.markers.map((m) => [m.label, m.day])).toEqual([["Session 2", 0], ["Review", 56]]);
    expect(course.later).toEqual([]);
  });

  it("shows an earlier session up to the next one, marked, with its own band", () => {
    const course = shapeCourse(timeline, "s1")!;
    expect([course.number, course.latest, course.endDay]).toEqual([1, false, 35]);
    expect(course.markers.map((m) => [m.label, m.day, m.kind])).toEqual([
      ["Session 1", 0, "session"],
      ["Session 2", 35, "session"],
    ]);
    // Its review (day 56) came after session 2: that belongs to the next course.
    expect(course.later).toEqual([]);
    expect(course.panels[0].points.map((p) => [p.x, p.y])).toEqual([[0, 6], [7, 4]]);
    // The band stops where session 2 starts.
    expect(course.panels[0].band.flat().map((p) => p.x)).toEqual([0, 1, 21]);
  });
});
