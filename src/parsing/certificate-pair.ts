// The crossCertificatePair attribute value (RFC 4523 2.3, X.509 (2019) 11.2.3):
//   CertificatePair ::= SEQUENCE {
//     issuedToThisCA [0] Certificate OPTIONAL,   -- "forward"
//     issuedByThisCA [1] Certificate OPTIONAL }  -- "reverse"
//   -- at least one of the pair shall be present
// Tags are EXPLICIT (the X.509 module's default). Each element is a certificate like any
// other: the caller parses and validates it; nothing here is trusted.
import { derChildren, derElement } from "./der.js";
import { MalformedError } from "./errors.js";

export interface CertificatePairParts {
  /** issuedToThisCA: a certificate issued to the entry's CA by another CA. */
  readonly forward?: Uint8Array;
  /** issuedByThisCA: a certificate the entry's CA issued to another CA. */
  readonly reverse?: Uint8Array;
}

export function parseCertificatePair(der: Uint8Array, what: string): CertificatePairParts {
  const bad = (why: string) => new MalformedError("MALFORMED_INPUT", `${what}: not a CertificatePair (RFC 4523 2.3): ${why}`);
  let parts: CertificatePairParts = {};
  try {
    const outer = derElement(der, 0, der.length);
    if (outer.tag !== 0x30) throw bad("not a SEQUENCE");
    if (outer.end !== der.length) throw bad("bytes after the SEQUENCE");
    let last = -1;
    for (const e of derChildren(der, outer)) {
      const n = e.tag === 0xa0 ? 0 : e.tag === 0xa1 ? 1 : -1;
      if (n < 0) throw bad(`unexpected tag 0x${e.tag.toString(16)}`);
      if (n <= last) throw bad("elements out of order or repeated");
      last = n;
      const inner = derElement(der, e.start, e.end);
      if (inner.tag !== 0x30 || inner.end !== e.end) throw bad(`[${n}] does not hold one Certificate`);
      const cert = der.slice(inner.headerStart, inner.end);
      parts = n === 0 ? { ...parts, forward: cert } : { ...parts, reverse: cert };
    }
  } catch (e) {
    if (e instanceof MalformedError) throw e;
    throw bad((e as Error).message);
  }
  if (!parts.forward && !parts.reverse) throw bad("neither element present");
  return parts;
}
