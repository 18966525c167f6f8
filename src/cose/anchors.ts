// Trust anchor stores per role (RFC 9397 4 and 5: a TEE trusts TAMs and Trusted Component
// Signers; a TAM trusts TEEs / TEEP Agents; a Relying Party trusts Verifiers), each loaded
// from PEM files, DER certificates, RFC 5914 TrustAnchorInfo / TrustAnchorChoice, or a
// bare SubjectPublicKeyInfo. Certificates and TrustAnchorInfos are path-validation
// anchors; an SPKI is a raw-key anchor (a signer trusted directly, identified by kid or
// tried in turn), and also a path anchor when given a subject name.
import { readFileSync } from "node:fs";
import type { Input, NameAndKey, Verifier, VerifierConfig } from "../api/types.js";
import { createVerifier } from "../api/verifier.js";
import { DerReader, looksLikePem } from "../parsing/der.js";
import { scanPem } from "../parsing/pem.js";
import { parseTrustAnchors, publicKeyFromSpki } from "../parsing/trust-anchor.js";
import { coseKeyThumbprint } from "./thumbprint.js";
import { toHex } from "./cbor.js";

export interface RawKeyAnchor {
  /** DER SubjectPublicKeyInfo. */
  readonly spki: Uint8Array;
  /** The kid a message names this key with; the RFC 9679 thumbprint always matches too. */
  readonly kid?: Uint8Array;
  /** RFC 9679 SHA-256 thumbprint. */
  readonly thumbprint: Uint8Array;
  readonly label: string;
}

export interface SpkiAnchorOptions {
  /** Also a path-validation anchor with this name ("C=US, O=Example, CN=Root" or DER Name). */
  subject?: string | Uint8Array;
  kid?: Uint8Array;
  label?: string;
}


function pemText(input: Uint8Array | string): string | undefined {
  if (typeof input === "string") return input;
  return looksLikePem(input) ? Buffer.from(input).toString("latin1") : undefined;
}

/** A bare SubjectPublicKeyInfo: SEQUENCE { SEQUENCE algorithm, BIT STRING } (RFC 5280 4.1.2.7), by the DER reader. */
function isSpki(der: Uint8Array): boolean {
  try {
    const r = DerReader.only(der, 0x30, "SubjectPublicKeyInfo");
    r.next(0x30, "algorithm");
    r.next(0x03, "subjectPublicKey");
    return r.done;
  } catch {
    return false;
  }
}

/** The trust anchors of one role. */
export class CoseTrustAnchorStore {
  private readonly anchors: (Input | NameAndKey)[] = [];
  private readonly raw: RawKeyAnchor[] = [];
  private prepared?: Verifier;

  constructor(readonly name = "trust anchors") {}

  /**
   * A prepared verifier (createVerifier) over this store's path anchors, built on first use
   * and rebuilt after the store changes: the COSE door validates signer paths with it
   * instead of re-parsing the anchors on every message. `config` (revocation, fetch policy,
   * ...) makes a separate verifier the caller keeps.
   */
  pathVerifier(config?: Omit<VerifierConfig, "trustAnchors">): Verifier {
    if (config) return createVerifier({ ...config, trustAnchors: [...this.anchors] });
    this.prepared ??= createVerifier({ trustAnchors: [...this.anchors] });
    return this.prepared;
  }

  /** Path-validation anchors, as `verify` takes them. */
  get trustAnchors(): readonly (Input | NameAndKey)[] {
    return this.anchors;
  }

  /** Raw public keys trusted directly. */
  get rawKeys(): readonly RawKeyAnchor[] {
    return this.raw;
  }

  get size(): number {
    return this.anchors.length + this.raw.length;
  }

  /** One or more certificates (DER, or PEM with CERTIFICATE blocks). */
  addCertificate(input: Input, label = `${this.name}[${this.size}]`): this {
    parseTrustAnchors(input, label); // throws MalformedError on bad input
    this.anchors.push(input);
    this.prepared = undefined;
    return this;
  }

  /** An RFC 5914 TrustAnchorInfo or TrustAnchorChoice (DER, or PEM "TRUST ANCHOR"). */
  addTrustAnchorInfo(input: Input, label = `${this.name}[${this.size}]`): this {
    return this.addCertificate(input, label);
  }

  /** A `{ subject, publicKey }` path anchor (RFC 5280 6.1.1 (d)). */
  addNameAndKey(a: NameAndKey, label = `${this.name}[${this.size}]`): this {
    parseTrustAnchors(a, label);
    this.anchors.push(a);
    this.prepared = undefined;
    return this;
  }

  /** A raw public key (DER SPKI or PEM "PUBLIC KEY"); with `subject`, also a path anchor. */
  addSpki(input: Input, opts: SpkiAnchorOptions = {}): this {
    const label = opts.label ?? `${this.name}[${this.size}]`;
    const text = pemText(input);
    const ders = text !== undefined ? scanPem(text).filter((b) => b.label === "PUBLIC KEY").map((b) => new Uint8Array(Buffer.from(b.body.replace(/\s/g, ""), "base64"))) : [input as Uint8Array];
    if (ders.length === 0) throw new TypeError(`${label}: no PEM block labelled PUBLIC KEY`);
    for (const spki of ders) {
      publicKeyFromSpki(spki, label); // throws MalformedError on a bad key
      this.raw.push(Object.freeze({ spki, kid: opts.kid, thumbprint: coseKeyThumbprint(spki), label }));
      if (opts.subject !== undefined) this.addNameAndKey({ subject: opts.subject, publicKey: spki }, label);
    }
    return this;
  }

  /**
   * Anything a trust anchor file may hold: PEM (CERTIFICATE, TRUSTED CERTIFICATE, TRUST
   * ANCHOR and PUBLIC KEY blocks, in any mix) or one DER object (certificate,
   * TrustAnchorInfo, TrustAnchorChoice or SubjectPublicKeyInfo).
   */
  add(input: Input, label = `${this.name}[${this.size}]`): this {
    const text = pemText(input);
    if (text === undefined) {
      const der = input as Uint8Array;
      return isSpki(der) ? this.addSpki(der, { label }) : this.addCertificate(der, label);
    }
    let n = 0;
    for (const b of scanPem(text)) {
      const block = b.text;
      const l = `${label}#${n++}`;
      if (b.label === "PUBLIC KEY") this.addSpki(block, { label: l });
      else if (["CERTIFICATE", "TRUSTED CERTIFICATE", "X509 CERTIFICATE"].includes(b.label)) this.addCertificate(block, l);
      else if (b.label === "TRUST ANCHOR") this.addTrustAnchorInfo(block, l);
    }
    if (n === 0) throw new TypeError(`${label}: no PEM block`);
    return this;
  }

  /** Reads trust anchor files (PEM or DER) into the store. */
  addFiles(...paths: string[]): this {
    for (const p of paths) this.add(new Uint8Array(readFileSync(p)), p);
    return this;
  }

  static fromFiles(name: string, ...paths: string[]): CoseTrustAnchorStore {
    return new CoseTrustAnchorStore(name).addFiles(...paths);
  }

  /** Raw keys a message may be signed with: those whose kid or thumbprint equals `kid`, or all when no kid. */
  rawKeysFor(kid?: Uint8Array): readonly RawKeyAnchor[] {
    if (!kid) return this.raw;
    const hex = toHex(kid);
    return this.raw.filter((r) => (r.kid && toHex(r.kid) === hex) || toHex(r.thumbprint) === hex);
  }
}

/** TEEP roles that hold trust anchors (RFC 9397 4, 5; RFC 9334 for Verifiers). */
export type TeepRole = "tam" | "agent" | "trustedComponentSigner" | "verifier";

export const TEEP_ROLES: readonly TeepRole[] = ["tam", "agent", "trustedComponentSigner", "verifier"];

const ROLE_NAMES: Record<TeepRole, string> = {
  tam: "TAM signers",
  agent: "TEE / TEEP Agent signers",
  trustedComponentSigner: "Trusted Component Signers",
  verifier: "Verifier keys",
};

/** One store per role: a message is only ever checked against the store of the role it claims. */
export class TeepTrustAnchors {
  /** Anchors for TAM-signed TEEP messages (held by a TEEP Agent). */
  readonly tam = new CoseTrustAnchorStore(ROLE_NAMES.tam);
  /** Anchors for TEE / TEEP Agent-signed messages and Evidence (held by a TAM). */
  readonly agent = new CoseTrustAnchorStore(ROLE_NAMES.agent);
  /** Anchors for SUIT manifests of Trusted Components (held by a TEE). */
  readonly trustedComponentSigner = new CoseTrustAnchorStore(ROLE_NAMES.trustedComponentSigner);
  /** Keys of Verifiers whose Attestation Results are accepted. */
  readonly verifier = new CoseTrustAnchorStore(ROLE_NAMES.verifier);

  for(role: TeepRole): CoseTrustAnchorStore {
    if (!TEEP_ROLES.includes(role)) throw new TypeError(`unknown TEEP role ${String(role)}`);
    return this[role];
  }

  /** The prepared verifier of one role (see CoseTrustAnchorStore.pathVerifier). */
  verifierFor(role: TeepRole, config?: Omit<VerifierConfig, "trustAnchors">): Verifier {
    return this.for(role).pathVerifier(config);
  }

  /** Loads each role's files (PEM or DER: certificates, TrustAnchorInfo, SPKI). */
  static fromFiles(files: Partial<Record<TeepRole, string[]>>): TeepTrustAnchors {
    const t = new TeepTrustAnchors();
    for (const role of TEEP_ROLES) t[role].addFiles(...(files[role] ?? []));
    return t;
  }
}
