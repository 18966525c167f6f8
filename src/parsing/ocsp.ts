// OCSP (RFC 6960) responses into an immutable model, and requests built for a
// certificate. Structures come from @peculiar/asn1-ocsp; the certificates inside a
// BasicOCSPResponse and the fields hashed into a CertID are sliced from the input
// bytes with asn1js, never re-encoded, so signatures and hashes stay exact.
import { createHash, randomBytes } from "node:crypto";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier, Extension } from "@peculiar/asn1-x509";
import { BasicOCSPResponse, CertID, OCSPRequest, OCSPResponse, Request, TBSRequest } from "@peculiar/asn1-ocsp";
import { MalformedError } from "./errors.js";
import { WorkLimitError } from "./deadline.js";
import { DerError, DerReader, bytesToHex, checkDer, checkOuterSequence, derBytes, integerHex } from "./der.js";
import { algorithmId, parseCertificate, type AlgorithmId, type Certificate } from "./certificate.js";
import { dnFromAsn, type DistinguishedName } from "./name.js";

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
 * From BasicOCSPResponse ::= SEQUENCE { tbsResponseData, signatureAlgorithm, signature BIT STRING,
 * certs [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL } (RFC 6960 4.2.1): the DER of the
 * certificates (at most MAX_OCSP_CERTS), sliced from the input, and the signature's unused-bits count.
 */
function basicRawParts(basicDer: Uint8Array): { certs: Uint8Array[]; signatureUnusedBits: number } {
  const r = DerReader.only(basicDer, 0x30, "BasicOCSPResponse");
  r.next(0x30, "tbsResponseData");
  r.next(0x30, "signatureAlgorithm");
  const sig = r.next(0x03, "signature");
  const signatureUnusedBits = basicDer[sig.start]!;
  const certs: Uint8Array[] = [];
  const tagged = r.optional(0xa0);
  r.finish("BasicOCSPResponse");
  if (tagged) {
    const outer = DerReader.inside(basicDer, tagged);
    const list = outer.sequence("certs");
    outer.finish("certs");
    while (!list.done && certs.length < MAX_OCSP_CERTS) certs.push(list.raw("certificate", 0x30));
  }
  return { certs, signatureUnusedBits };
}

/** Parses an OCSPResponse. Throws MalformedError (never anything else). */
export function parseOcspResponse(input: Uint8Array, what = "OCSP response"): OcspResponseModel {
  const der = input.slice();
  checkOuterSequence(der, "MALFORMED_OCSP_RESPONSE", what);
  try {
    // The whole response is DER, one encoding per response (X.690 10); so is the BasicOCSPResponse inside its OCTET STRING.
    checkDer(der, { start: 0, end: der.length });
    const resp = AsnConvert.parse(der, OCSPResponse);
    const base = { der, sha256: createHash("sha256").update(der).digest("hex"), what, status: resp.responseStatus as number };
    if (resp.responseStatus !== 0 || !resp.responseBytes) return Object.freeze({ ...base, responses: [], certs: [], unknownCriticalExtensions: [] });
    if (resp.responseBytes.responseType !== OCSP_OIDS.basic) throw new Error(`response type ${resp.responseBytes.responseType} is not id-pkix-ocsp-basic`);
    const basicDer = new Uint8Array(resp.responseBytes.response.buffer);
    checkDer(basicDer, { start: 0, end: basicDer.length });
    const basic = AsnConvert.parse(basicDer, BasicOCSPResponse);
    if (!basic.tbsResponseDataRaw) throw new Error("no raw tbsResponseData");
    const rd = basic.tbsResponseData;
    const raw = basicRawParts(basicDer);
    let nonce: string | undefined;
    const unknown: string[] = [];
    for (const e of rd.responseExtensions ?? []) {
      if (e.extnID === OCSP_OIDS.nonce) nonce = bytesToHex(e.extnValue.buffer);
      else if (e.critical) unknown.push(e.extnID);
    }
    const responses: OcspSingle[] = rd.responses.map((r) => {
      const hash = HASH_BY_OID[r.certID.hashAlgorithm.algorithm] ?? r.certID.hashAlgorithm.algorithm;
      const st = r.certStatus;
      for (const e of r.singleExtensions ?? []) if (e.critical) unknown.push(e.extnID);
      return Object.freeze({
        hash,
        issuerNameHash: bytesToHex(r.certID.issuerNameHash.buffer),
        issuerKeyHash: bytesToHex(r.certID.issuerKeyHash.buffer),
        serial: integerHex(new Uint8Array(r.certID.serialNumber)),
        status: st.revoked ? ("revoked" as const) : st.good !== undefined ? ("good" as const) : ("unknown" as const),
        revocationTime: st.revoked?.revocationTime,
        reason: st.revoked?.revocationReason?.reason as number | undefined,
        thisUpdate: r.thisUpdate,
        nextUpdate: r.nextUpdate,
      });
    });
    return Object.freeze({
      ...base,
      tbs: new Uint8Array(basic.tbsResponseDataRaw),
      signatureAlgorithm: algorithmId(basic.signatureAlgorithm),
      signature: new Uint8Array(basic.signature),
      signatureUnusedBits: raw.signatureUnusedBits,
      responderName: rd.responderID.byName ? dnFromAsn(rd.responderID.byName) : undefined,
      responderKeyHash: rd.responderID.byKey ? bytesToHex(rd.responderID.byKey.buffer) : undefined,
      producedAt: rd.producedAt,
      responses: Object.freeze(responses),
      nonce,
      certs: Object.freeze(raw.certs.map((d, i) => parseCertificate(d, `${what} certs[${i}]`))),
      unknownCriticalExtensions: Object.freeze(unknown),
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
  const certId = new CertID({
    hashAlgorithm: new AlgorithmIdentifier({ algorithm: OID_BY_HASH[hash]!, parameters: null }),
    issuerNameHash: new OctetString(createHash(hash).update(issuerNameDer).digest()),
    issuerKeyHash: new OctetString(createHash(hash).update(spkiKeyBits(issuerSpki)).digest()),
    serialNumber: serialContent.slice().buffer,
  });
  let nonce: string | undefined;
  const exts: Extension[] = [];
  if (withNonce) {
    // RFC 8954: the nonce is an OCTET STRING of 1 to 32 octets inside extnValue.
    const value = new Uint8Array(AsnConvert.serialize(new OctetString(randomBytes(16))));
    nonce = bytesToHex(value);
    exts.push(new Extension({ extnID: OCSP_OIDS.nonce, critical: false, extnValue: new OctetString(value) }));
  }
  const req = new OCSPRequest({
    tbsRequest: new TBSRequest({ requestList: [new Request({ reqCert: certId })], requestExtensions: exts.length ? exts : undefined }),
  });
  return { der: new Uint8Array(AsnConvert.serialize(req)), nonce };
}
