import { describe, expect, it } from "vitest";
import type { BandPoint, Scores, Symptom, Timeline, TimelinePoint } from "../types";
import { compareDay, latestSession, usualRange, verdicts } from "./verdict";

const S1 = { id: "s1", performed_on: "2026-10-01", review_on: "2026-11-26", areas: ["leg_left_calf"] };
const S2 = { id: "s2", performed_on: "2026-11-12", review_on: "2027-01-07", areas: ["leg_left_calf"] };
const CALM: Scores = { pain: 1, swelling: 1, bruising: 1, discolouration: 0, hardening: 0, itching: 0 };

/** A check-in `day` days after session 2 (12 Nov), calm unless told. */
function day(n: number, scores: Partial<Scores> = {}, session = S2): TimelinePoint {
  const date = new Date(Date.parse(`${session.performed_on}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
  return { local_date: date, session_id: session.id, day: n, ...CALM, ...scores };
}

function band(symptom: Symptom, d: number, p25: number, p75: number, n = 6): BandPoint {
  return { symptom, day: d, p25, median: (p25 + p75) / 2, p75, n };
}

/** Pain's usual range 1 to 3 and the others' none to mild on days 0-14, then weekly. */
const BAND: BandPoint[] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 21, 28].flatMap((d) => [
  band("pain", d, 1, 3),
  ...(["swelling", "bruising", "discolouration", "hardening", "itching"] as const).map((s) => band(s, d, 0, 1)),
]);

function timeline(points: TimelinePoint[], bandPoints = BAND): Timeline {
  return { sessions: [S2, S1], points, band: bandPoints, photos: [], outcomes: [], ratings: [] };
}

const of = (t: Timeline, symptom: Symptom) => verdicts(t, undefined).find((v) => v.symptom === symptom)!;

describe("usualRange", () => {
  it("is the band's day when it has one", () => {
    expect(usualRange(BAND, "pain", 3)).toEqual({ low: 1, median: 2, high: 3, n: 6 });
  });

  it("spans both days either side of a weekly gap, and not past the last day or a wider gap", () => {
    const weekly = [band("pain", 14, 0, 1, 17), band("pain", 21, 0, 0.25, 16), band("pain", 35, 0, 0)];
    expect(usualRange(weekly, "pain", 16)).toEqual({ low: 0, median: 0.3125, high: 1, n: 16 });
    // Rising between the days (brown marks): the later day's higher range counts too.
    const rising = [band("discolouration", 14, 1, 1), band("discolouration", 21, 2, 2)];
    expect(usualRange(rising, "discolouration", 15)).toMatchObject({ low: 1, high: 2 });
    expect(usualRange(weekly, "pain", 28)).toBeNull(); // 21 and 35 are two weeks apart
    expect(usualRange(weekly, "pain", 40)).toBeNull();
    expect(usualRange(weekly, "swelling", 14)).toBeNull();
  });
});

describe("verdicts", () => {
  it("says there are no check-ins yet, for each symptom, when there are none", () => {
    const said = verdicts(timeline([]));
    expect(said.map((v) => v.kind)).toEqual(Array(6).fill("no_data"));
    expect(said[0].sentence).toBe("Pain: no check-ins yet.");
    expect(said[3].sentence).toBe("Brown marks: no check-ins yet.");
  });

  it("says higher than usual since the first of 2+ days above the range", () => {
    const t = timeline([day(13, { pain: 2 }), day(14, { pain: 1 }), day(15, { pain: 4 }), day(16, { pain: 5 })]);
    const pain = of(t, "pain");
    expect(pain.kind).toBe("higher");
    expect(pain.since).toBe("2026-11-27");
    expect(pain.sentence).toBe("Pain: higher than usual since Fri 27 Nov (day 15).");
    expect(pain.latest).toEqual({ date: "2026-11-28", day: 16, value: 5 });
  });

  it("judges the latest session's days only, whatever the API's session order", () => {
    const earlier = [day(1, { swelling: 3 }, S1), day(2, { swelling: 3 }, S1)];
    const t = timeline([...earlier, day(1), day(2)]);
    expect(latestSession(t)?.id).toBe("s2");
    expect(of(t, "swelling").kind).toBe("usual");
    // The earlier course, asked for by its session.
    expect(verdicts(t, "s1").find((v) => v.symptom === "swelling")?.kind).toBe("higher");
  });

  it("says improving when the last 3 never rise and fall overall, even above the range", () => {
    const t = timeline([day(4, { pain: 6 }), day(5, { pain: 6 }), day(6, { pain: 4 })]);
    // The last two days are above 1-3, so "higher" wins over "improving".
    expect(of(t, "pain").kind).toBe("higher");
    const falling = timeline([day(4, { swelling: 2 }), day(5, { swelling: 1 }), day(7, { swelling: 0 })]);
    const swelling = of(falling, "swelling");
    expect(swelling.kind).toBe("improving");
    expect(swelling.sentence).toBe("Swelling: improving, from moderate to none over the last 3 check-ins.");
    const pain = of(timeline([day(1, { pain: 3 }), day(2, { pain: 3 }), day(3, { pain: 2 })]), "pain");
    expect(pain.sentence).toBe("Pain: improving, from 3 to 2 over the last 3 check-ins.");
  });

  it("is not improving when flat or rising again", () => {
    expect(of(timeline([day(1), day(2), day(3)]), "pain").kind).toBe("usual");
    expect(of(timeline([day(1, { pain: 3 }), day(2, { pain: 1 }), day(3, { pain: 2 })]), "pain").kind).toBe("usual");
  });

  it("says within the usual range, or lower than usual (good), for the latest day", () => {
    const t = timeline([day(5, { pain: 2, bruising: 0 })]);
    expect(of(t, "pain").sentence).toBe("Pain: within the usual range for day 5.");
    const low = timeline([day(5, { pain: 0 })]);
    expect(of(low, "pain")).toMatchObject({ kind: "lower", sentence: "Pain: lower than usual for day 5 — good." });
  });

  it("says higher for one day above the range, without a since", () => {
    const pain = of(timeline([day(5, { pain: 2 }), day(6, { pain: 6 })]), "pain");
    expect(pain).toMatchObject({ kind: "higher", sentence: "Pain: higher than usual for day 6." });
    expect(pain.since).toBeUndefined();
  });

  it("says there is not enough data for a usual range past the band, or with no band", () => {
    const t = timeline([day(40, { pain: 2 })]);
    expect(of(t, "pain")).toMatchObject({
      kind: "no_band",
      sentence: "Pain: not enough data for a usual range on day 40 yet.",
    });
    expect(verdicts(timeline([day(3)], [])).map((v) => v.kind)).toEqual(Array(6).fill("no_band"));
  });

  it("does not count a day without a range as above it", () => {
    // Days 28 and 29 are above, but day 30 has no range: it ends the run, and decides.
    const sparse = [band("pain", 28, 0, 1), band("pain", 29, 0, 1)];
    const t = timeline([day(28, { pain: 4 }), day(29, { pain: 5 }), day(30, { pain: 5 })], sparse);
    expect(of(t, "pain").kind).toBe("no_band");
  });

  it("reads a single check-in on its own", () => {
    const said = verdicts(timeline([day(0, { pain: 2, swelling: 2 })]));
    expect(said.find((v) => v.symptom === "pain")?.kind).toBe("usual");
    expect(said.find((v) => v.symptom === "swelling")?.kind).toBe("higher");
  });

  it("has nothing to say before any session", () => {
    expect(verdicts({ ...timeline([]), sessions: [] }).map((v) => v.kind)).toEqual(Array(6).fill("no_data"));
  });
});

describe("compareDay", () => {
  it("compares one day's check-in with the usual range for its day since session", () => {
    const t = timeline([day(5, { pain: 6, swelling: 1, bruising: 0 }), day(40, { pain: 0 })]);
    expect(compareDay(t, "2026-11-17")).toEqual([
      { symptom: "pain", value: 6, verdict: "above" },
      { symptom: "swelling", value: 1, verdict: "within" },
      { symptom: "bruising", value: 0, verdict: "within" },
      { symptom: "discolouration", value: 0, verdict: "within" },
      { symptom: "hardening", value: 0, verdict: "within" },
      { symptom: "itching", value: 0, verdict: "within" },
    ]);
    expect(compareDay(t, "2026-12-22").map((c) => c.verdict)).toEqual(Array(6).fill("no_band"));
    const below = timeline([day(2, { pain: 0 })]);
    expect(compareDay(below, "2026-11-14")[0]).toEqual({ symptom: "pain", value: 0, verdict: "below" });
  });

  it("is empty for a day without a check-in", () => {
    expect(compareDay(timeline([day(5)]), "2026-11-18")).toEqual([]);
  });
});
