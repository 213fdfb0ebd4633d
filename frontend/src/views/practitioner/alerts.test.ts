import { describe, expect, it } from "vitest";
import { alertHeadline, patientNote, shortDate, waited } from "./alert-line";

describe("shortDate", () => {
  it("is day and month, with the year only when it is not this year", () => {
    expect(shortDate("2026-03-02", 2026)).toBe("2 Mar");
    expect(shortDate("2025-12-30", 2026)).toBe("30 Dec 2025");
  });
});

describe("alertHeadline", () => {
  const base = { reason: "", items: [] as string[], pain: null as number | null };

  it("names warning signs in the vocabulary's words", () => {
    expect(alertHeadline({ ...base, rule: "warning_sign", items: ["leg_swelling_with_pain"] })).toBe(
      "Calf or whole-leg swelling with pain",
    );
    expect(
      alertHeadline({ ...base, rule: "warning_sign", items: ["chest_pain_or_breathless", "spreading_redness_or_fever"] }),
    ).toBe("Chest pain or breathlessness and spreading redness, heat or fever");
  });

  it("says the pain and the severe symptoms in words", () => {
    expect(alertHeadline({ ...base, rule: "pain_high", pain: 8 })).toBe("Pain 8/10");
    expect(alertHeadline({ ...base, rule: "pain_rising", pain: 6 })).toBe("Pain rising, up to 6/10");
    expect(alertHeadline({ ...base, rule: "symptom_severe", items: ["hardening", "swelling"] })).toBe(
      "Severe firm lumps and swelling",
    );
  });

  it("takes the count of missed check-ins from the reason, or says it without one", () => {
    const reason = "Missed 3 daily check-ins after the session on 2026-03-01.";
    expect(alertHeadline({ ...base, rule: "missed_checkins", reason })).toBe("Missed 3 daily check-ins");
    expect(alertHeadline({ ...base, rule: "missed_checkins", reason: "?" })).toBe("Missed check-ins");
  });
});

describe("waited", () => {
  const now = Date.parse("2026-03-10T12:00:00Z");
  it("is minutes, then hours, then days", () => {
    expect(waited("2026-03-10T11:59:30Z", now)).toBe("under a minute");
    expect(waited("2026-03-10T11:55:00Z", now)).toBe("5 min");
    expect(waited("2026-03-10T07:00:00Z", now)).toBe("5 h");
    expect(waited("2026-03-08T13:00:00Z", now)).toBe("47 h");
    expect(waited("2026-03-08T12:00:00Z", now)).toBe("2 days");
    expect(waited("2026-03-07T11:00:00Z", now)).toBe("3 days");
  });
});

describe("patientNote", () => {
  it("is the patient's words at the end of a warning sign's reason", () => {
    const reason = 'Warning sign reported: calf or whole-leg swelling with pain. Their note: "Left calf, "sore""';
    expect(patientNote(reason)).toBe('Left calf, "sore"');
    expect(patientNote("Warning sign reported: chest pain or breathlessness.")).toBeNull();
  });
});
