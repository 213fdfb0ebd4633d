// Who is signed in. Cached for the page's life; sign-in, sign-out and a 401 reset it.
//
// Offline, the last user seen on this device is still signed in (the app opens on their
// Today, not on Sign in): only the server can say a session ended, with a 401. Everything
// the device keeps of a user is keyed by their id. Copies of their records are dropped when
// their session ends; what they saved and have not sent (the outbox, offline/outbox.ts)
// stays under their id, is never shown or sent for anyone else, and is sent when they sign
// in again. Signing out with something unsent asks first.
import { api, ApiError, OfflineError } from "./api";
import type { Role } from "./nav";
import { forgetLastSeen, lastSeenUser } from "./offline/last-seen";
import { SIGNED_IN, type SignedInMessage } from "./offline/messages";
import type { Schemas } from "./types";

/** GET /api/auth/me: who is signed in. */
type UserOut = Schemas["UserOut"];

/** The signed-in user, with a role this app has screens for (the API's `role` is a string). */
export type Me = UserOut & { role: Role };

function isMe(user: UserOut): user is Me {
  return user.role === "patient" || user.role === "practitioner";
}

/**
 * What a password sign-in still needs before the user is signed in: a code from their
 * authenticator app (or a recovery code), or setting up two-step sign-in (the clinic requires
 * it of practitioners). Until then the user is not signed in: nothing is kept on the device
 * under them, and the server refuses every screen's request.
 */
export type Awaiting = "second_factor" | "enrolment";

export function awaitingOf(user: Pick<UserOut, "awaiting">): Awaiting | null {
  return user.awaiting === "second_factor" || user.awaiting === "enrolment" ? user.awaiting : null;
}

// Copies other screens keep on the device outside offline/last-seen.ts (Today's last answer).
const OTHER_DEVICE_COPIES = ["afterline.today"];

let current: Me | null | undefined;
let pending: Awaiting | null = null;

/**
 * The signed-in user; null when signed out (the server answered 401, or this device is
 * offline and has never seen who is signed in) or half-way through signing in (see
 * `awaiting`). Other failures (5xx, a role the app has no screens for) are thrown.
 */
export async function me(): Promise<Me | null> {
  if (current !== undefined) return current;
  try {
    const seen = await lastSeenUser<UserOut>("/api/auth/me", (user) => awaitingOf(user) === null);
    const user = seen.data;
    const step = awaitingOf(user);
    if (step) {
      // Password accepted, the second factor not yet: not signed in, on the device or here.
      tellServiceWorker(null);
      pending = step;
      current = null;
      return current;
    }
    // No screens for that role: a failure (the screen says so, with Retry), not signed out.
    if (!isMe(user)) throw new Error(`No screens for the role "${user.role}"`);
    // A copy from this device (offline) is not kept: the server is asked again next time.
    if (seen.seenAt !== null) return user;
    current = user;
    tellServiceWorker(current.id);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      ended();
      current = null;
    } else if (error instanceof OfflineError) {
      return null; // not cached: asked again once the connection is back
    } else {
      throw error;
    }
  }
  return current;
}

/**
 * What the sign-in in progress on this browser still needs (after `me()` answered null), or
 * null when none is in progress: a reload resumes it at the right step.
 */
export async function awaiting(): Promise<Awaiting | null> {
  await me();
  return current === null ? pending : null;
}

/**
 * Tells the service worker who is signed in, so what it queues for Background Sync carries
 * its owner (offline/signed-in.ts). Once the worker is active: a page it does not control
 * yet still tells it. No worker (development, or none registered): nothing to tell.
 */
function tellServiceWorker(id: string | null): void {
  if (!("serviceWorker" in navigator)) return;
  const message: SignedInMessage = { type: SIGNED_IN, id };
  void navigator.serviceWorker.ready.then((registration) => registration.active?.postMessage(message)).catch(() => undefined);
}

/**
 * A session ended (a 401, signing out) or a new one began (signing in): the server is asked
 * again who is signed in, and nothing of an earlier user stays on the device.
 */
export function ended(): void {
  current = undefined;
  pending = null;
  tellServiceWorker(null);
  forgetLastSeen();
  for (const key of OTHER_DEVICE_COPIES) localStorage.removeItem(key);
}

/** What the signed-in user has saved on this device and not sent yet. */
export interface Unsent {
  checkins: number;
  reports: number;
}

function counted(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * The warning before signing out with something unsent, or null when nothing is. Nothing
 * is lost by signing out: it stays on the device, under its owner, and is sent when they
 * sign in again (never under anyone else's account).
 */
export function unsentWarning({ checkins, reports }: Unsent): string | null {
  const parts = [
    ...(checkins > 0 ? [counted(checkins, "check-in", "check-ins")] : []),
    ...(reports > 0 ? [counted(reports, "warning-sign report", "warning-sign reports")] : []),
  ];
  if (parts.length === 0) return null;
  const one = checkins + reports === 1;
  const clinic = reports > 0 ? " Until then the clinic has not been told about your warning signs." : "";
  return (
    `You have ${parts.join(" and ")} not sent yet. If you sign out now ${one ? "it stays" : "they stay"} ` +
    `on this phone and ${one ? "is" : "are"} sent when you sign in again.${clinic}`
  );
}

export interface SignOutSteps {
  /** Sends what it can, then says what is still unsent (a patient's queue). */
  unsent?: () => Promise<Unsent>;
  /** Asks whether to sign out anyway; false: stay signed in. */
  confirm?: (question: string) => Promise<boolean>;
}

/**
 * Signs out on the server, then forgets the user here; false when the user chose to stay
 * signed in rather than leave check-ins unsent. Offline it cannot (the server would keep
 * the session): the OfflineError is thrown for the caller to say so.
 */
export async function signOut(steps: SignOutSteps = {}): Promise<boolean> {
  if (!navigator.onLine) throw new OfflineError("Signing out needs a connection");
  const left = steps.unsent ? await steps.unsent().catch(() => null) : null;
  const question = left ? unsentWarning(left) : null;
  if (question && steps.confirm && !(await steps.confirm(question))) return false;
  try {
    await api("POST", "/api/auth/logout");
  } catch (error) {
    // Already signed out on the server: nothing left to end there.
    if (!(error instanceof ApiError && error.status === 401)) throw error;
  }
  ended();
  return true;
}
