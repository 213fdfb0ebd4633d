// The check-in's questions: pain 0-10 with its end anchors in words, and the five graded
// symptoms (None, Mild, Moderate, Severe) with a key to what the grades mean. Every word
// comes from words.ts, so patient and practitioner read the same names.
//
// Each option is a large tile with its native radio stretched invisibly over it: the
// browser keeps the keyboard, the group and the accessible name ("3", "Mild"), and a tap
// anywhere on the tile chooses it. The tile shows the choice and the focus ring.
import { h } from "../../dom";
import type { Symptom } from "../../types";
import { GRADES, PAIN_ANCHORS, symptomHint, symptomName } from "../../words";
import { describeWith } from "./form-errors";

/** `prefix` keeps ids unique when a page could hold more than one form. */
function question(
  symptom: Symptom,
  prefix: string,
  kind: "pain" | "graded",
  options: HTMLElement[],
  after: HTMLElement | null = null,
): HTMLElement {
  const legendId = `${prefix}legend-${symptom}`;
  const hintId = `${prefix}hint-${symptom}`;
  const error = h("p", { class: "field-error", "data-error-for": symptom });
  const fieldset = h(
    "fieldset",
    {
      class: `scale ${kind}`,
      role: "radiogroup",
      "aria-labelledby": legendId,
      "aria-describedby": hintId,
      "data-field": symptom,
    },
    h("legend", { id: legendId }, symptomName(symptom)),
    h("p", { class: "hint", id: hintId }, symptomHint(symptom)),
    error,
    h("div", { class: "options" }, ...options),
    after,
  );
  describeWith(fieldset, error, `${prefix}error-${symptom}`);
  return fieldset;
}

function option(name: Symptom, value: number, label: string, checked: boolean, describedBy?: string): HTMLElement {
  return h(
    "label",
    { class: "option" },
    h("input", {
      type: "radio",
      name,
      value: String(value),
      checked,
      required: true,
      "aria-describedby": describedBy,
    }),
    h("span", {}, label),
  );
}

/** Pain 0-10: six then five tiles on a phone, one row of eleven from a small tablet up. */
export function painScale(value: number | undefined, prefix = ""): HTMLElement {
  const anchorId = (n: number): string => `${prefix}pain-anchor-${n}`;
  const anchors = h(
    "div",
    { class: "anchors" },
    h("span", { id: anchorId(0) }, `0 = ${PAIN_ANCHORS["0"]}`),
    h("span", { id: anchorId(10) }, `10 = ${PAIN_ANCHORS["10"]}`),
  );
  const options = Array.from({ length: 11 }, (_, n) =>
    option("pain", n, String(n), value === n, n === 0 || n === 10 ? anchorId(n) : undefined),
  );
  return question("pain", prefix, "pain", options, anchors);
}

const meaningId = (prefix: string, grade: number): string => `${prefix}grade-meaning-${grade}`;

/** "What do Mild, Moderate and Severe mean?": once, above the five symptoms. */
export function gradeKey(prefix = ""): HTMLElement {
  const graded = GRADES.slice(1);
  return h(
    "div",
    { class: "grade-key" },
    h("p", { class: "key-title" }, `What do ${graded.slice(0, -1).map((g) => g.name).join(", ")} and ${graded.at(-1)?.name} mean?`),
    h(
      "dl",
      {},
      ...graded.flatMap((grade, index) => [
        h("dt", {}, grade.name),
        h("dd", { id: meaningId(prefix, index + 1) }, grade.meaning),
      ]),
    ),
  );
}

/** A graded symptom: four tiles, each (but None) described by its meaning in the key. */
export function gradedScale(symptom: Symptom, value: number | undefined, prefix = ""): HTMLElement {
  const options = GRADES.map((grade, n) =>
    option(symptom, n, grade.name, value === n, n > 0 ? meaningId(prefix, n) : undefined),
  );
  return question(symptom, prefix, "graded", options);
}
