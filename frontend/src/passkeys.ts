// Passkeys: adding one to the signed-in account (or to a practitioner's sign-in that waits for
// two-step sign-in to be set up), and signing in with one, no email or password. The browser's
// side of each ceremony is @simplewebauthn/browser's (the base64url conversions included);
// the server checks every answer (api/identity/passkeys.py). Loaded when a passkey button is
// shown, not with the sign-in page's shell; what went wrong, in words, is passkey-words.ts.
import {
  startAuthentication,
  startRegistration,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from "@simplewebauthn/browser";
import { api } from "./api";
import type { Schemas } from "./types";

/** GET /api/auth/passkeys: one passkey of the signed-in user. */
export type Passkey = Schemas["PasskeyOut"];

/** Creates a passkey on this device and keeps it on the server: the new passkey. */
export async function addPasskey(name?: string): Promise<Passkey> {
  const optionsJSON = await api<PublicKeyCredentialCreationOptionsJSON>("POST", "/api/auth/passkeys/registration-options");
  const credential = await startRegistration({ optionsJSON });
  const body: Schemas["PasskeyIn"] = { credential, name: name ?? null };
  return api<Passkey>("POST", "/api/auth/passkeys", body);
}

/** Signs in with a passkey the browser offers (no email, no password): who signed in. */
export async function signInWithPasskey(): Promise<Schemas["UserOut"]> {
  const optionsJSON = await api<PublicKeyCredentialRequestOptionsJSON>("POST", "/api/auth/passkeys/sign-in-options");
  const credential = await startAuthentication({ optionsJSON });
  const body: Schemas["PasskeySignInIn"] = { credential };
  return api<Schemas["UserOut"]>("POST", "/api/auth/passkeys/sign-in", body);
}
