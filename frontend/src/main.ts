// The app shell: header and navigation by role, the offline banner, and the router.
import { OfflineError } from "./api";
import { h } from "./dom";
import { registerPwa } from "./pwa";
import { currentPath, go, match, route } from "./router";
import { me, signOut } from "./session";
import { flushQueue } from "./views/patient/sync";
import { registerAuthRoutes } from "./views/auth";
import { registerPatientRoutes } from "./views/patient";
import { registerPractitionerRoutes } from "./views/practitioner";
import "./style.css";

const app = document.getElementById("app") as HTMLElement;

registerAuthRoutes();
registerPatientRoutes();
registerPractitionerRoutes();
route("/", async () => h("div"));

const PUBLIC = [/^\/sign-in$/, /^\/invite\//];

function nav(role: "patient" | "practitioner"): HTMLElement {
  const links: [string, string][] =
    role === "patient"
      ? [
          ["#/today", "Today"],
          ["#/history", "History"],
          ["#/recovery", "My recovery"],
          ["#/notifications", "Notifications"],
          ["#/screening", "Health questions"],
        ]
      : [
          ["#/patients", "Patients"],
          ["#/alerts", "Alerts"],
          ["#/clinic", "Clinic"],
        ];
  const current = `#${currentPath()}`;
  return h(
    "nav",
    { "aria-label": "Main" },
    ...links.map(([href, label]) =>
      h("a", { href, "aria-current": current.startsWith(href) ? "page" : null }, label),
    ),
    h(
      "button",
      {
        type: "button",
        class: "link",
        onclick: async () => {
          await signOut();
          go("/sign-in");
        },
      },
      "Sign out",
    ),
  );
}

function offlineBanner(): HTMLElement {
  const banner = h("p", { class: "offline", role: "status", hidden: navigator.onLine });
  banner.textContent = "You are offline. Check-ins you save are kept and sent when you're back.";
  window.addEventListener("online", () => (banner.hidden = true));
  window.addEventListener("offline", () => (banner.hidden = false));
  return banner;
}

const banner = offlineBanner();

async function render(): Promise<void> {
  const path = currentPath();
  const user = PUBLIC.some((pattern) => pattern.test(path)) ? null : await me().catch(() => null);
  if (!user && !PUBLIC.some((pattern) => pattern.test(path))) {
    go("/sign-in");
    return;
  }
  if (user && (path === "/" || path === "/sign-in")) {
    go(user.role === "patient" ? "/today" : "/patients");
    return;
  }
  const found = match(path);
  const content = found
    ? await found.view(found.params).catch((error: unknown) =>
        error instanceof OfflineError
          ? h(
              "main",
              { class: "screen" },
              h("h1", { tabindex: -1 }, "You are offline"),
              h("p", {}, "This screen needs a connection. You can still save today's check-in on "),
              h("a", { href: "#/today" }, "Today"),
            )
          : h("main", { class: "screen" }, h("h1", { tabindex: -1 }, "Something went wrong"), h("p", {}, String(error))),
      )
    : h("main", { class: "screen" }, h("h1", { tabindex: -1 }, "Not found"), h("a", { href: "#/" }, "Home"));
  app.replaceChildren(
    h("header", { class: "top" }, h("span", { class: "brand" }, "Afterline"), user ? nav(user.role) : null),
    banner,
    content,
  );
  content.querySelector<HTMLElement>("h1")?.focus();
}

window.addEventListener("hashchange", () => void render());
window.addEventListener("online", () => void flushQueue(true));
void render();
void flushQueue();
registerPwa();
