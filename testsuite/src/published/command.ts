// `certpath-testsuite published-pki [--dir DIR]`: generates the published bridge-of-bridges
// PKI, serves it (HTTP repository and slapd directory on 127.0.0.1) until interrupted, and
// prints the commands that validate a target of each domain from Domain A's anchor alone.
import { startPublishedPki } from "./serve.js";

export const PUBLISHED_USAGE = "Usage: certpath-testsuite published-pki [--dir DIR]\n";

export interface PublishedIo {
  stdout(t: string): void;
  stderr(t: string): void;
}

/** Serves until `stopSignal` resolves (default: SIGINT or SIGTERM). */
export async function publishedPkiCommand(argv: readonly string[], io: PublishedIo, stopSignal?: Promise<void>): Promise<number> {
  let dir: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--dir" && argv[i + 1]) dir = argv[++i];
    else if (argv[i] === "--help" || argv[i] === "-h") {
      io.stdout(PUBLISHED_USAGE);
      return 0;
    } else {
      io.stderr(`certpath-testsuite published-pki: unexpected argument "${argv[i]}"\n${PUBLISHED_USAGE}`);
      return 2;
    }
  }
  const run = await startPublishedPki({ dir });
  const { cas } = run.pki;
  const line = (c: (typeof cas)[keyof typeof cas]) => `  ${c.name.padEnd(32)} ${c.publish.padEnd(5)} ${[...c.aia].join("  ")}`;
  io.stdout(
    [
      `HTTP repository: ${run.httpBase}/ (files: ${[...run.pki.files.keys()].join(" ")})`,
      `LDAP directory:  ldap://${run.ldapHostport}/ (suffix ${run.pki.suffix})`,
      "CAs (publication, AIA URL of what they issue):",
      ...Object.values(cas).map(line),
      `Anchor (Domain A): ${run.files.anchor}`,
      `Targets: ${run.files.targets.A} (Domain A), ${run.files.targets.B} (Domain B), ${run.files.targets.C} (Domain C)`,
      "Try (from the repository, after npm run build):",
      ...Object.values(run.files.targets).map((t) => `  node dist/cli.js verify ${t} --anchor ${run.files.anchor} --fetch --revocation hard --allow-private-addresses`),
      "Ctrl-C stops the servers.",
      "",
    ].join("\n"),
  );
  await (stopSignal ??
    new Promise<void>((resolve) => {
      process.once("SIGINT", () => resolve());
      process.once("SIGTERM", () => resolve());
    }));
  await run.stop();
  return 0;
}
