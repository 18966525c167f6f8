// Shared fixtures of the COSE tests: a device domain, a bridge CA with policy mappings and
// a TAM domain (as in examples/teep-query-request.mjs), generated here, and helpers that
// sign messages with the signing utility and check the TEEP side of a failure.
import { expect } from "vitest";
import { TestPki, type Entity, type KeyAlg } from "../../testsuite/src/generate/pki.js";
import {
  COSE_HEADER,
  coseSign1,
  encodeQueryRequest,
  FRESHNESS,
  SUIT_COSE_PROFILE,
  TEEP_CIPHER_SUITE,
  TEEP_DATA_ITEM,
  TeepTrustAnchors,
  x5,
  type CoseErrorCode,
  type CoseVerifyResult,
  type HeaderInput,
  type Label,
} from "../../src/index.js";

export const NOW = new Date("2025-01-01T00:00:00Z");
export const DEVICE_POLICY = "1.3.6.1.4.1.55555.70.1";
export const BRIDGE_POLICY = "1.3.6.1.4.1.55555.70.2";
export const TAM_POLICY = "1.3.6.1.4.1.55555.70.3";
export const devicePolicy = { initialPolicySet: [DEVICE_POLICY], explicitPolicy: true };

export interface TeepWorld {
  pki: TestPki;
  deviceRoot: Entity;
  bridge: Entity;
  tamRoot: Entity;
  bridgeByDevice: Entity;
  tamRootByBridge: Entity;
  tamCa: Entity;
  tamSigner: Entity;
  agentRoot: Entity;
  anchors: TeepTrustAnchors;
  /** ee -> the full candidate chain the TAM sends in x5chain (ending at its self-signed root). */
  chainOf: (ee: Entity) => Uint8Array[];
  /** The bridge cross-certificates, for x5bag. */
  bag: Uint8Array[];
  /** A TAM end entity with its own key of `alg`. */
  signer: (alg: KeyAlg, name?: string, opts?: Parameters<TestPki["ee"]>[2]) => Entity;
}

export function teepWorld(seed = "cose-tests"): TeepWorld {
  const pki = new TestPki({ now: NOW, seed });
  const deviceRoot = pki.root("CN=Device Trust Root,O=Device Maker");
  const bridge = pki.root("CN=TEE Bridge CA,O=TEE Bridge");
  const tamRoot = pki.root("CN=TAM Root,O=TAM Operator");
  const bridgeByDevice = pki.cross(deviceRoot, bridge, {
    extensions: { certificatePolicies: [DEVICE_POLICY], policyMappings: [[DEVICE_POLICY, BRIDGE_POLICY]] },
  });
  const tamRootByBridge = pki.cross(bridge, tamRoot, {
    extensions: { certificatePolicies: [BRIDGE_POLICY], policyMappings: [[BRIDGE_POLICY, TAM_POLICY]] },
  });
  const tamCa = pki.ca("CN=TAM CA,O=TAM Operator", tamRoot, { extensions: { certificatePolicies: [TAM_POLICY] } });
  const signer = (alg: KeyAlg, name = "CN=TAM Signer,O=TAM Operator", opts: Parameters<TestPki["ee"]>[2] = {}) =>
    pki.ee(name, tamCa, { ...opts, keyAlg: alg, keySeed: `${alg}|${opts.keySeed ?? ""}`, extensions: { certificatePolicies: [TAM_POLICY], ...opts.extensions } });
  const tamSigner = signer("p256");
  const agentRoot = pki.root("CN=Agent Root,O=Device Maker");
  const anchors = new TeepTrustAnchors();
  anchors.tam.add(deviceRoot.pem);
  anchors.agent.add(agentRoot.der);
  return {
    pki,
    deviceRoot,
    bridge,
    tamRoot,
    bridgeByDevice,
    tamRootByBridge,
    tamCa,
    tamSigner,
    agentRoot,
    anchors,
    chainOf: (ee) => [ee.der, tamCa.der, tamRoot.der],
    bag: [tamRootByBridge.der, bridgeByDevice.der],
    signer,
  };
}

export const queryRequest = () =>
  encodeQueryRequest({
    challenge: new Uint8Array(16).fill(0xa5),
    versions: [0],
    supportedFreshnessMechanisms: [FRESHNESS.NONCE],
    supportedTeepCipherSuites: [TEEP_CIPHER_SUITE.SIGN1_ESP256, TEEP_CIPHER_SUITE.SIGN1_ED25519],
    supportedSuitCoseProfiles: [SUIT_COSE_PROFILE.SHA256_ESP256_ECDH_A128CTR],
    dataItemRequested: TEEP_DATA_ITEM.attestation | TEEP_DATA_ITEM.trustedComponents,
  });

const H = COSE_HEADER;
export const hx5chain = (ders: Uint8Array[]): [Label, unknown] => [H.x5chain, x5(ders)];
export const hx5bag = (ders: Uint8Array[]): [Label, unknown] => [H.x5bag, x5(ders)];

/** A COSE_Sign1 by `ee` with its chain protected and the bridge certificates in an unprotected x5bag. */
export function signedBy(w: TeepWorld, ee: Entity, alg: number, opts: { protected?: HeaderInput; unprotected?: HeaderInput; payload?: Uint8Array } = {}): Uint8Array {
  return coseSign1(opts.payload ?? queryRequest(), ee.key, alg, {
    protected: opts.protected ?? [hx5chain(w.chainOf(ee))],
    unprotected: opts.unprotected ?? [hx5bag(w.bag)],
  });
}

export function expectValid(r: CoseVerifyResult): void {
  expect(r.error, r.error ? `${r.error.code}: ${r.error.message}` : "").toBeUndefined();
  expect(r.valid).toBe(true);
  expect(r.payload).toBeInstanceOf(Uint8Array);
  expect(r.thumbprint).toBeInstanceOf(Uint8Array);
}

/** The failure contract: code, TEEP err-code, err-msg (1..128 bytes) naming `subject` when given. */
export function expectFailure(r: CoseVerifyResult, code: CoseErrorCode, teep: 1 | 5 | 6 | 9, subject?: string, certIndex?: number): void {
  expect(r.valid).toBe(false);
  expect(r.payload).toBeUndefined();
  expect(r.thumbprint).toBeUndefined();
  expect(r.error, "an error is reported").toBeDefined();
  const e = r.error!;
  expect(`${e.code}: ${e.message}`).toMatch(new RegExp(`^${code}: `));
  expect(e.teepError).toBe(teep);
  const bytes = Buffer.byteLength(e.errMsg, "utf8");
  expect(bytes).toBeGreaterThan(0);
  expect(bytes).toBeLessThanOrEqual(128);
  if (subject !== undefined) {
    expect(e.subject).toBe(subject);
    expect(e.errMsg).toContain(subject);
  }
  if (certIndex !== undefined) expect(e.certIndex).toBe(certIndex);
}
