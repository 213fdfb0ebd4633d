import { describe, expect, it } from "vitest";
import {
  ago,
  closingSentences,
  deviceLine,
  endedSentence,
  passwordChangedSentence,
  fieldMessage,
  groupedSecret,
  passkeyLine,
  recoveryCodesText,
  shortDay,
  typedCode,
  type LoginSession,
} from "./words";

const NOW = new Date("2026-12-03T15:00:00Z");
const minutes = (n: number): Date => new Date(NOW.getTime() - n * 60_000);

function session(changes: Partial<LoginSession>): LoginSession {
  return {
    id: "s1",
    browser: "Safari on iPhone",
    created_at: "2026-12-01T09:15:00Z",
    last_seen_at: minutes(125).toISOString(),
    ends_at: "2027-03-01T09:15:00Z",
    current: false,
    ...changes,
  };
}

describe("ago", () => {
  it("says how long ago, in the largest whole unit", () => {
    expect(ago(minutes(0.5), NOW)).toBe("just now");
    expect(ago(minutes(1), NOW)).toBe("1 minute ago");
    expect(ago(minutes(59), NOW)).toBe("59 minutes ago");
    expect(ago(minutes(60), NOW)).toBe("1 hour ago");
    expect(ago(minutes(125), NOW)).toBe("2 hours ago");
    expect(ago(minutes(24 * 60), NOW)).toBe("yesterday");
    expect(ago(minutes(3 * 24 * 60 + 5), NOW)).toBe("3 days ago");
  });

  it("reads a time a little ahead (clocks differ) as just now", () => {
    expect(ago(new Date(NOW.getTime() + 5_000), NOW)).toBe("just now");
  });
});

describe("shortDay", () => {
  it("leaves out this year and names another", () => {
    expect(shortDay(new Date("2026-12-01T09:15:00Z"), NOW, "Europe/London")).toBe("1 Dec");
    expect(shortDay(new Date("2025-11-30T09:15:00Z"), NOW, "Europe/London")).toBe("30 Nov 2025");
  });

  it("is the day where the device is", () => {
    expect(shortDay(new Date("2026-12-01T23:30:00Z"), NOW, "Europe/London")).toBe("1 Dec");
    expect(shortDay(new Date("2026-12-01T23:30:00Z"), NOW, "Asia/Tokyo")).toBe("2 Dec");
  });
});

describe("a signed-in device in words", () => {
  it("says when it signed in and when it was last used", () => {
    expect(deviceLine(session({}), NOW, "Europe/London")).toBe("Signed in 1 Dec, last active 2 hours ago");
    expect(deviceLine(session({ current: true }), NOW, "Europe/London")).toBe("Signed in 1 Dec, in use now");
  });

  it("counts the devices signed out", () => {
    expect(endedSentence(0)).toBe("You were not signed in on any other device.");
    expect(endedSentence(1)).toBe("Signed out on 1 other device.");
    expect(endedSentence(3)).toBe("Signed out on 3 other devices.");
  });

  it("says the other devices were signed out after a new password", () => {
    expect(passwordChangedSentence(2)).toBe(
      "Your password has been changed. We signed you out on 2 other devices: sign in there with your new password.",
    );
    expect(passwordChangedSentence(1)).toMatch(/on 1 other device:/);
    expect(passwordChangedSentence(0)).toBe("Your password has been changed. You were not signed in on any other device.");
  });
});

describe("groupedSecret", () => {
  it("groups the key in fours for typing by hand", () => {
    expect(groupedSecret("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")).toBe("JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP");
    expect(groupedSecret("jbswy3dpeh")).toBe("JBSW Y3DP EH");
    expect(groupedSecret("")).toBe("");
  });
});

describe("recoveryCodesText", () => {
  it("says whose codes they are and lists one a line", () => {
    const text = recoveryCodesText(["abcd-efgh-jkmn-pqrs", "tuvw-xyz2-3456-789a"], "dr.ward@example.org", NOW);
    expect(text.split("\n")).toEqual([
      "Afterline recovery codes for dr.ward@example.org",
      "Made on 2026-12-03. Each code signs you in once, instead of the code",
      "from your authenticator app. Keep them somewhere safe.",
      "",
      "abcd-efgh-jkmn-pqrs",
      "tuvw-xyz2-3456-789a",
      "",
    ]);
  });
});

describe("fieldMessage", () => {
  it("turns the server's fragment into a sentence about the field", () => {
    expect(fieldMessage("code", "code: is not the code your authenticator app shows now")).toBe(
      "That code is not the code your authenticator app shows now.",
    );
    expect(fieldMessage("code", "code: has already been used; wait for the next code")).toBe(
      "That code has already been used; wait for the next code.",
    );
    expect(fieldMessage("current_password", "current_password: is not your current password")).toBe(
      "That password is not your current password.",
    );
    expect(fieldMessage("new_password", "new_password: must be at least 10 characters")).toBe(
      "The new password must be at least 10 characters.",
    );
  });

  it("asks for a missing field", () => {
    expect(fieldMessage("code", "code: is required")).toBe("Enter the code.");
  });

  it("keeps a sentence it has no subject for", () => {
    expect(fieldMessage("other", "other: something odd")).toBe("Something odd.");
    expect(fieldMessage("code", "Too many attempts. Wait 30 seconds.")).toBe("Too many attempts. Wait 30 seconds.");
  });
});

describe("typedCode", () => {
  it("drops the spaces some apps show", () => {
    expect(typedCode(" 123 456 ")).toBe("123456");
    expect(typedCode("abcd-efgh-jkmn-pqrs")).toBe("abcd-efgh-jkmn-pqrs");
  });
});

describe("a passkey in words", () => {
  const passkey = { id: "p1", name: "Chrome on Linux", created_at: "2026-12-01T09:15:00Z", last_used_at: null };

  it("says when it was added, and that it has not signed anyone in yet", () => {
    expect(passkeyLine(passkey, NOW, "Europe/London")).toBe("Added 1 Dec, not used to sign in yet");
  });

  it("says when it last signed in", () => {
    expect(passkeyLine({ ...passkey, last_used_at: minutes(125).toISOString() }, NOW, "Europe/London")).toBe(
      "Added 1 Dec, last used 2 hours ago",
    );
    expect(passkeyLine({ ...passkey, created_at: "2025-06-02T10:00:00Z", last_used_at: minutes(0).toISOString() }, NOW, "Europe/London")).toBe(
      "Added 2 Jun 2025, last used just now",
    );
  });
});

describe("closing an account in words", () => {
  const terms = { clinic_name: "Harbour Vein Clinic", clinic_phone: "01632 960 123", retention_years: 8 };

  it("says how long the clinic keeps the record, and how to come back", () => {
    const said = closingSentences(terms);
    expect(said.record).toBe(
      "Harbour Vein Clinic keeps your clinical record for 8 years after your last treatment, " +
        "as health records law requires; after that it is erased.",
    );
    expect(said.back).toBe("If you change your mind, Harbour Vein Clinic can invite you back (call 01632 960 123).");
    expect(said.does).toHaveLength(3);
  });

  it("says one year, and leaves out a phone number the clinic has not given", () => {
    const said = closingSentences({ ...terms, clinic_phone: null, retention_years: 1 });
    expect(said.record).toContain("for 1 year after");
    expect(said.back).toBe("If you change your mind, Harbour Vein Clinic can invite you back.");
    expect(closingSentences({ ...terms, clinic_phone: "  " }).back).not.toContain("call");
  });
});

