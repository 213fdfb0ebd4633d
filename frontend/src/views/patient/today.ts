// Today: which day of recovery it is, today's aftercare advice, and the check-in.
import { api, OfflineError } from "../../api";
import { formatDate, h } from "../../dom";
import type { CheckinBody, TimelineSession } from "../../types";
import { checkinForm } from "./checkin-form";
import { screeningPrompt } from "./screening";
import { queue } from "./sync";

interface Today {
  local_date: string;
  timezone: string;
  day: number | null;
  session: TimelineSession | null;
  checked_in: boolean;
  checkin: (CheckinBody & { local_date: string }) | null;
  advice: { topic: string; text: string }[];
  compression_days?: number;
}

const CACHE_KEY = "afterline.today";

/** Today's screen data; offline, the last copy this device saw (advice does not change within a day). */
async function load(): Promise<{ today: Today; offline: boolean }> {
  try {
    const today = await api<Today>("GET", "/api/me/today");
    localStorage.setItem(CACHE_KEY, JSON.stringify(today));
    return { today, offline: false };
  } catch (error) {
    const cached = localStorage.getItem(CACHE_KEY);
    if (error instanceof OfflineError && cached) return { today: JSON.parse(cached) as Today, offline: true };
    throw error;
  }
}

export async function todayView(): Promise<HTMLElement> {
  const [{ today, offline }, prompt] = await Promise.all([load(), screeningPrompt()]);
  const queued = (await queue.all()).find((item) => item.local_date === today.local_date);
  const dayLine =
    today.session && today.day !== null
      ? `Day ${today.day} after your session on ${formatDate(today.session.performed_on)}`
      : "Your clinic has not recorded a treatment session yet.";
  const compressionRunning = today.advice.some((item) => item.topic === "compression");
  return h(
    "main",
    { class: "screen" },
    h("h1", { tabindex: -1 }, "Today"),
    h("p", { class: "lead" }, dayLine),
    prompt,
    offline ? h("p", { class: "note" }, "You are offline: this is what the app last knew.") : null,
    h(
      "section",
      { class: "advice", "aria-labelledby": "advice-heading" },
      h("h2", { id: "advice-heading" }, "Aftercare for today"),
      h("ul", {}, ...today.advice.map((item) => h("li", { "data-topic": item.topic }, item.text))),
    ),
    h(
      "section",
      { "aria-labelledby": "checkin-heading" },
      h("h2", { id: "checkin-heading" }, `How are you today? (${formatDate(today.local_date)})`),
      checkinForm(today.local_date, queued?.body ?? today.checkin, compressionRunning, Boolean(queued)),
    ),
  );
}
