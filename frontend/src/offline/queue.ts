// Check-ins and warning-sign reports saved while offline wait here (IndexedDB, outbox.ts)
// until they can be sent, each under the user who saved it: every call names the owner,
// and an owner's entries are never read, sent or counted for anyone else.
//
// Check-ins: one entry per owner and local date; a second edit of the same day while
// offline replaces the first (the newer `recorded_at` wins, as on the server). Each entry is
// sent with the same PUT and its original `recorded_at`, so a replay that arrives after a
// newer edit made elsewhere is answered "stale" rather than overwriting it.
//
// Reports: one per owner and `recorded_at` (the server's idempotency key), sent oldest
// first; the advice the server answered is kept in the flush result so the screen can
// replace "the clinic has not been told" with what the clinic says.

import type { IDBPDatabase } from "idb";
import type { CheckinBody, WarningAdvice, WarningReportBody } from "../types";
import { BY_OWNER, CHECKINS, openOutbox, REPORTS } from "./outbox";

export interface QueuedCheckin {
  local_date: string;
  body: CheckinBody;
}

/**
 * What sending one entry came to. Taken off the queue: `sent`; `refused` (the server will
 * never take it: the patient is told); `dropped` (not this queue's to send: the service
 * worker's copy of another user's entry). Kept: `retry` (this entry failed; the others are
 * still tried) or `stop` (no answer, or the session ended: this one and the rest wait).
 */
export type SendOutcome = "sent" | "refused" | "dropped" | "retry" | "stop";

/** Entries by key (local date, or `recorded_at`): sent, refused for good, and kept. */
export interface FlushResult {
  sent: string[];
  refused: string[];
  kept: string[];
}

type Owned<T> = T & { owner: string };

function withoutOwner<T>({ owner: _owner, ...rest }: Owned<T>): T {
  return rest as T;
}

/**
 * Sends `items` in order, each once. Never lets one entry hold back the others: only "stop"
 * keeps the rest unsent. `remove` takes a sent or refused entry off the queue.
 */
async function sendInOrder<T>(
  items: T[],
  keyOf: (item: T) => string,
  send: (item: T) => Promise<SendOutcome>,
  remove: (item: T) => Promise<void>,
): Promise<FlushResult> {
  const result: FlushResult = { sent: [], refused: [], kept: [] };
  let stopped = false;
  for (const item of items) {
    const outcome: SendOutcome = stopped ? "stop" : await send(item);
    if (outcome === "retry" || outcome === "stop") {
      stopped ||= outcome === "stop";
      result.kept.push(keyOf(item));
      continue;
    }
    await remove(item);
    if (outcome === "sent") result.sent.push(keyOf(item));
    if (outcome === "refused") result.refused.push(keyOf(item));
  }
  return result;
}

/** One flush per owner at a time: a second call while one runs shares its result. */
class SingleFlight<R> {
  private running = new Map<string, Promise<R>>();

  run(owner: string, work: () => Promise<R>): Promise<R> {
    const existing = this.running.get(owner);
    if (existing) return existing;
    const started = work().finally(() => this.running.delete(owner));
    this.running.set(owner, started);
    return started;
  }
}

function database(source: string | Promise<IDBPDatabase>): Promise<IDBPDatabase> {
  return typeof source === "string" ? openOutbox(source) : source;
}

export class CheckinQueue {
  private db: Promise<IDBPDatabase>;
  private flights = new SingleFlight<FlushResult>();

  constructor(source: string | Promise<IDBPDatabase> = openOutbox()) {
    this.db = database(source);
  }

  /** Queue a check-in; an older one for the same owner and date is replaced, a newer one kept. */
  async put(owner: string, item: QueuedCheckin): Promise<void> {
    const db = await this.db;
    const tx = db.transaction(CHECKINS, "readwrite");
    const existing = (await tx.store.get([owner, item.local_date])) as Owned<QueuedCheckin> | undefined;
    if (!existing || existing.body.recorded_at <= item.body.recorded_at) {
      await tx.store.put({ ...item, owner });
    }
    await tx.done;
  }

  /** The owner's queued check-ins, oldest date first. */
  async all(owner: string): Promise<QueuedCheckin[]> {
    const db = await this.db;
    const rows = (await db.getAllFromIndex(CHECKINS, BY_OWNER, owner)) as Owned<QueuedCheckin>[];
    return rows.map((row) => withoutOwner<QueuedCheckin>(row)).sort((a, b) => a.local_date.localeCompare(b.local_date));
  }

  async has(owner: string, localDate: string): Promise<boolean> {
    const db = await this.db;
    return (await db.getKey(CHECKINS, [owner, localDate])) !== undefined;
  }

  async count(owner: string): Promise<number> {
    return (await this.db).countFromIndex(CHECKINS, BY_OWNER, owner);
  }

  /** Remove an entry only if it is still the one that was sent (not a newer edit). */
  private async removeIfSame(owner: string, item: QueuedCheckin): Promise<void> {
    const db = await this.db;
    const tx = db.transaction(CHECKINS, "readwrite");
    const current = (await tx.store.get([owner, item.local_date])) as Owned<QueuedCheckin> | undefined;
    if (current && current.body.recorded_at === item.body.recorded_at) {
      await tx.store.delete([owner, item.local_date]);
    }
    await tx.done;
  }

  /**
   * Send the owner's entries, oldest date first. The caller makes sure `owner` is the one
   * signed in. Concurrent calls share one run, so the `online` event and a page load at
   * the same moment never send an entry twice.
   */
  flush(owner: string, send: (item: QueuedCheckin) => Promise<SendOutcome>): Promise<FlushResult> {
    return this.flights.run(owner, async () =>
      sendInOrder(
        await this.all(owner),
        (item) => item.local_date,
        send,
        (item) => this.removeIfSame(owner, item),
      ),
    );
  }
}

/** What sending one report came to, and the server's advice when it answered with one. */
export interface ReportSent {
  outcome: SendOutcome;
  advice?: WarningAdvice;
}

/** Reports by `recorded_at`: sent (with the server's advice, when it gave one), refused, kept. */
export interface ReportFlushResult extends FlushResult {
  advice: Record<string, WarningAdvice>;
}

export class ReportQueue {
  private db: Promise<IDBPDatabase>;
  private flights = new SingleFlight<ReportFlushResult>();

  constructor(source: string | Promise<IDBPDatabase> = openOutbox()) {
    this.db = database(source);
  }

  async put(owner: string, report: WarningReportBody): Promise<void> {
    await (await this.db).put(REPORTS, { ...report, owner });
  }

  /** The owner's queued reports, oldest first. */
  async all(owner: string): Promise<WarningReportBody[]> {
    const rows = (await (await this.db).getAllFromIndex(REPORTS, BY_OWNER, owner)) as Owned<WarningReportBody>[];
    return rows.map((row) => withoutOwner<WarningReportBody>(row)).sort((a, b) => a.recorded_at.localeCompare(b.recorded_at));
  }

  async count(owner: string): Promise<number> {
    return (await this.db).countFromIndex(REPORTS, BY_OWNER, owner);
  }

  /** Send the owner's reports, oldest first, as `CheckinQueue.flush` does. */
  flush(owner: string, send: (report: WarningReportBody) => Promise<ReportSent>): Promise<ReportFlushResult> {
    return this.flights.run(owner, async () => {
      const advice: Record<string, WarningAdvice> = {};
      const result = await sendInOrder(
        await this.all(owner),
        (report) => report.recorded_at,
        async (report) => {
          const answer = await send(report);
          if (answer.outcome === "sent" && answer.advice) advice[report.recorded_at] = answer.advice;
          return answer.outcome;
        },
        async (report) => (await this.db).delete(REPORTS, [owner, report.recorded_at]),
      );
      return { ...result, advice };
    });
  }
}
