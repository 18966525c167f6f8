// `certpath graph`: the same inputs as `certpath verify`, one `verify` call with `graph: true`,
// and the picture of what the search saw (contract.md, "CLI: certpath graph").
import type { VerifyResult } from "../api/types.js";
import { renderGraph, type GraphFormat } from "../graph/render.js";
import { formatOptions, parseArgs, UsageError, type OptionSpec } from "./args.js";
import { EXIT, type CliDeps } from "./common.js";
import { FileError } from "./inputs.js";
import { buildVerifyOptions, VERIFY_OPTIONS, type BuiltOptions } from "./verify-command.js";

const FORMATS = ["svg", "html", "dot", "json"] as const;

export const GRAPH_OPTIONS: readonly OptionSpec[] = [
  ...VERIFY_OPTIONS.filter((o) => o.name !== "json" && o.name !== "help"),
  { name: "format", kind: "value", choices: FORMATS, help: "svg (default): Graphviz's SVG; html: one self-contained page with pan/zoom and a certificate panel; dot: the Graphviz source; json: the graph's data" },
  { name: "output", short: "o", kind: "value", valueName: "FILE", help: "write to FILE instead of standard output" },
  { name: "title", kind: "value", valueName: "TEXT", help: "a title drawn above the legend" },
  { name: "help", kind: "flag", short: "h", help: "show this help" },
];

export const GRAPH_USAGE = `Usage: certpath graph TARGET --anchor FILE [...same inputs as certpath verify...]
  [--format svg|html|dot|json] [-o FILE] [--title TEXT]`;

export function graphHelp(): string {
  return `${GRAPH_USAGE}

Draws what the path search saw while validating TARGET: one node per CA (subject name +
public key), one arrow per certificate from its issuer to its subject (a self-signed
certificate marks its node instead), domains as boxes, bridge CAs as hexagons,
cross-certificates in purple. The path found is bold green; the candidate paths that
failed are dashed, and the certificate where each failed is red and labelled with its
error code (hover for the message). Expired and revoked certificates are marked.
Laid out by Graphviz (compiled to WebAssembly; no system binary needed).

Example:
  certpath graph ee.pem --anchor root.pem --untrusted bag.pem --format html -o graph.html

Options:
${formatOptions(GRAPH_OPTIONS)}

Exit status: 0 valid, 1 invalid, 2 usage error or unreadable file, 3 internal error.
`;
}

export async function graphCommand(argv: readonly string[], deps: CliDeps): Promise<number> {
  const { io } = deps;
  let built: BuiltOptions;
  let format: GraphFormat = "svg";
  let output: string | undefined;
  let title: string | undefined;
  try {
    const parsed = parseArgs(argv, GRAPH_OPTIONS);
    if (parsed.flags.has("help")) {
      io.stdout(graphHelp());
      return EXIT.VALID;
    }
    format = (parsed.values.get("format") as GraphFormat | undefined) ?? "svg";
    output = parsed.values.get("output");
    title = parsed.values.get("title");
    built = buildVerifyOptions(parsed, io.readFile);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`certpath graph: ${e.message}\n${GRAPH_USAGE}\nTry 'certpath graph --help'.\n`);
      return EXIT.USAGE;
    }
    if (e instanceof FileError) {
      io.stderr(`certpath graph: ${e.message}\n`);
      return EXIT.USAGE;
    }
    throw e;
  }
  for (const n of built.notes) io.stderr(`certpath graph: note: ${n}\n`);

  let result: VerifyResult;
  try {
    result = await deps.verify({ ...built.options, graph: true });
  } catch (e) {
    io.stderr(`certpath graph: internal error: verify threw: ${(e as Error)?.stack ?? String(e)}\n`);
    return EXIT.INTERNAL;
  }
  const verdict = result.valid ? "valid" : `invalid: ${result.error?.code ?? "UNKNOWN"}: ${result.error?.message ?? ""}`;
  if (!result.graph) {
    // Inputs that could not be read as certificates: there is nothing to draw.
    io.stderr(`certpath graph: ${verdict}\ncertpath graph: no graph: the inputs could not be read\n`);
    return result.valid ? EXIT.VALID : EXIT.INVALID;
  }
  const text = await renderGraph(result.graph, format, title === undefined ? {} : { title });
  if (output !== undefined) {
    try {
      io.writeFile(output, text);
    } catch (e) {
      io.stderr(`certpath graph: cannot write ${output}: ${(e as Error)?.message ?? String(e)}\n`);
      return EXIT.USAGE;
    }
    io.stderr(`certpath graph: ${verdict}\ncertpath graph: wrote ${output} (${format}, ${result.graph.nodes.length} nodes, ${result.graph.edges.length} certificates)\n`);
  } else {
    io.stdout(text);
    io.stderr(`certpath graph: ${verdict}\n`);
  }
  return result.valid ? EXIT.VALID : EXIT.INVALID;
}
