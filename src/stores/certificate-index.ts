// An immutable index of untrusted certificates: by subject name, by subject key
// identifier, by SPKI hash and by SHA-256. A prepared verifier publishes one per
// snapshot; `withAdded` / `withRemoved` return a new index that shares every list they
// do not touch, so a call in flight keeps reading the index it started with.
import type { Certificate } from "../parsing/certificate.js";
import type { DistinguishedName } from "../parsing/name.js";
import { digestOf } from "../crypto/outcome-cache.js";
import type { IssuerSource } from "./issuer-source.js";

type Index = ReadonlyMap<string, readonly Certificate[]>;

export class CertificateIndex implements IssuerSource {
  static readonly EMPTY = new CertificateIndex(new Map(), new Map(), new Map(), new Map());

  private constructor(
    private readonly bySha: ReadonlyMap<string, Certificate>,
    private readonly bySubject: Index,
    private readonly byKeyId: Index,
    private readonly bySpki: Index,
  ) {}

  get size(): number {
    return this.bySha.size;
  }

  has(sha256: string): boolean {
    return this.bySha.has(sha256);
  }

  get(sha256: string): Certificate | undefined {
    return this.bySha.get(sha256);
  }

  findBySubject(name: DistinguishedName): readonly Certificate[] {
    return this.bySubject.get(name.key) ?? [];
  }

  findByKeyId(keyId: string): readonly Certificate[] {
    return this.byKeyId.get(keyId) ?? [];
  }

  /** Certificates carrying this SubjectPublicKeyInfo (same key, any name). */
  findBySpki(spki: Uint8Array): readonly Certificate[] {
    return this.bySpki.get(digestOf(spki)) ?? [];
  }

  all(): Iterable<Certificate> {
    return this.bySha.values();
  }

  /** A new index with these certificates too (duplicates by SHA-256 kept once), and the ones actually new. */
  withAdded(certs: Iterable<Certificate>): { index: CertificateIndex; added: Certificate[] } {
    const added: Certificate[] = [];
    const seen = new Set<string>();
    for (const c of certs) {
      if (this.bySha.has(c.sha256) || seen.has(c.sha256)) continue;
      seen.add(c.sha256);
      added.push(c);
    }
    if (!added.length) return { index: this, added };
    const bySha = new Map(this.bySha);
    const bySubject = new Map(this.bySubject);
    const byKeyId = new Map(this.byKeyId);
    const bySpki = new Map(this.bySpki);
    const fresh = new Set<readonly Certificate[]>();
    for (const c of added) {
      bySha.set(c.sha256, c);
      append(bySubject, c.subject.key, c, fresh);
      if (c.subjectKeyId) append(byKeyId, c.subjectKeyId, c, fresh);
      append(bySpki, digestOf(c.publicKey.spki), c, fresh);
    }
    return { index: new CertificateIndex(bySha, bySubject, byKeyId, bySpki), added };
  }

  /** A new index without the certificates of these SHA-256s, and the ones actually removed. */
  withRemoved(sha256s: Iterable<string>): { index: CertificateIndex; removed: Certificate[] } {
    const removed: Certificate[] = [];
    for (const h of new Set(sha256s)) {
      const c = this.bySha.get(h);
      if (c) removed.push(c);
    }
    if (!removed.length) return { index: this, removed };
    const gone = new Set(removed.map((c) => c.sha256));
    const bySha = new Map(this.bySha);
    const bySubject = new Map(this.bySubject);
    const byKeyId = new Map(this.byKeyId);
    const bySpki = new Map(this.bySpki);
    for (const c of removed) {
      bySha.delete(c.sha256);
      drop(bySubject, c.subject.key, gone);
      if (c.subjectKeyId) drop(byKeyId, c.subjectKeyId, gone);
      drop(bySpki, digestOf(c.publicKey.spki), gone);
    }
    return { index: new CertificateIndex(bySha, bySubject, byKeyId, bySpki), removed };
  }
}

/** Appends to a copy of the list (the old list may be read by a call in flight); lists copied in this batch are appended in place. */
function append(m: Map<string, readonly Certificate[]>, k: string, c: Certificate, fresh: Set<readonly Certificate[]>): void {
  const l = m.get(k);
  if (l && fresh.has(l)) (l as Certificate[]).push(c);
  else {
    const n = l ? [...l, c] : [c];
    fresh.add(n);
    m.set(k, n);
  }
}

function drop(m: Map<string, readonly Certificate[]>, k: string, gone: ReadonlySet<string>): void {
  const l = m.get(k)?.filter((c) => !gone.has(c.sha256));
  if (l && l.length) m.set(k, l);
  else m.delete(k);
}
