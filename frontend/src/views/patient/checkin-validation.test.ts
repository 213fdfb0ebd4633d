import { describe, expect, it } from "vitest";
import { missingMessage, unansweredQuestions, unansweredSummary } from "./checkin-validation";

/** A form's answers as FormData.get sees them: null when nothing was chosen. */
function answers(given: Record<string, string>): (name: string) => string | null {
  return (name) => given[name] ?? null;
}

describe("unansweredQuestions", () => {
  it("reports all six questions, in the form's order, when nothing is answered", () => {
    expect(unansweredQuestions(answers({})).map((p) => p.field)).toEqual([
      "pain",
      "swelling",
      "bruising",
      "discolouration",
      "hardening",
      "itching",
    ]);
  });

  it("reports only the ones left, and counts 0 (no pain, None) as an answer", () => {
    const left = unansweredQuestions(answers({ pain: "0", swelling: "0", bruising: "2", itching: "1" }));
    expect(left.map((p) => p.field)).toEqual(["discolouration", "hardening"]);
  });

  it("reports nothing when everything is answered", () => {
    const all = { pain: "3", swelling: "1", bruising: "2", discolouration: "0", hardening: "0", itching: "1" };
    expect(unansweredQuestions(answers(all))).toEqual([]);
  });

  it("works on a real FormData", () => {
    const data = new FormData();
    data.append("pain", "4");
    expect(unansweredQuestions((name) => data.get(name))).toHaveLength(5);
  });
});

describe("the messages", () => {
  it("name the question in the app's words", () => {
    expect(missingMessage("pain")).toBe("Choose a number from 0 to 10 for pain.");
    expect(missingMessage("hardening")).toBe("Choose None, Mild, Moderate or Severe for firm lumps.");
    expect(missingMessage("discolouration")).toBe("Choose None, Mild, Moderate or Severe for brown marks.");
  });

  it("count what is left", () => {
    expect(unansweredSummary(1)).toBe("1 question still needs an answer.");
    expect(unansweredSummary(6)).toBe("6 questions still need an answer.");
  });
});
