// Who is signed in. Cached for the page's life; sign-in and sign-out reset it.
import { api, ApiError } from "./api";

export interface Me {
  id: string;
  email: string;
  name: string;
  role: "patient" | "practitioner";
}

let current: Me | null | undefined;

export async function me(): Promise<Me | null> {
  if (current !== undefined) return current;
  try {
    current = await api<Me>("GET", "/api/auth/me");
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) current = null;
    else throw error;
  }
  return current;
}

export function forget(): void {
  current = undefined;
}

export async function signOut(): Promise<void> {
  try {
    await api("POST", "/api/auth/logout");
  } finally {
    forget();
  }
}
