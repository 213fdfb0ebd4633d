import { describe, expect, it } from "vitest";
import { assess } from "./attention";
import type { PatientSummary } from "./model";
import { calm, summaryFixture, TODAY } from "./summary-fixture";
import { needsAttention, patientStatus, reviewWords } from "./status";

const patient = (overrides: Partial<PatientSummary> = {}): PatientSummary =>
  summaryFixture("Pat", { review_on: "2025-05-05", ...overrides });

const status = (overrides: Partial<PatientSummary>) => patientStatus(assess(patient(overrides), TODAY));

describe("patientStatus", () => {
  it("reads an urgent warning sign as urgent words, in red's tone", () => {
    const alert = {
      id: "a1",
      rule: "warning_sign" as const,
      severity: "urgent" as const,
      items: ["leg_swelling_with_pain"],
      pain: null,
      local_date: "2025-03-19",
    };
    const latest = { local_date: "2025-03-19", ...calm, pain: 8 };
    expect(status({ open_alerts: 1, alert_severity: "urgent", alert, latest })).toEqual({
      tone: "urgent",
      text: "Urgent: calf or whole-leg swelling with pain",
      more: ["Pain 8/10"],
    });
  });

  it("gives a watch alert the alert tone, and missed check-ins the attention tone", () => {
    const alert = { id: "a2", rule: "pain_high" as const, severity: "watch" as const, items: [], pain: 7, local_date: "2025-03-19" };
    const latest = { local_date: "2025-03-19", ...calm, pain: 7 };
    expect(status({ open_alerts: 1, alert_severity: "watch", alert, latest })).toMatchObject({ tone: "alert", text: "Pain 7/10" });
    expect(status({ last_checkin_on: "2025-03-17" })).toEqual({ tone: "attention", text: "Missed 2 check-ins", more: [] });
  });

  it("says a review is due, on its own or after what needs attention", () => {
    expect(status({ review_on: "2025-03-23" })).toEqual({ tone: "review", text: "Review due in 3 days", more: [] });
    expect(status({ review_on: "2025-03-23", slower_than_usual: true })).toEqual({
      tone: "attention",
      text: "Slower than usual",
      more: ["Review due in 3 days"],
    });
  });

  it("is on track in treatment, and quiet otherwise", () => {
    expect(status({})).toEqual({ tone: "ok", text: "On track", more: [] });
    expect(status({ last_session_on: null, review_on: null, latest: null, last_checkin_on: null })).toMatchObject({
      tone: "quiet",
      text: "No session yet",
    });
    expect(status({ active: false })).toMatchObject({ tone: "quiet", text: "Inactive" });
    expect(status({ last_session_on: "2024-10-01", review_on: "2024-11-26", last_checkin_on: "2024-11-20" })).toMatchObject({
      tone: "quiet",
      text: "Course finished",
    });
  });
});

describe("reviewWords", () => {
  it("counts days ahead and behind", () => {
    expect([2, 1, 0, -1, -4].map(reviewWords)).toEqual([
      "Review due in 2 days",
      "Review due tomorrow",
      "Review due today",
      "Review was due yesterday",
      "Review was due 4 days ago",
    ]);
  });
});

describe("needsAttention", () => {
  it("is anything with a reason, not a review on its own", () => {
    expect(needsAttention(assess(patient({ slower_than_usual: true }), TODAY))).toBe(true);
    expect(needsAttention(assess(patient({ review_on: "2025-03-21" }), TODAY))).toBe(false);
  });
});
