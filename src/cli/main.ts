// Command dispatch for the `certpath` executable (src/cli.ts is the thin process shell).

import { readFileSync } from "node:fs";
import { EXIT, type CliDeps } from "./common.js";
import { verifyCommand, VERIFY_USAGE } from "./verify-command.js";
import { coseCommand } from "./cose-command.js";
import { graphCommand } from "./graph-command.js";

export const MAIN_HELP = `certpath - X.509 certification path building and RFC 5280 validation

Commands:
  certpath verify TARGET --anchor FILE ...   validate one certificate (see 'certpath verify --help')
  certpath graph TARGET --anchor FILE ...    draw the PKI the search saw, the path found and the paths that failed (see 'certpath graph --help')
  certpath conformance [--json FILE]         run the conformance suites (see 'certpath conformance --help')
  certpath testsuite export DIR              write every conformance case as plain files (see 'certpath testsuite --help')
  certpath cose verify|sign|inspect MESSAGE  COSE_Sign1 / COSE_Sign messages (see 'certpath cose --help')
  certpath --version                         print the version

${VERIFY_USAGE}
`;

/** The commands of the conformance kit (package certpath-testsuite, testsuite/ in a clone). */
interface KitCommands {
  conformanceCommand(argv: readonly string[], deps: CliDeps): Promise<number>;
  testsuiteCommand(argv: readonly string[], deps: CliDeps): Promise<number>;
}

/**
 * `certpath conformance` and `certpath testsuite` live in the conformance kit, a separate
 * package (the library ships no conformance code): loaded when it is installed, as it is in
 * a clone (npm workspace).
 */
async function loadKit(deps: CliDeps, command: string): Promise<KitCommands | undefined> {
  const name = "certpath-testsuite/cli";
  try {
    return (await import(name)) as KitCommands;
  } catch (e) {
    const code = (e as { code?: string })?.code;
    if (code !== "ERR_MODULE_NOT_FOUND" || !String((e as Error).message).includes("certpath-testsuite")) throw e;
    deps.io.stderr(
      `certpath ${command}: the conformance kit is not installed (npm install certpath-testsuite; ` +
        `in a clone, npm ci && npm run build installs and builds it)\n`,
    );
    return undefined;
  }
}

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: string };
    return pkg.version ?? "unknown";
  } catch {
    return "unknown";
  }
}

export async function main(argv: readonly string[], deps: CliDeps): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "verify":
      return verifyCommand(rest, deps);
    case "graph":
      return graphCommand(rest, deps);
    case "conformance": {
      const kit = await loadKit(deps, command);
      return kit ? kit.conformanceCommand(rest, deps) : EXIT.USAGE;
    }
    case "testsuite": {
      const kit = await loadKit(deps, command);
      return kit ? kit.testsuiteCommand(rest, deps) : EXIT.USAGE;
    }
    case "cose":
      return coseCommand(rest, deps);
    case "--help":
    case "-h":
    case "help":
      deps.io.stdout(MAIN_HELP);
      return EXIT.VALID;
    case "--version":
    case "-V":
      deps.io.stdout(`certpath ${version()}\n`);
      return EXIT.VALID;
    case undefined:
      deps.io.stderr(`certpath: missing command\n${MAIN_HELP}`);
      return EXIT.USAGE;
    default:
      deps.io.stderr(`certpath: unknown command "${command}" (expected verify, graph, conformance, testsuite or cose; try 'certpath --help')\n`);
      return EXIT.USAGE;
  }
}
