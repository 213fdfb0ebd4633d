import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError, OfflineError } from "../api";
import { MemoryStorage } from "../test-support";
import { forgetLastSeen, lastSeen, lastSeenUser, peekLastSeen, setLastSeenOwner } from "./last-seen";

let storage: MemoryStorage;
/** What the fake network answers: a body with a status, or no connection at all. */
let answer: { status: number; body: unknown } | "offline";

function fakeFetch(): Promise<Response> {
  if (answer === "offline") return Promise.reject(new TypeError("Failed to fetch"));
  return Promise.resolve(new Response(JSON.stringify(answer.body), { status: answer.status }));
}

const ANN = { id: "ann", role: "patient" };
const BEN = { id: "ben", role: "patient" };

beforeEach(() => {
  storage = new MemoryStorage();
  vi.stubGlobal("localStorage", storage);
  vi.stubGlobal("fetch", vi.fn(fakeFetch));
  setLastSeenOwner(null);
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("lastSeen", () => {
  it("returns a fresh answer unmarked and keeps a copy for the owner", async () => {
    setLastSeenOwner("ann");
    answer = { status: 200, body: [{ local_date: "2026-03-01", pain: 4 }] };
    expect(await lastSeen("/api/me/checkins")).toEqual({ data: answer.body, seenAt: null });
    expect(storage.keys()).toContain("afterline.last-seen.ann./api/me/checkins");
  });

  it("offline, returns the last copy with the time it was seen", async () => {
    setLastSeenOwner("ann");
    answer = { status: 200, body: [{ local_date: "2026-03-01", pain: 4 }] };
    await lastSeen("/api/me/checkins");
    answer = "offline";
    const seen = await lastSeen<unknown[]>("/api/me/checkins");
    expect(seen.data).toEqual([{ local_date: "2026-03-01", pain: 4 }]);
    expect(Number.isNaN(Date.parse(seen.seenAt ?? ""))).toBe(false);
  });

  it("offline with no copy, throws the OfflineError", async () => {
    setLastSeenOwner("ann");
    answer = "offline";
    await expect(lastSeen("/api/me/timeline")).rejects.toBeInstanceOf(OfflineError);
  });

  it("passes a server's answer on, never the copy: a 401 means the session ended", async () => {
    setLastSeenOwner("ann");
    answer = { status: 200, body: [1] };
    await lastSeen("/api/me/checkins");
    answer = { status: 401, body: { detail: "Not signed in" } };
    const error = await lastSeen("/api/me/checkins").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(401);
  });

  it("never shows one user's copy to another", async () => {
    setLastSeenOwner("ann");
    answer = { status: 200, body: ["ann's days"] };
    await lastSeen("/api/me/checkins");
    setLastSeenOwner("ben");
    answer = "offline";
    await expect(lastSeen("/api/me/checkins")).rejects.toBeInstanceOf(OfflineError);
  });

  it("keeps nothing while nobody is signed in", async () => {
    answer = { status: 200, body: [1] };
    await lastSeen("/api/me/checkins");
    expect(storage.length).toBe(0);
  });
});

describe("lastSeenUser", () => {
  it("makes the answering user the owner, remembered on the device", async () => {
    answer = { status: 200, body: ANN };
    await lastSeenUser("/api/auth/me");
    expect(storage.getItem("afterline.last-seen.owner")).toBe("ann");
    answer = "offline";
    expect((await lastSeenUser("/api/auth/me")).data).toEqual(ANN);
  });

  it("drops the previous user's copies when another user signs in", async () => {
    answer = { status: 200, body: ANN };
    await lastSeenUser("/api/auth/me");
    answer = { status: 200, body: ["ann's days"] };
    await lastSeen("/api/me/checkins");
    answer = { status: 200, body: BEN };
    await lastSeenUser("/api/auth/me");
    expect(peekLastSeen("/api/me/checkins")).toBeNull();
    expect(storage.keys().some((key) => key.includes(".ann."))).toBe(false);
  });

  it("keeps nothing of a sign-in still waiting for its second factor", async () => {
    answer = { status: 200, body: ANN };
    await lastSeenUser("/api/auth/me");
    const waiting = { ...BEN, awaiting: "second_factor" };
    answer = { status: 200, body: waiting };
    const seen = await lastSeenUser<typeof waiting>("/api/auth/me", (user) => !user.awaiting);
    expect(seen).toEqual({ data: waiting, seenAt: null });
    expect(storage.length).toBe(0);
    answer = "offline";
    await expect(lastSeenUser("/api/auth/me")).rejects.toBeInstanceOf(OfflineError);
  });

  it("offline on a device nobody signed in on, throws the OfflineError", async () => {
    answer = "offline";
    await expect(lastSeenUser("/api/auth/me")).rejects.toBeInstanceOf(OfflineError);
  });
});

describe("forgetLastSeen", () => {
  it("clears every copy and the owner, and leaves other keys alone", async () => {
    storage.setItem("someone-else", "kept");
    answer = { status: 200, body: ANN };
    await lastSeenUser("/api/auth/me");
    answer = { status: 200, body: [1] };
    await lastSeen("/api/me/checkins");
    forgetLastSeen();
    expect(storage.keys()).toEqual(["someone-else"]);
    answer = "offline";
    await expect(lastSeenUser("/api/auth/me")).rejects.toBeInstanceOf(OfflineError);
  });
});

describe("ownerWhenOpened", () => {
  it("is who the device took to be signed in when the page opened, whoever signs in since", async () => {
    vi.resetModules(); // a page opening: the module reads the device afresh
    storage.setItem("afterline.last-seen.owner", "ann");
    const page = await import("./last-seen");
    answer = { status: 200, body: BEN };
    await page.lastSeenUser("/api/auth/me");
    expect(page.lastSeenOwner()).toBe("ben");
    page.forgetLastSeen();
    expect(page.lastSeenOwner()).toBeNull();
    expect(page.ownerWhenOpened()).toBe("ann");
  });

  it("is nobody on a device nobody was signed in on", async () => {
    vi.resetModules();
    const page = await import("./last-seen");
    page.setLastSeenOwner("ben");
    expect(page.ownerWhenOpened()).toBeNull();
  });
});
