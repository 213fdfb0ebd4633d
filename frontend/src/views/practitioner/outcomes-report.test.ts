import { describe, expect, it } from "vitest";
import type { Schemas } from "../../types";
import { areaGroupWords, blocks, clearanceShares, clearanceText, medianPgicWords, percent, tooFewWords } from "./outcomes-report";
import { WORDS } from "./result-words-fixture";

type Cell = Schemas["OutcomeCell"];

function cell(extra: Partial<Cell>): Cell {
  return {
    sclerosant: "polidocanol",
    concentration_pct: 0.5,
    area_group: "all",
    sessions: 6,
    assessed: 6,
    rated: 4,
    too_few: false,
    clearance: { worse: 0, none: 1, partial: 0, good: 2, excellent: 3 },
    rates: { hyperpigmentation: 0.5, matting: 0, trapped_blood_drained: 1 / 3, ulceration: 0 },
    median_pgic: 2,
    ...extra,
  };
}

describe("blocks", () => {
  it("groups by sclerosant and concentration, all areas first, then legs, face, other", () => {
    const result = blocks([
      cell({ area_group: "face" }),
      cell({ concentration_pct: 1 }),
      cell({ area_group: "legs" }),
      cell({}),
    ]);
    expect(result.map((block) => block.title)).toEqual(["Polidocanol 0.5%", "Polidocanol 1%"]);
    expect(result[0].cells.map((one) => one.area_group)).toEqual(["all", "legs", "face"]);
  });
});

describe("clearance", () => {
  it("gives each grade its share of those graded, worst first", () => {
    const shares = clearanceShares({ worse: 0, none: 1, partial: 0, good: 2, excellent: 3 });
    expect(shares.map((part) => part.code)).toEqual(["worse", "none", "partial", "good", "excellent"]);
    expect(shares.map((part) => part.share)).toEqual([0, 1 / 6, 0, 2 / 6, 3 / 6]);
    expect(clearanceShares({}).every((part) => part.share === 0)).toBe(true);
  });

  it("says the bar in words, best first, leaving out the grades nobody got", () => {
    expect(clearanceText({ worse: 0, none: 1, partial: 0, good: 2, excellent: 3 }, WORDS)).toBe(
      "Clearance excellent: 3 of 6; Clearance good: 2 of 6; Clearance none: 1 of 6",
    );
    expect(clearanceText({}, WORDS)).toBe("No grades");
  });
});

describe("words", () => {
  it("names the median impression, between two answers on a half point", () => {
    expect(medianPgicWords(2, WORDS)).toBe("Pgic 2");
    expect(medianPgicWords(2.5, WORDS)).toBe("Between pgic 2 and pgic 3");
    expect(medianPgicWords(null, WORDS)).toBe("No ratings yet");
  });

  it("says how many more assessed sessions a row needs", () => {
    expect(tooFewWords(cell({ assessed: 3, too_few: true }), 5)).toBe("Too few assessed (3 of 5 needed)");
  });

  it("rounds shares to whole percentages and names the area groups", () => {
    expect(percent(1 / 3)).toBe("33%");
    expect(areaGroupWords("all", WORDS)).toBe("All areas");
    expect(areaGroupWords("legs", WORDS)).toBe("Group legs");
  });
});
