// The API client: same-origin JSON, the session cookie, and the CSRF token echoed on every
// unsafe request. Errors come back as ApiError with the field the server named, so the
// form can show the message next to that field.
import type { ErrorBody } from "./types";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly field: string | null,
  ) {
    super(detail);
  }
}

/** The request never reached the server (offline, or the network dropped). */
export class OfflineError extends Error {}

const CSRF_COOKIE = "csrftoken";
const CSRF_HEADER = "X-CSRFToken";

function cookie(name: string): string | null {
  for (const part of document.cookie.split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return decodeURIComponent(value.join("="));
  }
  return null;
}

async function csrfToken(): Promise<string> {
  const existing = cookie(CSRF_COOKIE);
  if (existing) return existing;
  await fetch("/api/health", { credentials: "same-origin" });
  return cookie(CSRF_COOKIE) ?? "";
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (!["GET", "HEAD"].includes(method)) headers[CSRF_HEADER] = await csrfToken();
  return send<T>(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

/**
 * POSTs a multipart form (a photo and its fields). The browser writes the Content-Type with
 * the form's boundary itself, so none is set here; errors come back as for `api`.
 */
export async function upload<T>(path: string, form: FormData): Promise<T> {
  const headers = { Accept: "application/json", [CSRF_HEADER]: await csrfToken() };
  return send<T>(path, { method: "POST", headers, body: form });
}

async function send<T>(path: string, init: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { ...init, credentials: "same-origin" });
  } catch (error) {
    throw new OfflineError(String(error));
  }
  if (response.status === 204) return undefined as T;
  const data: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    // Usually the API's error body; a proxy in front of it may answer anything else.
    const problem = (data ?? {}) as Partial<ErrorBody>;
    throw new ApiError(
      response.status,
      problem.detail ?? `The server answered ${response.status}`,
      problem.field ?? null,
    );
  }
  return data as T;
}
