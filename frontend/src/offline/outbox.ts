// The IndexedDB database that holds what a patient saved on this device and has not been
// sent yet: check-ins, warning-sign reports, and notices of entries the server refused.
//
// Every record carries its owner (the id of the user who saved it) as the first part of its
// key, and is read by owner only (the "owner" index). A phone or a clinic tablet shared by
// several patients keeps each one's entries apart: one patient's check-in is never shown to,
// nor sent under, another's account (see views/patient/sync.ts for when they are sent).
//
// The queues of earlier releases (databases "afterline-offline" and
// "afterline-warning-reports", keyed by date only) are adopted once by `adoptLegacyQueues`.

import { deleteDB, openDB, type IDBPDatabase } from "idb";

export const OUTBOX = "afterline-outbox";
export const CHECKINS = "checkins";
export const REPORTS = "reports";
export const NOTICES = "notices";
export const BY_OWNER = "owner";

/** Opens (creating on first use) the outbox database with its three owner-keyed stores. */
export function openOutbox(name = OUTBOX): Promise<IDBPDatabase> {
  return openDB(name, 1, {
    upgrade(db) {
      for (const [store, key] of [
        [CHECKINS, "local_date"],
        [REPORTS, "recorded_at"],
        [NOTICES, "id"],
      ] as const) {
        db.createObjectStore(store, { keyPath: [BY_OWNER, key] }).createIndex(BY_OWNER, BY_OWNER);
      }
    },
    // A newer release wants to upgrade the database: let it (this tab reloads anyway).
    blocking(_current, _next, event) {
      (event.target as IDBDatabase).close();
    },
  });
}

/** Where each legacy queue lived: database name and its one store. */
export const LEGACY = [
  { database: "afterline-offline", store: "checkins", into: CHECKINS },
  { database: "afterline-warning-reports", store: "reports", into: REPORTS },
] as const;

/**
 * Moves the entries of the earlier, ownerless queues into the outbox under `owner`: the
 * user this device last saw signed in *before* this release first ran (last-seen.ts's
 * `ownerWhenOpened`), who is the one that queued them. With no such user they cannot be
 * attributed and are dropped rather than risk sending them under someone else's account.
 * Either way the legacy stores are emptied and deleted, so this happens once. Returns the
 * number of entries adopted.
 */
export async function adoptLegacyQueues(owner: string | null, outbox: Promise<IDBPDatabase>): Promise<number> {
  if (typeof indexedDB.databases !== "function") return 0; // cannot tell which exist
  const present = new Set((await indexedDB.databases()).map((info) => info.name));
  let adopted = 0;
  for (const legacy of LEGACY) {
    if (!present.has(legacy.database)) continue;
    const old = await openDB(legacy.database);
    if (old.objectStoreNames.contains(legacy.store)) {
      const entries = (await old.getAll(legacy.store)) as object[];
      if (owner && entries.length > 0) {
        const tx = (await outbox).transaction(legacy.into, "readwrite");
        await Promise.all([...entries.map((entry) => tx.store.put({ ...entry, owner })), tx.done]);
        adopted += entries.length;
      } else if (entries.length > 0) {
        console.warn(`Dropped ${entries.length} queued entries of an unknown user from ${legacy.database}`);
      }
      await old.clear(legacy.store);
    }
    old.close();
    // Not awaited: a tab still running the earlier release holds the database open.
    void deleteDB(legacy.database);
  }
  return adopted;
}

/**
 * Deletes everything kept under `owner` (their unsent check-ins and reports, their notices):
 * an account closed for good has no one left to send them for. Returns how many were removed.
 */
export async function forgetOwner(owner: string, outbox: Promise<IDBPDatabase>): Promise<number> {
  const db = await outbox;
  const tx = db.transaction([CHECKINS, REPORTS, NOTICES], "readwrite");
  let removed = 0;
  for (const store of [CHECKINS, REPORTS, NOTICES]) {
    const keys = await tx.objectStore(store).index(BY_OWNER).getAllKeys(owner);
    await Promise.all(keys.map((key) => tx.objectStore(store).delete(key)));
    removed += keys.length;
  }
  await tx.done;
  return removed;
}
