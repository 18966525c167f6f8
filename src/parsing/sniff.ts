// What an input that is not a certificate looks like, for messages: "a CRL", "a
// certificate signing request (PKCS #10)", "a private key", ... Only the outer tags are
// read (a few TLV headers); nothing is decoded, so this never fails on hostile bytes.

interface Tlv {
  tag: number;
  start: number;
  end: number;
}

/** One TLV header at `off` inside [0, limit); undefined when it does not fit. */
function tlv(b: Uint8Array, off: number, limit: number): Tlv | undefined {
  if (off + 2 > limit) return undefined;
  const tag = b[off]!;
  let len = b[off + 1]!;
  let start = off + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || start + n > limit) return undefined;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[start + i]!;
    start += n;
  }
  const end = start + len;
  return end <= limit ? { tag, start, end } : undefined;
}

/** Up to `max` children of a constructed TLV. */
function kids(b: Uint8Array, t: Tlv, max = 12): Tlv[] {
  const out: Tlv[] = [];
  for (let off = t.start; off < t.end && out.length < max; ) {
    const k = tlv(b, off, t.end);
    if (!k) break;
    out.push(k);
    off = k.end;
  }
  return out;
}

const SEQ = 0x30;

function describeDer(b: Uint8Array): string | undefined {
  const top = tlv(b, 0, b.length);
  if (!top || top.tag !== SEQ) return undefined;
  const c = kids(b, top);
  const tags = c.map((k) => k.tag);
  // Signed structures: SEQUENCE { SEQUENCE tbs, SEQUENCE algorithm, BIT STRING }.
  if (tags.length === 3 && tags[0] === SEQ && tags[1] === SEQ && tags[2] === 0x03) {
    const tbs = kids(b, c[0]!).map((k) => k.tag);
    if (tbs[0] === 0xa0) return undefined; // a v3 certificate shape: the certificate parser's own error says more
    // RFC 2986: CertificationRequestInfo { INTEGER, Name, SubjectPublicKeyInfo, [0] attributes }.
    if (tbs.length === 4 && tbs[0] === 0x02 && tbs[3] === 0xa0) return "a certificate signing request (PKCS #10)";
    // RFC 5280 5.1: TBSCertList { [version], signature, issuer, thisUpdate (a time), ... }.
    const timeAt = tbs[0] === 0x02 ? 3 : 2;
    if (tbs[timeAt] === 0x17 || tbs[timeAt] === 0x18) return "a CRL";
    return undefined;
  }
  // RFC 5652: ContentInfo { contentType OID, [0] content }.
  if (tags[0] === 0x06 && tags[1] === 0xa0) return "a CMS / PKCS #7 structure";
  // RFC 6960: OCSPResponse { responseStatus ENUMERATED, [0] responseBytes }.
  if (tags[0] === 0x0a) return "an OCSP response";
  // RFC 5280 4.1: SubjectPublicKeyInfo { AlgorithmIdentifier, BIT STRING }.
  if (tags.length === 2 && tags[0] === SEQ && tags[1] === 0x03) return "a public key (SubjectPublicKeyInfo)";
  // RFC 5958: OneAsymmetricKey { version, AlgorithmIdentifier, OCTET STRING, ... }.
  if (tags[0] === 0x02 && tags[1] === SEQ && tags[2] === 0x04) return "a private key (PKCS #8)";
  // RFC 8017 A.1.2 RSAPrivateKey (all INTEGERs); RFC 5915 ECPrivateKey { 1, OCTET STRING, ... }.
  if (tags.length >= 9 && tags.every((t) => t === 0x02)) return "an RSA private key (PKCS #1)";
  if (tags[0] === 0x02 && tags[1] === 0x04) return "an EC private key (RFC 5915)";
  return undefined;
}

/**
 * A short description of what `input` holds when it is not what was expected, or
 * undefined when it has the shape of a certificate (its parse error then says more).
 */
export function describeInput(input: Uint8Array | string): string | undefined {
  const bytes = typeof input === "string" ? undefined : input;
  if (bytes && bytes.length === 0) return "an empty input";
  if (typeof input === "string" && input.trim() === "") return "an empty text";
  const text = typeof input === "string" ? input : bytes![0] !== 0x30 ? Buffer.from(bytes!.subarray(0, 1 << 20)).toString("latin1") : undefined;
  if (text !== undefined) {
    const labels = new Set<string>();
    for (const m of text.slice(0, 1 << 20).matchAll(/-----BEGIN ([A-Z0-9 #.]{1,40})-----/g)) labels.add(m[1]!);
    if (labels.size === 0) return bytes && bytes[0] !== undefined && bytes[0] < 0x20 && bytes[0] !== 0x0a && bytes[0] !== 0x0d ? undefined : "text that is neither PEM nor DER";
    const certs = ["CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE"];
    if ([...labels].some((l) => certs.includes(l))) return undefined;
    return `PEM labelled ${[...labels].slice(0, 4).join(", ")}${labels.has("X509 CRL") ? " (a CRL)" : labels.has("CERTIFICATE REQUEST") || labels.has("NEW CERTIFICATE REQUEST") ? " (a certificate signing request)" : [...labels].some((l) => l.includes("PRIVATE KEY")) ? " (a private key)" : ""}`;
  }
  return describeDer(bytes!);
}
