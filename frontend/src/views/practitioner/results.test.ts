import { describe, expect, it } from "vitest";
import type { Schemas, TimelineSession } from "../../types";
import { photosByArea, ratingWords, sessionAreas } from "./results";
import { WORDS } from "./result-words-fixture";

type Photo = Schemas["PhotoOut"];

function photo(id: string, area: string, taken_at: string): Photo {
  return { id, area, taken_at, local_date: taken_at.slice(0, 10), session_id: "s1", day: 0, width: 640, height: 480, source: "clinic" };
}

const SESSION: TimelineSession = { id: "s1", performed_on: "2026-03-02", review_on: "2026-04-27", areas: ["leg_right_calf", "leg_left_calf"] };

describe("photosByArea", () => {
  it("groups by area, each area oldest first whatever the order given", () => {
    const byArea = photosByArea([
      photo("late", "leg_left_calf", "2026-03-20T09:00:00Z"),
      photo("right", "leg_right_calf", "2026-03-05T09:00:00Z"),
      photo("early", "leg_left_calf", "2026-03-02T09:00:00Z"),
    ]);
    expect([...byArea.keys()].sort()).toEqual(["leg_left_calf", "leg_right_calf"]);
    expect(byArea.get("leg_left_calf")?.map((one) => one.id)).toEqual(["early", "late"]);
  });
});

describe("sessionAreas", () => {
  it("lists the session's areas in its order, photographed or not, then other areas photographed", () => {
    const photos = [photo("a", "leg_left_calf", "2026-03-02T09:00:00Z"), photo("b", "arm_left", "2026-03-03T09:00:00Z")];
    expect(sessionAreas(SESSION, photos)).toEqual(["leg_right_calf", "leg_left_calf", "arm_left"]);
    expect(sessionAreas(SESSION, [])).toEqual(["leg_right_calf", "leg_left_calf"]);
  });
});

describe("ratingWords", () => {
  it("says the impression of change in the scale's words and the satisfaction out of 10", () => {
    const rating = { session_id: "s1", pgic: 2, satisfaction: 8, rated_on: "2026-03-30", revisions: 1, created_at: "", updated_at: "" };
    expect(ratingWords(rating, WORDS)).toBe("Pgic 2 · satisfaction 8/10");
  });
});
