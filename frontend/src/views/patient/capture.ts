// Guided capture of one area's photo. The previous photo of the area lies faintly over the
// live camera (or over the picture chosen), so the patient can line up the same framing
// week after week: comparable photos are what make a before-and-after mean anything.
//
// The live camera where the browser has one and the patient allows it; otherwise (and always
// as a second way) the phone's own picker, which on a phone offers its camera app too.
// Nothing is stored on the phone: the frame or file goes straight to the server.
import { api, upload } from "../../api";
import { h } from "../../dom";
import { go } from "../../router";
import { areaLabel, lower } from "../../words";
import { uploadProblem } from "../photos/upload";
import { photoUrl, type PhotoOut } from "../photos/urls";
import "./results.css";

const JPEG_QUALITY = 0.9;

function stopCamera(video: HTMLVideoElement): void {
  const stream = video.srcObject as MediaStream | null;
  for (const track of stream?.getTracks() ?? []) track.stop();
  video.srcObject = null;
}

/** A still of the video's current frame, as a JPEG. */
function grabFrame(video: HTMLVideoElement): Promise<Blob> {
  const canvas = h("canvas", { width: video.videoWidth, height: video.videoHeight });
  canvas.getContext("2d")?.drawImage(video, 0, 0);
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("no frame"))), "image/jpeg", JPEG_QUALITY),
  );
}

export async function captureView(params: Record<string, string>): Promise<HTMLElement> {
  const area = params.area;
  const label = areaLabel(area);
  const photos = await api<PhotoOut[]>("GET", "/api/me/photos");
  const previous = photos.filter((photo) => photo.area === area).at(-1) ?? null;

  const error = h("p", { class: "field-error", id: "capture-error", role: "alert", "data-error-for": "file" });
  const video = h("video", { class: "live", autoplay: true, muted: true, playsinline: true, hidden: true });
  // The chosen picture is drawn on a canvas: the app's CSP (img-src 'self' data:) refuses blob:
  // URLs, and a canvas keeps the file in memory only.
  const chosen = h("canvas", { class: "chosen", role: "img", "aria-label": "The photo you chose", hidden: true });
  const overlay = previous
    ? h("img", { class: "overlay", src: photoUrl(previous.id, "full"), alt: "" })
    : null;
  const empty = h("p", { class: "stage-empty" }, previous ? "Your last photo" : "Your photo will show here");
  const stage = h(
    "div",
    { class: "capture-stage" },
    empty,
    video,
    chosen,
    overlay,
  );
  // Through the CSSOM: the CSP (style-src 'self') refuses style attributes.
  if (previous) stage.style.aspectRatio = `${previous.width} / ${previous.height}`;
  const takeButton = h("button", { type: "button", class: "primary-action", hidden: true }, "Take photo");
  const saveButton = h("button", { type: "button", class: "primary-action", hidden: true }, "Save photo");
  const picker = h("input", {
    type: "file",
    id: "photo-file",
    accept: "image/*",
    capture: "environment",
    "aria-describedby": "capture-error",
  });
  const pickerLabel = h("label", { for: "photo-file", class: "picker-label" }, "Choose or take a photo");
  let chosenFile: File | null = null;

  const send = async (file: Blob, button: HTMLButtonElement): Promise<void> => {
    error.textContent = "";
    const form = new FormData();
    form.append("file", file, file instanceof File ? file.name : "photo.jpg");
    form.append("area", area);
    form.append("taken_at", new Date().toISOString());
    const words = button.textContent;
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    button.textContent = "Saving photo…";
    try {
      await upload<PhotoOut>("/api/me/photos", form);
      stopCamera(video);
      go("/photos");
    } catch (problem) {
      error.textContent = uploadProblem(problem);
    } finally {
      button.disabled = false;
      button.removeAttribute("aria-busy");
      button.textContent = words;
    }
  };

  picker.addEventListener("change", () => {
    const file = picker.files?.[0];
    if (!file) return;
    stopCamera(video);
    video.hidden = true;
    takeButton.hidden = true;
    empty.hidden = true;
    chosenFile = file;
    error.textContent = "";
    pickerLabel.textContent = "Choose a different photo";
    saveButton.hidden = false;
    void createImageBitmap(file).then(
      (bitmap) => {
        chosen.width = bitmap.width;
        chosen.height = bitmap.height;
        chosen.getContext("2d")?.drawImage(bitmap, 0, 0);
        bitmap.close();
        chosen.hidden = false;
      },
      // Not a picture this browser can show (HEIC on a desktop): the server may still read it.
      () => (chosen.hidden = true),
    );
  });
  saveButton.addEventListener("click", () => {
    if (chosenFile) void send(chosenFile, saveButton);
  });
  takeButton.addEventListener("click", () => {
    void grabFrame(video).then(
      (frame) => send(frame, takeButton),
      () => (error.textContent = "The camera gave no picture. Try again, or choose a photo instead."),
    );
  });

  // The camera, if there is one and it is allowed; the picker stays as the other way.
  if (navigator.mediaDevices?.getUserMedia) {
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then((stream) => {
        if (!stage.isConnected || chosenFile) return stream.getTracks().forEach((track) => track.stop());
        video.srcObject = stream;
        video.hidden = false;
        empty.hidden = true;
        takeButton.hidden = false;
        pickerLabel.textContent = "Or choose a photo";
        // Leaving the screen turns the camera off.
        window.addEventListener("hashchange", () => stopCamera(video), { once: true });
      })
      .catch(() => undefined); // Refused or no camera: the picker is already there.
  }

  return h(
    "main",
    { class: "screen capture" },
    h("p", { class: "back" }, h("a", { href: "#/photos" }, "Back to photos")),
    h("h1", { tabindex: -1 }, `Photo of your ${lower(label)}`),
    h(
      "ul",
      { class: "tips" },
      h("li", {}, "Stand at the same distance as last time."),
      h("li", {}, "Use daylight, with the flash off."),
      h("li", {}, `Get the whole treated area of your ${lower(label)} in the frame.`),
      previous ? h("li", {}, "Line up the faint picture of your last photo with what you see.") : null,
    ),
    stage,
    h("div", { class: "capture-controls" }, takeButton, saveButton, error, pickerLabel, picker),
  );
}
