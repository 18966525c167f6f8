// Certificate status from OCSP responses (RFC 6960, RFC 5019 profile): the answer
// counts only when it names the certificate (CertID), is signed by the issuing CA or
// by a responder the CA delegated with id-kp-OCSPSigning (RFC 6960 4.2.2.2), carries
// the nonce that was sent if it carries one, and is fresh at the validation time.
import type { Certificate } from "../parsing/certificate.js";
import { KU } from "../parsing/certificate.js";
import { OID } from "../parsing/oids.js";
import { REASON_NAMES } from "../parsing/crl.js";
import { certIdMatches, type OcspResponseModel, OCSP_RESPONSE_STATUS } from "../parsing/ocsp.js";
import type { SignatureVerifier, VerificationKey } from "../crypto/verifier.js";
import type { StatusAnswer, StatusSubject } from "./crl-status.js";

export interface OcspContext {
  readonly responses: readonly OcspResponseModel[];
  readonly time: Date;
  readonly verifier: SignatureVerifier;
  /** Allowed clock difference between responder and relying party, ms. */
  readonly skewMs: number;
  /** Oldest thisUpdate accepted when a response has no nextUpdate, ms. */
  readonly maxAgeMs: number;
  /** Nonces sent, by response SHA-256: a response that echoes a different one is refused. */
  readonly sentNonces: ReadonlyMap<string, string>;
  /** The status of a delegated responder's certificate (RFC 6960 4.2.2.2.1), from CRLs. */
  responderStatus(responder: Certificate, issuerKey: VerificationKey): "good" | "revoked" | "unknown";
}

function reasonName(r: number | undefined): string {
  return r === undefined ? "unspecified" : (REASON_NAMES[r] ?? `reason ${r}`);
}

/** RFC 6960 4.2.2.2: who may sign an answer about a certificate issued by `issuerKey`. */
function authorisedSigner(resp: OcspResponseModel, subject: StatusSubject, ctx: OcspContext): { ok: true; by: string } | { ok: false; why: string } {
  const { verifier, time } = ctx;
  const signed = { tbs: resp.tbs!, signatureAlgorithm: resp.signatureAlgorithm!, signature: resp.signature!, signatureUnusedBits: resp.signatureUnusedBits };
  // 1. The CA that issued the certificate.
  if (verifier.verify(signed, subject.issuerKey).ok) return { ok: true, by: `the issuing CA ${subject.cert.issuer.text}` };
  // 2. A responder certificate issued by that CA for OCSP signing.
  const reasons: string[] = [];
  for (const r of resp.certs) {
    if (r.issuer.key !== subject.cert.issuer.key) continue;
    if (!verifier.verify(r, subject.issuerKey).ok) {
      reasons.push(`${r.subject.text} is not signed by the issuing CA`);
      continue;
    }
    if (!r.extKeyUsage?.includes(OID.kpOcspSigning)) {
      reasons.push(`${r.subject.text} lacks id-kp-OCSPSigning (RFC 6960 4.2.2.2)`);
      continue;
    }
    if (time < r.notBefore || time > r.notAfter) {
      reasons.push(`${r.subject.text} is not valid at ${time.toISOString()}`);
      continue;
    }
    if (r.keyUsage !== undefined && !(r.keyUsage & (1 << KU.digitalSignature))) {
      reasons.push(`${r.subject.text} keyUsage lacks digitalSignature`);
      continue;
    }
    if (!verifier.verify(signed, r.publicKey).ok) {
      reasons.push(`the response is not signed by ${r.subject.text}`);
      continue;
    }
    // RFC 6960 4.2.2.2.1: the responder's own status, unless id-pkix-ocsp-nocheck.
    if (!r.ocspNoCheck) {
      const st = ctx.responderStatus(r, subject.issuerKey);
      if (st !== "good") {
        reasons.push(`responder ${r.subject.text} status is ${st} and it has no id-pkix-ocsp-nocheck (RFC 6960 4.2.2.2.1)`);
        continue;
      }
    }
    return { ok: true, by: `delegated responder ${r.subject.text}` };
  }
  return { ok: false, why: reasons.length ? reasons.join("; ") : "signed neither by the issuing CA nor by a responder certificate it issued (RFC 6960 4.2.2.2)" };
}

/** The status of one certificate from the OCSP responses at hand. */
export function ocspStatus(subject: StatusSubject, ctx: OcspContext): StatusAnswer {
  const { cert, issuerKey } = subject;
  const rejected: string[] = [];
  const t = ctx.time.getTime();
  for (const resp of ctx.responses) {
    const label = `OCSP response ${resp.what}`;
    if (resp.status !== 0) {
      rejected.push(`${label}: responseStatus ${OCSP_RESPONSE_STATUS[resp.status] ?? resp.status}`);
      continue;
    }
    const single = resp.responses.find((s) => certIdMatches(s, cert, issuerKey.spki));
    if (!single) continue;
    if (resp.unknownCriticalExtensions.length) {
      rejected.push(`${label}: unrecognised critical extension ${resp.unknownCriticalExtensions.join(", ")}`);
      continue;
    }
    const sent = ctx.sentNonces.get(resp.sha256);
    if (sent && resp.nonce && resp.nonce !== sent) {
      rejected.push(`${label}: nonce does not match the request's (RFC 8954)`);
      continue;
    }
    // Freshness (RFC 6960 4.2.2.1, RFC 5019 4): thisUpdate not in the future, nextUpdate not passed.
    if (single.thisUpdate.getTime() > t + ctx.skewMs) {
      rejected.push(`${label}: thisUpdate ${single.thisUpdate.toISOString()} is in the future`);
      continue;
    }
    if (single.nextUpdate ? single.nextUpdate.getTime() < t - ctx.skewMs : single.thisUpdate.getTime() < t - ctx.maxAgeMs) {
      rejected.push(`${label}: stale (thisUpdate ${single.thisUpdate.toISOString()}, nextUpdate ${single.nextUpdate?.toISOString() ?? "absent"})`);
      continue;
    }
    const signer = authorisedSigner(resp, subject, ctx);
    if (!signer.ok) {
      rejected.push(`${label}: ${signer.why}`);
      continue;
    }
    const source = `${label} signed by ${signer.by} (thisUpdate ${single.thisUpdate.toISOString()})`;
    if (single.status === "revoked") return { status: "revoked", source, revocationTime: single.revocationTime, reason: reasonName(single.reason) };
    if (single.status === "good") return { status: "good", source };
    rejected.push(`${source}: the responder does not know the certificate (unknown)`);
  }
  return { status: "unknown", source: rejected.length ? rejected.join("; ") : "no OCSP response names the certificate" };
}
