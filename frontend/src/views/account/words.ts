// Account and security in plain words: a signed-in device, the key typed by hand into an
// authenticator app, a refused code or password. Pure, so the rules are unit-tested.
import type { Schemas } from "../../types";

/** GET /api/auth/sessions: one device (browser) the user is signed in on. */
export type LoginSession = Schemas["LoginSessionOut"];

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** How long ago `then` was, from `now`: "just now", "5 minutes ago", "2 hours ago", "yesterday", "3 days ago". */
export function ago(then: Date, now: Date): string {
  const gone = Math.max(0, now.getTime() - then.getTime());
  if (gone < MINUTE) return "just now";
  if (gone < HOUR) return `${count(Math.floor(gone / MINUTE), "minute", "minutes")} ago`;
  if (gone < DAY) return `${count(Math.floor(gone / HOUR), "hour", "hours")} ago`;
  const days = Math.floor(gone / DAY);
  return days === 1 ? "yesterday" : `${days} days ago`;
}

/** "3 Dec" (this year) or "3 Dec 2025" (another year), in `timeZone` (the device's by default). */
export function shortDay(when: Date, now: Date, timeZone?: string): string {
  const year = (date: Date): string => date.toLocaleDateString("en-GB", { year: "numeric", timeZone });
  return when.toLocaleDateString("en-GB", {
    day: "numeric",
    month: "short",
    year: year(when) === year(now) ? undefined : "numeric",
    timeZone,
  });
}

/** "Signed in 3 Dec, last active 2 hours ago"; the device in use: "Signed in 3 Dec, in use now". */
export function deviceLine(session: LoginSession, now: Date, timeZone?: string): string {
  const signedIn = `Signed in ${shortDay(new Date(session.created_at), now, timeZone)}`;
  if (session.current) return `${signedIn}, in use now`;
  return `${signedIn}, last active ${ago(new Date(session.last_seen_at), now)}`;
}

/** GET /api/auth/passkeys: one passkey. */
export type PasskeyRow = Schemas["PasskeyOut"];

/** "Added 3 Dec, last used 2 hours ago"; one never used to sign in: "Added 3 Dec, not used to sign in yet". */
export function passkeyLine(passkey: PasskeyRow, now: Date, timeZone?: string): string {
  const added = `Added ${shortDay(new Date(passkey.created_at), now, timeZone)}`;
  if (!passkey.last_used_at) return `${added}, not used to sign in yet`;
  return `${added}, last used ${ago(new Date(passkey.last_used_at), now)}`;
}

/** What "Sign out everywhere else" did: "Signed out on 2 other devices." */
export function endedSentence(ended: number): string {
  if (ended === 0) return "You were not signed in on any other device.";
  return `Signed out on ${count(ended, "other device", "other devices")}.`;
}

/** After a new password: what happened to the other devices. */
export function passwordChangedSentence(ended: number): string {
  const others =
    ended === 0
      ? "You were not signed in on any other device."
      : `We signed you out on ${count(ended, "other device", "other devices")}: sign in there with your new password.`;
  return `Your password has been changed. ${others}`;
}

/** The key for typing into an authenticator app by hand, in groups of four: "JBSW Y3DP EHPK 3PXP". */
export function groupedSecret(secret: string, size = 4): string {
  const plain = secret.replace(/\s+/g, "").toUpperCase();
  const groups: string[] = [];
  for (let i = 0; i < plain.length; i += size) groups.push(plain.slice(i, i + size));
  return groups.join(" ");
}

/** The recovery codes as a text file to download or copy: what they are, then one a line. */
export function recoveryCodesText(codes: string[], email: string, issued: Date): string {
  return [
    `Afterline recovery codes for ${email}`,
    `Made on ${issued.toISOString().slice(0, 10)}. Each code signs you in once, instead of the code`,
    "from your authenticator app. Keep them somewhere safe.",
    "",
    ...codes,
    "",
  ].join("\n");
}

// Who or what a refused field is, so the server's fragment ("is not your current password")
// reads as a sentence.
const SUBJECTS: Record<string, string> = {
  code: "That code",
  "off-code": "That code",
  current_password: "That password",
  new_password: "The new password",
  password: "That password",
};
const MISSING: Record<string, string> = {
  code: "Enter the code.",
  "off-code": "Enter the code.",
  current_password: "Enter your current password.",
  new_password: "Enter a new password.",
  password: "Enter your password.",
};

/**
 * A refused field in a sentence: the server says "code: has already been used; wait for
 * the next code", the form says "That code has already been used; wait for the next code."
 */
export function fieldMessage(field: string, detail: string): string {
  const fragment = detail.startsWith(`${field}: `) ? detail.slice(field.length + 2) : detail;
  if (fragment === "is required" && MISSING[field]) return MISSING[field];
  const subject = SUBJECTS[field];
  const sentence = subject && /^(is|has|must) /.test(fragment) ? `${subject} ${fragment}` : fragment;
  const capitalised = sentence.charAt(0).toUpperCase() + sentence.slice(1);
  return /[.!?]$/.test(capitalised) ? capitalised : `${capitalised}.`;
}

/** A code as typed: spaces (some apps show "123 456") dropped. */
export function typedCode(value: string): string {
  return value.replace(/\s+/g, "");
}

/** GET /api/me/leaving: what happens to the record when the patient leaves. */
export type Leaving = Schemas["LeavingOut"];

export interface ClosingSentences {
  /** What closing the account does, one line each. */
  does: string[];
  /** What happens to the clinical record, in the clinic's terms. */
  record: string;
  /** Coming back: the clinic invites them again (its phone number when it has one). */
  back: string;
}

/** What closing an account means, in the clinic's terms, for before and after. */
export function closingSentences(terms: Leaving): ClosingSentences {
  const years = count(terms.retention_years, "year", "years");
  const phone = terms.clinic_phone?.trim();
  return {
    does: [
      "signs you out on every device",
      "stops every reminder and message from Afterline",
      "removes your password, two-step sign-in and notifications, so nobody can sign in as you",
    ],
    record:
      `${terms.clinic_name} keeps your clinical record for ${years} after your last treatment, ` +
      "as health records law requires; after that it is erased.",
    back: `If you change your mind, ${terms.clinic_name} can invite you back${phone ? ` (call ${phone})` : ""}.`,
  };
}
