// A certificate's fields as text for the graph (what the HTML side panel shows).
import { createHash } from "node:crypto";
import { KU, type Certificate } from "../parsing/certificate.js";
import { generalNameText } from "../parsing/name.js";
import { EKU_BY_NAME } from "../parsing/oids.js";
import type { GraphCertificate } from "./types.js";

const spkiHashes = new WeakMap<Uint8Array, string>();

/** SHA-256 (hex) of a SubjectPublicKeyInfo, once per SPKI object. */
export function spkiSha256(spki: Uint8Array): string {
  let h = spkiHashes.get(spki);
  if (h === undefined) {
    h = createHash("sha256").update(spki).digest("hex");
    spkiHashes.set(spki, h);
  }
  return h;
}

const EKU_NAMES = new Map(Object.entries(EKU_BY_NAME).map(([n, oid]) => [oid, n]));
const KU_NAMES = Object.entries(KU) as [string, number][];
const KEY_ALGS: Record<string, string> = {
  "1.2.840.113549.1.1.1": "RSA",
  "1.2.840.113549.1.1.10": "RSASSA-PSS",
  "1.2.840.10040.4.1": "DSA",
  "1.2.840.10045.2.1": "EC",
  "1.3.101.112": "Ed25519",
  "1.3.101.113": "Ed448",
};

const SIG_ALGS: Record<string, string> = {
  "1.2.840.113549.1.1.5": "sha1WithRSAEncryption",
  "1.2.840.113549.1.1.11": "sha256WithRSAEncryption",
  "1.2.840.113549.1.1.12": "sha384WithRSAEncryption",
  "1.2.840.113549.1.1.13": "sha512WithRSAEncryption",
  "1.2.840.113549.1.1.10": "RSASSA-PSS",
  "1.2.840.10045.4.3.2": "ecdsa-with-SHA256",
  "1.2.840.10045.4.3.3": "ecdsa-with-SHA384",
  "1.2.840.10045.4.3.4": "ecdsa-with-SHA512",
  "1.2.840.10040.4.3": "dsa-with-SHA1",
  "2.16.840.1.101.3.4.3.2": "dsa-with-SHA256",
  "1.3.101.112": "Ed25519",
  "1.3.101.113": "Ed448",
};

export function certificateFields(c: Certificate): GraphCertificate {
  const out: GraphCertificate = {
    sha256: c.sha256,
    der: Buffer.from(c.der).toString("base64"),
    subject: c.subject.text,
    issuer: c.issuer.text,
    serial: c.serial,
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    keyAlgorithm: KEY_ALGS[c.publicKey.algorithm.oid] ?? c.publicKey.algorithm.oid,
    keyBits: c.publicKey.bits,
    signatureAlgorithm: SIG_ALGS[c.signatureAlgorithm.oid] ?? c.signatureAlgorithm.oid,
  };
  if (c.subjectKeyId) out.subjectKeyId = c.subjectKeyId;
  if (c.authorityKeyId?.keyId) out.authorityKeyId = c.authorityKeyId.keyId;
  if (c.basicConstraints) out.basicConstraints = { ...c.basicConstraints };
  if (c.keyUsage !== undefined) out.keyUsage = KU_NAMES.filter(([, bit]) => c.keyUsage! & (1 << bit)).map(([n]) => n);
  if (c.extKeyUsage) out.extKeyUsage = c.extKeyUsage.map((o) => EKU_NAMES.get(o) ?? o);
  if (c.policies) out.policies = c.policies.map((p) => p.policy);
  if (c.policyMappings) out.policyMappings = c.policyMappings.map((m) => `${m.issuerDomainPolicy} -> ${m.subjectDomainPolicy}`);
  if (c.policyConstraints) out.policyConstraints = { ...c.policyConstraints };
  if (c.inhibitAnyPolicy !== undefined) out.inhibitAnyPolicy = c.inhibitAnyPolicy;
  if (c.nameConstraints) {
    const nc: NonNullable<GraphCertificate["nameConstraints"]> = {};
    if (c.nameConstraints.permitted) nc.permitted = c.nameConstraints.permitted.map((s) => generalNameText(s.base));
    if (c.nameConstraints.excluded) nc.excluded = c.nameConstraints.excluded.map((s) => generalNameText(s.base));
    out.nameConstraints = nc;
  }
  if (c.subjectAltName) out.subjectAltName = c.subjectAltName.map(generalNameText);
  return out;
}
