#!/usr/bin/env node
// `certpath-testsuite conformance ...` and `certpath-testsuite testsuite export DIR`: the
// kit's own executable, for an installed kit (the same commands as `certpath conformance`
// and `certpath testsuite` of the library's CLI, which loads this package when present).
import { verify } from "certpath";
import { EXIT, processIo } from "certpath/cli-support";
import { conformanceCommand, testsuiteCommand } from "./cli/index.js";
import { publishedPkiCommand } from "./published/command.js";

const USAGE = `Usage: certpath-testsuite conformance [options]   (see --help)
       certpath-testsuite testsuite export DIR [--suite NAME ...]
       certpath-testsuite export DIR [--suite NAME ...]
       certpath-testsuite published-pki [--dir DIR]   (serve the bridge-of-bridges PKI over HTTP and LDAP)
`;

async function run(argv: readonly string[]): Promise<number> {
  const deps = { verify, io: processIo };
  const [command, ...rest] = argv;
  switch (command) {
    case "conformance":
      return conformanceCommand(rest, deps);
    case "testsuite":
      return testsuiteCommand(rest, deps);
    case "export":
      return testsuiteCommand(argv, deps);
    case "published-pki":
      return publishedPkiCommand(rest, processIo);
    case "--help":
    case "-h":
    case "help":
      processIo.stdout(USAGE);
      return EXIT.VALID;
    default:
      processIo.stderr(command === undefined ? `certpath-testsuite: missing command\n${USAGE}` : `certpath-testsuite: unknown command "${command}"\n${USAGE}`);
      return EXIT.USAGE;
  }
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // The command is done: end even if an engine left abandoned work behind (a conformance
    // case over its time limit keeps running in process; it cannot be cancelled).
    setTimeout(() => process.exit(), 5000).unref();
  },
  (e: unknown) => {
    process.stderr.write(`certpath-testsuite: internal error: ${String((e as Error)?.stack ?? e)}\n`);
    process.exitCode = EXIT.INTERNAL;
  },
);
