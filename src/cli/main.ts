// Command dispatch for the `certpath` executable (src/cli.ts is the thin process shell).

import { readFileSync } from "node:fs";
import { conformanceCommand } from "./conformance-command.js";
import { EXIT, type CliDeps } from "./common.js";
import { verifyCommand, VERIFY_USAGE } from "./verify-command.js";
import { testsuiteCommand } from "./testsuite-command.js";

export const MAIN_HELP = `certpath - X.509 certification path building and RFC 5280 validation

Commands:
  certpath verify TARGET --anchor FILE ...   validate one certificate (see 'certpath verify --help')
  certpath conformance [--json FILE]         run the conformance suites (see 'certpath conformance --help')
  certpath testsuite export DIR              write every conformance case as plain files (see 'certpath testsuite --help')
  certpath --version                         print the version

${VERIFY_USAGE}
`;

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
    case "conformance":
      return conformanceCommand(rest, deps);
    case "testsuite":
      return testsuiteCommand(rest, deps);
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
      deps.io.stderr(`certpath: unknown command "${command}" (expected verify, conformance or testsuite; try 'certpath --help')\n`);
      return EXIT.USAGE;
  }
}
