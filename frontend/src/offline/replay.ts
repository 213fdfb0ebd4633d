// What to do when a queued check-in is replayed, shared by the page's queue (sync.ts) and
// the service worker's Background Sync (sw.ts). No DOM and no fetch here: each caller
// passes its own way of sending, so the decision is unit-tested on its own.
//
// The rule: a check-in the server refuses for good (a 4xx other than 401, e.g. 422 "no
// treatment session has been recorded for you yet") is dropped, but its warning signs never
// are: they go to POST /api/me/warning-signs, which takes them whatever the date or session.
// Until that POST has reached the server the entry stays queued; both calls are idempotent
// (same `recorded_at`), so sending the check-in again later is harmless.
//
// One entry never holds back the others: a server error on one (a 500 for that body) keeps
// it and the replay goes on with the next ("retry"). Only what would fail for every entry
// alike stops the replay: no answer at all, the server asking to wait (429, 503), or the
// session having ended ("stop").

import type { CheckinBody, WarningReportBody } from "../types";
import type { SendOutcome } from "./queue";

/**
 * How one request ended. `sent`: 2xx. `refused`: a 4xx the server will answer the same way
 * every time. `signed_out`: 401. `failed`: a server error for this request (500 …), worth
 * trying again later. `unavailable`: no answer (offline), or the server (or a proxy in front
 * of it) is not taking requests just now (408, 429, 502, 503, 504).
 */
export type Delivery = "sent" | "refused" | "signed_out" | "failed" | "unavailable";

const UNAVAILABLE = new Set([408, 429, 502, 503, 504]);

export function deliveryOf(status: number): Delivery {
  if (status >= 200 && status < 300) return "sent";
  if (status === 401) return "signed_out";
  if (UNAVAILABLE.has(status)) return "unavailable";
  if (status >= 400 && status < 500) return "refused";
  return "failed";
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
   * What a 401 means for this queue. The page stops and keeps its entries ("stop": they
   * are sent after their owner signs in again); the service worker drops its copy
   * ("dropped"): the page's queue still holds the same check-in.
   */
  signedOut: SendOutcome;
}

/** What one delivery means for the entry carrying it, when it did not settle it. */
function unsettled(delivery: Delivery, signedOut: SendOutcome): SendOutcome | null {
  if (delivery === "failed") return "retry";
  if (delivery === "unavailable") return "stop";
  if (delivery === "signed_out") return signedOut;
  return null;
}

/** Replays one queued check-in: sent, refused for good, or kept ("retry", "stop"). */
export async function replayCheckin(body: Partial<CheckinBody>, steps: ReplaySteps): Promise<SendOutcome> {
  const put = await steps.putCheckin();
  if (put === "sent") return "sent";
  const kept = unsettled(put, steps.signedOut);
  if (kept) return kept;
  // Refused for good: the day is lost, the warning signs must not be.
  const report = reportOf(body);
  if (report === null) return "refused";
  const reported = await steps.reportWarningSigns(report);
  // Sent, or refused too (e.g. a device clock far in the future): nothing more to try.
  return unsettled(reported, steps.signedOut) ?? "refused";
}
