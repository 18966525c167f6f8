// The graph as one self-contained HTML page: the SVG inline, the graph's data as JSON, a
// little script for pan/zoom (wheel, drag, buttons) and a side panel that shows a
// certificate's fields when its edge is clicked (a CA's when its node is), the verdict,
// the candidate paths (click one to highlight it) and the legend. No external assets.
import type { TrustGraph } from "./types.js";
import { COLORS } from "./dot.js";

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** JSON safe inside <script>: no "</script", no "<!--". */
export function scriptJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

const CSS = `
*{box-sizing:border-box}
html,body{margin:0;height:100%;font:13px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1f2328;background:#fff}
#app{display:flex;height:100vh}
#stage{flex:1;position:relative;overflow:hidden;background:#fff;cursor:grab;border-right:1px solid #d0d7de}
#stage.dragging{cursor:grabbing}
#stage svg{width:100%;height:100%;display:block}
#tools{position:absolute;top:10px;left:10px;display:flex;gap:4px;z-index:2}
#tools button{font:inherit;min-width:32px;padding:3px 9px;border:1px solid #d0d7de;border-radius:6px;background:#f6f8fa;cursor:pointer}
#tools button:hover{background:#eaeef2}
#panel{width:400px;overflow:auto;padding:14px 16px;background:#fcfcfd}
#panel h1{font-size:16px;margin:0 0 6px}
#panel h2{font-size:13px;margin:16px 0 6px;text-transform:uppercase;letter-spacing:.04em;color:#57606a}
.verdict{padding:6px 9px;border-radius:6px;margin:4px 0 8px;font-weight:600}
.verdict .muted{font-weight:400}
.verdict.ok{background:#dafbe1;color:#116329}.verdict.bad{background:#ffebe9;color:#a40e26}
table.f{border-collapse:collapse;width:100%}
table.f th,table.f td{text-align:left;vertical-align:top;padding:3px 6px;border-bottom:1px solid #eaeef2}
table.f th{width:34%;color:#57606a;font-weight:500}
table.f td{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere}
.code{font-weight:700;color:${COLORS.failed}}
ul.cands{list-style:none;margin:0;padding:0}
ul.cands li{padding:4px 6px;border:1px solid #eaeef2;border-radius:6px;margin:0 0 4px;cursor:pointer}
ul.cands li:hover,ul.cands li.on{background:#fff8c5;border-color:#d4a72c}
.muted{color:#57606a}
.hint{color:#57606a;font-style:italic}
a.pem{display:inline-block;margin-top:6px}
svg g.edge.sel path,svg g.edge.hl path{stroke:#0969da !important;stroke-width:5px !important}
svg g.edge.sel polygon,svg g.edge.hl polygon{stroke:#0969da !important;fill:#0969da !important}
svg g.node.sel polygon,svg g.node.sel path{stroke:#0969da !important;stroke-width:3px !important}
svg g.edge,svg g.node{cursor:pointer}
svg path.hit{stroke:transparent;stroke-width:14px;fill:none;pointer-events:stroke}
.lg span{display:inline-block;width:34px;border-top:3px solid;vertical-align:middle;margin-right:6px}
.lg div{margin:2px 0}
`;

/**
 * Browser functions shared with other pages that show certificates of a TrustGraph (the
 * conformance report): esc(text), row(key, value) and certRows(GraphCertificate) give the
 * rows of a fields table.
 */
export const CERTIFICATE_TABLE_JS = `
  function esc(s){ return String(s).replace(/[&<>"']/g, function(c){ return {'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;',"'":'&#39;'}[c]; }); }
  function row(k, v){ return v === undefined || v === null || v === '' || (Array.isArray(v) && !v.length) ? '' : '<tr><th>' + esc(k) + '</th><td>' + (Array.isArray(v) ? v.map(esc).join('<br>') : esc(v)) + '</td></tr>'; }
  function certRows(c){
    var bc = c.basicConstraints ? ('cA=' + c.basicConstraints.cA + (c.basicConstraints.pathLen !== undefined ? ', pathLen=' + c.basicConstraints.pathLen : '')) : undefined;
    var nc = c.nameConstraints ? [].concat((c.nameConstraints.permitted || []).map(function(x){ return 'permit ' + x; }), (c.nameConstraints.excluded || []).map(function(x){ return 'exclude ' + x; })) : undefined;
    var pc = c.policyConstraints ? Object.keys(c.policyConstraints).map(function(k){ return k + '=' + c.policyConstraints[k]; }).join(', ') : undefined;
    return row('subject', c.subject) + row('issuer', c.issuer) + row('serial', c.serial) + row('not before', c.notBefore) + row('not after', c.notAfter) +
      row('public key', c.keyAlgorithm + ' ' + c.keyBits + ' bits') + row('signature alg.', c.signatureAlgorithm) + row('subject key id', c.subjectKeyId) + row('authority key id', c.authorityKeyId) +
      row('basic constraints', bc) + row('key usage', c.keyUsage) + row('ext. key usage', c.extKeyUsage) + row('policies', c.policies) + row('policy mappings', c.policyMappings) +
      row('policy constraints', pc) + row('inhibit anyPolicy', c.inhibitAnyPolicy) + row('name constraints', nc) + row('subject alt. name', c.subjectAltName) + row('SHA-256', c.sha256);
  }
`;

const SCRIPT = `
(function(){
${CERTIFICATE_TABLE_JS}
  var G = JSON.parse(document.getElementById('graph-data').textContent);
  var stage = document.getElementById('stage');
  var svg = stage.querySelector('svg');
  var details = document.getElementById('details');
  var nodes = {}, edges = {};
  G.nodes.forEach(function(n){ nodes[n.id] = n; });
  G.edges.forEach(function(e){ edges[e.id] = e; });
  function head(dn){ var p = String(dn).split(/,\\s(?=[A-Za-z0-9.]+=)/); var l = p[p.length-1] || ''; var i = l.indexOf('='); return i > 0 ? l.slice(i+1) : l; }

  // Pan and zoom by rewriting the viewBox.
  svg.removeAttribute('width'); svg.removeAttribute('height');
  var vb0 = svg.getAttribute('viewBox').split(/\\s+/).map(Number);
  var vb = vb0.slice();
  function apply(){ svg.setAttribute('viewBox', vb.join(' ')); }
  function zoom(f, cx, cy){
    var r = svg.getBoundingClientRect();
    var s = Math.max(vb[2] / r.width, vb[3] / r.height);
    var ox = (r.width * s - vb[2]) / 2, oy = (r.height * s - vb[3]) / 2;
    var px = vb[0] - ox + (cx === undefined ? r.width / 2 : cx - r.left) * s;
    var py = vb[1] - oy + (cy === undefined ? r.height / 2 : cy - r.top) * s;
    var w = vb[2] * f, h = vb[3] * f;
    if (w < vb0[2] / 20 || w > vb0[2] * 8) return;
    vb = [px - (px - vb[0]) * f, py - (py - vb[1]) * f, w, h]; apply();
  }
  stage.addEventListener('wheel', function(ev){ ev.preventDefault(); zoom(ev.deltaY > 0 ? 1.15 : 1 / 1.15, ev.clientX, ev.clientY); }, { passive: false });
  var drag = null, moved = false;
  stage.addEventListener('mousedown', function(ev){ drag = { x: ev.clientX, y: ev.clientY, vb: vb.slice() }; moved = false; stage.classList.add('dragging'); });
  window.addEventListener('mousemove', function(ev){
    if (!drag) return;
    var r = svg.getBoundingClientRect();
    var s = Math.max(vb[2] / r.width, vb[3] / r.height);
    var dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) moved = true;
    vb = [drag.vb[0] - dx * s, drag.vb[1] - dy * s, vb[2], vb[3]]; apply();
  });
  window.addEventListener('mouseup', function(){ drag = null; stage.classList.remove('dragging'); });
  document.getElementById('zin').onclick = function(){ zoom(1 / 1.3); };
  document.getElementById('zout').onclick = function(){ zoom(1.3); };
  document.getElementById('zfit').onclick = function(){ vb = vb0.slice(); apply(); };

  // Wide transparent strokes so thin edges are easy to click.
  Array.prototype.forEach.call(svg.querySelectorAll('g.edge path'), function(p){
    var hit = p.cloneNode(false); hit.setAttribute('class', 'hit'); hit.removeAttribute('stroke-dasharray'); p.parentNode.appendChild(hit);
  });

  function pemLink(c){
    var body = c.der.match(/.{1,64}/g).join('\\n');
    var url = URL.createObjectURL(new Blob(['-----BEGIN CERTIFICATE-----\\n' + body + '\\n-----END CERTIFICATE-----\\n'], { type: 'application/x-pem-file' }));
    return '<a class="pem" download="' + esc(head(c.subject).replace(/[^A-Za-z0-9._-]+/g, '_') || 'certificate') + '.pem" href="' + url + '">download PEM</a>';
  }
  function clearSel(){ Array.prototype.forEach.call(svg.querySelectorAll('.sel,.hl'), function(el){ el.classList.remove('sel'); el.classList.remove('hl'); }); Array.prototype.forEach.call(document.querySelectorAll('ul.cands li.on'), function(li){ li.classList.remove('on'); }); }
  function showEdge(id){
    var e = edges[id]; if (!e) return;
    clearSel(); var el = document.getElementById(id); if (el) el.classList.add('sel');
    var v = [];
    if (e.onPath) v.push('<div class="verdict ok">on the found path</div>');
    e.rejections.forEach(function(r){ v.push('<div class="verdict bad">candidate ' + (r.candidate + 1) + ' failed here: <span class="code">' + esc(r.code) + '</span><br><span class="muted">' + esc(r.message) + '</span></div>'); });
    var facts = [];
    if (e.cross) facts.push(e.pair ? 'cross-certificate (mutual pair)' : 'cross-certificate');
    facts.push('signature: ' + e.signature + (e.signatureError ? ' (' + e.signatureError.code + ': ' + e.signatureError.message + ')' : ''));
    if (e.validity !== 'valid') facts.push(e.validity);
    if (e.revocation) facts.push('revocation: ' + e.revocation.status + (e.revocation.time ? ' at ' + e.revocation.time : '') + (e.revocation.reason ? ' (' + e.revocation.reason + ')' : ''));
    if (e.cut) facts.push('cut: no anchor reachable from its issuer');
    if (e.candidates.length) facts.push('in candidate path(s) ' + e.candidates.map(function(i){ return i + 1; }).join(', '));
    details.innerHTML = '<h2>Certificate</h2><div><b>' + esc(head(e.cert.issuer)) + '</b> \\u2192 <b>' + esc(head(e.cert.subject)) + '</b></div>' + v.join('') +
      '<p class="muted">' + facts.map(esc).join(' \\u00b7 ') + '</p><table class="f" id="cert-fields">' + certRows(e.cert) + '</table>' + pemLink(e.cert);
  }
  function showNode(id){
    var n = nodes[id]; if (!n) return;
    clearSel(); var el = document.getElementById(id); if (el) el.classList.add('sel');
    var roles = [];
    if (n.target) roles.push('target'); if (n.anchor) roles.push('trust anchor'); if (n.bridge) roles.push('bridge CA'); if (n.selfSigned) roles.push('self-signed'); if (!n.known) roles.push('not among the inputs');
    var ins = G.edges.filter(function(e){ return e.to === id; }), outs = G.edges.filter(function(e){ return e.from === id; });
    var link = function(e, other){ return '<li data-edge="' + e.id + '">' + esc(head(nodes[other].subject)) + (e.onPath ? ' <b>(path)</b>' : '') + (e.rejections.length ? ' <span class="code">' + esc(e.rejections[0].code) + '</span>' : '') + '</li>'; };
    var c = n.anchorCert || n.selfSignedCert;
    details.innerHTML = '<h2>CA</h2><table class="f">' + row('subject', n.subject) + row('key SHA-256', n.keySha256) + row('role', roles.join(', ')) + '</table>' +
      (ins.length ? '<h2>Issued to it (' + ins.length + ')</h2><ul class="cands">' + ins.map(function(e){ return link(e, e.from); }).join('') + '</ul>' : '') +
      (outs.length ? '<h2>Issued by it (' + outs.length + ')</h2><ul class="cands">' + outs.map(function(e){ return link(e, e.to); }).join('') + '</ul>' : '') +
      (c ? '<h2>' + (n.anchorCert ? 'Anchor certificate' : 'Self-signed certificate') + '</h2><table class="f" id="cert-fields">' + certRows(c) + '</table>' + pemLink(c) : '');
    Array.prototype.forEach.call(details.querySelectorAll('li[data-edge]'), function(li){ li.onclick = function(){ showEdge(li.getAttribute('data-edge')); }; });
  }
  svg.addEventListener('click', function(ev){
    if (moved) return;
    var g = ev.target.closest && ev.target.closest('g.edge, g.node');
    if (!g) return;
    if (g.classList.contains('edge')) showEdge(g.id); else showNode(g.id);
  });
  Array.prototype.forEach.call(document.querySelectorAll('#cands li'), function(li){
    li.onclick = function(){
      var c = G.candidates[Number(li.getAttribute('data-i'))];
      if (c.failedEdge) showEdge(c.failedEdge); else clearSel();
      li.classList.add('on');
      c.edges.forEach(function(id){ var el = document.getElementById(id); if (el) el.classList.add('hl'); });
    };
  });
  window.certpathGraph = { showEdge: showEdge, showNode: showNode, data: G };
})();
`;

export function renderHtml(g: TrustGraph, svg: string, title: string): string {
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const edgeById = new Map(g.edges.map((e) => [e.id, e]));
  const head = (dn: string) => {
    const p = dn.split(/,\s(?=[A-Za-z0-9.]+=)/);
    const l = p[p.length - 1] ?? "";
    const i = l.indexOf("=");
    return i > 0 ? l.slice(i + 1) : l;
  };
  const target = g.target === undefined ? undefined : byId.get(g.target);
  const verdict = g.valid === undefined
    ? `<div class="verdict ok">the verifier's material: ${g.anchors.length} trust anchor(s)</div>`
    : g.valid
    ? `<div class="verdict ok">valid: ${esc(head(target?.subject ?? ""))} chains to a trust anchor</div>`
    : `<div class="verdict bad">invalid: <span class="code">${esc(g.error?.code ?? "NO_PATH")}</span><br><span class="muted">${esc(g.error?.message ?? "")}</span></div>`;
  const cands = g.candidates.map((c, i) => {
    const names = c.edges.map((id) => head(edgeById.get(id)?.cert.subject ?? "?"));
    names.push(head(byId.get(c.anchor)?.subject ?? "?"));
    const what = c.valid ? "<b>valid</b>" : c.error ? `<span class="code">${esc(c.error.code)}</span>` : "not validated (stopped)";
    return `<li data-i="${i}">${i + 1}. ${esc(names.join(" \u2192 "))} \u2014 ${what}</li>`;
  });
  const lg = (color: string, style: string, text: string) => `<div><span style="border-top-color:${color};border-top-style:${style}"></span>${esc(text)}</div>`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><link rel="icon" href="data:,"><style>${CSS}</style></head>
<body><div id="app">
<div id="stage"><div id="tools"><button id="zin" title="zoom in">+</button><button id="zout" title="zoom out">\u2212</button><button id="zfit" title="fit the whole graph">fit</button></div>
${svg}
</div>
<aside id="panel">
<h1>${esc(title)}</h1>
${verdict}
<p class="muted">${g.nodes.length} CAs and names \u00b7 ${g.edges.length} certificates \u00b7 ${g.domains.length} domains \u00b7 validation time ${esc(g.time)}</p>
<div id="details"><p class="hint">Click a certificate (an arrow) or a CA (a box) to see its fields. Drag to pan, wheel to zoom.</p></div>
<h2>Candidate paths (${g.candidates.length})</h2>
${cands.length ? `<ul class="cands" id="cands">${cands.join("")}</ul>` : `<p class="muted">No complete candidate path was found.</p>`}
<h2>Legend</h2>
<div class="lg">${lg(COLORS.path, "solid", "found path (arrows point issuer \u2192 subject)")}${lg(COLORS.candidate, "dashed", "failed candidate path")}${lg(COLORS.failed, "dashed", "where a candidate failed (its error code)")}${lg(COLORS.cross, "solid", "cross-certificate")}${lg(COLORS.faint, "solid", "expired / not yet valid")}${lg(COLORS.faint, "dotted", "cut: no anchor reachable")}</div>
</aside></div>
<script type="application/json" id="graph-data">${scriptJson(g)}</script>
<script>${SCRIPT}</script>
</body></html>
`;
}
