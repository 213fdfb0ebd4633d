// Sends what was saved offline: warning-sign reports first (the clinic must hear of them),
// then queued check-ins; on load, when the browser says it is online again, and after each
// save, and again shortly while something stays queued though the browser is online. A
// check-in refused for good (a 4xx other than 401) is dropped, but never its warning
// signs: they are sent on their own first (offline/replay.ts). 401 and network errors keep
// the entry for later.
import { api, ApiError } from "../../api";
import {
  CheckinQueue,
  ReportQueue,
  type FlushResult,
  type ReportFlushResult,
  type SendOutcome,
} from "../../offline/queue";
import { deliveryOf, replayCheckin, type Delivery } from "../../offline/replay";
import type { WarningAdvice, WarningReportBody, WarningReportResult } from "../../types";

export const queue = new CheckinQueue();
export const reports = new ReportQueue();

/** Check-ins sent and kept (by local date), and the warning-sign reports. */
export interface SyncResult extends FlushResult {
  reports: ReportFlushResult;
}

/** Fired on `window` after a flush that sent something; `detail` is the SyncResult. */
export const SYNCED_EVENT = "afterline:synced";

/** How an `api()` failure counts: no answer and unexpected errors are tried again. */
export function deliveryOfError(error: unknown): Delivery {
  if (error instanceof ApiError) return deliveryOf(error.status);
  return "retry";
}

export type ReportAttempt =
  | { delivery: "sent"; result: WarningReportResult }
  | { delivery: "refused"; error: ApiError }
  | { delivery: "retry" | "signed_out"; error: unknown };

/** POST /api/me/warning-signs once. */
export async function postWarningSigns(report: WarningReportBody): Promise<ReportAttempt> {
  try {
    const result = await api<WarningReportResult>("POST", "/api/me/warning-signs", report);
    return { delivery: "sent", result };
  } catch (error) {
    const delivery = deliveryOfError(error);
    if (delivery === "refused") return { delivery, error: error as ApiError };
    return { delivery: delivery === "signed_out" ? "signed_out" : "retry", error };
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

async function flushOnce(): Promise<SyncResult> {
  const reported = await sendReports();
  const checkins = await sendQueued();
  const result: SyncResult = { ...checkins, reports: reported };
  if (result.sent.length > 0 || reported.sent.length > 0) {
    window.dispatchEvent(new CustomEvent(SYNCED_EVENT, { detail: result }));
  }
  return result;
}

function sendReports(): Promise<ReportFlushResult> {
  return reports.flush(async (report) => {
    const attempt = await postWarningSigns(report);
    if (attempt.delivery === "sent") return { outcome: "done", advice: attempt.result.advice };
    // Refused for good (e.g. a device clock years out): sending it again cannot help.
    return { outcome: attempt.delivery === "refused" ? "done" : "retry" };
  });
}

function sendQueued(): Promise<FlushResult> {
  return queue.flush(
    (item): Promise<SendOutcome> =>
      replayCheckin(item.body, {
        putCheckin: async () => {
          try {
            await api("PUT", `/api/me/checkins/${item.local_date}`, item.body);
            return "sent";
          } catch (error) {
            return deliveryOfError(error);
          }
        },
        reportWarningSigns: async (report) => (await postWarningSigns(report)).delivery,
        signedOut: "retry",
      }),
  );
}
