// The independent audit: OpenSSL (`openssl storeutl -text`, one process for a whole batch)
// reads back every generated certificate and CRL, and each extension's presence,
// criticality and value is checked against the case's description. It shares no code or
// table with certpath's parser or with the generator: the OpenSSL display names, key-usage
// names, extended-key-usage OIDs and RFC 5280 criticality rules below are this file's own
// literals. (test/multidomain/audit.ts checks the rest with certpath's parser: names,
// times, string types, signatures.)
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { GeneratedCase } from "../../testsuite/src/multidomain/generate.js";
import type { CertDecl, CrlDecl } from "../../testsuite/src/multidomain/model.js";

/** One extension as OpenSSL prints it: criticality and its value lines. */
export interface OpensslExtension {
  critical: boolean;
  lines: string[];
}

export interface OpensslObject {
  kind: "Certificate" | "CRL";
  /** By our extension name (see DISPLAY_NAMES); unknown ones by OpenSSL's label. */
  extensions: Map<string, OpensslExtension>;
  /** CRL entries: serial (upper-case hex as OpenSSL prints it) and entry extensions. */
  entries: { serial: string; extensions: Map<string, OpensslExtension> }[];
}

/** OpenSSL 3's labels for the extensions the suite uses. */
const DISPLAY_NAMES: Record<string, string> = {
  "X509v3 Subject Key Identifier": "subjectKeyIdentifier",
  "X509v3 Authority Key Identifier": "authorityKeyIdentifier",
  "X509v3 Basic Constraints": "basicConstraints",
  "X509v3 Key Usage": "keyUsage",
  "X509v3 Extended Key Usage": "extKeyUsage",
  "X509v3 Subject Alternative Name": "subjectAltName",
  "X509v3 Issuer Alternative Name": "issuerAltName",
  "X509v3 Certificate Policies": "certificatePolicies",
  "X509v3 Policy Mappings": "policyMappings",
  "X509v3 Policy Constraints": "policyConstraints",
  "X509v3 Inhibit Any Policy": "inhibitAnyPolicy",
  "X509v3 Name Constraints": "nameConstraints",
  "X509v3 CRL Distribution Points": "crlDistributionPoints",
  "X509v3 Freshest CRL": "freshestCrl",
  "Authority Information Access": "authorityInfoAccess",
  "OCSP No Check": "ocspNoCheck",
  "X509v3 CRL Number": "crlNumber",
  "X509v3 Delta CRL Indicator": "deltaCrlIndicator",
  "X509v3 Issuing Distribution Point": "issuingDistributionPoint",
  "X509v3 CRL Reason Code": "reasonCode",
  "X509v3 Certificate Issuer": "certificateIssuer",
  "Invalidity Date": "invalidityDate",
};

/** RFC 5280 4.2 / 5.2 / 5.3: which extensions a conforming issuer marks critical. */
const MUST_BE_CRITICAL: Record<string, boolean> = {
  subjectKeyIdentifier: false, // 4.2.1.2 MUST NOT
  authorityKeyIdentifier: false, // 4.2.1.1 MUST NOT
  basicConstraints: true, // 4.2.1.9 MUST in CA certificates
  keyUsage: true, // 4.2.1.3 SHOULD
  extKeyUsage: false,
  subjectAltName: false,
  certificatePolicies: false,
  policyMappings: true, // 4.2.1.5 SHOULD
  policyConstraints: true, // 4.2.1.11 MUST
  inhibitAnyPolicy: true, // 4.2.1.14 MUST
  nameConstraints: true, // 4.2.1.10 MUST
  crlDistributionPoints: false, // 4.2.1.13 SHOULD NOT
  freshestCrl: false, // 4.2.1.15 MUST NOT
  authorityInfoAccess: false, // 4.2.2.1 MUST NOT
  ocspNoCheck: false, // RFC 6960 4.2.2.2.1
  crlNumber: false, // 5.2.3 non-critical
  deltaCrlIndicator: true, // 5.2.4 critical
  issuingDistributionPoint: true, // 5.2.5 critical
  reasonCode: false, // 5.3.1 non-critical
  certificateIssuer: true, // 5.3.3 MUST
};

/** KeyUsage as OpenSSL names the bits (RFC 5280 4.2.1.3 order). */
const KEY_USAGE_DISPLAY: Record<string, string> = {
  "Digital Signature": "digitalSignature",
  "Non Repudiation": "nonRepudiation",
  "Key Encipherment": "keyEncipherment",
  "Data Encipherment": "dataEncipherment",
  "Key Agreement": "keyAgreement",
  "Certificate Sign": "keyCertSign",
  "CRL Sign": "cRLSign",
  "Encipher Only": "encipherOnly",
  "Decipher Only": "decipherOnly",
};

/** Extended key usages: OpenSSL's display names and the descriptions' names, to OIDs (RFC 5280 4.2.1.12). */
const EKU_DISPLAY: Record<string, string> = {
  "TLS Web Server Authentication": "1.3.6.1.5.5.7.3.1",
  "TLS Web Client Authentication": "1.3.6.1.5.5.7.3.2",
  "Code Signing": "1.3.6.1.5.5.7.3.3",
  "E-mail Protection": "1.3.6.1.5.5.7.3.4",
  "Time Stamping": "1.3.6.1.5.5.7.3.8",
  "OCSP Signing": "1.3.6.1.5.5.7.3.9",
  "Any Extended Key Usage": "2.5.29.37.0",
};
const EKU_NAMES: Record<string, string> = {
  serverAuth: "1.3.6.1.5.5.7.3.1",
  clientAuth: "1.3.6.1.5.5.7.3.2",
  codeSigning: "1.3.6.1.5.5.7.3.3",
  emailProtection: "1.3.6.1.5.5.7.3.4",
  timeStamping: "1.3.6.1.5.5.7.3.8",
  OCSPSigning: "1.3.6.1.5.5.7.3.9",
  any: "2.5.29.37.0",
  anyExtendedKeyUsage: "2.5.29.37.0",
};

const CRL_REASON_DISPLAY: Record<string, string> = {
  Unspecified: "unspecified",
  "Key Compromise": "keyCompromise",
  "CA Compromise": "cACompromise",
  "Affiliation Changed": "affiliationChanged",
  Superseded: "superseded",
  "Cessation Of Operation": "cessationOfOperation",
  "Certificate Hold": "certificateHold",
  "Remove From CRL": "removeFromCRL",
  "Privilege Withdrawn": "privilegeWithdrawn",
  "AA Compromise": "aACompromise",
};

function parseExtensions(lines: string[], headerIndent: number): Map<string, OpensslExtension> {
  const out = new Map<string, OpensslExtension>();
  let cur: OpensslExtension | undefined;
  const head = new RegExp(`^ {${headerIndent}}(\\S.*?):( critical)?\\s*$`);
  for (const l of lines) {
    const m = head.exec(l);
    if (m) {
      cur = { critical: m[2] !== undefined, lines: [] };
      out.set(DISPLAY_NAMES[m[1]!] ?? m[1]!, cur);
    } else if (cur && l.startsWith(" ".repeat(headerIndent + 1))) {
      cur.lines.push(l.trim());
    }
  }
  return out;
}

/** Section of `lines` after the line equal to `start` (trimmed) up to the first line indented less than `indent`. */
function section(lines: string[], start: string, indent: number): string[] {
  const i = lines.findIndex((l) => l.trim() === start);
  if (i === -1) return [];
  const out: string[] = [];
  for (const l of lines.slice(i + 1)) {
    if (l.trim() !== "" && l.length - l.trimStart().length < indent) break;
    out.push(l);
  }
  return out;
}

function parseObject(kind: "Certificate" | "CRL", text: string): OpensslObject {
  const lines = text.split("\n");
  if (kind === "Certificate") return { kind, extensions: parseExtensions(section(lines, "X509v3 extensions:", 12), 12), entries: [] };
  const entries: OpensslObject["entries"] = [];
  const rev = lines.findIndex((l) => l.startsWith("Revoked Certificates:"));
  if (rev !== -1) {
    let cur: { serial: string; lines: string[] } | undefined;
    const flush = () => cur && entries.push({ serial: cur.serial, extensions: parseExtensions(cur.lines, 12) });
    for (const l of lines.slice(rev + 1)) {
      const m = /^ {4}Serial Number: ([0-9A-F]+)\s*$/.exec(l);
      if (m) {
        flush();
        cur = { serial: m[1]!, lines: [] };
      } else if (/^ {4}Signature Algorithm/.test(l)) break;
      else cur?.lines.push(l);
    }
    flush();
  }
  return { kind, extensions: parseExtensions(section(lines, "CRL extensions:", 12), 12), entries };
}

/** Reads PEM objects (certificates and CRLs) with one `openssl storeutl -noout -text` run, in order. */
export function opensslRead(pems: readonly string[], bin = process.env["CERTPATH_OPENSSL"] ?? "openssl"): OpensslObject[] {
  if (pems.length === 0) return [];
  const dir = mkdtempSync(join(tmpdir(), "certpath-audit-"));
  try {
    const file = join(dir, "all.pem");
    writeFileSync(file, pems.join(""));
    const text = execFileSync(bin, ["storeutl", "-noout", "-text", file], { encoding: "utf8", maxBuffer: 1 << 30 });
    const parts = text.split(/^(\d+): (Certificate|CRL)$/m);
    const out: OpensslObject[] = [];
    for (let i = 1; i + 2 < parts.length + 1; i += 3) out.push(parseObject(parts[i + 1] as "Certificate" | "CRL", parts[i + 2] ?? ""));
    if (out.length !== pems.length) throw new Error(`openssl storeutl printed ${out.length} objects for ${pems.length} inputs`);
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const CA_KINDS = new Set(["root", "ca", "cross", "rollover"]);

/** What a certificate of `d` must carry: extension name -> [critical, value lines or undefined (presence only)]. */
function expectedCertificate(d: CertDecl): Map<string, { critical: boolean; value?: string[] }> {
  const want = new Map<string, { critical: boolean; value?: string[] }>();
  const put = (name: string, value?: string[]) => want.set(name, { critical: MUST_BE_CRITICAL[name]!, ...(value ? { value } : {}) });
  const ca = CA_KINDS.has(d.kind);
  if (d.subjectKeyId !== false) put("subjectKeyIdentifier");
  if (d.authorityKeyId !== false) put("authorityKeyIdentifier");
  if (ca) put("basicConstraints", [`CA:TRUE${d.pathLen !== undefined ? `, pathlen:${d.pathLen}` : ""}`]);
  // The description's keyUsage, or its kind's default (model.ts: CA kinds keyCertSign +
  // cRLSign, crl-signer cRLSign, others digitalSignature).
  const ku = d.keyUsage ?? (ca ? ["keyCertSign", "cRLSign"] : d.kind === "crl-signer" ? ["cRLSign"] : ["digitalSignature"]);
  const order = Object.values(KEY_USAGE_DISPLAY);
  const kuNames = [...new Set(ku.map((k) => (k === "contentCommitment" ? "nonRepudiation" : k)))].sort((a, b) => order.indexOf(a) - order.indexOf(b));
  put("keyUsage", [kuNames.join(",")]);
  const eku = d.extKeyUsage ?? (d.kind === "ocsp-responder" ? ["OCSPSigning"] : undefined);
  if (eku) put("extKeyUsage", [eku.map((e) => EKU_NAMES[e] ?? e).join(",")]);
  if (d.policies) put("certificatePolicies", [d.policies.join(",")]);
  if (d.policyMappings) put("policyMappings");
  if (d.policyConstraints) {
    const v: string[] = [];
    if (d.policyConstraints.requireExplicitPolicy !== undefined) v.push(`Require Explicit Policy:${d.policyConstraints.requireExplicitPolicy}`);
    if (d.policyConstraints.inhibitPolicyMapping !== undefined) v.push(`Inhibit Policy Mapping:${d.policyConstraints.inhibitPolicyMapping}`);
    put("policyConstraints", [v.join(", ")]);
  }
  if (d.inhibitAnyPolicy !== undefined) put("inhibitAnyPolicy", [String(d.inhibitAnyPolicy)]);
  if (d.nameConstraints) put("nameConstraints");
  if (d.subjectAltName) put("subjectAltName");
  if (d.aia) put("authorityInfoAccess");
  if (d.crlDistributionPoints) put("crlDistributionPoints");
  if (d.freshestCrl) put("freshestCrl");
  if (d.kind === "ocsp-responder") put("ocspNoCheck");
  return want;
}

/** OpenSSL's value lines of a certificate extension, normalised to what expectedCertificate writes. */
function certificateValue(name: string, e: OpensslExtension): string[] {
  switch (name) {
    case "basicConstraints":
      return [e.lines.join(" ")];
    case "keyUsage":
      return [
        e.lines
          .join(",")
          .split(",")
          .map((s) => KEY_USAGE_DISPLAY[s.trim()] ?? `?${s.trim()}`)
          .join(","),
      ];
    case "extKeyUsage":
      return [
        e.lines
          .join(",")
          .split(",")
          .map((s) => EKU_DISPLAY[s.trim()] ?? s.trim())
          .join(","),
      ];
    case "certificatePolicies":
      return [
        e.lines
          .map((l) => /^Policy: (.+)$/.exec(l)?.[1])
          .filter((p): p is string => p !== undefined)
          .map((p) => (p === "X509v3 Any Policy" ? "2.5.29.32.0" : p))
          .join(","),
      ];
    case "policyConstraints":
      return [e.lines.join(", ")];
    default:
      return e.lines;
  }
}

/** Problems of one object against its expectation (empty when it matches). */
function compare(where: string, got: Map<string, OpensslExtension>, want: Map<string, { critical: boolean; value?: string[] }>, value: (n: string, e: OpensslExtension) => string[]): string[] {
  const problems: string[] = [];
  for (const [name, w] of want) {
    const g = got.get(name);
    if (!g) {
      problems.push(`${where}: ${name}: missing`);
      continue;
    }
    if (g.critical !== w.critical) problems.push(`${where}: ${name}: critical ${g.critical}, want ${w.critical}`);
    if (w.value) {
      const v = value(name, g);
      if (JSON.stringify(v) !== JSON.stringify(w.value)) problems.push(`${where}: ${name}: value ${JSON.stringify(v)}, want ${JSON.stringify(w.value)}`);
    }
  }
  for (const name of got.keys()) if (!want.has(name)) problems.push(`${where}: ${name}: present, not in the description`);
  return problems;
}

function expectedCrl(d: CrlDecl): Map<string, { critical: boolean; value?: string[] }> {
  const want = new Map<string, { critical: boolean; value?: string[] }>();
  want.set("authorityKeyIdentifier", { critical: false });
  want.set("crlNumber", { critical: false, value: [String(d.crlNumber ?? 1)] });
  if (d.deltaBase !== undefined) want.set("deltaCrlIndicator", { critical: true, value: [String(d.deltaBase)] });
  if (d.issuingDistributionPoint) want.set("issuingDistributionPoint", { critical: true });
  if (d.freshestCrl) want.set("freshestCrl", { critical: false });
  return want;
}

/** The objects of a case in a fixed order, with how to check each. */
function objectsOf(g: GeneratedCase): { pem: string; check: (o: OpensslObject) => string[] }[] {
  const s = g.scenario;
  const out: { pem: string; check: (o: OpensslObject) => string[] }[] = [];
  for (const d of s.certs) {
    const c = g.certs.get(d.id)!;
    out.push({ pem: c.pem, check: (o) => compare(`${s.id}: certificate ${d.id}`, o.extensions, expectedCertificate(d), certificateValue) });
  }
  for (const d of s.crls ?? []) {
    out.push({
      pem: g.crls.get(d.id)!.pem!,
      check: (o) => {
        const where = `${s.id}: CRL ${d.id}`;
        const problems = compare(where, o.extensions, expectedCrl(d), (_n, e) => e.lines);
        const want = (d.entries ?? []).map((e) => ({
          serial: g.certs.get(e.cert)!.serial.toString(16),
          reason: e.reason ?? null,
          issuer: e.certificateIssuer !== undefined,
        }));
        const got = o.entries.map((e) => ({
          serial: BigInt(`0x${e.serial}`).toString(16),
          reason: e.extensions.has("reasonCode") ? (CRL_REASON_DISPLAY[e.extensions.get("reasonCode")!.lines[0] ?? ""] ?? "?") : null,
          issuer: e.extensions.has("certificateIssuer"),
        }));
        if (JSON.stringify(got) !== JSON.stringify(want)) problems.push(`${where}: entries ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
        for (const e of o.entries) {
          const r = e.extensions.get("reasonCode");
          if (r?.critical) problems.push(`${where}: entry ${e.serial}: reasonCode critical`);
          const ci = e.extensions.get("certificateIssuer");
          if (ci && !ci.critical) problems.push(`${where}: entry ${e.serial}: certificateIssuer not critical`);
        }
        return problems;
      },
    });
  }
  return out;
}

/** Audits many cases with one OpenSSL run; problems per case id (only cases with problems). */
export function opensslAudit(cases: readonly GeneratedCase[]): Map<string, string[]> {
  const all = cases.flatMap((g) => objectsOf(g).map((o) => ({ ...o, id: g.scenario.id })));
  const read = opensslRead(all.map((o) => o.pem));
  const out = new Map<string, string[]>();
  all.forEach((o, i) => {
    const p = o.check(read[i]!);
    if (p.length) out.set(o.id, [...(out.get(o.id) ?? []), ...p]);
  });
  return out;
}
