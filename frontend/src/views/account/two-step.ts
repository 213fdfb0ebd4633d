// Two-step sign-in: whether it is on, setting it up (scan a QR code or type the key, enter
// the code the app shows, save the recovery codes) and turning it off (a code first).
//
// Setting up is the same on the account screen and on the set-up screen a practitioner
// goes to after their password when the clinic requires it (enrolment.ts).
import { api, ApiError } from "../../api";
import { h } from "../../dom";
import type { Schemas } from "../../types";
import { clearProblems, showProblems } from "../patient/form-errors";
import { CODE_ATTRS, failureSentence, field, sectionHeading, showFailure } from "./common";
import { groupedSecret, recoveryCodesText, typedCode } from "./words";

type Status = Schemas["SecondFactorOut"];
type Enrolment = Schemas["EnrolmentOut"];

export interface SetUpOptions {
  email: string;
  /** "Cancel": back to where setting up began (none on the required set-up screen). */
  cancel?: () => void;
  /** After the user says the recovery codes are saved. */
  done: () => void;
  /** The level of the flow's own headings (h2 on its own screen, h3 inside a section). */
  level: "h2" | "h3";
  /** Focus moves to the first step once it is shown (false: a screen that opens on the steps). */
  focusFirst?: boolean;
}

/** Focus on a heading that just appeared, without scrolling past what is above it. */
function focusOn(element: HTMLElement): void {
  element.setAttribute("tabindex", "-1");
  element.focus({ preventScroll: true });
  element.scrollIntoView({ block: "nearest" });
}

/** The form for the code the app shows; `turnOn` sends it. */
function confirmForm(options: SetUpOptions, turnOn: (code: string) => Promise<void>): HTMLFormElement {
  const code = field("code", "6-digit code from the app", { ...CODE_ATTRS, required: true, maxlength: "9" });
  const form = h(
    "form",
    { novalidate: true, class: "confirm-code" },
    ...code.nodes,
    h("p", { class: "field-error", "data-error-for": "form", role: "alert" }),
    h(
      "div",
      { class: "actions" },
      h("button", { type: "submit", class: "primary" }, "Turn on two-step sign-in"),
      options.cancel ? h("button", { type: "button", class: "secondary", onclick: options.cancel }, "Cancel") : null,
    ),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const value = typedCode(code.input.value);
    if (!/^\d{6}$/.test(value)) {
      showProblems(form, [{ field: "code", message: "Enter the 6 digits the app shows now." }]);
      return;
    }
    clearProblems(form);
    const button = form.querySelector<HTMLButtonElement>("button[type=submit]");
    if (button) button.disabled = true;
    try {
      await turnOn(value);
    } catch (error) {
      showFailure(form, error);
    } finally {
      if (button) button.disabled = false;
    }
  });
  return form;
}

/** Step 1 and 2: add the account to the app, then enter the code it shows. */
function scanStep(enrolment: Enrolment, options: SetUpOptions, turnOn: (code: string) => Promise<void>): HTMLElement {
  const heading = options.level;
  // An SVG `data:` URI, shown as an image: an image document runs no script and loads nothing.
  const qr = h("img", { class: "qr", src: enrolment.qr_svg, alt: "QR code for adding Afterline to your authenticator app" });
  return h(
    "ol",
    { class: "set-up-steps" },
    h(
      "li",
      { class: "step scan" },
      h(heading, {}, "Add Afterline to your authenticator app"),
      h(
        "p",
        {},
        "Open an authenticator app on your phone (for example Google Authenticator, Microsoft Authenticator or 1Password), " +
          "choose to add an account, and scan this QR code.",
      ),
      h(
        "div",
        { class: "scan-box" },
        h("div", { class: "qr-frame" }, qr),
        h(
          "div",
          { class: "by-hand" },
          h("p", { class: "by-hand-intro" }, "Can't scan it? Choose “enter a setup key” in the app and type this key:"),
          h("p", { class: "secret" }, h("code", {}, groupedSecret(enrolment.secret))),
          h("p", { class: "hint" }, `Account name: ${options.email}. Type of key: time-based.`),
        ),
      ),
    ),
    h(
      "li",
      { class: "step code" },
      h(heading, {}, "Enter the code the app shows"),
      h("p", {}, "The app now shows a 6-digit code for Afterline that changes every 30 seconds. Enter the one it shows now."),
      confirmForm(options, turnOn),
    ),
  );
}

/** Step 3: the recovery codes, shown once, to copy or download, then "I have saved these". */
function codesStep(codes: string[], options: SetUpOptions): HTMLElement {
  const text = recoveryCodesText(codes, options.email, new Date());
  const copied = h("p", { class: "done", role: "status" });
  const copy = h("button", { type: "button", class: "secondary" }, "Copy codes");
  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(text);
      copied.textContent = "Copied. Paste them into your password manager or a note you keep safe.";
    } catch {
      copied.textContent = "Copying did not work here: select the codes and copy them, or download them.";
    }
  });
  const download = h(
    "a",
    {
      class: "button secondary",
      href: URL.createObjectURL(new Blob([text], { type: "text/plain" })),
      download: "afterline-recovery-codes.txt",
    },
    "Download as text",
  );
  const title = h(options.level, { id: "codes-heading" }, "Save your recovery codes");
  const box = h(
    "div",
    { class: "codes-step" },
    h("p", { class: "turned-on" }, "Two-step sign-in is on."),
    title,
    h(
      "p",
      {},
      "If you lose your phone, each of these codes lets you sign in once instead of a code from the app. ",
      h("strong", {}, "This is the only time they are shown."),
      " Keep them in a password manager, or print them and keep them somewhere safe.",
    ),
    h("ol", { class: "recovery-codes", "aria-labelledby": "codes-heading" }, ...codes.map((code) => h("li", {}, h("code", {}, code)))),
    h("div", { class: "actions" }, copy, download),
    copied,
    h("button", { type: "button", class: "primary saved", onclick: options.done }, "I have saved these codes"),
  );
  queueMicrotask(() => focusOn(title));
  return box;
}

/**
 * Setting up two-step sign-in in `box`: asks the server for a new key, then leads the user
 * through the steps. Failing to start says so in `box`, with the way back.
 */
export async function setUp(box: HTMLElement, options: SetUpOptions): Promise<void> {
  box.replaceChildren(h("p", { class: "note" }, "Getting your QR code…"));
  let enrolment: Enrolment;
  try {
    enrolment = await api<Enrolment>("POST", "/api/auth/second-factor/setup");
  } catch (error) {
    const problem = h("p", { class: "field-error", role: "alert" }, failureSentence(error));
    box.replaceChildren(problem);
    if (options.cancel) box.append(h("button", { type: "button", class: "secondary", onclick: options.cancel }, "Back"));
    return;
  }
  const turnOn = async (code: string): Promise<void> => {
    const { recovery_codes } = await api<{ recovery_codes: string[] }>("POST", "/api/auth/second-factor/confirm", { code });
    box.replaceChildren(codesStep(recovery_codes, options));
  };
  box.replaceChildren(scanStep(enrolment, options, turnOn));
  const first = box.querySelector<HTMLElement>(options.level);
  if (first && options.focusFirst !== false) focusOn(first);
}

/** The account screen's section: the status, and the way to turn it on or off. */
export function twoStepSection(email: string, othersEnded: () => void): { element: HTMLElement; refresh: () => Promise<void> } {
  const heading = sectionHeading("two-step-heading", "Two-step sign-in");
  const badge = h("span", { class: "badge" });
  const body = h("div", { class: "two-step-body" });
  const status = h("p", { class: "done", role: "status" });
  const element = h(
    "section",
    { class: "card two-step-panel", "aria-labelledby": "two-step-heading" },
    h("div", { class: "card-head" }, heading, badge),
    status,
    body,
  );

  const refresh = async (): Promise<void> => {
    const state = await api<Status>("GET", "/api/auth/second-factor");
    badge.textContent = state.totp ? "On" : "Off";
    badge.className = state.totp ? "badge badge-on" : "badge badge-off";
    body.replaceChildren(...(state.totp ? onView(state) : offView()));
  };
  const back = (): void => {
    status.textContent = "";
    void refresh().then(() => heading.focus());
  };

  const offView = (): HTMLElement[] => {
    const start = h("button", { type: "button", class: "primary" }, "Set up two-step sign-in");
    start.addEventListener("click", () => {
      status.textContent = "";
      badge.textContent = ""; // the steps say when it is on
      void setUp(body, {
        email,
        level: "h3",
        cancel: back,
        done: () => {
          void refresh().then(() => {
            heading.focus();
            status.textContent = "Two-step sign-in is on. Other devices were signed out: sign in there again with a code from the app.";
          });
          othersEnded();
        },
      });
    });
    return [
      h(
        "p",
        {},
        "With two-step sign-in, signing in also needs a code from an app on your phone, so your password alone is not enough " +
          "for someone else to get in.",
      ),
      start,
    ];
  };

  const onView = (state: Status): HTMLElement[] => {
    const left = state.recovery_codes_left;
    const nodes: HTMLElement[] = [
      h("p", {}, "Each time you sign in, you also enter the code from your authenticator app."),
      h(
        "p",
        { class: left <= 3 ? "note low" : "note" },
        `Recovery codes left: ${left} of 10.`,
        left <= 3 && !state.required ? " To get new ones, turn two-step sign-in off and set it up again." : "",
      ),
    ];
    if (state.required) {
      nodes.push(h("p", { class: "note required" }, "Your clinic requires two-step sign-in for practitioners, so it cannot be turned off."));
      return nodes;
    }
    const open = h("button", { type: "button", class: "secondary" }, "Turn off two-step sign-in");
    open.addEventListener("click", () => {
      body.replaceChildren(...nodes.filter((node) => node !== open), turnOffForm());
      body.querySelector<HTMLInputElement>("input")?.focus();
    });
    nodes.push(open);
    return nodes;
  };

  const turnOffForm = (): HTMLElement => {
    const code = field("off-code", "Code from your app, or a recovery code", { ...CODE_ATTRS, inputmode: "text", required: true });
    const form = h(
      "form",
      { novalidate: true, class: "turn-off" },
      h("p", {}, "To turn off two-step sign-in, enter the code your authenticator app shows now, or one of your recovery codes. " +
          "Your other devices will be signed out."),
      ...code.nodes,
      h("p", { class: "field-error", "data-error-for": "form", role: "alert" }),
      h(
        "div",
        { class: "actions" },
        h("button", { type: "submit", class: "danger" }, "Turn off"),
        h("button", { type: "button", class: "secondary", onclick: back }, "Keep it on"),
      ),
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const value = typedCode(code.input.value);
      if (!value) {
        showProblems(form, [{ field: "off-code", message: "Enter the code from your app, or a recovery code." }]);
        return;
      }
      try {
        await api("POST", "/api/auth/second-factor/off", { code: value });
        await refresh();
        heading.focus();
        status.textContent = "Two-step sign-in is off. Other devices were signed out.";
        othersEnded();
      } catch (error) {
        // The server names the field "code"; this form's field is "off-code".
        if (error instanceof ApiError && error.field === "code") {
          showFailure(form, new ApiError(error.status, error.detail.replace(/^code: /, "off-code: "), "off-code"));
        } else {
          showFailure(form, error);
        }
      }
    });
    return form;
  };

  return { element, refresh };
}
