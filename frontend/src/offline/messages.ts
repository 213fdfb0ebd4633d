// What the page tells the service worker (postMessage), in a module of its own so neither
// side pulls the other's code into its bundle.

/** `{ type: SIGNED_IN, id }`: who is signed in now (null: nobody), from session.ts. */
export const SIGNED_IN = "afterline:signed-in";

export interface SignedInMessage {
  type: typeof SIGNED_IN;
  id: string | null;
}

export function isSignedInMessage(data: unknown): data is SignedInMessage {
  const message = data as Partial<SignedInMessage> | null;
  return message?.type === SIGNED_IN && (message.id === null || typeof message.id === "string");
}
