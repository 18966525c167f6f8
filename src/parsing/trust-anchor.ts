// Trust anchors in the three forms RFC 5914 and RFC 5280 6.1.1 (d) allow: a
// certificate, a TrustAnchorInfo (RFC 5914 2, alone or as TrustAnchorChoice [2]),
// or a bare name and public key.
import * as asn1js from "asn1js";
import { AsnConvert } from "@peculiar/asn1-schema";
import { CertificatePolicies, NameConstraints as AsnNameConstraints, Name as AsnName, SubjectPublicKeyInfo } from "@peculiar/asn1-x509";
import { MalformedError } from "./errors.js";
import { WorkLimitError } from "./deadline.js";
import { bytesToHex, checkOuterSequence, inputToDers, smallIntFromContents } from "./der.js";
import { parseCertificate, subjectPublicKey, type Certificate, type NameConstraints, type SubjectPublicKey } from "./certificate.js";
import { dnFromAsn, dnFromDer, dnFromString, generalNameFromAsn, type DistinguishedName } from "./name.js";

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

export function publicKeyFromSpki(spki: Uint8Array, what: string): SubjectPublicKey {
  try {
    return subjectPublicKey(AsnConvert.parse(spki, SubjectPublicKeyInfo));
  } catch (e) {
    throw new MalformedError("MALFORMED_INPUT", `${what}: not a SubjectPublicKeyInfo: ${(e as Error).message}`);
  }
}

/** Reads an IMPLICIT-tagged constructed field as its base SEQUENCE type. */
function implicitSequence<T>(el: asn1js.BaseBlock, type: new () => T): T {
  const raw = new Uint8Array(el.valueBeforeDecodeView);
  const der = raw.slice();
  der[0] = 0x30;
  return AsnConvert.parse(der, type);
}

/** RFC 5914 2: TrustAnchorInfo, from the DER of the SEQUENCE. */
function parseTrustAnchorInfo(seq: asn1js.Sequence, what: string): ParsedAnchor {
  const bad = (why: string) => new MalformedError("MALFORMED_INPUT", `${what}: not a TrustAnchorInfo (${why}, RFC 5914 2)`);
  const els = [...seq.valueBlock.value];
  if (els[0] instanceof asn1js.Integer) {
    if (els[0].valueBlock.valueDec !== 1) throw bad("version must be v1");
    els.shift();
  }
  const spkiEl = els.shift();
  const keyIdEl = els.shift();
  if (!(spkiEl instanceof asn1js.Sequence) || !(keyIdEl instanceof asn1js.OctetString)) throw bad("pubKey and keyId are required");
  const publicKey = publicKeyFromSpki(new Uint8Array(spkiEl.valueBeforeDecodeView), what);
  let title: string | undefined;
  if (els[0] instanceof asn1js.Utf8String) title = (els.shift() as asn1js.Utf8String).valueBlock.value;
  const cpc = els[0] instanceof asn1js.Sequence ? (els.shift() as asn1js.Sequence) : undefined;
  if (!cpc) throw bad("certPath (CertPathControls) is required here: without taName the anchor has no name to chain from");
  const [nameEl, ...rest] = cpc.valueBlock.value;
  if (!(nameEl instanceof asn1js.Sequence)) throw bad("taName");
  const subject = dnFromAsn(AsnConvert.parse(new Uint8Array(nameEl.valueBeforeDecodeView), AsnName));
  let cert: Certificate | undefined;
  const c: { policies?: string[]; requireExplicitPolicy?: boolean; inhibitPolicyMapping?: boolean; inhibitAnyPolicy?: boolean; nameConstraints?: NameConstraints; pathLen?: number } = {};
  for (const el of rest) {
    if (el.idBlock.tagClass !== 3) throw bad("unexpected field in CertPathControls");
    switch (el.idBlock.tagNumber) {
      case 0:
        cert = parseCertificate(implicitRaw(el, 0x30), `${what} certificate`);
        break;
      case 1:
        c.policies = [...implicitSequence(el, CertificatePolicies)].map((p) => p.policyIdentifier);
        break;
      case 2: {
        // CertPolicyFlags ::= BIT STRING { inhibitPolicyMapping (0), requireExplicitPolicy (1), inhibitAnyPolicy (2) }
        const bytes = (el as asn1js.Primitive).valueBlock.valueHexView;
        const b = bytes.length > 1 ? bytes[1]! : 0;
        c.inhibitPolicyMapping = !!(b & 0x80);
        c.requireExplicitPolicy = !!(b & 0x40);
        c.inhibitAnyPolicy = !!(b & 0x20);
        break;
      }
      case 3: {
        const nc = implicitSequence(el, AsnNameConstraints);
        const subtrees = (l?: Iterable<{ base: never; minimum: number; maximum?: number }>) =>
          l ? [...l].map((s) => ({ base: generalNameFromAsn(s.base), minimum: s.minimum ?? 0, maximum: s.maximum })) : undefined;
        c.nameConstraints = { permitted: subtrees(nc.permittedSubtrees as never), excluded: subtrees(nc.excludedSubtrees as never) };
        break;
      }
      case 4: {
        // A counter: at most 4 octets (issue 10 item 1), non-negative.
        c.pathLen = smallIntFromContents((el as asn1js.Primitive).valueBlock.valueHexView, "pathLenConstraint");
        break;
      }
      default:
        throw bad(`unknown CertPathControls field [${el.idBlock.tagNumber}]`);
    }
  }
  return { subject, publicKey, subjectKeyId: bytesToHex(keyIdEl.valueBlock.valueHexView), cert, constraints: Object.freeze(c), title };
}

function implicitRaw(el: asn1js.BaseBlock, tag: number): Uint8Array {
  const der = new Uint8Array(el.valueBeforeDecodeView).slice();
  der[0] = tag;
  return der;
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
    // TrustAnchorChoice taInfo [2] EXPLICIT TrustAnchorInfo
    if (der[0] === 0xa2) {
      const p = asn1js.fromBER(der);
      const inner = (p.result as asn1js.Constructed).valueBlock?.value?.[0];
      if (p.offset !== der.length || !(inner instanceof asn1js.Sequence)) throw new MalformedError("MALFORMED_INPUT", `${label}: bad TrustAnchorChoice`);
      return parseTrustAnchorInfo(inner, label);
    }
    checkOuterSequence(der, "MALFORMED_CERTIFICATE", label);
    // Most anchors are certificates, and parsed certificates are cached: try that first.
    let cert: Certificate;
    try {
      cert = parseCertificate(der, label);
    } catch (e) {
      if (e instanceof WorkLimitError) throw e;
      // A TrustAnchorInfo is SEQUENCE { [version], SubjectPublicKeyInfo, OCTET STRING keyId, ... }.
      const p = asn1js.fromBER(der);
      const fields = (p.result as asn1js.Sequence).valueBlock?.value;
      if (fields && fields.some((f) => f instanceof asn1js.OctetString)) return parseTrustAnchorInfo(p.result as asn1js.Sequence, label);
      throw e;
    }
    return { subject: cert.subject, publicKey: cert.publicKey, subjectKeyId: cert.subjectKeyId, cert };
  });
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
