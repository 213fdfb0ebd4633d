// Sends check-ins queued offline: on load, when the browser says it is online again, and
// after each save. A 4xx other than 401 will never succeed, so the entry is dropped (and
// the patient sees the day as not saved); 401 and network errors keep it for later.
import { api, ApiError, OfflineError } from "../../api";
import { CheckinQueue, type FlushResult, type SendOutcome } from "../../offline/queue";

export const queue = new CheckinQueue();

/** Fired on `window` after a flush that sent something; `detail` is the FlushResult. */
export const SYNCED_EVENT = "afterline:synced";

export async function flushQueue(): Promise<FlushResult> {
  const result = await sendQueued();
  if (result.sent.length > 0) window.dispatchEvent(new CustomEvent(SYNCED_EVENT, { detail: result }));
  return result;
}

function sendQueued(): Promise<FlushResult> {
  return queue.flush(async (item): Promise<SendOutcome> => {
    try {
      await api("PUT", `/api/me/checkins/${item.local_date}`, item.body);
      return "done";
    } catch (error) {
      if (error instanceof OfflineError) return "retry";
      if (error instanceof ApiError && (error.status === 401 || error.status >= 500)) return "retry";
      return "done";
    }
  });
}
