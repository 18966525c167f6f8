// Trust anchors: per RFC 5280 6.1.1 (d) an anchor is a name and a public key;
// the certificate that carried them is kept for RFC 5937 constraint enforcement.
import type { Certificate, SubjectPublicKey } from "../parsing/certificate.js";
import type { DistinguishedName } from "../parsing/name.js";
import type { AnchorConstraints, ParsedAnchor } from "../parsing/trust-anchor.js";

export interface TrustAnchor {
  readonly subject: DistinguishedName;
  readonly publicKey: SubjectPublicKey;
  readonly subjectKeyId?: string;
  /** The certificate the anchor came from, when it came from one. */
  readonly cert?: Certificate;
  /** Where the anchor came from, for messages (e.g. "trustAnchors[1]"). */
  readonly label: string;
  /** Constraints stated with the anchor (RFC 5914 CertPathControls): always applied. */
  readonly constraints?: AnchorConstraints;
}

export function anchorFromParsed(a: ParsedAnchor, label: string): TrustAnchor {
  return Object.freeze({ ...a, label: a.title ? `${label} "${a.title}"` : label });
}

/** A set of anchors, possibly from several domains (a trust list), indexed by subject name. */
export class TrustAnchorStore {
  private readonly bySubject = new Map<string, TrustAnchor[]>();
  readonly all: readonly TrustAnchor[];

  constructor(anchors: readonly TrustAnchor[]) {
    this.all = anchors;
    for (const a of anchors) {
      const l = this.bySubject.get(a.subject.key);
      if (l) l.push(a);
      else this.bySubject.set(a.subject.key, [a]);
    }
  }

  findBySubject(name: DistinguishedName): readonly TrustAnchor[] {
    return this.bySubject.get(name.key) ?? [];
  }
}
