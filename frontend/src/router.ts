// Hash routes (`#/today`, `#/patients/<id>`): deep links work, and the service worker
// serves the same shell for all of them.
//
// A role's screens are a group loaded on demand (`routeGroup`): the sign-in page downloads
// none of them, and the chart library only comes with the screens that draw charts.

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

const groups = new Map<string, () => Promise<void>>();
const loaded = new Map<string, Promise<void>>();

/** Routes registered by `load` (a dynamic `import()`), the first time `loadRouteGroup(name)` runs. */
export function routeGroup(name: string, load: () => Promise<void>): void {
  groups.set(name, load);
}

/** Loads a group once; a failed load (offline, not cached yet) is tried again next time. */
export function loadRouteGroup(name: string): Promise<void> {
  const load = groups.get(name);
  if (!load) return Promise.resolve();
  let loading = loaded.get(name);
  if (!loading) {
    loading = load();
    loaded.set(name, loading);
    loading.catch(() => loaded.delete(name));
  }
  return loading;
}
