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

  it("names every field to fix at once, each with its message", () => {
    const result = sessionBody(
      form({ areas: [], sclerosant: "", concentration_pct: "0", injections: "2.5", review_on: "2025-03-19" }),
      TODAY,
    );
    expect(result).toEqual({
      errors: {
        areas: "Choose at least one treated area.",
        sclerosant: "Choose a sclerosant.",
        concentration_pct: "Enter a percentage above 0 and up to 100, for example 0.5.",
        injections: "Enter a whole number of injections, from 1 to 500.",
        review_on: "Enter a review date after the session date, or leave it empty.",
      },
    });
  });

  it("checks each field on its own", () => {
    const fields = (values: Record<string, string | string[]>): string[] => {
      const result = sessionBody(form(values), TODAY);
      return "errors" in result ? Object.keys(result.errors) : [];
    };
    expect(fields({ volume_ml: "" })).toEqual(["volume_ml"]);
    expect(fields({ daily_days: "121" })).toEqual(["daily_days"]);
    expect(fields({ review_on: "2025-03-20" })).toEqual(["review_on"]);
    expect(fields({ notes: "x".repeat(2001) })).toEqual(["notes"]);
    expect(fields({ performed_on: "" })).toEqual(["performed_on"]);
    expect(sessionBody(form({ performed_on: "2025-03-21" }), TODAY)).toEqual({
      errors: { performed_on: "A session can't be recorded for a future date." },
    });
  });
});
