// Name reachability (RFC 4158 5.1: a certificate whose issuer name leads to no trust
// anchor is a dead end), with the distance in certificates from each name to the
// nearest anchor name. A prepared verifier keeps one per snapshot and updates it as
// certificates and anchors come and go: adding relaxes distances from the new edges
// only; removing rebuilds from the edge counts (no certificate is re-read). A call's own
// certificates (an x5chain, fetched issuers) are laid over it without copying it.

/** What the path builder asks: can this name reach an anchor, and in how many certificates? */
export interface NameReach {
  has(nameKey: string): boolean;
  distance(nameKey: string): number | undefined;
}

/** A name-level edge: a certificate issued by `issuer` to `subject` (name keys). */
export interface NameEdge {
  readonly subject: { readonly key: string };
  readonly issuer: { readonly key: string };
}

type Edges = Map<string, Map<string, number>>;

export class Reachability implements NameReach {
  private constructor(
    /** Anchor name -> how many anchors carry it. */
    private readonly anchors: Map<string, number>,
    /** Issuer name -> subject name -> how many certificates carry that edge. */
    private readonly edges: Edges,
    private readonly dist: Map<string, number>,
  ) {}

  static build(anchorNames: Iterable<string>, certs: Iterable<NameEdge>): Reachability {
    return new Reachability(new Map(), new Map(), new Map()).withAdded(anchorNames, certs);
  }

  has(nameKey: string): boolean {
    return this.dist.has(nameKey);
  }

  distance(nameKey: string): number | undefined {
    return this.dist.get(nameKey);
  }

  get size(): number {
    return this.dist.size;
  }

  /** A new reachability with more anchors and certificates; this one is left as it was. */
  withAdded(anchorNames: Iterable<string>, certs: Iterable<NameEdge>): Reachability {
    const anchors = new Map(this.anchors);
    const edges = new Map(this.edges);
    const dist = new Map(this.dist);
    const copied = new Set<string>();
    const queue: string[] = [];
    for (const a of anchorNames) {
      anchors.set(a, (anchors.get(a) ?? 0) + 1);
      if (dist.get(a) !== 0) {
        dist.set(a, 0);
        queue.push(a);
      }
    }
    for (const c of certs) {
      const iss = c.issuer.key;
      const sub = c.subject.key;
      let out = edges.get(iss);
      if (!out) edges.set(iss, (out = new Map()));
      else if (!copied.has(iss)) edges.set(iss, (out = new Map(out)));
      copied.add(iss);
      out.set(sub, (out.get(sub) ?? 0) + 1);
      const d = dist.get(iss);
      if (d !== undefined && (dist.get(sub) ?? Infinity) > d + 1) {
        dist.set(sub, d + 1);
        queue.push(sub);
      }
    }
    relax(queue, (n) => dist.get(n), (n, d) => dist.set(n, d), [edges]);
    return new Reachability(anchors, edges, dist);
  }

  /** A new reachability without these anchors and certificates (distances rebuilt from the edges). */
  withRemoved(anchorNames: Iterable<string>, certs: Iterable<NameEdge>): Reachability {
    const anchors = new Map(this.anchors);
    const edges = new Map(this.edges);
    const copied = new Set<string>();
    for (const a of anchorNames) {
      const n = (anchors.get(a) ?? 0) - 1;
      if (n > 0) anchors.set(a, n);
      else anchors.delete(a);
    }
    for (const c of certs) {
      const iss = c.issuer.key;
      const sub = c.subject.key;
      let out = edges.get(iss);
      if (!out) continue;
      if (!copied.has(iss)) edges.set(iss, (out = new Map(out)));
      copied.add(iss);
      const n = (out.get(sub) ?? 0) - 1;
      if (n > 0) out.set(sub, n);
      else out.delete(sub);
      if (out.size === 0) edges.delete(iss);
    }
    const dist = new Map<string, number>();
    const queue: string[] = [];
    for (const a of anchors.keys()) {
      dist.set(a, 0);
      queue.push(a);
    }
    relax(queue, (n) => dist.get(n), (n, d) => dist.set(n, d), [edges]);
    return new Reachability(anchors, edges, dist);
  }

  /** This reachability plus a call's own certificates, without copying this one. */
  overlay(certs: Iterable<NameEdge>): NameReach {
    const local: Edges = new Map();
    const extra = new Map<string, number>();
    const get = (n: string) => extra.get(n) ?? this.dist.get(n);
    const queue: string[] = [];
    for (const c of certs) {
      const iss = c.issuer.key;
      const sub = c.subject.key;
      let out = local.get(iss);
      if (!out) local.set(iss, (out = new Map()));
      out.set(sub, 1);
      const d = get(iss);
      if (d !== undefined && (get(sub) ?? Infinity) > d + 1) {
        extra.set(sub, d + 1);
        queue.push(sub);
      }
    }
    if (queue.length === 0) return this;
    relax(queue, get, (n, d) => extra.set(n, d), [this.edges, local]);
    return { has: (n) => get(n) !== undefined, distance: get };
  }
}

/** Propagates improved distances along the edges until nothing improves (unit weights). */
function relax(queue: string[], get: (n: string) => number | undefined, set: (n: string, d: number) => void, edgeSets: readonly Edges[]): void {
  for (let i = 0; i < queue.length; i++) {
    const n = queue[i]!;
    const d = get(n)! + 1;
    for (const edges of edgeSets) {
      const out = edges.get(n);
      if (!out) continue;
      for (const sub of out.keys()) {
        if ((get(sub) ?? Infinity) > d) {
          set(sub, d);
          queue.push(sub);
        }
      }
    }
  }
}
