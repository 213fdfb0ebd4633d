import { describe, expect, it } from "vitest";
import type { Schemas } from "../../types";
import type { PhotoOut } from "../photos/urls";
import { hasThisWeeksPhoto, treatedAreas } from "./photos";

type SessionOut = Schemas["SessionOut"];

function session(performed_on: string, areas: string[]): SessionOut {
  return {
    id: `s-${performed_on}`,
    patient_id: "p1",
    performed_on,
    review_on: "2026-06-01",
    areas,
    sclerosant: "polidocanol",
    concentration_pct: 0.5,
    volume_ml: 2,
    injections: 6,
    notes: null,
    daily_days: 14,
    compression_days: 7,
    restriction_days: 14,
    created_at: `${performed_on}T10:00:00Z`,
    updated_at: `${performed_on}T10:00:00Z`,
  };
}

function photo(local_date: string, area = "leg_left_calf"): PhotoOut {
  return {
    id: `ph-${local_date}-${area}`,
    area,
    taken_at: `${local_date}T09:00:00Z`,
    local_date,
    session_id: "s1",
    day: 7,
    width: 400,
    height: 300,
    source: "patient",
  };
}

describe("treatedAreas", () => {
  it("lists the latest session's areas first, then older sessions', each once", () => {
    const sessions = [session("2026-01-10", ["leg_right_calf", "leg_left_calf"]), session("2026-03-02", ["leg_left_thigh", "leg_left_calf"])];
    expect(treatedAreas(sessions, [])).toEqual(["leg_left_thigh", "leg_left_calf", "leg_right_calf"]);
  });

  it("keeps an area that has photos but is in no session, after the treated ones", () => {
    expect(treatedAreas([session("2026-03-02", ["leg_left_calf"])], [photo("2026-03-09", "arm_left"), photo("2026-03-09")])).toEqual([
      "leg_left_calf",
      "arm_left",
    ]);
  });

  it("has nothing to list before any session or photo", () => {
    expect(treatedAreas([], [])).toEqual([]);
  });
});

describe("hasThisWeeksPhoto", () => {
  // Today as the device has it: local midnight components, whatever the machine's zone.
  const today = new Date(2026, 2, 20, 8, 30);

  it("counts a photo of the last six days, by its local date", () => {
    expect(hasThisWeeksPhoto([photo("2026-03-20")], today)).toBe(true);
    expect(hasThisWeeksPhoto([photo("2026-03-14")], today)).toBe(true);
  });

  it("asks again from the seventh day after the last photo (the server's rule)", () => {
    expect(hasThisWeeksPhoto([photo("2026-03-13")], today)).toBe(false);
  });

  it("reads the newest photo, the last of the oldest-first list", () => {
    expect(hasThisWeeksPhoto([photo("2026-03-01"), photo("2026-03-18")], today)).toBe(true);
    expect(hasThisWeeksPhoto([photo("2026-03-18"), photo("2026-03-01")], today)).toBe(false);
  });

  it("is false with no photo at all", () => {
    expect(hasThisWeeksPhoto([], today)).toBe(false);
  });

  it("counts across a month's end", () => {
    expect(hasThisWeeksPhoto([photo("2026-02-26")], new Date(2026, 2, 4))).toBe(true);
    expect(hasThisWeeksPhoto([photo("2026-02-25")], new Date(2026, 2, 4))).toBe(false);
  });
});
