// Certificate bundles as AIA caIssuers and SIA caRepository serve them (RFC 5280
// 4.2.2.1): one DER certificate, a certs-only CMS SignedData (".p7c", RFC 5652), or
// PEM text holding certificates or a PKCS7 block.
import * as asn1js from "asn1js";
import { MalformedError } from "./errors.js";
import { checkOuterSequence, looksLikePem, pemBlocks } from "./der.js";
import { parseCertificate, type Certificate } from "./certificate.js";

const ID_SIGNED_DATA = "1.2.840.113549.1.7.2";

/** Most certificates taken from one bundle (a hostile .p7c cannot flood the bag). */
export const MAX_BUNDLE_CERTS = 500;

/**
 * The raw DER of each certificate in a certs-only SignedData. The certificates are
 * sliced out of the input, not re-encoded, so their signatures stay checkable.
 */
export function certsOnlyCms(der: Uint8Array, what: string): Uint8Array[] {
  const parsed = asn1js.fromBER(der);
  if (parsed.offset === -1) throw new MalformedError("MALFORMED_INPUT", `${what}: not BER/DER`);
  const ci = parsed.result;
  const bad = (why: string) => new MalformedError("MALFORMED_INPUT", `${what}: not a certs-only CMS SignedData (${why})`);
  if (!(ci instanceof asn1js.Sequence) || ci.valueBlock.value.length < 2) throw bad("ContentInfo");
  const [type, wrapped] = ci.valueBlock.value;
  if (!(type instanceof asn1js.ObjectIdentifier) || type.valueBlock.toString() !== ID_SIGNED_DATA) throw bad("contentType");
  const sd = (wrapped as asn1js.Constructed).valueBlock?.value?.[0];
  if (!(sd instanceof asn1js.Sequence)) throw bad("SignedData");
  // certificates [0] IMPLICIT CertificateSet follows encapContentInfo.
  const certSet = sd.valueBlock.value.find((e) => e.idBlock.tagClass === 3 && e.idBlock.tagNumber === 0) as asn1js.Constructed | undefined;
  if (!certSet) return [];
  const out: Uint8Array[] = [];
  for (const c of certSet.valueBlock.value) {
    // Only plain certificates (a SEQUENCE); attribute and other certificate formats are skipped.
    if (!(c instanceof asn1js.Sequence)) continue;
    if (out.length >= MAX_BUNDLE_CERTS) break;
    out.push(new Uint8Array(c.valueBeforeDecodeView));
  }
  return out;
}

/** Parses a bundle into certificates. Entries that are not certificates are errors. */
export function parseCertificateBundle(bytes: Uint8Array, what: string): Certificate[] {
  let ders: Uint8Array[];
  if (looksLikePem(bytes)) {
    const text = Buffer.from(bytes).toString("latin1");
    ders = text.includes("-----BEGIN PKCS7-----")
      ? pemBlocks(text, ["PKCS7"], "MALFORMED_INPUT", what).flatMap((d) => certsOnlyCms(d, what))
      : pemBlocks(text, ["CERTIFICATE"], "MALFORMED_CERTIFICATE", what);
  } else {
    checkOuterSequence(bytes, "MALFORMED_INPUT", what);
    // A certificate starts SEQUENCE { SEQUENCE (tbs) ...; a ContentInfo starts SEQUENCE { OID ...
    const parsed = asn1js.fromBER(bytes);
    const first = parsed.offset !== -1 ? (parsed.result as asn1js.Sequence).valueBlock?.value?.[0] : undefined;
    ders = first instanceof asn1js.ObjectIdentifier ? certsOnlyCms(bytes, what) : [bytes];
  }
  return ders.slice(0, MAX_BUNDLE_CERTS).map((d, i) => parseCertificate(d, `${what}#${i}`));
}
