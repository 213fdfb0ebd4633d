// The set-up screen a practitioner reaches straight after their password when the clinic
// requires two-step sign-in and they have not set it up: nothing else opens until they do.
import { api } from "../../api";
import { h } from "../../dom";
import { go } from "../../router";
import { ended } from "../../session";
import type { Schemas } from "../../types";
import { setUp } from "./two-step";
import "./account.css";

export async function enrolmentScreen(startAgain: () => Promise<void>): Promise<HTMLElement> {
  // Who is setting up (the account name the app shows); allowed while the sign-in waits.
  const user = await api<Schemas["UserOut"]>("GET", "/api/auth/me");
  const flow = h("div", { class: "set-up" });
  void setUp(flow, {
    email: user.email,
    level: "h2",
    done: () => {
      ended(); // the sign-in is finished: who is signed in is asked again
      go("/");
    },
  });
  return h(
    "main",
    { class: "screen account enrolment" },
    h("h1", { tabindex: -1 }, "Set up two-step sign-in"),
    h(
      "p",
      { class: "lead" },
      "Your clinic requires two-step sign-in for practitioners: as well as your password, you enter a code from an app " +
        "on your phone. It takes about two minutes, and you only need to do it once.",
    ),
    flow,
    h(
      "p",
      { class: "note start-again" },
      "Not you? ",
      h("button", { type: "button", class: "link", onclick: () => void startAgain() }, "Sign in as someone else"),
    ),
  );
}
