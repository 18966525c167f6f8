#!/usr/bin/env node
// The `certpath` executable: a thin shell over the library; the logic is in src/cli/.
import { createVerifier, verify } from "./index.js";
import { processIo } from "./cli/common.js";
import { main } from "./cli/main.js";

main(process.argv.slice(2), { verify, createVerifier, io: processIo }).then(
  (code) => {
    process.exitCode = code;
    // The command is done: end even if an engine left abandoned work behind (a conformance
    // case over its time limit keeps running in process; it cannot be cancelled).
    setTimeout(() => process.exit(), 5000).unref();
  },
  (e: unknown) => {
    process.stderr.write(`certpath: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exitCode = 3;
  },
);
