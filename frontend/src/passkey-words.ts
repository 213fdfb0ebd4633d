// Passkeys in words, and where they can work, without the WebAuthn library (that comes with
// the ceremonies, passkeys.ts, only when one starts): what went wrong (`passkeyProblem`: a
// prompt the user closed is said quietly, a server reached by an IP address, where WebAuthn
// cannot work, hides the passkey buttons) and whether to offer passkeys at all.
import { ApiError, OfflineError } from "./api";

/** Whether the browser has WebAuthn (a secure context); what @simplewebauthn/browser checks. */
function browserHasWebAuthn(): boolean {
  return typeof globalThis.PublicKeyCredential === "function";
}

/** A host name that is an IP address ("127.0.0.1", "[::1]"), for which no passkey can be made. */
export function isAddress(hostname: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname) || /^\[[0-9a-f:.]+\]$/i.test(hostname);
}

/**
 * Whether passkeys can work here: a browser with WebAuthn (a secure context), on a page
 * reached by a domain name (WebAuthn refuses IP addresses, so no passkey button is shown).
 */
export function passkeysSupported(hostname = location.hostname): boolean {
  return browserHasWebAuthn() && !isAddress(hostname);
}

/** What a passkey button says where the page is reached by an IP address. */
export const NO_DOMAIN = "Passkeys need the server to be reached by a domain name (such as localhost).";

export type Ceremony = "add" | "sign-in";

export interface PasskeyProblem {
  /** What to tell the user. */
  message: string;
  /**
   * cancelled: the user closed the browser's prompt (said quietly, not as an error);
   * unavailable: passkeys cannot work here (hide the button); signed-out: the session ended;
   * refused: anything else (the button stays, to try again).
   */
  kind: "cancelled" | "unavailable" | "signed-out" | "refused";
}

const CANCELLED: Record<Ceremony, string> = {
  add: "Adding a passkey was cancelled.",
  "sign-in": "Passkey sign-in was cancelled.",
};

function sentence(text: string): string {
  const capitalised = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(capitalised) ? capitalised : `${capitalised}.`;
}

/**
 * What a failed passkey ceremony means for the user: the browser's refusals (by the DOMException
 * name, which @simplewebauthn/browser's WebAuthnError keeps) and the server's.
 */
export function passkeyProblem(error: unknown, ceremony: Ceremony): PasskeyProblem {
  if (error instanceof ApiError) {
    if (error.status === 401) return { kind: "signed-out", message: "You have been signed out." };
    if (error.status === 409 && /domain name/.test(error.detail)) return { kind: "unavailable", message: sentence(error.detail) };
    if (error.status === 422 && error.field === "credential") {
      const fragment = error.detail.replace(/^credential: /, "");
      return { kind: "refused", message: sentence(/^(is|was|has|answers) /.test(fragment) ? `That passkey ${fragment}` : fragment) };
    }
    if (error.status >= 500) return { kind: "refused", message: "Something went wrong on our side. Please try again in a moment." };
    return { kind: "refused", message: sentence(error.detail) }; // 429: how long to wait; 409: already registered
  }
  if (error instanceof OfflineError) {
    return { kind: "refused", message: "You seem to be offline. Try again when you have a connection." };
  }
  const name = error instanceof Error ? error.name : "";
  const code = (error as { code?: unknown } | null)?.code;
  // Closed, timed out, or (some browsers) no passkey chosen: the browser does not say which.
  if (name === "NotAllowedError" || name === "AbortError") return { kind: "cancelled", message: CANCELLED[ceremony] };
  if (name === "InvalidStateError" || code === "ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED") {
    return { kind: "refused", message: "This device already has a passkey for your account." };
  }
  if (name === "SecurityError") return { kind: "unavailable", message: NO_DOMAIN };
  if (!browserHasWebAuthn()) return { kind: "unavailable", message: "This browser cannot use passkeys." };
  return {
    kind: "refused",
    message:
      ceremony === "add"
        ? "This device could not make a passkey. Try again, or use another device."
        : "That did not work. Try again, or sign in with your email and password.",
  };
}
