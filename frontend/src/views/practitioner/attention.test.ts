import { describe, expect, it } from "vitest";
import { alertWords, assess, attentionOrder, daysBetween, inTreatment } from "./attention";
import type { AlertBrief, PatientSummary } from "./model";
import { calm, summaryFixture, TODAY } from "./summary-fixture";

const patient = summaryFixture;

const names = (list: { patient: PatientSummary }[]): string[] => list.map((row) => row.patient.name);

describe("daysBetween", () => {
  it("counts calendar days across a month and a clock change", () => {
    expect(daysBetween("2025-03-28", "2025-04-02")).toBe(5);
    expect(daysBetween("2025-03-20", "2025-03-20")).toBe(0);
    expect(daysBetween("2025-03-21", "2025-03-20")).toBe(-1);
  });
});

describe("inTreatment", () => {
  it("is an active patient whose last session is at most 8 weeks old", () => {
    expect(inTreatment(patient("A", { last_session_on: "2025-01-23" }), TODAY)).toBe(true); // 56 days
    expect(inTreatment(patient("A", { last_session_on: "2025-01-22" }), TODAY)).toBe(false); // 57 days
    expect(inTreatment(patient("A", { active: false }), TODAY)).toBe(false);
    expect(inTreatment(patient("A", { last_session_on: null }), TODAY)).toBe(false);
  });
});

describe("assess", () => {
  it("flags low adherence with the percentage", () => {
    const result = assess(patient("Low", { adherence_7d: 0.43 }), TODAY);
    expect(result.missed).toBe(true);
    expect(result.reasons).toEqual(["43% of check-ins this week"]);
  });

  it("does not flag adherence of exactly 60%", () => {
    expect(assess(patient("Edge", { adherence_7d: 0.6 }), TODAY).missed).toBe(false);
  });

  it("flags more than two days without a check-in, but not exactly two", () => {
    expect(assess(patient("Two", { last_checkin_on: "2025-03-18" }), TODAY).missed).toBe(false);
    const three = assess(patient("Three", { last_checkin_on: "2025-03-17" }), TODAY);
    expect(three.missed).toBe(true);
    // The 18th and the 19th were missed; today (the 20th) is not over yet.
    expect(three.reasons).toEqual(["Missed 2 check-ins"]);
  });

  it("allows a week between check-ins once the daily phase is over", () => {
    const weekly = { last_session_on: "2025-02-27", review_on: "2025-04-24" }; // day 21 today
    expect(assess(patient("Week", { ...weekly, last_checkin_on: "2025-03-13" }), TODAY).missed).toBe(false);
    const nine = assess(patient("Nine", { ...weekly, last_checkin_on: "2025-03-11" }), TODAY);
    expect(nine.missed).toBe(true);
    expect(nine.reasons).toEqual(["No check-in for 9 days"]);
  });

  it("counts from the session when no check-in came in after it", () => {
    const fresh = patient("Fresh", {
      last_session_on: "2025-03-15",
      last_checkin_on: "2025-01-02", // from an earlier course of treatment
      adherence_7d: null,
    });
    const result = assess(fresh, TODAY);
    expect(result.missed).toBe(true);
    // The session day and the four days after it.
    expect(result.reasons).toEqual(["Missed 5 check-ins since the session"]);
  });

  it("does not expect check-ins from someone out of treatment or inactive", () => {
    const done = patient("Done", { last_session_on: "2024-10-01", last_checkin_on: "2024-11-01", adherence_7d: 0 });
    expect(assess(done, TODAY).missed).toBe(false);
    const paused = patient("Paused", { active: false, last_checkin_on: "2025-03-01", adherence_7d: 0.1 });
    expect(assess(paused, TODAY).missed).toBe(false);
  });

  it("flags pain of 7 or more and any severe graded symptom", () => {
    const six = patient("Six", { latest: { local_date: "2025-03-19", ...calm, pain: 6 } });
    expect(assess(six, TODAY).worsening).toBe(false);
    const seven = assess(patient("Seven", { latest: { local_date: "2025-03-19", ...calm, pain: 7 } }), TODAY);
    expect(seven.worsening).toBe(true);
    expect(seven.reasons).toEqual(["Pain 7/10"]);
    const severe = assess(
      patient("Severe", { latest: { local_date: "2025-03-19", ...calm, swelling: 3, itching: 3, bruising: 2 } }),
      TODAY,
    );
    expect(severe.worsening).toBe(true);
    expect(severe.reasons).toEqual(["Severe swelling and itching"]);
  });

  it("has no reasons for a patient who is doing fine, or who has never checked in or been treated", () => {
    expect(assess(patient("Fine"), TODAY).reasons).toEqual([]);
    const fresh = patient("New", { last_session_on: null, last_checkin_on: null, adherence_7d: null, latest: null });
    expect(assess(fresh, TODAY)).toMatchObject({ missed: false, worsening: false, reasons: [], daysSinceSession: null });
  });
});

describe("attentionOrder", () => {
  it("puts missed check-ins first, then worsening scores, then the most recent session", () => {
    const list = [
      patient("Recent", { last_session_on: "2025-03-18" }),
      patient("Older", { last_session_on: "2025-02-01" }),
      patient("Untreated", { last_session_on: null, last_checkin_on: null, adherence_7d: null, latest: null }),
      patient("Painful", { latest: { local_date: "2025-03-19", ...calm, pain: 8 } }),
      patient("Silent", { last_checkin_on: "2025-03-12", adherence_7d: 0.2 }),
    ];
    expect(names(attentionOrder(list, TODAY))).toEqual(["Silent", "Painful", "Recent", "Older", "Untreated"]);
  });

  it("ranks missed-and-worsening above missed only, and worsening only below both", () => {
    const list = [
      patient("WorseOnly", { latest: { local_date: "2025-03-19", ...calm, hardening: 3 } }),
      patient("MissedOnly", { adherence_7d: 0.5 }),
      patient("Both", { adherence_7d: 0.5, latest: { local_date: "2025-03-19", ...calm, pain: 9 } }),
    ];
    expect(names(attentionOrder(list, TODAY))).toEqual(["Both", "MissedOnly", "WorseOnly"]);
  });

  it("within a group sorts by days since the last session, then by name", () => {
    const list = [
      patient("bea", { adherence_7d: 0.1, last_session_on: "2025-03-01" }),
      patient("Ann", { adherence_7d: 0.1, last_session_on: "2025-03-01" }),
      patient("Cal", { adherence_7d: 0.1, last_session_on: "2025-03-15" }),
    ];
    expect(names(attentionOrder(list, TODAY))).toEqual(["Cal", "Ann", "bea"]);
  });

  it("does not reorder the array it was given", () => {
    const list = [patient("B", { last_session_on: "2025-01-30" }), patient("A", { last_session_on: "2025-03-19" })];
    attentionOrder(list, TODAY);
    expect(names(list.map((p) => ({ patient: p })))).toEqual(["B", "A"]);
  });

  it("handles an empty clinic", () => {
    expect(attentionOrder([], TODAY)).toEqual([]);
  });
});

describe("open alerts and the review date", () => {
  it("puts an urgent alert first, then more open alerts, above missed check-ins", () => {
    const order = attentionOrder(
      [
        patient("Missed", { adherence_7d: 0.2 }),
        patient("Watch", { open_alerts: 1, alert_severity: "watch" }),
        patient("Calm"),
        patient("Urgent", { open_alerts: 1, alert_severity: "urgent" }),
        patient("TwoWatch", { open_alerts: 2, alert_severity: "watch" }),
      ],
      TODAY,
    );
    expect(names(order)).toEqual(["Urgent", "TwoWatch", "Watch", "Missed", "Calm"]);
    expect(order[0].reasons[0]).toBe("Urgent alert");
  });

  it("counts slower than usual as worsening", () => {
    const order = attentionOrder([patient("Calm"), patient("Slow", { slower_than_usual: true })], TODAY);
    expect(names(order)).toEqual(["Slow", "Calm"]);
    expect(order[0].reasons).toEqual(["Slower than usual"]);
  });

  it("uses the review date for 'in treatment' when the list has one", () => {
    const base = { last_session_on: "2025-01-01" }; // 78 days before TODAY
    expect(inTreatment(patient("A", { ...base, review_on: "2025-03-20" }), TODAY)).toBe(true);
    expect(inTreatment(patient("A", { ...base, review_on: "2025-03-19" }), TODAY)).toBe(false);
    expect(inTreatment(patient("A", { last_session_on: "2025-03-10", review_on: "2025-03-15" }), TODAY)).toBe(false);
  });
});

describe("the reasons name the alert in words", () => {
  const brief = (overrides: Partial<AlertBrief>): AlertBrief => ({
    id: "a1",
    rule: "warning_sign",
    severity: "urgent",
    items: [],
    pain: null,
    local_date: "2025-03-19",
    ...overrides,
  });

  it("says an urgent warning sign with the vocabulary's name for it", () => {
    const alert = brief({ items: ["leg_swelling_with_pain"] });
    const result = assess(patient("Farid", { open_alerts: 1, alert_severity: "urgent", alert }), TODAY);
    expect(result.reasons).toEqual(["Urgent: calf or whole-leg swelling with pain"]);
  });

  it("names two signs, and counts the rest beyond two", () => {
    const p = patient("P");
    // In the vocabulary's order (the emergency signs first), whatever the order stored.
    const two = brief({ items: ["leg_swelling_with_pain", "allergic_reaction"] });
    expect(alertWords(two, p, null)).toBe("Urgent: hives, facial swelling or trouble breathing and calf or whole-leg swelling with pain");
    const three = brief({ items: ["spreading_redness_or_fever", "allergic_reaction", "chest_pain_or_breathless"] });
    expect(alertWords(three, p, null)).toBe("Urgent: chest pain or breathlessness and 2 more signs");
  });

  it("words each watch rule", () => {
    const p = patient("P", { latest: { local_date: "2025-03-19", ...calm, pain: 6 } });
    expect(alertWords(brief({ rule: "pain_high", severity: "watch", pain: 6 }), p, null)).toBe("Pain 6/10");
    expect(alertWords(brief({ rule: "pain_high", severity: "watch", pain: 9 }), p, null)).toBe("Pain reached 9/10");
    expect(alertWords(brief({ rule: "pain_rising", severity: "watch", pain: 6 }), p, null)).toBe("Pain rising, now 6/10");
    expect(alertWords(brief({ rule: "symptom_severe", severity: "watch", items: ["hardening"] }), p, null)).toBe(
      "Severe firm lumps after day 14",
    );
    expect(alertWords(brief({ rule: "missed_checkins", severity: "watch" }), p, 3)).toBe("Missed 3 check-ins");
    expect(alertWords(brief({ rule: "missed_checkins", severity: "watch" }), p, 0)).toBe("Missed check-ins");
  });

  it("says the same thing once, and counts the other open alerts", () => {
    const alert = brief({ rule: "pain_high", severity: "watch", pain: 8 });
    const latest = { local_date: "2025-03-19", ...calm, pain: 8 };
    const result = assess(patient("P", { open_alerts: 2, alert_severity: "watch", alert, latest }), TODAY);
    expect(result.reasons).toEqual(["Pain 8/10", "1 more open alert"]);
  });
});

describe("review due", () => {
  it("is a review at most a week ahead or a week past, for an active patient", () => {
    const at = (review_on: string, active = true): boolean =>
      assess(patient("R", { last_session_on: "2025-01-23", review_on, active }), TODAY).reviewDue;
    expect(at("2025-03-27")).toBe(true); // in 7 days
    expect(at("2025-03-28")).toBe(false); // in 8 days
    expect(at("2025-03-13")).toBe(true); // 7 days ago
    expect(at("2025-03-12")).toBe(false); // 8 days ago
    expect(at("2025-03-20", false)).toBe(false);
    expect(assess(patient("R", { review_on: "2025-03-25" }), TODAY).reviewInDays).toBe(5);
  });
});
