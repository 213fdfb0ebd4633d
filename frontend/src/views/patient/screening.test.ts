import { describe, expect, it } from "vitest";
import { flagLabel } from "../../words";
import { friendlyError, screeningBody } from "./screening";

function form(values: Record<string, string | null>): FormData {
  const base: Record<string, string | null> = {
    pregnant_or_breastfeeding: "no",
    sclerosant_allergy: "yes",
    clotting_disorder: "no",
    acute_illness: "no",
    largest_vein_mm: "2.5",
    vein_count_estimate: "12",
    notes: "",
  };
  const data = new FormData();
  for (const [key, value] of Object.entries({ ...base, ...values })) {
    if (value !== null) data.append(key, value);
  }
  return data;
}

describe("screeningBody", () => {
  it("sends yes/no as JSON booleans and numbers as JSON numbers", () => {
    expect(screeningBody(form({ notes: "  once, with a dye  " }))).toEqual({
      body: {
        pregnant_or_breastfeeding: false,
        sclerosant_allergy: true,
        clotting_disorder: false,
        acute_illness: false,
        largest_vein_mm: 2.5,
        vein_count_estimate: 12,
        notes: "once, with a dye",
      },
    });
  });

  it("sends empty notes as null and accepts both ends of each range", () => {
    const result = screeningBody(form({ largest_vein_mm: "0", vein_count_estimate: "1000", notes: "   " }));
    expect(result).toMatchObject({ body: { largest_vein_mm: 0, vein_count_estimate: 1000, notes: null } });
    expect(screeningBody(form({ largest_vein_mm: "50", vein_count_estimate: "0" }))).toHaveProperty("body");
  });

  it("names the first unanswered question", () => {
    const result = screeningBody(form({ clotting_disorder: null, acute_illness: null }));
    expect(result).toEqual({ field: "clotting_disorder", message: "Please answer yes or no." });
  });

  it.each([
    ["largest_vein_mm", ""],
    ["largest_vein_mm", "-1"],
    ["largest_vein_mm", "50.5"],
    ["largest_vein_mm", "abc"],
    ["vein_count_estimate", ""],
    ["vein_count_estimate", "2.5"],
    ["vein_count_estimate", "1001"],
    ["notes", "x".repeat(1001)],
  ])("refuses %s = %j", (field, value) => {
    const result = screeningBody(form({ [field]: value }));
    expect(result).toHaveProperty("field", field);
  });
});

describe("friendlyError", () => {
  it("turns a type or range message into the field's hint", () => {
    expect(friendlyError("largest_vein_mm", "largest_vein_mm: Expected `float` <= 50.0")).toMatch(/millimetres/);
    expect(friendlyError("acute_illness", "acute_illness: Expected `bool`, got `str`")).toBe("Please answer yes or no.");
  });

  it("keeps other messages, without the field prefix", () => {
    expect(friendlyError("body", "body: a JSON body is required")).toBe("A JSON body is required");
    expect(friendlyError("notes", "notes: too rude")).toBe("Too rude");
    expect(friendlyError(null, "Only patients can use this")).toBe("Only patients can use this");
  });
});

describe("flagLabel", () => {
  it("has words for every flag the API raises, and shows unknown codes as they are", () => {
    const codes = ["pregnancy", "sclerosant_allergy", "clotting_disorder", "vein_3mm_or_larger", "acute_illness", "many_veins"];
    for (const code of codes) expect(flagLabel(code)).not.toBe(code);
    expect(flagLabel("vein_3mm_or_larger")).toBe("Vein 3 mm or larger");
    expect(flagLabel("something_new")).toBe("something_new");
  });
});
