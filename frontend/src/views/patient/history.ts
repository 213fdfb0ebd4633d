// Earlier days: the list of check-ins (and any still queued), each editable.
import { api } from "../../api";
import { formatDate, h } from "../../dom";
import type { CheckinBody } from "../../types";
import { checkinForm } from "./checkin-form";
import { queue } from "./sync";

type Stored = CheckinBody & { local_date: string };

export async function historyView(): Promise<HTMLElement> {
  const [stored, queued] = await Promise.all([
    api<Stored[]>("GET", "/api/me/checkins").catch(() => [] as Stored[]),
    queue.all(),
  ]);
  const waiting = new Set(queued.map((item) => item.local_date));
  const days = new Map<string, Stored>();
  for (const item of stored) days.set(item.local_date, item);
  for (const item of queued) days.set(item.local_date, { ...item.body, local_date: item.local_date });
  const rows = [...days.values()].sort((a, b) => b.local_date.localeCompare(a.local_date));
  return h(
    "main",
    { class: "screen" },
    h("h1", { tabindex: -1 }, "History"),
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
}

export async function editDayView(params: Record<string, string>): Promise<HTMLElement> {
  const day = params.date;
  const queued = (await queue.all()).find((item) => item.local_date === day);
  const stored = await api<Stored[]>("GET", `/api/me/checkins?from=${day}&to=${day}`).catch(() => []);
  const existing = queued?.body ?? stored[0] ?? null;
  return h(
    "main",
    { class: "screen" },
    h("h1", { tabindex: -1 }, `Check-in for ${formatDate(day)}`),
    checkinForm(day, existing, existing?.compression_worn !== null && existing?.compression_worn !== undefined, Boolean(queued)),
    h("p", {}, h("a", { href: "#/history" }, "Back to history")),
  );
}
