// A screen that did not load says so, in plain words, and offers Retry: never an empty list
// that reads as "nothing there", never "The server answered 500".
import { ApiError, OfflineError } from "./api";
import { h } from "./dom";

export type Failure = "signed-out" | "offline" | "server" | "refused" | "unknown";

/** What went wrong, as the screen needs to know it. `online`: navigator.onLine. */
export function failureOf(error: unknown, online: boolean): Failure {
  if (error instanceof ApiError) {
    if (error.status === 401) return "signed-out";
    return error.status >= 500 ? "server" : "refused";
  }
  // A lazily loaded screen that could not be fetched is a TypeError, like any other fetch.
  if (error instanceof OfflineError || !online) return "offline";
  return "unknown";
}

const SENTENCES: Record<Exclude<Failure, "signed-out">, string> = {
  offline:
    "You are offline, and this device has no copy of this screen yet. It will load when you are back online.",
  server: "Something went wrong on our side. Please try again in a moment.",
  refused: "This screen could not be opened. Please try again, or choose it again from the menu.",
  unknown: "Something went wrong while opening this screen. Please try again.",
};

/** The sentence for a failure (not for "signed-out": that goes to Sign in). */
export function failureSentence(failure: Exclude<Failure, "signed-out">): string {
  return SENTENCES[failure];
}

/** The error screen: a heading, one plain sentence, and Retry as the one next step. */
export function failureScreen(failure: Exclude<Failure, "signed-out">, retry: () => void, patient: boolean): HTMLElement {
  return h(
    "main",
    { class: "screen failure" },
    h("h1", { tabindex: -1 }, "This screen didn't load"),
    h("p", {}, failureSentence(failure)),
    h("button", { type: "button", onclick: retry }, "Retry"),
    failure === "offline" && patient
      ? h("p", { class: "note" }, "You can still save today's check-in on ", h("a", { href: "#/today" }, "Today"), ".")
      : null,
  );
}
