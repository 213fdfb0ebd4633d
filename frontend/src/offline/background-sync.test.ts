import { describe, expect, it } from "vitest";
import { checkinBody } from "../test-support";
import type { WarningSign } from "../types";
import {
  currentUser,
  queueWithOwner,
  replayCheckinRequest,
  replayOwnedQueue,
  replayReportRequest,
  type QueueEntry,
  type RequestQueue,
} from "./background-sync";

const ORIGIN = "https://afterline.example";
const ANN = "ann-id";
const BEN = "ben-id";

/** An in-memory stand-in for workbox-background-sync's Queue. */
class FakeQueue implements RequestQueue {
  readonly name = "checkins";
  constructor(public entries: QueueEntry[] = []) {}
  async pushRequest(entry: QueueEntry): Promise<void> {
    this.entries.push(entry);
  }
  async shiftRequest(): Promise<QueueEntry | undefined> {
    return this.entries.shift();
  }
  async unshiftRequest(entry: QueueEntry): Promise<void> {
    this.entries.unshift(entry);
  }
}

function checkinRequest(day: string, signs: WarningSign[] = [], pain = 5): Request {
  const body = checkinBody({ pain, warning_signs: signs, note: null, recorded_at: `${day}T19:00:00.000Z` });
  return new Request(`${ORIGIN}/api/me/checkins/${day}`, {
    method: "PUT",
    headers: { "Content-Type": "application/json", "X-CSRFToken": "token-123" },
    credentials: "same-origin",
    body: JSON.stringify(body),
  });
}

function put(day: string, signs: WarningSign[] = [], owner: string | null = ANN): QueueEntry {
  return { request: checkinRequest(day, signs), metadata: owner ? { owner } : undefined };
}

type Answer = number | "offline";

/**
 * A fetch: GET /api/auth/me names `me` (null: 401), PUTs answer `put` (one per call when a
 * list), POSTs `post`. Records every request but the question of who is signed in.
 */
function server(answers: { me?: string | null | Answer; put?: Answer | Answer[]; post?: Answer }) {
  const seen: { method: string; url: string; csrf: string | null; body: unknown }[] = [];
  let puts = 0;
  const fetcher = async (request: Request): Promise<Response> => {
    if (request.url.endsWith("/api/auth/me")) {
      const me = answers.me === undefined ? ANN : answers.me;
      if (me === "offline") throw new TypeError("Failed to fetch");
      if (me === null) return new Response("{}", { status: 401 });
      if (typeof me === "number") return new Response("{}", { status: me });
      return new Response(JSON.stringify({ id: me }), { status: 200 });
    }
    seen.push({
      method: request.method,
      url: request.url,
      csrf: request.headers.get("X-CSRFToken"),
      body: await request.clone().json(),
    });
    const planned = request.method === "PUT" ? answers.put : answers.post;
    const answer = Array.isArray(planned) ? planned[puts++] : planned;
    if (answer === "offline" || answer === undefined) throw new TypeError("Failed to fetch");
    return new Response("{}", { status: answer });
  };
  return { fetcher, seen };
}

function replayCheckins(queue: FakeQueue, fetcher: (r: Request) => Promise<Response>): Promise<void> {
  return replayOwnedQueue(queue, ORIGIN, (request) => replayCheckinRequest(request, fetcher), fetcher);
}

const urls = (queue: FakeQueue) => queue.entries.map((entry) => entry.request.url);

describe("queueWithOwner (the worker queues a failed request)", () => {
  it("labels the request with the user signed in when it was made", async () => {
    const queue = new FakeQueue();
    await queueWithOwner(queue, async () => ANN).fetchDidFail({ request: checkinRequest("2026-03-10") });
    expect(queue.entries).toHaveLength(1);
    expect(queue.entries[0].metadata).toEqual({ owner: ANN });
  });

  it("queues nothing when it does not know who is signed in (the page's queue has it)", async () => {
    const queue = new FakeQueue();
    await queueWithOwner(queue, async () => null).fetchDidFail({ request: checkinRequest("2026-03-10") });
    expect(queue.entries).toEqual([]);
  });
});

describe("currentUser (who the cookie belongs to, asked before a replay)", () => {
  const answering = (status: number, body: unknown) => async () => new Response(JSON.stringify(body), { status });

  it("is the signed-in user's id, or null after a 401", async () => {
    expect(await currentUser(ORIGIN, answering(200, { id: ANN, awaiting: null }))).toBe(ANN);
    expect(await currentUser(ORIGIN, answering(401, { detail: "Not signed in" }))).toBeNull();
  });

  it("is nobody while a sign-in waits for its second factor or its set-up", async () => {
    expect(await currentUser(ORIGIN, answering(200, { id: ANN, awaiting: "second_factor" }))).toBeNull();
    expect(await currentUser(ORIGIN, answering(200, { id: ANN, awaiting: "enrolment" }))).toBeNull();
  });
});

describe("replayOwnedQueue with check-ins (the service worker's onSync)", () => {
  it("replays every entry in order and empties the queue", async () => {
    const queue = new FakeQueue([put("2026-03-10"), put("2026-03-11")]);
    const { fetcher, seen } = server({ put: 200 });
    await replayCheckins(queue, fetcher);
    expect(seen.map((s) => s.url)).toEqual([`${ORIGIN}/api/me/checkins/2026-03-10`, `${ORIGIN}/api/me/checkins/2026-03-11`]);
    expect(queue.entries).toEqual([]);
  });

  it("never sends one user's entry under another's session, and drops it (the page keeps it)", async () => {
    const queue = new FakeQueue([put("2026-03-10", [], ANN), put("2026-03-10", [], BEN), put("2026-03-11", [], null)]);
    const { fetcher, seen } = server({ me: BEN, put: 200 });
    await replayCheckins(queue, fetcher);
    expect(seen).toHaveLength(1); // Ben's own only; Ann's and the unlabelled one are not sent
    expect(queue.entries).toEqual([]);
  });

  it("sends nothing when nobody is signed in now", async () => {
    const queue = new FakeQueue([put("2026-03-10")]);
    const { fetcher, seen } = server({ me: null, put: 200 });
    await replayCheckins(queue, fetcher);
    expect(seen).toEqual([]);
    expect(queue.entries).toEqual([]);
  });

  it("keeps every entry and throws while the server cannot say who is signed in", async () => {
    for (const me of ["offline", 503] as const) {
      const queue = new FakeQueue([put("2026-03-10"), put("2026-03-11")]);
      const { fetcher, seen } = server({ me, put: 200 });
      await expect(replayCheckins(queue, fetcher)).rejects.toThrow();
      expect(seen).toEqual([]);
      expect(urls(queue)).toHaveLength(2);
    }
  });

  it("puts entries back in order and throws when the network fails, so the browser syncs again", async () => {
    const queue = new FakeQueue([put("2026-03-10"), put("2026-03-11")]);
    const { fetcher, seen } = server({ put: "offline" });
    await expect(replayCheckins(queue, fetcher)).rejects.toThrow(/stay in the "checkins" queue/);
    expect(seen).toHaveLength(1); // no answer: the rest are not tried
    expect(urls(queue)).toEqual([`${ORIGIN}/api/me/checkins/2026-03-10`, `${ORIGIN}/api/me/checkins/2026-03-11`]);
  });

  it("never lets one entry the server fails on hold back the others", async () => {
    const queue = new FakeQueue([put("2026-03-10"), put("2026-03-11"), put("2026-03-12")]);
    const { fetcher, seen } = server({ put: [500, 200, 200] });
    await expect(replayCheckins(queue, fetcher)).rejects.toThrow(/1 stay/);
    expect(seen).toHaveLength(3);
    expect(urls(queue)).toEqual([`${ORIGIN}/api/me/checkins/2026-03-10`]);
  });

  it("sends a refused check-in's warning signs with the same CSRF token and recorded_at", async () => {
    const queue = new FakeQueue([put("2026-03-10", ["leg_swelling_with_pain"])]);
    const { fetcher, seen } = server({ put: 422, post: 201 });
    await replayCheckins(queue, fetcher);
    expect(seen[1]).toEqual({
      method: "POST",
      url: `${ORIGIN}/api/me/warning-signs`,
      csrf: "token-123",
      body: { warning_signs: ["leg_swelling_with_pain"], recorded_at: "2026-03-10T19:00:00.000Z", note: null },
    });
    expect(queue.entries).toEqual([]);
  });

  it("keeps the refused check-in while its warning signs cannot be sent", async () => {
    for (const post of ["offline", 503, 500] as const) {
      const queue = new FakeQueue([put("2026-03-10", ["leg_swelling_with_pain"])]);
      const { fetcher } = server({ put: 422, post });
      await expect(replayCheckins(queue, fetcher)).rejects.toThrow();
      expect(queue.entries).toHaveLength(1);
    }
  });

  it("drops a refused check-in without warning signs, and a signed-out one (the page's queue has it)", async () => {
    for (const status of [422, 401]) {
      const queue = new FakeQueue([put("2026-03-10")]);
      const { fetcher, seen } = server({ put: status });
      await replayCheckins(queue, fetcher);
      expect(seen).toHaveLength(1);
      expect(queue.entries).toEqual([]);
    }
  });
});

describe("replayReportRequest (the worker's warning-sign queue)", () => {
  const report = () =>
    new Request(`${ORIGIN}/api/me/warning-signs`, {
      method: "POST",
      body: JSON.stringify({ warning_signs: ["chest_pain_or_breathless"], recorded_at: "2026-03-10T19:00:00.000Z", note: null }),
    });

  it("is settled by any answer but a server error or none", async () => {
    const expected = { 201: "sent", 422: "refused", 401: "dropped", 500: "retry", 503: "stop" } as const;
    for (const [status, outcome] of Object.entries(expected)) {
      const { fetcher } = server({ post: Number(status) });
      expect(await replayReportRequest(report(), fetcher)).toBe(outcome);
    }
    expect(await replayReportRequest(report(), server({ post: "offline" }).fetcher)).toBe("stop");
  });
});
