import { describe, expect, it } from "vitest";
import { sessionBody } from "./newSession";

const TODAY = "2025-03-20";

function form(values: Record<string, string | string[]>): FormData {
  const data = new FormData();
  const base: Record<string, string | string[]> = {
    performed_on: "2025-03-20",
    areas: ["leg_left_calf", "leg_right_ankle"],
    sclerosant: "polidocanol",
    concentration_pct: "0.5",
    volume_ml: "4",
    injections: "6",
    compression_days: "3",
    restriction_days: "3",
    review_on: "",
    daily_days: "14",
    notes: "",
  };
  for (const [key, value] of Object.entries({ ...base, ...values })) {
    for (const one of Array.isArray(value) ? value : [value]) data.append(key, one);
  }
  return data;
}

describe("sessionBody", () => {
  it("sends numbers as JSON numbers and leaves out empty optional fields", () => {
    expect(sessionBody(form({}), TODAY)).toEqual({
      body: {
        performed_on: "2025-03-20",
        areas: ["leg_left_calf", "leg_right_ankle"],
        sclerosant: "polidocanol",
        concentration_pct: 0.5,
        volume_ml: 4,
        injections: 6,
        compression_days: 3,
        restriction_days: 3,
        daily_days: 14,
      },
    });
  });

  it("includes the review date and notes when given", () => {
    const result = sessionBody(form({ review_on: "2025-05-15", notes: " Mild matting " }), TODAY);
    expect(result).toMatchObject({ body: { review_on: "2025-05-15", notes: "Mild matting" } });
  });

  it("names the first field to fix", () => {
    expect(sessionBody(form({ areas: [] }), TODAY)).toEqual({ field: "areas" });
    expect(sessionBody(form({ sclerosant: "" }), TODAY)).toEqual({ field: "sclerosant" });
    expect(sessionBody(form({ concentration_pct: "0" }), TODAY)).toEqual({ field: "concentration_pct" });
    expect(sessionBody(form({ volume_ml: "" }), TODAY)).toEqual({ field: "volume_ml" });
    expect(sessionBody(form({ injections: "2.5" }), TODAY)).toEqual({ field: "injections" });
    expect(sessionBody(form({ daily_days: "121" }), TODAY)).toEqual({ field: "daily_days" });
    expect(sessionBody(form({ review_on: "2025-03-20" }), TODAY)).toEqual({ field: "review_on" });
    expect(sessionBody(form({ performed_on: "2025-03-21" }), TODAY)).toMatchObject({ field: "performed_on" });
  });
});
