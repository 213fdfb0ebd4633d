import "fake-indexeddb/auto";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { setLastSeenOwner } from "../../offline/last-seen";
import { checkinBody, MemoryStorage } from "../../test-support";
import type { CheckinBody } from "../../types";
import { flushQueue, notices, queue, unsent } from "./sync";

const body = (day: string, pain: number): CheckinBody =>
  checkinBody({ pain, recorded_at: `${day}T19:00:00.000Z` });

/** The server: who the session cookie belongs to, and an answer per check-in date. */
let signedIn: string | null;
let answers: Record<string, { status: number; body?: unknown }>;
let puts: { url: string; pain: number }[];

async function fakeFetch(path: string, init: RequestInit = {}): Promise<Response> {
  if (path === "/api/auth/me") {
    return signedIn
      ? new Response(JSON.stringify({ id: signedIn }), { status: 200 })
      : new Response(JSON.stringify({ detail: "Not signed in" }), { status: 401 });
  }
  if (init.method === "PUT") {
    puts.push({ url: path, pain: (JSON.parse(String(init.body)) as CheckinBody).pain });
    const answer = answers[path.split("/").pop() ?? ""] ?? { status: 200, body: { outcome: "created" } };
    return new Response(JSON.stringify(answer.body ?? {}), { status: answer.status });
  }
  return new Response("{}", { status: 404 });
}

beforeEach(async () => {
  vi.stubGlobal("localStorage", new MemoryStorage());
  vi.stubGlobal("document", { cookie: "csrftoken=token-123" });
  vi.stubGlobal("navigator", { onLine: false }); // no retry timers in these tests
  vi.stubGlobal("window", { dispatchEvent: vi.fn() });
  vi.stubGlobal("fetch", vi.fn(fakeFetch));
  signedIn = "ann";
  answers = {};
  puts = [];
  setLastSeenOwner("ann");
  await flushQueue(); // nothing left from an earlier test
  puts = [];
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("flushQueue", () => {
  it("sends nothing while the session cookie belongs to someone else (another tab signed them in)", async () => {
    await queue.put({ local_date: "2026-03-10", body: body("2026-03-10", 8) });
    signedIn = "ben";
    const result = await flushQueue();
    expect(puts).toEqual([]);
    expect(result.kept).toEqual(["2026-03-10"]);
    expect(await unsent()).toEqual({ checkins: 1, reports: 0 });

    signedIn = null; // nobody: the same
    await flushQueue();
    expect(puts).toEqual([]);

    signedIn = "ann"; // its owner again: sent
    expect((await flushQueue()).sent).toEqual(["2026-03-10"]);
    expect(puts).toEqual([{ url: "/api/me/checkins/2026-03-10", pain: 8 }]);
  });

  it("shows and sends only the signed-in user's entries", async () => {
    await queue.put({ local_date: "2026-03-10", body: body("2026-03-10", 8) });
    setLastSeenOwner("ben");
    signedIn = "ben";
    expect(await queue.all()).toEqual([]);
    expect(await unsent()).toEqual({ checkins: 0, reports: 0 });
    await flushQueue();
    expect(puts).toEqual([]);
    setLastSeenOwner("ann");
    signedIn = "ann";
    expect((await queue.all()).map((item) => item.body.pain)).toEqual([8]);
    await flushQueue();
    expect(puts).toHaveLength(1);
  });

  it("drops a refused entry, tells its owner why, and still sends the ones after it", async () => {
    answers["2026-03-10"] = { status: 422, body: { detail: "local_date: is before your first treatment session on 2026-03-11", field: "local_date" } };
    answers["2026-03-11"] = { status: 500, body: { detail: "Internal server error" } };
    for (const [day, pain] of [["2026-03-10", 4], ["2026-03-11", 5], ["2026-03-12", 6]] as const) {
      await queue.put({ local_date: day, body: body(day, pain) });
    }
    const result = await flushQueue();
    expect(puts.map((put) => put.pain)).toEqual([4, 5, 6]);
    expect(result).toMatchObject({ sent: ["2026-03-12"], refused: ["2026-03-10"], kept: ["2026-03-11"] });
    expect((await queue.all()).map((item) => item.local_date)).toEqual(["2026-03-11"]);
    expect(await notices.all("ann")).toEqual([
      {
        id: "checkin:2026-03-10",
        message: "Your check-in for Tue, 10 Mar 2026 could not be saved: it is before your first treatment session on Wed, 11 Mar 2026.",
      },
    ]);
    expect(await notices.all("ben")).toEqual([]);
    await notices.dismiss("ann", ["checkin:2026-03-10"]);
    answers = {};
    await flushQueue();
  });
});
