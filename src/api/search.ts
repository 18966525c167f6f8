// The path search of one call: the builder proposes candidate paths (RFC 4158), each is
// validated (RFC 5280 6.1) and then handed to the revocation checker (RFC 5280 6.3);
// the first that passes is the answer, the others are kept as diagnostics. The checker's
// "validate this CRL signer" hook is a nested search from here, to the same anchor.
import type { Certificate } from "../parsing/certificate.js";
import { effectiveKey, type VerificationKey } from "../crypto/verifier.js";
import type { IssuerSource } from "../stores/issuer-source.js";
import { TrustAnchorStore, type TrustAnchor } from "../stores/trust-anchors.js";
import type { Budget } from "../pathbuilder/budget.js";
import { PathBuilder, type CandidatePath, type SearchObserver } from "../pathbuilder/path-builder.js";
import type { NameReach } from "../pathbuilder/reachability.js";
import { validatePath, DEFAULT_POLICY_INPUTS, type PathFailure, type PolicyInputs } from "../validate/path-validator.js";
import type { PathStatus, RevocationChecker } from "../revocation/checker.js";
import type { Deviation, Profile } from "./types.js";

export interface Tried {
  readonly cand: CandidatePath;
  readonly failure: PathFailure;
  /** Statuses found before a revocation failure (none for a validation failure). */
  readonly statuses?: PathStatus[];
}

export interface Found {
  readonly cand: CandidatePath;
  readonly policies: readonly string[];
  readonly statuses: PathStatus[];
  readonly warnings: string[];
  /** Strict-profile rules the path breaks (README "Profiles"). */
  readonly deviations: readonly Deviation[];
}

export interface SearchResult {
  readonly found: Found | undefined;
  readonly tried: Tried[];
  readonly builder: PathBuilder;
}

export interface SearchSettings {
  readonly time: Date;
  readonly enforceAnchorConstraints: boolean;
  readonly profile: Profile;
}

export class PathSearch {
  /** The main search's progress, readable if a budget error cuts it short. */
  main: SearchResult | undefined;
  /** Set once the checker (which calls back into this search) exists. */
  revocation!: RevocationChecker;
  /** Told what the main search (depth 0) learns, for `result.graph`. */
  observer: SearchObserver | undefined;
  /** Name-constraint comparisons count against the call's budget. */
  private readonly nameChecks = { take: (n: number) => this.budget.takeNameConstraintChecks(n) };

  constructor(
    private readonly s: SearchSettings,
    /** The sources to search, asked at each search (the call's bag grows between rounds). */
    private readonly sources: () => readonly IssuerSource[],
    /** Names that reach an anchor, asked at each search; null: no pruning. */
    private readonly reach: () => NameReach | null | undefined,
    private readonly budget: Budget,
  ) {}

  /** The checker's hook: a CRL signer validated on its own path to `anchor`, and its working key. */
  readonly validateSigner = (candidate: Certificate, anchor: TrustAnchor, depth: number): VerificationKey | undefined => {
    const r = this.search(candidate, new TrustAnchorStore([anchor]), DEFAULT_POLICY_INPUTS, [], depth);
    return r.found ? targetKey(r.found.cand) : undefined;
  };

  /** Searches paths for `target` to `anchors`; returns the first that validates, plus what failed. */
  search(target: Certificate, anchors: TrustAnchorStore, policy: PolicyInputs, eku: readonly string[], depth: number): SearchResult {
    const observer = depth === 0 ? this.observer : undefined;
    const builder = new PathBuilder({ target, sources: this.sources(), anchors, time: this.s.time, budget: this.budget, reachable: depth === 0 ? this.reach() : undefined, observer });
    const tried: Tried[] = [];
    if (depth === 0) this.main = { found: undefined, tried, builder };
    for (const cand of builder.paths()) {
      const out = validatePath({
        certs: cand.certs,
        anchor: cand.anchor,
        time: this.s.time,
        policy,
        extendedKeyUsage: eku,
        enforceAnchorConstraints: this.s.enforceAnchorConstraints,
        verifier: this.budget.verifier,
        profile: this.s.profile,
        nameChecks: this.nameChecks,
      });
      if (!out.ok) {
        tried.push({ cand, failure: out.failure! });
        observer?.reject?.(cand, out.failure!);
        continue;
      }
      const rev = this.revocation.check({ certs: cand.certs, anchor: cand.anchor, issuerKeys: out.issuerKeys }, depth);
      if (rev.failure) {
        tried.push({ cand, failure: rev.failure, statuses: rev.statuses });
        observer?.reject?.(cand, rev.failure, rev.statuses);
        continue;
      }
      observer?.accept?.(cand, rev.statuses);
      const result = { found: { cand, policies: out.policies, statuses: rev.statuses, warnings: rev.warnings, deviations: [...out.deviations, ...rev.deviations] }, tried, builder };
      if (depth === 0) this.main = result;
      return result;
    }
    return { found: undefined, tried, builder };
  }
}

/** The target's working key on a validated path (DSA parameters inherited down the path). */
function targetKey(cand: CandidatePath): VerificationKey {
  let key: VerificationKey = cand.anchor.publicKey;
  for (let i = cand.certs.length - 1; i >= 0; i--) key = effectiveKey(cand.certs[i]!.publicKey, key);
  return key;
}
