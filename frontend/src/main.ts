// Entry point: hash routes, so every screen has a URL that survives a reload offline.
import { api, ApiError } from "./api";
import "./style.css";

interface Me {
  id: string;
  email: string;
  name: string;
  role: "patient" | "practitioner";
}

const app = document.getElementById("app") as HTMLElement;

function signInScreen(): void {
  app.innerHTML = `
    <main class="screen">
      <h1>Afterline</h1>
      <form id="sign-in" novalidate>
        <label for="email">Email</label>
        <input id="email" name="email" type="email" autocomplete="username" required />
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required />
        <p class="error" id="sign-in-error" role="alert"></p>
        <button type="submit">Sign in</button>
      </form>
    </main>`;
  const form = document.getElementById("sign-in") as HTMLFormElement;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    try {
      await api("POST", "/api/auth/login", { email: data.get("email"), password: data.get("password") });
      await route();
    } catch (error) {
      const message = error instanceof ApiError ? error.detail : "You seem to be offline.";
      (document.getElementById("sign-in-error") as HTMLElement).textContent = message;
    }
  });
}

async function route(): Promise<void> {
  try {
    const me = await api<Me>("GET", "/api/auth/me");
    app.innerHTML = `<main class="screen"><h1>Hello ${me.name}</h1></main>`;
  } catch {
    signInScreen();
  }
}

window.addEventListener("hashchange", () => void route());
void route();
