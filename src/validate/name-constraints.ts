// RFC 5280 name constraints: the permitted_subtrees / excluded_subtrees state of
// 6.1.2 (b)(c), its update by a CA certificate's extension (6.1.4 (g)) and the
// check of a certificate's names against it (6.1.3 (b)(c)). The matching rule of
// each name form comes from 4.2.1.10.
//
// Processed forms: directoryName, rfc822Name, dNSName, uniformResourceIdentifier
// and iPAddress (4.2.1.10: directoryName MUST, the others SHOULD be processed).
// Constraints on otherName, x400Address, ediPartyName and registeredID are
// recorded but not interpreted: a name of such a form is rejected as soon as any
// constraint of its form is in force.
//
// Names are only examined in forms that are constrained: a malformed dNSName,
// rfc822Name, URI or iPAddress is rejected then, and ignored otherwise.
//
// Subtrees outside the profile (minimum other than 0 or a maximum present,
// RFC 5280 4.2.1.10) and malformed subtree bases are constraints that cannot be
// satisfied: a permitted one matches no name, an excluded one excludes every
// name of its form. Either way the verdict errs on the side of rejection.
import type { Certificate, GeneralSubtree, NameConstraints } from "../parsing/certificate.js";
import { dnEmailAddresses, dnWithin, generalNameText, type DistinguishedName, type GeneralName } from "../parsing/name.js";
import { checkpoint } from "../parsing/deadline.js";
import { isHostName, isMailboxLocalPart } from "./name-syntax.js";

export type NameForm = GeneralName["kind"];

/** permitted_subtrees / excluded_subtrees state of RFC 5280 6.1.2 (b)(c); immutable values. */
export interface NameConstraintState {
  /**
   * Per name form, the subtrees a name of that form must fall in. An absent form
   * is unbounded (the initial value, 6.1.2 (b)); an empty list means that no name
   * of that form is permitted.
   */
  readonly permitted: Readonly<Partial<Record<NameForm, readonly GeneralName[]>>>;
  /** Per name form, the union of the excluded subtrees (6.1.2 (c)). */
  readonly excluded: Readonly<Partial<Record<NameForm, readonly GeneralName[]>>>;
  /** Forms with an excluded subtree we could not interpret: every name of such a form is rejected. */
  readonly excludedAll: readonly NameForm[];
}

export function initialNameConstraintState(): NameConstraintState {
  return Object.freeze({ permitted: Object.freeze({}), excluded: Object.freeze({}), excludedAll: Object.freeze([]) });
}

/**
 * Where name-constraint work is counted (the call's budget: `limits.maxNameConstraintChecks`).
 * `take(n)` is called BEFORE the work it pays for and throws when the limit is passed, so a
 * hostile path stops before its quadratic part runs. What is charged is the size of the
 * comparison a plain engine would make (names x subtrees of the form, like Go's
 * maxConstraintComparisons), not the smaller number of index probes actually made: the
 * limit then bounds what a path may present, independent of how the engine matches.
 */
export interface NameCheckCounter {
  take(n: number): void;
}

const UNCOUNTED: NameCheckCounter = { take: () => {} };

/**
 * The first subtree of `nc` whose base is malformed (RFC 5280 4.2.1.10: an iPAddress
 * base of 8 or 32 octets with a contiguous mask; dNSName, rfc822Name and URI bases of
 * valid syntax), or undefined. The profiles reject a certificate carrying one.
 */
export function malformedSubtree(nc: NameConstraints): GeneralSubtree | undefined {
  return [...(nc.permitted ?? []), ...(nc.excluded ?? [])].find((st) => !wellFormedBase(st.base));
}

// ---------------------------------------------------------------------------
// Syntax of names and subtree bases

/** `host` equals `domain` or lies below it; the empty domain is the root and holds every host. */
function inDomain(host: string, domain: string): boolean {
  return domain === "" || host === domain || host.endsWith("." + domain);
}

/** `host` lies strictly below `domain`. */
function belowDomain(host: string, domain: string): boolean {
  return host !== domain && inDomain(host, domain);
}

/** A mailbox `local@host` (RFC 5280 4.2.1.6: an RFC 5321 Mailbox), host lower-cased. */
function parseMailbox(v: string): { local: string; host: string } | undefined {
  const at = v.lastIndexOf("@");
  const local = v.slice(0, at);
  const host = v.slice(at + 1).toLowerCase();
  return at > 0 && isMailboxLocalPart(local) && isHostName(host) ? { local, host } : undefined;
}

/**
 * The host of a URI (RFC 3986 3.2.2), lower-cased, when the URI has an authority
 * whose host is a domain name; undefined otherwise (no authority, IP literal).
 */
function uriHost(uri: string): string | undefined {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(uri);
  if (!m) return undefined;
  const authority = m[1]!;
  const host = authority
    .slice(authority.lastIndexOf("@") + 1) // drop userinfo
    .replace(/:\d*$/, "") // drop the port
    .toLowerCase();
  if (host.startsWith("[") || /^\d+\.\d+\.\d+\.\d+$/.test(host)) return undefined; // IP literal
  return isHostName(host) ? host : undefined;
}

/**
 * RFC 5280 4.2.1.10 dNSName subtree: `example.com` holds that host and every name
 * formed by adding labels on the left; `.example.com` only the names below it.
 */
interface DnsSubtree {
  readonly domain: string;
  readonly strict: boolean;
}

function parseDnsSubtree(v: string): DnsSubtree | undefined {
  const s = v.toLowerCase();
  const strict = s.startsWith(".");
  const domain = strict ? s.slice(1) : s;
  return domain === "" || isHostName(domain) ? { domain, strict } : undefined;
}

/**
 * RFC 5280 4.2.1.10 rfc822Name and uniformResourceIdentifier subtrees: a single
 * mailbox (rfc822 only), every name at exactly one host (`example.com`), or every
 * name at a host below a domain (`.example.com`, which excludes `example.com` itself).
 */
type HostSubtree =
  | { readonly type: "mailbox"; readonly local: string; readonly host: string }
  | { readonly type: "host"; readonly host: string }
  | { readonly type: "domain"; readonly domain: string };

function parseHostSubtree(v: string, allowMailbox: boolean): HostSubtree | undefined {
  if (v.includes("@")) {
    const mb = allowMailbox ? parseMailbox(v) : undefined;
    return mb && { type: "mailbox", ...mb };
  }
  const s = v.toLowerCase();
  if (s.startsWith(".")) return isHostName(s.slice(1)) ? { type: "domain", domain: s.slice(1) } : undefined;
  return isHostName(s) ? { type: "host", host: s } : undefined;
}

/** Whether the name `local@host` (local undefined: a URI host) lies in the subtree. */
function hostSubtreeHas(t: HostSubtree, local: string | undefined, host: string): boolean {
  switch (t.type) {
    case "mailbox": // RFC 5280 7.5: local part exact, host case-insensitive
      return local === t.local && host === t.host;
    case "host":
      return host === t.host;
    case "domain":
      return belowDomain(host, t.domain);
  }
}

/**
 * Bases of a subtree: 8 bytes (IPv4) or 32 bytes (IPv6), address then mask (RFC 5280
 * 4.2.1.10), the mask contiguous ones then zeros (the "CIDR notation" the section cites).
 * A non-contiguous mask is malformed: read as a prefix length (what some decoders do) it
 * would silently describe another range.
 */
function isIpSubtree(b: Uint8Array): boolean {
  if (b.length !== 8 && b.length !== 32) return false;
  let zeroSeen = false;
  for (let i = b.length / 2; i < b.length; i++) {
    for (let bit = 7; bit >= 0; bit--) {
      const one = (b[i]! >> bit) & 1;
      if (one && zeroSeen) return false;
      if (!one) zeroSeen = true;
    }
  }
  return true;
}

/** Verdicts of wellFormedBase by base object (parsed certificates are cached, so their subtrees repeat across calls). */
const wellFormed = new WeakMap<GeneralName, boolean>();

/** A subtree base we can interpret; a malformed one is a constraint that cannot be satisfied. */
export function wellFormedBase(b: GeneralName): boolean {
  let ok = wellFormed.get(b);
  if (ok === undefined) wellFormed.set(b, (ok = checkBase(b)));
  return ok;
}

function checkBase(b: GeneralName): boolean {
  switch (b.kind) {
    case "dNSName":
      return parseDnsSubtree(b.value) !== undefined;
    case "rfc822Name":
      return parseHostSubtree(b.value, true) !== undefined;
    case "uniformResourceIdentifier":
      return parseHostSubtree(b.value, false) !== undefined;
    case "iPAddress":
      return isIpSubtree(b.bytes);
    default:
      return true;
  }
}

/** RFC 5280 4.2.1.10: minimum MUST be zero and maximum MUST be absent; anything else is not interpreted. */
function usable(st: GeneralSubtree): boolean {
  return st.minimum === 0 && st.maximum === undefined && wellFormedBase(st.base);
}

// ---------------------------------------------------------------------------
// Subtree algebra for 6.1.4 (g)

/** Identity of a base, to recognise the same subtree twice. */
function baseKey(b: GeneralName): string {
  switch (b.kind) {
    case "directoryName":
      return `dn:${b.name.key}`;
    case "iPAddress":
      return `ip:${Buffer.from(b.bytes).toString("hex")}`;
    case "otherName":
      return `other:${b.typeId}:${b.valueHex}`;
    case "x400Address":
    case "ediPartyName":
      return b.kind;
    default:
      return `${b.kind}:${b.value}`;
  }
}

/** Subtree `a` is contained in subtree `b` (same form; both well formed). */
function subtreeWithin(a: GeneralName, b: GeneralName): boolean {
  checkpoint(); // the call's deadline (issue 10 item 3): subtrees x subtrees comparisons
  if (a.kind === "directoryName" && b.kind === "directoryName") return dnWithin(a.name, b.name);
  if (a.kind === "dNSName" && b.kind === "dNSName") {
    const x = parseDnsSubtree(a.value);
    const y = parseDnsSubtree(b.value);
    if (!x || !y) return false;
    // A strict subtree only holds an inclusive one that lies strictly below it.
    return y.strict && !x.strict ? belowDomain(x.domain, y.domain) : inDomain(x.domain, y.domain);
  }
  if (
    (a.kind === "rfc822Name" && b.kind === "rfc822Name") ||
    (a.kind === "uniformResourceIdentifier" && b.kind === "uniformResourceIdentifier")
  ) {
    const x = parseHostSubtree(a.value, a.kind === "rfc822Name");
    const y = parseHostSubtree(b.value, b.kind === "rfc822Name");
    if (!x || !y) return false;
    if (x.type === "mailbox") return hostSubtreeHas(y, x.local, x.host);
    if (x.type === "host") return y.type !== "mailbox" && hostSubtreeHas(y, undefined, x.host);
    return y.type === "domain" && inDomain(x.domain, y.domain);
  }
  if (a.kind === "iPAddress" && b.kind === "iPAddress") {
    // b's mask bits are a subset of a's, and the addresses agree on them.
    const n = a.bytes.length / 2;
    if (b.bytes.length !== a.bytes.length) return false;
    for (let i = 0; i < n; i++) {
      const mb = b.bytes[n + i]!;
      if (mb & ~a.bytes[n + i]! || (a.bytes[i]! ^ b.bytes[i]!) & mb) return false;
    }
    return true;
  }
  // Forms we do not interpret: only identical subtrees are known to be nested.
  return a.kind === b.kind && baseKey(a) === baseKey(b);
}

/** The intersection of two subtrees of the same form, or undefined when they are disjoint. */
function intersectSubtree(a: GeneralName, b: GeneralName): GeneralName | undefined {
  if (a.kind === "iPAddress" && b.kind === "iPAddress") {
    // {x : x&ma = a&ma} ∩ {x : x&mb = b&mb} is empty, or the range with mask ma|mb.
    if (a.bytes.length !== b.bytes.length) return undefined; // IPv4 and IPv6 never meet
    const n = a.bytes.length / 2;
    const out = new Uint8Array(2 * n);
    for (let i = 0; i < n; i++) {
      const ma = a.bytes[n + i]!;
      const mb = b.bytes[n + i]!;
      if ((a.bytes[i]! ^ b.bytes[i]!) & ma & mb) return undefined;
      out[i] = (a.bytes[i]! & ma) | (b.bytes[i]! & mb);
      out[n + i] = ma | mb;
    }
    return { kind: "iPAddress", bytes: out };
  }
  // Every other form is a tree (DN prefixes, domain suffixes, mailbox < host < domain):
  // two subtrees are either nested, and the narrower one is the intersection, or disjoint.
  if (subtreeWithin(a, b)) return a;
  if (subtreeWithin(b, a)) return b;
  return undefined;
}

/** Drops subtrees contained in another one of the list (duplicates included); keeps the first of equals. */
function minimal(list: readonly GeneralName[]): GeneralName[] {
  let out: GeneralName[] = [];
  for (const x of list) {
    if (out.some((r) => subtreeWithin(x, r))) continue;
    out = out.filter((r) => !subtreeWithin(r, x));
    out.push(x);
  }
  return out;
}

/** Identical bases once (the first kept): linear, for a form's first permitted set. */
function distinct(list: readonly GeneralName[]): GeneralName[] {
  const seen = new Set<string>();
  return list.filter((b) => {
    const k = baseKey(b);
    return seen.has(k) ? false : (seen.add(k), true);
  });
}

/** The intersection of two unions of subtrees of one form: the union of the pairwise intersections. */
function intersectSets(a: readonly GeneralName[], b: readonly GeneralName[], counter: NameCheckCounter): GeneralName[] {
  counter.take(a.length * b.length);
  const out: GeneralName[] = [];
  for (const x of a)
    for (const y of b) {
      const z = intersectSubtree(x, y);
      if (z) out.push(z);
    }
  counter.take(out.length * out.length);
  return minimal(out);
}

function byForm(subtrees: readonly GeneralSubtree[]): Map<NameForm, GeneralSubtree[]> {
  const m = new Map<NameForm, GeneralSubtree[]>();
  for (const st of subtrees) {
    const l = m.get(st.base.kind);
    if (l) l.push(st);
    else m.set(st.base.kind, [st]);
  }
  return m;
}

/** RFC 5280 6.1.4 (g): intersect permitted per name form, union excluded. Returns a new state. */
/**
 * States reached by applying a certificate's constraints to the initial state, by extension
 * object: the anchor's (or first constrained CA's) state is the same at every call, and so
 * is the index built over its lists. The work is charged all the same.
 */
const fromInitial = new WeakMap<NameConstraints, NameConstraintState>();

export function applyNameConstraints(state: NameConstraintState, nc: NameConstraints, counter: NameCheckCounter = UNCOUNTED): NameConstraintState {
  const initial = Object.keys(state.permitted).length === 0 && Object.keys(state.excluded).length === 0 && state.excludedAll.length === 0;
  if (initial) {
    const cached = fromInitial.get(nc);
    if (cached) {
      // The same charges as the first time: each permitted form's subtrees, then the excluded ones.
      for (const subtrees of byForm(nc.permitted ?? []).values()) counter.take(subtrees.filter(usable).length);
      counter.take(nc.excluded?.length ?? 0);
      return cached;
    }
    const fresh = applyUncached(state, nc, counter);
    fromInitial.set(nc, fresh);
    return fresh;
  }
  return applyUncached(state, nc, counter);
}

function applyUncached(state: NameConstraintState, nc: NameConstraints, counter: NameCheckCounter): NameConstraintState {
  const permitted: Partial<Record<NameForm, readonly GeneralName[]>> = { ...state.permitted };
  const excluded: Partial<Record<NameForm, readonly GeneralName[]>> = { ...state.excluded };
  const excludedAll = new Set(state.excludedAll);
  // RFC 5280 6.1.4 (g)(1): intersect form by form; forms absent from permittedSubtrees are unchanged.
  for (const [form, subtrees] of byForm(nc.permitted ?? [])) {
    // Unusable subtrees contribute nothing: if none is usable, no name of the form is permitted.
    const bases = subtrees.filter(usable).map((st) => st.base);
    const prev = permitted[form];
    // The first set of a form is kept as given (duplicates dropped): finding nested subtrees
    // in it would be quadratic and only saves work that the index below already avoids.
    if (prev === undefined) counter.take(bases.length);
    permitted[form] = Object.freeze(prev === undefined ? distinct(bases) : intersectSets(prev, bases, counter));
  }
  // RFC 5280 6.1.4 (g)(2): union.
  counter.take(nc.excluded?.length ?? 0);
  const added = new Map<NameForm, GeneralName[]>();
  for (const st of nc.excluded ?? []) {
    const form = st.base.kind;
    if (!usable(st)) excludedAll.add(form);
    else if (added.has(form)) added.get(form)!.push(st.base);
    else added.set(form, [...(excluded[form] ?? []), st.base]);
  }
  for (const [form, list] of added) excluded[form] = Object.freeze(list);
  return Object.freeze({
    permitted: Object.freeze(permitted),
    excluded: Object.freeze(excluded),
    excludedAll: Object.freeze([...excludedAll]),
  });
}

// ---------------------------------------------------------------------------
// Checking names, 6.1.3 (b)(c)

/** A certificate name of a processed form, decoded for matching; a string is why it is malformed. */
type Parsed =
  | { readonly kind: "directoryName"; readonly gn: Extract<GeneralName, { kind: "directoryName" }> }
  | { readonly kind: "dNSName"; readonly host: string; readonly wildcard: boolean }
  | { readonly kind: "rfc822Name"; readonly local: string; readonly host: string }
  | { readonly kind: "uniformResourceIdentifier"; readonly host: string }
  | { readonly kind: "iPAddress"; readonly bytes: Uint8Array };

function parseName(gn: GeneralName): Parsed | string {
  switch (gn.kind) {
    case "directoryName":
      return { kind: gn.kind, gn };
    case "dNSName": {
      // A leading "*" label (RFC 6125 6.4.3) stands for any one label.
      const s = gn.value.toLowerCase();
      const wildcard = s.startsWith("*.");
      const host = wildcard ? s.slice(2) : s;
      return isHostName(host) ? { kind: gn.kind, host, wildcard } : "malformed dNSName (RFC 5280 4.2.1.6)";
    }
    case "rfc822Name": {
      const mb = parseMailbox(gn.value);
      return mb ? { kind: gn.kind, ...mb } : "malformed rfc822Name: not a mailbox local-part@host (RFC 5280 4.2.1.6)";
    }
    case "uniformResourceIdentifier": {
      const host = uriHost(gn.value);
      // RFC 5280 4.2.1.10: with URI constraints in force, a URI without an authority whose host
      // is a fully qualified domain name (none at all, or an IP address) MUST be rejected.
      return host !== undefined
        ? { kind: gn.kind, host }
        : "URI has no authority with a domain-name host, required when URI constraints apply (RFC 5280 4.2.1.10)";
    }
    case "iPAddress":
      return gn.bytes.length === 4 || gn.bytes.length === 16
        ? { kind: gn.kind, bytes: gn.bytes }
        : "malformed iPAddress: neither 4 nor 16 octets (RFC 5280 4.2.1.6)";
    default: // otherName, x400Address, ediPartyName, registeredID
      return `${gn.kind} constraints are in force but this library cannot process them (RFC 5280 4.2.1.10)`;
  }
}

/**
 * Whether name `p` lies in subtree `b` (RFC 5280 4.2.1.10). With `overlap`, for
 * exclusion, a wildcard dNSName also matches when some name it stands for lies in `b`.
 */
function nameIn(p: Parsed, b: GeneralName, overlap: boolean): boolean {
  checkpoint(); // the call's deadline (issue 10 item 3): names x subtrees comparisons
  switch (p.kind) {
    case "directoryName":
      // RFC 5280 4.2.1.10 / 7.1: RDN-prefix match.
      return b.kind === "directoryName" && dnWithin(p.gn.name, b.name);
    case "dNSName": {
      const t = b.kind === "dNSName" ? parseDnsSubtree(b.value) : undefined;
      if (!t) return false;
      // "*.rest" lies in the subtree exactly when all of rest's one-label children do.
      if (p.wildcard)
        return (
          inDomain(p.host, t.domain) ||
          (overlap && !t.strict && belowDomain(t.domain, p.host) && t.domain.split(".").length === p.host.split(".").length + 1)
        );
      return t.strict ? belowDomain(p.host, t.domain) : inDomain(p.host, t.domain);
    }
    case "rfc822Name": {
      const t = b.kind === "rfc822Name" ? parseHostSubtree(b.value, true) : undefined;
      return t !== undefined && hostSubtreeHas(t, p.local, p.host);
    }
    case "uniformResourceIdentifier": {
      const t = b.kind === "uniformResourceIdentifier" ? parseHostSubtree(b.value, false) : undefined;
      return t !== undefined && hostSubtreeHas(t, undefined, p.host);
    }
    case "iPAddress": {
      // RFC 5280 4.2.1.10: address+mask of the address's own length (an IPv4 range never holds an IPv6 address).
      if (b.kind !== "iPAddress") return false;
      const n = p.bytes.length;
      if (b.bytes.length !== 2 * n) return false;
      for (let i = 0; i < n; i++) if ((p.bytes[i]! ^ b.bytes[i]!) & b.bytes[n + i]!) return false;
      return true;
    }
  }
}

// ---------------------------------------------------------------------------
// Index of a subtree list, so that checking a name costs a few map probes (one per
// label of a host name, one per RDN of a DN, one per distinct mask of an address
// range) instead of one comparison per subtree. Built once per state and list.

/** Key of the first k RDNs of a DN for each k (RFC 5280 7.1: an RDN is a set of attributes). */
function dnPrefixKeys(dn: DistinguishedName): string[] {
  const out = [""];
  let acc = "";
  for (const rdn of dn.rdns) {
    acc += "/" + JSON.stringify(rdn.map((a) => `${a.type}=${a.norm}`).sort());
    out.push(acc);
  }
  return out;
}

/** The proper suffixes of a host name, longest first: "a.b.c" -> "b.c", "c". */
function properSuffixes(host: string): string[] {
  const out: string[] = [];
  for (let i = host.indexOf("."); i >= 0; i = host.indexOf(".", i + 1)) out.push(host.slice(i + 1));
  return out;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

class SubtreeIndex {
  private readonly exact = new Map<string, GeneralName>();
  private readonly below = new Map<string, GeneralName>();
  private readonly masks = new Map<string, { mask: Uint8Array; nets: Map<string, GeneralName> }>();

  constructor(readonly list: readonly GeneralName[]) {
    const put = (m: Map<string, GeneralName>, k: string, b: GeneralName) => void (m.has(k) || m.set(k, b));
    for (const b of list) {
      checkpoint(); // the call's deadline (issue 10 item 3): one step per subtree a CA decides
      switch (b.kind) {
        case "directoryName":
          put(this.exact, dnPrefixKeys(b.name).at(-1)!, b);
          break;
        case "dNSName": {
          const t = parseDnsSubtree(b.value);
          if (!t) break;
          // inclusive "example.com": the host itself and below; strict ".example.com": below only.
          if (!t.strict) put(this.exact, t.domain, b);
          put(this.below, t.domain, b);
          break;
        }
        case "rfc822Name":
        case "uniformResourceIdentifier": {
          const t = parseHostSubtree(b.value, b.kind === "rfc822Name");
          if (!t) break;
          if (t.type === "mailbox") put(this.exact, `${t.local}@${t.host}`, b);
          else if (t.type === "host") put(this.exact, t.host, b);
          else put(this.below, t.domain, b);
          break;
        }
        case "iPAddress": {
          if (!isIpSubtree(b.bytes)) break;
          const n = b.bytes.length / 2;
          const mask = b.bytes.subarray(n);
          const k = hex(mask);
          let g = this.masks.get(k);
          if (!g) this.masks.set(k, (g = { mask, nets: new Map() }));
          put(g.nets, hex(b.bytes.subarray(0, n).map((x, i) => x & mask[i]!)), b);
          break;
        }
      }
    }
  }

  /** A subtree of the list holding `p` (with `overlap`, a wildcard also hits a subtree it meets). */
  find(p: Parsed, overlap: boolean): GeneralName | undefined {
    switch (p.kind) {
      case "directoryName": {
        for (const k of dnPrefixKeys(p.gn.name)) {
          const hit = this.exact.get(k);
          if (hit) return hit;
        }
        return undefined;
      }
      case "dNSName": {
        // Wildcards are rare and have their own rule: the plain scan.
        if (p.wildcard) return this.list.find((b) => nameIn(p, b, overlap));
        const hit = this.exact.get(p.host);
        if (hit) return hit;
        for (const d of [...properSuffixes(p.host), ""]) {
          const h = this.below.get(d);
          if (h) return h;
        }
        return undefined;
      }
      case "rfc822Name":
      case "uniformResourceIdentifier": {
        const hit = (p.kind === "rfc822Name" && this.exact.get(`${p.local}@${p.host}`)) || this.exact.get(p.host);
        if (hit) return hit;
        for (const d of properSuffixes(p.host)) {
          const h = this.below.get(d);
          if (h) return h;
        }
        return undefined;
      }
      case "iPAddress": {
        for (const { mask, nets } of this.masks.values()) {
          if (mask.length !== p.bytes.length) continue; // IPv4 ranges never hold IPv6 addresses
          const h = nets.get(hex(p.bytes.map((x, i) => x & mask[i]!)));
          if (h) return h;
        }
        return undefined;
      }
    }
  }
}

const indexes = new WeakMap<readonly GeneralName[], SubtreeIndex>();
function indexOf(list: readonly GeneralName[]): SubtreeIndex {
  let ix = indexes.get(list);
  if (!ix) indexes.set(list, (ix = new SubtreeIndex(list)));
  return ix;
}

/** parseName by name object (the names of cached certificates repeat across calls). */
const parsedNames = new WeakMap<GeneralName, Parsed | string>();

/** Why `gn` violates the state, or undefined when it does not. */
function violation(state: NameConstraintState, gn: GeneralName, counter: NameCheckCounter): string | undefined {
  const form = gn.kind;
  const permitted = state.permitted[form];
  const excluded = state.excluded[form] ?? [];
  const excludeAll = state.excludedAll.includes(form);
  // RFC 5280 4.2.1.10: restrictions apply only to the name forms they constrain.
  if (permitted === undefined && excluded.length === 0 && !excludeAll) return undefined;
  counter.take(1 + excluded.length + (permitted?.length ?? 0));
  checkpoint(); // the call's deadline (issue 10 item 3): one step per name a certificate decides
  let p = parsedNames.get(gn);
  if (p === undefined) parsedNames.set(gn, (p = parseName(gn)));
  if (typeof p === "string") return p; // unprocessed form, or a malformed name
  if (excludeAll) return `an excluded ${form} subtree cannot be interpreted, so every ${form} is excluded (RFC 5280 4.2.1.10)`;
  // RFC 5280 6.1.3 (c)
  const hit = excluded.length ? indexOf(excluded).find(p, true) : undefined;
  if (hit) return `within excluded subtree ${generalNameText(hit)} (RFC 5280 6.1.3 (c))`;
  // RFC 5280 6.1.3 (b)
  if (permitted !== undefined && !(permitted.length && indexOf(permitted).find(p, false)))
    return permitted.length === 0
      ? `no ${form} name is permitted: the permitted subtrees of the path do not intersect (RFC 5280 6.1.3 (b), 6.1.4 (g))`
      : `not within any permitted ${form} subtree (RFC 5280 6.1.3 (b))`;
  return undefined;
}

/**
 * The names RFC 5280 6.1.3 (b)(c) checks: the subject DN (unless empty), the
 * emailAddress attributes of the subject as rfc822 names (4.2.1.10; checked even
 * when a subjectAltName is present) and every subjectAltName entry.
 */
const namesOf = new WeakMap<Certificate, readonly GeneralName[]>();
function certificateNames(cert: Certificate): readonly GeneralName[] {
  let names = namesOf.get(cert);
  if (!names) namesOf.set(cert, (names = collectNames(cert)));
  return names;
}

function collectNames(cert: Certificate): GeneralName[] {
  const names: GeneralName[] = [];
  if (cert.subject.rdns.length > 0) names.push({ kind: "directoryName", name: cert.subject });
  for (const value of dnEmailAddresses(cert.subject)) names.push({ kind: "rfc822Name", value });
  names.push(...(cert.subjectAltName ?? []));
  return names;
}

/**
 * RFC 5280 6.1.3 (b)(c): check the subject DN (skip an empty subject) and every
 * subjectAltName, plus emailAddress attributes in the subject DN as rfc822 names.
 * Caller decides when to call (not for self-issued intermediates).
 */
export function checkNameConstraints(
  state: NameConstraintState,
  cert: Certificate,
  counter: NameCheckCounter = UNCOUNTED,
): { ok: true } | { ok: false; name: string; reason: string } {
  for (const gn of certificateNames(cert)) {
    const reason = violation(state, gn, counter);
    if (reason !== undefined) return { ok: false, name: generalNameText(gn), reason };
  }
  return { ok: true };
}
