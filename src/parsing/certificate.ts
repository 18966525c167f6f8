// X.509 certificates (RFC 5280 4.1) into an immutable model. Later layers read fields,
// never bytes. What path building and every validation step need (names, key, validity,
// basicConstraints, keyUsage, key identifiers, policyConstraints, inhibitAnyPolicy) is
// decoded at parse time; policies, mappings, name constraints, alternative names, EKU,
// CRL distribution points and information access are checked for shape at parse time and
// decoded on first use, once (a bag certificate off the path never needs them). A
// malformed extension still fails the parse, with its decoder's message (decodeExtensions).
import { AsnConvert } from "@peculiar/asn1-schema";
import {
  AlgorithmIdentifier,
  Time,
  ExtendedKeyUsage,
  CertificatePolicies,
  PolicyMappings,
  PolicyConstraints,
  InhibitAnyPolicy,
  IssueAlternativeName,
  AuthorityKeyIdentifier as AsnAki,
  CRLDistributionPoints,
  FreshestCRL,
  AuthorityInfoAccessSyntax,
  SubjectInfoAccessSyntax,
  DistributionPoint as AsnDistributionPoint,
  DistributionPointName as AsnDistributionPointName,
  SubjectPublicKeyInfo,
  GeneralName as AsnGeneralName,
} from "@peculiar/asn1-x509";
import { OID } from "./oids.js";
import { generalNameAt, nameConstraintsAt } from "./general-name.js";
import { MalformedError, type MalformedCode } from "./errors.js";
import {
  DerReader,
  bytesToHex,
  checkDer,
  checkOuterSequence,
  checkSignedStructure,
  derAlgorithm,
  derBytes,
  derChildren,
  derElement,
  derOid,
  derSpki,
  derTime,
  inputToDers,
  integerHex,
  smallIntFromContents,
  type DerElement,
} from "./der.js";
import { ParseCache, sha256Of } from "./cache.js";
import { WorkLimitError } from "./deadline.js";
import {
  dnFromAsn,
  dnFromDerElement,
  generalNameFromAsn,
  type DistinguishedName,
  type GeneralName,
} from "./name.js";

export interface AlgorithmId {
  readonly oid: string;
  /** DER of the parameters, absent when omitted. An explicit NULL is `0500`. */
  readonly params?: Uint8Array;
}

export interface SubjectPublicKey {
  readonly algorithm: AlgorithmId;
  /** The whole SubjectPublicKeyInfo, DER. */
  readonly spki: Uint8Array;
  /** The subjectPublicKey BIT STRING contents. */
  readonly keyBytes: Uint8Array;
  /** Key size in bits where meaningful (RSA modulus, DSA p, EC field), else 0. */
  readonly bits: number;
  /** RSA keys: the public exponent's size in bits (the verifier caps it). */
  readonly rsaExponentBits?: number;
  /**
   * Why the key octets are not a key of the algorithm (RSA, EC and EdDSA keys are checked
   * for structure only), absent when they are or the algorithm is not checked.
   */
  readonly malformed?: string;
}

export interface GeneralSubtree {
  readonly base: GeneralName;
  readonly minimum: number;
  readonly maximum?: number;
}

export interface NameConstraints {
  readonly permitted?: readonly GeneralSubtree[];
  readonly excluded?: readonly GeneralSubtree[];
}

export interface PolicyInfo {
  readonly policy: string;
  readonly qualifiers: readonly string[];
}

export interface PolicyMapping {
  readonly issuerDomainPolicy: string;
  readonly subjectDomainPolicy: string;
}

export interface DistributionPointName {
  readonly fullName?: readonly GeneralName[];
  /** nameRelativeToCRLIssuer, already appended to the CRL issuer's name where it is known. */
  readonly relativeName?: readonly { type: string; text: string; norm: string }[];
}

/** Reason flags as a bit mask, bit i = ReasonFlags bit i of RFC 5280 4.2.1.13 (bit 0 unused). */
export type ReasonMask = number;
export const ALL_REASONS: ReasonMask = 0x1fe; // bits 1..8

export interface DistributionPoint {
  readonly name?: DistributionPointName;
  readonly reasons?: ReasonMask;
  readonly crlIssuer?: readonly GeneralName[];
}

export interface AccessDescription {
  readonly method: string;
  readonly location: GeneralName;
}

export interface AuthorityKeyId {
  readonly keyId?: string;
  readonly issuer?: readonly GeneralName[];
  readonly serial?: string;
}

export interface ExtensionInfo {
  readonly oid: string;
  readonly critical: boolean;
}

/** KeyUsage bits, RFC 5280 4.2.1.3, numbered as in the ASN.1 (bit 0 = digitalSignature). */
export const KU = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
  encipherOnly: 7,
  decipherOnly: 8,
} as const;

/** What every signed object (certificate, CRL, OCSP response) carries for its signature. */
export interface SignedFields {
  /** The signed bytes (tbsCertificate, tbsCertList, tbsResponseData), exactly as received. */
  readonly tbs: Uint8Array;
  readonly signatureAlgorithm: AlgorithmId;
  readonly signature: Uint8Array;
  /** The signature BIT STRING's unused-bits count; every supported scheme needs 0. */
  readonly signatureUnusedBits?: number;
}

/** A DER object as received, with its SHA-256 (hex) and the inner signature algorithm field. */
export interface SignedDocument extends SignedFields {
  readonly der: Uint8Array;
  readonly sha256: string;
  /** The algorithm inside the signed part, which RFC 5280 4.1.1.2 / 5.1.1.2 require to equal the outer one. */
  readonly tbsSignatureAlgorithm: AlgorithmId;
  readonly version: number;
}

/** The two encodings of Time (RFC 5280 4.1.2.5, 5.1.2.4). */
export type TimeEncoding = "UTCTime" | "GeneralizedTime";
/** The encoding a DER Time element's tag says (UTCTime is tag 23, GeneralizedTime 24). */
export const timeEncodingOf = (tag: number): TimeEncoding => (tag === 0x17 ? "UTCTime" : "GeneralizedTime");

/**
 * A parsed certificate. Some fields are getters (decoded on first use): read them as
 * fields; a spread (`{ ...cert }`) copies only the eagerly decoded ones.
 */
export interface Certificate extends SignedDocument {
  /** Serial number as lowercase hex of its value (sign kept as a leading '-'), compared as a string. */
  readonly serial: string;
  /** Content octets of the serialNumber INTEGER (RFC 5280 4.1.2.2: conforming CAs use at most 20). */
  readonly serialOctets: number;
  readonly issuer: DistinguishedName;
  readonly subject: DistinguishedName;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** How notBefore and notAfter were encoded (RFC 5280 4.1.2.5). */
  readonly validityEncoding: { readonly notBefore: TimeEncoding; readonly notAfter: TimeEncoding };
  /**
   * Both times are written YYMMDDHHMMSSZ (UTCTime) or YYYYMMDDHHMMSSZ (GeneralizedTime): Zulu,
   * seconds present, no fractional seconds (RFC 5280 4.1.2.5.1, 4.1.2.5.2).
   */
  readonly validityWholeSeconds: boolean;
  /** issuerUniqueID or subjectUniqueID is present (RFC 5280 4.1.2.8: conforming CAs MUST NOT generate them). */
  readonly uniqueIdentifiers: boolean;
  readonly publicKey: SubjectPublicKey;
  readonly extensions: readonly ExtensionInfo[];
  readonly basicConstraints?: { readonly cA: boolean; readonly pathLen?: number };
  /** Bit mask over KU bit numbers; undefined when the extension is absent. */
  readonly keyUsage?: number;
  readonly extKeyUsage?: readonly string[];
  readonly policies?: readonly PolicyInfo[];
  readonly policyMappings?: readonly PolicyMapping[];
  readonly policyConstraints?: { readonly requireExplicitPolicy?: number; readonly inhibitPolicyMapping?: number };
  readonly inhibitAnyPolicy?: number;
  readonly nameConstraints?: NameConstraints;
  readonly subjectAltName?: readonly GeneralName[];
  readonly issuerAltName?: readonly GeneralName[];
  readonly subjectKeyId?: string;
  readonly authorityKeyId?: AuthorityKeyId;
  readonly crlDistributionPoints?: readonly DistributionPoint[];
  readonly freshestCrl?: readonly DistributionPoint[];
  readonly authorityInfoAccess?: readonly AccessDescription[];
  readonly subjectInfoAccess?: readonly AccessDescription[];
  readonly ocspNoCheck: boolean;
  /** Critical extensions this library does not process (RFC 5280 4.2). */
  readonly unknownCriticalExtensions: readonly string[];
  /** Subject and issuer names are equal (RFC 5280 6.1: self-issued). */
  readonly selfIssued: boolean;
}

/** Same OID and byte-identical parameters (RFC 5280 4.1.1.2, 5.1.1.2: the two fields must match). */
export function sameAlgorithm(a: AlgorithmId, b: AlgorithmId): boolean {
  if (a.oid !== b.oid) return false;
  // Compared in place (a copy and a hex string per side were ~4% of a new target's call).
  const pa = a.params ?? NO_PARAMS;
  const pb = b.params ?? NO_PARAMS;
  if (pa.length !== pb.length) return false;
  for (let i = 0; i < pa.length; i++) if (pa[i] !== pb[i]) return false;
  return true;
}
const NO_PARAMS = new Uint8Array(0);

export function algorithmId(a: { algorithm: string; parameters?: ArrayBuffer | null }): AlgorithmId {
  if (a.parameters === undefined) return Object.freeze({ oid: a.algorithm });
  if (a.parameters === null) return Object.freeze({ oid: a.algorithm, params: new Uint8Array([0x05, 0x00]) });
  return Object.freeze({ oid: a.algorithm, params: new Uint8Array(a.parameters) });
}

/** Converts peculiar's BitString (KeyUsage, ReasonFlags) to a mask where bit i is ASN.1 bit i. */
export function bitStringMask(bs: { value: ArrayBuffer }): number {
  return bitMask(new Uint8Array(bs.value));
}

/** The named bits of BIT STRING contents (the unused-bits octet excluded) as a mask, bit i = ASN.1 bit i. */
function bitMask(bytes: Uint8Array): number {
  let mask = 0;
  for (let i = 0; i < bytes.length && i < 4; i++) {
    for (let b = 0; b < 8; b++) {
      if (bytes[i]! & (0x80 >> b)) mask |= 1 << (i * 8 + b);
    }
  }
  return mask;
}

/** Size in bits of a big-endian unsigned magnitude, leading zero octets ignored. */
function magnitudeBits(m: Uint8Array): number {
  let i = 0;
  while (i < m.length && m[i] === 0) i++;
  return i === m.length ? 0 : (m.length - i - 1) * 8 + (32 - Math.clz32(m[i]!));
}

/**
 * Key size in bits where it means something (RSA modulus, EC point, EdDSA), else 0; an RSA
 * key's exponent size; and, for RSA, EC and EdDSA keys, whether the key octets have the
 * structure of such a key (`malformed`, the path validator rejects a target with one: its
 * key, the output of RFC 5280 6.1.6, would be unusable).
 */
function keySize(algOid: string, keyBytes: Uint8Array): { bits: number; rsaExponentBits?: number; malformed?: string } {
  if (algOid === OID.rsaEncryption || algOid === OID.rsassaPss) {
    try {
      // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } (RFC 8017 A.1.1; RFC 3279 2.3.1)
      const r = DerReader.only(keyBytes, 0x30, "RSAPublicKey");
      const mod = r.integerBytes("modulus");
      const exp = r.integerBytes("publicExponent");
      r.finish("RSAPublicKey");
      const bits = Math.ceil(magnitudeBits(mod) / 8) * 8;
      const rsaExponentBits = magnitudeBits(exp);
      const positive = (i: Uint8Array) => i.length > 0 && (i[0]! & 0x80) === 0 && magnitudeBits(i) > 0;
      if (!positive(mod) || !positive(exp)) return { bits, rsaExponentBits, malformed: "the RSA modulus or public exponent is not a positive integer (RFC 8017 A.1.1)" };
      return { bits, rsaExponentBits };
    } catch (e) {
      // Size is advisory for an issuer key (node:crypto fails to load it); the reason is kept.
      return { bits: 0, malformed: `the key is not an RSAPublicKey (RFC 3279 2.3.1): ${(e as Error).message}` };
    }
  }
  if (algOid === OID.ecPublicKey) {
    // RFC 5480 2.2: ECPoint, 0x04 then X and Y of equal length, or 0x02/0x03 then X.
    const n = keyBytes.length;
    const uncompressed = keyBytes[0] === 0x04 && n >= 3 && n % 2 === 1;
    const compressed = (keyBytes[0] === 0x02 || keyBytes[0] === 0x03) && n >= 2;
    return uncompressed || compressed
      ? { bits: ((n - 1) / 2) * 8 }
      : { bits: 0, malformed: `the key is not an uncompressed or compressed ECPoint of ${n} octets (RFC 5480 2.2)` };
  }
  // RFC 8410 3: the public key octets as they are, 32 (Ed25519) or 57 (Ed448).
  if (algOid === OID.ed25519) return keyBytes.length === 32 ? { bits: 256 } : { bits: 0, malformed: `an Ed25519 key of ${keyBytes.length} octets, not 32 (RFC 8410 3)` };
  if (algOid === OID.ed448) return keyBytes.length === 57 ? { bits: 456 } : { bits: 0, malformed: `an Ed448 key of ${keyBytes.length} octets, not 57 (RFC 8410 3)` };
  return { bits: 0 };
}

/**
 * RFC 5280 4.1.2.7 SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier,
 * subjectPublicKey BIT STRING }, read with der.ts's derSpki, not the schema parser: the
 * profile of bench/parse-cold.mjs (1,000 new P-256 certificates, node --cpu-prof) showed
 * the schema parser's SubjectPublicKeyInfo decode taking 535 ms of the 1,361 ms spent in
 * parseCertificate: 39% of a cold parse, for two fields.
 *
 * `der` must be bytes the model owns (a copy no caller can change): `spki` and `keyBytes`
 * are views into it, not copies (an ArrayBuffer per copy was a measured share of parsing a
 * new certificate).
 */
export function subjectPublicKeyAt(der: Uint8Array, e: DerElement): SubjectPublicKey {
  const k = derSpki(der, e);
  // The key bytes after the unused-bits octet.
  const keyBytes = k.keyBytes;
  const algorithm = Object.freeze(k.algorithm);
  return Object.freeze({ algorithm, spki: derBytes(der, e), keyBytes, ...keySize(algorithm.oid, keyBytes) });
}

/** The model of a SubjectPublicKeyInfo (certificates and trust anchors alike). */
export function subjectPublicKey(spki: SubjectPublicKeyInfo, raw?: Uint8Array): SubjectPublicKey {
  const algorithm = algorithmId(spki.algorithm);
  const keyBytes = new Uint8Array(spki.subjectPublicKey);
  // The bytes as received when known (a re-encoding costs ~30 us and could differ from them).
  const der = raw ? raw.slice() : new Uint8Array(AsnConvert.serialize(spki));
  return Object.freeze({ algorithm, spki: der, keyBytes, ...keySize(algorithm.oid, keyBytes) });
}

function generalNames(list: Iterable<AsnGeneralName>): GeneralName[] {
  return [...list].map(generalNameFromAsn);
}

/** DistributionPointName (RFC 5280 4.2.1.13), shared by CRL DPs, freshestCRL and IDP. */
export function distributionPointName(n: AsnDistributionPointName | undefined): DistributionPointName | undefined {
  if (n?.fullName) return { fullName: generalNames(n.fullName) };
  if (n?.nameRelativeToCRLIssuer) return { relativeName: dnFromAsn([n.nameRelativeToCRLIssuer] as never).rdns[0] ?? [] };
  return undefined;
}

export function distributionPoints(list: Iterable<AsnDistributionPoint>): DistributionPoint[] {
  return [...list].map((dp) =>
    Object.freeze({
      name: distributionPointName(dp.distributionPoint),
      reasons: dp.reasons ? bitStringMask(dp.reasons) : undefined,
      crlIssuer: dp.cRLIssuer ? generalNames(dp.cRLIssuer) : undefined,
    }),
  );
}

/** AuthorityKeyIdentifier (RFC 5280 4.2.1.1, 5.2.1). */
export function authorityKeyId(aki: AsnAki): AuthorityKeyId {
  return Object.freeze({
    keyId: aki.keyIdentifier ? bytesToHex(aki.keyIdentifier.buffer) : undefined,
    issuer: aki.authorityCertIssuer ? generalNames(aki.authorityCertIssuer) : undefined,
    serial: aki.authorityCertSerialNumber ? integerHex(new Uint8Array(aki.authorityCertSerialNumber)) : undefined,
  });
}

function accessDescriptions(list: Iterable<{ accessMethod: string; accessLocation: AsnGeneralName }>): AccessDescription[] {
  return [...list].map((ad) => ({ method: ad.accessMethod, location: generalNameFromAsn(ad.accessLocation) }));
}

/** RFC 5280 4.2.1.11 / 4.2.1.14 SkipCerts: small non-negative integers (a counter longer than 4 octets is malformed). */
function skipCerts(buf: ArrayBuffer): number {
  return smallIntFromContents(new Uint8Array(buf), "SkipCerts");
}


/** Decodes the extensions of a certificate into `out`, once each. */
// The four extensions nearly every CA certificate carries, read with the DER walker: each
// took 7-20 us through the schema parser, and a hostile bag holds thousands of them (the
// cold first call of bench/hostile.mjs). Anything less common goes to the library.

/** The single element of an extension value, which must fill it. */
function only(v: Uint8Array, tag: number, what: string): DerElement {
  const e = derElement(v, 0, v.length);
  if (e.end !== v.length || e.tag !== tag) throw new Error(`${what} is not a single ${tag === 0x30 ? "SEQUENCE" : `tag 0x${tag.toString(16)}`}`);
  return e;
}

/** RFC 5280 4.2.1.9 BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER (0..MAX) OPTIONAL } */
function basicConstraintsOf(v: Uint8Array): { cA: boolean; pathLen?: number } {
  const r = DerReader.only(v, 0x30, "basicConstraints");
  const cA = r.defaultFalse("basicConstraints.cA");
  const pathLen = r.peekTag() === 0x02 ? r.smallInt("pathLenConstraint") : undefined;
  r.finish("basicConstraints");
  return Object.freeze({ cA, pathLen });
}

/** RFC 5280 4.2.1.3 KeyUsage ::= BIT STRING */
function keyUsageOf(v: Uint8Array): number {
  const e = only(v, 0x03, "keyUsage");
  if (e.end === e.start) throw new Error("empty BIT STRING");
  return bitMask(v.subarray(e.start + 1, e.end));
}

/** RFC 5280 4.2.1.2 SubjectKeyIdentifier ::= OCTET STRING */
function subjectKeyIdOf(v: Uint8Array): string {
  const e = only(v, 0x04, "subjectKeyIdentifier");
  return bytesToHex(v.subarray(e.start, e.end));
}

/** RFC 5280 4.2.1.1 AuthorityKeyIdentifier: keyIdentifier [0] and serial [2] here; with authorityCertIssuer [1], the library. */
function authorityKeyIdOf(v: Uint8Array): AuthorityKeyId {
  const f = derChildren(v, only(v, 0x30, "authorityKeyIdentifier"));
  if (f.some((e) => e.tag !== 0x80 && e.tag !== 0x82)) return authorityKeyId(AsnConvert.parse(v, AsnAki));
  const keyId = f.find((e) => e.tag === 0x80);
  const serial = f.find((e) => e.tag === 0x82);
  return Object.freeze({
    keyId: keyId ? bytesToHex(v.subarray(keyId.start, keyId.end)) : undefined,
    issuer: undefined,
    serial: serial ? integerHex(v.subarray(serial.start, serial.end)) : undefined,
  });
}

/** GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName (an empty one is the profile's to reject). */
function generalNamesOf(v: Uint8Array, what: string): GeneralName[] {
  return derChildren(v, only(v, 0x30, what)).map((e) => generalNameAt(v, e));
}

/** RFC 5280 4.2.1.10 NameConstraints, read by general-name.ts (shared with TrustAnchorInfo's CertPathControls). */
function nameConstraintsOf(v: Uint8Array): NameConstraints {
  return nameConstraintsAt(v, only(v, 0x30, "nameConstraints"));
}

/** An extension as the DER walker splits it (RFC 5280 4.1: extnID, critical, extnValue). */
export interface RawExtension {
  readonly extnID: string;
  readonly critical: boolean;
  /** The extnValue OCTET STRING's contents: the DER of the extension's own type. */
  readonly value: Uint8Array;
}

/** Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension, split with the DER reader. */
function rawExtensions(der: Uint8Array, seq: DerElement): RawExtension[] {
  if (seq.tag !== 0x30) throw new Error("extensions is not a SEQUENCE");
  return extensionList(DerReader.inside(der, seq));
}

/** Each Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING } left in `list` (RFC 5280 4.1; OCSP's too, RFC 6960 4.2.1). */
export function extensionList(list: DerReader): RawExtension[] {
  const out: RawExtension[] = [];
  while (!list.done) {
    const r = list.sequence("an extension");
    const extnID = r.oid("extnID");
    const critical = r.defaultFalse("critical");
    const value = r.contents(0x04, "extnValue");
    r.finish("an extension (RFC 5280 4.1: extnID, critical, extnValue)");
    out.push({ extnID, critical, value });
  }
  return out;
}

/** Extensions whose value this parser decodes (see decodeExtensions). */
const DECODED_EXTENSIONS = new Set<string>([
  OID.basicConstraints,
  OID.keyUsage,
  OID.extKeyUsage,
  OID.certificatePolicies,
  OID.policyMappings,
  OID.policyConstraints,
  OID.inhibitAnyPolicy,
  OID.nameConstraints,
  OID.subjectAltName,
  OID.issuerAltName,
  OID.subjectKeyIdentifier,
  OID.authorityKeyIdentifier,
  OID.crlDistributionPoints,
  OID.freshestCRL,
  OID.authorityInfoAccess,
  OID.subjectInfoAccess,
]);

/** The model field each extension fills. */
const FIELD_OF: Record<string, LazyField | EagerField> = {
  [OID.basicConstraints]: "basicConstraints",
  [OID.keyUsage]: "keyUsage",
  [OID.extKeyUsage]: "extKeyUsage",
  [OID.certificatePolicies]: "policies",
  [OID.policyMappings]: "policyMappings",
  [OID.policyConstraints]: "policyConstraints",
  [OID.inhibitAnyPolicy]: "inhibitAnyPolicy",
  [OID.nameConstraints]: "nameConstraints",
  [OID.subjectAltName]: "subjectAltName",
  [OID.issuerAltName]: "issuerAltName",
  [OID.subjectKeyIdentifier]: "subjectKeyId",
  [OID.authorityKeyIdentifier]: "authorityKeyId",
  [OID.crlDistributionPoints]: "crlDistributionPoints",
  [OID.freshestCRL]: "freshestCrl",
  [OID.authorityInfoAccess]: "authorityInfoAccess",
  [OID.subjectInfoAccess]: "subjectInfoAccess",
};

/** Fields decoded at parse time: what path building and every validation step read. */
type EagerField = "basicConstraints" | "keyUsage" | "policyConstraints" | "inhibitAnyPolicy" | "subjectKeyId" | "authorityKeyId";
/** Fields decoded on first use (memoised): a bag certificate off the path never needs them. */
type LazyField =
  | "extKeyUsage"
  | "policies"
  | "policyMappings"
  | "nameConstraints"
  | "subjectAltName"
  | "issuerAltName"
  | "crlDistributionPoints"
  | "freshestCrl"
  | "authorityInfoAccess"
  | "subjectInfoAccess";

/**
 * Decodes one extension value (already checked to be DER) into its model field. Throws
 * MalformedError naming the input and the rule; the same message whether it runs at parse
 * time or on first use.
 */
function decodeValue(oid: string, v: Uint8Array, what: string): unknown {
  try {
    switch (oid) {
      case OID.basicConstraints:
        return basicConstraintsOf(v);
      case OID.keyUsage:
        return keyUsageOf(v);
      case OID.extKeyUsage:
        return Object.freeze([...AsnConvert.parse(v, ExtendedKeyUsage)].map(String));
      case OID.certificatePolicies: {
        const cp = AsnConvert.parse(v, CertificatePolicies);
        const ids = new Set<string>();
        const list: PolicyInfo[] = [];
        for (const pi of cp) {
          // RFC 5280 4.2.1.4: a policy OID MUST NOT appear more than once.
          if (ids.has(pi.policyIdentifier))
            throw new MalformedError("MALFORMED_CERTIFICATE", `${what}: policy ${pi.policyIdentifier} appears twice in certificatePolicies (RFC 5280 4.2.1.4)`);
          ids.add(pi.policyIdentifier);
          list.push(Object.freeze({ policy: pi.policyIdentifier, qualifiers: (pi.policyQualifiers ?? []).map((q) => q.policyQualifierId) }));
        }
        return Object.freeze(list);
      }
      case OID.policyMappings:
        return Object.freeze(
          [...AsnConvert.parse(v, PolicyMappings)].map((m) => ({
            issuerDomainPolicy: m.issuerDomainPolicy,
            subjectDomainPolicy: m.subjectDomainPolicy,
          })),
        );
      case OID.policyConstraints: {
        const pc = AsnConvert.parse(v, PolicyConstraints);
        // RFC 5280 4.2.1.11: conforming CAs MUST NOT issue an empty sequence.
        if (pc.requireExplicitPolicy === undefined && pc.inhibitPolicyMapping === undefined)
          throw new MalformedError("MALFORMED_CERTIFICATE", `${what}: empty policyConstraints (RFC 5280 4.2.1.11)`);
        return Object.freeze({
          requireExplicitPolicy: pc.requireExplicitPolicy !== undefined ? skipCerts(pc.requireExplicitPolicy) : undefined,
          inhibitPolicyMapping: pc.inhibitPolicyMapping !== undefined ? skipCerts(pc.inhibitPolicyMapping) : undefined,
        });
      }
      case OID.inhibitAnyPolicy:
        return skipCerts(AsnConvert.parse(v, InhibitAnyPolicy).value);
      case OID.nameConstraints:
        return nameConstraintsOf(v);
      case OID.subjectAltName:
        return Object.freeze(generalNamesOf(v, "subjectAltName"));
      case OID.issuerAltName:
        return Object.freeze(generalNames(AsnConvert.parse(v, IssueAlternativeName)));
      case OID.subjectKeyIdentifier:
        return subjectKeyIdOf(v);
      case OID.authorityKeyIdentifier:
        return authorityKeyIdOf(v);
      case OID.crlDistributionPoints:
        return Object.freeze(distributionPoints(AsnConvert.parse(v, CRLDistributionPoints)));
      case OID.freshestCRL:
        return Object.freeze(distributionPoints(AsnConvert.parse(v, FreshestCRL)));
      case OID.authorityInfoAccess:
        return Object.freeze(accessDescriptions(AsnConvert.parse(v, AuthorityInfoAccessSyntax)));
      case OID.subjectInfoAccess:
        return Object.freeze(accessDescriptions(AsnConvert.parse(v, SubjectInfoAccessSyntax)));
    }
    return undefined;
  } catch (e) {
    if (e instanceof MalformedError || e instanceof WorkLimitError) throw e;
    throw new MalformedError("MALFORMED_CERTIFICATE", `${what}: extension ${oid} cannot be decoded: ${(e as Error).message}`);
  }
}

// ---------- Cheap syntactic checks for the extensions decoded on first use ----------
// Each returns true only when the value has a shape its decoder is known to accept (so
// first use cannot fail); anything else (rare forms, duplicates, malformed values) makes
// the parser decode the extension at once, so a malformed extension still makes the
// certificate MALFORMED_CERTIFICATE at parse time with exactly the decoder's message. The
// value has already passed checkDer (DER, valid OIDs). Walks tags and lengths only.

/** The elements of a SEQUENCE OF that fills `v`; undefined when `v` is not one non-empty SEQUENCE. */
function seqOf(v: Uint8Array, tag = 0x30): DerElement[] | undefined {
  const e = derElement(v, 0, v.length);
  if (e.tag !== tag || e.end !== v.length) return undefined;
  const kids = derChildren(v, e);
  return kids.length ? kids : undefined;
}

/** rfc822Name, dNSName, URI: IA5String forms every decoder here reads without failing. */
const isTextName = (e: DerElement) => e.tag === 0x81 || e.tag === 0x82 || e.tag === 0x86;

/** Distinct OBJECT IDENTIFIER encodings (DER: equal OIDs have equal bytes). */
function distinctOids(v: Uint8Array, oids: DerElement[]): boolean {
  const seen = new Set<string>();
  for (const o of oids) {
    const k = Buffer.from(v.buffer, v.byteOffset + o.start, o.end - o.start).toString("latin1");
    if (seen.has(k)) return false;
    seen.add(k);
  }
  return true;
}

/** A BaseDistance the decoder accepts: 1 to 4 content octets, non-negative. */
const isSmallCount = (v: Uint8Array, e: DerElement) => e.end > e.start && e.end - e.start <= 4 && !(v[e.start]! & 0x80);

const SURE: Record<LazyField, (v: Uint8Array) => boolean> = {
  // ExtKeyUsageSyntax ::= SEQUENCE SIZE (1..MAX) OF KeyPurposeId (RFC 5280 4.2.1.12)
  extKeyUsage: (v) => seqOf(v)?.every((e) => e.tag === 0x06) ?? false,
  // certificatePolicies ::= SEQUENCE SIZE (1..MAX) OF PolicyInformation; PolicyInformation ::=
  // SEQUENCE { policyIdentifier, policyQualifiers SEQUENCE SIZE (1..MAX) OF PolicyQualifierInfo OPTIONAL },
  // PolicyQualifierInfo ::= SEQUENCE { policyQualifierId, qualifier ANY } (RFC 5280 4.2.1.4); no OID twice.
  policies: (v) => {
    const list = seqOf(v);
    if (!list) return false;
    const ids: DerElement[] = [];
    for (const pi of list) {
      if (pi.tag !== 0x30) return false;
      const f = derChildren(v, pi);
      if (f[0]?.tag !== 0x06 || f.length > 2) return false;
      ids.push(f[0]);
      if (f[1]) {
        if (f[1].tag !== 0x30) return false;
        const qs = derChildren(v, f[1]);
        if (!qs.length) return false;
        for (const q of qs) {
          if (q.tag !== 0x30) return false;
          const qf = derChildren(v, q);
          if (qf.length !== 2 || qf[0]!.tag !== 0x06) return false;
        }
      }
    }
    return distinctOids(v, ids);
  },
  // PolicyMappings ::= SEQUENCE SIZE (1..MAX) OF SEQUENCE { issuerDomainPolicy, subjectDomainPolicy } (RFC 5280 4.2.1.5)
  policyMappings: (v) =>
    seqOf(v)?.every((m) => {
      if (m.tag !== 0x30) return false;
      const f = derChildren(v, m);
      return f.length === 2 && f[0]!.tag === 0x06 && f[1]!.tag === 0x06;
    }) ?? false,
  // NameConstraints ::= SEQUENCE { permittedSubtrees [0] OPTIONAL, excludedSubtrees [1] OPTIONAL },
  // GeneralSubtree ::= SEQUENCE { base, minimum [0] DEFAULT 0, maximum [1] OPTIONAL } (RFC 5280 4.2.1.10)
  nameConstraints: (v) => {
    const top = derElement(v, 0, v.length);
    if (top.tag !== 0x30 || top.end !== v.length) return false;
    let last = -1;
    for (const list of derChildren(v, top)) {
      const which = list.tag - 0xa0;
      if ((which !== 0 && which !== 1) || which <= last) return false;
      last = which;
      for (const st of derChildren(v, list)) {
        if (st.tag !== 0x30) return false;
        const f = derChildren(v, st);
        if (!f[0] || !(isTextName(f[0]) || f[0].tag === 0x87)) return false;
        let i = 1;
        if (f[i]?.tag === 0x80 && isSmallCount(v, f[i]!)) i++;
        if (f[i]?.tag === 0x81 && isSmallCount(v, f[i]!)) i++;
        if (i !== f.length) return false;
      }
    }
    return true;
  },
  // GeneralNames (RFC 5280 4.2.1.6), read by the DER walker: text forms and iPAddress.
  subjectAltName: (v) => seqOf(v)?.every((e) => isTextName(e) || e.tag === 0x87) ?? false,
  // GeneralNames through the library: text forms only.
  issuerAltName: (v) => seqOf(v)?.every(isTextName) ?? false,
  // CRLDistributionPoints ::= SEQUENCE SIZE (1..MAX) OF DistributionPoint (RFC 5280 4.2.1.13): the
  // common form only, distributionPoint [0] { fullName [0] { text names } } and nothing else.
  crlDistributionPoints: (v) => seqOf(v)?.every((dp) => isFullNameOnly(v, dp)) ?? false,
  freshestCrl: (v) => seqOf(v)?.every((dp) => isFullNameOnly(v, dp)) ?? false,
  // AuthorityInfoAccessSyntax ::= SEQUENCE SIZE (1..MAX) OF AccessDescription ::= SEQUENCE { accessMethod, accessLocation } (RFC 5280 4.2.2.1)
  authorityInfoAccess: (v) => seqOf(v)?.every((ad) => isAccessDescription(v, ad)) ?? false,
  subjectInfoAccess: (v) => seqOf(v)?.every((ad) => isAccessDescription(v, ad)) ?? false,
};

function isFullNameOnly(v: Uint8Array, dp: DerElement): boolean {
  if (dp.tag !== 0x30) return false;
  const f = derChildren(v, dp);
  if (f.length !== 1 || f[0]!.tag !== 0xa0) return false;
  const name = derChildren(v, f[0]!);
  if (name.length !== 1 || name[0]!.tag !== 0xa0) return false;
  const names = derChildren(v, name[0]!);
  return names.length > 0 && names.every(isTextName);
}

function isAccessDescription(v: Uint8Array, ad: DerElement): boolean {
  if (ad.tag !== 0x30) return false;
  const f = derChildren(v, ad);
  return f.length === 2 && f[0]!.tag === 0x06 && isTextName(f[1]!);
}

/** Counters of the first-use decoding (tests assert on them; never on time). */
export const lazyExtensionStats = { deferred: 0, decodedOnUse: 0, decodedAtParse: 0 };

const LAZY_FIELDS: readonly LazyField[] = [
  "extKeyUsage",
  "policies",
  "policyMappings",
  "nameConstraints",
  "subjectAltName",
  "issuerAltName",
  "crlDistributionPoints",
  "freshestCrl",
  "authorityInfoAccess",
  "subjectInfoAccess",
];
const LAZY_INDEX = Object.fromEntries(LAZY_FIELDS.map((f, i) => [f, i])) as Record<LazyField, number>;

/**
 * Extension values kept undecoded until first use, and the values once decoded: one small
 * array per certificate (slot i = LAZY_FIELDS[i]: the raw value while `pending` has bit i,
 * then the decoded value), allocated only when the certificate has such an extension.
 */
class LazyExtensions {
  private slots: unknown[] | undefined;
  private pending = 0;
  constructor(private readonly what: string) {}

  private slotsFor(): unknown[] {
    return (this.slots ??= new Array<unknown>(LAZY_FIELDS.length).fill(undefined));
  }

  defer(field: LazyField, v: Uint8Array): void {
    const i = LAZY_INDEX[field];
    this.slotsFor()[i] = v;
    this.pending |= 1 << i;
    lazyExtensionStats.deferred++;
  }

  set(field: LazyField, value: unknown): void {
    this.slotsFor()[LAZY_INDEX[field]] = value;
  }

  get(field: LazyField, oid: string): unknown {
    const slots = this.slots;
    if (slots === undefined) return undefined;
    const i = LAZY_INDEX[field];
    if (!(this.pending & (1 << i))) return slots[i];
    lazyExtensionStats.decodedOnUse++;
    // The syntactic check at parse time makes this decode succeed; were it to fail, the
    // error is the one the parse would have raised.
    const value = decodeValue(oid, slots[i] as Uint8Array, this.what);
    slots[i] = value;
    this.pending &= ~(1 << i);
    return value;
  }
}

/** The eager part of the extensions, and the lazy holder. */
interface DecodedExtensions {
  extensions: readonly ExtensionInfo[];
  unknownCriticalExtensions: readonly string[];
  ocspNoCheck: boolean;
  eager: Partial<Record<EagerField, unknown>>;
  lazy: LazyExtensions;
}

function decodeExtensions(exts: readonly RawExtension[], what: string): DecodedExtensions {
  const seen = new Set<string>();
  const unknown: string[] = [];
  const infos: ExtensionInfo[] = [];
  const eager: Partial<Record<EagerField, unknown>> = {};
  const lazy = new LazyExtensions(what);
  let ocspNoCheck = false;
  for (const ext of exts) {
    const oid = ext.extnID;
    // RFC 5280 4.2: a certificate MUST NOT include more than one instance of an extension.
    if (seen.has(oid)) throw new MalformedError("MALFORMED_CERTIFICATE", `${what}: extension ${oid} appears twice (RFC 5280 4.2)`);
    seen.add(oid);
    infos.push({ oid, critical: ext.critical });
    const v = ext.value;
    if (DECODED_EXTENSIONS.has(oid)) {
      try {
        // The value of a decoded extension is DER too (one encoding per certificate, X.690 10).
        checkDer(v, { start: 0, end: v.length });
      } catch (e) {
        if (e instanceof MalformedError || e instanceof WorkLimitError) throw e;
        throw new MalformedError("MALFORMED_CERTIFICATE", `${what}: extension ${oid} cannot be decoded: ${(e as Error).message}`);
      }
      const field = FIELD_OF[oid]!;
      const sure = (SURE as Record<string, (v: Uint8Array) => boolean>)[field];
      if (sure) {
        let ok = false;
        try {
          ok = sure(v);
        } catch {
          ok = false; // not the expected shape: the decoder says what is wrong
        }
        if (ok) lazy.defer(field as LazyField, v);
        else {
          lazyExtensionStats.decodedAtParse++;
          lazy.set(field as LazyField, decodeValue(oid, v, what));
        }
      } else eager[field as EagerField] = decodeValue(oid, v, what);
    } else if (oid === OID.ocspNoCheck) ocspNoCheck = true;
    else if (ext.critical) unknown.push(oid);
  }
  return { extensions: Object.freeze(infos), unknownCriticalExtensions: Object.freeze(unknown), ocspNoCheck, eager, lazy };
}

/**
 * The certificate model: every field in one fixed order (one object shape for all
 * certificates, so the layers reading them stay monomorphic), the fields of LazyField
 * decoded on first use through getters. Frozen; the memo lives in the private holder.
 */
class CertificateModel implements Certificate {
  readonly der: Uint8Array;
  readonly sha256: string;
  readonly tbs: Uint8Array;
  readonly signatureAlgorithm: AlgorithmId;
  readonly tbsSignatureAlgorithm: AlgorithmId;
  readonly signature: Uint8Array;
  readonly signatureUnusedBits?: number;
  readonly version: number;
  readonly serial: string;
  readonly serialOctets: number;
  readonly issuer: DistinguishedName;
  readonly subject: DistinguishedName;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly validityEncoding: Certificate["validityEncoding"];
  readonly validityWholeSeconds: boolean;
  readonly uniqueIdentifiers: boolean;
  readonly publicKey: SubjectPublicKey;
  readonly extensions: readonly ExtensionInfo[];
  readonly basicConstraints?: { readonly cA: boolean; readonly pathLen?: number };
  readonly keyUsage?: number;
  readonly policyConstraints?: { readonly requireExplicitPolicy?: number; readonly inhibitPolicyMapping?: number };
  readonly inhibitAnyPolicy?: number;
  readonly subjectKeyId?: string;
  readonly authorityKeyId?: AuthorityKeyId;
  readonly ocspNoCheck: boolean;
  readonly unknownCriticalExtensions: readonly string[];
  readonly selfIssued: boolean;
  readonly #lazy: LazyExtensions;

  constructor(doc: SignedDocument, tbs: TbsFields, x: DecodedExtensions) {
    this.der = doc.der;
    this.sha256 = doc.sha256;
    this.tbs = doc.tbs;
    this.signatureAlgorithm = doc.signatureAlgorithm;
    this.tbsSignatureAlgorithm = doc.tbsSignatureAlgorithm;
    this.signature = doc.signature;
    this.signatureUnusedBits = doc.signatureUnusedBits;
    this.version = doc.version;
    this.serial = integerHex(tbs.serial);
    this.serialOctets = tbs.serial.length;
    this.issuer = tbs.issuer;
    this.subject = tbs.subject;
    this.notBefore = tbs.notBefore;
    this.notAfter = tbs.notAfter;
    this.validityEncoding = tbs.validityEncoding;
    this.validityWholeSeconds = tbs.validityWholeSeconds;
    this.uniqueIdentifiers = tbs.uniqueIdentifiers;
    this.publicKey = tbs.publicKey;
    this.extensions = x.extensions;
    this.basicConstraints = x.eager.basicConstraints as Certificate["basicConstraints"];
    this.keyUsage = x.eager.keyUsage as number | undefined;
    this.policyConstraints = x.eager.policyConstraints as Certificate["policyConstraints"];
    this.inhibitAnyPolicy = x.eager.inhibitAnyPolicy as number | undefined;
    this.subjectKeyId = x.eager.subjectKeyId as string | undefined;
    this.authorityKeyId = x.eager.authorityKeyId as AuthorityKeyId | undefined;
    this.ocspNoCheck = x.ocspNoCheck;
    this.unknownCriticalExtensions = x.unknownCriticalExtensions;
    this.selfIssued = tbs.issuer.key === tbs.subject.key;
    this.#lazy = x.lazy;
  }

  get extKeyUsage(): readonly string[] | undefined {
    return this.#lazy.get("extKeyUsage", OID.extKeyUsage) as readonly string[] | undefined;
  }
  get policies(): readonly PolicyInfo[] | undefined {
    return this.#lazy.get("policies", OID.certificatePolicies) as readonly PolicyInfo[] | undefined;
  }
  get policyMappings(): readonly PolicyMapping[] | undefined {
    return this.#lazy.get("policyMappings", OID.policyMappings) as readonly PolicyMapping[] | undefined;
  }
  get nameConstraints(): NameConstraints | undefined {
    return this.#lazy.get("nameConstraints", OID.nameConstraints) as NameConstraints | undefined;
  }
  get subjectAltName(): readonly GeneralName[] | undefined {
    return this.#lazy.get("subjectAltName", OID.subjectAltName) as readonly GeneralName[] | undefined;
  }
  get issuerAltName(): readonly GeneralName[] | undefined {
    return this.#lazy.get("issuerAltName", OID.issuerAltName) as readonly GeneralName[] | undefined;
  }
  get crlDistributionPoints(): readonly DistributionPoint[] | undefined {
    return this.#lazy.get("crlDistributionPoints", OID.crlDistributionPoints) as readonly DistributionPoint[] | undefined;
  }
  get freshestCrl(): readonly DistributionPoint[] | undefined {
    return this.#lazy.get("freshestCrl", OID.freshestCRL) as readonly DistributionPoint[] | undefined;
  }
  get authorityInfoAccess(): readonly AccessDescription[] | undefined {
    return this.#lazy.get("authorityInfoAccess", OID.authorityInfoAccess) as readonly AccessDescription[] | undefined;
  }
  get subjectInfoAccess(): readonly AccessDescription[] | undefined {
    return this.#lazy.get("subjectInfoAccess", OID.subjectInfoAccess) as readonly AccessDescription[] | undefined;
  }
}

/**
 * Parsed certificates, process-wide, bounded by the estimated heap their models retain:
 * the DER twice (the model's copy and the slices of it that stay referenced) plus about
 * CERT_MODEL_OVERHEAD bytes of objects (measured, bench/HOSTILE.md). Default 64 MiB;
 * `configureCaches` changes it.
 */
const CERT_MODEL_OVERHEAD = 8 * 1024;
export const certCache = new ParseCache<Certificate>(Infinity, { maxBytes: 64 * 1024 * 1024, sizeOf: (c) => 2 * c.der.length + CERT_MODEL_OVERHEAD });

/** Parses one DER certificate, or returns the model already parsed from the same bytes. */
export function parseCertificate(der: Uint8Array, what = "certificate"): Certificate {
  // Errors are not cached: a malformed input is reported with its own label each time.
  return certCache.get(der, (sha256) => parseCertificateUncached(der, what, sha256));
}

/** The fields of a TBSCertificate (RFC 5280 4.1), each decoded by its @peculiar/asn1-x509 class. */
interface TbsFields {
  version: number;
  serial: Uint8Array;
  signature: AlgorithmId;
  issuer: DistinguishedName;
  notBefore: Date;
  notAfter: Date;
  validityEncoding: Certificate["validityEncoding"];
  validityWholeSeconds: boolean;
  uniqueIdentifiers: boolean;
  subject: DistinguishedName;
  publicKey: SubjectPublicKey;
  extensions: RawExtension[];
}

/**
 * TBSCertificate split by position with the DER walker, each field then decoded by the
 * library class made for it. Decoding the whole Certificate with the schema parser cost
 * 0.40 ms of the 0.67 ms a certificate took to parse (measured; a cold 3000-certificate
 * bag took 1.8 s); the split costs microseconds, and a Name or an extension decodes in
 * 10-50 us with the library.
 */
function tbsFields(der: Uint8Array, tbs: DerElement): TbsFields {
  const f = derChildren(der, tbs);
  const bytes = (e: DerElement | undefined, tag: number, what: string) => {
    if (!e || e.tag !== tag) throw new Error(`tbsCertificate.${what} is missing or mistyped`);
  };
  let i = 0;
  let version = 0;
  if (f[0]?.tag === 0xa0) {
    // version [0] EXPLICIT INTEGER DEFAULT v1
    const v = derChildren(der, f[i++]!)[0];
    if (!v || v.tag !== 0x02 || v.end - v.start !== 1) throw new Error("bad version");
    version = der[v.start]!;
  }
  const serialEl = f[i++];
  if (!serialEl || serialEl.tag !== 0x02 || serialEl.end === serialEl.start) throw new Error("tbsCertificate.serialNumber is missing");
  // The serial is kept as octets (hex), never converted to a number: a 256 KiB serial
  // number cost minutes as a bigint built octet by octet (issue 10 item 1).
  bytes(f[i], 0x30, "signature");
  const signature = derAlgorithm(der, f[i++]!);
  bytes(f[i], 0x30, "issuer");
  const issuer = dnFromDerElement(der, f[i++]!);
  const validity = f[i++];
  if (!validity || validity.tag !== 0x30) throw new Error("tbsCertificate.validity is missing");
  const times = derChildren(der, validity);
  if (times.length !== 2) throw new Error("validity must hold notBefore and notAfter");
  // RFC 5280 4.1.2.5.1, 4.1.2.5.2 and X.690 11.7, 11.8 (DER): UTCTime YYMMDDHHMMSSZ, GeneralizedTime
  // YYYYMMDDHHMMSS[.f]Z. Any other form (a local time without "Z", an offset, no seconds) is
  // not DER; read leniently it took the machine's time zone, so the verdict depended on it.
  const [notBefore, notAfter] = times.map((t, k) => {
    const d = derTime(der, t);
    if (!d) throw new Error(`${k ? "notAfter" : "notBefore"} is not a DER UTCTime YYMMDDHHMMSSZ or GeneralizedTime YYYYMMDDHHMMSS[.f]Z (RFC 5280 4.1.2.5)`);
    return d;
  });
  bytes(f[i], 0x30, "subject");
  const subject = dnFromDerElement(der, f[i++]!);
  bytes(f[i], 0x30, "subjectPublicKeyInfo");
  const publicKey = subjectPublicKeyAt(der, f[i++]!);
  // issuerUniqueID [1], subjectUniqueID [2] (implicit BIT STRINGs, RFC 5280 4.1.2.8): only noted.
  const beforeIds = i;
  while (f[i] && (f[i]!.tag === 0x81 || f[i]!.tag === 0x82 || f[i]!.tag === 0xa1 || f[i]!.tag === 0xa2)) i++;
  const uniqueIdentifiers = i > beforeIds;
  let extensions: RawExtension[] = [];
  if (f[i]?.tag === 0xa3) {
    const inner = derChildren(der, f[i++]!)[0];
    if (!inner) throw new Error("empty extensions");
    extensions = rawExtensions(der, inner);
  }
  if (i !== f.length) throw new Error("unexpected field in tbsCertificate");
  const validityEncoding = Object.freeze({ notBefore: timeEncodingOf(times[0]!.tag), notAfter: timeEncodingOf(times[1]!.tag) });
  const validityWholeSeconds = times.every((t) => der[t.end - 1] === 0x5a && t.end - t.start === (t.tag === 0x17 ? 13 : 15));
  return { version, serial: der.subarray(serialEl.start, serialEl.end), signature, issuer, notBefore: notBefore!, notAfter: notAfter!, validityEncoding, validityWholeSeconds, uniqueIdentifiers, subject, publicKey, extensions };
}

/** The fields every signed document shares (certificates and CRLs), from the walker's split. */
export function signedDocument(
  der: Uint8Array,
  parts: ReturnType<typeof checkSignedStructure>,
  tbsAlgorithm: AlgorithmId,
  version: number | undefined,
  sha256?: Buffer,
): SignedDocument {
  return {
    der,
    // The parse cache's digest of the same bytes when there is one (one hash per parse).
    sha256: (sha256 ?? sha256Of(der)).toString("hex"),
    tbs: derBytes(der, parts.tbs),
    signatureAlgorithm: Object.freeze(derAlgorithm(der, parts.algorithm)),
    tbsSignatureAlgorithm: Object.freeze(tbsAlgorithm),
    signature: der.subarray(parts.signature.start + 1, parts.signature.end),
    signatureUnusedBits: parts.signatureUnusedBits,
    version: (version ?? 0) + 1,
  };
}

/** Parses one DER certificate. Throws MalformedError (never anything else). */
function parseCertificateUncached(input: Uint8Array, what: string, sha256?: Buffer): Certificate {
  // Our own copy: the model (and the cache) must not change if the caller reuses its buffer.
  const der = input.slice();
  const code: MalformedCode = "MALFORMED_CERTIFICATE";
  checkOuterSequence(der, code, what);
  const parts = checkSignedStructure(der, code, what);
  try {
    const tbs = tbsFields(der, parts.tbs);
    if (!(tbs.notBefore instanceof Date) || isNaN(tbs.notBefore.getTime()) || !(tbs.notAfter instanceof Date) || isNaN(tbs.notAfter.getTime()))
      throw new Error("bad validity time");
    return Object.freeze(new CertificateModel(signedDocument(der, parts, tbs.signature, tbs.version, sha256), tbs, decodeExtensions(tbs.extensions, what)));
  } catch (e) {
    if (e instanceof MalformedError || e instanceof WorkLimitError) throw e;
    throw new MalformedError(code, `${what}: not an X.509 certificate: ${(e as Error).message}`);
  }
}

/** Parses DER or PEM input holding one or more certificates. */
export function parseCertificates(input: Uint8Array | string, what: string): Certificate[] {
  const ders = inputToDers(input, ["CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE"], "MALFORMED_CERTIFICATE", what);
  return ders.map((d, i) => parseCertificate(d, ders.length > 1 ? `${what}#${i}` : what));
}

/** A short label for messages: the subject, or the serial when the subject is empty. */
export function certLabel(c: Certificate): string {
  return c.subject.rdns.length ? c.subject.text : `(empty subject, serial ${c.serial})`;
}
