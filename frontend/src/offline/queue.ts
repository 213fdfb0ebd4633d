// Check-ins saved while offline wait here (IndexedDB) until they can be sent.
//
// One entry per local date: a second edit of the same day while offline replaces the first
// (the newer `recorded_at` wins, as on the server). Each entry is sent with the same PUT and
// its original `recorded_at`, so a replay that arrives after a newer edit made elsewhere is
// refused by the server as stale rather than overwriting it.

import { openDB, type IDBPDatabase } from "idb";
import type { CheckinBody, WarningAdvice, WarningReportBody } from "../types";

export interface QueuedCheckin {
  local_date: string;
  body: CheckinBody;
}

/** What sending one entry came to: done (remove it), or retry later (keep it, stop here). */
export type SendOutcome = "done" | "retry";

export interface FlushResult {
  sent: string[];
  kept: string[];
}

const STORE = "checkins";

export class CheckinQueue {
  private db: Promise<IDBPDatabase>;
  private flushing: Promise<FlushResult> | null = null;

  constructor(name = "afterline-offline") {
    this.db = openDB(name, 1, {
      upgrade(db) {
        db.createObjectStore(STORE, { keyPath: "local_date" });
      },
    });
  }

  /** Queue a check-in; an older one for the same date is replaced, a newer one kept. */
  async put(item: QueuedCheckin): Promise<void> {
    const db = await this.db;
    const tx = db.transaction(STORE, "readwrite");
    const existing = (await tx.store.get(item.local_date)) as QueuedCheckin | undefined;
    if (!existing || existing.body.recorded_at <= item.body.recorded_at) {
      await tx.store.put(item);
    }
    await tx.done;
  }

  async all(): Promise<QueuedCheckin[]> {
    const db = await this.db;
    return (await db.getAll(STORE)) as QueuedCheckin[];
  }

  async has(localDate: string): Promise<boolean> {
    const db = await this.db;
    return (await db.getKey(STORE, localDate)) !== undefined;
  }

  /** Remove an entry only if it is still the one that was sent (not a newer edit). */
  private async removeIfSame(item: QueuedCheckin): Promise<void> {
    const db = await this.db;
    const tx = db.transaction(STORE, "readwrite");
    const current = (await tx.store.get(item.local_date)) as QueuedCheckin | undefined;
    if (current && current.body.recorded_at === item.body.recorded_at) {
      await tx.store.delete(item.local_date);
    }
    await tx.done;
  }

  /**
   * Send every entry, oldest date first. Stops at the first "retry" (still offline, or
   * signed out) and keeps the rest. Concurrent calls share one run, so the `online` event
   * and a page load at the same moment never send an entry twice.
   */
  flush(send: (item: QueuedCheckin) => Promise<SendOutcome>): Promise<FlushResult> {
    if (this.flushing) return this.flushing;
    this.flushing = (async () => {
      const result: FlushResult = { sent: [], kept: [] };
      const items = (await this.all()).sort((a, b) => a.local_date.localeCompare(b.local_date));
      let stopped = false;
      for (const item of items) {
        if (stopped) {
          result.kept.push(item.local_date);
          continue;
        }
        const outcome = await send(item);
        if (outcome === "done") {
          await this.removeIfSame(item);
          result.sent.push(item.local_date);
        } else {
          stopped = true;
          result.kept.push(item.local_date);
        }
      }
      return result;
    })().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }
}

const REPORTS = "reports";

/**
 * Warning-sign reports made from Today while offline (POST /api/me/warning-signs), in their
 * own IndexedDB database so the check-in queue's schema never has to be upgraded under an
 * open tab. One entry per `recorded_at` (the server's idempotency key), sent oldest first
 * with the check-in queue; the advice the server answered is kept in the flush result so
 * the screen can replace "the clinic has not been told" with what the clinic says.
 */
export class ReportQueue {
  private db: Promise<IDBPDatabase>;
  private flushing: Promise<ReportFlushResult> | null = null;

  constructor(name = "afterline-warning-reports") {
    this.db = openDB(name, 1, {
      upgrade(db) {
        db.createObjectStore(REPORTS, { keyPath: "recorded_at" });
      },
    });
  }

  async put(report: WarningReportBody): Promise<void> {
    const db = await this.db;
    await db.put(REPORTS, report);
  }

  async all(): Promise<WarningReportBody[]> {
    const db = await this.db;
    return (await db.getAll(REPORTS)) as WarningReportBody[];
  }

  /** Send every report, oldest first; stops at the first "retry" and keeps the rest. */
  flush(send: (report: WarningReportBody) => Promise<ReportSent>): Promise<ReportFlushResult> {
    if (this.flushing) return this.flushing;
    this.flushing = (async () => {
      const result: ReportFlushResult = { sent: [], kept: [], advice: {} };
      const reports = (await this.all()).sort((a, b) => a.recorded_at.localeCompare(b.recorded_at));
      for (const report of reports) {
        if (result.kept.length > 0) {
          result.kept.push(report.recorded_at);
          continue;
        }
        const { outcome, advice } = await send(report);
        if (outcome === "done") {
          await (await this.db).delete(REPORTS, report.recorded_at);
          result.sent.push(report.recorded_at);
          if (advice) result.advice[report.recorded_at] = advice;
        } else {
          result.kept.push(report.recorded_at);
        }
      }
      return result;
    })().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }
}

/** What sending one report came to, and the server's advice when it answered with one. */
export interface ReportSent {
  outcome: SendOutcome;
  advice?: WarningAdvice;
}

/** Reports by `recorded_at`: sent (with the server's advice, when it gave one) and kept. */
export interface ReportFlushResult {
  sent: string[];
  kept: string[];
  advice: Record<string, WarningAdvice>;
}
