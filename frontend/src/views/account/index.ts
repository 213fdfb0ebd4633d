// Account and security, for patients and practitioners alike: the devices signed in, two-step
// sign-in, passkeys and the password; for patients also their data to download and, last,
// closing their account. Each section loads on its own; one that fails says so with Retry.
import { h } from "../../dom";
import { failureSentence } from "./common";
import { me } from "../../session";
import { devicesSection } from "./devices";
import { leavingSection } from "./leaving";
import { passkeysSection } from "./passkeys";
import { passwordSection } from "./password";
import { twoStepSection } from "./two-step";
import { yourDataSection } from "./your-data";
import "./account.css";

/** Fills a section once its first answer comes; a failure says so in it, with Retry. */
function loaded(section: HTMLElement, load: () => Promise<void>): Promise<void> {
  return load().catch((error: unknown) => {
    const retry = h("button", { type: "button", class: "secondary" }, "Retry");
    const line = h("div", { class: "section-failure" }, h("p", { role: "alert" }, failureSentence(error)), retry);
    retry.addEventListener("click", () => {
      line.remove();
      void loaded(section, load);
    });
    section.append(line);
  });
}

export async function accountScreen(): Promise<HTMLElement> {
  const user = await me();
  const devices = devicesSection();
  const twoStep = twoStepSection(user?.email ?? "", () => void devices.refresh().catch(() => undefined));
  const passkeys = passkeysSection();
  const password = passwordSection(() => void devices.refresh().catch(() => undefined));
  const patient = user?.role === "patient";
  const leaving = patient ? leavingSection() : null;
  // All are asked before the screen is shown, so it does not jump as they arrive.
  await Promise.all([
    loaded(devices.element, devices.refresh),
    loaded(twoStep.element, twoStep.refresh),
    loaded(passkeys.element, passkeys.refresh),
    ...(leaving ? [loaded(leaving.element, leaving.refresh)] : []),
  ]);
  return h(
    "main",
    { class: "screen account" },
    h("h1", { tabindex: -1 }, "Account and security"),
    user ? h("p", { class: "who" }, `Signed in as ${user.name}`, h("span", { class: "email" }, user.email)) : null,
    h(
      "div",
      { class: "sections" },
      devices.element,
      twoStep.element,
      passkeys.element,
      password,
      patient ? yourDataSection() : null,
      leaving?.element ?? null,
    ),
  );
}
