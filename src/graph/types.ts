// The graph of what one call knows (issue 14): plain, JSON-ready data a caller may draw
// its own way. Nodes are CAs (and the target's subject): one per subject name + public key,
// the identity RFC 4158 2.4.2 uses to tell CAs apart. Edges are certificates, directed
// from the issuer's node to the subject's node. A self-signed certificate is not an edge:
// it marks its node (`selfSigned`), as an anchor's own certificate does (`anchorCert`).

/** A certificate's fields, as text, for a reader (the side panel of the HTML form). */
export interface GraphCertificate {
  sha256: string;
  /** DER, base64. */
  der: string;
  subject: string;
  issuer: string;
  serial: string;
  notBefore: string;
  notAfter: string;
  /** Public key algorithm OID and size in bits. */
  keyAlgorithm: string;
  keyBits: number;
  signatureAlgorithm: string;
  subjectKeyId?: string;
  authorityKeyId?: string;
  basicConstraints?: { cA: boolean; pathLen?: number };
  keyUsage?: string[];
  extKeyUsage?: string[];
  policies?: string[];
  /** "issuerDomainPolicy -> subjectDomainPolicy". */
  policyMappings?: string[];
  policyConstraints?: { requireExplicitPolicy?: number; inhibitPolicyMapping?: number };
  inhibitAnyPolicy?: number;
  nameConstraints?: { permitted?: string[]; excluded?: string[] };
  subjectAltName?: string[];
}

export interface GraphNode {
  /** "n0", "n1", ...: stable within one graph. */
  id: string;
  /** Subject name (X.500 order, root first). */
  subject: string;
  /** SHA-256 of the SubjectPublicKeyInfo (hex); absent for a name no input gave a key for. */
  keySha256?: string;
  /** The `domains` entry the node is drawn in. */
  domain: string;
  target: boolean;
  anchor: boolean;
  /** A CA cross-certified with two or more other domains that has no subordinates of its own (RFC 5217 3.3). */
  bridge: boolean;
  /** A self-signed certificate for this name and key was among the inputs. */
  selfSigned: boolean;
  /** False for an issuer known only by the name in some certificate (not in the inputs, or no known key signs it). */
  known: boolean;
  /** The anchor's certificate, when the anchor was given as one. */
  anchorCert?: GraphCertificate;
  /** A self-signed certificate of this node found in the intermediates. */
  selfSignedCert?: GraphCertificate;
  /** Certificates the search tried to chain to this CA whose signature its key did not verify (a same-named decoy, a re-keyed CA). */
  notIssuerOf?: { edge: string; code: string; message: string }[];
}

/** What validation said of a candidate path whose first failing certificate is this edge's. */
export interface EdgeRejection {
  /** Index into `TrustGraph.candidates`. */
  candidate: number;
  code: string;
  message: string;
}

export interface GraphEdge {
  /** "e0", "e1", ...: stable within one graph. */
  id: string;
  /** The issuer's node. */
  from: string;
  /** The subject's node. */
  to: string;
  cert: GraphCertificate;
  /** Crosses from one domain into another (a cross-certificate). */
  cross: boolean;
  /** The reverse cross-certificate (subject and issuer swapped), when both exist: a mutual pair. */
  pair?: string;
  validity: "valid" | "expired" | "not-yet-valid";
  /** What the search learnt of the signature: checked with the issuer's key (verified/failed), deferred to validation (inherited DSA parameters), or never looked at. */
  signature: "verified" | "failed" | "deferred" | "not-checked";
  signatureError?: { code: string; message: string };
  /** Dropped before any signature check: no anchor is reachable from its issuer's name (RFC 4158 5.1). */
  cut?: "unreachable";
  /** On the path that validated. */
  onPath: boolean;
  /** Candidate paths (indices into `candidates`) that used this certificate. */
  candidates: number[];
  /** Candidates whose first failing certificate is this one, and why. */
  rejections: EdgeRejection[];
  /** Revocation status, when a revocation check reached this certificate. */
  revocation?: { status: "good" | "revoked" | "unknown" | "not-checked"; time?: string; reason?: string; source?: string };
}

export interface GraphCandidate {
  /** The certificates' edges, target first. */
  edges: string[];
  /** The anchor's node. */
  anchor: string;
  valid: boolean;
  error?: { code: string; message: string; certIndex: number };
  /** The edge of the first failing certificate, or undefined when the anchor itself failed (`failedNode`). */
  failedEdge?: string;
  failedNode?: string;
}

export interface GraphDomain {
  id: string;
  /** The name of the domain's root (its first root when several). */
  label: string;
  nodes: string[];
}

export interface TrustGraph {
  format: "certpath-graph/1";
  /** Validation time, ISO 8601. */
  time: string;
  /** The call's verdict (absent for a verifier's graph, which has no target). */
  valid?: boolean;
  error?: { code: string; message: string };
  nodes: GraphNode[];
  edges: GraphEdge[];
  domains: GraphDomain[];
  /** The target's node (absent for a verifier's graph) and its certificate's edge (absent when the target is self-signed). */
  target?: string;
  targetEdge?: string;
  anchors: string[];
  /** The validated path's edges, target first (empty when none validated). */
  path: string[];
  /** Every complete candidate path, in the order the search tried them. */
  candidates: GraphCandidate[];
}
