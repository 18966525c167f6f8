// `certpath cose verify|sign|inspect`: COSE_Sign1 / COSE_Sign messages (RFC 9052) from files
// holding CBOR or its hex text. Exit statuses as `certpath verify`: 0 valid (signed, parsed),
// 1 invalid (malformed), 2 usage error or unreadable file, 3 internal error.
import { createHash, createPrivateKey, type KeyObject } from "node:crypto";
import { writeFileSync } from "node:fs";
import { certLabel, parseCertificate } from "../parsing/certificate.js";
import { COSE_ALG, COSE_ALGORITHMS } from "../cose/algorithms.js";
import { isBytes, isMap, strictDecode, Tagged, toHex } from "../cose/cbor.js";
import { keyObjectSigner } from "../cose/signer.js";
import { signCose1 } from "../cose/signing.js";
import { verifyCose, COSE_TAG } from "../cose/sign1.js";
import { CoseTrustAnchorStore } from "../cose/anchors.js";
import { decodeTeep, TeepDecodeError, TEEP_TYPE_NAMES } from "../cose/teep-messages.js";
import type { CoseVerifyOptions, CoseVerifyResult } from "../cose/types.js";
import type { Input } from "../api/types.js";
import { formatOptions, isOid, parseArgs, parseIsoTime, UsageError, type OptionSpec, type ParsedArgs } from "./args.js";
import { EXIT, type CliDeps } from "./common.js";
import { FileError, readInputs, type ReadFile } from "./inputs.js";

const COMMON: OptionSpec[] = [
  { name: "json", kind: "flag", help: "print one JSON object" },
  { name: "help", kind: "flag", short: "h", help: "show this help" },
];

export const COSE_VERIFY_OPTIONS: readonly OptionSpec[] = [
  { name: "anchor", kind: "list", valueName: "FILE", help: "trust anchors of the signer's role: certificates, TrustAnchorInfo or SPKI (PEM or DER; required, repeatable)" },
  { name: "untrusted", kind: "list", valueName: "FILE", help: "further untrusted certificates known out of band (intermediates, the certificate x5t names)" },
  { name: "detached", kind: "value", valueName: "FILE", help: "the payload of a message whose payload is nil (detached content)" },
  { name: "external-aad", kind: "value", valueName: "HEX", help: "RFC 9052 externally supplied data, hex" },
  { name: "certificate-in-aad", kind: "flag", help: "the end-entity certificate is bound through external_aad (RFC 9360 2)" },
  { name: "decoding", kind: "value", choices: ["strict", "relaxed"], help: "strict (default): deterministic CBOR only; relaxed: any valid CBOR outside the signed bytes" },
  { name: "require", kind: "value", choices: ["any", "all"], help: "COSE_Sign: one valid signature suffices (any, default) or all must be valid" },
  { name: "at", kind: "value", valueName: "ISO8601", help: "validation time (default now; no zone = UTC)" },
  { name: "policy", kind: "list", valueName: "OID", help: "initial policy set for the signer's path (repeatable or comma-separated)" },
  { name: "explicit-policy", kind: "flag", help: "initial-explicit-policy" },
  { name: "inhibit-mapping", kind: "flag", help: "initial-policy-mapping-inhibit" },
  { name: "inhibit-any", kind: "flag", help: "initial-any-policy-inhibit" },
  { name: "teep", kind: "flag", help: "also decode the payload as a TEEP message (draft-ietf-teep-protocol-26) and report it; a bad one is invalid" },
  ...COMMON,
];

export const COSE_SIGN_OPTIONS: readonly OptionSpec[] = [
  { name: "key", kind: "value", valueName: "FILE", help: "the private key, PKCS#8 PEM or DER (required)" },
  { name: "alg", kind: "value", valueName: "ALG", help: `COSE algorithm name or id (${[...COSE_ALGORITHMS.values()].map((a) => a.name).join(", ")}; required)` },
  { name: "x5chain", kind: "list", valueName: "FILE", help: "the signer's certificate chain, end entity first (x5chain, protected)" },
  { name: "x5chain-unprotected", kind: "flag", help: "put x5chain in the unprotected bucket (adds a protected x5t)" },
  { name: "x5bag", kind: "list", valueName: "FILE", help: "untrusted certificates for the path (x5bag, unprotected)" },
  { name: "kid", kind: "value", valueName: "HEX", help: "key identifier (kid, protected)" },
  { name: "external-aad", kind: "value", valueName: "HEX", help: "RFC 9052 externally supplied data, hex" },
  { name: "certificate-in-aad", kind: "flag", help: "bind the end-entity certificate through external_aad (RFC 9360 2)" },
  { name: "detached", kind: "flag", help: "leave the payload out of the message" },
  { name: "out", kind: "value", valueName: "FILE", help: "write the message to FILE (CBOR; with --hex, hex text) instead of hex on standard output" },
  { name: "hex", kind: "flag", help: "with --out: write hex text" },
  { name: "help", kind: "flag", short: "h", help: "show this help" },
];

export const COSE_INSPECT_OPTIONS: readonly OptionSpec[] = [{ name: "decoding", kind: "value", choices: ["strict", "relaxed"], help: "strict (default) or relaxed CBOR" }, ...COMMON];

export const COSE_USAGE = `Usage: certpath cose verify MESSAGE --anchor FILE [--anchor FILE ...] [--untrusted FILE ...]
         [--detached FILE] [--external-aad HEX] [--certificate-in-aad] [--decoding strict|relaxed]
         [--require any|all] [--at ISO8601] [--policy OID ...] [--explicit-policy]
         [--inhibit-mapping] [--inhibit-any] [--teep] [--json]
       certpath cose sign PAYLOAD --key FILE --alg ALG [--x5chain FILE ...] [--x5chain-unprotected]
         [--x5bag FILE ...] [--kid HEX] [--external-aad HEX] [--certificate-in-aad] [--detached]
         [--out FILE [--hex]]
       certpath cose inspect MESSAGE [--decoding strict|relaxed] [--json]`;

export function coseHelp(): string {
  return `${COSE_USAGE}

MESSAGE is a file holding a COSE_Sign1 or COSE_Sign (tagged or not) as CBOR, or as hex text.
verify: checks the signature and validates the signer's certificate (x5chain, x5bag, x5t)
  against the --anchor certificates, as the library's verifyCose does.
sign: makes a COSE_Sign1 over the bytes of PAYLOAD (a file; CBOR or hex text is taken as is).
inspect: prints the message's structure, headers and certificates without verifying.

verify options:
${formatOptions(COSE_VERIFY_OPTIONS)}

sign options:
${formatOptions(COSE_SIGN_OPTIONS)}

inspect options:
${formatOptions(COSE_INSPECT_OPTIONS)}

Exit status: 0 valid / signed / parsed, 1 invalid or malformed, 2 usage error or unreadable file, 3 internal error.
`;
}

function readFileOr(path: string, readFile: ReadFile): Uint8Array {
  try {
    return readFile(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new FileError(`cannot read ${path}: ${err?.code === "ENOENT" ? "no such file" : err?.code === "EISDIR" ? "is a directory" : String(err?.message ?? e)}`);
  }
}

/** CBOR bytes, or the bytes a hex text file spells (whitespace ignored). */
export function cborOrHex(bytes: Uint8Array): Uint8Array {
  const text = Buffer.from(bytes).toString("latin1").replace(/\s+/g, "");
  if (text.length > 0 && text.length % 2 === 0 && /^[0-9a-fA-F]+$/.test(text) && !bytes.some((b) => b >= 0x80)) return new Uint8Array(Buffer.from(text, "hex"));
  return bytes;
}

function hexOption(parsed: ParsedArgs, name: string): Uint8Array | undefined {
  const v = parsed.values.get(name);
  if (v === undefined) return undefined;
  if (!/^([0-9a-fA-F]{2})*$/.test(v)) throw new UsageError(`--${name} expects hex (got "${v}")`);
  return new Uint8Array(Buffer.from(v, "hex"));
}

function oids(parsed: ParsedArgs, name: string): string[] | undefined {
  const raw = parsed.lists.get(name);
  if (!raw) return undefined;
  const out = raw.flatMap((v) => v.split(",")).map((s) => s.trim());
  for (const o of out) if (!isOid(o)) throw new UsageError(`--${name}: "${o}" is not a dotted OID`);
  return out;
}

const sha256 = (der: Uint8Array) => createHash("sha256").update(der).digest("hex");

/** CBOR values as JSON: bstr -> hex, maps -> objects keyed by label, tags -> {tag, value}. */
export function jsonCbor(v: unknown): unknown {
  if (isBytes(v)) return toHex(v);
  if (isMap(v)) return Object.fromEntries([...v].map(([k, x]) => [String(k), jsonCbor(x)]));
  if (Array.isArray(v)) return v.map(jsonCbor);
  if (v instanceof Tagged) return { tag: v.tag, value: jsonCbor(v.value) };
  if (typeof v === "bigint") return v.toString();
  return v;
}

function certSummary(der: Uint8Array): { subject: string; sha256: string } | { error: string; sha256: string } {
  try {
    return { subject: certLabel(parseCertificate(der, "certificate")), sha256: sha256(der) };
  } catch (e) {
    return { error: (e as Error).message, sha256: sha256(der) };
  }
}

function teepSummary(payload: Uint8Array, decoding: "strict" | "relaxed"): { type: string; message: unknown } | { error: { field: string; message: string; teepError: number } } {
  try {
    const m = decodeTeep(payload, { decoding });
    return { type: TEEP_TYPE_NAMES[m.type]!, message: jsonCbor(new Map(Object.entries(m))) };
  } catch (e) {
    if (e instanceof TeepDecodeError) return { error: { field: e.field, message: e.message, teepError: e.teepError } };
    throw e;
  }
}

// ---- verify ----

interface VerifyJson {
  valid: boolean;
  kind: string;
  alg: number | null;
  algName: string | null;
  signer: { kind: string; subject: string | null; sha256: string | null } | null;
  path: { subject: string; sha256: string }[];
  policies: string[];
  thumbprint: string | null;
  error: { code: string; message: string; certIndex?: number; teepError: number; errMsg: string } | null;
  signatures?: { valid: boolean; algName: string | null; subject: string | null; error: string | null }[];
  teep?: unknown;
}

function verifyJson(r: CoseVerifyResult): VerifyJson {
  const s = r.signer;
  return {
    valid: r.valid,
    kind: r.kind,
    alg: r.alg ?? null,
    algName: r.algName ?? null,
    signer: s ? { kind: s.kind, subject: s.subject ?? null, sha256: s.certificate ? sha256(s.certificate) : null } : null,
    path: (s?.path ?? []).map((p) => ({ subject: p.subject, sha256: sha256(p.der) })),
    policies: r.valid ? [...(s?.policies ?? [])] : [],
    thumbprint: r.thumbprintHex ?? null,
    error: r.error ? { code: r.error.code, message: r.error.message, ...(r.error.certIndex !== undefined ? { certIndex: r.error.certIndex } : {}), teepError: r.error.teepError, errMsg: r.error.errMsg } : null,
    ...(r.signatures ? { signatures: r.signatures.map((x) => ({ valid: x.valid, algName: x.algName ?? null, subject: x.signer?.subject ?? null, error: x.error ? x.error.code : null })) } : {}),
  };
}

function verifyText(j: VerifyJson): string {
  const lines = [j.valid ? "VALID" : "INVALID", `${j.kind}${j.algName ? ` ${j.algName} (${j.alg})` : ""}`];
  if (j.signer) lines.push(`signer: ${j.signer.subject ?? "(unnamed)"} (${j.signer.kind})`);
  if (j.path.length) {
    lines.push("path (signer first, trust anchor last):");
    j.path.forEach((p, i) => lines.push(`  [${i}] ${p.subject}${j.error?.certIndex === i ? "  <-- failed here" : ""}`));
  }
  if (j.valid) lines.push(`policies: ${j.policies.join(", ") || "(none)"}`, `thumbprint (RFC 9679): ${j.thumbprint}`);
  if (j.error) lines.push(`error: ${j.error.code}: ${j.error.message}`, `TEEP err-code ${j.error.teepError}, err-msg "${j.error.errMsg}"`);
  for (const [i, s] of (j.signatures ?? []).entries()) lines.push(`signature #${i}: ${s.valid ? "valid" : `invalid (${s.error})`}${s.subject ? ` ${s.subject}` : ""}`);
  if (j.teep) lines.push(`TEEP: ${JSON.stringify(j.teep)}`);
  return lines.join("\n") + "\n";
}

async function verifyAction(parsed: ParsedArgs, deps: CliDeps): Promise<number> {
  const { io } = deps;
  if (parsed.positionals.length !== 1) throw new UsageError(`verify expects one MESSAGE file, got ${parsed.positionals.length}`);
  const anchorFiles = parsed.lists.get("anchor") ?? [];
  if (anchorFiles.length === 0) throw new UsageError("at least one --anchor FILE is required");
  const time = parsed.values.has("at") ? parseIsoTime(parsed.values.get("at")!) : undefined;
  const initialPolicySet = oids(parsed, "policy");
  const externalAad = hexOption(parsed, "external-aad");
  const message = cborOrHex(readFileOr(parsed.positionals[0]!, io.readFile));
  const anchors = new CoseTrustAnchorStore("--anchor");
  for (const f of anchorFiles) {
    const bytes = readFileOr(f, io.readFile);
    try {
      anchors.add(bytes, f);
    } catch (e) {
      throw new FileError(`${f}: not a usable trust anchor: ${(e as Error).message}`);
    }
  }
  const certificates: Input[] = (parsed.lists.get("untrusted") ?? []).flatMap((f) => readInputs(f, "certificate", io.readFile));
  const detached = parsed.values.has("detached") ? readFileOr(parsed.values.get("detached")!, io.readFile) : undefined;
  const decoding = (parsed.values.get("decoding") as "strict" | "relaxed" | undefined) ?? "strict";
  const policy =
    initialPolicySet || parsed.flags.has("explicit-policy") || parsed.flags.has("inhibit-mapping") || parsed.flags.has("inhibit-any")
      ? { ...(initialPolicySet ? { initialPolicySet } : {}), explicitPolicy: parsed.flags.has("explicit-policy"), policyMappingInhibit: parsed.flags.has("inhibit-mapping"), anyPolicyInhibit: parsed.flags.has("inhibit-any") }
      : undefined;
  const options: CoseVerifyOptions = {
    anchors,
    certificates,
    decoding,
    ...(time ? { time } : {}),
    ...(policy ? { policy } : {}),
    ...(externalAad ? { externalAad } : {}),
    ...(detached ? { detachedPayload: detached } : {}),
    ...(parsed.flags.has("certificate-in-aad") ? { certificateInExternalAad: true } : {}),
    ...(parsed.values.has("require") ? { require: parsed.values.get("require") as "any" | "all" } : {}),
  };
  const r = await verifyCose(message, options);
  const j = verifyJson(r);
  let valid = r.valid;
  if (parsed.flags.has("teep") && r.valid) {
    j.teep = teepSummary(r.payload!, decoding);
    if ("error" in (j.teep as object)) valid = j.valid = false;
  }
  io.stdout(parsed.flags.has("json") ? JSON.stringify(j) + "\n" : verifyText(j));
  return valid ? EXIT.VALID : EXIT.INVALID;
}

// ---- sign ----

function algId(s: string): number {
  const byName = COSE_ALG[s];
  const id = byName ?? (/^-?\d+$/.test(s) ? Number(s) : NaN);
  if (!COSE_ALGORITHMS.has(id)) throw new UsageError(`--alg: "${s}" is not a supported COSE algorithm (${[...COSE_ALGORITHMS.values()].map((a) => a.name).join(", ")})`);
  return id;
}

function privateKey(path: string, readFile: ReadFile): KeyObject {
  const bytes = readFileOr(path, readFile);
  try {
    const pem = Buffer.from(bytes).toString("latin1").includes("-----BEGIN ");
    return pem ? createPrivateKey(Buffer.from(bytes).toString("latin1")) : createPrivateKey({ key: Buffer.from(bytes), format: "der", type: "pkcs8" });
  } catch (e) {
    throw new FileError(`${path}: not a private key (PKCS#8 PEM or DER): ${(e as Error).message}`);
  }
}

function certDers(files: readonly string[], readFile: ReadFile): Uint8Array[] {
  return files.flatMap((f) =>
    readInputs(f, "certificate", readFile).map((x) => {
      const der = typeof x === "string" ? new Uint8Array(Buffer.from(x.replace(/-----[A-Z ]+-----|\s+/g, ""), "base64")) : x;
      try {
        parseCertificate(der, f);
      } catch (e) {
        throw new FileError(`${f}: not a certificate: ${(e as Error).message}`);
      }
      return der;
    }),
  );
}

async function signAction(parsed: ParsedArgs, deps: CliDeps): Promise<number> {
  const { io } = deps;
  if (parsed.positionals.length !== 1) throw new UsageError(`sign expects one PAYLOAD file, got ${parsed.positionals.length}`);
  if (!parsed.values.has("key")) throw new UsageError("--key FILE is required");
  if (!parsed.values.has("alg")) throw new UsageError("--alg ALG is required");
  const alg = algId(parsed.values.get("alg")!);
  const kid = hexOption(parsed, "kid");
  const externalAad = hexOption(parsed, "external-aad");
  if (parsed.flags.has("hex") && !parsed.values.has("out")) throw new UsageError("--hex goes with --out (standard output is always hex)");
  const x5chainFiles = parsed.lists.get("x5chain") ?? [];
  if ((parsed.flags.has("x5chain-unprotected") || parsed.flags.has("certificate-in-aad")) && x5chainFiles.length === 0) throw new UsageError("--x5chain-unprotected and --certificate-in-aad need --x5chain");
  const payload = readFileOr(parsed.positionals[0]!, io.readFile);
  const key = privateKey(parsed.values.get("key")!, io.readFile);
  let signer;
  try {
    signer = keyObjectSigner(key, alg);
  } catch (e) {
    throw new UsageError(`--key does not fit --alg: ${(e as Error).message.replace(/^keyObjectSigner: /, "")}`);
  }
  const x5chain = x5chainFiles.length ? certDers(x5chainFiles, io.readFile) : undefined;
  const bag = parsed.lists.get("x5bag");
  const x5bag = bag ? certDers(bag, io.readFile) : undefined;
  const msg = await signCose1(payload, {
    signer,
    ...(x5chain ? { x5chain } : {}),
    ...(x5bag ? { x5bag } : {}),
    ...(kid ? { kid } : {}),
    ...(externalAad ? { externalAad } : {}),
    ...(parsed.flags.has("x5chain-unprotected") ? { x5chainIn: "unprotected" as const } : {}),
    ...(parsed.flags.has("certificate-in-aad") ? { certificateInExternalAad: true } : {}),
    ...(parsed.flags.has("detached") ? { detached: true } : {}),
  });
  const out = parsed.values.get("out");
  if (out === undefined) io.stdout(toHex(msg) + "\n");
  else if (parsed.flags.has("hex")) io.writeFile(out, toHex(msg) + "\n");
  else (io.writeBytes ?? ((p: string, b: Uint8Array) => writeFileSync(p, b)))(out, msg);
  return EXIT.VALID;
}

// ---- inspect ----

function inspectJson(message: Uint8Array, decoding: "strict" | "relaxed"): Record<string, unknown> {
  const top = strictDecode(message, "COSE message", decoding);
  const tagged = top instanceof Tagged;
  const items = (tagged ? top.value : top) as unknown[];
  if (!Array.isArray(items) || items.length !== 4) throw new Error("not a COSE_Sign1 / COSE_Sign array of 4 elements (RFC 9052 4.1, 4.2)");
  const kind = tagged ? (top.tag === COSE_TAG.COSE_Sign1 ? "COSE_Sign1" : top.tag === COSE_TAG.COSE_Sign ? "COSE_Sign" : `tag ${top.tag}`) : isBytes(items[3]) ? "COSE_Sign1" : "COSE_Sign";
  const layer = (p: unknown, u: unknown) => {
    const prot = isBytes(p) && p.length ? strictDecode(p, "protected header", decoding) : new Map();
    const all = [...(isMap(prot) ? prot : new Map()), ...(isMap(u) ? u : new Map())];
    const certs = all.filter(([k]) => k === 33 || k === 32).flatMap(([k, v]) => (isBytes(v) ? [v] : Array.isArray(v) ? v.filter(isBytes) : []).map((d) => ({ header: k === 33 ? "x5chain" : "x5bag", ...certSummary(d) })));
    const alg = isMap(prot) ? prot.get(1) : undefined;
    return { protected: jsonCbor(prot), unprotected: jsonCbor(u), alg: typeof alg === "number" ? (COSE_ALGORITHMS.get(alg)?.name ?? alg) : (alg ?? null), certificates: certs };
  };
  const payload = items[2];
  const out: Record<string, unknown> = { kind, tagged, ...layer(items[0], items[1]), payloadBytes: isBytes(payload) ? payload.length : null, payload: isBytes(payload) ? toHex(payload) : null };
  if (kind === "COSE_Sign1") out.signatureBytes = isBytes(items[3]) ? items[3].length : null;
  if (kind === "COSE_Sign" && Array.isArray(items[3])) out.signatures = items[3].map((s) => (Array.isArray(s) && s.length === 3 ? { ...layer(s[0], s[1]), signatureBytes: isBytes(s[2]) ? s[2].length : null } : { error: "not a COSE_Signature" }));
  if (isBytes(payload)) {
    const t = teepSummary(payload, decoding);
    if ("type" in t) out.teep = t;
  }
  return out;
}

function inspectAction(parsed: ParsedArgs, deps: CliDeps): number {
  const { io } = deps;
  if (parsed.positionals.length !== 1) throw new UsageError(`inspect expects one MESSAGE file, got ${parsed.positionals.length}`);
  const message = cborOrHex(readFileOr(parsed.positionals[0]!, io.readFile));
  const decoding = (parsed.values.get("decoding") as "strict" | "relaxed" | undefined) ?? "strict";
  let j: Record<string, unknown>;
  try {
    j = inspectJson(message, decoding);
  } catch (e) {
    const msg = (e as Error).message;
    io.stdout(parsed.flags.has("json") ? JSON.stringify({ error: { code: "MALFORMED_COSE", message: msg } }) + "\n" : `MALFORMED: ${msg}\n`);
    return EXIT.INVALID;
  }
  io.stdout(parsed.flags.has("json") ? JSON.stringify(j) + "\n" : JSON.stringify(j, null, 2) + "\n");
  return EXIT.VALID;
}

export async function coseCommand(argv: readonly string[], deps: CliDeps): Promise<number> {
  const { io } = deps;
  const [action, ...rest] = argv;
  const specs = action === "verify" ? COSE_VERIFY_OPTIONS : action === "sign" ? COSE_SIGN_OPTIONS : action === "inspect" ? COSE_INSPECT_OPTIONS : undefined;
  try {
    if (action === undefined || action === "--help" || action === "-h") {
      if (action === undefined) throw new UsageError("missing action (verify, sign or inspect)");
      io.stdout(coseHelp());
      return EXIT.VALID;
    }
    if (!specs) throw new UsageError(`unknown action "${action}" (expected verify, sign or inspect)`);
    const parsed = parseArgs(rest, specs);
    if (parsed.flags.has("help")) {
      io.stdout(coseHelp());
      return EXIT.VALID;
    }
    return action === "verify" ? await verifyAction(parsed, deps) : action === "sign" ? await signAction(parsed, deps) : inspectAction(parsed, deps);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`certpath cose: ${e.message}\n${COSE_USAGE}\nTry 'certpath cose --help'.\n`);
      return EXIT.USAGE;
    }
    if (e instanceof FileError) {
      io.stderr(`certpath cose: ${e.message}\n`);
      return EXIT.USAGE;
    }
    io.stderr(`certpath cose: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    return EXIT.INTERNAL;
  }
}
