import { describe, expect, it } from "vitest";
import {
  ago,
  deviceLine,
  endedSentence,
  passwordChangedSentence,
  fieldMessage,
  groupedSecret,
  recoveryCodesText,
  shortDay,
  svgOfDataUri,
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

describe("svgOfDataUri", () => {
  it("reads URL-encoded and base64 SVG data URIs", () => {
    const svg = "<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'><path d='M0 0h1'/></svg>";
    expect(svgOfDataUri(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`)).toBe(svg);
    expect(svgOfDataUri(`data:image/svg+xml;base64,${btoa(svg)}`)).toBe(svg);
  });

  it("refuses anything else", () => {
    expect(svgOfDataUri("data:image/png;base64,AAAA")).toBeNull();
    expect(svgOfDataUri("https://example.org/qr.svg")).toBeNull();
    expect(svgOfDataUri("data:image/svg+xml,%E0%A4%A")).toBeNull();
  });
});
