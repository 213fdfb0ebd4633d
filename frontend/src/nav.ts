// The main navigation: on phones a bottom tab bar of one row (a few screens and "More"), on
// wider screens the same links in the top bar. Rare screens and Sign out live under "More"
// (a <details> menu: keyboard and screen-reader friendly without extra code).
import { h } from "./dom";
import "./sign-out.css";

export type Role = "patient" | "practitioner";
export type Icon = "today" | "history" | "recovery" | "photos" | "patients" | "alerts" | "clinic" | "more";

export interface NavLink {
  href: string;
  label: string;
  icon?: Icon;
  /** A count shown beside the label (open urgent alerts), with words for screen readers. */
  count?: { value: number; words: string };
}

export interface NavModel {
  tabs: NavLink[];
  more: NavLink[];
}

export interface NavExtras {
  /** The patient has not answered the health questions yet. */
  screeningOpen?: boolean;
  /** Open urgent alerts in the practitioner's clinic. */
  urgent?: number;
}

// Signed-in devices, two-step sign-in and the password: both roles, under More.
const ACCOUNT: NavLink = { href: "#/account", label: "Account and security" };

/** Which links a role sees, and where: pure, so the rules are unit-tested. */
export function navModel(role: Role, extras: NavExtras = {}): NavModel {
  if (role === "patient") {
    return {
      tabs: [
        { href: "#/today", label: "Today", icon: "today" },
        { href: "#/history", label: "History", icon: "history" },
        { href: "#/recovery", label: "My recovery", icon: "recovery" },
        { href: "#/photos", label: "Photos", icon: "photos" },
      ],
      more: [
        { href: "#/notifications", label: "Notifications" },
        ...(extras.screeningOpen ? [{ href: "#/screening", label: "Health questions" }] : []),
        ACCOUNT,
      ],
    };
  }
  const urgent = extras.urgent ?? 0;
  return {
    tabs: [
      { href: "#/patients", label: "Patients", icon: "patients" },
      {
        href: "#/alerts",
        label: "Alerts",
        icon: "alerts",
        count: urgent > 0 ? { value: urgent, words: `${urgent} open urgent` } : undefined,
      },
      { href: "#/clinic", label: "Clinic", icon: "clinic" },
    ],
    // The outcomes report is looked at now and then, not every day: under More.
    more: [{ href: "#/outcomes", label: "Outcomes" }, ACCOUNT],
  };
}

// Screens reached from a tab count as that tab (editing a day belongs to History).
const ALIASES: Record<string, string[]> = { "#/history": ["/checkin"], "#/recovery": ["/rate"] };

/** Whether `href` is the current screen's tab for the route `path` ("/patients/12"). */
export function isCurrent(href: string, path: string): boolean {
  const bases = [href.replace(/^#/, ""), ...(ALIASES[href] ?? [])];
  return bases.some((base) => path === base || path.startsWith(`${base}/`));
}

// 24x24 stroke icons (decorative: every tab has its words).
const ICONS: Record<Icon, string> = {
  today: "M4 6h16v14H4zM4 10h16M8 3v4M16 3v4",
  history: "M9 6h11M9 12h11M9 18h11M4 6h.01M4 12h.01M4 18h.01",
  recovery: "M3 20h18M4 16l5-6 4 3 7-8",
  photos: "M3 8h4l2-3h6l2 3h4v12H3zM12 17a4 4 0 1 0 0-8 4 4 0 0 0 0 8z",
  patients: "M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM2 21a7 7 0 0 1 14 0M16 3.5a4 4 0 0 1 0 7.5M18 14a6 6 0 0 1 4 7",
  alerts: "M6 16V11a6 6 0 0 1 12 0v5l2 2H4zM10 21h4",
  clinic: "M4 21V8l8-5 8 5v13zM12 10v6M9 13h6",
  more: "M5 12h.01M12 12h.01M19 12h.01",
};

function icon(name: Icon): SVGElement {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
  path.setAttribute("d", ICONS[name]);
  svg.append(path);
  return svg;
}

function link(item: NavLink, path: string): HTMLElement {
  return h(
    "a",
    { href: item.href, "aria-current": isCurrent(item.href, path) ? "page" : null },
    item.icon ? icon(item.icon) : null,
    h("span", { class: "label" }, item.label),
    item.count
      ? h(
          "span",
          { class: "count" },
          h("span", { "aria-hidden": "true" }, String(item.count.value)),
          h("span", { class: "visually-hidden" }, `, ${item.count.words}`),
        )
      : null,
  );
}

/** Asks the user a question before signing out; resolves true to sign out anyway. */
export type ConfirmSignOut = (question: string) => Promise<boolean>;

/**
 * The "More" menu: a button that opens a list (aria-expanded), closed again by Escape (focus
 * back on "More"), by a click or a focus outside it, and by a choice (the screen is redrawn).
 * Sign out may first ask (unsent check-ins): the question and its two answers take the Sign
 * out button's place; closing the menu answers "stay signed in".
 */
function moreMenu(items: NavLink[], path: string, onSignOut: (status: HTMLElement, confirm: ConfirmSignOut) => void): HTMLElement {
  const status = h("p", { class: "menu-status", role: "status" });
  const signOutButton = h("button", { type: "button", class: "sign-out" }, "Sign out");
  const confirmBox = h("div", { class: "sign-out-confirm", role: "group", "aria-labelledby": "sign-out-question", hidden: true });
  let answer: ((signOut: boolean) => void) | null = null;
  const settle = (signOut: boolean, refocus: boolean): void => {
    const resolve = answer;
    answer = null;
    // Hidden, not emptied: the button just pressed stays inside the menu, so the click does
    // not count as one outside it (which closes the menu).
    confirmBox.hidden = true;
    signOutButton.hidden = false;
    if (refocus) signOutButton.focus();
    resolve?.(signOut);
  };
  const confirm: ConfirmSignOut = (question) =>
    new Promise<boolean>((resolve) => {
      answer = resolve;
      const text = h("p", { id: "sign-out-question", tabindex: -1 }, question);
      confirmBox.replaceChildren(
        text,
        h(
          "div",
          { class: "choices" },
          h("button", { type: "button", class: "confirm", onclick: () => settle(true, false) }, "Sign out anyway"),
          h("button", { type: "button", class: "stay", onclick: () => settle(false, true) }, "Stay signed in"),
        ),
      );
      confirmBox.hidden = false;
      signOutButton.hidden = true;
      text.focus();
    });
  signOutButton.addEventListener("click", () => onSignOut(status, confirm));
  const menu = h(
    "div",
    { class: "menu", id: "more-menu", hidden: true },
    h("ul", {}, ...items.map((item) => h("li", {}, link(item, path))), h("li", {}, signOutButton, confirmBox)),
    status,
  );
  const toggle = h(
    "button",
    {
      type: "button",
      class: items.some((item) => isCurrent(item.href, path)) ? "more-toggle current" : "more-toggle",
      "aria-expanded": "false",
      "aria-controls": "more-menu",
    },
    icon("more"),
    h("span", { class: "label" }, "More"),
  );
  const box = h("div", { class: "more" }, toggle, menu);
  const setOpen = (open: boolean): void => {
    if (!open && answer) settle(false, false);
    menu.hidden = !open;
    toggle.setAttribute("aria-expanded", String(open));
    box.classList.toggle("open", open);
  };
  toggle.addEventListener("click", () => setOpen(menu.hidden));
  box.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !menu.hidden) {
      setOpen(false);
      toggle.focus();
    }
  });
  box.addEventListener("focusout", (event) => {
    const next = event.relatedTarget as Node | null;
    if (next && !box.contains(next)) setOpen(false);
  });
  box.addEventListener("close-menu", () => setOpen(false));
  closeMenusOnOutsideClick();
  return box;
}

let closing = false;

/** One listener for the page's life (menus are rebuilt on every screen). */
function closeMenusOnOutsideClick(): void {
  if (closing) return;
  closing = true;
  document.addEventListener("click", (event) => {
    for (const open of document.querySelectorAll(".more.open")) {
      if (!open.contains(event.target as Node)) open.dispatchEvent(new Event("close-menu"));
    }
  });
}

export function navigation(
  role: Role,
  path: string,
  extras: NavExtras,
  onSignOut: (status: HTMLElement, confirm: ConfirmSignOut) => void,
): HTMLElement {
  const model = navModel(role, extras);
  return h(
    "nav",
    { "aria-label": "Main", class: "tabs" },
    h(
      "ul",
      {},
      ...model.tabs.map((item) => h("li", {}, link(item, path))),
      h("li", {}, moreMenu(model.more, path, onSignOut)),
    ),
  );
}
