// The matrix as one self-contained HTML page: inline CSS, no scripts, no external assets.
// A summary per implementation and suite, a section table per suite, then the full matrix
// (case x implementation) with colour coding; a cell that does not pass shows the
// implementation's own message and our explanation. Every text is escaped.

import { PICTURES_CSS, picturesSection, type CasePicture } from "./pictures.js";
import { describeExpected, describeGot, rate, type CellStatus, type InteropReport, type MatrixCell, type MatrixRow, type SuiteInfo } from "./model.js";

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!);
}

const e = escapeHtml;

const STATUS_TEXT: Record<CellStatus, string> = {
  pass: "pass",
  fail: "wrong verdict",
  policy: "different policy set",
  error: "no verdict",
  "not-run": "not run",
};

const MARK: Record<CellStatus, string> = { pass: "\u2713", fail: "\u2717", policy: "\u2248", error: "!", "not-run": "\u2013" };

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#1b1f23;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
h3{font-size:15px;margin:18px 0 6px}
.meta{color:#57606a;margin:0 0 12px}
table{border-collapse:collapse;margin:6px 0 12px}
th,td{border:1px solid #d0d7de;padding:3px 7px;text-align:left;vertical-align:top}
th{background:#f6f8fa;position:sticky;top:0}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.pass{background:#dafbe1}.fail{background:#ffd8d3}.policy{background:#fff1c2}.error{background:#eddcff}.not-run{background:#f3f4f6;color:#8c959f}
.rate-all{background:#dafbe1}.rate-most{background:#fff1c2}.rate-low{background:#ffd8d3}
.legend span{display:inline-block;padding:1px 8px;margin-right:6px;border:1px solid #d0d7de}
.matrix td{max-width:420px}
.matrix td.cell{min-width:110px}
details summary{cursor:pointer;color:#0969da}
.said{white-space:pre-wrap;font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f6f8fa;padding:4px;margin:4px 0;overflow-wrap:anywhere}
.why{margin:4px 0}
.unsup{margin:4px 0;color:#9a6700}
.note{color:#57606a;font-style:italic}
ul.limits{margin:0;padding-left:18px}
.toggle-label{margin-left:4px;color:#57606a}
input.toggle:checked ~ table tr.allpass{display:none}
.small{font-size:12px;color:#57606a}
`;

function cellHtml(r: MatrixRow, impl: string, c: MatrixCell | undefined): string {
  if (!c) return `<td class="cell not-run">\u2013</td>`;
  const head = `${MARK[c.status]} ${e(describeGot(c))}`;
  if (c.status === "pass" && !c.note) return `<td class="cell pass" title="${e(c.detail)}">${head}</td>`;
  if (c.status === "not-run") return `<td class="cell not-run" title="${e(c.detail)}">${head}</td>`;
  const parts: string[] = [];
  parts.push(`<p class="said">${e(c.detail)}</p>`);
  if (c.explanation) parts.push(`<p class="why"><b>Why:</b> ${e(c.explanation)}</p>`);
  if (c.unsupported) parts.push(`<p class="unsup"><b>Cannot express:</b> ${e(c.unsupported)}</p>`);
  if (c.note) parts.push(`<p class="note">${e(c.note)}</p>`);
  const label = c.status === "pass" ? "note" : STATUS_TEXT[c.status];
  return `<td class="cell ${c.status}">${head}<details><summary>${e(label)}: what ${e(impl)} said</summary>${parts.join("")}</details></td>`;
}

function rateClass(passed: number, cases: number): string {
  if (cases === 0) return "not-run";
  if (passed === cases) return "rate-all";
  return passed / cases >= 0.9 ? "rate-most" : "rate-low";
}

/** The case id, linked to its picture when it has one. */
function caseCell(r: MatrixRow, pictures: readonly CasePicture[]): string {
  return r.suite === "multidomain" && pictures.some((p) => p.id === r.id) ? `${e(r.id)} <a class="small" href="#pic-${e(r.id)}">picture</a>` : e(r.id);
}

function suiteSection(report: InteropReport, s: SuiteInfo, index: number, pictures: readonly CasePicture[] = []): string {
  const rows = report.rows.filter((r) => r.suite === s.name);
  const impls = s.implementations;
  const entries = impls.map((i) => report.summary.find((x) => x.suite === s.name && x.implementation === i)!);
  const out: string[] = [];
  out.push(`<h2 id="suite-${index}">${e(s.title)}</h2>`);
  out.push(`<p>${e(s.description)}${rows.length ? ` \u2014 ${rows.length} cases` : ""}</p>`);
  if (s.note) out.push(`<p class="note">${e(s.note)}</p>`);

  // Sections x implementations.
  const sections = [...new Set(rows.map((r) => r.section))];
  out.push(`<h3>By section</h3><table><thead><tr><th>section</th><th class="num">cases</th>${impls.map((i) => `<th class="num">${e(i)}</th>`).join("")}</tr></thead><tbody>`);
  for (const sec of sections) {
    const n = rows.filter((r) => r.section === sec).length;
    const tds = entries.map((en) => {
      const k = en.sections.find((x) => x.section === sec);
      return k && k.cases ? `<td class="num ${rateClass(k.passed, k.cases)}">${k.passed}/${k.cases}</td>` : `<td class="num not-run">\u2013</td>`;
    });
    out.push(`<tr><td>${e(sec)}</td><td class="num">${n}</td>${tds.join("")}</tr>`);
  }
  out.push(
    `<tr><th>total</th><th class="num">${rows.length}</th>${entries.map((en) => `<th class="num ${rateClass(en.passed, en.cases)}">${en.passed}/${en.cases} (${e(rate(en))})</th>`).join("")}</tr>`,
  );
  out.push(`</tbody></table>`);

  // The matrix (every case) when several implementations ran; else the failing cases.
  if (impls.length > 1) {
    const id = `only-failing-${index}`;
    out.push(`<h3>Matrix</h3>`);
    out.push(`<input type="checkbox" class="toggle" id="${id}"><label class="toggle-label" for="${id}">show only cases where some implementation does not pass</label>`);
    out.push(`<table class="matrix"><thead><tr><th>case</th><th>title</th><th>expected</th>${impls.map((i) => `<th>${e(i)}</th>`).join("")}</tr></thead><tbody>`);
    for (const r of rows) {
      const allPass = impls.every((i) => !r.cells[i] || r.cells[i]!.status === "pass" || r.cells[i]!.status === "not-run");
      const sub = [r.section, r.topology && r.topology !== "NIST PKITS" ? r.topology : "", r.caseDir ? `files: ${r.caseDir}` : ""].filter(Boolean).join(" \u00b7 ");
      out.push(
        `<tr${allPass ? ` class="allpass"` : ""}><td>${caseCell(r, pictures)}</td><td>${e(r.title)}<div class="small">${e(sub)}</div></td><td>${e(describeExpected(r.expected))}</td>${impls.map((i) => cellHtml(r, i, r.cells[i])).join("")}</tr>`,
      );
    }
    out.push(`</tbody></table>`);
  } else {
    const failing = rows.filter((r) => impls.some((i) => r.cells[i] && r.cells[i]!.status !== "pass"));
    if (failing.length === 0) {
      out.push(`<p>All ${rows.length} cases pass.</p>`);
    } else {
      out.push(`<h3>Cases that do not pass</h3><table class="matrix"><thead><tr><th>case</th><th>title</th><th>expected</th>${impls.map((i) => `<th>${e(i)}</th>`).join("")}</tr></thead><tbody>`);
      for (const r of failing) out.push(`<tr><td>${caseCell(r, pictures)}</td><td>${e(r.title)}</td><td>${e(describeExpected(r.expected))}</td>${impls.map((i) => cellHtml(r, i, r.cells[i])).join("")}</tr>`);
      out.push(`</tbody></table>`);
    }
  }
  return out.join("\n");
}

/** With `--orders N`: each implementation's pass rate over the seeded bag orders and the cases it fails under every order. */
function ordersSection(report: InteropReport): string {
  const rows: string[] = [];
  report.suites.forEach((s, idx) => {
    for (const i of s.implementations) {
      const en = report.summary.find((x) => x.suite === s.name && x.implementation === i)!;
      if (!en.orderRuns) continue;
      const failing = report.rows.filter((r) => r.suite === s.name && r.cells[i]?.orders?.passed === 0).map((r) => r.id);
      const orders = en.orderRuns / Math.max(1, en.cases);
      rows.push(
        `<tr><td><a href="#suite-${idx}">${escapeHtml(s.title)}</a></td><td>${escapeHtml(i)}</td><td class="num">${orders}</td><td class="num">${en.orderPassed}/${en.orderRuns}</td><td class="num ${rateClass(en.orderPassed, en.orderRuns)}">${((100 * en.orderPassed) / en.orderRuns).toFixed(1)}%</td><td class="num">${en.failingEveryOrder}</td><td class="small">${escapeHtml(failing.join(", ")) || "\u2013"}</td></tr>`,
      );
    }
  });
  if (!rows.length) return "";
  return (
    `<h2>Bag orders</h2><p class="small">Each case run with its intermediates in the exported order and in seeded shuffles; certpath included.</p>` +
    `<table><thead><tr><th>suite</th><th>implementation</th><th class="num">orders</th><th class="num">runs passed</th><th class="num">pass rate</th><th class="num">fail under every order</th><th>those cases</th></tr></thead><tbody>${rows.join("")}</tbody></table>`
  );
}

export function renderHtml(report: InteropReport, pictures: readonly CasePicture[] = []): string {
  const out: string[] = [];
  out.push(`<!DOCTYPE html>`);
  out.push(`<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">`);
  out.push(`<title>certpath conformance and interoperability report</title>${pictures.length ? `<link rel="icon" href="data:,">` : ""}<style>${CSS}${pictures.length ? PICTURES_CSS : ""}</style></head><body>`);
  out.push(`<h1>certpath conformance and interoperability report</h1>`);
  out.push(
    `<p class="meta">Generated ${e(report.generatedAt)} \u00b7 ${e(report.certpathVersion)} \u00b7 Node ${e(report.node)} \u00b7 ${e(report.platform)}` +
      `${report.casesDir ? ` \u00b7 case files: <code>${e(report.casesDir)}</code>` : ""}</p>`,
  );
  out.push(
    `<p><b>certpath: ${report.certpath.passed} passed, ${report.certpath.failed} failed.</b> The other implementations read the same exported case files; their failures are reported here, not counted against certpath.</p>`,
  );
  out.push(
    `<p class="legend">${(Object.keys(STATUS_TEXT) as CellStatus[]).map((s) => `<span class="${s}">${MARK[s]} ${e(STATUS_TEXT[s])}</span>`).join("")}</p>`,
  );

  out.push(`<h2>Implementations</h2><table><thead><tr><th>implementation</th><th>version</th><th>how a case is run</th><th>what it cannot do (observed and documented)</th></tr></thead><tbody>`);
  for (const i of report.implementations) {
    const lim = i.limitations.length ? `<ul class="limits">${i.limitations.map((l) => `<li>${e(l)}</li>`).join("")}</ul>` : "\u2013";
    out.push(`<tr><td>${e(i.name)}${i.available ? "" : ` <span class="fail">not available</span>`}</td><td>${e(i.version)}</td><td class="small">${e(i.howRun)}</td><td>${lim}</td></tr>`);
  }
  out.push(`</tbody></table>`);

  out.push(
    `<h2>Summary</h2><table><thead><tr><th>suite</th><th>implementation</th><th class="num">cases</th><th class="num">passed</th><th class="num">wrong verdict</th><th class="num">different policy set</th><th class="num">no verdict</th><th class="num">cannot express</th><th class="num">unexplained</th><th class="num">timed out</th><th class="num">pass rate</th></tr></thead><tbody>`,
  );
  report.suites.forEach((s, idx) => {
    for (const i of s.implementations) {
      const en = report.summary.find((x) => x.suite === s.name && x.implementation === i)!;
      out.push(
        `<tr><td><a href="#suite-${idx}">${e(s.title)}</a></td><td>${e(i)}</td><td class="num">${en.cases}</td><td class="num">${en.passed}</td><td class="num">${en.failed}</td><td class="num">${en.policy}</td><td class="num">${en.error}</td><td class="num">${en.unsupported}</td><td class="num">${en.unexplained}</td><td class="num">${en.timedOut}</td><td class="num ${rateClass(en.passed, en.cases)}">${e(rate(en))}</td></tr>`,
      );
    }
  });
  out.push(`</tbody></table>`);
  out.push(ordersSection(report));

  report.suites.forEach((s, idx) => out.push(suiteSection(report, s, idx, pictures)));

  out.push(picturesSection(pictures));

  if (report.warnings.length) {
    out.push(`<h2>Warnings</h2><ul>${report.warnings.map((w) => `<li>${e(w)}</li>`).join("")}</ul>`);
  }
  out.push(`<p class="small">The same data is in results.json next to this page.</p>`);
  out.push(`</body></html>`);
  return out.join("\n") + "\n";
}
