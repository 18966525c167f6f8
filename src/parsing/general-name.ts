// GeneralName and NameConstraints (RFC 5280 4.2.1.6, 4.2.1.10) read with the DER reader,
// for a certificate's subjectAltName, issuer names of its extensions and nameConstraints,
// and for a TrustAnchorInfo's CertPathControls (RFC 5914 2.3). Hand-written because
// bench/name-constraints.mjs showed @peculiar/asn1-x509 taking seconds on the 4,096
// subtrees and 2,048 names of its cold call. iPAddress octets are kept as written: the
// library's text form turned a mask into a prefix length, which rewrote a non-contiguous
// mask into another range (issue 10 item 6).
import { DerError, DerReader, bytesToHex, derChildren, derOid, smallIntFromContents, type DerElement } from "./der.js";
import { dnFromDerElement, type GeneralName } from "./name.js";
import type { GeneralSubtree, NameConstraints } from "./certificate.js";

const latin1 = (der: Uint8Array, e: DerElement) => Buffer.from(der.subarray(e.start, e.end)).toString("latin1");

/**
 * GeneralName ::= CHOICE { otherName [0], rfc822Name [1] IA5String, dNSName [2] IA5String,
 * x400Address [3], directoryName [4] Name, ediPartyName [5], uniformResourceIdentifier [6]
 * IA5String, iPAddress [7] OCTET STRING, registeredID [8] OBJECT IDENTIFIER } (RFC 5280 4.2.1.6;
 * IMPLICIT tags except directoryName, a CHOICE, hence explicit).
 */
export function generalNameAt(der: Uint8Array, e: DerElement): GeneralName {
  switch (e.tag) {
    case 0xa0: {
      // OtherName ::= SEQUENCE { type-id OBJECT IDENTIFIER, value [0] EXPLICIT ANY DEFINED BY type-id }
      const r = DerReader.inside(der, e);
      const typeId = r.oid("otherName.type-id");
      const wrapped = DerReader.inside(der, r.next(0xa0, "otherName.value"));
      const value = wrapped.raw("otherName.value");
      wrapped.finish("otherName.value");
      r.finish("otherName");
      return { kind: "otherName", typeId, valueHex: bytesToHex(value) };
    }
    case 0x81:
      return { kind: "rfc822Name", value: latin1(der, e) };
    case 0x82:
      return { kind: "dNSName", value: latin1(der, e) };
    case 0xa3:
      return { kind: "x400Address" };
    case 0xa4: {
      const kids = derChildren(der, e);
      if (kids.length !== 1 || kids[0]!.tag !== 0x30) throw new DerError("directoryName is not one Name");
      return { kind: "directoryName", name: dnFromDerElement(der, kids[0]!) };
    }
    case 0xa5:
      return { kind: "ediPartyName" };
    case 0x86:
      return { kind: "uniformResourceIdentifier", value: latin1(der, e) };
    case 0x87:
      return { kind: "iPAddress", bytes: der.slice(e.start, e.end) };
    case 0x88:
      return { kind: "registeredID", value: derOid(der, { ...e, tag: 0x06 }) };
    default:
      throw new DerError(`tag 0x${e.tag.toString(16)} is not a GeneralName (RFC 5280 4.2.1.6)`);
  }
}

/** BaseDistance ::= INTEGER (0..MAX): a counter (at most 4 octets, issue 10 item 1), capped like the certificate parser's. */
function baseDistance(der: Uint8Array, e: DerElement): number {
  return Math.min(1000, smallIntFromContents(der.subarray(e.start, e.end), "BaseDistance"));
}

/**
 * NameConstraints ::= SEQUENCE { permittedSubtrees [0] GeneralSubtrees OPTIONAL, excludedSubtrees
 * [1] GeneralSubtrees OPTIONAL }, GeneralSubtree ::= SEQUENCE { base GeneralName, minimum [0]
 * BaseDistance DEFAULT 0, maximum [1] BaseDistance OPTIONAL } (RFC 5280 4.2.1.10), from the
 * contents of `e` (a SEQUENCE, or the [3] IMPLICIT of a TrustAnchorInfo).
 */
export function nameConstraintsAt(der: Uint8Array, e: DerElement): NameConstraints {
  const out: { permitted?: readonly GeneralSubtree[]; excluded?: readonly GeneralSubtree[] } = {};
  const r = DerReader.inside(der, e);
  for (const [tag, which] of [
    [0xa0, "permitted"],
    [0xa1, "excluded"],
  ] as const) {
    const list = r.optional(tag);
    if (!list) continue;
    const subtrees: GeneralSubtree[] = [];
    const items = DerReader.inside(der, list);
    while (!items.done) {
      const st = items.sequence("a GeneralSubtree");
      const base = generalNameAt(der, st.next(undefined, "GeneralSubtree.base"));
      const min = st.optional(0x80);
      const max = st.optional(0x81);
      st.finish("a GeneralSubtree (RFC 5280 4.2.1.10: base, minimum, maximum)");
      subtrees.push(Object.freeze({ base, minimum: min ? baseDistance(der, min) : 0, maximum: max ? baseDistance(der, max) : undefined }));
    }
    out[which] = Object.freeze(subtrees);
  }
  r.finish("NameConstraints (RFC 5280 4.2.1.10: [0] permittedSubtrees then [1] excludedSubtrees)");
  return Object.freeze(out);
}
