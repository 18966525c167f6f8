// The RFC 5280 6.1 path validation state machine, over one complete candidate path.
// Revocation (6.1.3 (a)(3)) is the revocation layer's job and runs after this.
import type { Certificate, NameConstraints } from "../parsing/certificate.js";
import { KU, certLabel, sameAlgorithm } from "../parsing/certificate.js";
import { OID } from "../parsing/oids.js";
import { effectiveKey, type SignatureVerifier, type VerificationKey } from "../crypto/verifier.js";
import type { TrustAnchor } from "../stores/trust-anchors.js";
import { PolicyGraph } from "./policy-graph.js";
import { applyNameConstraints, checkNameConstraints, initialNameConstraintState } from "./name-constraints.js";
import type { ErrorCode } from "../api/types.js";

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

/** Validates one path. Never throws for certificate content; budget errors propagate. */
export function validatePath(input: ValidationInput): ValidationOutcome {
  const { anchor, time, verifier } = input;
  // RFC order: certs[0] is issued by the anchor, certs[n-1] is the target.
  const certs = [...input.certs].reverse();
  const n = certs.length;
  const issuerKeys: VerificationKey[] = new Array(n);
  const subjectKeys: VerificationKey[] = new Array(n);
  const fail = (i: number, code: ErrorCode, rule: string, what: string): ValidationOutcome => {
    const certIndex = i < 0 ? n : n - 1 - i;
    const who = i < 0 ? `trust anchor ${anchor.label} (${anchor.subject.text})` : `certificate #${certIndex} (${certLabel(certs[i]!)})`;
    return { ok: false, policies: [], failure: { code, message: `${who}: ${what} (${rule})`, certIndex }, issuerKeys, subjectKeys };
  };

  // RFC 5280 6.1.2: initialisation.
  const graph = new PolicyGraph();
  let nc = initialNameConstraintState();
  let explicitPolicy = input.policy.explicitPolicy ? 0 : n + 1;
  let inhibitAnyPolicy = input.policy.anyPolicyInhibit ? 0 : n + 1;
  let policyMapping = input.policy.policyMappingInhibit ? 0 : n + 1;
  let maxPathLength = n;
  let workingKey: VerificationKey = anchor.publicKey;
  let workingIssuer = anchor.subject;
  let initialPolicySet = input.policy.initialPolicySet;
  // Where the policy graph became empty and why, and what made explicit policy required or
  // mapping inhibited, so a POLICY error names the certificate that caused it.
  let emptied: { i: number; why: string } | undefined;
  let explicitRequiredBy = input.policy.explicitPolicy ? "the initial-explicit-policy input" : "the anchor's constraints";
  let mappingInhibitedBy = input.policy.policyMappingInhibit ? "the initial-policy-mapping-inhibit input" : "the anchor's constraints";
  const policyFailure = (at: number, rule: string): ValidationOutcome => {
    const checked = `certificate #${n - 1 - at}`;
    if (!emptied) return fail(at, "POLICY", rule, `explicit policy is required (${explicitRequiredBy}) and no acceptable policy remains`);
    return fail(
      emptied.i,
      "POLICY",
      rule,
      `explicit policy is required (${explicitRequiredBy}) and the policy graph became empty at this certificate: ${emptied.why}; detected at ${checked}`,
    );
  };

  // RFC 5937 3: the anchor certificate's own checks, when the caller asks for them.
  const ac = anchor.cert;
  if (input.enforceAnchorConstraints && ac) {
    if (time < ac.notBefore) return fail(-1, "ANCHOR_CONSTRAINTS", "RFC 5937 3", `anchor is not valid before ${ac.notBefore.toISOString()}`);
    if (time > ac.notAfter) return fail(-1, "ANCHOR_CONSTRAINTS", "RFC 5937 3", `anchor expired at ${ac.notAfter.toISOString()}`);
    if (ac.basicConstraints && !ac.basicConstraints.cA) return fail(-1, "ANCHOR_CONSTRAINTS", "RFC 5937 3", "anchor certificate is not a CA");
    if (ac.unknownCriticalExtensions.length)
      return fail(-1, "UNKNOWN_CRITICAL_EXTENSION", "RFC 5937 2", `anchor certificate has unprocessed critical extension ${ac.unknownCriticalExtensions.join(", ")}`);
  }
  // RFC 5937 2, RFC 5914 2.3: constraints that come with the anchor become inputs.
  for (const con of anchorConstraints(anchor, input.enforceAnchorConstraints)) {
    if (con.pathLen !== undefined) maxPathLength = Math.min(maxPathLength, con.pathLen);
    if (con.nameConstraints) nc = applyNameConstraints(nc, con.nameConstraints);
    if (con.explicitPolicy !== undefined) explicitPolicy = Math.min(explicitPolicy, con.explicitPolicy);
    if (con.policyMapping !== undefined) policyMapping = Math.min(policyMapping, con.policyMapping);
    if (con.inhibitAnyPolicy !== undefined) inhibitAnyPolicy = Math.min(inhibitAnyPolicy, con.inhibitAnyPolicy);
    if (con.policies) {
      const anchorSet = con.policies;
      initialPolicySet = anchorSet.includes(OID.anyPolicy)
        ? initialPolicySet
        : initialPolicySet.includes(OID.anyPolicy)
          ? anchorSet
          : initialPolicySet.filter((p) => anchorSet.includes(p));
    }
  }

  for (let i = 0; i < n; i++) {
    const c = certs[i]!;
    const last = i === n - 1;

    // RFC 5280 4.1.1.2: the two signature algorithm fields must match.
    if (!sameAlgorithm(c.signatureAlgorithm, c.tbsSignatureAlgorithm))
      return fail(i, "ALGORITHM_MISMATCH", "RFC 5280 4.1.1.2", "signatureAlgorithm differs from tbsCertificate.signature");
    // RFC 5280 6.1.3 (a)(1): the signature verifies with the working public key.
    issuerKeys[n - 1 - i] = workingKey;
    const sig = verifier.verify(c, workingKey);
    if (!sig.ok) return fail(i, sig.code, "RFC 5280 6.1.3 (a)(1)", sig.message);
    // RFC 5280 6.1.3 (a)(2): the validation time is within the validity period.
    if (time < c.notBefore) return fail(i, "NOT_YET_VALID", "RFC 5280 6.1.3 (a)(2)", `not valid before ${c.notBefore.toISOString()}`);
    if (time > c.notAfter) return fail(i, "EXPIRED", "RFC 5280 6.1.3 (a)(2)", `expired at ${c.notAfter.toISOString()}`);
    // RFC 5280 6.1.3 (a)(4): the issuer name is the working issuer name.
    if (c.issuer.key !== workingIssuer.key)
      return fail(i, "NAME_CHAINING", "RFC 5280 6.1.3 (a)(4)", `issuer "${c.issuer.text}" is not "${workingIssuer.text}"`);

    // RFC 5280 6.1.3 (b), (c): names within permitted, outside excluded subtrees,
    // except for self-issued intermediate certificates.
    if (last || !c.selfIssued) {
      const r = checkNameConstraints(nc, c);
      if (!r.ok) return fail(i, "NAME_CONSTRAINTS", "RFC 5280 6.1.3 (b), (c)", `name ${r.name}: ${r.reason}`);
    }

    // RFC 5280 6.1.3 (d), (e): certificate policies into the policy graph (RFC 9618).
    const wasNull = graph.isNull();
    graph.processPolicies(c.policies, inhibitAnyPolicy > 0 || (!last && c.selfIssued));
    if (!wasNull && graph.isNull())
      emptied = { i, why: c.policies ? "none of its certificatePolicies is acceptable here (RFC 5280 6.1.3 (d))" : "it has no certificatePolicies extension (RFC 5280 6.1.3 (e))" };
    // RFC 5280 6.1.3 (f): explicit_policy > 0 or a non-empty graph.
    if (explicitPolicy === 0 && graph.isNull()) return policyFailure(i, "RFC 5280 6.1.3 (f)");

    // The working key for the next certificate (RFC 5280 6.1.4 (d)-(f)); DSA
    // parameters are inherited from the working key when absent (RFC 3279 2.3.2).
    const key = effectiveKey(c.publicKey, workingKey);
    subjectKeys[n - 1 - i] = key;

    if (last) break;

    // RFC 5280 6.1.4: preparation for certificate i+1.
    // (a) no mapping to or from anyPolicy.
    for (const m of c.policyMappings ?? [])
      if (m.issuerDomainPolicy === OID.anyPolicy || m.subjectDomainPolicy === OID.anyPolicy)
        return fail(i, "POLICY_MAPPING", "RFC 5280 6.1.4 (a)", "policyMappings maps to or from anyPolicy");
    // (b) policy mappings.
    const nullBefore = graph.isNull();
    graph.processMappings(c.policyMappings, policyMapping > 0);
    if (!nullBefore && graph.isNull())
      emptied = { i, why: `its policy mappings were deleted because policy mapping is inhibited by ${mappingInhibitedBy} (RFC 5280 6.1.4 (b)(2))` };
    // (c)-(f) working issuer name and key.
    workingIssuer = c.subject;
    workingKey = key;
    // (g) name constraints.
    if (c.nameConstraints) nc = applyNameConstraints(nc, c.nameConstraints);
    // (h) counters decrease for certificates that are not self-issued.
    const label = `certificate #${n - 1 - i} (${certLabel(c)})`;
    if (!c.selfIssued) {
      if (explicitPolicy > 0 && --explicitPolicy === 0) explicitRequiredBy = `the requireExplicitPolicy count running out at ${label}`;
      if (policyMapping > 0 && --policyMapping === 0) mappingInhibitedBy = `the inhibitPolicyMapping count running out at ${label}`;
      if (inhibitAnyPolicy > 0) inhibitAnyPolicy--;
    }
    // (i) policyConstraints.
    const pc = c.policyConstraints;
    if (pc?.requireExplicitPolicy !== undefined && pc.requireExplicitPolicy < explicitPolicy) {
      explicitPolicy = pc.requireExplicitPolicy;
      explicitRequiredBy = `requireExplicitPolicy ${pc.requireExplicitPolicy} in ${label}`;
    }
    if (pc?.inhibitPolicyMapping !== undefined && pc.inhibitPolicyMapping < policyMapping) {
      policyMapping = pc.inhibitPolicyMapping;
      mappingInhibitedBy = `inhibitPolicyMapping ${pc.inhibitPolicyMapping} in ${label}`;
    }
    // (j) inhibitAnyPolicy.
    if (c.inhibitAnyPolicy !== undefined && c.inhibitAnyPolicy < inhibitAnyPolicy) inhibitAnyPolicy = c.inhibitAnyPolicy;
    // (k) a CA certificate: basicConstraints present with cA TRUE. Version 1 and 2
    // certificates cannot say so and are rejected (no out-of-band CA knowledge).
    if (!c.basicConstraints?.cA)
      return fail(i, "NOT_A_CA", "RFC 5280 6.1.4 (k)", c.basicConstraints ? "basicConstraints cA is FALSE" : "basicConstraints is absent");
    // (l) path length, not counting self-issued certificates.
    if (!c.selfIssued) {
      if (maxPathLength <= 0) return fail(i, "PATH_LENGTH_EXCEEDED", "RFC 5280 6.1.4 (l)", "max_path_length is exhausted");
      maxPathLength--;
    }
    // (m) pathLenConstraint.
    const pl = c.basicConstraints.pathLen;
    if (pl !== undefined && pl < maxPathLength) maxPathLength = pl;
    // (n) keyCertSign where keyUsage is present.
    if (c.keyUsage !== undefined && !(c.keyUsage & (1 << KU.keyCertSign)))
      return fail(i, "KEY_USAGE", "RFC 5280 6.1.4 (n)", "keyUsage does not assert keyCertSign");
    // (o) unrecognised critical extensions.
    if (c.unknownCriticalExtensions.length)
      return fail(i, "UNKNOWN_CRITICAL_EXTENSION", "RFC 5280 6.1.4 (o)", `critical extension ${c.unknownCriticalExtensions.join(", ")} is not processed`);
  }

  // RFC 5280 6.1.5: wrap-up for the target (certificate n).
  const t = certs[n - 1]!;
  // (a), (b) explicit_policy.
  if (explicitPolicy > 0) explicitPolicy--;
  if (t.policyConstraints?.requireExplicitPolicy === 0) explicitPolicy = 0;
  // (f) unrecognised critical extensions.
  if (t.unknownCriticalExtensions.length)
    return fail(n - 1, "UNKNOWN_CRITICAL_EXTENSION", "RFC 5280 6.1.5 (f)", `critical extension ${t.unknownCriticalExtensions.join(", ")} is not processed`);
  // RFC 5280 4.2.1.12: the requested purposes.
  if (input.extendedKeyUsage.length && t.extKeyUsage) {
    const eku = t.extKeyUsage;
    const missing = input.extendedKeyUsage.filter((p) => !eku.includes(p) && !eku.includes(OID.anyExtendedKeyUsage));
    if (missing.length) return fail(n - 1, "EXTENDED_KEY_USAGE", "RFC 5280 4.2.1.12", `extKeyUsage lacks ${missing.join(", ")}`);
  }
  // (g) the intersection with the user-initial-policy-set.
  const nullBeforeFinish = graph.isNull();
  const policies = graph.finish(initialPolicySet);
  if (!nullBeforeFinish && graph.isNull())
    emptied = { i: n - 1, why: `no valid policy is in the user-initial-policy-set {${initialPolicySet.join(", ")}} (RFC 5280 6.1.5 (g))` };
  if (explicitPolicy === 0 && graph.isNull()) return policyFailure(n - 1, "RFC 5280 6.1.5 (g)");
  return { ok: true, policies, issuerKeys, subjectKeys };
}
