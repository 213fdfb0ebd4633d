import "fake-indexeddb/auto";
import { describe, expect, it } from "vitest";
import { offlineAdvice } from "./checkin-form";

describe("offlineAdvice", () => {
  it("sends the first three warning signs to emergency services", () => {
    for (const sign of ["chest_pain_or_breathless", "vision_speech_or_weakness", "allergic_reaction"]) {
      const advice = offlineAdvice(["spreading_redness_or_fever", sign]);
      expect(advice?.level).toBe("emergency");
      expect(advice?.text).toContain("Call emergency services now");
    }
  });

  it("sends the others to the clinic today, saying the clinic does not know yet", () => {
    const advice = offlineAdvice(["leg_swelling_with_pain"], "Not saved.");
    expect(advice?.level).toBe("contact_clinic");
    expect(advice?.text).toContain("Call the clinic today");
    expect(advice?.text).toContain("Not saved.");
  });

  it("is nothing without warning signs", () => {
    expect(offlineAdvice([])).toBeNull();
  });
});
