// What this device last saw of the signed-in user's own records, for reading offline.
//
// Network first: a fresh answer is stored and returned. When the request never reaches the
// server (OfflineError), the last copy is returned with the time it was seen, so the screen
// can say "as last seen on …". Any answer from the server (401 included) is passed on: only a
// real answer decides that a session ended. Copies are keyed by the user's id, so a shared
// phone never shows one patient another's records, and `forgetLastSeen` clears them at sign-out.
//
// The owner (whose copies these are) is remembered on the device too: a patient who opens
// the app offline is still known, so the app can open on their Today instead of Sign in.
import { api, OfflineError } from "../api";

const PREFIX = "afterline.last-seen.";
const OWNER_KEY = `${PREFIX}owner`;

export interface Seen<T> {
  data: T;
  /** ISO instant of the copy shown; null when it is fresh from the server. */
  seenAt: string | null;
}

let owner: string | null | undefined;
let openedWith: string | null | undefined;

/** The owner as this page found it on the device, before anything here changed it. */
function firstLook(): void {
  if (openedWith === undefined) openedWith = localStorage.getItem(OWNER_KEY);
}

function currentOwner(): string | null {
  firstLook();
  if (owner === undefined) owner = localStorage.getItem(OWNER_KEY);
  return owner;
}

/**
 * The user this device takes to be signed in: whose copies are kept, and whose queued
 * check-ins are shown and sent (views/patient/sync.ts). Null when nobody is.
 */
export function lastSeenOwner(): string | null {
  return currentOwner();
}

/**
 * Who this device took to be signed in when the page opened, before the server was asked:
 * the owner of anything an earlier release kept without saying whose it was.
 */
export function ownerWhenOpened(): string | null {
  firstLook();
  return openedWith ?? null;
}

/** Whose copies are read and written (the signed-in user's id); null: none are. */
export function setLastSeenOwner(userId: string | null): void {
  firstLook();
  owner = userId;
  if (userId) localStorage.setItem(OWNER_KEY, userId);
  else localStorage.removeItem(OWNER_KEY);
}

function key(path: string, who: string | null = currentOwner()): string | null {
  return who ? `${PREFIX}${who}.${path}` : null;
}

function store<T>(slot: string | null, data: T): void {
  if (!slot) return;
  try {
    localStorage.setItem(slot, JSON.stringify({ data, seenAt: new Date().toISOString() }));
  } catch {
    // Storage full or refused (private mode): the screen still shows the fresh answer.
  }
}

function stored<T>(slot: string | null): Seen<T> | null {
  const text = slot ? localStorage.getItem(slot) : null;
  return text ? (JSON.parse(text) as Seen<T>) : null;
}

export async function lastSeen<T>(path: string): Promise<Seen<T>> {
  try {
    const data = await api<T>("GET", path);
    store(key(path), data);
    return { data, seenAt: null };
  } catch (error) {
    const copy = error instanceof OfflineError ? stored<T>(key(path)) : null;
    if (copy) return copy;
    throw error;
  }
}

/**
 * The signed-in user (GET /api/auth/me), network first, and the owner of the copies from
 * then on. A different user from the last one on this device: the last one's copies are
 * dropped first. Offline, the last user seen here, or the OfflineError when there is none.
 *
 * An answer `signedIn` refuses (a sign-in still waiting for its second factor) is passed on
 * but never kept: nobody owns the copies then, so offline nobody is taken to be signed in.
 */
export async function lastSeenUser<T extends { id: string }>(
  path: string,
  signedIn: (data: T) => boolean = () => true,
): Promise<Seen<T>> {
  try {
    const data = await api<T>("GET", path);
    if (!signedIn(data)) {
      forgetLastSeen();
      return { data, seenAt: null };
    }
    if (data.id !== currentOwner()) {
      forgetLastSeen();
      setLastSeenOwner(data.id);
    }
    store(key(path), data);
    return { data, seenAt: null };
  } catch (error) {
    const copy = error instanceof OfflineError ? stored<T>(key(path)) : null;
    if (copy && copy.data.id === currentOwner()) return copy;
    throw error;
  }
}

/** The stored copy of `path` without asking the server (a screen already offline). */
export function peekLastSeen<T>(path: string): Seen<T> | null {
  return stored<T>(key(path));
}

/** Drops every stored copy and the owner (sign-out, a session that ended, another user). */
export function forgetLastSeen(): void {
  firstLook();
  for (let i = localStorage.length - 1; i >= 0; i -= 1) {
    const name = localStorage.key(i);
    if (name?.startsWith(PREFIX)) localStorage.removeItem(name);
  }
  owner = null;
}
