// The app shell: header and navigation by role, the offline banner, and the router.
//
// Offline for real: a patient signed in on this device opens on Today with no connection
// (the last user seen here is still signed in; only the server's 401 signs anyone out).
// When the connection returns the shell notices by itself: the banner goes, the queue is
// sent and the screen is drawn again (unless the patient is in the middle of a form).
// A screen that fails to load says so and offers Retry; a role's screens are downloaded on
// demand, so the sign-in page carries only this shell.
import { api, ApiError } from "./api";
import { h } from "./dom";
import { failureOf, failureScreen } from "./failure";
import { lastSeen } from "./offline/last-seen";
import { navigation, type ConfirmSignOut, type NavExtras } from "./nav";
import { registerPwa } from "./pwa";
import { currentPath, go, loadRouteGroup, match, route, routeGroup } from "./router";
import { awaiting, ended, me, signOut, type Me, type Unsent } from "./session";
import type { Schemas } from "./types";
import { registerAuthRoutes, STEP_ROUTES } from "./views/auth";
import "./style.css";

const app = document.getElementById("app") as HTMLElement;

registerAuthRoutes();
route("/", async () => h("div"));
// Account and security: both roles, its code downloaded when it is opened.
route("/account", async () => (await import("./views/account")).accountScreen());
// After a patient closes their account: signed out, so public.
route("/account-closed", async () => (await import("./views/account/leaving")).closedScreen());
routeGroup("patient", () => import("./views/patient").then((m) => m.registerPatientRoutes()));
routeGroup("practitioner", () => import("./views/practitioner").then((m) => m.registerPractitionerRoutes()));

const PUBLIC = [/^\/sign-in$/, /^\/invite\//, /^\/account-closed$/];
const HOME = { patient: "/today", practitioner: "/patients" } as const;
// Whose screens a route is: fetched while "who is signed in" is still being asked, so a
// deep link or a reload waits for one round trip less.
const GROUP_OF: [RegExp, Me["role"]][] = [
  [/^\/(today|history|checkin|recovery|notifications|screening)(\/|$)/, "patient"],
  [/^\/(patients|alerts|clinic)(\/|$)/, "practitioner"],
];

/** Sends what the patient saved offline (the queue's code comes with the patient screens). */
async function flush(reconnected = false): Promise<unknown> {
  const { flushQueue } = await import("./views/patient/sync");
  return flushQueue(reconnected);
}

// The offline banner: one live region for the page's life, so going offline is announced.
const banner = h("p", { class: "offline", role: "status" });
let role: Me["role"] | null = null;

function showBanner(): void {
  banner.textContent = navigator.onLine
    ? ""
    : role === "patient"
      ? "You are offline. Check-ins you save are kept and sent when you're back."
      : role === "practitioner"
        ? "You are offline. Screens load again when you're back."
        : "You are offline. Signing in needs a connection.";
}

// What the navigation shows beside the links; answered health questions stay answered.
const answeredScreening = new Set<string>();

async function navExtras(user: Me): Promise<NavExtras> {
  if (user.role === "patient") {
    if (answeredScreening.has(user.id)) return { screeningOpen: false };
    const seen = await lastSeen<Schemas["ScreeningOut"]>("/api/me/screening").catch(() => null);
    if (seen && seen.data.answers !== null) answeredScreening.add(user.id);
    return { screeningOpen: seen !== null && seen.data.answers === null };
  }
  const alerts = await api<Schemas["AlertOut"][]>("GET", "/api/alerts").catch(() => null);
  return { urgent: alerts?.filter((alert) => alert.severity === "urgent").length ?? 0 };
}

/** A patient's queue before signing out: sent if it can be, then what is left unsent. */
async function unsentAfterFlush(): Promise<Unsent> {
  const { flushQueue, unsent } = await import("./views/patient/sync");
  await flushQueue().catch(() => undefined);
  return unsent();
}

async function onSignOut(status: HTMLElement, confirm: ConfirmSignOut): Promise<void> {
  status.textContent = "";
  try {
    const signedOut = await signOut(role === "patient" ? { unsent: unsentAfterFlush, confirm } : {});
    if (signedOut) go("/sign-in");
  } catch (error) {
    status.textContent =
      error instanceof ApiError
        ? "Signing out did not work. Please try again."
        : "Signing out needs a connection. Please try again when you're back online.";
  }
}

// The user has typed into or ticked a form since the screen was drawn: a refresh would lose
// it, or what the screen said after saving (queued, sent, advice). Those forms follow the
// queue themselves (sync.ts's SYNCED_EVENT); the shell leaves them alone.
let dirty = false;
app.addEventListener("input", (event) => {
  if ((event.target as Element).closest("form")) dirty = true;
});

let drawn = 0;
// Whose queue was sent when they opened the app (or signed in): each user's, once a page.
let flushedFor: string | null = null;

async function render(): Promise<void> {
  const ticket = ++drawn;
  const path = currentPath();
  const open = PUBLIC.some((pattern) => pattern.test(path));
  let user: Me | null = null;
  let content: HTMLElement;
  let extras: Promise<NavExtras> = Promise.resolve({});
  try {
    const group = GROUP_OF.find(([pattern]) => pattern.test(path))?.[1];
    if (group && !open) void loadRouteGroup(group).catch(() => undefined);
    user = open ? null : await me();
    if (!user && !open) {
      // Half-way through signing in (a code, or setting up two-step sign-in): that step.
      const step = await awaiting();
      if (!step) return go("/sign-in");
      if (path !== STEP_ROUTES[step]) return go(STEP_ROUTES[step]);
    }
    const steps = Object.values(STEP_ROUTES);
    if (user && (path === "/" || path === "/sign-in" || steps.includes(path))) return go(HOME[user.role]);
    if (user) {
      extras = navExtras(user);
      await loadRouteGroup(user.role);
    }
    const found = match(path);
    content = found
      ? await found.view(found.params)
      : h("main", { class: "screen" }, h("h1", { tabindex: -1 }, "Not found"), h("a", { href: "#/" }, "Home"));
  } catch (error) {
    const failure = failureOf(error, navigator.onLine);
    if (failure === "signed-out") {
      ended();
      return go("/sign-in");
    }
    // Unexpected (a screen's code from an older release, gone from the server): a fresh
    // page load. Otherwise drawing the screen again is enough.
    const retry = failure === "unknown" ? () => location.reload() : () => void render();
    content = failureScreen(failure, retry, user?.role === "patient");
  }
  const shown = await extras;
  if (ticket !== drawn) return; // the user moved on while this screen loaded
  role = user?.role ?? null;
  showBanner();
  const hadFocus = app.contains(document.activeElement) || document.activeElement === document.body;
  const header = h(
    "header",
    { class: "top" },
    h("span", { class: "brand" }, "Afterline"),
    user ? navigation(user.role, path, shown, (status, confirm) => void onSignOut(status, confirm)) : null,
  );
  // The banner stays where it is (a live region taken out and put back may go unheard).
  if (banner.parentElement === app) {
    app.firstElementChild?.replaceWith(header);
    app.lastElementChild?.replaceWith(content);
  } else {
    app.replaceChildren(header, banner, content);
  }
  dirty = false;
  if (hadFocus) content.querySelector<HTMLElement>("h1")?.focus();
  if (user?.role === "patient" && flushedFor !== user.id) {
    flushedFor = user.id;
    void flush();
  }
}

window.addEventListener("hashchange", () => void render());
window.addEventListener("offline", showBanner);
window.addEventListener("online", () => {
  showBanner();
  void (async () => {
    if (role === "patient") await flush(true).catch(() => undefined);
    if (!dirty) await render();
  })();
});
void render();
registerPwa();
