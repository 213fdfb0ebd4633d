// Sign in, and accepting an invitation (which sets the password and signs in).
import { api, ApiError } from "../api";
import { h, showError } from "../dom";
import { go, route } from "../router";
import { ended } from "../session";

function field(id: string, label: string, type: string, autocomplete: string): HTMLElement[] {
  return [
    h("label", { for: id }, label),
    h("input", { id, name: id, type, autocomplete, required: true }),
    h("p", { class: "field-error", "data-error-for": id, role: "alert" }),
  ];
}

function failure(form: HTMLElement, error: unknown): void {
  if (error instanceof ApiError) showError(form, error.field, error.detail);
  else showError(form, null, "You seem to be offline. Try again when you have a connection.");
}

async function signIn(): Promise<HTMLElement> {
  const form = h(
    "form",
    { novalidate: true },
    ...field("email", "Email", "email", "username"),
    ...field("password", "Password", "password", "current-password"),
    h("p", { class: "field-error", "data-error-for": "form", role: "alert" }),
    h("button", { type: "submit" }, "Sign in"),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    try {
      await api("POST", "/api/auth/login", {
        email: data.get("email"),
        password: data.get("password"),
      });
      ended(); // nothing of an earlier user stays on the device
      go("/");
    } catch (error) {
      failure(form, error);
    }
  });
  return h("main", { class: "screen narrow" }, h("h1", { tabindex: -1 }, "Sign in"), form);
}

async function acceptInvite(params: Record<string, string>): Promise<HTMLElement> {
  const form = h(
    "form",
    { novalidate: true },
    h("p", {}, "Choose a password of at least 10 characters to finish setting up your account."),
    ...field("password", "Password", "password", "new-password"),
    h("p", { class: "field-error", "data-error-for": "form", role: "alert" }),
    h("button", { type: "submit" }, "Set password"),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    try {
      await api("POST", "/api/auth/accept-invite", {
        token: params.token,
        password: data.get("password"),
      });
      ended(); // nothing of an earlier user stays on the device
      go("/");
    } catch (error) {
      failure(form, error);
    }
  });
  return h("main", { class: "screen narrow" }, h("h1", { tabindex: -1 }, "Welcome to Afterline"), form);
}

export function registerAuthRoutes(): void {
  route("/sign-in", signIn);
  route("/invite/:token", acceptInvite);
}
