// The page's own signal that the offline queue was sent, in a module of its own so the shell
// can follow it without pulling the patient screens' sync code into its bundle.

/** Fired on `window` after a flush that sent or refused something; `detail` is the SyncResult. */
export const SYNCED_EVENT = "afterline:synced";
