// Who is signed in. Cached for the page's life; sign-in, sign-out and a 401 reset it.
//
// Offline, the last user seen on this device is still signed in (the app opens on their
// Today, not on Sign in): only the server can say a session ended, with a 401. Everything
// the device keeps of a user is keyed by their id and dropped when their session ends.
import { api, ApiError, OfflineError } from "./api";
import { forgetLastSeen, lastSeenUser } from "./offline/last-seen";

export interface Me {
  id: string;
  email: string;
  name: string;
  role: "patient" | "practitioner";
}

// Copies other screens keep on the device outside offline/last-seen.ts (Today's last answer).
const OTHER_DEVICE_COPIES = ["afterline.today"];

let current: Me | null | undefined;

/**
 * The signed-in user; null when signed out (the server answered 401, or this device is
 * offline and has never seen who is signed in). Other failures (5xx) are thrown.
 */
export async function me(): Promise<Me | null> {
  if (current !== undefined) return current;
  try {
    const seen = await lastSeenUser<Me>("/api/auth/me");
    // A copy from this device (offline) is not kept: the server is asked again next time.
    if (seen.seenAt !== null) return seen.data;
    current = seen.data;
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
 * A session ended (a 401, signing out) or a new one began (signing in): the server is asked
 * again who is signed in, and nothing of an earlier user stays on the device.
 */
export function ended(): void {
  current = undefined;
  forgetLastSeen();
  for (const key of OTHER_DEVICE_COPIES) localStorage.removeItem(key);
}

/**
 * Signs out on the server, then forgets the user here. Offline it cannot (the server would
 * keep the session): the OfflineError is thrown for the caller to say so.
 */
export async function signOut(beforeLeaving?: () => Promise<unknown>): Promise<void> {
  if (beforeLeaving) await beforeLeaving().catch(() => undefined);
  try {
    await api("POST", "/api/auth/logout");
  } catch (error) {
    // Already signed out on the server: nothing left to end there.
    if (!(error instanceof ApiError && error.status === 401)) throw error;
  }
  ended();
}
