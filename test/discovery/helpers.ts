// Shared helpers of the path-discovery tests: a reference time, PKI factories,
// a `verify` wrapper over generated entities, name conversion between the
// generator's RFC 4514 order and certpath's printed X.500 order, a certs-only CMS
// (.p7c) builder and an issuer source that cannot list its certificates.
import { expect } from "vitest";
import { AsnConvert } from "@peculiar/asn1-schema";
import { Certificate as AsnCertificate } from "@peculiar/asn1-x509";
import {
  CertificateChoices,
  CertificateSet,
  ContentInfo,
  EncapsulatedContentInfo,
  SignedData,
  SignerInfos,
  DigestAlgorithmIdentifiers,
  id_data,
  id_signedData,
} from "@peculiar/asn1-cms";
import { verify, type ErrorCode, type VerifyOptions, type VerifyResult } from "../../src/index.js";
import { TestPki, type Entity, type TestPkiOptions } from "../../testsuite/src/generate/pki.js";
import { parseCertificate, type Certificate } from "../../src/parsing/certificate.js";
import type { DistinguishedName } from "../../src/parsing/name.js";
import type { IssuerSource } from "../../src/stores/issuer-source.js";

export const NOW = new Date("2025-01-01T00:00:00Z");

/** Policy OIDs used across the files (an arc reserved for examples). */
export const OIDS = {
  P1: "2.16.840.1.101.3.2.1.48.1",
  P2: "2.16.840.1.101.3.2.1.48.2",
  P3: "2.16.840.1.101.3.2.1.48.3",
  PB: "2.16.840.1.101.3.2.1.48.100",
  PB1: "2.16.840.1.101.3.2.1.48.101",
  PB2: "2.16.840.1.101.3.2.1.48.102",
} as const;

export function pki(seed: string, opts: TestPkiOptions = {}): TestPki {
  return new TestPki({ now: NOW, seed, ...opts });
}

/** "CN=Sub CA,O=Dom1,C=US" (generator, RFC 4514 order) -> "C=US, O=Dom1, CN=Sub CA" (certpath's printed order). */
export function dn(name: string): string {
  return name
    .split(",")
    .map((s) => s.trim())
    .reverse()
    .join(", ");
}

export interface Run {
  intermediates?: (Entity | Uint8Array)[];
  anchors: (Entity | VerifyOptions["trustAnchors"][number])[];
  options?: Partial<VerifyOptions>;
}

const der = (x: Entity | Uint8Array) => (x instanceof Uint8Array ? x : x.der);

/** `verify` over generated entities at NOW (unless `options.time` says otherwise). */
export function run(target: Entity, r: Run): Promise<VerifyResult> {
  return verify({
    target: target.der,
    intermediates: (r.intermediates ?? []).map(der),
    trustAnchors: r.anchors.map((a) => (typeof a === "object" && a !== null && "der" in a && "key" in a ? (a as Entity).der : (a as VerifyOptions["trustAnchors"][number]))),
    time: NOW,
    ...r.options,
  });
}

/** `run`, timed with performance.now(). */
export async function timed(target: Entity, r: Run): Promise<{ result: VerifyResult; ms: number }> {
  const t0 = performance.now();
  const result = await run(target, r);
  return { result, ms: performance.now() - t0 };
}

export function expectValid(r: VerifyResult): void {
  expect(r.error, r.error ? `${r.error.code}: ${r.error.message}` : "").toBeUndefined();
  expect(r.valid).toBe(true);
}

export function expectCode(r: VerifyResult, code: ErrorCode): void {
  expect(r.valid).toBe(false);
  expect(r.error, "an error is reported").toBeDefined();
  expect(`${r.error!.code}: ${r.error!.message}`).toMatch(new RegExp(`^${code}: `));
}

/** The path as certpath prints subjects, target first, anchor last. */
export function subjects(r: VerifyResult): string[] {
  return r.path.map((p) => p.subject);
}

/** Expects the exact certificates of the path (anchor included, as DER; `undefined` skips a comparison). */
export function expectPathDers(r: VerifyResult, ders: (Uint8Array | undefined)[]): void {
  expect(r.path.length, `path ${subjects(r).join(" <- ")}`).toBe(ders.length);
  ders.forEach((d, i) => {
    if (d) expect(Buffer.from(r.path[i]!.der).equals(Buffer.from(d)), `path[${i}] (${r.path[i]!.subject}) is the expected certificate`).toBe(true);
  });
}

/** A certs-only CMS SignedData (RFC 5652 5.1, the ".p7c" of RFC 5280 4.2.2.1), DER. */
export function p7c(certs: (Entity | Uint8Array)[]): Uint8Array {
  const sd = new SignedData({
    version: 1,
    digestAlgorithms: new DigestAlgorithmIdentifiers([]),
    encapContentInfo: new EncapsulatedContentInfo({ eContentType: id_data }),
    certificates: new CertificateSet(certs.map((c) => new CertificateChoices({ certificate: AsnConvert.parse(der(c), AsnCertificate) }))),
    signerInfos: new SignerInfos([]),
  });
  const ci = new ContentInfo({ contentType: id_signedData, content: AsnConvert.serialize(sd) });
  const out = new Uint8Array(AsnConvert.serialize(ci));
  // The certificates must survive the round trip byte for byte (their signatures cover them).
  const hay = Buffer.from(out);
  for (const c of certs) if (hay.indexOf(Buffer.from(der(c))) < 0) throw new Error("p7c: a certificate was re-encoded");
  return out;
}

/**
 * An issuer source that answers findBySubject but cannot list its certificates
 * (like a directory queried by name): the builder cannot prune by name reachability
 * and must walk dead ends and loops itself.
 */
export class OpaqueSource implements IssuerSource {
  private readonly certs: Certificate[];
  lookups = 0;
  constructor(certs: (Entity | Uint8Array)[]) {
    this.certs = certs.map((c, i) => parseCertificate(der(c), `opaque[${i}]`));
  }
  findBySubject(name: DistinguishedName): readonly Certificate[] {
    this.lookups++;
    return this.certs.filter((c) => c.subject.key === name.key);
  }
}
