// Records what one path search learns, through the builder's SearchObserver hook:
// signature outcomes per (certificate, issuer key), certificates cut as unreachable,
// and each complete candidate path with its verdict. ./model.ts turns it into a TrustGraph.
import type { Certificate } from "../parsing/certificate.js";
import type { SignatureOutcome } from "../crypto/verifier.js";
import type { CandidatePath, SearchObserver, RevocationNote } from "../pathbuilder/path-builder.js";
import { spkiSha256 } from "./fields.js";

export interface RecordedCandidate {
  readonly cand: CandidatePath;
  /** undefined while validation has not answered (a budget stop). */
  valid?: boolean;
  failure?: { code: string; message: string; certIndex: number };
  statuses?: readonly RevocationNote[];
}

export class SearchRecorder implements SearchObserver {
  /** Outcome by certificate SHA-256, then by issuer key SHA-256 (undefined: deferred). */
  readonly signatures = new Map<string, Map<string, SignatureOutcome | undefined>>();
  readonly cutUnreachable = new Set<string>();
  /** Every certificate the search touched, by SHA-256 (some may come from sources that cannot be listed). */
  readonly seen = new Map<string, Certificate>();
  readonly candidates: RecordedCandidate[] = [];
  private readonly byKey = new Map<string, RecordedCandidate>();

  signature(child: Certificate, issuerKey: Certificate["publicKey"], outcome: SignatureOutcome | undefined): void {
    this.seen.set(child.sha256, child);
    let m = this.signatures.get(child.sha256);
    if (!m) this.signatures.set(child.sha256, (m = new Map()));
    m.set(spkiSha256(issuerKey.spki), outcome);
  }

  cut(cert: Certificate): void {
    this.seen.set(cert.sha256, cert);
    this.cutUnreachable.add(cert.sha256);
  }

  candidate(cand: CandidatePath): void {
    // Each search round (after fetching) proposes the same candidates again: keep one.
    const key = candidateKey(cand);
    if (this.byKey.has(key)) return;
    for (const c of cand.certs) this.seen.set(c.sha256, c);
    const r: RecordedCandidate = { cand };
    this.byKey.set(key, r);
    this.candidates.push(r);
  }

  accept(cand: CandidatePath, statuses?: readonly RevocationNote[]): void {
    const r = this.entry(cand);
    r.valid = true;
    r.failure = undefined;
    r.statuses = statuses;
  }

  reject(cand: CandidatePath, failure: { code: string; message: string; certIndex: number }, statuses?: readonly RevocationNote[]): void {
    const r = this.entry(cand);
    r.valid = false;
    r.failure = { code: failure.code, message: failure.message, certIndex: failure.certIndex };
    r.statuses = statuses;
  }

  private entry(cand: CandidatePath): RecordedCandidate {
    const found = this.byKey.get(candidateKey(cand));
    if (found) return found;
    this.candidate(cand);
    return this.byKey.get(candidateKey(cand))!;
  }
}

function candidateKey(cand: CandidatePath): string {
  return `${cand.certs.map((c) => c.sha256).join(">")}>${spkiSha256(cand.anchor.publicKey.spki)}|${cand.anchor.subject.key}`;
}
