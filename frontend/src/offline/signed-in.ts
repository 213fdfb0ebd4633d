// The service worker's note of who is signed in on this device, so each request it queues
// for Background Sync can carry its owner (background-sync.ts). The page tells it
// (session.ts: each answer to "who is signed in", and null when a session ends) with a
// message, rather than the worker reading the page's requests: GET /api/auth/me stays a
// plain network request, whatever state the worker is in. The note lives in IndexedDB:
// the browser stops and restarts the worker at will.
//
// The note only labels requests as they are queued; before any is replayed, the server is
// asked again who the cookie belongs to.

import { openDB, type IDBPDatabase } from "idb";
import { isSignedInMessage } from "./messages";

const STORE = "state";
const KEY = "signed-in";

export class SignedInNote {
  private db: Promise<IDBPDatabase>;

  constructor(name = "afterline-sw") {
    this.db = openDB(name, 1, {
      upgrade(db) {
        db.createObjectStore(STORE);
      },
    });
  }

  async get(): Promise<string | null> {
    const value: unknown = await (await this.db).get(STORE, KEY);
    return typeof value === "string" ? value : null;
  }

  async set(userId: string | null): Promise<void> {
    const db = await this.db;
    if (userId) await db.put(STORE, userId, KEY);
    else await db.delete(STORE, KEY);
  }

  /** Takes a message from a page: a SIGNED_IN message updates the note, others are ignored. */
  async receive(data: unknown): Promise<void> {
    if (isSignedInMessage(data)) await this.set(data.id);
  }
}
