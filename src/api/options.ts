// Checks the types of `verify` options (the only case where `verify` throws) and
// turns them into the settings of one call, defaults applied.
import { OID } from "../parsing/oids.js";
import type { BudgetLimits } from "../pathbuilder/budget.js";
import type { PolicyInputs } from "../validate/path-validator.js";
import type { Input, NameAndKey, PerCallOptions, Profile, RevocationMode, RevocationPreference, VerifyOptions } from "./types.js";
import { DEFAULT_FETCH_POLICY, type FetchPolicy } from "../stores/http.js";
import type { AsyncIssuerSource, IssuerSource } from "../stores/issuer-source.js";
import type { LdapCredentials } from "../stores/ldap.js";
import { parseProxyUrl } from "../stores/proxy.js";
import { parseLdapUrl } from "../stores/ldap-url.js";

/** A verifier's settings: every option but the target; `time` absent means "now" at each call. */
export interface ConfigSettings extends Omit<CallSettings, "target" | "time"> {
  readonly time: Date | undefined;
}

export interface CallSettings {
  readonly target: Input;
  readonly intermediates: readonly Input[];
  readonly trustAnchors: readonly (Input | NameAndKey)[];
  readonly enforceAnchorConstraints: boolean;
  readonly profile: Profile;
  readonly time: Date;
  readonly policy: PolicyInputs;
  readonly crls: readonly Input[];
  readonly ocspResponses: readonly Uint8Array[];
  readonly revocationMode: RevocationMode;
  readonly fetch: boolean;
  readonly extendedKeyUsage: readonly string[];
  readonly limits: Partial<BudgetLimits>;
  readonly fetchPolicy: FetchPolicy & { maxUrls: number; ocspMethod: "auto" | "get" | "post"; ocspNonce: boolean };
  readonly revocationPreference: RevocationPreference;
  readonly clockSkewMs: number;
  readonly ocspMaxAgeMs: number;
  readonly issuerSources: readonly IssuerSource[];
  readonly asyncIssuerSources: readonly AsyncIssuerSource[];
  /** Record the search for `result.graph`. */
  readonly graph: boolean;
}

const OID_RE = /^[0-2](\.(0|[1-9][0-9]*))+$/;

function isInput(x: unknown): x is Input {
  return typeof x === "string" || x instanceof Uint8Array;
}

function inputs(x: unknown, name: string): Input[] {
  if (x === undefined) return [];
  if (!Array.isArray(x) || !x.every(isInput)) throw new TypeError(`${name} must be an array of Uint8Array (DER) or string (PEM)`);
  return x;
}

function bool(x: unknown, name: string): boolean {
  if (x === undefined) return false;
  if (typeof x !== "boolean") throw new TypeError(`${name} must be a boolean`);
  return x;
}

function oids(x: unknown, name: string, dflt: string[]): string[] {
  if (x === undefined) return dflt;
  if (!Array.isArray(x) || !x.every((o) => typeof o === "string" && OID_RE.test(o))) throw new TypeError(`${name} must be an array of dotted OID strings`);
  return x;
}

function positive(x: unknown, name: string): number | undefined {
  if (x === undefined) return undefined;
  if (typeof x !== "number" || !Number.isFinite(x) || x <= 0) throw new TypeError(`${name} must be a positive number`);
  return x;
}

function nonNegative(x: unknown, name: string): number | undefined {
  if (x === undefined) return undefined;
  if (typeof x !== "number" || !Number.isFinite(x) || x < 0) throw new TypeError(`${name} must be a non-negative number`);
  return x;
}

function oneOf<T extends string>(x: unknown, name: string, allowed: readonly T[], dflt: T): T {
  if (x === undefined) return dflt;
  if (typeof x !== "string" || !allowed.includes(x as T)) throw new TypeError(`${name} must be one of ${allowed.join(", ")}`);
  return x as T;
}

function object(x: unknown, name: string): Record<string, unknown> {
  if (x === undefined) return {};
  if (typeof x !== "object" || x === null || Array.isArray(x)) throw new TypeError(`${name} must be an object`);
  return x as Record<string, unknown>;
}

/** fetchPolicy.proxy, proxyFromEnv, allowPrivateAddresses and ldap (stores/proxy.ts, stores/ldap.ts). */
function fetchNetworkOptions(f: Record<string, unknown>): Pick<FetchPolicy, "proxy" | "proxyFromEnv" | "allowPrivateAddresses" | "tlsCa" | "ldap"> {
  let proxy: string | undefined;
  if (f.proxy !== undefined) {
    if (typeof f.proxy !== "string") throw new TypeError("fetchPolicy.proxy must be a string (http://host:port)");
    try {
      parseProxyUrl(f.proxy, "fetchPolicy.proxy");
    } catch (e) {
      throw new TypeError((e as Error).message);
    }
    proxy = f.proxy;
  }
  const l = object(f.ldap, "fetchPolicy.ldap");
  const creds = l.credentials ?? [];
  if (!Array.isArray(creds) || !creds.every((c) => c && typeof c.host === "string" && typeof c.dn === "string" && typeof c.password === "string"))
    throw new TypeError("fetchPolicy.ldap.credentials must be an array of { host, dn, password } strings");
  const ca = f.tlsCa ?? [];
  if (!Array.isArray(ca) || !ca.every((x) => typeof x === "string")) throw new TypeError("fetchPolicy.tlsCa must be an array of PEM strings");
  const dirs = l.directories ?? [];
  if (!Array.isArray(dirs) || !dirs.every((x) => typeof x === "string")) throw new TypeError("fetchPolicy.ldap.directories must be an array of LDAP URLs");
  for (const d of dirs as string[]) {
    try {
      if (!parseLdapUrl(d).host) throw new Error("no host");
    } catch (e) {
      throw new TypeError(`fetchPolicy.ldap.directories: "${d}" is not an LDAP URL with a host (${(e as Error).message})`);
    }
  }
  return {
    proxy,
    proxyFromEnv: f.proxyFromEnv === undefined ? true : bool(f.proxyFromEnv, "fetchPolicy.proxyFromEnv"),
    allowPrivateAddresses: bool(f.allowPrivateAddresses, "fetchPolicy.allowPrivateAddresses"),
    tlsCa: ca.length ? (ca as string[]) : undefined,
    ldap: { credentials: creds as LdapCredentials[], followReferrals: bool(l.followReferrals, "fetchPolicy.ldap.followReferrals"), directories: dirs as string[] },
  };
}

export function coerceOptions(o: VerifyOptions): CallSettings {
  if (typeof o !== "object" || o === null) throw new TypeError("verify options must be an object");
  if (!isInput(o.target)) throw new TypeError("target must be a Uint8Array (DER) or a string (PEM)");
  const c = coerceConfig(o);
  return { ...c, target: o.target, time: c.time ?? wholeSeconds(new Date()) };
}

function coerceTime(x: unknown): Date | undefined {
  let time: Date;
  if (x === undefined) return undefined;
  else if (x instanceof Date) time = x;
  else if (typeof x === "string") time = new Date(x);
  else throw new TypeError("time must be a Date or an ISO 8601 string");
  if (isNaN(time.getTime())) throw new TypeError("time is not a valid date");
  return wholeSeconds(time);
}

/**
 * RFC 5280 4.1.2.5: certificate and CRL times carry whole seconds, so the validation time
 * is compared at that granularity: truncated (never rounded up) to the second.
 */
function wholeSeconds(t: Date): Date {
  return new Date(Math.floor(t.getTime() / 1000) * 1000);
}

function coercePolicy(x: unknown): PolicyInputs {
  const p = object(x, "policy");
  const pick = (a: string, b: string) => (p[a] !== undefined ? bool(p[a], `policy.${a}`) : bool(p[b], `policy.${b}`));
  return {
    initialPolicySet: oids(p.initialPolicySet, "policy.initialPolicySet", [OID.anyPolicy]),
    explicitPolicy: pick("explicitPolicy", "initialExplicitPolicy"),
    policyMappingInhibit: pick("policyMappingInhibit", "initialPolicyMappingInhibit"),
    anyPolicyInhibit: pick("anyPolicyInhibit", "initialInhibitAnyPolicy"),
  };
}

function coerceLimits(x: unknown): Partial<BudgetLimits> {
  const l = object(x, "limits");
  const limits: Partial<BudgetLimits> = {};
  for (const k of ["maxDepth", "maxSignatureChecks", "maxCandidatePaths", "timeoutMs", "maxSteps", "maxNameConstraintChecks"] as const) {
    const v = positive(l[k], `limits.${k}`);
    if (v !== undefined) limits[k] = v;
  }
  return limits;
}

/** What `verifier.verify(target, perCall)` may override for one call (contract.md). */
export interface PerCallSettings {
  readonly intermediates: readonly Input[];
  readonly time?: Date;
  readonly extendedKeyUsage?: readonly string[];
  readonly policy?: PolicyInputs;
  readonly limits?: Partial<BudgetLimits>;
  readonly graph?: boolean;
}

export function coercePerCall(o: PerCallOptions | undefined): PerCallSettings {
  if (o === undefined) return { intermediates: [] };
  if (typeof o !== "object" || o === null) throw new TypeError("per-call options must be an object");
  return {
    intermediates: inputs(o.intermediates, "intermediates"),
    time: coerceTime(o.time),
    extendedKeyUsage: o.extendedKeyUsage === undefined ? undefined : oids(o.extendedKeyUsage, "extendedKeyUsage", []),
    policy: o.policy === undefined ? undefined : coercePolicy(o.policy),
    limits: o.limits === undefined ? undefined : coerceLimits(o.limits),
    graph: o.graph === undefined ? undefined : bool(o.graph, "graph"),
  };
}

/** The settings of a call on a verifier: its configuration with the call's overrides. */
export function callSettings(c: ConfigSettings, target: Input, p: PerCallSettings): CallSettings {
  // Every field written out: an object spread of the configuration cost ~5 us a call
  // (a prepared verifier's repeated target takes ~70 us in all; bench/verifier.mjs).
  return {
    trustAnchors: c.trustAnchors,
    enforceAnchorConstraints: c.enforceAnchorConstraints,
    profile: c.profile,
    crls: c.crls,
    ocspResponses: c.ocspResponses,
    revocationMode: c.revocationMode,
    fetch: c.fetch,
    fetchPolicy: c.fetchPolicy,
    revocationPreference: c.revocationPreference,
    clockSkewMs: c.clockSkewMs,
    ocspMaxAgeMs: c.ocspMaxAgeMs,
    issuerSources: c.issuerSources,
    asyncIssuerSources: c.asyncIssuerSources,
    target,
    intermediates: p.intermediates,
    time: p.time ?? c.time ?? wholeSeconds(new Date()),
    extendedKeyUsage: p.extendedKeyUsage ?? c.extendedKeyUsage,
    policy: p.policy ?? c.policy,
    limits: p.limits ? { ...c.limits, ...p.limits } : c.limits,
    graph: p.graph ?? c.graph,
  };
}

/** Checks a verifier's configuration (every `verify` option but `target`). */
export function coerceConfig(o: Omit<VerifyOptions, "target">): ConfigSettings {
  if (typeof o !== "object" || o === null) throw new TypeError("verifier configuration must be an object");
  const time = coerceTime(o.time);
  const rev = object(o.revocation, "revocation");
  const mode = rev.mode ?? "none";
  if (mode !== "none" && mode !== "soft" && mode !== "hard") throw new TypeError('revocation.mode must be "none", "soft" or "hard"');
  const ocsp = rev.ocspResponses ?? [];
  if (!Array.isArray(ocsp) || !ocsp.every((x) => x instanceof Uint8Array)) throw new TypeError("revocation.ocspResponses must be an array of Uint8Array");
  const limits = coerceLimits(o.limits);
  if (!Array.isArray(o.trustAnchors) || !o.trustAnchors.every((a) => isInput(a) || (typeof a === "object" && a !== null && "subject" in a && "publicKey" in a)))
    throw new TypeError("trustAnchors must be an array of DER, PEM or { subject, publicKey }");
  const trustAnchors = o.trustAnchors;
  const f = object(o.fetchPolicy, "fetchPolicy");
  const hosts = f.allowHosts;
  if (hosts !== undefined && (!Array.isArray(hosts) || !hosts.every((h) => typeof h === "string"))) throw new TypeError("fetchPolicy.allowHosts must be an array of strings");
  const net = fetchNetworkOptions(f);
  const sources = o.issuerSources ?? [];
  if (!Array.isArray(sources) || !sources.every((x) => x && typeof (x as IssuerSource).findBySubject === "function"))
    throw new TypeError("issuerSources must be an array of objects with findBySubject()");
  const asyncSources = o.asyncIssuerSources ?? [];
  if (!Array.isArray(asyncSources) || !asyncSources.every((x) => x && typeof (x as AsyncIssuerSource).issuersFor === "function"))
    throw new TypeError("asyncIssuerSources must be an array of objects with issuersFor()");
  return {
    intermediates: inputs(o.intermediates, "intermediates"),
    trustAnchors,
    // RFC 5937; default on since the second round (contract.md).
    enforceAnchorConstraints: o.enforceAnchorConstraints === undefined ? true : bool(o.enforceAnchorConstraints, "enforceAnchorConstraints"),
    profile: oneOf(o.profile, "profile", ["rfc5280", "strict"] as const, "rfc5280"),
    time,
    policy: coercePolicy(o.policy),
    crls: inputs(rev.crls, "revocation.crls"),
    ocspResponses: ocsp as Uint8Array[],
    revocationMode: mode,
    fetch: bool(rev.fetch, "revocation.fetch"),
    extendedKeyUsage: oids(o.extendedKeyUsage, "extendedKeyUsage", []),
    limits,
    fetchPolicy: {
      timeoutMs: positive(f.timeoutMs, "fetchPolicy.timeoutMs") ?? DEFAULT_FETCH_POLICY.timeoutMs,
      maxBytes: positive(f.maxBytes, "fetchPolicy.maxBytes") ?? DEFAULT_FETCH_POLICY.maxBytes,
      maxRedirects: DEFAULT_FETCH_POLICY.maxRedirects,
      maxUrls: positive(f.maxUrls, "fetchPolicy.maxUrls") ?? 64,
      allowHosts: hosts as string[] | undefined,
      ocspMethod: oneOf(f.ocspMethod, "fetchPolicy.ocspMethod", ["auto", "get", "post"] as const, "auto"),
      ocspNonce: f.ocspNonce === undefined ? true : bool(f.ocspNonce, "fetchPolicy.ocspNonce"),
      ...net,
    },
    revocationPreference: oneOf(rev.preference, "revocation.preference", ["ocsp-first", "crl-first", "ocsp-only", "crl-only"] as const, "ocsp-first"),
    clockSkewMs: nonNegative(rev.clockSkewMs, "revocation.clockSkewMs") ?? 300_000,
    ocspMaxAgeMs: positive(rev.ocspMaxAgeMs, "revocation.ocspMaxAgeMs") ?? 7 * 24 * 3600_000,
    issuerSources: sources,
    asyncIssuerSources: asyncSources,
    graph: bool(o.graph, "graph"),
  };
}
