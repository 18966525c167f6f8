// What the CLI commands share: injected dependencies (so they can be tested without a
// process or the real engine) and the exit statuses of the contract.

import { readFileSync, writeFileSync } from "node:fs";
import type { Verifier, VerifierConfig, VerifyOptions, VerifyResult } from "../api/types.js";

export type VerifyFn = (options: VerifyOptions) => Promise<VerifyResult>;

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readFile(path: string): Uint8Array;
  writeFile(path: string, text: string): void;
  /** Binary output (`certpath cose sign --out`); node:fs when absent. */
  writeBytes?(path: string, bytes: Uint8Array): void;
}

export interface CliDeps {
  verify: VerifyFn;
  io: CliIo;
  /** When given, `certpath verify` builds one verifier for the invocation and calls it (the real CLI does). */
  createVerifier?: (config: VerifierConfig) => Verifier;
}

/** Exit statuses. 0, 1 and 2 are part of the outside contract. */
export const EXIT = {
  VALID: 0,
  INVALID: 1,
  USAGE: 2,
  /** The engine threw (a bug): not part of the contract, kept apart from 1 and 2. */
  INTERNAL: 3,
} as const;

export const processIo: CliIo = {
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
  readFile: (p) => new Uint8Array(readFileSync(p)),
  writeFile: (p, t) => writeFileSync(p, t),
  writeBytes: (p, b) => writeFileSync(p, b),
};
