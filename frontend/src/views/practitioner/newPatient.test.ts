import { describe, expect, it } from "vitest";
import { patientBody, timezoneOptions } from "./newPatient";

function form(values: Record<string, string>): FormData {
  const data = new FormData();
  const base = { name: "Ann Patel", email: "ann@example.org", timezone: "Europe/London", checkin_time: "19:00" };
  for (const [key, value] of Object.entries({ ...base, ...values })) data.append(key, value);
  return data;
}

describe("patientBody", () => {
  it("sends the trimmed values", () => {
    expect(patientBody(form({ name: "  Ann Patel " }))).toEqual({
      body: { name: "Ann Patel", email: "ann@example.org", timezone: "Europe/London", checkin_time: "19:00" },
    });
  });

  it("names every field to fix at once", () => {
    expect(patientBody(form({ name: " ", email: "ann at example", checkin_time: "" }))).toEqual({
      errors: {
        name: "Enter the patient's name.",
        email: "Enter an email address like name@example.com.",
        checkin_time: "Enter a time like 19:00.",
      },
    });
    expect(patientBody(form({ email: "" }))).toEqual({ errors: { email: "Enter the patient's email address." } });
    expect(patientBody(form({ checkin_time: "24:10" }))).toMatchObject({ errors: { checkin_time: "Enter a time like 19:00." } });
  });
});

describe("timezoneOptions", () => {
  it("puts London first, then this device's zone once", () => {
    expect(timezoneOptions("Asia/Tokyo").slice(0, 2)).toEqual(["Europe/London", "Asia/Tokyo"]);
    expect(timezoneOptions("Europe/London").filter((zone) => zone === "Europe/London")).toHaveLength(1);
  });
});
