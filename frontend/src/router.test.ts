import { describe, expect, it } from "vitest";
import { loadRouteGroup, match, route, routeGroup } from "./router";

const view = async (): Promise<HTMLElement> => ({}) as HTMLElement;

describe("match", () => {
  it("finds a route and decodes its params", () => {
    route("/things/:thing_id/parts/:part", view);
    expect(match("/things/a%20b/parts/7")?.params).toEqual({ thing_id: "a b", part: "7" });
    expect(match("/things/a/parts")).toBeNull();
  });
});

describe("route groups", () => {
  it("loads a group's routes once, on demand", async () => {
    let loads = 0;
    routeGroup("group-a", async () => {
      loads += 1;
      route("/group-a/screen", view);
    });
    expect(match("/group-a/screen")).toBeNull();
    await Promise.all([loadRouteGroup("group-a"), loadRouteGroup("group-a")]);
    await loadRouteGroup("group-a");
    expect(loads).toBe(1);
    expect(match("/group-a/screen")).not.toBeNull();
  });

  it("tries a failed load again (offline, not cached yet)", async () => {
    let attempts = 0;
    routeGroup("group-b", async () => {
      attempts += 1;
      if (attempts === 1) throw new TypeError("Failed to fetch dynamically imported module");
      route("/group-b/screen", view);
    });
    await expect(loadRouteGroup("group-b")).rejects.toThrow(TypeError);
    await loadRouteGroup("group-b");
    expect(attempts).toBe(2);
    expect(match("/group-b/screen")).not.toBeNull();
  });

  it("treats an unknown group as nothing to load", async () => {
    await expect(loadRouteGroup("no-such-group")).resolves.toBeUndefined();
  });
});
