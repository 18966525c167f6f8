// The RFC 5280 6.1 path validation state machine, over one complete candidate path:
// a `PathValidation` holds the state variables of 6.1.2 and has one method per step,
// `initialize` (6.1.2), `processCertificate` (6.1.3), `prepareForNext` (6.1.4) and
// `wrapUp` (6.1.5). The profile rules of ./profile.ts run on each certificate in 6.1.3
// (and on the anchor certificate in 6.1.2 when anchor constraints apply).
// Revocation (6.1.3 (a)(3)) is the revocation layer's job and runs after this.
import type { Certificate, NameConstraints } from "../parsing/certificate.js";
import { KU, certLabel, sameAlgorithm } from "../parsing/certificate.js";
import { OID } from "../parsing/oids.js";
import { effectiveKey, type SignatureVerifier, type VerificationKey } from "../crypto/verifier.js";
import type { TrustAnchor } from "../stores/trust-anchors.js";
import { PolicyGraph } from "./policy-graph.js";
import { applyNameConstraints, checkNameConstraints, initialNameConstraintState, type NameCheckCounter, type NameConstraintState } from "./name-constraints.js";
import { brokenRules, type CertificateRole, type Profile } from "./profile.js";
import type { Deviation, ErrorCode } from "../api/types.js";

export interface PolicyInputs {
  /** RFC 5280 6.1.1 (c) */
  readonly initialPolicySet: readonly string[];
  /** RFC 5280 6.1.1 (f) */
  readonly explicitPolicy: boolean;
  /** RFC 5280 6.1.1 (e) */
  readonly policyMappingInhibit: boolean;
  /** RFC 5280 6.1.1 (g) */
  readonly anyPolicyInhibit: boolean;
}

export const DEFAULT_POLICY_INPUTS: PolicyInputs = Object.freeze({
  initialPolicySet: [OID.anyPolicy],
  explicitPolicy: false,
  policyMappingInhibit: false,
  anyPolicyInhibit: false,
});

export interface ValidationInput {
  /** Target first, then each issuer (the builder's order); the anchor is separate. */
  readonly certs: readonly Certificate[];
  readonly anchor: TrustAnchor;
  readonly time: Date;
  readonly policy: PolicyInputs;
  /** Purposes the target must carry (RFC 5280 4.2.1.12); empty means no check. */
  readonly extendedKeyUsage: readonly string[];
  /** RFC 5937: also apply the anchor certificate's own constraints. */
  readonly enforceAnchorConstraints: boolean;
  readonly verifier: SignatureVerifier;
  /** Default "rfc5280": strict rules become deviations instead of failures. */
  readonly profile?: Profile;
  /** Counts name-constraint comparisons against the call's budget (default: uncounted). */
  readonly nameChecks?: NameCheckCounter;
}

export interface PathFailure {
  readonly code: ErrorCode;
  readonly message: string;
  /** Index in the target-first path (0 = target; certs.length = the anchor). */
  readonly certIndex: number;
}

export interface ValidationOutcome {
  readonly ok: boolean;
  /** The user-constrained policy set (RFC 5280 6.1.6) when ok. */
  readonly policies: readonly string[];
  readonly failure?: PathFailure;
  /** The key each certificate was verified with, target-first like `certs` (DSA parameters inherited). */
  readonly issuerKeys: readonly VerificationKey[];
  /** Each certificate's own working key, target-first. */
  readonly subjectKeys: readonly VerificationKey[];
  /** Strict rules broken by the certificates examined (default profile), path indexes. */
  readonly deviations: readonly Deviation[];
}

interface StateConstraints {
  readonly pathLen?: number;
  readonly nameConstraints?: NameConstraints;
  readonly explicitPolicy?: number;
  readonly policyMapping?: number;
  readonly inhibitAnyPolicy?: number;
  readonly policies?: readonly string[];
}

/** The anchor's constraints as state-variable bounds: TrustAnchorInfo ones always, the certificate's on request. */
function anchorConstraints(anchor: TrustAnchor, enforceCert: boolean): StateConstraints[] {
  const out: StateConstraints[] = [];
  const t = anchor.constraints;
  if (t)
    out.push({
      pathLen: t.pathLen,
      nameConstraints: t.nameConstraints,
      explicitPolicy: t.requireExplicitPolicy ? 0 : undefined,
      policyMapping: t.inhibitPolicyMapping ? 0 : undefined,
      inhibitAnyPolicy: t.inhibitAnyPolicy ? 0 : undefined,
      policies: t.policies,
    });
  const c = anchor.cert;
  if (enforceCert && c)
    out.push({
      // pathLenConstraint counts the CA certificates the anchor may have below it.
      pathLen: c.basicConstraints?.pathLen,
      nameConstraints: c.nameConstraints,
      explicitPolicy: c.policyConstraints?.requireExplicitPolicy,
      policyMapping: c.policyConstraints?.inhibitPolicyMapping,
      inhibitAnyPolicy: c.inhibitAnyPolicy,
      policies: c.policies?.map((p) => p.policy),
    });
  return out;
}

/**
 * The state of RFC 5280 6.1 for one path, with one method per step. Certificates are
 * numbered as in the RFC but from 0: certificate 0 is issued by the trust anchor,
 * certificate n-1 is the target. Each step returns the failure that ends validation, or
 * undefined; after a failure the state is not meaningful. Budget errors propagate.
 *
 *   const v = new PathValidation(input);
 *   let f = v.initialize();
 *   for (let i = 0; !f && i < v.n; i++) f = v.processCertificate(i) ?? (i < v.n - 1 ? v.prepareForNext(i) : undefined);
 *   f ??= v.wrapUp();
 */
export class PathValidation {
  /** The path in RFC order: certs[0] is issued by the anchor, certs[n-1] is the target. */
  readonly certs: readonly Certificate[];
  readonly n: number;
  readonly profile: Profile;

  // RFC 5280 6.1.2 state variables.
  /** (a) valid_policy_tree, as the valid_policy_graph of RFC 9618. */
  readonly graph = new PolicyGraph();
  /** (b), (c) permitted_subtrees, excluded_subtrees. */
  nameConstraints: NameConstraintState = initialNameConstraintState();
  /** (d) explicit_policy. */
  explicitPolicy: number;
  /** (e) inhibit_anyPolicy. */
  inhibitAnyPolicy: number;
  /** (f) policy_mapping. */
  policyMapping: number;
  /** (g) working_public_key (with its algorithm and parameters, (h), (i)). */
  workingKey: VerificationKey;
  /** (j) working_issuer_name. */
  workingIssuer: Certificate["subject"];
  /** (k) max_path_length. */
  maxPathLength: number;
  /** RFC 5280 6.1.1 (c) user-initial-policy-set, narrowed by the anchor's policies (RFC 5937). */
  initialPolicySet: readonly string[];
  /** The user-constrained policy set (6.1.6), set by wrapUp. */
  policies: readonly string[] = [];

  readonly issuerKeys: VerificationKey[];
  readonly subjectKeys: VerificationKey[];
  readonly deviations: Deviation[] = [];

  // Where the policy graph became empty and why, and what made explicit policy required or
  // mapping inhibited, so a POLICY error names the certificate that caused it.
  private emptied: { i: number; why: string } | undefined;
  private explicitRequiredBy: string;
  private mappingInhibitedBy: string;
  private readonly counter: NameCheckCounter | undefined;

  constructor(readonly input: ValidationInput) {
    this.certs = [...input.certs].reverse();
    this.n = this.certs.length;
    this.profile = input.profile ?? "rfc5280";
    this.counter = input.nameChecks;
    this.issuerKeys = new Array(this.n);
    this.subjectKeys = new Array(this.n);
    const p = input.policy;
    this.explicitPolicy = p.explicitPolicy ? 0 : this.n + 1;
    this.inhibitAnyPolicy = p.anyPolicyInhibit ? 0 : this.n + 1;
    this.policyMapping = p.policyMappingInhibit ? 0 : this.n + 1;
    this.maxPathLength = this.n;
    this.workingKey = input.anchor.publicKey;
    this.workingIssuer = input.anchor.subject;
    this.initialPolicySet = p.initialPolicySet;
    this.explicitRequiredBy = p.explicitPolicy ? "the initial-explicit-policy input" : "the anchor's constraints";
    this.mappingInhibitedBy = p.policyMappingInhibit ? "the initial-policy-mapping-inhibit input" : "the anchor's constraints";
  }

  /** Path index (0 = target, n = anchor) of RFC-order certificate i (-1 = the anchor). */
  pathIndex(i: number): number {
    return i < 0 ? this.n : this.n - 1 - i;
  }

  private fail(i: number, code: ErrorCode, rule: string, what: string): PathFailure {
    const certIndex = this.pathIndex(i);
    const a = this.input.anchor;
    const who = i < 0 ? `trust anchor ${a.label} (${a.subject.text})` : `certificate #${certIndex} (${certLabel(this.certs[i]!)})`;
    return { code, message: `${who}: ${what} (${rule})`, certIndex };
  }

  private policyFailure(at: number, rule: string): PathFailure {
    const checked = `certificate #${this.pathIndex(at)}`;
    if (!this.emptied) return this.fail(at, "POLICY", rule, `explicit policy is required (${this.explicitRequiredBy}) and no acceptable policy remains`);
    return this.fail(
      this.emptied.i,
      "POLICY",
      rule,
      `explicit policy is required (${this.explicitRequiredBy}) and the policy graph became empty at this certificate: ${this.emptied.why}; detected at ${checked}`,
    );
  }

  /**
   * The profile rules on certificate i (-1: the anchor certificate): an rfc5280 rule, or a
   * strict rule in the strict profile, fails the path; a strict rule in the default profile
   * is recorded as a deviation.
   */
  private profileRules(i: number, c: Certificate, role: CertificateRole): PathFailure | undefined {
    for (const r of brokenRules(c, role)) {
      if (r.profile === "rfc5280" || this.profile === "strict")
        return this.fail(i, r.code ?? "PROFILE", r.section, `${r.what} [${r.id}, ${r.profile === "strict" ? "strict profile" : "both profiles"}]`);
      this.deviations.push({ certIndex: this.pathIndex(i), rule: r.id, section: r.section });
    }
    return undefined;
  }

  /** RFC 5280 6.1.2: initialisation, with the anchor's constraints as inputs (RFC 5937). */
  initialize(): PathFailure | undefined {
    const { anchor, time, enforceAnchorConstraints } = this.input;
    // RFC 5937 3: the anchor certificate's own checks, when anchor constraints apply.
    const ac = anchor.cert;
    if (enforceAnchorConstraints && ac) {
      if (time < ac.notBefore) return this.fail(-1, "ANCHOR_CONSTRAINTS", "RFC 5937 3", `anchor is not valid before ${ac.notBefore.toISOString()}`);
      if (time > ac.notAfter) return this.fail(-1, "ANCHOR_CONSTRAINTS", "RFC 5937 3", `anchor expired at ${ac.notAfter.toISOString()}`);
      if (ac.basicConstraints && !ac.basicConstraints.cA) return this.fail(-1, "ANCHOR_CONSTRAINTS", "RFC 5937 3", "anchor certificate is not a CA");
      if (ac.unknownCriticalExtensions.length)
        return this.fail(-1, "UNKNOWN_CRITICAL_EXTENSION", "RFC 5937 2", `anchor certificate has unprocessed critical extension ${ac.unknownCriticalExtensions.join(", ")}`);
      // The profile rules hold for the anchor certificate too when its constraints apply.
      const selfSigned = ac.selfIssued && (ac.authorityKeyId?.keyId === undefined || ac.authorityKeyId.keyId === ac.subjectKeyId);
      const f = this.profileRules(-1, ac, { issuesInPath: true, selfSigned });
      if (f) return f;
    }
    // RFC 5937 2, RFC 5914 2.3: constraints that come with the anchor become inputs.
    for (const con of anchorConstraints(anchor, enforceAnchorConstraints)) {
      if (con.pathLen !== undefined) this.maxPathLength = Math.min(this.maxPathLength, con.pathLen);
      if (con.nameConstraints) this.nameConstraints = applyNameConstraints(this.nameConstraints, con.nameConstraints, this.counter);
      if (con.explicitPolicy !== undefined) this.explicitPolicy = Math.min(this.explicitPolicy, con.explicitPolicy);
      if (con.policyMapping !== undefined) this.policyMapping = Math.min(this.policyMapping, con.policyMapping);
      if (con.inhibitAnyPolicy !== undefined) this.inhibitAnyPolicy = Math.min(this.inhibitAnyPolicy, con.inhibitAnyPolicy);
      if (con.policies) {
        const anchorSet = con.policies;
        const initial = this.initialPolicySet;
        this.initialPolicySet = anchorSet.includes(OID.anyPolicy)
          ? initial
          : initial.includes(OID.anyPolicy)
            ? anchorSet
            : initial.filter((p) => anchorSet.includes(p));
      }
    }
    return undefined;
  }

  /** RFC 5280 6.1.3: basic certificate processing of certificate i. */
  processCertificate(i: number): PathFailure | undefined {
    const c = this.certs[i]!;
    const last = i === this.n - 1;
    const { time, verifier } = this.input;

    // RFC 5280 4.1.1.2: the two signature algorithm fields must match.
    if (!sameAlgorithm(c.signatureAlgorithm, c.tbsSignatureAlgorithm))
      return this.fail(i, "ALGORITHM_MISMATCH", "RFC 5280 4.1.1.2", "signatureAlgorithm differs from tbsCertificate.signature");
    // (a)(1) the signature verifies with the working public key.
    this.issuerKeys[this.pathIndex(i)] = this.workingKey;
    const sig = verifier.verify(c, this.workingKey);
    if (!sig.ok) return this.fail(i, sig.code, "RFC 5280 6.1.3 (a)(1)", sig.message);
    // (a)(2) the validation time is within the validity period.
    if (time < c.notBefore) return this.fail(i, "NOT_YET_VALID", "RFC 5280 6.1.3 (a)(2)", `not valid before ${c.notBefore.toISOString()}`);
    if (time > c.notAfter) return this.fail(i, "EXPIRED", "RFC 5280 6.1.3 (a)(2)", `expired at ${c.notAfter.toISOString()}`);
    // (a)(4) the issuer name is the working issuer name.
    if (c.issuer.key !== this.workingIssuer.key)
      return this.fail(i, "NAME_CHAINING", "RFC 5280 6.1.3 (a)(4)", `issuer "${c.issuer.text}" is not "${this.workingIssuer.text}"`);

    // The profile's certificate rules (README "Profiles").
    const selfSigned = c.selfIssued && Buffer.compare(c.publicKey.spki, this.workingKey.spki) === 0;
    const pf = this.profileRules(i, c, { issuesInPath: !last, selfSigned });
    if (pf) return pf;

    // (b), (c) names within permitted, outside excluded subtrees, except for self-issued
    // intermediate certificates.
    if (last || !c.selfIssued) {
      const r = checkNameConstraints(this.nameConstraints, c, this.counter);
      if (!r.ok) return this.fail(i, "NAME_CONSTRAINTS", "RFC 5280 6.1.3 (b), (c)", `name ${r.name}: ${r.reason}`);
    }

    // (d), (e) certificate policies into the policy graph (RFC 9618).
    const wasNull = this.graph.isNull();
    this.graph.processPolicies(c.policies, this.inhibitAnyPolicy > 0 || (!last && c.selfIssued));
    if (!wasNull && this.graph.isNull())
      this.emptied = { i, why: c.policies ? "none of its certificatePolicies is acceptable here (RFC 5280 6.1.3 (d))" : "it has no certificatePolicies extension (RFC 5280 6.1.3 (e))" };
    // (f) explicit_policy > 0 or a non-empty graph.
    if (this.explicitPolicy === 0 && this.graph.isNull()) return this.policyFailure(i, "RFC 5280 6.1.3 (f)");

    // The certificate's working key (RFC 5280 6.1.4 (d)-(f), and 6.1.5 (c)-(e) for the
    // target); DSA parameters are inherited from the working key when absent (RFC 3279 2.3.2).
    this.subjectKeys[this.pathIndex(i)] = effectiveKey(c.publicKey, this.workingKey);
    return undefined;
  }

  /** RFC 5280 6.1.4: preparation for certificate i+1 (i is not the target). */
  prepareForNext(i: number): PathFailure | undefined {
    const c = this.certs[i]!;
    // (a) no mapping to or from anyPolicy.
    for (const m of c.policyMappings ?? [])
      if (m.issuerDomainPolicy === OID.anyPolicy || m.subjectDomainPolicy === OID.anyPolicy)
        return this.fail(i, "POLICY_MAPPING", "RFC 5280 6.1.4 (a)", "policyMappings maps to or from anyPolicy");
    // (b) policy mappings.
    const nullBefore = this.graph.isNull();
    this.graph.processMappings(c.policyMappings, this.policyMapping > 0);
    if (!nullBefore && this.graph.isNull())
      this.emptied = { i, why: `its policy mappings were deleted because policy mapping is inhibited by ${this.mappingInhibitedBy} (RFC 5280 6.1.4 (b)(2))` };
    // (c)-(f) working issuer name and key.
    this.workingIssuer = c.subject;
    this.workingKey = this.subjectKeys[this.pathIndex(i)]!;
    // (g) name constraints.
    if (c.nameConstraints) this.nameConstraints = applyNameConstraints(this.nameConstraints, c.nameConstraints, this.counter);
    // (h) counters decrease for certificates that are not self-issued.
    const label = `certificate #${this.pathIndex(i)} (${certLabel(c)})`;
    if (!c.selfIssued) {
      if (this.explicitPolicy > 0 && --this.explicitPolicy === 0) this.explicitRequiredBy = `the requireExplicitPolicy count running out at ${label}`;
      if (this.policyMapping > 0 && --this.policyMapping === 0) this.mappingInhibitedBy = `the inhibitPolicyMapping count running out at ${label}`;
      if (this.inhibitAnyPolicy > 0) this.inhibitAnyPolicy--;
    }
    // (i) policyConstraints.
    const pc = c.policyConstraints;
    if (pc?.requireExplicitPolicy !== undefined && pc.requireExplicitPolicy < this.explicitPolicy) {
      this.explicitPolicy = pc.requireExplicitPolicy;
      this.explicitRequiredBy = `requireExplicitPolicy ${pc.requireExplicitPolicy} in ${label}`;
    }
    if (pc?.inhibitPolicyMapping !== undefined && pc.inhibitPolicyMapping < this.policyMapping) {
      this.policyMapping = pc.inhibitPolicyMapping;
      this.mappingInhibitedBy = `inhibitPolicyMapping ${pc.inhibitPolicyMapping} in ${label}`;
    }
    // (j) inhibitAnyPolicy.
    if (c.inhibitAnyPolicy !== undefined && c.inhibitAnyPolicy < this.inhibitAnyPolicy) this.inhibitAnyPolicy = c.inhibitAnyPolicy;
    // (k) a CA certificate: basicConstraints present with cA TRUE. Version 1 and 2
    // certificates cannot say so and are rejected (no out-of-band CA knowledge).
    if (!c.basicConstraints?.cA)
      return this.fail(i, "NOT_A_CA", "RFC 5280 6.1.4 (k)", c.basicConstraints ? "basicConstraints cA is FALSE" : "basicConstraints is absent");
    // (l) path length, not counting self-issued certificates.
    if (!c.selfIssued) {
      if (this.maxPathLength <= 0) return this.fail(i, "PATH_LENGTH_EXCEEDED", "RFC 5280 6.1.4 (l)", "max_path_length is exhausted");
      this.maxPathLength--;
    }
    // (m) pathLenConstraint.
    const pl = c.basicConstraints.pathLen;
    if (pl !== undefined && pl < this.maxPathLength) this.maxPathLength = pl;
    // (n) keyCertSign where keyUsage is present.
    if (c.keyUsage !== undefined && !(c.keyUsage & (1 << KU.keyCertSign)))
      return this.fail(i, "KEY_USAGE", "RFC 5280 6.1.4 (n)", "keyUsage does not assert keyCertSign");
    // (o) unrecognised critical extensions.
    if (c.unknownCriticalExtensions.length)
      return this.fail(i, "UNKNOWN_CRITICAL_EXTENSION", "RFC 5280 6.1.4 (o)", `critical extension ${c.unknownCriticalExtensions.join(", ")} is not processed`);
    return undefined;
  }

  /** RFC 5280 6.1.5: wrap-up for the target (certificate n-1); sets `policies`. */
  wrapUp(): PathFailure | undefined {
    const last = this.n - 1;
    const t = this.certs[last]!;
    // (a), (b) explicit_policy.
    if (this.explicitPolicy > 0) this.explicitPolicy--;
    if (t.policyConstraints?.requireExplicitPolicy === 0) this.explicitPolicy = 0;
    // (c)-(e) the working key: subjectKeys[0], set by processCertificate. It is the path's
    // output (6.1.6): a target whose key octets are not a key of its algorithm gives the
    // application nothing to use (issuer keys fail where a signature is checked with them).
    if (t.publicKey.malformed)
      return this.fail(last, "MALFORMED_CERTIFICATE", "RFC 5280 4.1.2.7", `subjectPublicKeyInfo: ${t.publicKey.malformed}`);
    // (f) unrecognised critical extensions.
    if (t.unknownCriticalExtensions.length)
      return this.fail(last, "UNKNOWN_CRITICAL_EXTENSION", "RFC 5280 6.1.5 (f)", `critical extension ${t.unknownCriticalExtensions.join(", ")} is not processed`);
    // RFC 5280 4.2.1.12: the requested purposes.
    const wanted = this.input.extendedKeyUsage;
    if (wanted.length && t.extKeyUsage) {
      const eku = t.extKeyUsage;
      const missing = wanted.filter((p) => !eku.includes(p) && !eku.includes(OID.anyExtendedKeyUsage));
      if (missing.length) return this.fail(last, "EXTENDED_KEY_USAGE", "RFC 5280 4.2.1.12", `extKeyUsage lacks ${missing.join(", ")}`);
    }
    // (g) the intersection with the user-initial-policy-set.
    const nullBeforeFinish = this.graph.isNull();
    this.policies = this.graph.finish(this.initialPolicySet);
    if (!nullBeforeFinish && this.graph.isNull())
      this.emptied = { i: last, why: `no valid policy is in the user-initial-policy-set {${this.initialPolicySet.join(", ")}} (RFC 5280 6.1.5 (g))` };
    if (this.explicitPolicy === 0 && this.graph.isNull()) return this.policyFailure(last, "RFC 5280 6.1.5 (g)");
    return undefined;
  }

  /** All steps in order; the first failure ends the run. */
  run(): ValidationOutcome {
    let f = this.initialize();
    for (let i = 0; !f && i < this.n; i++) f = this.processCertificate(i) ?? (i < this.n - 1 ? this.prepareForNext(i) : undefined);
    f ??= this.wrapUp();
    const { issuerKeys, subjectKeys, deviations } = this;
    if (f) return { ok: false, policies: [], failure: f, issuerKeys, subjectKeys, deviations };
    return { ok: true, policies: this.policies, issuerKeys, subjectKeys, deviations };
  }
}

/** Validates one path. Never throws for certificate content; budget errors propagate. */
export function validatePath(input: ValidationInput): ValidationOutcome {
  return new PathValidation(input).run();
}
