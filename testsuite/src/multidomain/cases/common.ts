// Small helpers the scenario files share: policy OIDs, and functions that return plain
// description objects (the scenarios themselves stay data: see ../model.ts).
import type { CertDecl, CertKind, CrlDecl, EntityDecl, Scenario } from "../model.js";
import { ANY_POLICY, DEFAULT_REFERENCE_TIME } from "../model.js";

export { ANY_POLICY };
export const REF = DEFAULT_REFERENCE_TIME;

/**
 * Test policy OIDs under the ITU-T example arc 2.999 (X.660): one arc per domain,
 * .1 medium, .2 high, .3 low assurance.
 */
function levels(arc: string) {
  return { med: `${arc}.1`, high: `${arc}.2`, low: `${arc}.3` } as const;
}
export const POL = {
  d1: levels("2.999.1"),
  d2: levels("2.999.2"),
  d3: levels("2.999.3"),
  bca: levels("2.999.90"),
  bca2: levels("2.999.91"),
  hier: levels("2.999.10"),
  mesh: levels("2.999.11"),
  roll: levels("2.999.12"),
  rev: levels("2.999.13"),
  enc: levels("2.999.14"),
  path: levels("2.999.15"),
  /** GPKI simulation: the government application CA policy, the bridge's, commercial registration's. */
  gov: levels("2.999.81"),
  gbca: levels("2.999.82"),
  creg: levels("2.999.83"),
} as const;

export function ent(id: string, name: string, extra: Partial<EntityDecl> = {}): EntityDecl {
  return { id, name, ...extra };
}

export function cert(id: string, kind: CertKind, subject: string, issuer: string, extra: Partial<CertDecl> = {}): CertDecl {
  return { id, kind, subject, issuer, ...extra };
}

/** A CRL of `issuer` (signed by `issuer` unless `extra.signer`), no entries unless given. */
export function crl(id: string, issuer: string, extra: Partial<CrlDecl> = {}): CrlDecl {
  return { id, issuer, ...extra };
}

/** A repository URL on the loopback address (data only: nothing in the suite fetches it). */
export function url(path: string): string {
  return `http://127.0.0.1:8080/${path}`;
}

/** caIssuers AIA pointing at where the issuer's certificates would be published. */
export function aiaTo(issuerId: string): { caIssuers: string[] } {
  return { caIssuers: [url(`certs/${issuerId}.p7c`)] };
}

/** A CRL distribution point URL of an issuer. */
export function cdpOf(issuerId: string, name = "crl"): string[] {
  return [url(`crls/${issuerId}-${name}.crl`)];
}

/** A copy of `certs` with the certificate `id` changed by `patch` (fields set to undefined are removed). */
export function patchCert(certs: readonly CertDecl[], id: string, patch: Partial<CertDecl>): CertDecl[] {
  let found = false;
  const out = certs.map((c) => {
    if (c.id !== id) return c;
    found = true;
    const n = { ...c, ...patch } as Record<string, unknown>;
    for (const k of Object.keys(n)) if (n[k] === undefined) delete n[k];
    return n as unknown as CertDecl;
  });
  if (!found) throw new Error(`patchCert: no certificate ${id}`);
  return out;
}

/** A scenario with the default reference time unless one is given. */
export function scenario(s: Omit<Scenario, "referenceTime"> & { referenceTime?: string }): Scenario {
  return { referenceTime: REF, ...s };
}
