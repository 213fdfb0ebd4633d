import { describe, expect, it } from "vitest";
import { photoDate, positionWords } from "./compare";
import type { PhotoOut } from "./urls";

describe("positionWords", () => {
  it("names the ends by the one photo shown", () => {
    expect(positionWords(0)).toBe("After only");
    expect(positionWords(100)).toBe("Before only");
  });

  it("says the share of each photo in between (the value is the before photo's share)", () => {
    expect(positionWords(49)).toBe("49% before, 51% after");
    expect(positionWords(1)).toBe("1% before, 99% after");
  });

  it("treats values past the ends as the ends", () => {
    expect(positionWords(-5)).toBe("After only");
    expect(positionWords(140)).toBe("Before only");
  });
});

describe("photoDate", () => {
  const photo: PhotoOut = {
    id: "p1",
    area: "leg_left_calf",
    taken_at: "2026-12-03T10:00:00Z",
    local_date: "2026-12-03",
    session_id: "s1",
    day: 28,
    width: 400,
    height: 300,
    source: "patient",
  };

  it("gives the date and the day since the session", () => {
    expect(photoDate(photo)).toBe("Thu, 3 Dec 2026 · Day 28");
  });

  it("gives the date alone before any session", () => {
    expect(photoDate({ ...photo, day: null, session_id: null })).toBe("Thu, 3 Dec 2026");
  });
});
