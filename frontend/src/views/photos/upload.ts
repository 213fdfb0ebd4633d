// What a person reads when a photo upload is refused, on the patient's capture screen and
// on the clinic's "Add clinic photo" alike: the server's reason in a sentence (without its
// "file: " prefix), ours for a photo too large (413) and for no connection.
import { ApiError, OfflineError } from "../../api";

/** "file: is empty" → "is empty": the server's reason without the field it names. */
function reason(error: ApiError): string {
  const prefix = error.field ? `${error.field}: ` : "";
  const text = prefix && error.detail.startsWith(prefix) ? error.detail.slice(prefix.length) : error.detail;
  return text.replace(/\.$/, "");
}

/** The words for a refused or failed photo upload. */
export function uploadProblem(error: unknown): string {
  if (error instanceof ApiError && error.status === 413) return "This photo is larger than 15 MB. Choose a smaller one, or take it again.";
  if (error instanceof ApiError) {
    const why = reason(error);
    // "This file is not a JPEG, PNG, WebP or HEIC image." / "This file is empty."
    if (error.field === "file") return `This file ${why}.`;
    if (error.field === "taken_at") return `The date the photo was taken ${why}.`;
    if (error.field) return `The ${error.field.replace(/_/g, " ")} ${why}.`;
    return `${why.charAt(0).toUpperCase()}${why.slice(1)}.`;
  }
  if (error instanceof OfflineError) return "You are offline, and photos are not kept on this device. Try again when you are connected.";
  return "The photo could not be saved. Please try again.";
}
