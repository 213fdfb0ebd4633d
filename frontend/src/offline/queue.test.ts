import "fake-indexeddb/auto";
import { describe, expect, it } from "vitest";
import { checkinBody } from "../test-support";
import type { CheckinBody, WarningSign } from "../types";
import { CheckinQueue, ReportQueue, type QueuedCheckin, type SendOutcome } from "./queue";

let counter = 0;
const fresh = () => new CheckinQueue(`test-${++counter}`);
const ANN = "ann-id";
const BEN = "ben-id";

function body(recordedAt: string, pain = 3): CheckinBody {
  return checkinBody({ pain, recorded_at: recordedAt });
}

const day = (date: string, pain = 3): QueuedCheckin => ({ local_date: date, body: body(`${date}T19:00:00Z`, pain) });

/** A send that answers each entry, in order, with the next outcome, and records the order. */
function answering(outcomes: SendOutcome[]) {
  const calls: string[] = [];
  const send = async (item: QueuedCheckin): Promise<SendOutcome> => {
    calls.push(item.local_date);
    return outcomes[calls.length - 1];
  };
  return { calls, send };
}

describe("CheckinQueue", () => {
  it("keeps one entry per date, the newest edit winning", async () => {
    const queue = fresh();
    await queue.put(ANN, { local_date: "2026-03-10", body: body("2026-03-10T19:00:00Z", 3) });
    await queue.put(ANN, { local_date: "2026-03-10", body: body("2026-03-10T19:05:00Z", 5) });
    await queue.put(ANN, { local_date: "2026-03-10", body: body("2026-03-10T18:00:00Z", 9) });
    const all = await queue.all(ANN);
    expect(all).toHaveLength(1);
    expect(all[0].body.pain).toBe(5);
    expect(all[0].body.recorded_at).toBe("2026-03-10T19:05:00Z");
  });

  it("sends oldest date first with the original recorded_at and empties on success", async () => {
    const queue = fresh();
    await queue.put(ANN, day("2026-03-11"));
    await queue.put(ANN, day("2026-03-10"));
    const sent: QueuedCheckin[] = [];
    const result = await queue.flush(ANN, async (item) => {
      sent.push(item);
      return "sent";
    });
    expect(sent.map((item) => [item.local_date, item.body.recorded_at])).toEqual([
      ["2026-03-10", "2026-03-10T19:00:00Z"],
      ["2026-03-11", "2026-03-11T19:00:00Z"],
    ]);
    expect(result).toEqual({ sent: ["2026-03-10", "2026-03-11"], refused: [], kept: [] });
    expect(await queue.all(ANN)).toEqual([]);
  });

  it("keeps each owner's entries apart: never listed, counted or sent for another", async () => {
    const queue = fresh();
    await queue.put(ANN, day("2026-03-10", 8));
    await queue.put(BEN, day("2026-03-10", 2)); // the same date, someone else's
    await queue.put(BEN, day("2026-03-11", 2));
    expect((await queue.all(ANN)).map((item) => item.body.pain)).toEqual([8]);
    expect(await queue.count(BEN)).toBe(2);
    expect(await queue.has(ANN, "2026-03-11")).toBe(false);
    expect(await queue.has(BEN, "2026-03-11")).toBe(true);

    const { calls, send } = answering(["sent", "sent"]);
    const result = await queue.flush(BEN, async (item) => {
      expect(item.body.pain).toBe(2); // Ann's pain 8 never goes out under Ben
      return send(item);
    });
    expect(calls).toEqual(["2026-03-10", "2026-03-11"]);
    expect(result.sent).toEqual(["2026-03-10", "2026-03-11"]);
    expect(await queue.all(BEN)).toEqual([]);
    // Ann's entry is still there for when she signs in again.
    expect(await queue.all(ANN)).toEqual([day("2026-03-10", 8)]);
  });

  it("never lets one failing entry hold back the others", async () => {
    const queue = fresh();
    for (const date of ["2026-03-10", "2026-03-11", "2026-03-12"]) await queue.put(ANN, day(date));
    const { calls, send } = answering(["retry", "sent", "sent"]);
    const result = await queue.flush(ANN, send);
    expect(calls).toEqual(["2026-03-10", "2026-03-11", "2026-03-12"]);
    expect(result).toEqual({ sent: ["2026-03-11", "2026-03-12"], refused: [], kept: ["2026-03-10"] });
    expect((await queue.all(ANN)).map((item) => item.local_date)).toEqual(["2026-03-10"]);
  });

  it("drops an entry the server refused, says so, and goes on with the next", async () => {
    const queue = fresh();
    for (const date of ["2026-03-10", "2026-03-11"]) await queue.put(ANN, day(date));
    const { calls, send } = answering(["refused", "sent"]);
    const result = await queue.flush(ANN, send);
    expect(calls).toEqual(["2026-03-10", "2026-03-11"]);
    expect(result).toEqual({ sent: ["2026-03-11"], refused: ["2026-03-10"], kept: [] });
    expect(await queue.all(ANN)).toEqual([]);
  });

  it("stops at no answer (offline) and keeps that entry and the rest", async () => {
    const queue = fresh();
    for (const date of ["2026-03-10", "2026-03-11", "2026-03-12"]) await queue.put(ANN, day(date));
    const { calls, send } = answering(["sent", "stop", "sent"]);
    const result = await queue.flush(ANN, send);
    expect(calls).toEqual(["2026-03-10", "2026-03-11"]);
    expect(result).toEqual({ sent: ["2026-03-10"], refused: [], kept: ["2026-03-11", "2026-03-12"] });
    expect((await queue.all(ANN)).map((item) => item.local_date)).toEqual(["2026-03-11", "2026-03-12"]);
  });

  it("two flushes at once send each entry once", async () => {
    const queue = fresh();
    await queue.put(ANN, day("2026-03-10"));
    let sends = 0;
    const send = async (): Promise<SendOutcome> => {
      sends += 1;
      return "sent";
    };
    const [first, second] = await Promise.all([queue.flush(ANN, send), queue.flush(ANN, send)]);
    expect(sends).toBe(1);
    expect(first).toBe(second);
  });

  it("an edit queued while its older version is being sent is not lost", async () => {
    const queue = fresh();
    await queue.put(ANN, { local_date: "2026-03-10", body: body("2026-03-10T19:00:00Z", 3) });
    const result = await queue.flush(ANN, async () => {
      // The patient edits the same day again while the first PUT is in flight.
      await queue.put(ANN, { local_date: "2026-03-10", body: body("2026-03-10T19:02:00Z", 6) });
      return "sent";
    });
    expect(result.sent).toEqual(["2026-03-10"]);
    const left = await queue.all(ANN);
    expect(left).toHaveLength(1);
    expect(left[0].body.pain).toBe(6);
  });
});

describe("ReportQueue", () => {
  let reportsCounter = 0;
  const freshReports = () => new ReportQueue(`reports-test-${++reportsCounter}`);
  const report = (at: string, signs: WarningSign[] = ["leg_swelling_with_pain"]) => ({ warning_signs: signs, recorded_at: at, note: null });

  it("keeps every report, one per recorded_at, and sends them oldest first", async () => {
    const queue = freshReports();
    await queue.put(ANN, report("2026-03-10T19:05:00.000Z"));
    await queue.put(ANN, report("2026-03-10T19:00:00.000Z"));
    await queue.put(ANN, report("2026-03-10T19:00:00.000Z")); // the same report again
    const sent: string[] = [];
    const result = await queue.flush(ANN, async (item) => {
      sent.push(item.recorded_at);
      return { outcome: "sent" };
    });
    expect(sent).toEqual(["2026-03-10T19:00:00.000Z", "2026-03-10T19:05:00.000Z"]);
    expect(result.sent).toEqual(sent);
    expect(await queue.all(ANN)).toEqual([]);
  });

  it("lists, counts and sends only the owner's reports", async () => {
    const queue = freshReports();
    await queue.put(ANN, report("2026-03-10T19:00:00.000Z", ["chest_pain_or_breathless"]));
    await queue.put(BEN, report("2026-03-10T19:00:00.000Z")); // the same instant, someone else
    expect(await queue.count(ANN)).toBe(1);
    expect((await queue.all(BEN)).map((item) => item.warning_signs)).toEqual([["leg_swelling_with_pain"]]);
    const sent: string[][] = [];
    await queue.flush(BEN, async (item) => {
      sent.push(item.warning_signs);
      return { outcome: "sent" };
    });
    expect(sent).toEqual([["leg_swelling_with_pain"]]);
    expect(await queue.all(ANN)).toEqual([report("2026-03-10T19:00:00.000Z", ["chest_pain_or_breathless"])]);
  });

  it("goes on past a failing report, stops at no answer, and hands back the clinic's advice", async () => {
    const queue = freshReports();
    const ats = ["2026-03-10T19:00:00.000Z", "2026-03-11T19:00:00.000Z", "2026-03-12T19:00:00.000Z", "2026-03-13T19:00:00.000Z"];
    for (const at of ats) await queue.put(ANN, report(at));
    const advice = { level: "contact_clinic" as const, title: "Contact the clinic today", text: "…", clinic_phone: null };
    const outcomes: SendOutcome[] = ["retry", "sent", "stop"];
    let calls = 0;
    const result = await queue.flush(ANN, async () => ({ outcome: outcomes[calls++], advice }));
    expect(calls).toBe(3);
    expect(result.sent).toEqual([ats[1]]);
    expect(result.kept).toEqual([ats[0], ats[2], ats[3]]);
    expect(result.advice).toEqual({ [ats[1]]: advice });
    expect((await queue.all(ANN)).map((item) => item.recorded_at)).toEqual(result.kept);
  });
});
