// Rendering a TrustGraph: DOT, Graphviz's SVG (laid out by @viz-js/viz, Graphviz compiled
// to WebAssembly, no system binary), JSON, or one self-contained HTML page (./html.ts).
// In the SVG each node's and edge's <title> (what a browser shows on hover) is replaced by
// what the graph knows of it: a node's name, key and roles; a certificate's issuer,
// subject, serial, and every verdict on it (found path, the error of each candidate that
// failed there, signature, validity, revocation, cut).
import { instance, type Viz } from "@viz-js/viz";
import { graphToDot, nodeRoles, splitName, type DotOptions } from "./dot.js";
import { renderHtml } from "./html.js";
import type { GraphEdge, GraphNode, TrustGraph } from "./types.js";

export { graphToDot };

export type GraphFormat = "svg" | "html" | "dot" | "json";

let vizPromise: Promise<Viz> | undefined;

/** One Graphviz instance per process (loading the WebAssembly takes ~30 ms). */
function viz(): Promise<Viz> {
  vizPromise ??= instance();
  return vizPromise;
}

function x(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

export function nodeTitle(n: GraphNode): string {
  const lines = [n.subject || "(empty name)"];
  if (n.keySha256) lines.push(`key SHA-256 ${n.keySha256.slice(0, 16)}\u2026`);
  const roles = nodeRoles(n);
  if (roles.length) lines.push(roles.join(", "));
  for (const f of n.notIssuerOf ?? []) lines.push(`tried as issuer of certificate ${f.edge}: ${f.code}: ${f.message}`);
  return lines.join("\n");
}

export function edgeTitle(g: TrustGraph, e: GraphEdge): string {
  const lines = [`certificate ${splitName(e.cert.issuer).head} \u2192 ${splitName(e.cert.subject).head} (serial ${e.cert.serial})`];
  if (e.onPath) lines.push("on the found path");
  for (const r of e.rejections) lines.push(`candidate ${r.candidate + 1} failed here: ${r.code}: ${r.message}`);
  const passing = e.candidates.filter((i) => !e.rejections.some((r) => r.candidate === i) && !g.candidates[i]?.valid);
  if (passing.length) lines.push(`in failed candidate(s) ${passing.map((i) => i + 1).join(", ")}, which failed elsewhere`);
  if (e.cross) lines.push(e.pair ? "cross-certificate (mutual pair)" : "cross-certificate");
  lines.push(
    e.signature === "failed"
      ? `signature: FAILED ${e.signatureError?.code ?? ""}: ${e.signatureError?.message ?? ""}`
      : e.signature === "verified"
        ? "signature: verified by the search"
        : e.signature === "deferred"
          ? "signature: left to validation (inherited DSA parameters)"
          : "signature: not checked by the search",
  );
  if (e.validity !== "valid") lines.push(`${e.validity === "expired" ? "EXPIRED" : "NOT YET VALID"}: ${e.cert.notBefore} .. ${e.cert.notAfter}`);
  if (e.revocation) lines.push(`revocation: ${e.revocation.status}${e.revocation.time ? ` at ${e.revocation.time}` : ""}${e.revocation.reason ? ` (${e.revocation.reason})` : ""}`);
  if (e.cut) lines.push("cut: no trust anchor is reachable from its issuer's name (RFC 4158 5.1)");
  return lines.join("\n");
}

/**
 * Replaces Graphviz's `<title>` of each node and edge (its DOT name) with what the graph
 * knows, and keeps the group's class exactly "node" or "edge" (contract.md), moving our
 * markers ("path", "failed", "bridge", ...) to a `data-kind` attribute.
 */
function retitle(svg: string, g: TrustGraph): string {
  const nodes = new Map(g.nodes.map((n) => [n.id, n]));
  const edges = new Map(g.edges.map((e) => [e.id, e]));
  return svg.replace(/<g id="([ne]\d+)" class="(node|edge) ?([^"]*)">(\s*<title>)[^<]*(<\/title>)/g, (all, id: string, kind: string, more: string, open: string, close: string) => {
    const text = kind === "node" ? (nodes.has(id) ? nodeTitle(nodes.get(id)!) : undefined) : edges.has(id) ? edgeTitle(g, edges.get(id)!) : undefined;
    if (text === undefined) return all;
    // Graphviz writes "-" in a class as "&#45;".
    const marks = more.replace(/&#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n))).trim().split(/\s+/).filter((c) => c && c !== kind);
    return `<g id="${id}" class="${kind}"${marks.length ? ` data-kind="${x(marks.join(" "))}"` : ""}>${open}${x(text)}${close}`;
  });
}

/** Graphviz's SVG of the graph, titles filled in. */
export async function graphToSvg(g: TrustGraph, o: DotOptions = {}): Promise<string> {
  const v = await viz();
  const svg = v.renderString(graphToDot(g, o), { format: "svg", engine: "dot" });
  return retitle(svg, g);
}

/** The SVG without the XML prolog and DOCTYPE, for inlining in HTML. */
export function inlineSvg(svg: string): string {
  const i = svg.indexOf("<svg");
  return i >= 0 ? svg.slice(i) : svg;
}

export interface RenderOptions extends DotOptions {
  /** Page title of the HTML form. */
  pageTitle?: string;
}

export async function renderGraph(g: TrustGraph, format: GraphFormat, o: RenderOptions = {}): Promise<string> {
  switch (format) {
    case "dot":
      return graphToDot(g, o);
    case "json":
      return JSON.stringify(g, null, 2) + "\n";
    case "svg":
      return graphToSvg(g, o);
    case "html":
      // The page's side panel holds the verdict and the legend.
      return renderHtml(g, inlineSvg(await graphToSvg(g, { ...o, legend: o.legend ?? false })), o.pageTitle ?? `certpath graph: ${o.title ?? (g.valid === undefined ? "what the verifier holds" : g.valid ? "valid" : `invalid (${g.error?.code ?? "no path"})`)}`);
  }
}
