import { describe, expect, it } from "vitest";
import { SPARK_HEIGHT, sparkRuns, trendOf, trendWords } from "./sparkline";

const days = (...values: (number | null)[]): (number | null)[] => [
  ...Array<null>(14 - values.length).fill(null),
  ...values,
];

describe("trendWords", () => {
  it("lists every recorded pain, oldest first, with the trend", () => {
    expect(trendWords(days(3, 4, null, 6, 8))).toBe("Pain, last 14 days: 3, 4, 6, 8; rising");
    expect(trendWords(days(7, 6, 5, 3))).toBe("Pain, last 14 days: 7, 6, 5, 3; falling");
    expect(trendWords(days(4, 5, 4))).toBe("Pain, last 14 days: 4, 5, 4; steady");
  });

  it("says so when there is one check-in, or none", () => {
    expect(trendWords(days(5))).toBe("Pain, last 14 days: 5");
    expect(trendWords(days())).toBe("Pain, last 14 days: no check-ins");
  });
});

describe("trendOf", () => {
  it("needs more than a point's change against the earlier mean", () => {
    expect(trendOf(days(4, 4, 5))).toBe("steady");
    expect(trendOf(days(4, 4, 6))).toBe("rising");
    expect(trendOf(days(6))).toBeNull();
  });
});

describe("sparkRuns", () => {
  it("splits the line where a day is missing and puts 10 at the top", () => {
    const runs = sparkRuns(days(10, 0, null, 5));
    expect(runs.map((run) => run.length)).toEqual([2, 1]);
    const [[top, bottom], [middle]] = runs;
    expect(top[1]).toBeLessThan(middle[1]);
    expect(middle[1]).toBeLessThan(bottom[1]);
    expect(bottom[1]).toBeLessThanOrEqual(SPARK_HEIGHT);
    expect(top[0]).toBeLessThan(bottom[0]);
  });
});
