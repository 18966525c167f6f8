// Trust anchors in the three forms RFC 5914 and RFC 5280 6.1.1 (d) allow: a
// certificate, a TrustAnchorInfo (RFC 5914 2, alone or as TrustAnchorChoice [2]),
// or a bare name and public key.
import { MalformedError } from "./errors.js";
import { WorkLimitError } from "./deadline.js";
import { DerError, DerReader, bytesToHex, checkDer, checkOuterSequence, derBytes, derElement, inputToDers, type DerElement } from "./der.js";
import { parseCertificate, subjectPublicKeyAt, type Certificate, type NameConstraints, type SubjectPublicKey } from "./certificate.js";
import { dnFromDer, dnFromDerElement, dnFromString, type DistinguishedName } from "./name.js";
import { nameConstraintsAt } from "./general-name.js";

/** Constraints an anchor carries into validation (RFC 5937 2, RFC 5914 2.3). */
export interface AnchorConstraints {
  readonly policies?: readonly string[];
  readonly requireExplicitPolicy?: boolean;
  readonly inhibitPolicyMapping?: boolean;
  readonly inhibitAnyPolicy?: boolean;
  readonly nameConstraints?: NameConstraints;
  /** Most CA certificates below the anchor, self-issued ones not counted. */
  readonly pathLen?: number;
}

export interface ParsedAnchor {
  readonly subject: DistinguishedName;
  readonly publicKey: SubjectPublicKey;
  readonly subjectKeyId?: string;
  readonly cert?: Certificate;
  /** From TrustAnchorInfo CertPathControls: always enforced. */
  readonly constraints?: AnchorConstraints;
  readonly title?: string;
}

/** A trust anchor given as a name and a key, outside any certificate. */
export interface NameAndKey {
  /** DER Name, or a string written as certpath prints names: "C=US, O=Example, CN=Root". */
  subject: Uint8Array | string;
  /** DER SubjectPublicKeyInfo, or PEM "PUBLIC KEY". */
  publicKey: Uint8Array | string;
}

export function publicKeyFromSpki(input: Uint8Array, what: string): SubjectPublicKey {
  // Our own copy: the model keeps views into it (subjectPublicKeyAt).
  const spki = input.slice();
  try {
    const e = derElement(spki, 0, spki.length);
    if (e.end !== spki.length) throw new DerError("SubjectPublicKeyInfo does not fill its input");
    checkDer(spki, { start: 0, end: spki.length });
    return subjectPublicKeyAt(spki, e);
  } catch (e) {
    if (e instanceof WorkLimitError) throw e;
    throw new MalformedError("MALFORMED_INPUT", `${what}: not a SubjectPublicKeyInfo: ${(e as Error).message}`);
  }
}

/**
 * RFC 5914 2: TrustAnchorInfo ::= SEQUENCE { version TrustAnchorInfoVersion DEFAULT v1,
 * pubKey SubjectPublicKeyInfo, keyId KeyIdentifier, taTitle TrustAnchorTitle OPTIONAL,
 * certPath CertPathControls OPTIONAL, exts [1] EXPLICIT Extensions OPTIONAL,
 * taTitleLangTag [2] UTF8String OPTIONAL }, from the element `e` of `der` (read strictly:
 * the whole input is DER, X.690 10, and every field has its type).
 */
function parseTrustAnchorInfo(der: Uint8Array, e: DerElement, what: string): ParsedAnchor {
  const bad = (why: string) => new MalformedError("MALFORMED_INPUT", `${what}: not a TrustAnchorInfo (${why}, RFC 5914 2)`);
  try {
    checkDer(der, { start: e.headerStart, end: e.end });
    if (e.tag !== 0x30) throw bad("not a SEQUENCE");
    const r = DerReader.inside(der, e);
    // TrustAnchorInfoVersion ::= INTEGER { v1(1) }; the module has no other version.
    if (r.peekTag() === 0x02 && r.smallInt("version") !== 1) throw bad("version must be v1");
    if (r.peekTag() !== 0x30) throw bad("pubKey and keyId are required");
    const spkiEl = r.next(0x30, "pubKey");
    if (r.peekTag() !== 0x04) throw bad("pubKey and keyId are required");
    const keyId = r.contents(0x04, "keyId");
    let publicKey: SubjectPublicKey;
    try {
      publicKey = subjectPublicKeyAt(der, spkiEl);
    } catch (err) {
      if (err instanceof DerError) throw new MalformedError("MALFORMED_INPUT", `${what}: not a SubjectPublicKeyInfo: ${err.message}`);
      throw err;
    }
    // TrustAnchorTitle ::= UTF8String (SIZE (1..64))
    const titleEl = r.optional(0x0c);
    const title = titleEl ? Buffer.from(der.subarray(titleEl.start, titleEl.end)).toString("utf8") : undefined;
    if (r.peekTag() !== 0x30) throw bad("certPath (CertPathControls) is required here: without taName the anchor has no name to chain from");
    const cpc = r.sequence("certPath");
    // exts [1] and taTitleLangTag [2] are not used; nothing else may follow.
    r.optional(0xa1);
    r.optional(0x82);
    r.finish("TrustAnchorInfo");
    return { ...certPathControls(der, cpc, what, bad), publicKey, subjectKeyId: bytesToHex(keyId), title };
  } catch (err) {
    if (err instanceof MalformedError || err instanceof WorkLimitError) throw err;
    if (err instanceof DerError) throw bad(err.message);
    throw err;
  }
}

/**
 * CertPathControls ::= SEQUENCE { taName Name, certificate [0] Certificate OPTIONAL,
 * policySet [1] CertificatePolicies OPTIONAL, policyFlags [2] CertPolicyFlags OPTIONAL,
 * nameConstr [3] NameConstraints OPTIONAL, pathLenConstraint [4] INTEGER (0..MAX) OPTIONAL }
 * (RFC 5914 2.3; IMPLICIT tags).
 */
function certPathControls(der: Uint8Array, r: DerReader, what: string, bad: (why: string) => MalformedError): Pick<ParsedAnchor, "subject" | "cert" | "constraints"> {
  if (r.peekTag() !== 0x30) throw bad("taName");
  const subject = dnFromDerElement(der, r.next(0x30, "taName"));
  let cert: Certificate | undefined;
  const c: { policies?: string[]; requireExplicitPolicy?: boolean; inhibitPolicyMapping?: boolean; inhibitAnyPolicy?: boolean; nameConstraints?: NameConstraints; pathLen?: number } = {};
  let last = -1;
  while (!r.done) {
    const el = r.next(undefined, "a CertPathControls field");
    if ((el.tag & 0xc0) !== 0x80) throw bad("unexpected field in CertPathControls");
    const n = el.tag & 0x1f;
    if (n <= last) throw bad(`CertPathControls field [${n}] out of order or repeated`);
    last = n;
    switch (el.tag) {
      case 0xa0: {
        // [0] IMPLICIT Certificate: the certificate's own bytes with a SEQUENCE tag.
        const bytes = derBytes(der, el).slice();
        bytes[0] = 0x30;
        cert = parseCertificate(bytes, `${what} certificate`);
        break;
      }
      case 0xa1: {
        // CertificatePolicies ::= SEQUENCE SIZE (1..MAX) OF PolicyInformation { policyIdentifier, policyQualifiers OPTIONAL } (RFC 5280 4.2.1.4)
        const list = DerReader.inside(der, el);
        const policies: string[] = [];
        while (!list.done) {
          const pi = list.sequence("PolicyInformation");
          policies.push(pi.oid("policyIdentifier"));
          pi.optional(0x30);
          pi.finish("PolicyInformation (RFC 5280 4.2.1.4)");
        }
        c.policies = policies;
        break;
      }
      case 0x82: {
        // CertPolicyFlags ::= BIT STRING { inhibitPolicyMapping (0), requireExplicitPolicy (1), inhibitAnyPolicy (2) }
        if (el.end === el.start) throw bad("policyFlags BIT STRING without its unused-bits octet");
        const b = el.end - el.start > 1 ? der[el.start + 1]! : 0;
        c.inhibitPolicyMapping = !!(b & 0x80);
        c.requireExplicitPolicy = !!(b & 0x40);
        c.inhibitAnyPolicy = !!(b & 0x20);
        break;
      }
      case 0xa3:
        c.nameConstraints = nameConstraintsAt(der, el);
        break;
      case 0x84: {
        // A counter: at most 4 octets (issue 10 item 1), non-negative.
        const one = new DerReader(der, el.headerStart, el.end);
        c.pathLen = one.smallInt("pathLenConstraint", 4, 0x84);
        break;
      }
      default:
        throw bad(`unknown CertPathControls field [${n}]`);
    }
  }
  return { subject, cert, constraints: Object.freeze(c) };
}

/** One trust anchor input: certificate (DER/PEM), TrustAnchorInfo or TrustAnchorChoice DER, or name + key. Throws MalformedError only. */
export function parseTrustAnchors(input: Uint8Array | string | NameAndKey, what: string): ParsedAnchor[] {
  try {
    return parseTrustAnchorsUnguarded(input, what);
  } catch (e) {
    if (e instanceof MalformedError || e instanceof WorkLimitError) throw e;
    throw new MalformedError("MALFORMED_INPUT", `${what}: not a certificate or TrustAnchorInfo: ${(e as Error).message}`);
  }
}

function parseTrustAnchorsUnguarded(input: Uint8Array | string | NameAndKey, what: string): ParsedAnchor[] {
  if (typeof input === "object" && !(input instanceof Uint8Array)) return [fromNameAndKey(input, what)];
  const ders = inputToDers(input, ["CERTIFICATE", "TRUSTED CERTIFICATE", "TRUST ANCHOR"], "MALFORMED_CERTIFICATE", what);
  return ders.map((der, i) => {
    const label = ders.length > 1 ? `${what}#${i}` : what;
    // TrustAnchorChoice ::= CHOICE { certificate Certificate, tbsCert [1] EXPLICIT TBSCertificate, taInfo [2] EXPLICIT TrustAnchorInfo } (RFC 5914 2)
    if (der[0] === 0xa2) {
      let inner: DerElement;
      try {
        const outer = derElement(der, 0, der.length);
        if (outer.end !== der.length) throw new DerError("the [2] element does not fill the input");
        const r = DerReader.inside(der, outer);
        inner = r.next(0x30, "taInfo");
        r.finish("TrustAnchorChoice taInfo [2]");
      } catch (e) {
        if (e instanceof WorkLimitError) throw e;
        throw new MalformedError("MALFORMED_INPUT", `${label}: bad TrustAnchorChoice (${(e as Error).message}, RFC 5914 2)`);
      }
      return parseTrustAnchorInfo(der, inner, label);
    }
    checkOuterSequence(der, "MALFORMED_CERTIFICATE", label);
    // Most anchors are certificates, and parsed certificates are cached: try that first.
    let cert: Certificate;
    try {
      cert = parseCertificate(der, label);
    } catch (e) {
      if (e instanceof WorkLimitError) throw e;
      // A TrustAnchorInfo is SEQUENCE { [version], SubjectPublicKeyInfo, OCTET STRING keyId, ... }; a certificate has no OCTET STRING there.
      if (looksLikeTrustAnchorInfo(der)) return parseTrustAnchorInfo(der, derElement(der, 0, der.length), label);
      throw e;
    }
    return { subject: cert.subject, publicKey: cert.publicKey, subjectKeyId: cert.subjectKeyId, cert };
  });
}

function looksLikeTrustAnchorInfo(der: Uint8Array): boolean {
  try {
    const r = DerReader.inside(der, derElement(der, 0, der.length));
    r.optional(0x02);
    r.next(0x30, "pubKey");
    return r.peekTag() === 0x04;
  } catch {
    return false;
  }
}

function fromNameAndKey(a: NameAndKey, what: string): ParsedAnchor {
  let subject: DistinguishedName;
  try {
    subject = typeof a.subject === "string" ? dnFromString(a.subject) : dnFromDer(a.subject);
  } catch (e) {
    throw new MalformedError("MALFORMED_INPUT", `${what}.subject: not a distinguished name: ${(e as Error).message}`);
  }
  const spki = typeof a.publicKey === "string" ? inputToDers(a.publicKey, ["PUBLIC KEY"], "MALFORMED_INPUT", `${what}.publicKey`)[0]! : a.publicKey;
  return { subject, publicKey: publicKeyFromSpki(spki, `${what}.publicKey`) };
}
