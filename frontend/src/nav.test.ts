import { describe, expect, it } from "vitest";
import { isCurrent, navModel } from "./nav";

const labels = (links: { label: string }[]): string[] => links.map((link) => link.label);

describe("navModel", () => {
  it("gives a patient four tabs, and Notifications and their account under More", () => {
    const model = navModel("patient", { screeningOpen: false });
    expect(labels(model.tabs)).toEqual(["Today", "History", "My recovery", "Photos"]);
    expect(labels(model.more)).toEqual(["Notifications", "Account and security"]);
  });

  it("lists Health questions under More only while they are unanswered", () => {
    expect(labels(navModel("patient", { screeningOpen: true }).more)).toContain("Health questions");
    expect(labels(navModel("patient", {}).more)).not.toContain("Health questions");
  });

  it("gives a practitioner Patients, Alerts and Clinic, with the open urgent count", () => {
    const model = navModel("practitioner", { urgent: 2 });
    expect(labels(model.tabs)).toEqual(["Patients", "Alerts", "Clinic"]);
    expect(model.tabs[1].count).toEqual({ value: 2, words: "2 open urgent" });
    expect(navModel("practitioner", { urgent: 0 }).tabs[1].count).toBeUndefined();
    expect(labels(model.more)).toEqual(["Outcomes", "Account and security"]);
  });
});

describe("isCurrent", () => {
  it("marks a tab current on its screen and the screens below it", () => {
    expect(isCurrent("#/patients", "/patients")).toBe(true);
    expect(isCurrent("#/patients", "/patients/12/sessions/new")).toBe(true);
    expect(isCurrent("#/alerts", "/alerts/acknowledged")).toBe(true);
  });

  it("counts editing a day as History", () => {
    expect(isCurrent("#/history", "/checkin/2026-03-01")).toBe(true);
    expect(isCurrent("#/today", "/checkin/2026-03-01")).toBe(false);
  });

  it("does not mistake a longer name for the same screen", () => {
    expect(isCurrent("#/patients", "/patientsx")).toBe(false);
    expect(isCurrent("#/today", "/")).toBe(false);
  });
});
