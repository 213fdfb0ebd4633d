import "fake-indexeddb/auto";
import { openDB } from "idb";
import { describe, expect, it } from "vitest";
import { adoptLegacyQueues, forgetOwner, LEGACY, openOutbox } from "./outbox";
import { NoticeBoard, refusedReport } from "./notices";
import { CheckinQueue, ReportQueue } from "./queue";

const checkin = (date: string, pain: number) => ({
  local_date: date,
  body: { pain, swelling: 1, bruising: 0, discolouration: 0, hardening: 0, itching: 0, recorded_at: `${date}T19:00:00Z` },
});
const report = { warning_signs: ["leg_swelling_with_pain"], recorded_at: "2026-03-10T19:00:00.000Z", note: null };

/** The queues as the release before owners left them: keyed by date (or instant) only. */
async function legacyQueues(): Promise<void> {
  const checkins = await openDB(LEGACY[0].database, 1, {
    upgrade: (db) => void db.createObjectStore("checkins", { keyPath: "local_date" }),
  });
  await checkins.put("checkins", checkin("2026-03-10", 7));
  checkins.close();
  const reports = await openDB(LEGACY[1].database, 1, {
    upgrade: (db) => void db.createObjectStore("reports", { keyPath: "recorded_at" }),
  });
  await reports.put("reports", report);
  reports.close();
}

async function legacyLeft(): Promise<number> {
  let left = 0;
  for (const legacy of LEGACY) {
    const db = await openDB(legacy.database);
    if (db.objectStoreNames.contains(legacy.store)) left += await db.count(legacy.store);
    db.close();
  }
  return left;
}

describe("adoptLegacyQueues", () => {
  it("gives an earlier release's queued entries to the user this device knew then, once", async () => {
    await legacyQueues();
    const outbox = openOutbox("outbox-adopt");
    expect(await adoptLegacyQueues("ann-id", outbox)).toBe(2);
    expect(await new CheckinQueue(outbox).all("ann-id")).toEqual([checkin("2026-03-10", 7)]);
    expect(await new ReportQueue(outbox).all("ann-id")).toEqual([report]);
    expect(await new CheckinQueue(outbox).all("ben-id")).toEqual([]);
    expect(await legacyLeft()).toBe(0);
    expect(await adoptLegacyQueues("ben-id", outbox)).toBe(0); // nothing left to take twice
  });

  it("drops them when nobody was known: they are never sent under someone else", async () => {
    await legacyQueues();
    const outbox = openOutbox("outbox-nobody");
    expect(await adoptLegacyQueues(null, outbox)).toBe(0);
    expect(await legacyLeft()).toBe(0);
    expect(await adoptLegacyQueues("ben-id", outbox)).toBe(0);
    expect(await new CheckinQueue(outbox).count("ben-id")).toBe(0);
  });
});

describe("forgetOwner", () => {
  it("deletes everything one user kept on the device, and nobody else's", async () => {
    const outbox = openOutbox("outbox-forget");
    const checkins = new CheckinQueue(outbox);
    const reports = new ReportQueue(outbox);
    const notices = new NoticeBoard(outbox);
    const signs = { ...report, warning_signs: ["leg_swelling_with_pain" as const] };
    for (const owner of ["ann-id", "ben-id"]) {
      await checkins.put(owner, checkin("2026-03-10", 7));
      await checkins.put(owner, checkin("2026-03-11", 5));
      await reports.put(owner, signs);
      await notices.add(owner, refusedReport(report.recorded_at, "it was refused"));
    }
    expect(await forgetOwner("ann-id", outbox)).toBe(4);
    expect(await checkins.count("ann-id")).toBe(0);
    expect(await reports.count("ann-id")).toBe(0);
    expect(await notices.all("ann-id")).toEqual([]);
    expect(await checkins.count("ben-id")).toBe(2);
    expect(await reports.count("ben-id")).toBe(1);
    expect(await notices.all("ben-id")).toHaveLength(1);
    expect(await forgetOwner("ann-id", outbox)).toBe(0);
  });
});

