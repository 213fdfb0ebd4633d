import { describe, expect, it } from "vitest";
import { ApiError, OfflineError } from "../../api";
import type { TimelineSession } from "../../types";
import { dayBefore, dayProblem, photoDays, problemField, takenAt } from "./clinic-photo";

function session(performed_on: string): TimelineSession {
  return { id: `s-${performed_on}`, performed_on, review_on: "2026-06-01", areas: ["leg_left_calf"] };
}

const FIRST = session("2026-01-10");
const LATEST = session("2026-03-02");
const TODAY = "2026-03-20";

describe("dayBefore", () => {
  it("steps back across a month's and a year's end", () => {
    expect(dayBefore("2026-03-01")).toBe("2026-02-28");
    expect(dayBefore("2026-01-01")).toBe("2025-12-31");
  });
});

describe("photoDays", () => {
  it("runs the latest session from its day to today, starting at today (the review photo)", () => {
    expect(photoDays(LATEST, [LATEST, FIRST], TODAY)).toEqual({ min: "2026-03-02", max: TODAY, initial: TODAY });
  });

  it("ends an earlier session the day before the next one, starting at its own day (the baseline)", () => {
    expect(photoDays(FIRST, [LATEST, FIRST], TODAY)).toEqual({ min: "2026-01-10", max: "2026-03-01", initial: "2026-01-10" });
  });

  it("offers only the day itself for a session recorded today", () => {
    const now = session(TODAY);
    expect(photoDays(now, [now, FIRST], TODAY)).toEqual({ min: TODAY, max: TODAY, initial: TODAY });
  });
});

describe("takenAt", () => {
  it("sends nothing for today: the server's own time", () => {
    expect(takenAt(TODAY, TODAY, "Europe/London")).toBeNull();
  });

  it("sends noon of the day in the patient's zone, summer time included", () => {
    expect(takenAt("2026-03-05", TODAY, "Europe/London")).toBe("2026-03-05T12:00:00.000Z");
    expect(takenAt("2026-07-01", TODAY, "Europe/London")).toBe("2026-07-01T11:00:00.000Z");
    expect(takenAt("2026-07-01", TODAY, "America/Los_Angeles")).toBe("2026-07-01T19:00:00.000Z");
  });

  it("keeps the day in a zone far ahead of UTC (noon there is midnight UTC)", () => {
    expect(takenAt("2026-07-01", TODAY, "Pacific/Auckland")).toBe("2026-07-01T00:00:00.000Z");
  });
});

describe("dayProblem", () => {
  const days = photoDays(FIRST, [LATEST, FIRST], TODAY);

  it("accepts a day within the session's range, its ends included", () => {
    expect(dayProblem("2026-01-10", days)).toBeNull();
    expect(dayProblem("2026-03-01", days)).toBeNull();
  });

  it("names the range for a day outside it", () => {
    expect(dayProblem("2026-03-02", days)).toBe("For this session, choose a day from Sat, 10 Jan 2026 to Sun, 1 Mar 2026.");
    expect(dayProblem("2026-01-09", days)).toContain("choose a day from");
  });

  it("names the one day when there is only one, and asks for a missing day", () => {
    expect(dayProblem("2026-03-19", { min: TODAY, max: TODAY, initial: TODAY })).toBe("For this session, the photo must be from Fri, 20 Mar 2026.");
    expect(dayProblem("", days)).toBe("Enter the day the photo was taken.");
  });
});

describe("problemField", () => {
  it("puts a refused date at the date and the photo's own problems at the file", () => {
    expect(problemField(new ApiError(422, "taken_at: is in the future", "taken_at"))).toBe("taken_on");
    expect(problemField(new ApiError(422, "file: is empty", "file"))).toBe("file");
    expect(problemField(new ApiError(413, "Request Entity Too Large", null))).toBe("file");
    expect(problemField(new OfflineError("Failed to fetch"))).toBe("file");
  });

  it("puts anything else on the form's own line", () => {
    expect(problemField(new ApiError(422, "area: is not one of the treated-area codes", "area"))).toBe("form");
    expect(problemField(new ApiError(500, "The server answered 500", null))).toBe("form");
  });
});
