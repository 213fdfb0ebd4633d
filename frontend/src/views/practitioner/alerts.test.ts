import { describe, expect, it } from "vitest";
import { shortDate } from "./alerts";

describe("shortDate", () => {
  it("is day and month, with the year only when it is not this year", () => {
    expect(shortDate("2026-03-02", 2026)).toBe("2 Mar");
    expect(shortDate("2025-12-30", 2026)).toBe("30 Dec 2025");
  });
});
