// X.509 CRLs (RFC 5280 5) into an immutable model, extensions decoded once.
import { AsnConvert } from "@peculiar/asn1-schema";
import {
  Extensions,
  Time,
  IssuingDistributionPoint,
  AuthorityKeyIdentifier as AsnAki,
  FreshestCRL,
  Extension as AsnExtension,
} from "@peculiar/asn1-x509";
import { OID } from "./oids.js";
import { MalformedError } from "./errors.js";
import { checkOuterSequence, checkSignedStructure, derAlgorithm, derBytes, derChildren, derIntegerToBigInt, derTime, inputToDers, type DerElement } from "./der.js";
import { ParseCache } from "./cache.js";
import { dnFromDerElement, type DistinguishedName } from "./name.js";
import { RevokedList, type CrlEntry, type DeadlineCheck } from "./crl-entries.js";
import { WorkLimitError, activeWorkLimit } from "./deadline.js";
import {
  authorityKeyId,
  bitStringMask,
  distributionPointName,
  distributionPoints,
  signedDocument,
  timeEncodingOf,
  type TimeEncoding,
  type AuthorityKeyId,
  type DistributionPoint,
  type DistributionPointName,
  type ReasonMask,
  type SignedDocument,
} from "./certificate.js";

/** RFC 5280 5.3.1 CRLReason values. */
export const REASON_NAMES = [
  "unspecified",
  "keyCompromise",
  "cACompromise",
  "affiliationChanged",
  "superseded",
  "cessationOfOperation",
  "certificateHold",
  "(unused 7)",
  "removeFromCRL",
  "privilegeWithdrawn",
  "aACompromise",
] as const;

export { RevokedList, type CrlEntry, type DeadlineCheck } from "./crl-entries.js";

export interface IssuingDistributionPointInfo {
  readonly name?: DistributionPointName;
  readonly onlyUserCerts: boolean;
  readonly onlyCACerts: boolean;
  readonly onlySomeReasons?: ReasonMask;
  readonly indirectCRL: boolean;
  readonly onlyAttributeCerts: boolean;
}

export interface Crl extends SignedDocument {
  readonly issuer: DistinguishedName;
  readonly thisUpdate: Date;
  readonly nextUpdate?: Date;
  readonly crlNumber?: bigint;
  /** The cRLNumber extension is marked critical (RFC 5280 5.2.3: it MUST NOT be). */
  readonly crlNumberCritical?: boolean;
  /** Present on a delta CRL (RFC 5280 5.2.4): the BaseCRLNumber. */
  readonly deltaBase?: bigint;
  readonly issuingDistributionPoint?: IssuingDistributionPointInfo;
  readonly authorityKeyId?: AuthorityKeyId;
  readonly freshestCrl?: readonly DistributionPoint[];
  readonly unknownCriticalExtensions: readonly string[];
  /**
   * The revoked certificates, indexed by serial number and decoded on lookup
   * (`revoked.find(serial)`); indirect CRLs' certificateIssuer is carried forward (RFC 5280 5.3.3).
   */
  readonly revoked: RevokedList;
  /** Every crlExtension, in order, with its criticality (for the profile rules of RFC 5280 5.2). */
  readonly extensions: readonly { readonly oid: string; readonly critical: boolean }[];
  /** How thisUpdate and nextUpdate were encoded (RFC 5280 5.1.2.4, 5.1.2.5). */
  readonly timeEncoding: { readonly thisUpdate: TimeEncoding; readonly nextUpdate?: TimeEncoding };
  /** revokedCertificates is present but holds no entry (RFC 5280 5.1.2.6: it MUST then be absent). */
  readonly emptyRevokedList: boolean;
  readonly what: string;
}


const KNOWN_CRL_EXTENSIONS = new Set<string>([
  OID.authorityKeyIdentifier,
  OID.issuerAltName,
  OID.crlNumber,
  OID.deltaCRLIndicator,
  OID.issuingDistributionPoint,
  OID.freshestCRL,
  OID.authorityInfoAccess,
]);

function uniqueExtensions(exts: readonly AsnExtension[], what: string): void {
  const seen = new Set<string>();
  for (const e of exts) {
    if (seen.has(e.extnID)) throw new MalformedError("MALFORMED_CRL", `${what}: extension ${e.extnID} appears twice (RFC 5280 5.2)`);
    seen.add(e.extnID);
  }
}

/**
 * Parsed CRLs, by the SHA-256 of their DER, bounded by the bytes they hold (DER plus
 * serial index): a count bound let 154 large CRLs hold 436 MB. See crlCacheLimits().
 */
export const crlCache = new ParseCache<Crl>(2_000, { maxBytes: 256 * 1024 * 1024, sizeOf: (c) => c.der.length + c.revoked.indexBytes });

/** The CRL parse cache's bounds and what it holds now. */
export function crlCacheLimits(): { maxEntries: number; maxBytes: number; entries: number; bytes: number } {
  return crlCache.stats();
}

/** Sets the CRL parse cache's byte bound (and optionally its entry bound); evicts at once. */
export function setCrlCacheLimits(limits: { maxBytes?: number; maxEntries?: number }): void {
  crlCache.setLimits(limits);
}

interface TbsCertListParts {
  version?: number;
  signature: ReturnType<typeof derAlgorithm>;
  issuer: DistinguishedName;
  thisUpdate: Date;
  thisUpdateTag: number;
  nextUpdate?: Date;
  nextUpdateTag?: number;
  revokedCertificates?: DerElement;
  crlExtensions?: AsnExtension[];
}

/**
 * TBSCertList (RFC 5280 5.1), field by field. The schema parser mis-assigns the fields
 * after an absent nextUpdate (it drops the revoked certificates and the extensions), so
 * the positional split is done here with the DER walker and each field is decoded with
 * the @peculiar/asn1-x509 class for it.
 */
/**
 * The revokedCertificates element of a TBSCertList's fields (RFC 5280 5.1: version?,
 * signature, issuer, thisUpdate, nextUpdate?, revokedCertificates?), when the fields
 * before it have that shape; undefined otherwise.
 */
function revokedListField(fields: readonly DerElement[]): { at: number; el?: DerElement } {
  let i = 0;
  if (fields[i]?.tag === 0x02) i++;
  if (fields[i]?.tag !== 0x30 || fields[i + 1]?.tag !== 0x30) return { at: -1 };
  i += 2;
  const isTime = (e: DerElement | undefined) => e?.tag === 0x17 || e?.tag === 0x18;
  if (!isTime(fields[i])) return { at: -1 };
  i++;
  if (isTime(fields[i])) i++;
  return fields[i]?.tag === 0x30 ? { at: i, el: fields[i] } : { at: i };
}

/**
 * For checkSignedStructure: the revoked list, whose entries RevokedList walks and checks
 * by the DER rules itself. Walking them twice (checkDer's generic recursion, then the
 * index) was about half of the parse of a 1.37M-entry CRL set (measured, bench/crl-set.mjs).
 */
function revokedListChecked(der: Uint8Array): (tbs: DerElement) => DerElement | undefined {
  return (tbs) => revokedListField(derChildren(der, tbs)).el;
}

function splitTbsCertList(der: Uint8Array, tbs: DerElement): TbsCertListParts {
  const fields = derChildren(der, tbs);
  const raw = (e: DerElement) => derBytes(der, e);
  const isTime = (e: DerElement | undefined) => e?.tag === 0x17 || e?.tag === 0x18;
  let i = 0;
  const out: Partial<TbsCertListParts> = {};
  if (fields[i]?.tag === 0x02) {
    const v = fields[i++]!;
    if (v.end - v.start !== 1) throw new Error("bad version");
    out.version = der[v.start]!;
  }
  if (fields[i]?.tag !== 0x30) throw new Error("tbsCertList.signature is missing");
  out.signature = derAlgorithm(der, fields[i++]!);
  if (fields[i]?.tag !== 0x30) throw new Error("tbsCertList.issuer is missing");
  // Name and Time with the DER walker, as for certificates (the schema parser took about a
  // quarter of the parse of the bench/crl-set.mjs set, measured: 414 of 1,487 ms).
  out.issuer = dnFromDerElement(der, fields[i++]!);
  // Time ::= CHOICE { utcTime UTCTime (23), generalTime GeneralizedTime (24) }
  if (!isTime(fields[i])) throw new Error("tbsCertList.thisUpdate is missing");
  // RFC 5280 5.1.2.4, 5.1.2.5 and X.690 11.7, 11.8 (DER): YYMMDDHHMMSSZ or YYYYMMDDHHMMSS[.f]Z.
  // Any other form (a local time without "Z", an offset) is not DER; read leniently it took the
  // machine's time zone, so whether the CRL was current depended on it.
  const time = (e: DerElement, what: string) => {
    const d = derTime(der, e);
    if (!d) throw new Error(`${what} is not a DER UTCTime YYMMDDHHMMSSZ or GeneralizedTime YYYYMMDDHHMMSS[.f]Z (RFC 5280 5.1.2.4)`);
    return d;
  };
  out.thisUpdateTag = fields[i]!.tag;
  out.thisUpdate = time(fields[i++]!, "thisUpdate");
  if (isTime(fields[i])) {
    out.nextUpdateTag = fields[i]!.tag;
    out.nextUpdate = time(fields[i++]!, "nextUpdate");
  }
  // The entries are indexed lazily (crl-entries.ts), not decoded here.
  if (fields[i]?.tag === 0x30) out.revokedCertificates = fields[i++]!;
  if (fields[i]?.tag === 0xa0) {
    const inner = derChildren(der, fields[i++]!)[0];
    if (!inner) throw new Error("empty crlExtensions");
    out.crlExtensions = [...AsnConvert.parse(raw(inner), Extensions)];
  }
  if (i !== fields.length) throw new Error("unexpected field in tbsCertList");
  return out as TbsCertListParts;
}

export interface CrlParseOptions {
  /** Called every few thousand entries of a long CRL; throwing stops the parse (the call's deadline). */
  checkTime?: DeadlineCheck;
}

/** Parses one DER CRL, or returns the model already parsed from the same bytes. */
export function parseCrl(der: Uint8Array, what = "CRL", opts: CrlParseOptions = {}): Crl {
  // Without an explicit check, the call's deadline active around this synchronous parse (parsing/deadline.ts).
  const limit = activeWorkLimit();
  const checkTime = opts.checkTime ?? (limit ? () => limit.checkTime() : undefined);
  const crl = crlCache.get(der, (sha256) => parseCrlUncached(der, what, checkTime, sha256));
  // The label names this call's input; the rest of the model is shared.
  return crl.what === what ? crl : Object.freeze({ ...crl, what });
}

/** Parses one DER CRL. Throws MalformedError (never anything else). */
function parseCrlUncached(input: Uint8Array, what: string, checkTime?: DeadlineCheck, sha256?: Buffer): Crl {
  // Our own copy: the model (and the cache) must not change if the caller reuses its buffer.
  const der = input.slice();
  checkOuterSequence(der, "MALFORMED_CRL", what);
  const parts = checkSignedStructure(der, "MALFORMED_CRL", what, revokedListChecked(der));
  try {
    const tbs = splitTbsCertList(der, parts.tbs);
    const exts = tbs.crlExtensions ?? [];
    uniqueExtensions(exts, what);
    let crlNumber: bigint | undefined;
    let crlNumberCritical = false;
    let deltaBase: bigint | undefined;
    let idp: IssuingDistributionPointInfo | undefined;
    let aki: AuthorityKeyId | undefined;
    let freshest: DistributionPoint[] | undefined;
    const unknown: string[] = [];
    for (const ext of exts) {
      const v = ext.extnValue.buffer;
      switch (ext.extnID) {
        case OID.crlNumber:
          crlNumber = derIntegerToBigInt(v, "MALFORMED_CRL", `${what} cRLNumber`);
          crlNumberCritical = !!ext.critical;
          break;
        case OID.deltaCRLIndicator:
          deltaBase = derIntegerToBigInt(v, "MALFORMED_CRL", `${what} deltaCRLIndicator`);
          break;
        case OID.issuingDistributionPoint: {
          const p = AsnConvert.parse(v, IssuingDistributionPoint);
          idp = Object.freeze({
            name: distributionPointName(p.distributionPoint),
            onlyUserCerts: !!p.onlyContainsUserCerts,
            onlyCACerts: !!p.onlyContainsCACerts,
            onlySomeReasons: p.onlySomeReasons ? bitStringMask(p.onlySomeReasons) : undefined,
            indirectCRL: !!p.indirectCRL,
            onlyAttributeCerts: !!p.onlyContainsAttributeCerts,
          });
          break;
        }
        case OID.authorityKeyIdentifier:
          aki = authorityKeyId(AsnConvert.parse(v, AsnAki));
          break;
        case OID.freshestCRL:
          freshest = distributionPoints(AsnConvert.parse(v, FreshestCRL));
          break;
        default:
          if (ext.critical && !KNOWN_CRL_EXTENSIONS.has(ext.extnID)) unknown.push(ext.extnID);
      }
    }
    const revoked = RevokedList.build(der, tbs.revokedCertificates, what, checkTime);
    const thisUpdate = tbs.thisUpdate;
    const nextUpdate = tbs.nextUpdate;
    if (isNaN(thisUpdate.getTime()) || (nextUpdate && isNaN(nextUpdate.getTime()))) throw new Error("bad thisUpdate/nextUpdate");
    return Object.freeze({
      ...signedDocument(der, parts, tbs.signature, tbs.version, sha256),
      issuer: tbs.issuer,
      thisUpdate,
      nextUpdate,
      crlNumber,
      crlNumberCritical,
      deltaBase,
      issuingDistributionPoint: idp,
      authorityKeyId: aki,
      freshestCrl: freshest,
      unknownCriticalExtensions: Object.freeze(unknown),
      revoked,
      extensions: Object.freeze(exts.map((e) => Object.freeze({ oid: e.extnID, critical: !!e.critical }))),
      timeEncoding: Object.freeze({
        thisUpdate: timeEncodingOf(tbs.thisUpdateTag),
        ...(tbs.nextUpdateTag !== undefined ? { nextUpdate: timeEncodingOf(tbs.nextUpdateTag) } : {}),
      }),
      emptyRevokedList: tbs.revokedCertificates !== undefined && revoked.count === 0,
      what,
    });
  } catch (e) {
    if (e instanceof MalformedError || e instanceof WorkLimitError || (e as { deadlineStop?: boolean }).deadlineStop) throw e;
    throw new MalformedError("MALFORMED_CRL", `${what}: ${(e as Error).message}`);
  }
}

/** Parses DER or PEM input holding one or more CRLs. */
export function parseCrls(input: Uint8Array | string, what: string, opts: CrlParseOptions = {}): Crl[] {
  const ders = inputToDers(input, ["X509 CRL", "CRL"], "MALFORMED_CRL", what);
  return ders.map((d, i) => parseCrl(d, ders.length > 1 ? `${what}#${i}` : what, opts));
}
