// Where candidate issuer certificates come from. Every source answers the same
// question, "which certificates have this subject name?", so the path builder
// does not care whether they come from memory, a directory or the network.
import type { Certificate } from "../parsing/certificate.js";
import type { DistinguishedName } from "../parsing/name.js";

export interface IssuerSource {
  /** Certificates whose subject equals `name` under RFC 5280 7.1 matching. */
  findBySubject(name: DistinguishedName): readonly Certificate[];
  /** Every certificate the source holds, when it can list them (for reachability pruning). */
  all?(): Iterable<Certificate>;
}

/**
 * A source that needs I/O (HTTP today; a directory server later). The path builder never
 * waits on one: between search rounds, the caller hands it the certificates whose issuers
 * the synchronous sources could not supply (and the anchors, whose SIA may point at
 * certificates they issued), and adds what it returns to the bag for the next round.
 */
export interface AsyncIssuerSource {
  issuersFor(certs: Iterable<Certificate>, anchors: readonly Certificate[], deadline: number): Promise<Certificate[]>;
}

/** An in-memory bag of certificates, indexed by subject name and subject key identifier. */
export class MemoryIssuerSource implements IssuerSource {
  private readonly bySubject = new Map<string, Certificate[]>();
  private readonly byKeyId = new Map<string, Certificate[]>();
  private readonly seen = new Set<string>();

  constructor(certs: Iterable<Certificate> = []) {
    for (const c of certs) this.add(c);
  }

  /** Adds a certificate; exact duplicates (same DER) are kept once. */
  add(c: Certificate): void {
    if (this.seen.has(c.sha256)) return;
    this.seen.add(c.sha256);
    push(this.bySubject, c.subject.key, c);
    if (c.subjectKeyId) push(this.byKeyId, c.subjectKeyId, c);
  }

  findBySubject(name: DistinguishedName): readonly Certificate[] {
    return this.bySubject.get(name.key) ?? [];
  }

  *all(): Iterable<Certificate> {
    for (const l of this.bySubject.values()) yield* l;
  }

  findByKeyId(keyId: string): readonly Certificate[] {
    return this.byKeyId.get(keyId) ?? [];
  }

  get size(): number {
    return this.seen.size;
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}
