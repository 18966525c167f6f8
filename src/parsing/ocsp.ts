// OCSP (RFC 6960) responses into an immutable model, and requests built for a
// certificate. Responses are read with the strict DER reader (der.ts); the certificates
// inside a BasicOCSPResponse and the fields hashed into a CertID are sliced from the input
// bytes, never re-encoded, so signatures and hashes stay exact. Requests are written with
// der.ts's two writing helpers.
import { createHash, randomBytes } from "node:crypto";
import { MalformedError } from "./errors.js";
import { WorkLimitError } from "./deadline.js";
import { DerError, DerReader, bytesToHex, checkDer, checkOuterSequence, derAlgorithm, derBytes, derOidTlv, derTime, derTlv, integerHex, smallIntFromContents, type DerElement } from "./der.js";
import { extensionList, parseCertificate, type AlgorithmId, type Certificate, type RawExtension } from "./certificate.js";
import { dnFromDerElement, type DistinguishedName } from "./name.js";

export const OCSP_OIDS = {
  basic: "1.3.6.1.5.5.7.48.1.1",
  nonce: "1.3.6.1.5.5.7.48.1.2",
} as const;

const HASH_BY_OID: Record<string, string> = {
  "1.3.14.3.2.26": "sha1",
  "2.16.840.1.101.3.4.2.1": "sha256",
  "2.16.840.1.101.3.4.2.2": "sha384",
  "2.16.840.1.101.3.4.2.3": "sha512",
};
const OID_BY_HASH: Record<string, string> = { sha1: "1.3.14.3.2.26", sha256: "2.16.840.1.101.3.4.2.1" };

/** RFC 6960 4.2.1 OCSPResponseStatus names. */
export const OCSP_RESPONSE_STATUS = ["successful", "malformedRequest", "internalError", "tryLater", "(4)", "sigRequired", "unauthorized"];

export interface OcspSingle {
  readonly hash: string;
  readonly issuerNameHash: string;
  readonly issuerKeyHash: string;
  readonly serial: string;
  readonly status: "good" | "revoked" | "unknown";
  readonly revocationTime?: Date;
  readonly reason?: number;
  readonly thisUpdate: Date;
  readonly nextUpdate?: Date;
}

export interface OcspResponseModel {
  readonly der: Uint8Array;
  readonly sha256: string;
  readonly what: string;
  /** RFC 6960 4.2.1 responseStatus: 0 = successful. */
  readonly status: number;
  readonly tbs?: Uint8Array;
  readonly signatureAlgorithm?: AlgorithmId;
  readonly signature?: Uint8Array;
  readonly signatureUnusedBits?: number;
  readonly responderName?: DistinguishedName;
  /** SHA-1 of the responder's public key (ResponderID byKey), hex. */
  readonly responderKeyHash?: string;
  readonly producedAt?: Date;
  readonly responses: readonly OcspSingle[];
  /** The nonce extension's value (hex of the extnValue content), when present. */
  readonly nonce?: string;
  readonly certs: readonly Certificate[];
  readonly unknownCriticalExtensions: readonly string[];
}

/** Most certificates read from a BasicOCSPResponse's certs field (the responder's chain). */
const MAX_OCSP_CERTS = 50;

/**
 * Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension { extnID, critical BOOLEAN DEFAULT FALSE,
 * extnValue OCTET STRING } (RFC 5280 4.1, used by RFC 6960 4.2.1): the reader inside `[n] EXPLICIT`.
 */
function extensionsOf(der: Uint8Array, tagged: DerElement | undefined): RawExtension[] {
  if (!tagged) return [];
  const outer = DerReader.inside(der, tagged);
  const list = outer.sequence("Extensions");
  outer.finish("Extensions");
  return extensionList(list);
}

/** A GeneralizedTime in the form RFC 5280 4.1.2.5.2 gives (YYYYMMDDHHMMSSZ), which RFC 6960 uses. */
function generalizedTime(der: Uint8Array, e: DerElement, what: string): Date {
  const t = e.tag === 0x18 ? derTime(der, e) : undefined;
  if (!t) throw new DerError(`${what} is not a GeneralizedTime YYYYMMDDHHMMSS[.f]Z (RFC 6960 4.2.1, RFC 5280 4.1.2.5.2)`);
  return t;
}

/** The contents of `[n] EXPLICIT inner` read as one element of tag `tag`. */
function explicitOne(der: Uint8Array, tagged: DerElement, tag: number, what: string): DerElement {
  const r = DerReader.inside(der, tagged);
  const e = r.next(tag, what);
  r.finish(what);
  return e;
}

/**
 * SingleResponse ::= SEQUENCE { certID CertID, certStatus CertStatus, thisUpdate GeneralizedTime,
 * nextUpdate [0] EXPLICIT GeneralizedTime OPTIONAL, singleExtensions [1] EXPLICIT Extensions OPTIONAL };
 * CertID ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier, issuerNameHash OCTET STRING,
 * issuerKeyHash OCTET STRING, serialNumber CertificateSerialNumber };
 * CertStatus ::= CHOICE { good [0] IMPLICIT NULL, revoked [1] IMPLICIT RevokedInfo, unknown [2] IMPLICIT NULL };
 * RevokedInfo ::= SEQUENCE { revocationTime GeneralizedTime, revocationReason [0] EXPLICIT CRLReason OPTIONAL }
 * (RFC 6960 4.1.1, 4.2.1).
 */
function singleResponse(der: Uint8Array, r: DerReader, unknown: string[]): OcspSingle {
  const id = r.sequence("certID");
  const alg = derAlgorithm(der, id.next(0x30, "CertID.hashAlgorithm"));
  const issuerNameHash = bytesToHex(id.contents(0x04, "CertID.issuerNameHash"));
  const issuerKeyHash = bytesToHex(id.contents(0x04, "CertID.issuerKeyHash"));
  const serial = integerHex(id.integerBytes("CertID.serialNumber"));
  id.finish("CertID (RFC 6960 4.1.1)");
  const st = r.next(undefined, "certStatus");
  let status: OcspSingle["status"];
  let revocationTime: Date | undefined;
  let reason: number | undefined;
  if (st.tag === 0x80 || st.tag === 0x82) {
    if (st.end !== st.start) throw new DerError("certStatus good/unknown is an IMPLICIT NULL with contents (X.690 8.8.2)");
    status = st.tag === 0x80 ? "good" : "unknown";
  } else if (st.tag === 0xa1) {
    status = "revoked";
    const ri = DerReader.inside(der, st);
    revocationTime = generalizedTime(der, ri.next(0x18, "revocationTime"), "revocationTime");
    const rr = ri.optional(0xa0);
    if (rr) reason = smallIntFromContents(contentsOf(der, explicitOne(der, rr, 0x0a, "revocationReason")), "revocationReason", 1);
    ri.finish("RevokedInfo (RFC 6960 4.2.1)");
  } else throw new DerError(`certStatus has tag 0x${st.tag.toString(16)}, not good [0], revoked [1] or unknown [2] (RFC 6960 4.2.1)`);
  const thisUpdate = generalizedTime(der, r.next(0x18, "thisUpdate"), "thisUpdate");
  const nu = r.optional(0xa0);
  const nextUpdate = nu ? generalizedTime(der, explicitOne(der, nu, 0x18, "nextUpdate"), "nextUpdate") : undefined;
  for (const e of extensionsOf(der, r.optional(0xa1))) if (e.critical) unknown.push(e.extnID);
  r.finish("SingleResponse (RFC 6960 4.2.1)");
  return Object.freeze({ hash: HASH_BY_OID[alg.oid] ?? alg.oid, issuerNameHash, issuerKeyHash, serial, status, revocationTime, reason, thisUpdate, nextUpdate });
}

const contentsOf = (der: Uint8Array, e: DerElement) => der.subarray(e.start, e.end);

/** Parses an OCSPResponse. Throws MalformedError (never anything else). */
export function parseOcspResponse(input: Uint8Array, what = "OCSP response"): OcspResponseModel {
  const der = input.slice();
  checkOuterSequence(der, "MALFORMED_OCSP_RESPONSE", what);
  try {
    // The whole response is DER, one encoding per response (X.690 10); so is the BasicOCSPResponse inside its OCTET STRING.
    checkDer(der, { start: 0, end: der.length });
    // OCSPResponse ::= SEQUENCE { responseStatus OCSPResponseStatus, responseBytes [0] EXPLICIT ResponseBytes OPTIONAL } (RFC 6960 4.2.1)
    const top = DerReader.only(der, 0x30, "OCSPResponse");
    const status = top.smallInt("responseStatus", 1, 0x0a);
    const rbTagged = top.optional(0xa0);
    top.finish("OCSPResponse (RFC 6960 4.2.1)");
    const base = { der, sha256: createHash("sha256").update(der).digest("hex"), what, status };
    if (status !== 0 || !rbTagged) return Object.freeze({ ...base, responses: [], certs: [], unknownCriticalExtensions: [] });
    // ResponseBytes ::= SEQUENCE { responseType OBJECT IDENTIFIER, response OCTET STRING }
    const rb = DerReader.inside(der, explicitOne(der, rbTagged, 0x30, "responseBytes"));
    const responseType = rb.oid("responseType");
    const basicDer = rb.contents(0x04, "response");
    rb.finish("ResponseBytes (RFC 6960 4.2.1)");
    if (responseType !== OCSP_OIDS.basic) throw new Error(`response type ${responseType} is not id-pkix-ocsp-basic`);
    checkDer(basicDer, { start: 0, end: basicDer.length });
    // BasicOCSPResponse ::= SEQUENCE { tbsResponseData ResponseData, signatureAlgorithm, signature BIT STRING, certs [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL }
    const basic = DerReader.only(basicDer, 0x30, "BasicOCSPResponse");
    const tbsEl = basic.next(0x30, "tbsResponseData");
    const signatureAlgorithm = derAlgorithm(basicDer, basic.next(0x30, "signatureAlgorithm"));
    const sig = basic.contents(0x03, "signature");
    const certsTagged = basic.optional(0xa0);
    basic.finish("BasicOCSPResponse (RFC 6960 4.2.1)");
    const certs: Uint8Array[] = [];
    if (certsTagged) {
      const list = DerReader.inside(basicDer, explicitOne(basicDer, certsTagged, 0x30, "certs"));
      while (!list.done && certs.length < MAX_OCSP_CERTS) certs.push(list.raw("certificate", 0x30));
    }
    // ResponseData ::= SEQUENCE { version [0] EXPLICIT Version DEFAULT v1, responderID ResponderID,
    //   producedAt GeneralizedTime, responses SEQUENCE OF SingleResponse, responseExtensions [1] EXPLICIT Extensions OPTIONAL }
    // ResponderID ::= CHOICE { byName [1] Name, byKey [2] KeyHash } (EXPLICIT TAGS module)
    const rd = DerReader.inside(basicDer, tbsEl);
    const v = rd.optional(0xa0);
    if (v && smallIntFromContents(contentsOf(basicDer, explicitOne(basicDer, v, 0x02, "version")), "version", 1) !== 0) throw new Error("ResponseData version is not v1 (RFC 6960 4.2.1)");
    const rid = rd.next(undefined, "responderID");
    let responderName: DistinguishedName | undefined;
    let responderKeyHash: string | undefined;
    if (rid.tag === 0xa1) responderName = dnFromDerElement(basicDer, explicitOne(basicDer, rid, 0x30, "responderID byName"));
    else if (rid.tag === 0xa2) responderKeyHash = bytesToHex(contentsOf(basicDer, explicitOne(basicDer, rid, 0x04, "responderID byKey")));
    else throw new DerError(`responderID has tag 0x${rid.tag.toString(16)}, not byName [1] or byKey [2] (RFC 6960 4.2.1)`);
    const producedAt = generalizedTime(basicDer, rd.next(0x18, "producedAt"), "producedAt");
    const list = rd.sequence("responses");
    const unknown: string[] = [];
    const responses: OcspSingle[] = [];
    while (!list.done) responses.push(singleResponse(basicDer, list.sequence("a SingleResponse"), unknown));
    let nonce: string | undefined;
    const exts = extensionsOf(basicDer, rd.optional(0xa1));
    rd.finish("ResponseData (RFC 6960 4.2.1)");
    const responseUnknown: string[] = [];
    for (const e of exts) {
      if (e.extnID === OCSP_OIDS.nonce) nonce = bytesToHex(e.value);
      else if (e.critical) responseUnknown.push(e.extnID);
    }
    return Object.freeze({
      ...base,
      tbs: derBytes(basicDer, tbsEl).slice(),
      signatureAlgorithm: Object.freeze(signatureAlgorithm),
      signature: sig.slice(1),
      signatureUnusedBits: sig[0]!,
      responderName,
      responderKeyHash,
      producedAt,
      responses: Object.freeze(responses),
      nonce,
      certs: Object.freeze(certs.map((d, i) => parseCertificate(d, `${what} certs[${i}]`))),
      unknownCriticalExtensions: Object.freeze([...responseUnknown, ...unknown]),
    });
  } catch (e) {
    if (e instanceof WorkLimitError) throw e;
    if (e instanceof MalformedError) throw new MalformedError("MALFORMED_OCSP_RESPONSE", e.message);
    if (e instanceof DerError) throw new MalformedError("MALFORMED_OCSP_RESPONSE", `${what}: not valid DER (${e.message})`);
    throw new MalformedError("MALFORMED_OCSP_RESPONSE", `${what}: not an OCSP response: ${(e as Error).message}`);
  }
}

/** The exact bytes CertID hashes (RFC 6960 4.1.1): the certificate's issuer Name DER and serial. */
interface CertIdParts {
  readonly issuerNameDer: Uint8Array;
  readonly serialContent: Uint8Array;
}

const partsCache = new WeakMap<Certificate, CertIdParts>();

function certIdParts(cert: Certificate): CertIdParts {
  let p = partsCache.get(cert);
  if (!p) {
    // TBSCertificate ::= SEQUENCE { version [0] OPTIONAL, serialNumber, signature, issuer, ... }
    const r = DerReader.only(cert.tbs, 0x30, "tbsCertificate");
    r.optional(0xa0);
    const serialContent = r.integerBytes("serialNumber");
    r.next(0x30, "signature");
    p = { serialContent, issuerNameDer: derBytes(cert.tbs, r.next(0x30, "issuer")) };
    partsCache.set(cert, p);
  }
  return p;
}

/** The subjectPublicKey BIT STRING contents of a DER SubjectPublicKeyInfo. */
export function spkiKeyBits(spki: Uint8Array): Uint8Array {
  const r = DerReader.only(spki, 0x30, "SubjectPublicKeyInfo");
  r.next(0x30, "algorithm");
  return r.contents(0x03, "subjectPublicKey").subarray(1);
}

export function hashHex(alg: string, data: Uint8Array): string {
  return createHash(alg).update(data).digest("hex");
}

/** Does `single` name `cert`, whose issuer's public key is `issuerSpki`? (RFC 6960 4.1.1) */
export function certIdMatches(single: OcspSingle, cert: Certificate, issuerSpki: Uint8Array): boolean {
  if (single.serial !== cert.serial) return false;
  if (!["sha1", "sha256", "sha384", "sha512"].includes(single.hash)) return false;
  const { issuerNameDer } = certIdParts(cert);
  return single.issuerNameHash === hashHex(single.hash, issuerNameDer) && single.issuerKeyHash === hashHex(single.hash, spkiKeyBits(issuerSpki));
}

export interface BuiltRequest {
  readonly der: Uint8Array;
  /** Hex of the nonce extnValue content, as it will come back in the response. */
  readonly nonce?: string;
}

/** An OCSPRequest for one certificate (RFC 6960 4.1, RFC 5019 2.1: one request, SHA-1 CertID by default). */
export function buildOcspRequest(cert: Certificate, issuerSpki: Uint8Array, hash: "sha1" | "sha256" = "sha1", withNonce = true): BuiltRequest {
  const { issuerNameDer, serialContent } = certIdParts(cert);
  // CertID ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier, issuerNameHash OCTET STRING, issuerKeyHash OCTET STRING, serialNumber }
  const certId = derTlv(
    0x30,
    derTlv(0x30, derOidTlv(OID_BY_HASH[hash]!), derTlv(0x05)),
    derTlv(0x04, createHash(hash).update(issuerNameDer).digest()),
    derTlv(0x04, createHash(hash).update(spkiKeyBits(issuerSpki)).digest()),
    derTlv(0x02, serialContent),
  );
  let nonce: string | undefined;
  let exts: Uint8Array[] = [];
  if (withNonce) {
    // RFC 8954: the nonce is an OCTET STRING of 1 to 32 octets inside extnValue.
    const value = derTlv(0x04, randomBytes(16));
    nonce = bytesToHex(value);
    // requestExtensions [2] EXPLICIT Extensions; Extension ::= SEQUENCE { extnID, extnValue OCTET STRING } (critical FALSE omitted, X.690 11.5)
    exts = [derTlv(0xa2, derTlv(0x30, derTlv(0x30, derOidTlv(OCSP_OIDS.nonce), derTlv(0x04, value))))];
  }
  // OCSPRequest ::= SEQUENCE { tbsRequest TBSRequest }; TBSRequest ::= SEQUENCE { requestList SEQUENCE OF Request, requestExtensions [2] };
  // Request ::= SEQUENCE { reqCert CertID } (RFC 6960 4.1.1; version v1 is the DEFAULT, omitted)
  const tbsRequest = derTlv(0x30, derTlv(0x30, derTlv(0x30, certId)), ...exts);
  return { der: derTlv(0x30, tbsRequest), nonce };
}
