import { describe, expect, it } from "vitest";
import { ApiError, OfflineError } from "../../api";
import { uploadProblem } from "./upload";

describe("uploadProblem", () => {
  it("says a refused file in a sentence, without the server's field prefix", () => {
    const refused = new ApiError(422, "file: is not a JPEG, PNG, WebP or HEIC image", "file");
    expect(uploadProblem(refused)).toBe("This file is not a JPEG, PNG, WebP or HEIC image.");
    expect(uploadProblem(new ApiError(422, "file: is empty", "file"))).toBe("This file is empty.");
  });

  it("says a refused date as the date the photo was taken", () => {
    expect(uploadProblem(new ApiError(422, "taken_at: is in the future", "taken_at"))).toBe("The date the photo was taken is in the future.");
  });

  it("says the size limit for a 413, whatever the body said", () => {
    expect(uploadProblem(new ApiError(413, "Request Entity Too Large", null))).toBe(
      "This photo is larger than 15 MB. Choose a smaller one, or take it again.",
    );
  });

  it("keeps another refusal's own words as a sentence", () => {
    expect(uploadProblem(new ApiError(422, "area: is not one of the treated-area codes", "area"))).toBe(
      "The area is not one of the treated-area codes.",
    );
    expect(uploadProblem(new ApiError(403, "not allowed.", null))).toBe("Not allowed.");
  });

  it("says that nothing is kept when offline, and asks to try again otherwise", () => {
    expect(uploadProblem(new OfflineError("Failed to fetch"))).toMatch(/^You are offline, and photos are not kept on this device\./);
    expect(uploadProblem(new Error("boom"))).toBe("The photo could not be saved. Please try again.");
  });
});
