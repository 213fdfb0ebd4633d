// Human labels for the API's fixed codes (DESIGN §2).

export const AREAS: [code: string, label: string][] = [
  ["leg_left_thigh", "Left thigh"],
  ["leg_left_knee", "Left knee"],
  ["leg_left_calf", "Left calf"],
  ["leg_left_ankle", "Left ankle"],
  ["leg_left_foot", "Left foot"],
  ["leg_right_thigh", "Right thigh"],
  ["leg_right_knee", "Right knee"],
  ["leg_right_calf", "Right calf"],
  ["leg_right_ankle", "Right ankle"],
  ["leg_right_foot", "Right foot"],
  ["face_nose", "Nose"],
  ["face_cheeks", "Cheeks"],
  ["chest", "Chest"],
  ["arm_left", "Left arm"],
  ["arm_right", "Right arm"],
  ["abdomen", "Abdomen"],
];

export const SCLEROSANTS: [code: string, label: string][] = [
  ["polidocanol", "Polidocanol"],
  ["sodium_tetradecyl_sulfate", "Sodium tetradecyl sulfate"],
  ["hypertonic_saline", "Hypertonic saline"],
  ["glycerin", "Glycerin"],
  ["other", "Other"],
];

export const WARNING_SIGNS: Record<string, string> = {
  chest_pain_or_breathless: "Chest pain or breathlessness",
  vision_speech_or_weakness: "Vision or speech problems, or weakness",
  allergic_reaction: "Allergic reaction",
  leg_swelling_with_pain: "Leg swelling with pain",
  ulcer_blister_or_blackening: "Ulcer, blister or blackening skin",
  spreading_redness_or_fever: "Spreading redness or fever",
};

const AREA_LABELS = new Map(AREAS);
const SCLEROSANT_LABELS = new Map(SCLEROSANTS);

export const areaLabel = (code: string): string => AREA_LABELS.get(code) ?? code;
export const sclerosantLabel = (code: string): string => SCLEROSANT_LABELS.get(code) ?? code;
export const warningLabel = (code: string): string => WARNING_SIGNS[code] ?? code;

// Screening flags (api/screening/flags.py): they inform the practitioner, never block.
export const SCREENING_FLAGS: Record<string, string> = {
  pregnancy: "Pregnant or breast-feeding",
  sclerosant_allergy: "Sclerosant allergy or reaction",
  clotting_disorder: "Blood clots or clotting disorder",
  vein_3mm_or_larger: "Vein 3 mm or larger",
  acute_illness: "Currently unwell",
  many_veins: "More than 20 veins",
};

export const flagLabel = (code: string): string => SCREENING_FLAGS[code] ?? code;
