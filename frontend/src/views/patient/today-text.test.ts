import { describe, expect, it } from "vitest";
import type { BandPoint, Symptom } from "../../types";
import { answerLines, comparisonSentence, reminderLine, splitAdvice } from "./today-text";

const SCORES = { pain: 3, swelling: 1, bruising: 2, discolouration: 0, hardening: 0, itching: 1 };

describe("answerLines", () => {
  it("gives each answer in the app's words, in the form's order", () => {
    expect(answerLines(SCORES)).toEqual([
      ["Pain", "3 of 10"],
      ["Swelling", "Mild"],
      ["Bruising", "Moderate"],
      ["Brown marks", "None"],
      ["Firm lumps", "None"],
      ["Itching", "Mild"],
    ]);
  });

  it("adds the garment, the warning signs and the note only when given", () => {
    const lines = answerLines({
      ...SCORES,
      compression_worn: false,
      warning_signs: ["leg_swelling_with_pain"],
      note: "Sore after the walk",
    });
    expect(lines.slice(6)).toEqual([
      ["Compression garment", "Not worn"],
      ["Warning signs", "Calf or whole-leg swelling with pain"],
      ["Note", "Sore after the walk"],
    ]);
    expect(answerLines({ ...SCORES, compression_worn: null, warning_signs: [], note: null })).toHaveLength(6);
  });
});

describe("reminderLine", () => {
  it("says when the next reminder comes", () => {
    expect(reminderLine("19:00")).toBe("Next reminder: tomorrow at 19:00");
  });
});

describe("splitAdvice", () => {
  const item = (topic: string) => ({ topic, text: `${topic} text` });
  const topics = (items: { topic: string }[]) => items.map((i) => i.topic);

  it("shows the first three and folds the rest, in the server's order", () => {
    const { first, more } = splitAdvice(["compression", "activity", "walking", "normal", "results"].map(item));
    expect(topics(first)).toEqual(["compression", "activity", "walking"]);
    expect(topics(more)).toEqual(["normal", "results"]);
  });

  it("never folds away when to call for help", () => {
    const { first, more } = splitAdvice(
      ["compression", "activity", "walking", "normal", "results", "when_to_call"].map(item),
    );
    expect(topics(first)).toEqual(["compression", "activity", "when_to_call"]);
    expect(topics(more)).toEqual(["walking", "normal", "results"]);
  });

  it("folds nothing when there are three or fewer", () => {
    const { first, more } = splitAdvice(["walking", "when_to_call"].map(item));
    expect(topics(first)).toEqual(["walking", "when_to_call"]);
    expect(more).toEqual([]);
  });
});

describe("comparisonSentence", () => {
  const band = (symptom: Symptom, day: number, p25: number, p75: number): BandPoint => ({ day, symptom, p25, median: (p25 + p75) / 2, p75, n: 6 });
  const body = { pain: 3, swelling: 1, bruising: 2, discolouration: 0, hardening: 0, itching: 1 };

  it("says when there is no usual range for the day", () => {
    expect(comparisonSentence([], 4, body)).toMatch(/no usual range for day 4/);
  });

  it("says within when nothing is above the range", () => {
    expect(comparisonSentence([band("pain", 4, 2, 5), band("swelling", 4, 1, 2)], 4, body)).toMatch(/within or below the usual range/);
  });

  it("names every symptom above the range, in the vocabulary's words", () => {
    const sentence = comparisonSentence([band("pain", 4, 0, 1), band("bruising", 4, 0, 1), band("swelling", 4, 1, 2)], 4, body);
    expect(sentence).toBe(
      "Higher than usual for day 4: pain, bruising. This is often fine; if it worries you or gets worse, call the clinic.",
    );
  });
});
