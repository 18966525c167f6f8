// The graph of a call (issue 14): the model behind `result.graph`, the SVG drawn from it
// and `certpath graph`. The expectations come from the scenario's declaration
// (./two-bridge.ts): which entities and certificates exist, which path validates, and
// where each shortcut fails by the RFC 5280 rule it breaks.
import { describe, expect, it, beforeAll } from "vitest";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateScenario, verifyOptionsOf, type GeneratedCase } from "../../testsuite/src/multidomain/generate.js";
import { lintScenario } from "../../testsuite/src/multidomain/model.js";
import { createVerifier, verify, type VerifyResult } from "../../src/index.js";
import { renderGraph } from "../../src/graph/render.js";
import { main } from "../../src/cli/main.js";
import { capturingIo } from "../cli-io.js";
import { FIRST_FAILURES, TWO_BRIDGE } from "./two-bridge.js";

interface SvgItem {
  id: string;
  kind: "node" | "edge";
  classes: string[];
  title: string;
}

/** The node and edge groups of a Graphviz SVG, with their classes and <title> text. */
function svgItems(svg: string): SvgItem[] {
  const unescape = (s: string) => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&#45;/g, "-").replace(/&amp;/g, "&");
  // contract.md: nodes in <g class="node">, edges in <g class="edge">; our markers in data-kind.
  return [...svg.matchAll(/<g id="([^"]+)" class="(node|edge)"(?: data-kind="([^"]*)")?>\s*<title>([^<]*)<\/title>/g)].map((m) => ({
    id: m[1]!,
    kind: m[2] as "node" | "edge",
    classes: (m[3] ?? "").trim().split(/\s+/).filter(Boolean),
    title: unescape(m[4]!),
  }));
}

/** "CN=Bob,O=Dom2,C=US" (RFC 4514, as declared) -> "C=US, O=Dom2, CN=Bob" (X.500 order). */
const x500 = (rfc4514: string) => rfc4514.split(",").reverse().join(", ");

let gen: GeneratedCase;
let result: VerifyResult;
let svg: string;

beforeAll(async () => {
  expect(lintScenario(TWO_BRIDGE)).toEqual([]);
  gen = generateScenario(TWO_BRIDGE);
  result = await verify({ ...verifyOptionsOf(gen), graph: true });
  svg = await renderGraph(result.graph!, "svg", { title: "Bob (Dom2) validated from anchor PCA1 through two bridges" });
  // The picture the README shows (docs/pictures/two-bridges.svg is a copy of it).
  mkdirSync("reports/graph", { recursive: true });
  writeFileSync("reports/graph/two-bridges.svg", svg);
});

const k = TWO_BRIDGE.case;
const ents = new Map(TWO_BRIDGE.entities.map((e) => [e.id, e]));
const decls = new Map(TWO_BRIDGE.certs.map((c) => [c.id, c]));
const given = [k.target, ...k.bag, ...k.anchors].map((id) => decls.get(id)!);
/** Entities (name + key) that are subject or issuer of a given certificate: the CAs and the target. */
const expectedNodes = new Set(given.flatMap((c) => [c.subject, c.issuer]));
/** Certificates that are edges: every given one except self-signed ones (and the anchor's own). */
const expectedEdges = [k.target, ...k.bag].filter((id) => decls.get(id)!.subject !== decls.get(id)!.issuer);
const serialOf = (id: string) => gen.certs.get(id)!.serial.toString(16);

describe("the two-bridge PKI as a graph", () => {
  it("validates along the declared path", () => {
    expect(result.valid).toBe(true);
    expect(result.graph).toBeDefined();
  });

  it("result.graph: one node per CA (name + key), one edge per certificate, the path and the failures", () => {
    const g = result.graph!;
    expect(g.nodes).toHaveLength(expectedNodes.size);
    expect(g.edges).toHaveLength(expectedEdges.length);
    const bySerial = new Map(g.edges.map((e) => [e.cert.serial, e]));
    const pathIds = TWO_BRIDGE.expect.path!.slice(0, -1);
    expect(g.path.map((id) => g.edges.find((e) => e.id === id)!.cert.serial)).toEqual(pathIds.map(serialOf));
    for (const [id, code] of Object.entries(FIRST_FAILURES)) expect(bySerial.get(serialOf(id))!.rejections.map((r) => r.code)).toEqual([code]);
    expect(g.candidates.filter((c) => !c.valid).map((c) => c.error!.code).sort()).toEqual(Object.values(FIRST_FAILURES).sort());
    expect(bySerial.get(serialOf("x12exp"))!.validity).toBe("expired");
    expect(bySerial.get(serialOf("xb12rev"))!.revocation?.status).toBe("revoked");
    // The decoy is its own node (same name, other key), and the search learnt its key does not sign Bob's certificate.
    const decoys = g.nodes.filter((n) => n.subject === x500(ents.get("s2")!.name));
    expect(decoys).toHaveLength(2);
    expect(decoys.filter((n) => n.notIssuerOf?.length).map((n) => n.notIssuerOf![0]!.code)).toEqual(["INVALID_SIGNATURE"]);
    // Both bridges are drawn as bridges; nothing else is.
    expect(g.nodes.filter((n) => n.bridge).map((n) => n.subject).sort()).toEqual([x500(ents.get("bca1")!.name), x500(ents.get("bca2")!.name)].sort());
  });

  it("SVG: one <g class=node> per CA, one <g class=edge> per certificate", () => {
    const items = svgItems(svg);
    const nodes = items.filter((i) => i.kind === "node");
    const edges = items.filter((i) => i.kind === "edge");
    expect(nodes).toHaveLength(expectedNodes.size);
    expect(edges).toHaveLength(expectedEdges.length);
    // Every declared entity's name is on some node; the decoy's name on two.
    for (const id of expectedNodes) expect(nodes.some((n) => n.title.split("\n")[0] === x500(ents.get(id)!.name))).toBe(true);
    expect(nodes.filter((n) => n.title.split("\n")[0] === x500(ents.get("s2")!.name))).toHaveLength(2);
    // Every certificate is one edge, found by its serial number.
    for (const id of expectedEdges) expect(edges.filter((e) => e.title.includes(`(serial ${serialOf(id)})`))).toHaveLength(1);
  });

  it("SVG: the found path's edges are marked, and only they", () => {
    const edges = svgItems(svg).filter((i) => i.kind === "edge");
    const onPath = TWO_BRIDGE.expect.path!.slice(0, -1).map(serialOf);
    const marked = edges.filter((e) => e.classes.includes("path"));
    expect(marked.map((e) => /\(serial ([0-9a-f]+)\)/.exec(e.title)![1]).sort()).toEqual([...onPath].sort());
  });

  it("SVG: each failed candidate's first failing edge is marked with its error code in <title>", () => {
    const edges = svgItems(svg).filter((i) => i.kind === "edge");
    const failed = edges.filter((e) => e.classes.includes("failed"));
    expect(failed).toHaveLength(Object.keys(FIRST_FAILURES).length);
    for (const [id, code] of Object.entries(FIRST_FAILURES)) {
      const e = edges.find((x) => x.title.includes(`(serial ${serialOf(id)})`))!;
      expect(e.classes).toContain("failed");
      expect(e.title).toMatch(new RegExp(`candidate \\d+ failed here: ${code}: `));
    }
    expect(edges.find((x) => x.title.includes(`(serial ${serialOf("x12exp")})`))!.classes).toContain("expired");
    expect(edges.find((x) => x.title.includes(`(serial ${serialOf("xb12rev")})`))!.classes).toContain("revoked");
  });

  it("DOT and JSON say the same", async () => {
    const dot = await renderGraph(result.graph!, "dot");
    expect(dot.match(/^\s+n\d+ -> n\d+ /gm)).toHaveLength(expectedEdges.length);
    const json = JSON.parse(await renderGraph(result.graph!, "json"));
    expect(json.format).toBe("certpath-graph/1");
    expect(json.edges).toHaveLength(expectedEdges.length);
  });

  it("createVerifier: verifier.graph() is its material; graph: true per call gives the call's graph", async () => {
    const { target, ...config } = verifyOptionsOf(gen);
    const v = createVerifier(config);
    const held = v.graph();
    const heldEntities = new Set([...k.bag, ...k.anchors].flatMap((id) => [decls.get(id)!.subject, decls.get(id)!.issuer]));
    expect(held.target).toBeUndefined();
    expect(held.valid).toBeUndefined();
    expect(held.nodes).toHaveLength(heldEntities.size);
    expect(held.edges).toHaveLength(k.bag.filter((id) => decls.get(id)!.subject !== decls.get(id)!.issuer).length);
    expect(held.candidates).toEqual([]);
    const r = await v.verify(target, { graph: true });
    expect(r.valid).toBe(true);
    expect(r.graph!.nodes).toHaveLength(expectedNodes.size);
    expect(r.graph!.edges).toHaveLength(expectedEdges.length);
    expect(r.graph!.path).toHaveLength(TWO_BRIDGE.expect.path!.length - 1);
    expect((await v.verify(target)).graph).toBeUndefined();
  });

  it("no graph unless asked", async () => {
    const r = await verify(verifyOptionsOf(gen));
    expect(r.graph).toBeUndefined();
    expect(r.valid).toBe(true);
  });
});

describe("certpath graph", () => {
  let dir: string;
  let args: string[];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "certpath-graph-"));
    const put = (name: string, ids: readonly string[]) => {
      writeFileSync(join(dir, name), ids.map((id) => gen.certs.get(id)!.pem).join(""));
      return join(dir, name);
    };
    writeFileSync(join(dir, "crl.pem"), gen.crls.get("crlb1")!.pem!);
    args = [put("bob.pem", [k.target]), "--anchor", put("anchor.pem", k.anchors), "--untrusted", put("bag.pem", k.bag), "--crl", join(dir, "crl.pem"), "--revocation", "soft", "--at", TWO_BRIDGE.referenceTime];
  });

  it("writes the SVG to standard output, exit 0 for a valid path", async () => {
    const io = capturingIo();
    expect(await main(["graph", ...args], { verify, io })).toBe(0);
    const items = svgItems(io.out);
    expect(items.filter((i) => i.kind === "node")).toHaveLength(expectedNodes.size);
    expect(items.filter((i) => i.kind === "edge")).toHaveLength(expectedEdges.length);
    expect(io.err).toContain("certpath graph: valid");
  });

  it("-o FILE with --format html and json", async () => {
    const html = join(dir, "g.html");
    const io = capturingIo();
    expect(await main(["graph", ...args, "--format", "html", "-o", html], { verify, io })).toBe(0);
    const page = readFileSync(html, "utf8");
    expect(page).toMatch(/^<!DOCTYPE html>/);
    expect(page).not.toMatch(/<(script|link|img)[^>]+(src|href)="(https?:)?\/\//);
    const json = join(dir, "g.json");
    expect(await main(["graph", ...args, "--format", "json", "-o", json], { verify, io: capturingIo() })).toBe(0);
    expect(JSON.parse(readFileSync(json, "utf8")).edges).toHaveLength(expectedEdges.length);
  });

  it("exit 1 when no path validates, and the graph is still drawn", async () => {
    const io = capturingIo();
    // Without the bag nothing chains Bob to PCA1.
    const code = await main(["graph", args[0]!, "--anchor", args[2]!, "--at", TWO_BRIDGE.referenceTime, "--format", "json"], { verify, io });
    expect(code).toBe(1);
    const g = JSON.parse(io.out);
    expect(g.valid).toBe(false);
    expect(g.error.code).toBe("NO_PATH");
  });

  it("exit 2 for a usage error", async () => {
    const io = capturingIo();
    expect(await main(["graph", ...args, "--format", "png"], { verify, io })).toBe(2);
    expect(io.err).toContain("--format must be one of svg, html, dot, json");
    expect(await main(["graph", "--help"], { verify, io: capturingIo() })).toBe(0);
  });
});
