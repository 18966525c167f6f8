// A picture per multi-domain case for the report (issue 14): the case's PKI as certpath's
// search saw it (`verify({ graph: true })`, drawn by certpath's Graphviz renderer), with the
// expected path, certpath's found path and failed candidates, and for each other
// implementation that did not pass the case what it did: the chain it built (OpenSSL's
// `-show_chain`) or the certificate it stopped at (the subject OpenSSL prints before its
// error line). pkijs reports neither, so only its verdict is written under the picture.
import { createHash } from "node:crypto";
import { graphToSvg, inlineSvg, scriptJson, CERTIFICATE_TABLE_JS, type Mark, type TrustGraph, type VerifyOptions, type VerifyResult } from "certpath";
import { generateScenario, verifyOptionsOf, type GeneratedCase } from "../multidomain/generate.js";
import { allScenarios } from "../multidomain/cases/index.js";
import { escapeHtml as e } from "./html.js";
import type { InteropReport, MatrixCell } from "./model.js";

export interface CaseNote {
  /** "expected", "certpath", or an implementation's name. */
  who: string;
  text: string;
  cls: "expected" | "pass" | "fail";
}

export interface CasePicture {
  id: string;
  title: string;
  svg: string;
  graph: TrustGraph;
  notes: CaseNote[];
  /** Set (and `svg` empty) when the case has too many certificates to draw usefully. */
  tooLarge?: number;
}

/** Beyond this many certificates a picture is unreadable and heavy (the hostile-bag cases hold hundreds). */
export const MAX_DRAWN_CERTIFICATES = 120;

const IMPL_COLOR: Record<string, string> = { openssl: "#bc4c00", pkijs: "#0969da" };
const EXPECTED_COLOR = "#1f6feb";

/** "C = US, O = Dom3, CN = PCA3" (OpenSSL) and "C=US, O=Dom3, CN=PCA3" (certpath) compare equal. */
const norm = (s: string) => s.replace(/\s*=\s*/g, "=").replace(/\s*,\s*/g, ",").trim();

function push(marks: Record<string, Mark[]>, id: string, m: Mark): void {
  (marks[id] ??= []).push(m);
}

/** Edges for consecutive subjects of a chain (target first): certificates subject S[i], issuer S[i+1]. */
function chainEdges(g: TrustGraph, chain: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < chain.length; i++) {
    const s = norm(chain[i]!);
    const iss = norm(chain[i + 1]!);
    for (const edge of g.edges) if (norm(edge.cert.subject) === s && norm(edge.cert.issuer) === iss) out.push(edge.id);
  }
  return out;
}

/** What an implementation's cell says it did, as marks on the picture and a note under it. */
function describeCell(g: TrustGraph, impl: string, c: MatrixCell, marks: Record<string, Mark[]>): CaseNote {
  const first = c.detail.split("\n")[0]!;
  const color = IMPL_COLOR[impl] ?? "#cf222e";
  const chain = /^chain: (.*)$/m.exec(c.detail)?.[1]?.split(" > ");
  const stopped = /^stopped at: (.*)$/m.exec(c.detail)?.[1];
  let where = "";
  if (chain) {
    const ids = chainEdges(g, chain);
    for (const id of ids) push(marks, id, { label: impl, cls: `took-${impl}`, color });
    where = ` It built: ${chain.map((s) => norm(s)).join(" \u2192 ")}.`;
  }
  if (stopped) {
    const nodes = g.nodes.filter((n) => norm(n.subject) === norm(stopped));
    const err = /error (\d+) at depth (\d+)/.exec(first);
    for (const n of nodes) push(marks, n.id, { label: `${impl} stopped here${err ? ` (error ${err[1]})` : ""}`, cls: `stop-${impl}`, color });
    where = ` It stopped at ${norm(stopped)}${err ? ` (depth ${err[2]})` : ""}.`;
  }
  const verdict = c.got.valid === true ? "accepted" : c.got.valid === false ? "rejected" : "gave no verdict";
  return { who: impl, text: `${verdict}: ${first}.${where}${c.explanation ? ` Why: ${c.explanation}` : ""}`, cls: "fail" };
}

async function picture(g: GeneratedCase, report: InteropReport, verify: (o: VerifyOptions) => Promise<VerifyResult>): Promise<CasePicture | undefined> {
  const s = g.scenario;
  const row = report.rows.find((r) => r.suite === "multidomain" && r.id === s.id);
  if (!row) return undefined;
  const r = await verify({ ...verifyOptionsOf(g), graph: true });
  const graph = r.graph;
  if (!graph) return undefined;
  if (graph.edges.length > MAX_DRAWN_CERTIFICATES) {
    const note: CaseNote = { who: "not drawn", text: `${graph.edges.length} certificates; draw it with certpath graph on the case files`, cls: "expected" };
    return { id: s.id, title: s.title, svg: "", graph, notes: [note], tooLarge: graph.edges.length };
  }
  const marks: Record<string, Mark[]> = {};
  const notes: CaseNote[] = [];
  const bySha = new Map(graph.edges.map((x) => [x.cert.sha256, x.id]));
  if (s.expect.valid && s.expect.path) {
    // The expected path, certificate by certificate (the anchor is a node, not an edge).
    const ids = s.expect.path.slice(0, -1).map((id) => bySha.get(createHash("sha256").update(g.certs.get(id)!.der).digest("hex")));
    for (const id of ids) if (id) push(marks, id, graph.path.includes(id) ? { label: "", cls: "expected" } : { label: "expected", cls: "expected", color: EXPECTED_COLOR });
    notes.push({ who: "expected", text: `valid through ${s.expect.path.join(" \u2192 ")}`, cls: "expected" });
  } else notes.push({ who: "expected", text: `invalid${s.expect.errorCode ? ` (${s.expect.errorCode})` : ""}`, cls: "expected" });
  for (const [impl, c] of Object.entries(row.cells)) {
    if (c.status === "not-run") continue;
    if (impl === "certpath") {
      notes.push({ who: impl, text: c.status === "pass" ? `passes: ${r.valid ? "the bold green path" : `rejects with ${r.error?.code}`}` : `${c.status}: ${c.detail.split("\n")[0]}`, cls: c.status === "pass" ? "pass" : "fail" });
      continue;
    }
    if (c.status === "pass") notes.push({ who: impl, text: "passes", cls: "pass" });
    else notes.push(describeCell(graph, impl, c, marks));
  }
  const svg = inlineSvg(await graphToSvg(graph, { compact: true, legend: false, marks }));
  return { id: s.id, title: s.title, svg, graph, notes };
}

/** One picture per multi-domain case of the report, in the report's row order. */
export async function casePictures(report: InteropReport, verify: (o: VerifyOptions) => Promise<VerifyResult>): Promise<CasePicture[]> {
  const ids = new Set(report.rows.filter((r) => r.suite === "multidomain").map((r) => r.id));
  const out: CasePicture[] = [];
  // Only the report's cases are generated (generation is cached per process).
  for (const s of allScenarios().filter((x) => ids.has(x.id))) {
    const p = await picture(generateScenario(s), report, verify);
    if (p) out.push(p);
  }
  const order = new Map(report.rows.map((r, i) => [r.id, i]));
  return out.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
}

export const PICTURES_CSS = `
.pics{display:grid;grid-template-columns:repeat(auto-fill,minmax(520px,1fr));gap:14px}
figure.case-pic{margin:0;border:1px solid #d0d7de;border-radius:8px;padding:8px 10px;background:#fff}
figure.case-pic figcaption{font-weight:600;margin-bottom:4px}
figure.case-pic .pic svg{width:100%;height:auto;max-height:520px}
figure.case-pic ul{margin:6px 0 0;padding-left:18px;font-size:12px}
figure.case-pic li.fail{color:#a40e26}figure.case-pic li.pass{color:#116329}figure.case-pic li.expected{color:#1f2328}
figure.case-pic g.edge,figure.case-pic g.node{cursor:pointer}
figure.case-pic g.edge.sel path{stroke:#0969da !important;stroke-width:5px !important}
figure.case-pic path.hit{stroke:transparent;stroke-width:14px;fill:none;pointer-events:stroke}
#cert-panel{position:fixed;top:0;right:0;width:420px;height:100vh;overflow:auto;background:#fcfcfd;border-left:1px solid #d0d7de;padding:12px 14px;box-shadow:-4px 0 12px rgba(0,0,0,.08);display:none;z-index:5}
#cert-panel.open{display:block}
#cert-panel table{border-collapse:collapse;width:100%}
#cert-panel th,#cert-panel td{text-align:left;vertical-align:top;padding:3px 6px;border:0;border-bottom:1px solid #eaeef2;position:static;background:none}
#cert-panel th{width:34%;color:#57606a;font-weight:500}
#cert-panel td{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere}
#cert-panel button{float:right}
`;

const SCRIPT = `
(function(){
${CERTIFICATE_TABLE_JS}
  var panel = document.getElementById('cert-panel');
  var body = document.getElementById('cert-panel-body');
  document.getElementById('cert-panel-close').onclick = function(){ panel.classList.remove('open'); };
  Array.prototype.forEach.call(document.querySelectorAll('figure.case-pic g.edge path'), function(p){
    var hit = p.cloneNode(false); hit.setAttribute('class', 'hit'); hit.removeAttribute('stroke-dasharray'); p.parentNode.appendChild(hit);
  });
  document.addEventListener('click', function(ev){
    var g = ev.target.closest && ev.target.closest('figure.case-pic g.edge, figure.case-pic g.node');
    if (!g) return;
    var fig = g.closest('figure.case-pic');
    var data = JSON.parse(document.getElementById('graph-' + fig.getAttribute('data-case')).textContent);
    var id = g.id.slice(fig.getAttribute('data-case').length + 1);
    Array.prototype.forEach.call(document.querySelectorAll('figure.case-pic .sel'), function(x){ x.classList.remove('sel'); });
    g.classList.add('sel');
    var html = '<h3>' + esc(fig.getAttribute('data-case')) + '</h3>';
    var edge = data.edges.filter(function(x){ return x.id === id; })[0];
    var node = data.nodes.filter(function(x){ return x.id === id; })[0];
    if (edge) {
      var why = edge.rejections.map(function(r){ return '<p><b>candidate ' + (r.candidate + 1) + ' failed here: ' + esc(r.code) + '</b><br>' + esc(r.message) + '</p>'; }).join('');
      html += (edge.onPath ? '<p><b>on certpath\\'s path</b></p>' : '') + why + '<table id="cert-fields">' + certRows(edge.cert) + '</table>';
    } else if (node) {
      var c = node.anchorCert || node.selfSignedCert;
      html += '<table>' + row('subject', node.subject) + row('key SHA-256', node.keySha256) + '</table>' + (c ? '<h4>certificate</h4><table id="cert-fields">' + certRows(c) + '</table>' : '');
    }
    body.innerHTML = html;
    panel.classList.add('open');
  });
})();
`;

/** The report's section of pictures (and the certificate panel with its script). */
export function picturesSection(pictures: readonly CasePicture[]): string {
  if (pictures.length === 0) return "";
  const out: string[] = [];
  out.push(`<h2 id="pictures">Pictures of the multi-domain cases</h2>`);
  out.push(
    `<p>Each case's PKI as certpath's search saw it: one box per CA, one arrow per certificate (issuer \u2192 subject), domains shaded, bridge CAs as hexagons, cross-certificates purple. Bold green: the path certpath found; ${e("expected")} in blue where the expected path differs from it; dashed: candidates that failed, the failing certificate red with its error code. Orange: what OpenSSL built or where it stopped. Click an arrow or a box for the certificate.</p>`,
  );
  out.push(`<div class="pics">`);
  for (const p of pictures) {
    if (p.tooLarge) {
      out.push(`<figure class="case-pic" id="pic-${e(p.id)}"><figcaption>${e(p.id)} <span class="small">${e(p.title)}</span></figcaption><p class="small">${e(p.notes[0]!.text)}.</p></figure>`);
      continue;
    }
    out.push(
      `<figure class="case-pic" id="pic-${e(p.id)}" data-case="${e(p.id)}"><figcaption>${e(p.id)} <span class="small">${e(p.title)}</span></figcaption><div class="pic">${p.svg.replace(/ id="/g, ` id="${e(p.id)}-`)}</div><ul>${p.notes.map((n) => `<li class="${n.cls}"><b>${e(n.who)}</b>: ${e(n.text)}</li>`).join("")}</ul></figure>`,
    );
    out.push(`<script type="application/json" id="graph-${e(p.id)}">${scriptJson(p.graph)}</script>`);
  }
  out.push(`</div>`);
  out.push(`<aside id="cert-panel"><button id="cert-panel-close" type="button">close</button><div id="cert-panel-body"></div></aside>`);
  out.push(`<script>${SCRIPT}</script>`);
  return out.join("\n");
}
