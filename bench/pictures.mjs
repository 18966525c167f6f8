// Pictures of the benchmark's four generated topologies (hierarchy, mesh, bridge, bridge of
// bridges) at a size a reader can take in: the same generator and dead ends as the
// benchmark cells (bench/generate.mjs), one target each, drawn by `certpath graph`'s
// renderer from `verify({ ..., graph: true })`. Writes bench/pictures/<topology>.svg.
//
//   npm run build && node bench/pictures.mjs [--size 24]
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureCell, TOPOLOGIES, NOW } from "./generate.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const size = Number(argv[argv.indexOf("--size") + 1] || 24);
const { verify, renderGraph } = await import("../dist/index.js");

const out = join(HERE, "pictures");
mkdirSync(out, { recursive: true });
for (const topology of TOPOLOGIES) {
  const { file, meta } = await ensureCell(topology, size, 1);
  const cell = JSON.parse(readFileSync(file, "utf8"));
  const der = (b64) => new Uint8Array(Buffer.from(b64, "base64"));
  const r = await verify({ target: der(cell.targets[0]), intermediates: cell.bag.map(der), trustAnchors: [der(cell.anchor)], time: NOW, graph: true });
  const g = r.graph;
  const title = `${topology}: ${meta.cas} CAs, ${meta.crossCertificates} cross-certificates, ${meta.deadEndCerts} dead-end certificates; ${r.valid ? "path found" : `no path (${r.error?.code})`}`;
  const svg = await renderGraph(g, "svg", { title, compact: true, direction: "LR" });
  writeFileSync(join(out, `${topology}.svg`), svg);
  console.log(`${topology}: ${g.nodes.length} nodes, ${g.edges.length} certificates, ${g.domains.length} domains, path of ${g.path.length} -> bench/pictures/${topology}.svg`);
}
