// Certificate policy processing of RFC 5280 6.1 with the valid_policy_graph of
// RFC 9618, which replaces the valid_policy_tree. Where RFC 5280 would create one
// tree node per (path through the mappings, policy), the graph keeps ONE node per
// (depth, policy OID) with several parents, so its size is bounded by the number
// of policies and mappings in the path instead of growing exponentially with the
// path length (RFC 9618 3.2, 4.1).
//
// The caller owns the RFC 5280 state variables (explicit_policy, policy_mapping,
// inhibit_anyPolicy) and the 6.1.4 (a) anyPolicy-mapping check; this class only
// owns the graph. Policy qualifiers are not tracked (RFC 9618 4.2 and 5.2 allow
// omitting them when they are not part of the output).

import type { PolicyInfo, PolicyMapping } from "../parsing/certificate.js";

export const ANY_POLICY = "2.5.29.32.0";

/** A valid_policy_graph node (RFC 9618 5.2): valid_policy, expected_policy_set and parents. */
interface PolicyNode {
  readonly policy: string;
  /** RFC 9618 5.2: always {anyPolicy} for an anyPolicy node; replaced by 6.1.4 (b) mappings. */
  expected: ReadonlySet<string>;
  /** Nodes at depth - 1; an anyPolicy parent is always the only parent (RFC 9618 5.2 invariants). */
  readonly parents: readonly PolicyNode[];
}

/** Nodes of one depth keyed by valid_policy: at most one node per OID per depth (RFC 9618 5.2). */
type Level = Map<string, PolicyNode>;

export class PolicyGraph {
  /** levels[d] = nodes at depth d; null is the NULL graph. The leaf depth is levels.length - 1. */
  private levels: Level[] | null;
  private created = 0;

  /** RFC 5280 6.1.2 (a) as replaced by RFC 9618 5.2: depth 0 with one anyPolicy node. */
  constructor() {
    this.levels = [new Map()];
    this.add(this.levels[0]!, ANY_POLICY, []);
  }

  /** True when the graph is NULL (RFC 5280's valid_policy_tree == NULL). */
  isNull(): boolean {
    return this.levels === null;
  }

  /** Total nodes created so far (for budgets/tests). */
  nodeCount(): number {
    return this.created;
  }

  /**
   * RFC 5280 6.1.3 (d)/(e) for certificate i, as replaced by RFC 9618 5.3.
   * `policies` undefined means no certificatePolicies extension (graph becomes NULL).
   * `anyPolicyAllowed`: inhibit_anyPolicy > 0, or (i < n and the certificate is self-issued).
   */
  processPolicies(policies: readonly PolicyInfo[] | undefined, anyPolicyAllowed: boolean): void {
    const levels = this.levels;
    if (levels === null) return; // RFC 9618 5.2: once NULL, policy processing ceases.
    // RFC 5280 6.1.3 (e): no certificate policies extension -> NULL.
    if (policies === undefined) {
      this.levels = null;
      return;
    }
    const prev = levels[levels.length - 1]!; // depth i-1
    const next: Level = new Map(); // depth i
    levels.push(next);

    // parent_nodes for each OID: the depth i-1 nodes whose expected_policy_set holds it.
    const byExpected = new Map<string, PolicyNode[]>();
    for (const node of prev.values())
      for (const oid of node.expected) {
        const list = byExpected.get(oid);
        if (list) list.push(node);
        else byExpected.set(oid, [node]);
      }
    const anyParent = prev.get(ANY_POLICY);

    let assertsAny = false;
    for (const { policy } of policies) {
      if (policy === ANY_POLICY) {
        assertsAny = true;
        continue;
      }
      if (next.has(policy)) continue; // duplicate OID (RFC 5280 4.2.1.4 forbids it; be robust)
      const parents = byExpected.get(policy);
      // RFC 9618 5.3 (d)(1)(i) [RFC 5280 6.1.3 (d)(1)(i)]: exact match of expected_policy_set.
      if (parents !== undefined) this.add(next, policy, parents);
      // RFC 9618 5.3 (d)(1)(ii) [RFC 5280 6.1.3 (d)(1)(ii)]: no match, child of the anyPolicy node.
      else if (anyParent !== undefined) this.add(next, policy, [anyParent]);
    }

    // RFC 9618 5.3 (d)(2) [RFC 5280 6.1.3 (d)(2)]: the certificate asserts anyPolicy and it is
    // not inhibited: every OID expected at depth i-1 (anyPolicy included) not yet at depth i gets
    // one node whose parents are all the depth i-1 nodes expecting it.
    if (assertsAny && anyPolicyAllowed)
      for (const [oid, parents] of byExpected) if (!next.has(oid)) this.add(next, oid, parents);

    // RFC 9618 5.3 (d)(3) [RFC 5280 6.1.3 (d)(3)]: prune childless nodes at depth i-1 or less.
    this.prune();
  }

  /**
   * RFC 5280 6.1.4 (b) as replaced by RFC 9618 5.4, for an intermediate certificate's
   * policyMappings; `mappingAllowed` is policy_mapping > 0. The 6.1.4 (a) check (no mapping
   * to or from anyPolicy) is the caller's; it is asserted here.
   */
  processMappings(mappings: readonly PolicyMapping[] | undefined, mappingAllowed: boolean): void {
    const levels = this.levels;
    if (levels === null || mappings === undefined || mappings.length === 0) return;
    const depth = levels.length - 1;
    if (depth === 0) throw new Error("processMappings before processPolicies");
    const leaf = levels[depth]!;

    // Group: issuerDomainPolicy ID-P -> the subjectDomainPolicy values equivalent to it.
    const mapped = new Map<string, Set<string>>();
    for (const m of mappings) {
      // RFC 5280 6.1.4 (a): the caller must have rejected the path already.
      if (m.issuerDomainPolicy === ANY_POLICY || m.subjectDomainPolicy === ANY_POLICY)
        throw new Error("policy mapping to or from anyPolicy must be rejected by the caller (RFC 5280 6.1.4 (a))");
      const set = mapped.get(m.issuerDomainPolicy);
      if (set) set.add(m.subjectDomainPolicy);
      else mapped.set(m.issuerDomainPolicy, new Set([m.subjectDomainPolicy]));
    }

    if (!mappingAllowed) {
      // RFC 9618 5.4 (b)(3)(i) [RFC 5280 6.1.4 (b)(2)(i)]: delete the depth-i node of each ID-P...
      for (const idp of mapped.keys()) leaf.delete(idp);
      // ... (b)(3)(ii): then prune childless nodes at depth i-1 or less.
      this.prune();
      return;
    }

    const anyLeaf = leaf.get(ANY_POLICY);
    for (const [idp, subjects] of mapped) {
      const node = leaf.get(idp);
      // RFC 9618 5.4 (b)(1) [RFC 5280 6.1.4 (b)(1)]: the ID-P node now expects the mapped policies.
      if (node !== undefined) node.expected = subjects;
      // RFC 9618 5.4 (b)(2) [RFC 5280 6.1.4 (b)(1)]: no ID-P node but an anyPolicy node at depth i:
      // add ID-P as a child of the anyPolicy node at depth i-1 (the anyPolicy leaf's only parent).
      else if (anyLeaf !== undefined) this.add(leaf, idp, anyLeaf.parents, subjects);
    }
  }

  /**
   * RFC 5280 6.1.5 (g) as replaced by RFC 9618 5.5: returns the user_constrained_policy_set
   * (sorted OIDs) for the user-initial-policy-set. ["2.5.29.32.0"] means every policy (the
   * initial set holds anyPolicy and an anyPolicy leaf survives). An empty result sets the graph
   * to NULL (RFC 9618 5.5: the path then succeeds only when explicit_policy > 0).
   */
  finish(userInitialPolicySet: readonly string[]): string[] {
    const levels = this.levels;
    if (levels === null) return []; // RFC 9618 5.5 (g)(1): NULL graph, empty node set.

    // RFC 9618 5.5 (g)(2): the nodes below an anyPolicy node that are not anyPolicy, i.e. where a
    // path of the graph leaves anyPolicy: their valid_policy is in the user's (issuer) domain.
    // Pruning has left every node with a descendant at depth n, so each one is still valid.
    const authority = new Set<string>();
    for (let d = 1; d < levels.length; d++)
      for (const node of levels[d]!.values())
        if (node.policy !== ANY_POLICY && node.parents.length === 1 && node.parents[0]!.policy === ANY_POLICY)
          authority.add(node.policy);
    // RFC 9618 5.5 (g)(3): plus the anyPolicy node at depth n, if any.
    if (levels[levels.length - 1]!.has(ANY_POLICY)) authority.add(ANY_POLICY);

    let result: Set<string>;
    if (userInitialPolicySet.includes(ANY_POLICY)) {
      // RFC 9618 5.5 (g)(4): user-initial-policy-set is anyPolicy -> the authority set as is.
      // (A user set listing anyPolicy next to other OIDs accepts everything too.)
      result = authority.has(ANY_POLICY) ? new Set([ANY_POLICY]) : authority;
    } else {
      // RFC 9618 5.5 (g)(5)(i): keep only the user's policies...
      result = new Set([...authority].filter((p) => userInitialPolicySet.includes(p)));
      // ... (g)(5)(ii): and an anyPolicy leaf satisfies every policy the user asked for.
      if (authority.has(ANY_POLICY)) for (const p of userInitialPolicySet) result.add(p);
    }
    if (result.size === 0) this.levels = null;
    return [...result].sort();
  }

  private add(level: Level, policy: string, parents: readonly PolicyNode[], expected?: ReadonlySet<string>): void {
    level.set(policy, { policy, expected: expected ?? new Set([policy]), parents });
    this.created++;
  }

  /**
   * RFC 9618 5.3 (d)(3) / 5.4 (b)(3)(ii): repeatedly delete nodes at depth i-1 or less without
   * children; an empty graph becomes NULL. Every level above the leaf was fully live after the
   * previous prune and only the leaf level changes in between, so walking up stops at the first
   * level that loses nothing: O(nodes + edges) per call.
   */
  private prune(): void {
    const levels = this.levels!;
    for (let d = levels.length - 2; d >= 0; d--) {
      const live = new Set<PolicyNode>();
      for (const child of levels[d + 1]!.values()) for (const p of child.parents) live.add(p);
      const level = levels[d]!;
      if (live.size === level.size) break;
      for (const [oid, node] of level) if (!live.has(node)) level.delete(oid);
    }
    if (levels[0]!.size === 0 || levels[levels.length - 1]!.size === 0) this.levels = null;
  }
}
