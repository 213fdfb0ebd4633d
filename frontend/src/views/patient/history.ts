// Earlier days: the list of check-ins (and any still queued), each editable. Offline, the
// list is the one this device last saw, said so, with what is queued on top of it; a list
// that did not load is an error with Retry (main.ts), never an empty "no check-ins".
// It follows the queue itself: whatever is sent later (a retry after reconnecting) is
// redrawn here, as the Today screen does.
import { api, OfflineError } from "../../api";
import { formatDate, h, lastSeenNote } from "../../dom";
import { lastSeen, peekLastSeen } from "../../offline/last-seen";
import type { CheckinBody, CheckinOut } from "../../types";
import { checkinForm } from "./checkin-form";
import { queue, SYNCED_EVENT } from "./sync";

/** A row: a check-in the server has, or one queued on this device (its body and day). */
type Row = CheckinOut | (CheckinBody & { local_date: string });

const CHECKINS = "/api/me/checkins";

export async function historyView(): Promise<HTMLElement> {
  const [stored, queued] = await Promise.all([lastSeen<CheckinOut[]>(CHECKINS), queue.all()]);
  const waiting = new Set(queued.map((item) => item.local_date));
  const days = new Map<string, Row>();
  for (const item of stored.data) days.set(item.local_date, item);
  for (const item of queued) days.set(item.local_date, { ...item.body, local_date: item.local_date });
  const rows = [...days.values()].sort((a, b) => b.local_date.localeCompare(a.local_date));
  const screen = h(
    "main",
    { class: "screen" },
    h("h1", { tabindex: -1 }, "History"),
    lastSeenNote(stored.seenAt),
    rows.length === 0
      ? h("p", {}, "No check-ins yet.")
      : h(
          "ul",
          { class: "history" },
          ...rows.map((item) =>
            h(
              "li",
              {},
              h("span", { class: "day" }, formatDate(item.local_date)),
              h("span", {}, `Pain ${item.pain}`),
              waiting.has(item.local_date) ? h("span", { class: "badge" }, "Queued") : null,
              h("a", { href: `#/checkin/${item.local_date}`, "aria-label": `Edit ${formatDate(item.local_date)}` }, "Edit"),
            ),
          ),
        ),
  );
  if (waiting.size > 0) {
    const onSynced = (): void => {
      window.removeEventListener(SYNCED_EVENT, onSynced);
      if (!screen.isConnected) return;
      void historyView()
        .then((fresh) => {
          if (screen.isConnected) screen.replaceWith(fresh); // which follows the queue in turn
        })
        .catch(() => undefined); // the list on screen stays; the next visit reads it again
    };
    window.addEventListener(SYNCED_EVENT, onSynced);
  }
  return screen;
}

/** One day's saved check-in: from the server, or offline from the last list seen here. */
async function savedDay(day: string): Promise<CheckinOut | null> {
  try {
    return (await api<CheckinOut[]>("GET", `${CHECKINS}?from=${day}&to=${day}`))[0] ?? null;
  } catch (error) {
    const copy = error instanceof OfflineError ? peekLastSeen<CheckinOut[]>(CHECKINS) : null;
    if (!copy) throw error;
    return copy.data.find((item) => item.local_date === day) ?? null;
  }
}

export async function editDayView(params: Record<string, string>): Promise<HTMLElement> {
  const day = params.date;
  const queued = (await queue.all()).find((item) => item.local_date === day);
  // A day queued on this device needs nothing from the server to be edited.
  const existing = queued?.body ?? (await savedDay(day));
  return h(
    "main",
    { class: "screen" },
    h("h1", { tabindex: -1 }, `Check-in for ${formatDate(day)}`),
    checkinForm(day, existing, existing?.compression_worn !== null && existing?.compression_worn !== undefined, Boolean(queued)),
    h("p", {}, h("a", { href: "#/history" }, "Back to history")),
  );
}
