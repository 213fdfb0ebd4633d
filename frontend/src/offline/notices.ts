// What the patient must be told about entries the server refused for good while they were
// being sent from the queue (a 4xx other than 401): the entry is gone from the queue, so the
// screen that said "queued" cannot say it any more. A notice is kept on the device, under
// its owner (outbox.ts), until the patient has read it and pressed OK on Today.

import type { IDBPDatabase } from "idb";
import { formatDate, formatInstant } from "../dom";
import { BY_OWNER, NOTICES, openOutbox } from "./outbox";

export interface Notice {
  /** One notice per entry: "checkin:2026-03-10" or "report:<recorded_at>". */
  id: string;
  message: string;
}

/** The server's reason as a clause: its field prefix ("note: …") and full stop removed, dates
 * written out ("2026-03-05" → "Thu, 5 Mar 2026"), and a bare "is …" (said of the field, such
 * as the day) made "it is …" so it reads after a colon. */
export function reason(detail: string, field: string | null): string {
  let text = detail.trim().replace(/\.$/, "");
  if (field && text.startsWith(`${field}: `)) text = text.slice(field.length + 2);
  text = text.replace(/\b\d{4}-\d{2}-\d{2}\b/g, (iso) => formatDate(iso));
  return /^is /.test(text) ? `it ${text}` : text;
}

/** The one sentence for a check-in the server would not store, with its day when known. */
export function checkinNotSaved(localDate: string | null, why: string): string {
  const which = localDate ? `Your check-in for ${formatDate(localDate)}` : "Your check-in";
  return `${which} could not be saved: ${why}.`;
}

/** What became of a refused check-in's warning signs. */
export type SignsFate = "none" | "sent" | "not_sent";

export function refusedCheckin(localDate: string, why: string, signs: SignsFate): Notice {
  const tail =
    signs === "sent"
      ? " Your warning signs were sent to the clinic."
      : signs === "not_sent"
        ? " Your warning signs could not be sent either: please call the clinic and tell them."
        : "";
  return {
    id: `checkin:${localDate}`,
    message: `${checkinNotSaved(localDate, why)}${tail}`,
  };
}

export function refusedReport(recordedAt: string, why: string): Notice {
  return {
    id: `report:${recordedAt}`,
    message: `Your warning-sign report of ${formatInstant(recordedAt)} could not be sent: ${why}. Please call the clinic and tell them what you noticed.`,
  };
}

export class NoticeBoard {
  private db: Promise<IDBPDatabase>;

  constructor(source: string | Promise<IDBPDatabase> = openOutbox()) {
    this.db = typeof source === "string" ? openOutbox(source) : source;
  }

  async add(owner: string, notice: Notice): Promise<void> {
    await (await this.db).put(NOTICES, { ...notice, owner, at: new Date().toISOString() });
  }

  /** The owner's notices, oldest first. */
  async all(owner: string): Promise<Notice[]> {
    const rows = (await (await this.db).getAllFromIndex(NOTICES, BY_OWNER, owner)) as (Notice & { at: string })[];
    return rows.sort((a, b) => a.at.localeCompare(b.at)).map(({ id, message }) => ({ id, message }));
  }

  /** The patient has read these: they are not shown again. */
  async dismiss(owner: string, ids: string[]): Promise<void> {
    const tx = (await this.db).transaction(NOTICES, "readwrite");
    await Promise.all([...ids.map((id) => tx.store.delete([owner, id])), tx.done]);
  }
}
