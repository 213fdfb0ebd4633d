import { describe, expect, it } from "vitest";
import { changedWords, dateProblem, type Outcome, outcomeBody, outcomeWords } from "./outcome-form";
import { WORDS } from "./result-words-fixture";

function form(values: Record<string, string>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(values)) data.append(key, value);
  return data;
}

const FILLED = { assessed_on: "2025-05-01", clearance: "good", hyperpigmentation: "1", notes: "  " };

describe("outcomeBody", () => {
  it("sends the grades as the API's types, unticked findings as false, blank notes as null", () => {
    expect(outcomeBody(form({ ...FILLED, matting: "yes" }))).toEqual({
      body: {
        assessed_on: "2025-05-01",
        clearance: "good",
        hyperpigmentation: 1,
        matting: true,
        trapped_blood_drained: false,
        ulceration: false,
        notes: null,
      },
    });
  });

  it("names every missing answer at once", () => {
    const result = outcomeBody(form({ assessed_on: "" }));
    expect("errors" in result && Object.keys(result.errors).sort()).toEqual(["assessed_on", "clearance", "hyperpigmentation"]);
  });

  it("refuses a grade the API does not know", () => {
    const result = outcomeBody(form({ ...FILLED, clearance: "perfect", hyperpigmentation: "4" }));
    expect("errors" in result && Object.keys(result.errors).sort()).toEqual(["clearance", "hyperpigmentation"]);
  });

  it("leaves the date's rules to the server (a date before the session is sent)", () => {
    expect("body" in outcomeBody(form({ ...FILLED, assessed_on: "1999-01-01" }))).toBe(true);
  });
});

describe("dateProblem", () => {
  it("says which rule the date broke, naming the session's date", () => {
    expect(dateProblem("assessed_on: is before the session it assesses", "2025-04-01")).toContain("before the session on Tue, 1 Apr 2025");
    expect(dateProblem("assessed_on: is in the future", "2025-04-01")).toContain("future");
    expect(dateProblem("assessed_on: Expected `str`", "2025-04-01")).toBeNull();
  });
});

const OUTCOME: Outcome = {
  session_id: "s1",
  assessed_on: "2025-05-01",
  clearance: "excellent",
  hyperpigmentation: 2,
  matting: false,
  trapped_blood_drained: true,
  ulceration: false,
  notes: null,
  created_at: "2025-05-01T10:00:00Z",
  updated_at: "2025-05-01T10:00:00Z",
  revisions: 1,
};

describe("outcomeWords", () => {
  it("says the grade, the staining and only the findings seen", () => {
    expect(outcomeWords(OUTCOME, WORDS)).toBe("Clearance excellent · Finding hyperpigmentation: staining 2 · Finding trapped_blood_drained");
  });
});

describe("changedWords", () => {
  it("counts changes, not saves", () => {
    expect(changedWords(1)).toBeNull();
    expect(changedWords(2)).toBe("changed 1 time");
    expect(changedWords(4)).toBe("changed 3 times");
  });
});
