// Hash routes (`#/today`, `#/patients/<id>`): deep links work, and the service worker
// serves the same shell for all of them.

export type View = (params: Record<string, string>) => Promise<HTMLElement>;

interface Route {
  pattern: RegExp;
  keys: string[];
  view: View;
}

const routes: Route[] = [];

/** `path` like "/patients/:id"; params are URL-decoded. */
export function route(path: string, view: View): void {
  const keys: string[] = [];
  const pattern = new RegExp(
    "^" + path.replace(/:([a-z_]+)/g, (_, key: string) => (keys.push(key), "([^/]+)")) + "$",
  );
  routes.push({ pattern, keys, view });
}

export function currentPath(): string {
  return location.hash.replace(/^#/, "") || "/";
}

export function go(path: string): void {
  if (currentPath() === path) window.dispatchEvent(new HashChangeEvent("hashchange"));
  else location.hash = path;
}

export function match(path: string): { view: View; params: Record<string, string> } | null {
  for (const candidate of routes) {
    const found = candidate.pattern.exec(path);
    if (found) {
      const params: Record<string, string> = {};
      candidate.keys.forEach((key, index) => (params[key] = decodeURIComponent(found[index + 1])));
      return { view: candidate.view, params };
    }
  }
  return null;
}
