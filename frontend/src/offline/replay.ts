// What to do when a queued check-in is replayed, shared by the page's queue (sync.ts) and
// the service worker's Background Sync (sw.ts). No DOM and no fetch here: each caller
// passes its own way of sending, so the decision is unit-tested on its own.
//
// The rule: a check-in the server refuses for good (a 4xx other than 401, e.g. 422 "no
// treatment session has been recorded for you yet") is dropped, but its warning signs never
// are: they go to POST /api/me/warning-signs, which takes them whatever the date or session.
// Until that POST has reached the server the entry stays queued ("retry"); both calls are
// idempotent (same `recorded_at`), so sending the check-in again later is harmless.

import type { CheckinBody, WarningReportBody } from "../types";
import type { SendOutcome } from "./queue";

/**
 * How one request ended. `sent`: 2xx. `refused`: a 4xx the server will answer the same way
 * every time. `signed_out`: 401. `retry`: no answer (offline), 408/429, or a 5xx.
 */
export type Delivery = "sent" | "refused" | "signed_out" | "retry";

export function deliveryOf(status: number): Delivery {
  if (status >= 200 && status < 300) return "sent";
  if (status === 401) return "signed_out";
  if (status === 408 || status === 429 || status >= 500) return "retry";
  if (status >= 400) return "refused";
  return "retry";
}

/** The warning-sign report carried by a check-in body, or null when it has none. */
export function reportOf(body: Partial<CheckinBody>): WarningReportBody | null {
  const signs = body.warning_signs ?? [];
  if (signs.length === 0 || !body.recorded_at) return null;
  return { warning_signs: [...signs], recorded_at: body.recorded_at, note: body.note ?? null };
}

export interface ReplaySteps {
  /** Send the check-in itself (PUT /api/me/checkins/{date}). */
  putCheckin(): Promise<Delivery>;
  /** Send its warning signs on their own (POST /api/me/warning-signs). */
  reportWarningSigns(report: WarningReportBody): Promise<Delivery>;
  /**
   * What a 401 means for this queue. The page keeps the entry ("retry": it is sent after
   * the patient signs in again); the service worker drops its copy ("done"): the page's
   * queue still holds the same check-in and sends it with a fresh CSRF token.
   */
  signedOut: SendOutcome;
}

/** Replays one queued check-in: "done" (take it off the queue) or "retry" (keep it). */
export async function replayCheckin(body: Partial<CheckinBody>, steps: ReplaySteps): Promise<SendOutcome> {
  const put = await steps.putCheckin();
  if (put === "sent") return "done";
  if (put === "retry") return "retry";
  if (put === "signed_out") return steps.signedOut;
  // Refused for good: the day is lost, the warning signs must not be.
  const report = reportOf(body);
  if (report === null) return "done";
  const reported = await steps.reportWarningSigns(report);
  if (reported === "retry") return "retry";
  if (reported === "signed_out") return steps.signedOut;
  // Sent, or refused too (e.g. a device clock far in the future): nothing more to try.
  return "done";
}
