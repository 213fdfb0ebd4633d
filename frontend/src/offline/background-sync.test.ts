import { describe, expect, it } from "vitest";
import type { CheckinBody } from "../types";
import { replayCheckinQueue, type QueueEntry, type RequestQueue } from "./background-sync";

const ORIGIN = "https://afterline.example";

/** An in-memory stand-in for workbox-background-sync's Queue. */
class FakeQueue implements RequestQueue {
  readonly name = "checkins";
  constructor(public entries: QueueEntry[]) {}
  async shiftRequest(): Promise<QueueEntry | undefined> {
    return this.entries.shift();
  }
  async unshiftRequest(entry: QueueEntry): Promise<void> {
    this.entries.unshift(entry);
  }
}

function put(day: string, signs: string[] = []): QueueEntry {
  const body: CheckinBody = {
    pain: 5,
    swelling: 1,
    bruising: 1,
    discolouration: 0,
    hardening: 0,
    itching: 0,
    warning_signs: signs,
    note: null,
    recorded_at: `${day}T19:00:00.000Z`,
  };
  return {
    request: new Request(`${ORIGIN}/api/me/checkins/${day}`, {
      method: "PUT",
      headers: { "Content-Type": "application/json", "X-CSRFToken": "token-123" },
      credentials: "same-origin",
      body: JSON.stringify(body),
    }),
  };
}

/** A fetch that answers PUTs and POSTs with the given statuses (or fails: "offline"). */
function server(answers: { put: number | "offline"; post?: number | "offline" }) {
  const seen: { method: string; url: string; csrf: string | null; body: unknown }[] = [];
  const fetcher = async (request: Request): Promise<Response> => {
    seen.push({
      method: request.method,
      url: request.url,
      csrf: request.headers.get("X-CSRFToken"),
      body: await request.clone().json(),
    });
    const answer = request.method === "PUT" ? answers.put : answers.post;
    if (answer === "offline" || answer === undefined) throw new TypeError("Failed to fetch");
    return new Response("{}", { status: answer });
  };
  return { fetcher, seen };
}

describe("replayCheckinQueue (the service worker's onSync)", () => {
  it("replays every entry in order and empties the queue", async () => {
    const queue = new FakeQueue([put("2026-03-10"), put("2026-03-11")]);
    const { fetcher, seen } = server({ put: 200 });
    await replayCheckinQueue(queue, fetcher);
    expect(seen.map((s) => s.url)).toEqual([
      `${ORIGIN}/api/me/checkins/2026-03-10`,
      `${ORIGIN}/api/me/checkins/2026-03-11`,
    ]);
    expect(queue.entries).toEqual([]);
  });

  it("puts an entry back and throws when the network fails, so the browser syncs again", async () => {
    const queue = new FakeQueue([put("2026-03-10"), put("2026-03-11")]);
    const { fetcher, seen } = server({ put: "offline" });
    await expect(replayCheckinQueue(queue, fetcher)).rejects.toThrow(/stays in the "checkins" queue/);
    expect(seen).toHaveLength(1);
    expect(queue.entries.map((e) => e.request.url)).toEqual([
      `${ORIGIN}/api/me/checkins/2026-03-10`,
      `${ORIGIN}/api/me/checkins/2026-03-11`,
    ]);
  });

  it("sends a refused check-in's warning signs with the same CSRF token and recorded_at", async () => {
    const queue = new FakeQueue([put("2026-03-10", ["leg_swelling_with_pain"])]);
    const { fetcher, seen } = server({ put: 422, post: 201 });
    await replayCheckinQueue(queue, fetcher);
    expect(seen[1]).toEqual({
      method: "POST",
      url: `${ORIGIN}/api/me/warning-signs`,
      csrf: "token-123",
      body: { warning_signs: ["leg_swelling_with_pain"], recorded_at: "2026-03-10T19:00:00.000Z", note: null },
    });
    expect(queue.entries).toEqual([]);
  });

  it("keeps the refused check-in while its warning signs cannot be sent", async () => {
    for (const post of ["offline", 503] as const) {
      const queue = new FakeQueue([put("2026-03-10", ["leg_swelling_with_pain"])]);
      const { fetcher } = server({ put: 422, post });
      await expect(replayCheckinQueue(queue, fetcher)).rejects.toThrow();
      expect(queue.entries).toHaveLength(1);
    }
  });

  it("drops a refused check-in without warning signs, and a signed-out one (the page's queue has it)", async () => {
    for (const status of [422, 401]) {
      const queue = new FakeQueue([put("2026-03-10")]);
      const { fetcher, seen } = server({ put: status });
      await replayCheckinQueue(queue, fetcher);
      expect(seen).toHaveLength(1);
      expect(queue.entries).toEqual([]);
    }
  });
});
