// Drives the real RFC 5280 6.1 steps of src/validate/path-validator.ts (PathValidation:
// initialize, processCertificate, prepareForNext, wrapUp) over one PKITS path, without path
// building or revocation, so the policy and name-constraint tests exercise exactly the
// code `verify` runs, one step at a time.
import { parseCertificate } from "../src/parsing/certificate.js";
import { parseTrustAnchors } from "../src/parsing/trust-anchor.js";
import { anchorFromParsed } from "../src/stores/trust-anchors.js";
import { NodeSignatureVerifier } from "../src/crypto/verifier.js";
import { PathValidation, type PathFailure } from "../src/validate/path-validator.js";
import type { PkitsCase } from "../testsuite/src/pkits.js";

export interface StepRun {
  readonly validation: PathValidation;
  readonly failure: PathFailure | undefined;
  /** The step that failed: "6.1.2", "6.1.3", "6.1.4" or "6.1.5". */
  readonly step?: string;
  /** For a failure in 6.1.3 or 6.1.4: the manifest file of the certificate. */
  readonly file?: string;
}

export function runSteps(c: PkitsCase): StepRun {
  // The manifest lists the path from the anchor's child to the target; validation takes it target first.
  const certs = c.bytes.path.map((d, i) => parseCertificate(d, c.path[i])).reverse();
  const anchor = anchorFromParsed(parseTrustAnchors(c.bytes.anchor, "anchor")[0]!, "anchor");
  const s = c.settings;
  const v = new PathValidation({
    certs,
    anchor,
    time: new Date(c.validationTime),
    policy: {
      initialPolicySet: s.initialPolicySet,
      explicitPolicy: !!s.initialExplicitPolicy,
      policyMappingInhibit: !!s.initialPolicyMappingInhibit,
      anyPolicyInhibit: !!s.initialInhibitAnyPolicy,
    },
    extendedKeyUsage: [],
    enforceAnchorConstraints: true,
    verifier: new NodeSignatureVerifier(),
  });
  let f = v.initialize();
  if (f) return { validation: v, failure: f, step: "6.1.2" };
  for (let i = 0; i < v.n; i++) {
    f = v.processCertificate(i);
    if (f) return { validation: v, failure: f, step: "6.1.3", file: c.path[i] };
    if (i === v.n - 1) break;
    f = v.prepareForNext(i);
    if (f) return { validation: v, failure: f, step: "6.1.4", file: c.path[i] };
  }
  f = v.wrapUp();
  return { validation: v, failure: f, step: f ? "6.1.5" : undefined };
}
