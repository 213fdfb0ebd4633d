// Sends what was saved offline: warning-sign reports first (the clinic must hear of them),
// then queued check-ins; on load, when the browser says it is online again, and after each
// save, and again shortly while something stays queued though the browser is online.
//
// Whose: everything is queued under the user this device takes to be signed in
// (last-seen.ts's owner), and only that user's entries are shown or sent. Before sending,
// the server is asked who the session cookie belongs to now: another tab may have signed
// someone else in. A different user, or nobody, and nothing is sent; the entries wait for
// their owner to sign in again (on a shared phone, the next patient never sends them).
//
// Refused for good (a 4xx other than 401): the entry is dropped, never its warning signs
// (they are sent on their own first, offline/replay.ts), and the patient is told (a notice
// kept until read, offline/notices.ts). One entry that fails never holds back the others.
import { api, ApiError, OfflineError } from "../../api";
import { lastSeenOwner, ownerWhenOpened } from "../../offline/last-seen";
import { NoticeBoard, reason, refusedCheckin, refusedReport, type SignsFate } from "../../offline/notices";
import { adoptLegacyQueues, openOutbox } from "../../offline/outbox";
import {
  CheckinQueue,
  ReportQueue,
  type FlushResult,
  type QueuedCheckin,
  type ReportFlushResult,
  type SendOutcome,
} from "../../offline/queue";
import { deliveryOf, replayCheckin, reportOf, type Delivery } from "../../offline/replay";
import type { Schemas, WarningAdvice, WarningReportBody, WarningReportResult } from "../../types";

const outbox = openOutbox();
const checkins = new CheckinQueue(outbox);
const reportQueue = new ReportQueue(outbox);
export const notices = new NoticeBoard(outbox);

let adopted: Promise<unknown> | null = null;

/** The outbox, once the queues of an earlier release have been taken over (once per page). */
function ready(): Promise<unknown> {
  adopted ??= adoptLegacyQueues(ownerWhenOpened(), outbox).catch(() => 0);
  return adopted;
}

function owner(): string {
  const id = lastSeenOwner();
  if (!id) throw new Error("Nobody is signed in on this device: there is no one to keep this for");
  return id;
}

/** The signed-in patient's queued check-ins (the screens see no one else's). */
export const queue = {
  async put(item: QueuedCheckin): Promise<void> {
    await ready();
    await checkins.put(owner(), item);
  },
  async all(): Promise<QueuedCheckin[]> {
    await ready();
    const id = lastSeenOwner();
    return id ? checkins.all(id) : [];
  },
};

/** The signed-in patient's queued warning-sign reports. */
export const reports = {
  async put(report: WarningReportBody): Promise<void> {
    await ready();
    await reportQueue.put(owner(), report);
  },
  async all(): Promise<WarningReportBody[]> {
    await ready();
    const id = lastSeenOwner();
    return id ? reportQueue.all(id) : [];
  },
};

/** Check-ins sent, refused and kept (by local date), and the warning-sign reports. */
export interface SyncResult extends FlushResult {
  reports: ReportFlushResult;
}

/** Fired on `window` after a flush that sent or refused something; `detail` is the SyncResult. */
export const SYNCED_EVENT = "afterline:synced";

/** How an `api()` failure counts: no answer stops the flush; unexpected errors fail one entry. */
export function deliveryOfError(error: unknown): Delivery {
  if (error instanceof ApiError) return deliveryOf(error.status);
  return error instanceof OfflineError ? "unavailable" : "failed";
}

export type ReportAttempt =
  | { delivery: "sent"; result: WarningReportResult }
  | { delivery: "refused"; error: ApiError }
  | { delivery: "failed" | "unavailable" | "signed_out"; error: unknown };

/** POST /api/me/warning-signs once. */
export async function postWarningSigns(report: WarningReportBody): Promise<ReportAttempt> {
  try {
    const result = await api<WarningReportResult>("POST", "/api/me/warning-signs", report);
    return { delivery: "sent", result };
  } catch (error) {
    const delivery = deliveryOfError(error);
    if (delivery === "refused") return { delivery, error: error as ApiError };
    return { delivery: delivery === "sent" ? "failed" : delivery, error };
  }
}

/**
 * A report made now: sent (the clinic has been told: show its advice), queued on this
 * device (offline, signed out or a server error: the clinic has NOT been told yet), or
 * refused (it never will be sent: the clinic has not been told).
 */
export type ReportState =
  | { state: "sent"; advice: WarningAdvice }
  | { state: "queued" }
  | { state: "refused"; error: ApiError };

export async function reportNowOrLater(report: WarningReportBody): Promise<ReportState> {
  const attempt = await postWarningSigns(report);
  if (attempt.delivery === "sent") return { state: "sent", advice: attempt.result.advice };
  if (attempt.delivery === "refused") return { state: "refused", error: attempt.error };
  await reports.put(report);
  return { state: "queued" };
}

/** What the signed-in patient has not sent yet (asked before signing out). */
export async function unsent(): Promise<{ checkins: number; reports: number }> {
  await ready();
  const id = lastSeenOwner();
  if (!id) return { checkins: 0, reports: 0 };
  const [checkinCount, reportCount] = await Promise.all([checkins.count(id), reportQueue.count(id)]);
  return { checkins: checkinCount, reports: reportCount };
}

let running: Promise<SyncResult> | null = null;
let rerun = false;
let retryTimer: ReturnType<typeof setTimeout> | undefined;
let retries = 0;
// While online but something is still queued (the first requests after reconnecting can
// still fail, or a flush was already under way when the connection came back): try again
// after 1, 2, 4 … 60 s, then leave it to the next trigger (load, `online`, a save).
const RETRY_DELAYS_MS = [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000];

/**
 * Sends everything queued, one flush at a time. A call while one runs (the `online` event
 * during an attempt that started offline) makes it run once more when it ends.
 * `reconnected`: the browser has just come back online, so the retries start over.
 */
export function flushQueue(reconnected = false): Promise<SyncResult> {
  if (reconnected) retries = 0;
  if (running) {
    rerun = true;
    return running;
  }
  running = (async () => {
    let result: SyncResult;
    do {
      rerun = false;
      result = await flushOnce();
    } while (rerun);
    return result;
  })().finally(() => {
    running = null;
  });
  void running.then(scheduleRetry);
  return running;
}

function scheduleRetry(result: SyncResult): void {
  clearTimeout(retryTimer);
  const pending = result.kept.length > 0 || result.reports.kept.length > 0;
  if (!pending || !navigator.onLine || retries >= RETRY_DELAYS_MS.length) {
    if (!pending) retries = 0;
    return;
  }
  retryTimer = setTimeout(() => void flushQueue(), RETRY_DELAYS_MS[retries]);
  retries += 1;
}

/**
 * Who the session cookie belongs to now: an id, null (nobody, or a sign-in still waiting for
 * its second factor), or undefined (no answer).
 */
async function signedInNow(): Promise<string | null | undefined> {
  try {
    const user = await api<Schemas["UserOut"]>("GET", "/api/auth/me");
    return user.awaiting ? null : user.id;
  } catch (error) {
    return error instanceof ApiError && error.status === 401 ? null : undefined;
  }
}

function keptAll(waiting: QueuedCheckin[], waitingReports: WarningReportBody[]): SyncResult {
  return {
    sent: [],
    refused: [],
    kept: waiting.map((item) => item.local_date),
    reports: { sent: [], refused: [], kept: waitingReports.map((report) => report.recorded_at), advice: {} },
  };
}

async function flushOnce(): Promise<SyncResult> {
  await ready();
  const id = lastSeenOwner();
  if (!id) return keptAll([], []);
  const [waiting, waitingReports] = await Promise.all([checkins.all(id), reportQueue.all(id)]);
  if (waiting.length === 0 && waitingReports.length === 0) return keptAll([], []);
  // Never under another account: the entries wait for their owner.
  if ((await signedInNow()) !== id) return keptAll(waiting, waitingReports);
  const reported = await sendReports(id);
  const sent = await sendQueued(id);
  const result: SyncResult = { ...sent, reports: reported };
  if ([sent.sent, sent.refused, reported.sent, reported.refused].some((keys) => keys.length > 0)) {
    window.dispatchEvent(new CustomEvent(SYNCED_EVENT, { detail: result }));
  }
  return result;
}

function sendReports(id: string): Promise<ReportFlushResult> {
  return reportQueue.flush(id, async (report) => {
    const attempt = await postWarningSigns(report);
    if (attempt.delivery === "sent") return { outcome: "sent", advice: attempt.result.advice };
    if (attempt.delivery === "refused") {
      // E.g. a device clock years out: sending it again cannot help, so the patient is told.
      await notices.add(id, refusedReport(report.recorded_at, reason(attempt.error.detail, attempt.error.field)));
      return { outcome: "refused" };
    }
    return { outcome: attempt.delivery === "failed" ? "retry" : "stop" };
  });
}

function sendQueued(id: string): Promise<FlushResult> {
  return checkins.flush(id, async (item): Promise<SendOutcome> => {
    let why = "the server did not accept it";
    let signs: SignsFate = reportOf(item.body) ? "not_sent" : "none";
    const outcome = await replayCheckin(item.body, {
      putCheckin: async () => {
        try {
          await api("PUT", `/api/me/checkins/${item.local_date}`, item.body);
          return "sent";
        } catch (error) {
          if (error instanceof ApiError) why = reason(error.detail, error.field);
          return deliveryOfError(error);
        }
      },
      reportWarningSigns: async (report) => {
        const { delivery } = await postWarningSigns(report);
        if (delivery === "sent") signs = "sent";
        return delivery;
      },
      signedOut: "stop",
    });
    if (outcome === "refused") await notices.add(id, refusedCheckin(item.local_date, why, signs));
    return outcome;
  });
}
