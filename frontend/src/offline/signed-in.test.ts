import "fake-indexeddb/auto";
import { describe, expect, it } from "vitest";
import { SIGNED_IN } from "./messages";
import { SignedInNote } from "./signed-in";

describe("SignedInNote (the service worker's note of who is signed in)", () => {
  it("is what the page last said, nobody included", async () => {
    const note = new SignedInNote("sw-note-messages");
    expect(await note.get()).toBeNull();
    await note.receive({ type: SIGNED_IN, id: "ann-id" });
    expect(await note.get()).toBe("ann-id");
    await note.receive({ type: SIGNED_IN, id: null });
    expect(await note.get()).toBeNull();
  });

  it("ignores any other message", async () => {
    const note = new SignedInNote("sw-note-other");
    await note.set("ann-id");
    for (const data of [null, "ben-id", { type: "other", id: "ben-id" }, { type: SIGNED_IN, id: 42 }]) {
      await note.receive(data);
    }
    expect(await note.get()).toBe("ann-id");
  });

  it("survives the worker being stopped and started again", async () => {
    await new SignedInNote("sw-note-restart").set("ann-id");
    expect(await new SignedInNote("sw-note-restart").get()).toBe("ann-id");
  });
});
