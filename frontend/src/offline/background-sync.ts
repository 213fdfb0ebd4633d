// The service worker's Background Sync queues (sw.ts): what it keeps of a check-in PUT or a
// warning-sign POST that failed for want of a network, and how it replays them, even with
// the app closed. Kept apart from sw.ts so it can be unit-tested with a fake queue and fetch.
//
// Owners. The browser replays with whatever session cookie is current when the sync fires,
// which on a shared device may be the next patient's. So each request is queued with the
// id of the user who was signed in when it was made (`metadata.owner`, from signed-in.ts),
// and a replay first asks the server who the cookie belongs to now (GET /api/auth/me). An
// entry whose owner is not that user, or with no owner, is dropped from this queue, never
// sent: the page's own queue (offline/queue.ts) holds every check-in and report the SW
// holds, under its owner, and sends it once that owner signs in again.
//
// Workbox's default replay only retries on a network failure and counts any answer as done,
// so a check-in refused with 422 (no session recorded yet) would take its warning signs with
// it. Here a check-in goes through `replayCheckin`: a refused one with warning signs first
// sends them to POST /api/me/warning-signs (with the original request's CSRF header and
// credentials), and the entry stays queued until that POST has reached the server. One
// entry that keeps failing (a 500 for its body) never holds back the others.

import type { CheckinBody, WarningReportBody } from "../types";
import type { SendOutcome } from "./queue";
import { deliveryOf, replayCheckin, type Delivery } from "./replay";

const CSRF_HEADER = "X-CSRFToken";

/** The part of workbox-background-sync's Queue this uses. */
export interface RequestQueue {
  readonly name: string;
  pushRequest(entry: QueueEntry): Promise<void>;
  shiftRequest(): Promise<QueueEntry | undefined>;
  unshiftRequest(entry: QueueEntry): Promise<void>;
}

export interface QueueEntry {
  request: Request;
  timestamp?: number;
  metadata?: object;
}

export type Fetch = (request: Request) => Promise<Response>;

const browserFetch: Fetch = (request) => fetch(request);

/**
 * A Workbox plugin for a NetworkOnly route: a request that failed for want of a network is
 * queued with its owner, the user signed in now. When nobody is known (the worker has not
 * seen who signed in), it is not queued here at all: the page's queue has it.
 */
export function queueWithOwner(queue: Pick<RequestQueue, "pushRequest">, signedIn: () => Promise<string | null>) {
  return {
    fetchDidFail: async ({ request }: { request: Request }): Promise<void> => {
      const owner = await signedIn();
      if (owner) await queue.pushRequest({ request, metadata: { owner } });
    },
  };
}

function ownerOf(entry: QueueEntry): string | null {
  const owner = (entry.metadata as { owner?: unknown } | undefined)?.owner;
  return typeof owner === "string" ? owner : null;
}

/**
 * Who the current cookie belongs to: their id, or null when nobody is signed in (401, or a
 * sign-in still waiting for its second factor: nothing is sent under it).
 * Throws when the server cannot say (no answer, a server error): the sync is tried later.
 */
export async function currentUser(origin: string, fetcher: Fetch = browserFetch): Promise<string | null> {
  const response = await fetcher(
    new Request(new URL("/api/auth/me", origin), { credentials: "same-origin", headers: { Accept: "application/json" } }),
  );
  if (response.status === 401) return null;
  if (!response.ok) throw new Error(`Who is signed in? The server answered ${response.status}`);
  const { id, awaiting } = (await response.json()) as { id?: unknown; awaiting?: unknown };
  if (typeof id !== "string") throw new Error("Who is signed in? The answer had no id");
  if (awaiting) return null;
  return id;
}

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
    return "unavailable"; // no answer: offline, or the network dropped
  }
}

/** Replays one check-in PUT (and, if it is refused, its warning signs). */
export async function replayCheckinRequest(request: Request, fetcher: Fetch = browserFetch): Promise<SendOutcome> {
  const body = (await request
    .clone()
    .json()
    .catch(() => ({}))) as Partial<CheckinBody>;
  return replayCheckin(body, {
    putCheckin: () => delivered(fetcher, request.clone()),
    reportWarningSigns: (report) => delivered(fetcher, warningSignsRequest(request, report)),
    // The page's own queue holds the same check-in and sends it after its owner signs in
    // again, with a fresh CSRF token; this copy's token may be stale by then.
    signedOut: "dropped",
  });
}

/** Replays one warning-sign POST: sent or refused (idempotent by `recorded_at`), or kept. */
export async function replayReportRequest(request: Request, fetcher: Fetch = browserFetch): Promise<SendOutcome> {
  const delivery = await delivered(fetcher, request.clone());
  if (delivery === "sent" || delivery === "refused") return delivery;
  if (delivery === "failed") return "retry";
  return delivery === "signed_out" ? "dropped" : "stop";
}

/**
 * Replays a queue in order, only the entries of the user signed in now. Entries to try
 * again go back to the front, in their order, and the replay throws so the browser
 * schedules another sync (Workbox's contract for onSync).
 */
export async function replayOwnedQueue(
  queue: RequestQueue,
  origin: string,
  replayOne: (request: Request) => Promise<SendOutcome>,
  fetcher: Fetch = browserFetch,
): Promise<void> {
  const signedIn = await currentUser(origin, fetcher);
  const kept: QueueEntry[] = [];
  let entry: QueueEntry | undefined;
  while ((entry = await queue.shiftRequest())) {
    if (signedIn === null || ownerOf(entry) !== signedIn) continue; // dropped: the page's queue has it
    const outcome = await replayOne(entry.request);
    if (outcome === "retry" || outcome === "stop") kept.push(entry);
    if (outcome === "stop") break;
  }
  for (const back of kept.reverse()) await queue.unshiftRequest(back);
  if (kept.length > 0) throw new Error(`Replay incomplete; ${kept.length} stay in the "${queue.name}" queue`);
}
