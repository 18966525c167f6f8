// Turns the files named on the command line into library inputs.
//
// A DER file is passed on as one Uint8Array. A PEM file may hold several blocks: each block
// of the wanted kind becomes its own input (a one-block PEM string), so the library sees
// one certificate or CRL per input and does the strict base64/DER checking itself (a bad
// block is reported by `verify` as a MALFORMED_* result, not by the CLI). A PEM file with
// no block of the wanted kind is passed on whole, so that the library reports it.

import type { Input } from "../api/types.js";
import { scanPem } from "../parsing/pem.js";

export type InputKind = "certificate" | "crl" | "ocsp";

/** Raised when a file cannot be read; the CLI exits with status 2. */
export class FileError extends Error {
  override name = "FileError";
}


/** Canonical label per kind, and the aliases rewritten to it. */
const LABELS: Record<InputKind, { canonical: string; aliases: readonly string[] }> = {
  certificate: { canonical: "CERTIFICATE", aliases: ["CERTIFICATE", "X509 CERTIFICATE", "X.509 CERTIFICATE"] },
  crl: { canonical: "X509 CRL", aliases: ["X509 CRL", "CRL"] },
  ocsp: { canonical: "OCSP RESPONSE", aliases: ["OCSP RESPONSE"] },
};

/** True when the bytes look like PEM text rather than DER (DER starts with 0x30). */
export function looksLikePem(bytes: Uint8Array): boolean {
  if (bytes.length === 0 || bytes[0] === 0x30) return false;
  return Buffer.from(bytes.subarray(0, Math.min(bytes.length, 64 * 1024))).toString("latin1").includes("-----BEGIN ");
}

export interface PemBlock {
  label: string;
  /** The block's full text, BEGIN and END lines included. */
  text: string;
  /** The base64 body with whitespace removed. */
  body: string;
}

export function pemBlocks(text: string): PemBlock[] {
  const out: PemBlock[] = [];
  // One linear scan (the library's): a regular expression here was quadratic in BEGIN lines without END.
  let blocks: ReturnType<typeof scanPem>;
  try {
    blocks = scanPem(text);
  } catch {
    return out; // over the size cap: handed on whole, the library reports it
  }
  for (const b of blocks) out.push({ label: b.label, text: b.text, body: b.body.replace(/\s+/g, "") });
  return out;
}

/** Rewrites a block as a canonical one-block PEM string (64-column body). */
function canonicalPem(label: string, body: string): string {
  const lines = body.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

/**
 * Splits file content into inputs of the given kind.
 * Certificates and CRLs: DER -> [Uint8Array]; PEM -> one PEM string per matching block.
 * OCSP responses (the library takes DER only): PEM blocks are base64-decoded.
 */
export function splitInputs(bytes: Uint8Array, kind: InputKind): Input[] {
  if (!looksLikePem(bytes)) return [bytes];
  const text = Buffer.from(bytes).toString("latin1");
  const { canonical, aliases } = LABELS[kind];
  const blocks = pemBlocks(text).filter((b) => aliases.includes(b.label));
  if (blocks.length === 0) {
    // Nothing of the wanted kind: hand over the text (or, for OCSP, the bytes) so that
    // the library reports the malformed input with its own code.
    return kind === "ocsp" ? [bytes] : [text];
  }
  if (kind === "ocsp") return blocks.map((b) => new Uint8Array(Buffer.from(b.body, "base64")));
  return blocks.map((b) => canonicalPem(canonical, b.body));
}

export type ReadFile = (path: string) => Uint8Array;

/** Reads one file and splits it; unreadable files raise FileError. */
export function readInputs(path: string, kind: InputKind, readFile: ReadFile): Input[] {
  let bytes: Uint8Array;
  try {
    bytes = readFile(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err?.code === "ENOENT" ? "no such file" : err?.code === "EISDIR" ? "is a directory" : err?.code === "EACCES" ? "permission denied" : String(err?.message ?? e);
    throw new FileError(`cannot read ${path}: ${why}`);
  }
  return splitInputs(bytes, kind);
}

/** OCSP responses are DER only in the library's options: PEM blocks are decoded here. */
export function readOcspInputs(path: string, readFile: ReadFile): Uint8Array[] {
  return readInputs(path, "ocsp", readFile).map((x) => (typeof x === "string" ? new Uint8Array(Buffer.from(x, "latin1")) : x));
}
