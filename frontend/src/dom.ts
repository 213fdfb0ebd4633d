// Building DOM safely: text always goes in as text (never innerHTML with data), so a
// patient's note or name can never become markup.

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | EventListener | null | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === "function") {
      element.addEventListener(name.replace(/^on/, "").toLowerCase(), value);
    } else if (value === true) {
      element.setAttribute(name, "");
    } else {
      element.setAttribute(name, String(value));
    }
  }
  append(element, ...children);
  return element;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Shows an API error next to the field it names, or in the form's general error line. */
export function showError(form: HTMLElement, field: string | null, message: string): void {
  for (const old of form.querySelectorAll(".field-error")) old.textContent = "";
  const target =
    (field && form.querySelector<HTMLElement>(`[data-error-for="${CSS.escape(field)}"]`)) ||
    form.querySelector<HTMLElement>("[data-error-for='form']");
  if (target) target.textContent = message;
}

export function formatDate(iso: string): string {
  const [year, month, day] = iso.split("-").map(Number);
  return new Date(Date.UTC(year, month - 1, day)).toLocaleDateString("en-GB", {
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    timeZone: "UTC",
  });
}

/** An instant in the device's time zone: "Thu, 3 Dec 2026 at 18:05". */
export function formatInstant(iso: string): string {
  const when = new Date(iso);
  const day = when.toLocaleDateString("en-GB", { weekday: "short", day: "numeric", month: "short", year: "numeric" });
  const time = when.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
  return `${day} at ${time}`;
}

/**
 * What a screen shows above records read from this device's last copy (offline/last-seen.ts):
 * nothing when they are fresh from the server.
 */
export function lastSeenNote(seenAt: string | null): HTMLElement | null {
  if (!seenAt) return null;
  return h("p", { class: "note last-seen" }, `As last seen on ${formatInstant(seenAt)} — you are offline.`);
}
