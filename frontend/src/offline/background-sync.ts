// The service worker's replay of check-in PUTs queued by Workbox Background Sync (the
// `onSync` of the "checkins" queue in sw.ts), kept apart from sw.ts so it can be unit-tested
// with a fake queue and fetch.
//
// Workbox's default replay only retries on a network failure and counts any answer as done,
// so a check-in refused with 422 (no session recorded yet) would take its warning signs with
// it. Here every entry goes through `replayCheckin`: a refused check-in with warning signs
// first sends them to POST /api/me/warning-signs (with the original request's CSRF header and
// credentials), and the entry stays queued until that POST has reached the server.

import type { CheckinBody, WarningReportBody } from "../types";
import { deliveryOf, replayCheckin, type Delivery } from "./replay";

const CSRF_HEADER = "X-CSRFToken";

/** The part of workbox-background-sync's Queue this uses. */
export interface RequestQueue {
  readonly name: string;
  shiftRequest(): Promise<QueueEntry | undefined>;
  unshiftRequest(entry: QueueEntry): Promise<void>;
}

export interface QueueEntry {
  request: Request;
  timestamp?: number;
  metadata?: object;
}

type Fetch = (request: Request) => Promise<Response>;

/** The POST that carries a refused check-in's warning signs, as the page would send it. */
export function warningSignsRequest(original: Request, report: WarningReportBody): Request {
  return new Request(new URL("/api/me/warning-signs", original.url), {
    method: "POST",
    headers: {
      Accept: "application/json",
      "Content-Type": "application/json",
      [CSRF_HEADER]: original.headers.get(CSRF_HEADER) ?? "",
    },
    credentials: original.credentials,
    body: JSON.stringify(report),
  });
}

async function delivered(fetcher: Fetch, request: Request): Promise<Delivery> {
  try {
    return deliveryOf((await fetcher(request)).status);
  } catch {
    return "retry"; // no answer: offline, or the network dropped
  }
}

/**
 * Replays the queue in order. An entry that must be tried again goes back to the front and
 * the replay throws, so the browser schedules another sync (Workbox's contract for onSync).
 */
export async function replayCheckinQueue(queue: RequestQueue, fetcher: Fetch = (r) => fetch(r)): Promise<void> {
  let entry: QueueEntry | undefined;
  while ((entry = await queue.shiftRequest())) {
    const original = entry.request;
    const body = (await original
      .clone()
      .json()
      .catch(() => ({}))) as Partial<CheckinBody>;
    const outcome = await replayCheckin(body, {
      putCheckin: () => delivered(fetcher, original.clone()),
      reportWarningSigns: (report) => delivered(fetcher, warningSignsRequest(original, report)),
      // The page's own queue holds the same check-in and sends it after signing in again,
      // with a fresh CSRF token; this copy's token may be stale by then.
      signedOut: "done",
    });
    if (outcome === "retry") {
      await queue.unshiftRequest(entry);
      throw new Error(`Check-in replay failed; it stays in the "${queue.name}" queue`);
    }
  }
}
