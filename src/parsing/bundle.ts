// Certificate bundles as AIA caIssuers and SIA caRepository serve them (RFC 5280
// 4.2.2.1): one DER certificate, a certs-only CMS SignedData (".p7c", RFC 5652), or
// PEM text holding certificates or a PKCS7 block.
import { MalformedError } from "./errors.js";
import { WorkLimitError } from "./deadline.js";
import { DerError, MAX_DER_BYTES, berChildren, berElement, checkOuterSequence, derOid, looksLikePem, pemBlocks } from "./der.js";
import { parseCertificate, type Certificate } from "./certificate.js";

const ID_SIGNED_DATA = "1.2.840.113549.1.7.2";

/** Most certificates taken from one bundle (a hostile .p7c cannot flood the bag). */
export const MAX_BUNDLE_CERTS = 500;

/**
 * The raw DER of each certificate in a certs-only SignedData. The certificates are
 * sliced out of the input, not re-encoded, so their signatures stay checkable.
 *
 * RFC 5280 4.2.2.1 allows the CMS message in BER or DER: the envelope (ContentInfo,
 * SignedData, the certificates field) is read with BER headers, each certificate in it is
 * then read as DER by the certificate parser.
 */
export function certsOnlyCms(ber: Uint8Array, what: string): Uint8Array[] {
  const bad = (why: string) => new MalformedError("MALFORMED_INPUT", `${what}: not a certs-only CMS SignedData (${why})`);
  if (ber.length > MAX_DER_BYTES) throw bad(`${ber.length} bytes exceeds the ${MAX_DER_BYTES}-byte cap`);
  try {
    // ContentInfo ::= SEQUENCE { contentType ContentType, content [0] EXPLICIT ANY DEFINED BY contentType } (RFC 5652 3)
    const ci = berElement(ber, 0, ber.length);
    if (ci.tag !== 0x30 || ci.after !== ber.length) throw bad("ContentInfo is not one SEQUENCE filling the input, RFC 5652 3");
    const [type, wrapped, extra] = berChildren(ber, ci, 3);
    if (!type || type.tag !== 0x06 || derOid(ber, type) !== ID_SIGNED_DATA) throw bad("contentType is not id-signedData, RFC 5652 5.1");
    if (!wrapped || wrapped.tag !== 0xa0 || extra) throw bad("ContentInfo holds something other than contentType and content [0], RFC 5652 3");
    const [sd, more] = berChildren(ber, wrapped, 2);
    if (!sd || sd.tag !== 0x30 || more) throw bad("content [0] is not one SignedData SEQUENCE, RFC 5652 5.1");
    // SignedData ::= SEQUENCE { version, digestAlgorithms SET, encapContentInfo SEQUENCE,
    //   certificates [0] IMPLICIT CertificateSet OPTIONAL, crls [1] IMPLICIT OPTIONAL, signerInfos SET } (RFC 5652 5.1)
    const f = berChildren(ber, sd, 4);
    if (f[0]?.tag !== 0x02 || f[1]?.tag !== 0x31 || f[2]?.tag !== 0x30)
      throw bad("SignedData does not start with version, digestAlgorithms and encapContentInfo, RFC 5652 5.1");
    const certSet = f[3]?.tag === 0xa0 ? f[3] : undefined;
    if (!certSet) return [];
    const out: Uint8Array[] = [];
    // Only plain certificates (a SEQUENCE); attribute and other certificate formats ([1], [2], [3]) are skipped.
    for (let off = certSet.start; off < certSet.end && out.length < MAX_BUNDLE_CERTS; ) {
      const c = berElement(ber, off, certSet.end);
      off = c.after;
      if (c.tag === 0x30) out.push(ber.slice(c.headerStart, c.after));
    }
    return out;
  } catch (e) {
    if (e instanceof MalformedError || e instanceof WorkLimitError) throw e;
    if (e instanceof DerError) throw bad(`not BER: ${e.message}`);
    throw e;
  }
}

/**
 * A ContentInfo starts SEQUENCE { OBJECT IDENTIFIER ...; a certificate starts SEQUENCE { SEQUENCE (tbs) ...
 * Decided from the outer header alone (BER: X.690 8.1.3), so a damaged CMS message is reported as one.
 */
function looksLikeContentInfo(bytes: Uint8Array): boolean {
  if (bytes.length < 3 || bytes[0] !== 0x30) return false;
  const first = bytes[1]!;
  const start = first <= 0x80 ? 2 : 2 + (first & 0x7f);
  return bytes[start] === 0x06;
}

/** Parses a bundle into certificates. Entries that are not certificates are errors. */
export function parseCertificateBundle(bytes: Uint8Array, what: string): Certificate[] {
  let ders: Uint8Array[];
  if (looksLikePem(bytes)) {
    const text = Buffer.from(bytes).toString("latin1");
    ders = text.includes("-----BEGIN PKCS7-----")
      ? pemBlocks(text, ["PKCS7"], "MALFORMED_INPUT", what).flatMap((d) => certsOnlyCms(d, what))
      : pemBlocks(text, ["CERTIFICATE"], "MALFORMED_CERTIFICATE", what);
  } else if (looksLikeContentInfo(bytes)) {
    ders = certsOnlyCms(bytes, what);
  } else {
    checkOuterSequence(bytes, "MALFORMED_INPUT", what);
    ders = [bytes];
  }
  return ders.slice(0, MAX_BUNDLE_CERTS).map((d, i) => parseCertificate(d, `${what}#${i}`));
}
