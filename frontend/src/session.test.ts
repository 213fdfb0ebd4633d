import { describe, expect, it } from "vitest";
import { unsentWarning } from "./session";

describe("unsentWarning (asked before signing out)", () => {
  it("says nothing when nothing is waiting", () => {
    expect(unsentWarning({ checkins: 0, reports: 0 })).toBeNull();
  });

  it("says what stays on the phone and when it is sent", () => {
    expect(unsentWarning({ checkins: 1, reports: 0 })).toBe(
      "You have 1 check-in not sent yet. If you sign out now it stays on this phone and is sent when you sign in again.",
    );
    expect(unsentWarning({ checkins: 2, reports: 0 })).toBe(
      "You have 2 check-ins not sent yet. If you sign out now they stay on this phone and are sent when you sign in again.",
    );
  });

  it("says the clinic has not been told when warning signs are waiting", () => {
    expect(unsentWarning({ checkins: 1, reports: 2 })).toBe(
      "You have 1 check-in and 2 warning-sign reports not sent yet. If you sign out now they stay on this phone " +
        "and are sent when you sign in again. Until then the clinic has not been told about your warning signs.",
    );
    expect(unsentWarning({ checkins: 0, reports: 1 })).toMatch(/^You have 1 warning-sign report not sent yet\. .+ it stays/);
  });
});
