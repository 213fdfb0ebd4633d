import { describe, expect, it } from "vitest";
import { daysBetween, inSignOrder, joinWords, plural } from "./text";

describe("daysBetween", () => {
  it("counts calendar days across a month and a clock change", () => {
    expect(daysBetween("2025-03-28", "2025-04-02")).toBe(5);
    expect(daysBetween("2025-03-20", "2025-03-20")).toBe(0);
    expect(daysBetween("2025-03-21", "2025-03-20")).toBe(-1);
  });
});

describe("plural", () => {
  it("adds an s except for one", () => {
    expect([0, 1, 2].map((count) => plural(count, "day"))).toEqual(["0 days", "1 day", "2 days"]);
  });
});

describe("joinWords", () => {
  it("joins with commas and a final and", () => {
    expect(joinWords([])).toBe("");
    expect(joinWords(["pain"])).toBe("pain");
    expect(joinWords(["pain", "swelling"])).toBe("pain and swelling");
    expect(joinWords(["pain", "swelling", "itching"])).toBe("pain, swelling and itching");
  });
});

describe("inSignOrder", () => {
  it("puts the vocabulary's order first, whatever the order stored, and unknown codes last", () => {
    const stored = ["spreading_redness_or_fever", "made_up", "allergic_reaction", "chest_pain_or_breathless"];
    expect(inSignOrder(stored)).toEqual([
      "chest_pain_or_breathless",
      "allergic_reaction",
      "spreading_redness_or_fever",
      "made_up",
    ]);
    expect(stored[0]).toBe("spreading_redness_or_fever"); // a copy: the argument is left alone
  });
});
