import { describe, expect, it } from "vitest";
import { ApiError, OfflineError } from "./api";
import { failureOf, failureSentence } from "./failure";

describe("failureOf", () => {
  it("sends a 401 to Sign in", () => {
    expect(failureOf(new ApiError(401, "Not signed in", null), true)).toBe("signed-out");
  });

  it("tells a server error from a refusal and from no connection", () => {
    expect(failureOf(new ApiError(500, "The server answered 500", null), true)).toBe("server");
    expect(failureOf(new ApiError(503, "", null), true)).toBe("server");
    expect(failureOf(new ApiError(404, "No such patient", null), true)).toBe("refused");
    expect(failureOf(new OfflineError("Failed to fetch"), true)).toBe("offline");
  });

  it("counts a screen's code that could not be fetched offline as offline", () => {
    expect(failureOf(new TypeError("Failed to fetch dynamically imported module"), false)).toBe("offline");
    expect(failureOf(new TypeError("x is undefined"), true)).toBe("unknown");
  });
});

describe("failureSentence", () => {
  it("never shows a status code or the server's words", () => {
    for (const failure of ["offline", "server", "refused", "unknown"] as const) {
      expect(failureSentence(failure)).not.toMatch(/\d{3}|server answered/i);
    }
  });
});
