// Forward path building (RFC 4158): from the target towards the trust anchors,
// proposing complete candidate paths in priority order. Building is separate from
// validating: the caller validates each candidate and asks for the next one on
// failure, so the search backtracks instead of stopping at the first candidate.
import type { Certificate } from "../parsing/certificate.js";
import { KU } from "../parsing/certificate.js";
import { generalNameText } from "../parsing/name.js";
import { needsInheritedParams, type SignatureFailureCode, type SignatureOutcome } from "../crypto/verifier.js";
import type { IssuerSource } from "../stores/issuer-source.js";
import type { TrustAnchor, TrustAnchorStore } from "../stores/trust-anchors.js";
import type { Budget } from "./budget.js";
import type { NameReach } from "./reachability.js";
import { checkpoint } from "../parsing/deadline.js";

export interface CandidatePath {
  /** Target first, then each issuer; the anchor is not included. */
  readonly certs: readonly Certificate[];
  readonly anchor: TrustAnchor;
}

/** A branch the builder abandoned before it became a complete path, and why. */
export interface DeadEnd {
  /** The partial path, target first, whose last certificate could not be extended by `issuer`. */
  readonly certs: readonly Certificate[];
  readonly issuerLabel: string;
  readonly code: SignatureFailureCode;
  readonly message: string;
}

export interface PathBuilderOptions {
  target: Certificate;
  sources: readonly IssuerSource[];
  anchors: TrustAnchorStore;
  time: Date;
  budget: Budget;
  /**
   * Names that reach an anchor, kept by a prepared verifier; `null` turns pruning off (a
   * source cannot list its certificates); absent, the builder computes it from the sources.
   */
  reachable?: NameReach | null;
  /** Told what the search learns (src/graph draws it); never changes the search. */
  observer?: SearchObserver;
}

/**
 * Optional hook at the search's decision points. The builder calls `signature` and `cut`
 * and `candidate`; the caller that validates candidates calls `accept` and `reject`.
 */
export interface SearchObserver {
  /** `child`'s signature was checked with an issuer's key (`outcome` undefined: deferred, DSA parameters inherited). */
  signature?(child: Certificate, issuerKey: Certificate["publicKey"], outcome: SignatureOutcome | undefined): void;
  /** `cert` was dropped as an issuer candidate before any signature check. */
  cut?(cert: Certificate, reason: "unreachable"): void;
  /** A complete candidate path is handed to validation. */
  candidate?(cand: CandidatePath): void;
  /** The candidate validated (with the revocation statuses of its certificates, when checked). */
  accept?(cand: CandidatePath, statuses?: readonly RevocationNote[]): void;
  /** The candidate failed validation or revocation at `failure.certIndex` (the anchor when it equals `certs.length`). */
  reject?(cand: CandidatePath, failure: { code: string; message: string; certIndex: number }, statuses?: readonly RevocationNote[]): void;
}

/** One certificate's revocation status as the observer hears it (index in the candidate's certs). */
export interface RevocationNote {
  readonly certIndex: number;
  readonly status: "good" | "revoked" | "unknown" | "not-checked";
  readonly revocationTime?: Date;
  readonly reason?: string;
  readonly source?: string;
}

/**
 * Loop identity (RFC 4158 2.4.2, 5.2): subject name + subjectAltName + public key.
 * A rolled-over key or a renamed CA is a different node; a mutual cross-certificate
 * pair leads back to the same node and is cut.
 */
const identities = new WeakMap<Certificate, string>();
export function nodeIdentity(c: Certificate): string {
  let id = identities.get(c);
  if (id === undefined) {
    const san = (c.subjectAltName ?? []).map(generalNameText).sort().join("|");
    const k = c.publicKey.spki;
    id = `${c.subject.key}#${san}#${Buffer.from(k.buffer, k.byteOffset, k.byteLength).toString("base64")}`;
    identities.set(c, id);
  }
  return id;
}

export class PathBuilder {
  readonly deadEnds: DeadEnd[] = [];
  private readonly deadEndSeen = new Set<string>();
  /** Every certificate the search stood on (whose issuers it looked for): where AIA retrieval starts. */
  readonly visited = new Set<Certificate>();
  /** Issuer candidates cut because no anchor is reachable from their issuer's name yet: their AIA may bring the missing link. */
  readonly cutUnreachable = new Set<Certificate>();
  /**
   * Per name, the fewest certificates (by name chaining alone) from a certificate issued
   * under that name to an anchor: 0 for an anchor's own name. A name without a distance
   * reaches no anchor at all. Undefined when a source cannot list its certificates.
   */
  private readonly reachable: NameReach | undefined;

  constructor(private readonly o: PathBuilderOptions) {
    this.reachable = o.reachable === undefined ? anchorDistances(o.anchors, o.sources) : (o.reachable ?? undefined);
  }

  /**
   * Complete candidate paths, shortest first and, within a length, best ranked first:
   * iterative deepening, so the answer does not depend on the order of the bag and a
   * short path is never hidden behind a long detour. Re-walking the shallow levels is
   * cheap: every signature outcome is cached. Throws BudgetExceededError / SignatureBudgetError.
   */
  *paths(): Generator<CandidatePath> {
    // A path may hold up to twice maxDepth certificates: see `depthOf`.
    const most = 2 * this.o.budget.limits.maxDepth;
    // RFC 4158 3.5.8: by name chaining alone, the target's issuer name is `d` certificates
    // from an anchor, so no path is shorter than 1 + d: the passes below it would only
    // rank the target's issuers again to find each one too far (bench/verifier.mjs: a
    // path of 8 made seven such passes).
    const d = this.reachable?.distance(this.o.target.issuer.key);
    for (let limit = d === undefined ? 1 : Math.min(1 + d, most); limit <= most; limit++) {
      this.frontierOpen = false;
      yield* this.extend([this.o.target], new Set([nodeIdentity(this.o.target)]), limit, 1, undefined);
      // No branch could go deeper than this limit: longer paths do not exist.
      if (!this.frontierOpen) return;
    }
    this.o.budget.depthCut = true;
  }

  /**
   * The depth `maxDepth` bounds, after adding `issuer` above a path of depth `depth`: a
   * self-issued certificate adds nothing when it is the first self-issued one above a
   * certificate of its name (a CA certificate and its key-rollover link are one logical
   * hop); every further self-issued certificate of the same name counts, so a cycle of
   * same-named certificates stays bounded. `freeName` is the name whose free link is spent.
   */
  private depthOf(issuer: Certificate, depth: number, freeName: string | undefined): { depth: number; freeName: string | undefined } {
    if (issuer.selfIssued && freeName !== issuer.subject.key) return { depth, freeName: issuer.subject.key };
    return { depth: depth + 1, freeName };
  }

  /** Some branch at the current depth limit still had issuers to try. */
  private frontierOpen = false;

  private *extend(path: Certificate[], onPath: Set<string>, limit: number, depth: number, freeName: string | undefined): Generator<CandidatePath> {
    const { budget, anchors } = this.o;
    budget.checkTime();
    budget.noteDepth(depth);
    const child = path[path.length - 1]!;
    this.visited.add(child);

    if (path.length === limit) {
      // An anchor that names the child's issuer ends a candidate path of this length.
      for (const anchor of this.rankAnchors(child, anchors.findBySubject(child.issuer))) {
        budget.checkTime();
        if (!this.signatureFits(path, child, anchor.publicKey, anchor.label)) continue;
        budget.takeCandidate();
        const cand = { certs: [...path], anchor };
        this.o.observer?.candidate?.(cand);
        yield cand;
        budget.checkTime();
      }
      for (const c of this.rankIssuers(child, onPath)) {
        if (this.depthOf(c, depth, freeName).depth <= budget.limits.maxDepth) {
          this.frontierOpen = true;
          break;
        }
        budget.depthCut = true;
      }
      return;
    }
    for (const issuer of this.rankIssuers(child, onPath)) {
      // Between sibling candidates too: 2000 same-named decoys each cost a signature check.
      budget.checkTime();
      const next = this.depthOf(issuer, depth, freeName);
      if (next.depth > budget.limits.maxDepth) {
        budget.depthCut = true;
        continue;
      }
      // RFC 4158 3.5.8 taken to its end: a path through `issuer` needs at least
      // distance(issuer's issuer) more certificates; past this pass's limit, the branch
      // waits for a deeper pass (so this pass is not the last one).
      if (this.reachable && path.length + 1 + (this.reachable.distance(issuer.issuer.key) ?? 0) > limit) {
        this.frontierOpen = true;
        continue;
      }
      budget.takeStep();
      if (!this.signatureFits(path, child, issuer.publicKey, issuer.subject.text)) continue;
      const id = nodeIdentity(issuer);
      path.push(issuer);
      onPath.add(id);
      yield* this.extend(path, onPath, limit, next.depth, next.freeName);
      onPath.delete(id);
      path.pop();
    }
  }

  /**
   * Checks the child's signature with a candidate issuer key now, so a decoy issuer with
   * the right name and the wrong key is cut at once. A DSA key whose parameters would be
   * inherited cannot be checked yet; validation checks it once the path is complete.
   */
  private signatureFits(path: Certificate[], child: Certificate, key: Certificate["publicKey"], label: string): boolean {
    if (needsInheritedParams(key)) {
      this.o.observer?.signature?.(child, key, undefined);
      return true;
    }
    const r: SignatureOutcome = this.o.budget.verifier.verify(child, key);
    this.o.observer?.signature?.(child, key, r);
    if (r.ok) return true;
    // Each deepening pass meets the same dead ends again: record each once.
    const key2 = `${child.sha256}|${label}|${path.length}`;
    if (!this.deadEndSeen.has(key2)) {
      this.deadEndSeen.add(key2);
      this.deadEnds.push({ certs: [...path], issuerLabel: label, code: r.code, message: r.message });
    }
    return false;
  }

  private rankAnchors(child: Certificate, list: readonly TrustAnchor[]): TrustAnchor[] {
    const akid = child.authorityKeyId?.keyId;
    // RFC 4158 3.5.12: a key identifier match goes first; a mismatch is only demoted.
    const score = (a: TrustAnchor) => (akid && a.subjectKeyId ? (a.subjectKeyId === akid ? 1 : -1) : 0);
    return [...list].sort((a, b) => score(b) - score(a));
  }

  /** Candidate issuers from every source, deduplicated, loops removed, in RFC 4158 3.5 priority order. */
  private rankIssuers(child: Certificate, onPath: Set<string>): Certificate[] {
    const seen = new Set<string>();
    const out: { c: Certificate; s: number; dist: number; i: number }[] = [];
    const t = this.o.time.getTime();
    const akid = child.authorityKeyId?.keyId;
    for (const src of this.o.sources) {
      for (const c of src.findBySubject(child.issuer)) {
        // The call's deadline (issue 10 item 3): an attacker decides how many same-named certificates there are.
        checkpoint();
        if (seen.has(c.sha256) || onPath.has(nodeIdentity(c))) continue;
        // RFC 4158 5.1: a certificate whose issuer name leads to no anchor is a dead end.
        const d = this.reachable?.distance(c.issuer.key);
        if (this.reachable && d === undefined) {
          this.cutUnreachable.add(c);
          this.o.observer?.cut?.(c, "unreachable");
          continue;
        }
        seen.add(c.sha256);
        let s = 0;
        // RFC 4158 3.5.12: authority/subject key identifier match.
        if (akid && c.subjectKeyId) s += c.subjectKeyId === akid ? 8 : -8;
        // RFC 4158 3.5.1, 3.5.3: a CA that may sign certificates. Others are kept, last,
        // so a path that fails for that reason can still be reported.
        if (c.basicConstraints?.cA) s += 4;
        else s -= 32;
        if (c.keyUsage !== undefined && !(c.keyUsage & (1 << KU.keyCertSign))) s -= 32;
        // RFC 4158 3.5.4: valid at the validation time.
        if (c.notBefore.getTime() <= t && t <= c.notAfter.getTime()) s += 2;
        else s -= 4;
        // RFC 4158 3.5.8 (shorter distance): within a priority, the nearer an anchor the sooner.
        const dist = d ?? (this.o.anchors.findBySubject(c.issuer).length ? 0 : 1);
        out.push({ c, s, dist, i: out.length });
      }
    }
    out.sort((a, b) => (checkpoint(), b.s - a.s || a.dist - b.dist || a.i - b.i));
    return out.map((x) => x.c);
  }
}

/**
 * Breadth first from the anchors' names over "issuer name -> subject name" of every
 * certificate: per name, the fewest certificates from one issued under it to an anchor.
 * Computed once per search in time linear in the bag (a prepared verifier keeps its own,
 * ./reachability.ts); names it misses reach no anchor, so every branch through them is cut
 * before any signature check, and the distances bound each branch by the depth left.
 */
function anchorDistances(anchors: TrustAnchorStore, sources: readonly IssuerSource[]): NameReach | undefined {
  // A source that cannot list its certificates may hold any name: no pruning then.
  if (!sources.every((s) => s.all)) return undefined;
  // Reverse edges: issuer name -> subject names of certificates it issued.
  const issued = new Map<string, string[]>();
  for (const src of sources)
    for (const c of src.all!()) {
      checkpoint(); // the call's deadline (issue 10 item 3): linear in the bag, but the bag is the caller's
      const l = issued.get(c.issuer.key);
      if (l) l.push(c.subject.key);
      else issued.set(c.issuer.key, [c.subject.key]);
    }
  const dist = new Map<string, number>();
  let level: string[] = [];
  for (const a of anchors.all)
    if (!dist.has(a.subject.key)) {
      dist.set(a.subject.key, 0);
      level.push(a.subject.key);
    }
  for (let d = 1; level.length; d++) {
    const next: string[] = [];
    for (const name of level)
      for (const subj of issued.get(name) ?? [])
        if ((checkpoint(), !dist.has(subj))) {
          dist.set(subj, d);
          next.push(subj);
        }
    level = next;
  }
  return { has: (n) => dist.has(n), distance: (n) => dist.get(n) };
}
