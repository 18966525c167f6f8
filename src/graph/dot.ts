// A TrustGraph as Graphviz DOT: domains as clusters, bridge CAs as hexagons between them,
// cross-certificates in purple, the found path bold green, failed candidates dashed with
// the first failing certificate in red and labelled with its error code, expired and
// revoked certificates marked. Node and edge ids are the graph's ("n3", "e7"); classes
// say what each is (./render.ts moves them to the SVG's data-kind attribute, keeping the
// group's class exactly "node" or "edge"), so a page or a test can find them.
import type { GraphEdge, GraphNode, TrustGraph } from "./types.js";

export interface DotOptions {
  /** A line above the legend (default: the verdict). */
  title?: string;
  /** Draw the legend under the graph (default true). */
  legend?: boolean;
  /** Smaller fonts and spacing, for thumbnails (default false). */
  compact?: boolean;
  /** Layout direction: TB (default: anchors on top, the target below) or LR (wide hierarchies). */
  direction?: "TB" | "LR";
  /** Extra annotations by node or edge id: what another validator did (the conformance report's pictures). */
  marks?: Record<string, Mark[]>;
}

/** A note on a node or an edge: a label, a class for pages and tests, a colour for an edge not on the found path. */
export interface Mark {
  label: string;
  cls: string;
  color?: string;
}

export const COLORS = {
  path: "#1a7f37",
  failed: "#cf222e",
  candidate: "#bc4c00",
  cross: "#8250df",
  plain: "#6e7781",
  faint: "#afb8c1",
  revoked: "#a40e26",
  anchorFill: "#dafbe1",
  targetFill: "#ddf4ff",
  bridgeFill: "#fbefff",
  clusterFill: "#f6f8fa",
  clusterLine: "#d0d7de",
} as const;

/** Text for an HTML-like label. */
function h(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
}

/** A DOT double-quoted string. */
function q(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

/** The most specific RDN's value ("PCA1" for "C=US, O=Dom1, CN=PCA1") and the rest. */
export function splitName(subject: string): { head: string; rest: string } {
  const parts = subject.split(/,\s(?=[A-Za-z0-9.]+=)/);
  if (parts.length === 0 || subject === "") return { head: "(empty name)", rest: "" };
  const last = parts[parts.length - 1]!;
  const eq = last.indexOf("=");
  return { head: eq > 0 ? last.slice(eq + 1) : last, rest: parts.slice(0, -1).join(", ") };
}

export function nodeRoles(n: GraphNode): string[] {
  const r: string[] = [];
  if (n.target) r.push("target");
  if (n.anchor) r.push("trust anchor");
  if (n.bridge) r.push("bridge CA");
  if (n.selfSigned && !n.anchor) r.push("self-signed");
  if (!n.known) r.push("not among the inputs");
  if (n.notIssuerOf?.length) r.push("same name, wrong key");
  return r;
}

export function edgeClasses(e: GraphEdge): string[] {
  const c = ["cert"];
  if (e.onPath) c.push("path");
  if (e.candidates.length && !e.onPath) c.push("candidate");
  if (e.rejections.length) c.push("failed");
  if (e.signature === "failed") c.push("sigfail");
  if (e.cross) c.push("cross");
  if (e.pair) c.push("pair");
  if (e.validity !== "valid") c.push(e.validity);
  if (e.revocation?.status === "revoked") c.push("revoked");
  if (e.cut) c.push("cut");
  return c;
}

/** The codes shown on an edge: each rejection's, a failed signature's, revoked, expired. */
function edgeMarks(e: GraphEdge): string[] {
  const m = new Set<string>();
  for (const r of e.rejections) m.add(r.code);
  if (e.signatureError) m.add(e.signatureError.code);
  if (e.revocation?.status === "revoked") m.add("REVOKED");
  if (e.validity === "expired" && !m.has("EXPIRED")) m.add("expired");
  if (e.validity === "not-yet-valid" && !m.has("NOT_YET_VALID")) m.add("not yet valid");
  return [...m];
}

function nodeStmt(n: GraphNode, compact: boolean, marks: readonly Mark[] = []): string {
  const { head, rest } = splitName(n.subject);
  const roles = nodeRoles(n);
  const small = compact ? 7 : 8;
  const lines = [`<B>${h(head)}</B>`];
  if (rest && !compact) lines.push(`<FONT POINT-SIZE="${small}" COLOR="#57606a">${h(rest)}</FONT>`);
  if (roles.length) lines.push(`<FONT POINT-SIZE="${small}" COLOR="#24292f"><I>${h(roles.join(" · "))}</I></FONT>`);
  const a: Record<string, string> = {
    id: q(n.id),
    class: q(["ca", ...(n.target ? ["target"] : []), ...(n.anchor ? ["anchor"] : []), ...(n.bridge ? ["bridge"] : []), ...(n.known ? [] : ["unknown"]), ...(n.notIssuerOf?.length ? ["wrongkey"] : [])].join(" ")),
    label: `<${lines.join("<BR/>")}>`,
    shape: n.bridge ? "hexagon" : "box",
    style: q(n.known ? "rounded,filled" : "rounded,dashed"),
    fillcolor: q(n.anchor ? COLORS.anchorFill : n.target ? COLORS.targetFill : n.bridge ? COLORS.bridgeFill : "white"),
    color: q(n.anchor ? COLORS.path : n.target ? "#0969da" : n.bridge ? COLORS.cross : n.known ? COLORS.plain : COLORS.faint),
    penwidth: n.anchor || n.target || n.bridge ? "2" : "1",
  };
  if (!n.known) a.fontcolor = q(COLORS.plain);
  if (n.notIssuerOf?.length) {
    a.color = q(COLORS.failed);
    a.style = q("rounded,filled,dashed");
  }
  if (marks.length) {
    a.class = q(`${a.class!.slice(1, -1)} ${marks.map((m) => m.cls).join(" ")}`);
    const labels = marks.map((m) => m.label).filter(Boolean);
    if (labels.length) a.xlabel = `<<FONT POINT-SIZE="${compact ? 7 : 8}" COLOR="${marks[0]!.color ?? COLORS.failed}"><B>${labels.map(h).join("<BR/>")}</B></FONT>>`;
    a.color = q(marks[0]!.color ?? COLORS.failed);
    a.penwidth = "2.5";
  }
  if (n.anchor) a.peripheries = "2";
  return `  ${n.id} [${Object.entries(a).map(([k, v]) => `${k}=${v}`).join(" ")}];`;
}

function edgeStmt(e: GraphEdge, compact: boolean, extra: readonly Mark[] = []): string {
  const a: Record<string, string> = { id: q(e.id), class: q([...edgeClasses(e), ...extra.map((m) => m.cls)].join(" ")) };
  const style: string[] = [];
  let color: string = e.cross ? COLORS.cross : COLORS.plain;
  let width = 1.2;
  if (e.validity !== "valid" || e.cut) color = COLORS.faint;
  if (e.cut) style.push("dotted");
  if (e.candidates.length && !e.onPath) {
    style.push("dashed");
    color = COLORS.candidate;
    width = 1.6;
  }
  if (e.signature === "failed") {
    style.push("dashed");
    color = COLORS.failed;
  }
  if (e.rejections.length) {
    color = COLORS.failed;
    width = 2.4;
  }
  if (e.revocation?.status === "revoked") {
    color = COLORS.revoked;
    a.arrowhead = "tee";
  }
  const painted = extra.find((m) => m.color);
  if (painted && !e.onPath) {
    color = painted.color!;
    width = 2.6;
  }
  if (e.onPath) {
    color = COLORS.path;
    width = 4;
    a.weight = "8";
  }
  if (e.pair) a.dir = "forward";
  a.color = q(color);
  a.penwidth = String(width);
  if (style.length) a.style = q([...new Set(style)].join(","));
  const marks = [...edgeMarks(e), ...extra.map((m) => m.label).filter(Boolean)];
  if (marks.length) {
    a.label = `<<FONT POINT-SIZE="${compact ? 7 : 8}" COLOR="${marks.some((m) => m === m.toUpperCase()) ? COLORS.failed : COLORS.plain}">${h(marks.join(" "))}</FONT>>`;
  }
  return `  ${e.from} -> ${e.to} [${Object.entries(a).map(([k, v]) => `${k}=${v}`).join(" ")}];`;
}

function legend(g: TrustGraph, title: string): string {
  const row = (sample: string, text: string) => `<TR><TD ALIGN="LEFT" FIXEDSIZE="TRUE" WIDTH="56" HEIGHT="16">${sample}</TD><TD ALIGN="LEFT">${h(text)}</TD></TR>`;
  const line = (color: string, dashed = false, bold = false) =>
    `<FONT COLOR="${color}">${bold ? "<B>" : ""}${dashed ? "- - - -&#x25B6;" : "&#x2501;&#x2501;&#x2501;&#x25B6;"}${bold ? "</B>" : ""}</FONT>`;
  const rows = [
    row(line(COLORS.path, false, true), "found path (issuer \u2192 subject)"),
    row(line(COLORS.candidate, true), "failed candidate path"),
    row(line(COLORS.failed, true), "where a candidate failed (error code)"),
    row(line(COLORS.cross), "cross-certificate"),
    row(line(COLORS.faint), "expired / not yet valid"),
  ];
  const counts = `${g.nodes.length} CAs and names, ${g.edges.length} certificates, ${g.domains.length} domains, ${g.candidates.length} candidate path(s)`;
  return `<<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="1"><TR><TD COLSPAN="2"><B>${h(title)}</B></TD></TR><TR><TD COLSPAN="2"><FONT POINT-SIZE="9" COLOR="#57606a">${h(counts)}</FONT></TD></TR>${rows.join("")}</TABLE>>`;
}

export function defaultTitle(g: TrustGraph): string {
  if (g.valid === undefined) return "what the verifier holds";
  return g.valid ? "valid: a path was found" : `invalid: ${g.error?.code ?? "no path"}`;
}

export function graphToDot(g: TrustGraph, o: DotOptions = {}): string {
  const compact = o.compact ?? false;
  const out: string[] = [];
  out.push("digraph certpath {");
  out.push(
    `  graph [rankdir=${o.direction ?? "TB"} fontname="Helvetica" fontsize=${compact ? 9 : 11} nodesep=${compact ? 0.25 : 0.4} ranksep=${compact ? 0.35 : 0.55} newrank=true bgcolor="white" pad=0.2${o.legend === false ? "" : ` labelloc=b labeljust=l label=${legend(g, o.title ?? defaultTitle(g))}`}];`,
  );
  out.push(`  node [fontname="Helvetica" fontsize=${compact ? 8 : 10} margin="0.25,0.06"];`);
  out.push(`  edge [fontname="Helvetica" fontsize=8 arrowsize=0.7];`);
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  for (const d of g.domains) {
    const members = d.nodes.map((id) => byId.get(id)!);
    const loose = members.length === 1 && (members[0]!.bridge || !members[0]!.known);
    if (loose) {
      out.push(nodeStmt(members[0]!, compact, o.marks?.[members[0]!.id]));
      continue;
    }
    out.push(`  subgraph cluster_${d.id} {`);
    out.push(
      `    graph [id=${q(`domain-${d.id}`)} class="domain" label=<<FONT POINT-SIZE="${compact ? 8 : 9}" COLOR="#57606a">${h(splitName(d.label).rest || d.label)}</FONT>> style="rounded,filled" fillcolor=${q(COLORS.clusterFill)} color=${q(COLORS.clusterLine)} labeljust=l labelloc=t];`,
    );
    for (const n of members) out.push("  " + nodeStmt(n, compact, o.marks?.[n.id]));
    out.push("  }");
  }
  // Path edges last, so they are drawn over the others.
  const edges = [...g.edges].sort((a, b) => Number(a.onPath) - Number(b.onPath));
  for (const e of edges) out.push(edgeStmt(e, compact, o.marks?.[e.id]));
  out.push("}");
  return out.join("\n") + "\n";
}
