// A generator of test PKIs: certificates and CRLs described declaratively and
// written byte by byte (./der.ts), signed with node:crypto (./keys.ts).
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
import {
  bool,
  concat,
  explicit,
  generalizedTime,
  implicit,
  integer,
  integerContent,
  namedBits,
  bitString,
  octets,
  oid,
  seq,
  time,
  tlv,
  toPem,
  ia5,
  utf8,
} from "./der.js";
import { generateKey, keyIdentifier, signer, type KeyAlg, type KeyPair, type SignatureSpec } from "./keys.js";
import { encodeGeneralName, encodeName, encodeRdn, nameLabel, type GeneralNameInput, type NameInput, type StringEncoding } from "./names.js";

export * from "./keys.js";
export * from "./names.js";
export { toPem } from "./der.js";

// ---------------------------------------------------------------------------
// Vocabulary

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
  anyExtendedKeyUsage: "2.5.29.37.0",
  serverAuth: "1.3.6.1.5.5.7.3.1",
  clientAuth: "1.3.6.1.5.5.7.3.2",
  codeSigning: "1.3.6.1.5.5.7.3.3",
  emailProtection: "1.3.6.1.5.5.7.3.4",
  timeStamping: "1.3.6.1.5.5.7.3.8",
  OCSPSigning: "1.3.6.1.5.5.7.3.9",
};

/** KeyUsage bits (RFC 5280 4.2.1.3). */
export const KEY_USAGE_BITS = {
  digitalSignature: 0,
  nonRepudiation: 1,
  contentCommitment: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
  encipherOnly: 7,
  decipherOnly: 8,
} as const;
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
  signature?: SignatureSpec;
  stringEncoding?: StringEncoding;
}

export interface IssuedCrl {
  readonly der: Uint8Array;
  readonly pem: string;
}

// ---------------------------------------------------------------------------
// Encoders

function extension(o: string, critical: boolean, value: Uint8Array): Uint8Array {
  return seq(oid(o), ...(critical ? [bool(true)] : []), octets(value));
}

const hex = (h: string) => new Uint8Array(Buffer.from(h.replace(/[:\s]/g, ""), "hex"));
const policyOid = (p: string) => (p === "anyPolicy" ? ANY_POLICY : p);

function generalNames(list: readonly GeneralNameInput[], enc?: StringEncoding): Uint8Array[] {
  return list.map((g) => encodeGeneralName(g, enc));
}

/** DistributionPointName (RFC 5280 4.2.1.13) as the content of a [0] EXPLICIT wrapper. */
function dpName(fullName: GeneralNameInput[] | undefined, relativeName: string | undefined, enc?: StringEncoding): Uint8Array | undefined {
  if (fullName) return tlv(0xa0, ...generalNames(fullName, enc));
  if (relativeName) return implicit(1, encodeRdn(relativeName, enc));
  return undefined;
}

function reasonFlags(list: readonly ReasonFlagName[]): Uint8Array {
  return namedBits(list.map((r) => REASON_FLAG_BITS[r]!));
}

function distributionPoints(list: readonly DistributionPointInput[], enc?: StringEncoding): Uint8Array {
  return seq(
    ...list.map((dp) => {
      const d = typeof dp === "string" ? { fullName: [dp] } : dp;
      const name = dpName(d.fullName, d.relativeName, enc);
      return seq(
        ...(name ? [explicit(0, name)] : []),
        ...(d.reasons ? [implicit(1, reasonFlags(d.reasons))] : []),
        ...(d.crlIssuer ? [tlv(0xa2, ...generalNames(d.crlIssuer, enc))] : []),
      );
    }),
  );
}

function keyId(spec: KeyIdSpec | undefined, key: KeyPair): Uint8Array | undefined {
  if (spec === false) return undefined;
  if (spec === undefined || spec === "auto") return keyIdentifier(key.spki);
  return hex(spec);
}

function authorityKeyIdentifier(spec: ExtensionsSpec["authorityKeyIdentifier"], issuerKey: KeyPair, enc?: StringEncoding): Uint8Array | undefined {
  const o = typeof spec === "object" ? spec : { keyId: spec };
  const id = keyId(o.keyId, issuerKey);
  const parts = [
    ...(id ? [tlv(0x80, id)] : []),
    ...(typeof spec === "object" && spec.issuer ? [tlv(0xa1, ...generalNames(spec.issuer, enc))] : []),
    ...(typeof spec === "object" && spec.serial !== undefined ? [tlv(0x82, integerContent(BigInt(spec.serial)))] : []),
  ];
  return parts.length ? seq(...parts) : undefined;
}

function policyInformation(p: PolicyInput): Uint8Array {
  if (typeof p === "string") return seq(oid(policyOid(p)));
  const q = [
    ...(p.cps ? [seq(oid("1.3.6.1.5.5.7.2.1"), ia5(p.cps))] : []),
    ...(p.userNotice ? [seq(oid("1.3.6.1.5.5.7.2.2"), seq(utf8(p.userNotice)))] : []),
  ];
  return seq(oid(policyOid(p.oid)), ...(q.length ? [seq(...q)] : []));
}

/** The certificate extensions of `spec`, in a fixed order, custom ones last. */
function certificateExtensions(x: ExtensionsSpec, subjectKey: KeyPair, issuerKey: KeyPair, enc?: StringEncoding): Uint8Array[] {
  const out: Uint8Array[] = [];
  const add = (name: keyof NonNullable<ExtensionsSpec["critical"]>, dflt: boolean, value: Uint8Array | undefined) => {
    if (value) out.push(extension(EXT_OIDS[name as keyof typeof EXT_OIDS], x.critical?.[name] ?? dflt, value));
  };
  const ski = keyId(x.subjectKeyIdentifier, subjectKey);
  add("subjectKeyIdentifier", false, ski && octets(ski));
  add("authorityKeyIdentifier", false, authorityKeyIdentifier(x.authorityKeyIdentifier, issuerKey, enc));
  if (x.basicConstraints) {
    const bc = x.basicConstraints;
    const value = seq(...(bc.cA ? [bool(true)] : []), ...(bc.pathLen !== undefined ? [integer(bc.pathLen)] : []));
    add("basicConstraints", bc.critical ?? x.critical?.basicConstraints ?? bc.cA, value);
  }
  add("keyUsage", true, x.keyUsage && namedBits(x.keyUsage.map((k) => KEY_USAGE_BITS[k])));
  add("extKeyUsage", false, x.extKeyUsage && seq(...x.extKeyUsage.map((e) => oid(EKU_OIDS[e] ?? e))));
  add("subjectAltName", false, x.subjectAltName && seq(...generalNames(x.subjectAltName, enc)));
  add("issuerAltName", false, x.issuerAltName && seq(...generalNames(x.issuerAltName, enc)));
  add("certificatePolicies", false, x.certificatePolicies && seq(...x.certificatePolicies.map(policyInformation)));
  add("policyMappings", true, x.policyMappings && seq(...x.policyMappings.map(([i, s]) => seq(oid(policyOid(i)), oid(policyOid(s))))));
  const pc = x.policyConstraints;
  add(
    "policyConstraints",
    true,
    pc &&
      seq(
        ...(pc.requireExplicitPolicy !== undefined ? [tlv(0x80, integerContent(BigInt(pc.requireExplicitPolicy)))] : []),
        ...(pc.inhibitPolicyMapping !== undefined ? [tlv(0x81, integerContent(BigInt(pc.inhibitPolicyMapping)))] : []),
      ),
  );
  add("inhibitAnyPolicy", true, x.inhibitAnyPolicy !== undefined ? integer(x.inhibitAnyPolicy) : undefined);
  const nc = x.nameConstraints;
  const subtrees = (tag: number, l?: GeneralNameInput[]) => (l ? [tlv(tag, ...l.map((g) => seq(encodeGeneralName(g, enc))))] : []);
  add("nameConstraints", true, nc && seq(...subtrees(0xa0, nc.permitted), ...subtrees(0xa1, nc.excluded)));
  add("crlDistributionPoints", false, x.crlDistributionPoints && distributionPoints(x.crlDistributionPoints, enc));
  add("freshestCrl", false, x.freshestCrl && distributionPoints(x.freshestCrl, enc));
  const aia = x.authorityInfoAccess;
  add(
    "authorityInfoAccess",
    false,
    aia &&
      seq(
        ...(aia.ocsp ?? []).map((u) => seq(oid("1.3.6.1.5.5.7.48.1"), encodeGeneralName(u.includes(":") && !u.includes("://") ? u : `uri:${u}`))),
        ...(aia.caIssuers ?? []).map((u) => seq(oid("1.3.6.1.5.5.7.48.2"), encodeGeneralName(u.includes(":") && !u.includes("://") ? u : `uri:${u}`))),
      ),
  );
  add("ocspNoCheck", false, x.ocspNoCheck ? Uint8Array.of(0x05, 0x00) : undefined);
  for (const c of x.custom ?? []) out.push(extension(c.oid, c.critical ?? false, c.valueDer));
  return out;
}

/** Signs `tbs` and assembles SEQUENCE { tbs, algorithm, BIT STRING signature } (certificates and CRLs alike). */
function signed(tbs: Uint8Array, issuerKey: KeyPair, sig: SignatureSpec | undefined, raw: RawOverrides, outerDefault: Uint8Array): Uint8Array {
  const signature = raw.signatureValue ?? signer(issuerKey, sig).sign(tbs);
  return seq(tbs, raw.outerAlgorithm ?? outerDefault, bitString(signature));
}

function issuerNameDer(issuer: IssuerRef, enc?: StringEncoding): Uint8Array {
  return issuer.nameDer ?? encodeName(issuer.name, enc);
}

/** Issues one certificate exactly as specified. */
export function issueCertificate(spec: CertificateSpec): IssuedCertificate {
  const enc = spec.stringEncoding;
  const subjectDer = encodeName(spec.subject, enc);
  const issuerDer = issuerNameDer(spec.issuer, enc);
  const natural = signer(spec.issuer.key, spec.signature).algorithmId;
  const version = spec.version ?? 3;
  const exts = version === 1 ? [] : certificateExtensions(spec.extensions ?? {}, spec.subjectKey, spec.issuer.key, enc);
  const validity = seq(time(spec.notBefore), time(spec.notAfter));
  // Default serial: a digest of everything else, so distinct certificates get distinct serials.
  const serial =
    spec.serial !== undefined
      ? BigInt(spec.serial)
      : BigInt("0x" + createHash("sha256").update(concat(spec.tbsAlgorithm ?? natural, issuerDer, subjectDer, spec.subjectKey.spki, validity, ...exts)).digest("hex").slice(0, 32)) >> 1n;
  const tbs = seq(
    ...(version > 1 ? [explicit(0, integer(version - 1))] : []),
    integer(serial),
    spec.tbsAlgorithm ?? natural,
    issuerDer,
    validity,
    subjectDer,
    spec.subjectKey.spki,
    ...(exts.length ? [explicit(3, seq(...exts))] : []),
  );
  const outer = spec.outerAlgorithm ?? natural;
  const der = signed(tbs, spec.issuer.key, spec.signature, spec, outer);
  return Object.freeze({ der, pem: toPem(der, "CERTIFICATE"), serial, subjectDer, tbs });
}

/** Issues one CRL exactly as specified. */
export function issueCrl(spec: CrlSpec): IssuedCrl {
  const enc = spec.stringEncoding;
  const version = spec.version ?? 2;
  const natural = signer(spec.issuer.key, spec.signature).algorithmId;
  const entries = (spec.entries ?? []).map((e) => {
    const ext = [
      ...(e.reason !== undefined ? [extension(EXT_OIDS.reasonCode, false, tlv(0x0a, integerContent(BigInt(CRL_REASONS[e.reason]))))] : []),
      ...(e.invalidityDate ? [extension(EXT_OIDS.invalidityDate, false, generalizedTime(e.invalidityDate))] : []),
      ...(e.certificateIssuer ? [extension(EXT_OIDS.certificateIssuer, true, seq(...generalNames(e.certificateIssuer, enc)))] : []),
      ...(e.custom ?? []).map((c) => extension(c.oid, c.critical ?? false, c.valueDer)),
    ];
    return seq(integer(BigInt(e.serial)), time(e.revocationDate), ...(ext.length && version > 1 ? [seq(...ext)] : []));
  });
  const exts: Uint8Array[] = [];
  if (version > 1) {
    const aki = keyId(spec.authorityKeyIdentifier, spec.issuer.key);
    if (aki) exts.push(extension(EXT_OIDS.authorityKeyIdentifier, false, seq(tlv(0x80, aki))));
    if (spec.crlNumber !== undefined) exts.push(extension(EXT_OIDS.crlNumber, false, integer(BigInt(spec.crlNumber))));
    if (spec.deltaBase !== undefined) exts.push(extension(EXT_OIDS.deltaCrlIndicator, true, integer(BigInt(spec.deltaBase))));
    const idp = spec.issuingDistributionPoint;
    if (idp) {
      const name = dpName(idp.fullName, idp.relativeName, enc);
      exts.push(
        extension(
          EXT_OIDS.issuingDistributionPoint,
          true,
          seq(
            ...(name ? [explicit(0, name)] : []),
            ...(idp.onlyContainsUserCerts ? [tlv(0x81, Uint8Array.of(0xff))] : []),
            ...(idp.onlyContainsCACerts ? [tlv(0x82, Uint8Array.of(0xff))] : []),
            ...(idp.onlySomeReasons ? [implicit(3, reasonFlags(idp.onlySomeReasons))] : []),
            ...(idp.indirectCRL ? [tlv(0x84, Uint8Array.of(0xff))] : []),
            ...(idp.onlyContainsAttributeCerts ? [tlv(0x85, Uint8Array.of(0xff))] : []),
          ),
        ),
      );
    }
    if (spec.freshestCrl) exts.push(extension(EXT_OIDS.freshestCrl, false, distributionPoints(spec.freshestCrl, enc)));
    for (const c of spec.custom ?? []) exts.push(extension(c.oid, c.critical ?? false, c.valueDer));
  }
  const tbs = seq(
    ...(version > 1 ? [integer(1)] : []),
    spec.tbsAlgorithm ?? natural,
    issuerNameDer(spec.issuer, enc),
    time(spec.thisUpdate),
    ...(spec.nextUpdate ? [time(spec.nextUpdate)] : []),
    ...(entries.length ? [seq(...entries)] : []),
    ...(exts.length ? [explicit(0, seq(...exts))] : []),
  );
  const outer = spec.outerAlgorithm ?? natural;
  const der = signed(tbs, spec.issuer.key, spec.signature, spec, outer);
  return Object.freeze({ der, pem: toPem(der, "X509 CRL") });
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
  stringEncoding?: StringEncoding;
  /** Write this issuer name instead of the issuer entity's subject (to break chaining on purpose). */
  issuerName?: NameInput;
}

export interface RevokedInput {
  cert: Entity | bigint | number;
  reason?: ReasonName;
  /** Default: one day before the PKI's reference time. */
  date?: When;
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
    const subject = opts.nameDer ?? encodeName(name, enc);
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
