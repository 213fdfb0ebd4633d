import "fake-indexeddb/auto";
import { describe, expect, it } from "vitest";
import type { CheckinBody } from "../types";
import { CheckinQueue, ReportQueue, type QueuedCheckin, type SendOutcome } from "./queue";

let counter = 0;
const fresh = () => new CheckinQueue(`test-${++counter}`);

function body(recordedAt: string, pain = 3): CheckinBody {
  return {
    pain,
    swelling: 1,
    bruising: 1,
    discolouration: 0,
    hardening: 0,
    itching: 0,
    recorded_at: recordedAt,
  };
}

describe("CheckinQueue", () => {
  it("keeps one entry per date, the newest edit winning", async () => {
    const queue = fresh();
    await queue.put({ local_date: "2026-03-10", body: body("2026-03-10T19:00:00Z", 3) });
    await queue.put({ local_date: "2026-03-10", body: body("2026-03-10T19:05:00Z", 5) });
    await queue.put({ local_date: "2026-03-10", body: body("2026-03-10T18:00:00Z", 9) });
    const all = await queue.all();
    expect(all).toHaveLength(1);
    expect(all[0].body.pain).toBe(5);
    expect(all[0].body.recorded_at).toBe("2026-03-10T19:05:00Z");
  });

  it("sends oldest date first with the original recorded_at and empties on success", async () => {
    const queue = fresh();
    await queue.put({ local_date: "2026-03-11", body: body("2026-03-11T19:00:00Z") });
    await queue.put({ local_date: "2026-03-10", body: body("2026-03-10T19:00:00Z") });
    const sent: QueuedCheckin[] = [];
    const result = await queue.flush(async (item) => {
      sent.push(item);
      return "done";
    });
    expect(sent.map((item) => [item.local_date, item.body.recorded_at])).toEqual([
      ["2026-03-10", "2026-03-10T19:00:00Z"],
      ["2026-03-11", "2026-03-11T19:00:00Z"],
    ]);
    expect(result).toEqual({ sent: ["2026-03-10", "2026-03-11"], kept: [] });
    expect(await queue.all()).toEqual([]);
  });

  it("stops at the first retry and keeps that entry and the rest", async () => {
    const queue = fresh();
    for (const day of ["2026-03-10", "2026-03-11", "2026-03-12"]) {
      await queue.put({ local_date: day, body: body(`${day}T19:00:00Z`) });
    }
    const outcomes: SendOutcome[] = ["done", "retry", "done"];
    const calls: string[] = [];
    const result = await queue.flush(async (item) => {
      calls.push(item.local_date);
      return outcomes[calls.length - 1];
    });
    expect(calls).toEqual(["2026-03-10", "2026-03-11"]);
    expect(result).toEqual({ sent: ["2026-03-10"], kept: ["2026-03-11", "2026-03-12"] });
    expect((await queue.all()).map((item) => item.local_date)).toEqual([
      "2026-03-11",
      "2026-03-12",
    ]);
  });

  it("two flushes at once send each entry once", async () => {
    const queue = fresh();
    await queue.put({ local_date: "2026-03-10", body: body("2026-03-10T19:00:00Z") });
    let sends = 0;
    const send = async (): Promise<SendOutcome> => {
      sends += 1;
      return "done";
    };
    const [first, second] = await Promise.all([queue.flush(send), queue.flush(send)]);
    expect(sends).toBe(1);
    expect(first).toBe(second);
  });

  it("an edit queued while its older version is being sent is not lost", async () => {
    const queue = fresh();
    await queue.put({ local_date: "2026-03-10", body: body("2026-03-10T19:00:00Z", 3) });
    const result = await queue.flush(async () => {
      // The patient edits the same day again while the first PUT is in flight.
      await queue.put({ local_date: "2026-03-10", body: body("2026-03-10T19:02:00Z", 6) });
      return "done";
    });
    expect(result.sent).toEqual(["2026-03-10"]);
    const left = await queue.all();
    expect(left).toHaveLength(1);
    expect(left[0].body.pain).toBe(6);
  });
});

describe("ReportQueue", () => {
  let reportsCounter = 0;
  const freshReports = () => new ReportQueue(`reports-test-${++reportsCounter}`);
  const report = (at: string, signs = ["leg_swelling_with_pain"]) => ({ warning_signs: signs, recorded_at: at, note: null });

  it("keeps every report, one per recorded_at, and sends them oldest first", async () => {
    const queue = freshReports();
    await queue.put(report("2026-03-10T19:05:00.000Z"));
    await queue.put(report("2026-03-10T19:00:00.000Z"));
    await queue.put(report("2026-03-10T19:00:00.000Z")); // the same report again
    const sent: string[] = [];
    const result = await queue.flush(async (item) => {
      sent.push(item.recorded_at);
      return { outcome: "done" };
    });
    expect(sent).toEqual(["2026-03-10T19:00:00.000Z", "2026-03-10T19:05:00.000Z"]);
    expect(result.sent).toEqual(sent);
    expect(await queue.all()).toEqual([]);
  });

  it("stops at the first retry, keeps the rest, and hands back the clinic's advice", async () => {
    const queue = freshReports();
    for (const at of ["2026-03-10T19:00:00.000Z", "2026-03-11T19:00:00.000Z", "2026-03-12T19:00:00.000Z"]) {
      await queue.put(report(at));
    }
    const advice = { level: "contact_clinic" as const, title: "Contact the clinic today", text: "…", clinic_phone: null };
    const outcomes: SendOutcome[] = ["done", "retry"];
    let calls = 0;
    const result = await queue.flush(async () => ({ outcome: outcomes[calls++], advice }));
    expect(calls).toBe(2);
    expect(result.sent).toEqual(["2026-03-10T19:00:00.000Z"]);
    expect(result.kept).toEqual(["2026-03-11T19:00:00.000Z", "2026-03-12T19:00:00.000Z"]);
    expect(result.advice).toEqual({ "2026-03-10T19:00:00.000Z": advice });
    expect((await queue.all()).map((item) => item.recorded_at)).toEqual(result.kept);
  });
});
