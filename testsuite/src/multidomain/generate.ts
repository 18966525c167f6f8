// A Scenario (./model.ts) into bytes: certificates, CRLs and OCSP responses, through the
// test-PKI generator (testsuite/src/generate). Deterministic: Ed25519/Ed448 keys are derived from
// "multidomain|<name>|<keySeed>" (and cached per seed in-process by generateKey), their
// signatures are deterministic, serial numbers are digests of the certificate contents,
// and the bag is shuffled with a seed derived from the case id. The same description
// therefore yields byte-identical output, in this process or another.
import { createHash } from "node:crypto";
import {
  issueCertificate,
  issueCrl,
  generateKey,
  fabricateRsaPublicKey,
  keyIdentifier,
  signer,
  encodeName,
  toPem,
  type ExtensionsSpec,
  type KeyPair,
  type KeyUsageName,
  type StringEncoding,
  type CrlEntrySpec,
  CRL_REASONS,
} from "../generate/pki.js";
import { bitString, contentOf, explicit, generalizedTime, integer, nullValue, octets, oid, seq, tlv } from "../generate/der.js";
import { tlvs } from "../generate/keys.js";
import { parseCertificate } from "certpath";
import { shuffleDeterministic } from "../pkits.js";
import type { VerifyOptions } from "certpath";
import { caseSettings, type CertDecl, type CertKind, type CrlDecl, type EntityDecl, type OcspDecl, type RelTime, type Scenario } from "./model.js";

const DAY = 86_400_000;

export interface GeneratedCert {
  readonly id: string;
  readonly decl: CertDecl;
  readonly der: Uint8Array;
  readonly pem: string;
  readonly serial: bigint;
  /** The subject and issuer Names as written, DER. */
  readonly subjectDer: Uint8Array;
  readonly issuerDer: Uint8Array;
}

export interface GeneratedBlob {
  readonly id: string;
  readonly der: Uint8Array;
  readonly pem?: string;
}

export interface GeneratedCase {
  readonly scenario: Scenario;
  readonly certs: ReadonlyMap<string, GeneratedCert>;
  readonly crls: ReadonlyMap<string, GeneratedBlob>;
  readonly ocsp: ReadonlyMap<string, GeneratedBlob>;
  /** The bag's certificate ids in the order handed to `verify` (deterministically shuffled). */
  readonly bagOrder: readonly string[];
  readonly validationTime: Date;
}

/** A positive 31-bit seed from a string (FNV-1a), for the deterministic shuffle. */
export function seedOf(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return (h & 0x7fffffff) || 1;
}

/** The key of an entity: derived from its name and seed (cached per seed by generateKey). */
export function entityKey(e: EntityDecl): KeyPair {
  const seed = `multidomain|${e.name}|${e.keySeed ?? ""}`;
  if (e.fabricatedRsaBits) return fabricateRsaPublicKey(e.fabricatedRsaBits, seed);
  return generateKey(e.keyAlg ?? "ed25519", seed);
}

const DEFAULT_VALIDITY: Record<CertKind, [number, number]> = {
  root: [-365, 3650],
  ca: [-180, 1825],
  cross: [-180, 1825],
  rollover: [-180, 1825],
  ee: [-30, 365],
  "crl-signer": [-30, 365],
  "ocsp-responder": [-30, 365],
};

const CA_KINDS = new Set<CertKind>(["root", "ca", "cross", "rollover"]);

export function isCaKind(k: CertKind): boolean {
  return CA_KINDS.has(k);
}

/** The keyUsage a certificate of `decl` carries (its own, or the kind's default). */
export function effectiveKeyUsage(decl: CertDecl): KeyUsageName[] {
  if (decl.keyUsage) return decl.keyUsage;
  if (isCaKind(decl.kind)) return ["keyCertSign", "cRLSign"];
  if (decl.kind === "crl-signer") return ["cRLSign"];
  return ["digitalSignature"];
}

/** The extKeyUsage a certificate of `decl` carries, if any. */
export function effectiveExtKeyUsage(decl: CertDecl): string[] | undefined {
  return decl.extKeyUsage ?? (decl.kind === "ocsp-responder" ? ["OCSPSigning"] : undefined);
}

export function relTime(ref: Date, t: RelTime): Date {
  return typeof t === "string" ? new Date(t) : new Date(ref.getTime() + Math.round(t * DAY));
}

function extensionsOf(d: CertDecl): ExtensionsSpec {
  const x: ExtensionsSpec = {};
  if (isCaKind(d.kind)) x.basicConstraints = { cA: true, ...(d.pathLen !== undefined ? { pathLen: d.pathLen } : {}) };
  x.keyUsage = effectiveKeyUsage(d);
  const eku = effectiveExtKeyUsage(d);
  if (eku) x.extKeyUsage = eku;
  if (d.policies) x.certificatePolicies = d.policies;
  if (d.policyMappings) x.policyMappings = d.policyMappings;
  if (d.policyConstraints) x.policyConstraints = d.policyConstraints;
  if (d.inhibitAnyPolicy !== undefined) x.inhibitAnyPolicy = d.inhibitAnyPolicy;
  if (d.nameConstraints) x.nameConstraints = d.nameConstraints;
  if (d.subjectAltName) x.subjectAltName = d.subjectAltName;
  if (d.aia) x.authorityInfoAccess = d.aia;
  if (d.crlDistributionPoints) x.crlDistributionPoints = d.crlDistributionPoints;
  if (d.freshestCrl) x.freshestCrl = d.freshestCrl;
  if (d.authorityKeyId !== undefined) x.authorityKeyIdentifier = d.authorityKeyId;
  if (d.subjectKeyId !== undefined) x.subjectKeyIdentifier = d.subjectKeyId;
  if (d.kind === "ocsp-responder") x.ocspNoCheck = true;
  return x;
}

/**
 * Rewrites the validity of a signed certificate with GeneralizedTime for both dates and
 * signs the new TBS again (the generator writes RFC 5280 4.1.2.5 encodings only).
 */
function withGeneralizedValidity(tbs: Uint8Array, notBefore: Date, notAfter: Date, issuerKey: KeyPair): Uint8Array {
  const parts = tlvs(contentOf(tbs));
  const hasVersion = parts[0]![0] === 0xa0;
  const idx = hasVersion ? 4 : 3;
  parts[idx] = seq(generalizedTime(notBefore), generalizedTime(notAfter));
  const newTbs = seq(...parts);
  const s = signer(issuerKey);
  return seq(newTbs, s.algorithmId, bitString(s.sign(newTbs)));
}

/** The subjectPublicKey BIT STRING contents without the unused-bits octet (what CertID hashes). */
function keyHashSha1(spki: Uint8Array): Uint8Array {
  return keyIdentifier(spki);
}

function ocspResponse(o: OcspDecl, ref: Date, certs: Map<string, GeneratedCert>, ents: Map<string, EntityDecl>): Uint8Array {
  const cert = certs.get(o.cert)!;
  const issuerEntity = ents.get(cert.decl.issuer)!;
  const signerEntity = ents.get(o.signer)!;
  const signerKey = entityKey(signerEntity);
  const t = (x: RelTime) => relTime(ref, x);
  const certId = seq(
    seq(oid("1.3.14.3.2.26"), nullValue()),
    octets(new Uint8Array(createHash("sha1").update(cert.issuerDer).digest())),
    octets(keyHashSha1(entityKey(issuerEntity).spki)),
    integer(cert.serial),
  );
  let status: Uint8Array;
  if (o.status === "good") status = Uint8Array.of(0x80, 0x00);
  else if (o.status === "unknown") status = Uint8Array.of(0x82, 0x00);
  else
    status = tlv(
      0xa1,
      generalizedTime(t(o.revokedAt ?? -1)),
      ...(o.reason ? [explicit(0, tlv(0x0a, Uint8Array.of(CRL_REASONS[o.reason])))] : []),
    );
  const nextUpdate = o.nextUpdate === null ? undefined : t(o.nextUpdate ?? 3.5);
  const single = seq(certId, status, generalizedTime(t(o.thisUpdate ?? -0.5)), ...(nextUpdate ? [explicit(0, generalizedTime(nextUpdate))] : []));
  const tbs = seq(explicit(2, octets(keyHashSha1(signerKey.spki))), generalizedTime(t(o.producedAt ?? o.thisUpdate ?? -0.5)), seq(single));
  const sg = signer(signerKey);
  const included = (o.include ?? []).map((id) => certs.get(id)!.der);
  const basic = seq(tbs, sg.algorithmId, bitString(sg.sign(tbs)), ...(included.length ? [explicit(0, seq(...included))] : []));
  return seq(tlv(0x0a, Uint8Array.of(0)), explicit(0, seq(oid("1.3.6.1.5.5.7.48.1.1"), octets(basic))));
}

function crlBytes(c: CrlDecl, ref: Date, certs: Map<string, GeneratedCert>, ents: Map<string, EntityDecl>): Uint8Array {
  const issuer = ents.get(c.issuer)!;
  const key = entityKey(ents.get(c.signer ?? c.issuer)!);
  const t = (x: RelTime) => relTime(ref, x);
  const entries: CrlEntrySpec[] = (c.entries ?? []).map((e) => {
    const ci = e.certificateIssuer ? ents.get(e.certificateIssuer)! : undefined;
    return {
      serial: certs.get(e.cert)!.serial,
      revocationDate: t(e.date ?? -1),
      ...(e.reason ? { reason: e.reason } : {}),
      ...(ci ? { certificateIssuer: [`dn:${ci.name}`] } : {}),
    };
  });
  return issueCrl({
    issuer: { name: issuer.name, key, nameDer: encodeName(issuer.name, issuer.stringEncoding) },
    thisUpdate: t(c.thisUpdate ?? -1),
    ...(c.nextUpdate === null ? {} : { nextUpdate: t(c.nextUpdate ?? 7) }),
    crlNumber: c.crlNumber ?? 1,
    ...(c.deltaBase !== undefined ? { deltaBase: c.deltaBase } : {}),
    entries,
    ...(c.issuingDistributionPoint ? { issuingDistributionPoint: c.issuingDistributionPoint } : {}),
    ...(c.freshestCrl ? { freshestCrl: c.freshestCrl } : {}),
  }).der;
}

/**
 * Certificates already issued in this process, by everything that determines their bytes
 * (the declaration, both entities and the reference time): scenarios that share a PKI
 * (the dense mesh, the candidate flood) sign each certificate once.
 */
const issuedCache = new Map<string, GeneratedCert>();

function certBytes(d: CertDecl, ref: Date, ents: Map<string, EntityDecl>, useCache: boolean): GeneratedCert {
  const cacheKey = useCache ? JSON.stringify([d, ents.get(d.subject), ents.get(d.issuer), ref.toISOString()]) : "";
  const hit = useCache ? issuedCache.get(cacheKey) : undefined;
  if (hit) return hit;
  const out = certBytesUncached(d, ref, ents);
  if (useCache) issuedCache.set(cacheKey, out);
  return out;
}

function certBytesUncached(d: CertDecl, ref: Date, ents: Map<string, EntityDecl>): GeneratedCert {
  const subj = ents.get(d.subject)!;
  const iss = ents.get(d.issuer)!;
  const subjectEnc: StringEncoding | undefined = d.stringEncoding ?? subj.stringEncoding;
  const subjectDer = encodeName(subj.name, subjectEnc);
  const issuerDer = d.issuerName !== undefined ? encodeName(d.issuerName, d.issuerStringEncoding ?? subjectEnc) : encodeName(iss.name, iss.stringEncoding);
  const issuerKey = entityKey(iss);
  const [nb, na] = DEFAULT_VALIDITY[d.kind];
  const notBefore = relTime(ref, d.notBefore ?? nb);
  const notAfter = relTime(ref, d.notAfter ?? na);
  const issued = issueCertificate({
    subject: subjectDer,
    issuer: { name: issuerDer, key: issuerKey, nameDer: issuerDer },
    subjectKey: entityKey(subj),
    notBefore,
    notAfter,
    extensions: extensionsOf(d),
  });
  const der = d.timeEncoding === "generalized" ? withGeneralizedValidity(issued.tbs, notBefore, notAfter, issuerKey) : issued.der;
  return { id: d.id, decl: d, der, pem: toPem(der, "CERTIFICATE"), serial: issued.serial, subjectDer, issuerDer };
}

export interface GenerateOptions {
  /**
   * Reuse certificates this process already issued from the same declaration, entities
   * and reference time (default true). false signs everything afresh (determinism checks).
   */
  cache?: boolean;
}

/** Generates every certificate, CRL and OCSP response of `s`. */
export function generateScenario(s: Scenario, opts: GenerateOptions = {}): GeneratedCase {
  const ref = new Date(s.referenceTime);
  const ents = new Map(s.entities.map((e) => [e.id, e]));
  const certs = new Map<string, GeneratedCert>();
  for (const d of s.certs) certs.set(d.id, certBytes(d, ref, ents, opts.cache ?? true));
  const crls = new Map<string, GeneratedBlob>();
  for (const c of s.crls ?? []) {
    const der = crlBytes(c, ref, certs, ents);
    crls.set(c.id, { id: c.id, der, pem: toPem(der, "X509 CRL") });
  }
  const ocsp = new Map<string, GeneratedBlob>();
  for (const o of s.ocsp ?? []) ocsp.set(o.id, { id: o.id, der: ocspResponse(o, ref, certs, ents) });
  const bagOrder = shuffleDeterministic(s.case.bag, seedOf(s.id));
  return { scenario: s, certs, crls, ocsp, bagOrder, validationTime: ref };
}

/** The `verify` options of a generated case (fresh copies of every input). */
export function verifyOptionsOf(g: GeneratedCase): VerifyOptions {
  const k = g.scenario.case;
  const settings = caseSettings(g.scenario);
  const mode = k.revocation ?? "none";
  return {
    target: g.certs.get(k.target)!.der.slice(),
    intermediates: g.bagOrder.map((id) => g.certs.get(id)!.der.slice()),
    trustAnchors: k.anchors.map((id) => g.certs.get(id)!.der.slice()),
    time: new Date(g.validationTime),
    policy: { ...settings },
    revocation: {
      mode,
      crls: (k.crls ?? []).map((id) => g.crls.get(id)!.der.slice()),
      ocspResponses: (k.ocsp ?? []).map((id) => g.ocsp.get(id)!.der.slice()),
    },
    ...(k.limits ? { limits: { ...k.limits } } : {}),
  };
}

/** certpath's rendering of a certificate's subject (what `verify` reports in `path`). */
export function subjectText(c: GeneratedCert): string {
  return parseCertificate(c.der, c.id).subject.text;
}

/** Subjects (as certpath renders them) of certificate ids, e.g. an expected path. */
export function subjectsOf(g: GeneratedCase, ids: readonly string[]): string[] {
  return ids.map((id) => subjectText(g.certs.get(id)!));
}

/** Certificate id by DER (hex), to name the certificates of a returned path. */
export function idsByDer(g: GeneratedCase): Map<string, string> {
  const m = new Map<string, string>();
  for (const c of g.certs.values()) m.set(Buffer.from(c.der).toString("hex"), c.id);
  return m;
}
