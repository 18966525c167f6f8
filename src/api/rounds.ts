// Search rounds with the online retriever (RFC 5280 4.2.2.1, 4.2.1.13; RFC 6960): search
// with what is at hand; if no path was found, or a found path's status is unknown, ask
// the asynchronous issuer sources and the retriever for what the search pointed at
// (issuers it could not find, CRLs and OCSP answers it lacked), add them, search again.
import { certLabel, type Certificate } from "../parsing/certificate.js";
import type { Crl } from "../parsing/crl.js";
import type { DistinguishedName } from "../parsing/name.js";
import { buildOcspRequest, type OcspResponseModel } from "../parsing/ocsp.js";
import type { AsyncIssuerSource } from "../stores/issuer-source.js";
import { crlUrls, ocspUrls, type OcspOutgoing, type OnlineRetriever } from "../stores/online.js";
import type { Budget } from "../pathbuilder/budget.js";
import type { RevocationPreference } from "../revocation/checker.js";
import type { SearchResult } from "./search.js";

/** Rounds a call may make (each round: one search, then the material it points at). */
export const MAX_FETCH_ROUNDS = 6;

/** The call's growing material, as the rounds see it. */
export interface RoundMaterial {
  readonly crls: readonly Crl[];
  /** Certificates, CRLs and OCSP responses held: a round that adds nothing ends the loop. */
  size(): number;
  add(certs: readonly Certificate[], crls: readonly Crl[], ocsp: readonly { response: OcspResponseModel; nonce?: string }[]): void;
  candidates(name: DistinguishedName): readonly Certificate[];
}

export interface Rounds {
  readonly search: () => SearchResult;
  readonly online: OnlineRetriever | undefined;
  readonly asyncSources: readonly AsyncIssuerSource[];
  readonly anchorCerts: readonly Certificate[];
  readonly budget: Budget;
  readonly material: RoundMaterial;
  readonly preference: RevocationPreference;
  readonly ocspMethod: "auto" | "get" | "post";
  readonly ocspNonce: boolean;
}

export async function searchInRounds(o: Rounds): Promise<SearchResult> {
  const { online, asyncSources, budget, material } = o;
  for (let round = 0; ; round++) {
    const r = o.search();
    // Done unless more material may help: no path yet, or (soft mode) a path whose status is unknown.
    const unknownStatus = r.found?.statuses.some((st) => st.status === "unknown");
    if ((!online && !asyncSources.length) || round >= MAX_FETCH_ROUNDS || (r.found && !unknownStatus)) return r;
    const deadline = Date.now() + Math.max(0, budget.limits.timeoutMs - budget.elapsedMs());
    // Issuers from the asynchronous sources for what the search could not extend, when no path was found.
    const stuck = r.found ? [] : retrievalFrontier([...r.builder.visited, ...r.builder.cutUnreachable], material);
    const status = online ? wantedStatusSources(r, o) : { crls: [], ocsp: [] };
    const crlUrlList = online ? online.fresh(status.crls) : [];
    const ocspReqs = online ? status.ocsp.filter((q) => online.fresh([`${q.url}#${q.key}`]).length) : [];
    const [issuers, newCrls, answers] = await Promise.all([
      Promise.all(asyncSources.map((src) => src.issuersFor(stuck, o.anchorCerts, deadline))).then((l) => l.flat()),
      online ? online.crls(crlUrlList, deadline) : [],
      online ? online.ocsp(ocspReqs, deadline, o.ocspMethod) : [],
    ]);
    budget.checkTime();
    const before = material.size();
    material.add(issuers, newCrls, answers);
    // Nothing new came back: another round would search the same material.
    if (material.size() === before) return r;
  }
}

/**
 * Where issuer retrieval starts (RFC 4158 3.1, 5.1): the certificates the search stood on
 * or cut as unreachable and, above them by issuer name, every certificate at hand. The
 * search prunes a certificate whose issuer name leads to no anchor yet, so the partial
 * chain fetched in earlier rounds (issuing CA, then its root's cross-certificates) is
 * never stood on; its topmost certificates, whose issuers are still missing, are where
 * the next AIA hop is. Already-fetched URLs are skipped by the retriever.
 */
function retrievalFrontier(start: readonly Certificate[], material: RoundMaterial, cap = 10_000): Certificate[] {
  const seen = new Set<Certificate>();
  const queue = [...start];
  while (queue.length && seen.size < cap) {
    const c = queue.pop()!;
    if (seen.has(c)) continue;
    seen.add(c);
    for (const i of material.candidates(c.issuer)) if (!seen.has(i)) queue.push(i);
  }
  return [...seen];
}

/**
 * Where the status of undetermined certificates may be learnt: CRL distribution points
 * and OCSP responders of every certificate of a path whose status was undetermined, and
 * the distribution points of the CRL issuers' certificates.
 */
function wantedStatusSources(r: SearchResult, o: Rounds) {
  const crls: string[] = [];
  const ocsp: OcspOutgoing[] = [];
  const prefer = o.preference;
  // Paths whose revocation status was undetermined: failed ones (hard mode) and a found one (soft mode).
  const undetermined = r.tried.filter((t) => t.failure.code === "REVOCATION_UNKNOWN").map((t) => t.cand);
  if (r.found?.statuses.some((st) => st.status === "unknown")) undetermined.push(r.found.cand);
  for (const cand of undetermined) {
    const path = cand.certs;
    for (let k = 0; k < path.length; k++) {
      const c = path[k]!;
      const issuerSpki = (path[k + 1]?.publicKey ?? cand.anchor.publicKey).spki;
      // Both sources are fetched when both are named: the preference decides which answer counts first.
      crls.push(...crlUrls(c));
      if (prefer !== "crl-only")
        for (const url of ocspUrls(c)) {
          const req = buildOcspRequest(c, issuerSpki, "sha1", o.ocspNonce);
          ocsp.push({ url, der: req.der, nonce: req.nonce, key: c.sha256, label: `certificate #${k} (${certLabel(c)})` });
        }
    }
    // CRL issuers' certificates only once their signature and the CRL's have been checked
    // (issue 10 item 4): a bag certificate merely named like a CRL issuer gets no fetch.
    for (const crl of o.material.crls)
      for (const signer of o.material.candidates(crl.issuer))
        if (o.budget.verifier.verifiedOk(signer) && o.budget.verifier.verifiedWith(crl, signer.publicKey)) crls.push(...crlUrls(signer));
  }
  return { crls: prefer === "ocsp-only" ? [] : crls, ocsp };
}
