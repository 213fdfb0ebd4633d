import { WebAuthnError } from "@simplewebauthn/browser";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, OfflineError } from "./api";
import { isAddress, passkeyProblem, passkeysSupported } from "./passkey-words";

afterEach(() => vi.unstubAllGlobals());

/** A browser that has WebAuthn (node has no PublicKeyCredential). */
function withWebAuthn(): void {
  vi.stubGlobal("PublicKeyCredential", function PublicKeyCredential() {});
}

describe("passkeyProblem: the browser's answers", () => {
  it("reads a closed prompt as cancelled, quietly, whether wrapped or not", () => {
    withWebAuthn();
    const closed = new DOMException("The operation either timed out or was not allowed.", "NotAllowedError");
    expect(passkeyProblem(closed, "sign-in")).toEqual({ kind: "cancelled", message: "Passkey sign-in was cancelled." });
    const wrapped = new WebAuthnError({ message: closed.message, code: "ERROR_PASSTHROUGH_SEE_CAUSE_PROPERTY", cause: closed });
    expect(passkeyProblem(wrapped, "add")).toEqual({ kind: "cancelled", message: "Adding a passkey was cancelled." });
  });

  it("says this device already has one", () => {
    withWebAuthn();
    const again = new WebAuthnError({
      message: "The authenticator was previously registered",
      code: "ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED",
      cause: new DOMException("excluded", "InvalidStateError"),
    });
    expect(passkeyProblem(again, "add")).toEqual({
      kind: "refused",
      message: "This device already has a passkey for your account.",
    });
  });

  it("takes a site the browser will not make passkeys for (an IP address) as unavailable", () => {
    withWebAuthn();
    const insecure = new DOMException("This is an invalid domain.", "SecurityError");
    expect(passkeyProblem(insecure, "sign-in").kind).toBe("unavailable");
  });

  it("says a browser without passkeys cannot use them, and anything else in words", () => {
    expect(passkeyProblem(new Error("WebAuthn is not supported in this browser"), "add")).toEqual({
      kind: "unavailable",
      message: "This browser cannot use passkeys.",
    });
    withWebAuthn();
    expect(passkeyProblem(new DOMException("boom", "UnknownError"), "add")).toEqual({
      kind: "refused",
      message: "This device could not make a passkey. Try again, or use another device.",
    });
    expect(passkeyProblem(new OfflineError("down"), "sign-in").message).toBe(
      "You seem to be offline. Try again when you have a connection.",
    );
  });
});

describe("passkeyProblem: the server's answers", () => {
  it("says a refused passkey in a sentence", () => {
    const refused = new ApiError(422, "credential: was not accepted; try again, or sign in with your password", "credential");
    expect(passkeyProblem(refused, "sign-in")).toEqual({
      kind: "refused",
      message: "That passkey was not accepted; try again, or sign in with your password.",
    });
    const stale = new ApiError(422, "credential: answers no current request; start again", "credential");
    expect(passkeyProblem(stale, "sign-in").message).toBe("That passkey answers no current request; start again.");
  });

  it("takes a server reached by an IP address as unavailable, in its own words", () => {
    const noDomain = new ApiError(409, "Passkeys need the server to be reached by a domain name (such as localhost)", null);
    expect(passkeyProblem(noDomain, "add")).toEqual({
      kind: "unavailable",
      message: "Passkeys need the server to be reached by a domain name (such as localhost).",
    });
  });

  it("passes on how long to wait, and an ended session", () => {
    const limited = new ApiError(429, "Too many sign-in attempts. Try again in 5 minutes.", null);
    expect(passkeyProblem(limited, "sign-in")).toEqual({ kind: "refused", message: limited.detail });
    expect(passkeyProblem(new ApiError(401, "Not signed in", null), "add").kind).toBe("signed-out");
    expect(passkeyProblem(new ApiError(503, "busy", null), "add").message).toBe(
      "Something went wrong on our side. Please try again in a moment.",
    );
  });
});

describe("where passkeys can work", () => {
  it("knows an IP address from a domain name", () => {
    expect(isAddress("127.0.0.1")).toBe(true);
    expect(isAddress("192.168.1.20")).toBe(true);
    expect(isAddress("[::1]")).toBe(true);
    expect(isAddress("[2001:db8::1]")).toBe(true);
    expect(isAddress("localhost")).toBe(false);
    expect(isAddress("afterline.example.org")).toBe(false);
    expect(isAddress("1password.example")).toBe(false);
  });

  it("needs WebAuthn and a domain name", () => {
    expect(passkeysSupported("localhost")).toBe(false); // node: no WebAuthn
    withWebAuthn();
    expect(passkeysSupported("localhost")).toBe(true);
    expect(passkeysSupported("127.0.0.1")).toBe(false);
  });
});

