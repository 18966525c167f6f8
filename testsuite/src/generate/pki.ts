// A generator of test PKIs: certificates and CRLs described declaratively, built as
// @peculiar/asn1-x509 objects (Certificate, CertificateList and everything inside),
// serialized with @peculiar/asn1-schema and signed with node:crypto (./keys.ts).
//
// Two levels:
//  - `issueCertificate(spec)` / `issueCrl(spec)`: every field explicit, for odd cases;
//  - `TestPki`: roots, CAs, end entities, cross-certificates and CRLs with sensible
//    defaults, validity relative to one reference time, names and keys kept straight.
//
//   const pki = new TestPki({ now: new Date("2025-01-01T00:00:00Z") });
//   const root = pki.root("CN=Root,O=Dom1,C=US");
//   const ca = pki.ca("CN=Sub CA,O=Dom1,C=US", root, { pathLen: 0 });
//   const ee = pki.ee("CN=leaf,O=Dom1,C=US", ca, { extensions: { subjectAltName: ["dns:leaf.example"] } });
//   const crl = pki.crl(ca, { revoked: [{ cert: ee, reason: "keyCompromise" }] });
//   await verify({ target: ee.der, intermediates: [ca.der], trustAnchors: [root.der], time: pki.now });
//
// With Ed25519 keys (the default) the output is byte-identical from run to run.
import { createHash } from "node:crypto";
import { AsnIntegerBigIntConverter, AsnNullConverter, BitString, OctetString } from "@peculiar/asn1-schema";
import {
  AccessDescription,
  AlgorithmIdentifier,
  AuthorityInfoAccessSyntax,
  AuthorityKeyIdentifier,
  BaseCRLNumber,
  BasicConstraints,
  Certificate,
  CertificateIssuer,
  CertificateList,
  CertificatePolicies,
  CRLDistributionPoints,
  CRLNumber,
  CRLReason,
  DisplayText,
  DistributionPoint,
  DistributionPointName,
  ExtendedKeyUsage,
  Extension,
  Extensions,
  FreshestCRL,
  GeneralSubtree,
  GeneralSubtrees,
  InhibitAnyPolicy,
  InvalidityDate,
  IssueAlternativeName,
  IssuingDistributionPoint,
  KeyIdentifier,
  KeyUsage,
  Name,
  NameConstraints,
  PolicyConstraints,
  PolicyInformation,
  PolicyMapping,
  PolicyMappings,
  PolicyQualifierInfo,
  Qualifier,
  Reason,
  RevokedCertificate,
  SubjectAlternativeName,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  TBSCertificate,
  TBSCertList,
  Time,
  UserNotice,
  Validity,
} from "@peculiar/asn1-x509";
import { asnTime, embed, encodeOnce, integerOctets, octetText, oidText, toArrayBuffer, toDer, toPem, wellFormed, wholeSeconds } from "./asn.js";
import { generateKey, keyIdentifier, signatureAlgorithm, signer, type KeyAlg, type KeyPair, type SignatureSpec } from "./keys.js";
import { encodeName, generalNameAsn, nameAsn, nameLabel, rdnAsn, type GeneralNameInput, type NameInput, type StringEncoding } from "./names.js";

export * from "./keys.js";
export * from "./names.js";
export { toPem };

// ---------------------------------------------------------------------------
// Vocabulary

// The generator's own tables, written out here from the RFCs: a test oracle never shares code
// or tables with what it tests (a swapped bit in the parser's table must not move the
// generator with it).

/** Extension OIDs by the names the generator's specs use (RFC 5280 4.2, 5.2, 5.3; RFC 6960 4.2.2.2.1). */
export const EXT_OIDS = {
  subjectKeyIdentifier: "2.5.29.14",
  keyUsage: "2.5.29.15",
  subjectAltName: "2.5.29.17",
  issuerAltName: "2.5.29.18",
  basicConstraints: "2.5.29.19",
  crlNumber: "2.5.29.20",
  reasonCode: "2.5.29.21",
  invalidityDate: "2.5.29.24",
  deltaCrlIndicator: "2.5.29.27",
  issuingDistributionPoint: "2.5.29.28",
  certificateIssuer: "2.5.29.29",
  nameConstraints: "2.5.29.30",
  crlDistributionPoints: "2.5.29.31",
  certificatePolicies: "2.5.29.32",
  policyMappings: "2.5.29.33",
  authorityKeyIdentifier: "2.5.29.35",
  policyConstraints: "2.5.29.36",
  extKeyUsage: "2.5.29.37",
  freshestCrl: "2.5.29.46",
  inhibitAnyPolicy: "2.5.29.54",
  authorityInfoAccess: "1.3.6.1.5.5.7.1.1",
  ocspNoCheck: "1.3.6.1.5.5.7.48.1.5",
} as const;

export const ANY_POLICY = "2.5.29.32.0";

/** Extended key usage purposes by name (RFC 5280 4.2.1.12); OIDs are accepted as is. */
export const EKU_OIDS: Record<string, string> = {
  any: "2.5.29.37.0",
  serverAuth: "1.3.6.1.5.5.7.3.1",
  clientAuth: "1.3.6.1.5.5.7.3.2",
  codeSigning: "1.3.6.1.5.5.7.3.3",
  emailProtection: "1.3.6.1.5.5.7.3.4",
  timeStamping: "1.3.6.1.5.5.7.3.8",
  OCSPSigning: "1.3.6.1.5.5.7.3.9",
  anyExtendedKeyUsage: "2.5.29.37.0",
};

/** KeyUsage bits (RFC 5280 4.2.1.3). */
export const KEY_USAGE_BITS = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
  encipherOnly: 7,
  decipherOnly: 8,
  contentCommitment: 1,
} as const;
/**
 * The criticality each certificate extension gets unless a spec says otherwise (RFC 5280
 * 4.2: "MUST be critical" / "SHOULD be critical" ones critical, the rest not; basicConstraints
 * only in CA certificates). A table so that tests can mutate it and see the audit catch it.
 */
export const DEFAULT_CRITICAL: Record<Exclude<keyof typeof EXT_OIDS, "crlNumber" | "reasonCode" | "invalidityDate" | "deltaCrlIndicator" | "issuingDistributionPoint" | "certificateIssuer">, boolean> = {
  subjectKeyIdentifier: false,
  authorityKeyIdentifier: false,
  basicConstraints: true,
  keyUsage: true,
  extKeyUsage: false,
  subjectAltName: false,
  issuerAltName: false,
  certificatePolicies: false,
  policyMappings: true,
  policyConstraints: true,
  inhibitAnyPolicy: true,
  nameConstraints: true,
  crlDistributionPoints: false,
  freshestCrl: false,
  authorityInfoAccess: false,
  ocspNoCheck: false,
};

export type KeyUsageName = keyof typeof KEY_USAGE_BITS;

/** CRLReason codes (RFC 5280 5.3.1). */
export const CRL_REASONS = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  removeFromCRL: 8,
  privilegeWithdrawn: 9,
  aACompromise: 10,
} as const;
export type ReasonName = keyof typeof CRL_REASONS;

/** ReasonFlags bits (RFC 5280 4.2.1.13), for distribution points and onlySomeReasons. */
const REASON_FLAG_BITS: Record<string, number> = {
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  privilegeWithdrawn: 7,
  aACompromise: 8,
};
export type ReasonFlagName = Exclude<ReasonName, "unspecified" | "removeFromCRL">;

// ---------------------------------------------------------------------------
// Specifications

/** A distribution point: a general name string, or the full structure. */
export type DistributionPointInput =
  | GeneralNameInput
  | {
      fullName?: GeneralNameInput[];
      /** nameRelativeToCRLIssuer, one RDN such as "OU=CRL1". */
      relativeName?: string;
      reasons?: ReasonFlagName[];
      crlIssuer?: GeneralNameInput[];
    };

export interface CustomExtension {
  oid: string;
  critical?: boolean;
  /** The extnValue contents (the DER inside the OCTET STRING). */
  valueDer: Uint8Array;
}

export type PolicyInput = string | { oid: string; cps?: string; userNotice?: string };

/** "auto" (from the key, RFC 5280 4.2.1.2 method 1), a hex key identifier, or false for none. */
export type KeyIdSpec = "auto" | string | false;

export interface ExtensionsSpec {
  basicConstraints?: { cA: boolean; pathLen?: number; critical?: boolean };
  keyUsage?: KeyUsageName[];
  /** Purpose names (serverAuth, clientAuth, ..., any) or OIDs. */
  extKeyUsage?: string[];
  /** Policy OIDs ("anyPolicy" accepted), or with a CPS URI / user notice qualifier. */
  certificatePolicies?: PolicyInput[];
  /** [issuerDomainPolicy, subjectDomainPolicy] pairs ("anyPolicy" accepted, to build bad ones). */
  policyMappings?: (readonly [string, string])[];
  policyConstraints?: { requireExplicitPolicy?: number; inhibitPolicyMapping?: number };
  inhibitAnyPolicy?: number;
  /** Subtree bases as general names: "dns:example.com", "ip:10.0.0.0/8", "dn:O=Dom1,C=US", ... */
  nameConstraints?: { permitted?: GeneralNameInput[]; excluded?: GeneralNameInput[] };
  subjectAltName?: GeneralNameInput[];
  issuerAltName?: GeneralNameInput[];
  /** Default "auto". */
  subjectKeyIdentifier?: KeyIdSpec;
  /** Default "auto" (the issuer key's identifier); an object adds authorityCertIssuer/SerialNumber. */
  authorityKeyIdentifier?: KeyIdSpec | { keyId?: KeyIdSpec; issuer?: GeneralNameInput[]; serial?: bigint | number };
  crlDistributionPoints?: DistributionPointInput[];
  freshestCrl?: DistributionPointInput[];
  authorityInfoAccess?: { caIssuers?: string[]; ocsp?: string[] };
  ocspNoCheck?: boolean;
  /** Extra extensions, written after the standard ones, in order. */
  custom?: CustomExtension[];
  /** Criticality overrides by extension name, e.g. { keyUsage: false, policyMappings: true }. */
  critical?: Partial<Record<Exclude<keyof ExtensionsSpec, "custom" | "critical">, boolean>>;
}

/** Who signs: a name (written as the issuer field) and a key. */
export interface IssuerRef {
  readonly name: NameInput;
  readonly key: KeyPair;
  /** The issuer's subject as DER; used instead of re-encoding `name`, so chaining is byte-exact. */
  readonly nameDer?: Uint8Array;
}

/** Raw overrides for fabricating inconsistent or unsigned objects. */
export interface RawOverrides {
  /** AlgorithmIdentifier DER for the signature field inside the TBS (RFC 5280 4.1.2.3). */
  tbsAlgorithm?: Uint8Array;
  /** AlgorithmIdentifier DER for the outer signatureAlgorithm (RFC 5280 4.1.1.2). */
  outerAlgorithm?: Uint8Array;
  /** Signature bytes to write instead of signing (needed for public-only issuer keys). */
  signatureValue?: Uint8Array;
}

export interface CertificateSpec extends RawOverrides {
  subject: NameInput;
  issuer: IssuerRef;
  subjectKey: KeyPair;
  /** Default: a digest of the other TBS fields (deterministic, positive, at most 127 bits). */
  serial?: bigint | number;
  notBefore: Date;
  notAfter: Date;
  /** 1 writes no extensions at all; default 3. */
  version?: 1 | 2 | 3;
  /** Writes notBefore and notAfter in this form whatever the year (default: RFC 5280 4.1.2.5's choice). */
  timeEncoding?: "UTCTime" | "GeneralizedTime";
  /** Writes this subjectUniqueID (RFC 5280 4.1.2.8: conforming CAs MUST NOT). */
  subjectUniqueId?: Uint8Array;
  /** Writes this Validity SEQUENCE (DER) as given, e.g. times RFC 5280 4.1.2.5 forbids; notBefore/notAfter then only describe it. */
  validityDer?: Uint8Array;
  extensions?: ExtensionsSpec;
  /** How the issuer signs (hash, PSS). */
  signature?: SignatureSpec;
  /** DirectoryString type for subject attributes (and the issuer's, when it has no nameDer). Default printable when possible. */
  stringEncoding?: StringEncoding;
}

export interface IssuedCertificate {
  readonly der: Uint8Array;
  readonly pem: string;
  readonly serial: bigint;
  /** The subject Name, DER. */
  readonly subjectDer: Uint8Array;
  readonly tbs: Uint8Array;
}

export interface CrlEntrySpec {
  serial: bigint | number;
  revocationDate: Date;
  /** The revocationDate's whole Time element as given (DER or not), instead of `revocationDate`. */
  revocationDateDer?: Uint8Array;
  reason?: ReasonName;
  invalidityDate?: Date;
  /** RFC 5280 5.3.3 certificateIssuer (indirect CRLs), critical. */
  certificateIssuer?: GeneralNameInput[];
  custom?: CustomExtension[];
}

export interface IssuingDistributionPointSpec {
  fullName?: GeneralNameInput[];
  relativeName?: string;
  onlyContainsUserCerts?: boolean;
  onlyContainsCACerts?: boolean;
  onlySomeReasons?: ReasonFlagName[];
  indirectCRL?: boolean;
  onlyContainsAttributeCerts?: boolean;
}

export interface CrlSpec extends RawOverrides {
  issuer: IssuerRef;
  thisUpdate: Date;
  nextUpdate?: Date;
  crlNumber?: bigint | number;
  /** Makes a delta CRL (RFC 5280 5.2.4): the BaseCRLNumber, critical. */
  deltaBase?: bigint | number;
  entries?: CrlEntrySpec[];
  issuingDistributionPoint?: IssuingDistributionPointSpec;
  /** Default "auto": the identifier of the signing key. */
  authorityKeyIdentifier?: KeyIdSpec;
  freshestCrl?: DistributionPointInput[];
  custom?: CustomExtension[];
  /** 1 writes no extensions (no CRL number either); default 2. */
  version?: 1 | 2;
  /** Writes no version field (v1) but keeps the v2 content, extensions included (breaks RFC 5280 5.1.2.1). */
  versionAbsent?: boolean;
  /** Writes thisUpdate and nextUpdate in this form whatever the year (default: RFC 5280 5.1.2.4's choice). */
  timeEncoding?: "UTCTime" | "GeneralizedTime";
  /** Writes revokedCertificates as an empty SEQUENCE when nothing is revoked (breaks RFC 5280 5.1.2.6). */
  emptyRevokedList?: boolean;
  /** Writes this Time (DER) as thisUpdate, as given (e.g. a form RFC 5280 5.1.2.4 forbids); `thisUpdate` then only describes it. */
  thisUpdateDer?: Uint8Array;
  signature?: SignatureSpec;
  stringEncoding?: StringEncoding;
}

export interface IssuedCrl {
  readonly der: Uint8Array;
  readonly pem: string;
}

// ---------------------------------------------------------------------------
// Encoders: spec -> @peculiar/asn1-x509 objects

/** An Extension; `value` is a library object (serialized into extnValue) or raw extnValue contents. */
function extension(o: string, critical: boolean, value: object | Uint8Array): Extension {
  // critical is BOOLEAN DEFAULT FALSE: the library omits it when false (X.690 11.5).
  return new Extension({ extnID: oidText(o), critical, extnValue: new OctetString(value instanceof Uint8Array ? value : toDer(value)) });
}

const hex = (h: string) => new Uint8Array(Buffer.from(h.replace(/[:\s]/g, ""), "hex"));
const policyOid = (p: string) => oidText(p === "anyPolicy" ? ANY_POLICY : p);

function generalNames(list: readonly GeneralNameInput[], enc?: StringEncoding) {
  return list.map((g) => generalNameAsn(g, enc));
}

/**
 * A NamedBitList BIT STRING (KeyUsage, ReasonFlags): the library's number form drops
 * trailing zero bits (X.690 11.2.2); no bit at all is the empty BIT STRING.
 */
function namedBits<T extends BitString>(type: new (value?: number | Uint8Array) => T, bits: readonly number[]): T {
  if (bits.length === 0) return new type(new Uint8Array(0));
  return new type(bits.reduce((flags, b) => flags | (1 << b), 0));
}

/** DistributionPointName (RFC 5280 4.2.1.13): fullName, else nameRelativeToCRLIssuer, else none. */
function dpName(fullName: GeneralNameInput[] | undefined, relativeName: string | undefined, enc?: StringEncoding): DistributionPointName | undefined {
  if (fullName) return new DistributionPointName({ fullName: generalNames(fullName, enc) });
  if (relativeName) return new DistributionPointName({ nameRelativeToCRLIssuer: rdnAsn(relativeName, enc) });
  return undefined;
}

function reasonFlags(list: readonly ReasonFlagName[]): Reason {
  return namedBits(Reason, list.map((r) => REASON_FLAG_BITS[r]!));
}

function distributionPoints(list: readonly DistributionPointInput[], enc?: StringEncoding): DistributionPoint[] {
  return list.map((dp) => {
    const d = typeof dp === "string" ? { fullName: [dp] } : dp;
    return new DistributionPoint({
      distributionPoint: dpName(d.fullName, d.relativeName, enc),
      reasons: d.reasons ? reasonFlags(d.reasons) : undefined,
      cRLIssuer: d.crlIssuer ? generalNames(d.crlIssuer, enc) : undefined,
    });
  });
}

function keyId(spec: KeyIdSpec | undefined, key: KeyPair): Uint8Array | undefined {
  if (spec === false) return undefined;
  if (spec === undefined || spec === "auto") return keyIdentifier(key.spki);
  return hex(spec);
}

function authorityKeyIdentifier(spec: ExtensionsSpec["authorityKeyIdentifier"], issuerKey: KeyPair, enc?: StringEncoding): AuthorityKeyIdentifier | undefined {
  const o = typeof spec === "object" ? spec : { keyId: spec };
  const id = keyId(o.keyId, issuerKey);
  const issuer = typeof spec === "object" && spec.issuer ? generalNames(spec.issuer, enc) : undefined;
  const serial = typeof spec === "object" && spec.serial !== undefined ? integerOctets(spec.serial) : undefined;
  if (!id && !issuer && !serial) return undefined;
  return new AuthorityKeyIdentifier({ keyIdentifier: id && new KeyIdentifier(id), authorityCertIssuer: issuer, authorityCertSerialNumber: serial });
}

const CPS_QUALIFIER = "1.3.6.1.5.5.7.2.1";
const USER_NOTICE_QUALIFIER = "1.3.6.1.5.5.7.2.2";

function policyInformation(p: PolicyInput): PolicyInformation {
  if (typeof p === "string") return new PolicyInformation({ policyIdentifier: policyOid(p) });
  const q = [
    ...(p.cps ? [new PolicyQualifierInfo({ policyQualifierId: CPS_QUALIFIER, qualifier: toArrayBuffer(toDer(new Qualifier({ cPSuri: octetText(p.cps) }))) })] : []),
    ...(p.userNotice
      ? [
          new PolicyQualifierInfo({
            policyQualifierId: USER_NOTICE_QUALIFIER,
            qualifier: toArrayBuffer(toDer(new Qualifier({ userNotice: new UserNotice({ explicitText: new DisplayText({ utf8String: wellFormed(p.userNotice) }) }) }))),
          }),
        ]
      : []),
  ];
  return new PolicyInformation({ policyIdentifier: policyOid(p.oid), policyQualifiers: q.length ? q : undefined });
}

const accessLocation = (u: string) => generalNameAsn(u.includes(":") && !u.includes("://") ? u : `uri:${u}`);

/** The certificate extensions of `spec`, in a fixed order, custom ones last. */
function certificateExtensions(x: ExtensionsSpec, subjectKey: KeyPair, issuerKey: KeyPair, enc?: StringEncoding): Extension[] {
  const out: Extension[] = [];
  const add = (name: keyof typeof DEFAULT_CRITICAL, value: object | undefined, critical: boolean = x.critical?.[name] ?? DEFAULT_CRITICAL[name]) => {
    if (value) out.push(extension(EXT_OIDS[name], critical, value));
  };
  const ski = keyId(x.subjectKeyIdentifier, subjectKey);
  add("subjectKeyIdentifier", ski && new SubjectKeyIdentifier(ski));
  add("authorityKeyIdentifier", authorityKeyIdentifier(x.authorityKeyIdentifier, issuerKey, enc));
  if (x.basicConstraints) {
    const bc = x.basicConstraints;
    // cA is BOOLEAN DEFAULT FALSE (omitted unless true), pathLenConstraint optional.
    const value = new BasicConstraints({ cA: !!bc.cA, pathLenConstraint: bc.pathLen });
    // RFC 5280 4.2.1.9: critical in CA certificates.
    add("basicConstraints", value, bc.critical ?? x.critical?.basicConstraints ?? (DEFAULT_CRITICAL.basicConstraints && bc.cA));
  }
  add("keyUsage", x.keyUsage && namedBits(KeyUsage, x.keyUsage.map((k) => KEY_USAGE_BITS[k])));
  add("extKeyUsage", x.extKeyUsage && new ExtendedKeyUsage(x.extKeyUsage.map((e) => oidText(EKU_OIDS[e] ?? e))));
  add("subjectAltName", x.subjectAltName && new SubjectAlternativeName(generalNames(x.subjectAltName, enc)));
  add("issuerAltName", x.issuerAltName && new IssueAlternativeName(generalNames(x.issuerAltName, enc)));
  add("certificatePolicies", x.certificatePolicies && new CertificatePolicies(x.certificatePolicies.map(policyInformation)));
  add(
    "policyMappings",
    x.policyMappings &&
      new PolicyMappings(x.policyMappings.map(([i, s]) => Object.assign(new PolicyMapping(), { issuerDomainPolicy: policyOid(i), subjectDomainPolicy: policyOid(s) }))),
  );
  const pc = x.policyConstraints;
  add(
    "policyConstraints",
    pc &&
      new PolicyConstraints({
        requireExplicitPolicy: pc.requireExplicitPolicy !== undefined ? integerOctets(pc.requireExplicitPolicy) : undefined,
        inhibitPolicyMapping: pc.inhibitPolicyMapping !== undefined ? integerOctets(pc.inhibitPolicyMapping) : undefined,
      }),
  );
  add("inhibitAnyPolicy", x.inhibitAnyPolicy !== undefined ? new InhibitAnyPolicy(integerOctets(x.inhibitAnyPolicy)) : undefined);
  const nc = x.nameConstraints;
  const subtrees = (l?: GeneralNameInput[]) => l && new GeneralSubtrees(l.map((g) => new GeneralSubtree({ base: generalNameAsn(g, enc) })));
  add("nameConstraints", nc && new NameConstraints({ permittedSubtrees: subtrees(nc.permitted), excludedSubtrees: subtrees(nc.excluded) }));
  add("crlDistributionPoints", x.crlDistributionPoints && new CRLDistributionPoints(distributionPoints(x.crlDistributionPoints, enc)));
  add("freshestCrl", x.freshestCrl && new FreshestCRL(distributionPoints(x.freshestCrl, enc)));
  const aia = x.authorityInfoAccess;
  add(
    "authorityInfoAccess",
    aia &&
      new AuthorityInfoAccessSyntax([
        ...(aia.ocsp ?? []).map((u) => new AccessDescription({ accessMethod: "1.3.6.1.5.5.7.48.1", accessLocation: accessLocation(u) })),
        ...(aia.caIssuers ?? []).map((u) => new AccessDescription({ accessMethod: "1.3.6.1.5.5.7.48.2", accessLocation: accessLocation(u) })),
      ]),
  );
  // RFC 6960 4.2.2.2.1: id-pkix-ocsp-nocheck's value is NULL.
  add("ocspNoCheck", x.ocspNoCheck ? new Uint8Array(AsnNullConverter.toASN(null).toBER(false)) : undefined);
  for (const c of x.custom ?? []) out.push(extension(c.oid, c.critical ?? false, c.valueDer));
  return out;
}

/** The issuer Name: the issuer's own DER subject when known (so chaining is byte-exact), else built from its name. */
function issuerName(issuer: IssuerRef, enc?: StringEncoding): { asn: Name; der: Uint8Array } {
  if (issuer.nameDer) return { asn: embed(Name, issuer.nameDer), der: issuer.nameDer };
  const asn = nameAsn(issuer.name, enc); // a DER name is embedded as given
  return { asn, der: issuer.name instanceof Uint8Array ? issuer.name : toDer(asn) };
}

/** The TBS AlgorithmIdentifier: the raw override, or the one the issuer key signs with. */
function algorithms(issuerKey: KeyPair, sig: SignatureSpec | undefined, raw: RawOverrides) {
  const natural = signatureAlgorithm(issuerKey, sig);
  return {
    natural,
    tbs: raw.tbsAlgorithm ? embed(AlgorithmIdentifier, raw.tbsAlgorithm) : natural,
    outer: raw.outerAlgorithm ? embed(AlgorithmIdentifier, raw.outerAlgorithm) : natural,
    tbsDer: raw.tbsAlgorithm ?? toDer(natural),
  };
}

/** The signature over the DER TBS: signed by the issuer key, or the raw override. */
function signature(tbs: Uint8Array, issuerKey: KeyPair, sig: SignatureSpec | undefined, raw: RawOverrides): ArrayBuffer {
  return toArrayBuffer(raw.signatureValue ?? signer(issuerKey, sig).sign(tbs));
}

/** A Time in the form asked for, or in RFC 5280 4.1.2.5's form for its year. */
function forcedTime(d: Date, enc: "UTCTime" | "GeneralizedTime" | undefined): Time {
  if (enc === undefined) return asnTime(d);
  return new Time(enc === "UTCTime" ? { utcTime: wholeSeconds(d) } : { generalTime: wholeSeconds(d) });
}

/** Issues one certificate exactly as specified. */
export function issueCertificate(spec: CertificateSpec): IssuedCertificate {
  const enc = spec.stringEncoding;
  const subject = nameAsn(spec.subject, enc);
  const subjectDer = spec.subject instanceof Uint8Array ? spec.subject : toDer(subject);
  const issuer = issuerName(spec.issuer, enc);
  const alg = algorithms(spec.issuer.key, spec.signature, spec);
  const version = spec.version ?? 3;
  const exts = version === 1 ? [] : certificateExtensions(spec.extensions ?? {}, spec.subjectKey, spec.issuer.key, enc);
  let validity = new Validity();
  if (spec.validityDer) validity = embed(Validity, spec.validityDer);
  else {
    validity.notBefore = forcedTime(spec.notBefore, spec.timeEncoding);
    validity.notAfter = forcedTime(spec.notAfter, spec.timeEncoding);
  }
  const subjectPublicKeyInfo = embed(SubjectPublicKeyInfo, spec.subjectKey.spki);
  // Default serial: a digest of everything else, so distinct certificates get distinct serials.
  let serial: bigint;
  if (spec.serial !== undefined) serial = BigInt(spec.serial);
  else {
    const h = createHash("sha256");
    for (const part of [alg.tbsDer, issuer.der, subjectDer, spec.subjectKey.spki, toDer(validity), ...exts.map(toDer)]) h.update(part);
    serial = BigInt("0x" + h.digest("hex").slice(0, 32)) >> 1n;
  }
  const tbsCertificate = new TBSCertificate({
    version: version - 1, // DEFAULT v1: omitted for version 1
    serialNumber: integerOctets(serial),
    signature: alg.tbs,
    issuer: issuer.asn,
    validity,
    subject,
    subjectPublicKeyInfo,
    subjectUniqueID: spec.subjectUniqueId ? toArrayBuffer(spec.subjectUniqueId) : undefined,
    extensions: exts.length ? new Extensions(exts) : undefined,
  });
  const { value: signedPart, der: tbs } = encodeOnce(tbsCertificate);
  const cert = new Certificate({ tbsCertificate: signedPart, signatureAlgorithm: alg.outer, signatureValue: signature(tbs, spec.issuer.key, spec.signature, spec) });
  const der = toDer(cert);
  return Object.freeze({ der, pem: toPem(der, "CERTIFICATE"), serial, subjectDer, tbs });
}

/** Issues one CRL exactly as specified. */
export function issueCrl(spec: CrlSpec): IssuedCrl {
  const enc = spec.stringEncoding;
  const version = spec.version ?? 2;
  const alg = algorithms(spec.issuer.key, spec.signature, spec);
  const entries = (spec.entries ?? []).map((e) => {
    const ext = [
      ...(e.reason !== undefined ? [extension(EXT_OIDS.reasonCode, false, new CRLReason(CRL_REASONS[e.reason]))] : []),
      ...(e.invalidityDate ? [extension(EXT_OIDS.invalidityDate, false, new InvalidityDate(wholeSeconds(e.invalidityDate)))] : []),
      ...(e.certificateIssuer ? [extension(EXT_OIDS.certificateIssuer, true, new CertificateIssuer(generalNames(e.certificateIssuer, enc)))] : []),
      ...(e.custom ?? []).map((c) => extension(c.oid, c.critical ?? false, c.valueDer)),
    ];
    return new RevokedCertificate({
      userCertificate: integerOctets(e.serial),
      revocationDate: e.revocationDateDer ? embed(Time, e.revocationDateDer) : asnTime(e.revocationDate),
      crlEntryExtensions: ext.length && version > 1 ? ext : undefined,
    });
  });
  const exts: Extension[] = [];
  if (version > 1) {
    const aki = keyId(spec.authorityKeyIdentifier, spec.issuer.key);
    if (aki) exts.push(extension(EXT_OIDS.authorityKeyIdentifier, false, new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(aki) })));
    if (spec.crlNumber !== undefined) exts.push(extension(EXT_OIDS.crlNumber, false, crlNumber(spec.crlNumber, CRLNumber)));
    if (spec.deltaBase !== undefined) exts.push(extension(EXT_OIDS.deltaCrlIndicator, true, crlNumber(spec.deltaBase, BaseCRLNumber)));
    const idp = spec.issuingDistributionPoint;
    if (idp)
      exts.push(
        extension(
          EXT_OIDS.issuingDistributionPoint,
          true,
          // The BOOLEANs are DEFAULT FALSE: the library writes only the true ones.
          new IssuingDistributionPoint({
            distributionPoint: dpName(idp.fullName, idp.relativeName, enc),
            onlyContainsUserCerts: !!idp.onlyContainsUserCerts,
            onlyContainsCACerts: !!idp.onlyContainsCACerts,
            onlySomeReasons: idp.onlySomeReasons ? reasonFlags(idp.onlySomeReasons) : undefined,
            indirectCRL: !!idp.indirectCRL,
            onlyContainsAttributeCerts: !!idp.onlyContainsAttributeCerts,
          }),
        ),
      );
    if (spec.freshestCrl) exts.push(extension(EXT_OIDS.freshestCrl, false, new FreshestCRL(distributionPoints(spec.freshestCrl, enc))));
    for (const c of spec.custom ?? []) exts.push(extension(c.oid, c.critical ?? false, c.valueDer));
  }
  const when = (d: Date) => forcedTime(d, spec.timeEncoding);
  const tbsCertList = new TBSCertList({
    version: version > 1 && !spec.versionAbsent ? 1 : undefined, // v2 is 1; absent for v1
    signature: alg.tbs,
    issuer: issuerName(spec.issuer, enc).asn,
    thisUpdate: spec.thisUpdateDer ? embed(Time, spec.thisUpdateDer) : when(spec.thisUpdate),
    nextUpdate: spec.nextUpdate ? when(spec.nextUpdate) : undefined,
    revokedCertificates: entries.length || spec.emptyRevokedList ? entries : undefined,
    crlExtensions: exts.length ? exts : undefined,
  });
  const { value: signedPart, der: tbs } = encodeOnce(tbsCertList);
  const crl = new CertificateList({ tbsCertList: signedPart, signatureAlgorithm: alg.outer, signature: signature(tbs, spec.issuer.key, spec.signature, spec) });
  const der = toDer(crl);
  return Object.freeze({ der, pem: toPem(der, "X509 CRL") });
}

/**
 * A CRLNumber / BaseCRLNumber. The library's class holds a JS number; a CRL number
 * can be up to 20 octets (RFC 5280 5.2.3), so beyond 2^53 the INTEGER comes from the
 * library's bigint converter instead.
 */
function crlNumber(n: bigint | number, type: typeof CRLNumber): object | Uint8Array {
  const v = BigInt(n);
  if (v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)) return new type(Number(v));
  return new Uint8Array(AsnIntegerBigIntConverter.toASN(v).toBER(false));
}

// ---------------------------------------------------------------------------
// TestPki: the convenient level

/** A time: a Date, or a number of days relative to the PKI's reference time (may be fractional or negative). */
export type When = Date | number;

/** A certificate the PKI issued, usable as an issuer for the next one. */
export interface Entity extends IssuerRef {
  readonly name: NameInput;
  readonly nameDer: Uint8Array;
  readonly key: KeyPair;
  readonly der: Uint8Array;
  readonly pem: string;
  readonly serial: bigint;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** The issuing entity; undefined for a self-signed root. */
  readonly issuer?: Entity;
}

/** `null` removes an extension the kind of certificate has by default. */
export type ExtensionOverrides = { [K in keyof ExtensionsSpec]?: ExtensionsSpec[K] | null };

export interface CertOptions extends RawOverrides {
  /** The subject key; default derived from the PKI seed, the name and `keySeed`. */
  key?: KeyPair;
  keyAlg?: KeyAlg;
  /** Distinguishes keys of entities that share a name (rollover, decoys). */
  keySeed?: string;
  notBefore?: When;
  notAfter?: When;
  serial?: bigint | number;
  /** Shortcut for basicConstraints.pathLen of a CA. */
  pathLen?: number;
  /** Merged over the defaults of the kind (root, ca, ee). */
  extensions?: ExtensionOverrides;
  signature?: SignatureSpec;
  version?: 1 | 2 | 3;
  /** Writes notBefore and notAfter in this form whatever the year (breaks RFC 5280 4.1.2.5 where it differs). */
  timeEncoding?: "UTCTime" | "GeneralizedTime";
  /** Writes this subjectUniqueID (breaks RFC 5280 4.1.2.8). */
  subjectUniqueId?: Uint8Array;
  /** Writes this Validity SEQUENCE (DER) as given (e.g. fractional seconds, breaking RFC 5280 4.1.2.5.2). */
  validityDer?: Uint8Array;
  stringEncoding?: StringEncoding;
  /** Write this issuer name instead of the issuer entity's subject (to break chaining on purpose). */
  issuerName?: NameInput;
}

export interface RevokedInput {
  cert: Entity | bigint | number;
  reason?: ReasonName;
  /** Default: one day before the PKI's reference time. */
  date?: When;
  /** The revocationDate's whole Time element as given (DER or not), instead of `date`. */
  dateDer?: Uint8Array;
  invalidityDate?: Date;
  certificateIssuer?: GeneralNameInput[];
  custom?: CustomExtension[];
}

export interface CrlOptions extends RawOverrides {
  revoked?: (Entity | RevokedInput)[];
  /** Default: one day before the reference time. */
  thisUpdate?: When;
  /** Default: seven days after the reference time; null for none. */
  nextUpdate?: When | null;
  /** Default: 1, 2, 3, ... per CRL issuer name. */
  crlNumber?: bigint | number | null;
  deltaBase?: bigint | number;
  /** Sign with this key (a separate CRL signer); the issuer name stays the CA's. */
  signer?: Entity | KeyPair;
  /** Write this issuer name (e.g. an indirect CRL issuer) instead of the CA's. */
  issuerName?: NameInput;
  issuingDistributionPoint?: IssuingDistributionPointSpec;
  authorityKeyIdentifier?: KeyIdSpec;
  freshestCrl?: DistributionPointInput[];
  custom?: CustomExtension[];
  version?: 1 | 2;
  /** Writes this Time (DER) as thisUpdate, as given. */
  thisUpdateDer?: Uint8Array;
  signature?: SignatureSpec;
}

export interface TestPkiOptions {
  /** The reference time that relative validity is measured from. Default 2025-01-01T00:00:00Z. */
  now?: Date;
  /** Seeds every derived key; two PKIs with different seeds have different keys. */
  seed?: string;
  /** Default key algorithm. Default ed25519. */
  keyAlg?: KeyAlg;
  stringEncoding?: StringEncoding;
  signature?: SignatureSpec;
}

const DAY = 86_400_000;

type Kind = "root" | "ca" | "ee";

const DEFAULTS: Record<Kind, { notBefore: number; notAfter: number; extensions: (o: CertOptions) => ExtensionsSpec }> = {
  root: {
    notBefore: -365,
    notAfter: 3650,
    extensions: (o) => ({ basicConstraints: { cA: true, pathLen: o.pathLen }, keyUsage: ["keyCertSign", "cRLSign"] }),
  },
  ca: {
    notBefore: -180,
    notAfter: 1825,
    extensions: (o) => ({ basicConstraints: { cA: true, pathLen: o.pathLen }, keyUsage: ["keyCertSign", "cRLSign"] }),
  },
  ee: { notBefore: -30, notAfter: 365, extensions: () => ({ keyUsage: ["digitalSignature"] }) },
};

export class TestPki {
  readonly now: Date;
  readonly seed: string;
  readonly keyAlg: KeyAlg;
  private readonly o: TestPkiOptions;
  private readonly crlNumbers = new Map<string, bigint>();
  private rollovers = 0;

  constructor(o: TestPkiOptions = {}) {
    this.o = o;
    this.now = o.now ?? new Date("2025-01-01T00:00:00Z");
    this.seed = o.seed ?? "certpath-test-pki";
    this.keyAlg = o.keyAlg ?? "ed25519";
  }

  /** A Date for `w` (days relative to `now` when a number). */
  at(w: When): Date {
    return w instanceof Date ? w : new Date(this.now.getTime() + Math.round(w * DAY));
  }

  /** The derived key for `name` (what root/ca/ee use unless given one). */
  keyFor(name: NameInput, keyAlg: KeyAlg = this.keyAlg, keySeed = ""): KeyPair {
    return generateKey(keyAlg, `${this.seed}|${nameLabel(name)}|${keySeed}`);
  }

  /** A self-signed root. */
  root(name: NameInput, opts: CertOptions = {}): Entity {
    const key = opts.key ?? this.keyFor(name, opts.keyAlg, opts.keySeed);
    const nameDer = encodeName(name, opts.stringEncoding ?? this.o.stringEncoding);
    return this.make("root", name, key, { name, key, nameDer }, undefined, opts);
  }

  /** A CA certificate issued by `issuer`. */
  ca(name: NameInput, issuer: Entity, opts: CertOptions = {}): Entity {
    return this.issue("ca", name, issuer, opts);
  }

  /** An end-entity certificate issued by `issuer`. */
  ee(name: NameInput, issuer: Entity, opts: CertOptions = {}): Entity {
    return this.issue("ee", name, issuer, opts);
  }

  /** A cross-certificate: the subject name and key of `to`, issued by `from` (a CA certificate). */
  cross(from: Entity, to: Entity, opts: CertOptions = {}): Entity {
    return this.make("ca", to.name, opts.key ?? to.key, from, from, { ...opts, nameDer: to.nameDer } as CertOptions);
  }

  /**
   * A key rollover certificate (RFC 4210 4.4): a new key for `ca`, certified under
   * its old key. Self-issued (same name); issue below the returned entity with the new key.
   */
  rollover(ca: Entity, opts: CertOptions = {}): Entity {
    const key = opts.key ?? this.keyFor(ca.name, opts.keyAlg ?? ca.key.alg, opts.keySeed ?? `rollover-${++this.rollovers}`);
    return this.make("ca", ca.name, key, ca, ca, { ...opts, nameDer: ca.nameDer } as CertOptions);
  }

  /** A separate CRL-signing certificate for `ca`: same name, own key, keyUsage cRLSign, issued by `ca`. */
  crlSigner(ca: Entity, opts: CertOptions = {}): Entity {
    const key = opts.key ?? this.keyFor(ca.name, opts.keyAlg ?? ca.key.alg, opts.keySeed ?? "crl-signer");
    const extensions: ExtensionOverrides = { keyUsage: ["cRLSign"], ...opts.extensions };
    return this.make("ee", ca.name, key, ca, ca, { ...opts, extensions, nameDer: ca.nameDer } as CertOptions);
  }

  /** A CRL of `ca` (or, with `signer`, signed by a separate CRL key under the CA's name). */
  crl(ca: Entity, opts: CrlOptions = {}): IssuedCrl {
    const key = opts.signer ? ("der" in opts.signer ? opts.signer.key : opts.signer) : ca.key;
    const issuerDer = opts.issuerName !== undefined ? encodeName(opts.issuerName, this.o.stringEncoding) : ca.nameDer;
    const numberKey = Buffer.from(issuerDer).toString("hex");
    let crlNumber: bigint | undefined;
    if (opts.crlNumber === null) crlNumber = undefined;
    else if (opts.crlNumber !== undefined) crlNumber = BigInt(opts.crlNumber);
    else {
      crlNumber = (this.crlNumbers.get(numberKey) ?? 0n) + 1n;
      this.crlNumbers.set(numberKey, crlNumber);
    }
    const entries: CrlEntrySpec[] = (opts.revoked ?? []).map((r) => {
      const x: RevokedInput = "der" in r ? { cert: r } : r;
      const serial = typeof x.cert === "object" ? x.cert.serial : BigInt(x.cert);
      return {
        serial,
        revocationDate: this.at(x.date ?? -1),
        revocationDateDer: x.dateDer,
        reason: x.reason,
        invalidityDate: x.invalidityDate,
        certificateIssuer: x.certificateIssuer,
        custom: x.custom,
      };
    });
    return issueCrl({
      ...opts,
      issuer: { name: opts.issuerName ?? ca.name, key, nameDer: issuerDer },
      thisUpdate: this.at(opts.thisUpdate ?? -1),
      nextUpdate: opts.nextUpdate === null ? undefined : this.at(opts.nextUpdate ?? 7),
      crlNumber,
      entries,
      signature: opts.signature ?? this.o.signature,
      stringEncoding: this.o.stringEncoding,
    });
  }

  private issue(kind: Kind, name: NameInput, issuer: Entity, opts: CertOptions): Entity {
    const key = opts.key ?? this.keyFor(name, opts.keyAlg, opts.keySeed);
    return this.make(kind, name, key, issuer, issuer, opts);
  }

  private make(kind: Kind, name: NameInput, key: KeyPair, signerRef: IssuerRef, issuer: Entity | undefined, opts: CertOptions & { nameDer?: Uint8Array }): Entity {
    const d = DEFAULTS[kind];
    const enc = opts.stringEncoding ?? this.o.stringEncoding;
    const merged: Record<string, unknown> = { ...d.extensions(opts) };
    for (const [k, v] of Object.entries(opts.extensions ?? {})) {
      if (v === null) delete merged[k];
      else if (v !== undefined) merged[k] = v;
    }
    const notBefore = this.at(opts.notBefore ?? d.notBefore);
    const notAfter = this.at(opts.notAfter ?? d.notAfter);
    const subject = opts.nameDer ?? name; // written with `enc` by issueCertificate
    const issuerRef: IssuerRef =
      opts.issuerName !== undefined ? { name: opts.issuerName, key: signerRef.key } : { name: signerRef.name, key: signerRef.key, nameDer: signerRef.nameDer };
    const cert = issueCertificate({
      ...opts,
      subject,
      issuer: issuerRef,
      subjectKey: key,
      notBefore,
      notAfter,
      extensions: merged as ExtensionsSpec,
      signature: opts.signature ?? this.o.signature,
      stringEncoding: enc,
    });
    return Object.freeze({ name, nameDer: cert.subjectDer, key, der: cert.der, pem: cert.pem, serial: cert.serial, notBefore, notAfter, issuer });
  }
}
