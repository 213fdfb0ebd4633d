// The QR code an authenticator app scans, drawn as inline SVG. The server sends it as a
// `data:` URI, which the page's content security policy (img-src 'self') would not load in
// an <img>; the SVG is rebuilt element by element from a short list of shapes and
// attributes, so nothing in it can run or load anything.
import { svgOfDataUri } from "./words";

const SVG_NS = "http://www.w3.org/2000/svg";
const ELEMENTS = new Set(["svg", "g", "path", "rect"]);
const ATTRIBUTES = new Set(["width", "height", "viewBox", "d", "x", "y", "transform", "fill", "stroke", "stroke-width", "shape-rendering"]);

function copy(source: Element): Element | null {
  if (source.namespaceURI !== SVG_NS || !ELEMENTS.has(source.localName)) return null;
  const element = document.createElementNS(SVG_NS, source.localName);
  for (const attribute of source.attributes) {
    if (ATTRIBUTES.has(attribute.name)) element.setAttribute(attribute.name, attribute.value);
  }
  for (const child of source.children) {
    const kept = copy(child);
    if (kept) element.append(kept);
  }
  return element;
}

/** The QR code as an <svg role="img"> named `label`, or null when `dataUri` is not an SVG. */
export function qrImage(dataUri: string, label: string): SVGSVGElement | null {
  const text = svgOfDataUri(dataUri);
  if (!text) return null;
  const parsed = new DOMParser().parseFromString(text, "image/svg+xml").documentElement;
  const svg = copy(parsed) as SVGSVGElement | null;
  if (!svg || svg.localName !== "svg") return null;
  // Scalable by CSS: the drawing's own size becomes its viewBox.
  const width = parseFloat(svg.getAttribute("width") ?? "");
  const height = parseFloat(svg.getAttribute("height") ?? "");
  if (!svg.hasAttribute("viewBox") && width > 0 && height > 0) svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.removeAttribute("width");
  svg.removeAttribute("height");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", label);
  svg.setAttribute("class", "qr");
  return svg;
}
