import "fake-indexeddb/auto";
import { describe, expect, it } from "vitest";
import { ApiError } from "../../api";
import { offlineAdvice, refusalMessage } from "./checkin-form";

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

describe("refusalMessage", () => {
  it("turns the server's fragment about the date into a sentence", () => {
    const error = new ApiError(422, "local_date: is before your first treatment session on 2026-03-05", "local_date");
    expect(refusalMessage(error, "2026-03-02")).toBe(
      "Your check-in for Mon, 2 Mar 2026 could not be saved: it is before your first treatment session on Thu, 5 Mar 2026.",
    );
  });

  it("keeps a whole reason as it is", () => {
    const error = new ApiError(422, "no treatment session has been recorded for you yet", "local_date");
    expect(refusalMessage(error, "2026-03-02")).toBe(
      "Your check-in could not be saved: no treatment session has been recorded for you yet.",
    );
  });
});
