// COSE / TEEP vectors of the conformance export (`certpath testsuite export`): signed
// TEEP messages (draft-ietf-teep-protocol-26, COSE_Sign1 with RFC 9360 certificate headers)
// and the verdict a verifier must reach, as CBOR and DER files plus a manifest, so an
// implementation in any language (t_cose / libteep agents, Go verifiers) can run them.
//
//   DIR/cose/manifest.json            { format: "certpath-cose-cases/1", cases: [...] }
//   DIR/cose/<case-id>/message.cbor   the COSE_Sign1_Tagged message
//   DIR/cose/<case-id>/message.hex    the same, hex
//   DIR/cose/<case-id>/anchors/NN.der the trust anchors of the signer's role
//   DIR/cose/<case-id>/certificates/NN.der  untrusted certificates known out of band (if any)
//   DIR/cose/<case-id>/case.json      this case's manifest entry
//
// Every key and certificate is generated here (deterministic from the seed); the
// messages are made with certpath's own signer (signCose1 with a KeyObject signer).
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { COSE_ALG, encodeTeep, keyObjectSigner, signCose1, SUIT_COSE_PROFILE, TEEP_CIPHER_SUITE, TEEP_DATA_ITEM, TEEP_TYPE, type CoseSign1Options } from "certpath";
import { TestPki, type Entity } from "./generate/pki.js";

export const COSE_EXPORT_FORMAT = "certpath-cose-cases/1";
export const COSE_SUITE_NAME = "cose";
export const COSE_DESCRIPTION = "COSE_Sign1 TEEP messages (draft-ietf-teep-protocol-26) signed by X.509 signers (RFC 9360), through a bridge CA with policy mappings; positive and negative";

export interface CosePolicy {
  initialPolicySet: string[];
  explicitPolicy: boolean;
  policyMappingInhibit: boolean;
  anyPolicyInhibit: boolean;
}

/** One entry of DIR/cose/manifest.json; file names are relative to DIR. */
export interface CoseCaseEntry {
  id: string;
  title: string;
  dir: string;
  message: string;
  messageHex: string;
  anchors: string[];
  certificates: string[];
  validationTime: string;
  policy: CosePolicy;
  /** RFC 9052 external_aad, hex ("" when none). */
  externalAad: string;
  /** The end-entity certificate is bound through external_aad (RFC 9360 2): external_aad = certificate DER || externalAad. */
  certificateInExternalAad: boolean;
  /** TEEP checks after the COSE ones: the message types the receiver accepts and the tokens it has outstanding (hex; empty = no token check). */
  teep: { expectTypes: number[]; outstandingTokens: string[] };
  expect: {
    valid: boolean;
    /** certpath's code for the first failure (README: COSE error codes, verify error codes, TOKEN_MISMATCH). */
    code?: string;
    /** The TEEP err-code the receiver answers with. */
    teepError?: number;
    /** The signer certificate's subject (RFC 4514 order as certpath prints it), when identified. */
    signer?: string;
  };
}

export interface CoseManifest {
  format: string;
  description: string;
  cases: CoseCaseEntry[];
}

const NOW = new Date("2025-01-01T00:00:00Z");
const DEVICE_POLICY = "1.3.6.1.4.1.55555.70.1";
const BRIDGE_POLICY = "1.3.6.1.4.1.55555.70.2";
const TAM_POLICY = "1.3.6.1.4.1.55555.70.3";
const SIGNER = "O=TAM Operator, CN=TAM Signer";
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

interface CaseBytes {
  entry: Omit<CoseCaseEntry, "dir" | "message" | "messageHex" | "anchors" | "certificates">;
  message: Uint8Array;
  anchors: Uint8Array[];
  certificates: Uint8Array[];
}

/** The cases, in manifest order. */
export async function coseCases(): Promise<CaseBytes[]> {
  const pki = new TestPki({ now: NOW, seed: "cose-vectors" });
  const deviceRoot = pki.root("CN=Device Trust Root,O=Device Maker");
  const bridge = pki.root("CN=TEE Bridge CA,O=TEE Bridge");
  const tamRoot = pki.root("CN=TAM Root,O=TAM Operator");
  const bridgeByDevice = pki.cross(deviceRoot, bridge, { extensions: { certificatePolicies: [DEVICE_POLICY], policyMappings: [[DEVICE_POLICY, BRIDGE_POLICY]] } });
  const tamRootByBridge = pki.cross(bridge, tamRoot, { extensions: { certificatePolicies: [BRIDGE_POLICY], policyMappings: [[BRIDGE_POLICY, TAM_POLICY]] } });
  const tamCa = pki.ca("CN=TAM CA,O=TAM Operator", tamRoot, { extensions: { certificatePolicies: [TAM_POLICY] } });
  const tam = (keyAlg: "p256" | "rsa2048" | "ed25519", opts: Parameters<TestPki["ee"]>[2] = {}) =>
    pki.ee("CN=TAM Signer,O=TAM Operator", tamCa, { ...opts, keyAlg, keySeed: `${keyAlg}|${opts.keySeed ?? ""}`, extensions: { certificatePolicies: [TAM_POLICY] } });
  const tamSigner = tam("p256");
  const agentRoot = pki.root("CN=Agent Root,O=Device Maker");
  const agent = pki.ee("CN=TEEP Agent 0001,O=Device Maker", agentRoot, { keyAlg: "ed25519" });
  const chainOf = (ee: Entity) => [ee.der, tamCa.der, tamRoot.der];
  const bag = [tamRootByBridge.der, bridgeByDevice.der];

  const token = new Uint8Array(16).fill(0x5a);
  const query = encodeTeep({
    type: TEEP_TYPE.QUERY_REQUEST,
    token,
    versions: [0],
    supportedTeepCipherSuites: [TEEP_CIPHER_SUITE.SIGN1_ESP256, TEEP_CIPHER_SUITE.SIGN1_ED25519],
    supportedSuitCoseProfiles: [SUIT_COSE_PROFILE.SHA256_ESP256_ECDH_A128CTR],
    dataItemRequested: TEEP_DATA_ITEM.trustedComponents,
  });
  const response = encodeTeep({ type: TEEP_TYPE.QUERY_RESPONSE, token, selectedVersion: 0, tcList: [new Map<number | string, unknown>([["component-id", [new TextEncoder().encode("wallet-ta")]]])] });
  const sign = (payload: Uint8Array, ee: Entity, alg: number, o: Partial<CoseSign1Options> = {}) =>
    signCose1(payload, { signer: keyObjectSigner(ee.key.privateKey!, alg), x5chain: chainOf(ee), x5bag: bag, ...o });

  const devicePolicy: CosePolicy = { initialPolicySet: [DEVICE_POLICY], explicitPolicy: true, policyMappingInhibit: false, anyPolicyInhibit: false };
  const anyPolicy: CosePolicy = { initialPolicySet: ["2.5.29.32.0"], explicitPolicy: false, policyMappingInhibit: false, anyPolicyInhibit: false };
  const atAgent = { expectTypes: [TEEP_TYPE.QUERY_REQUEST, TEEP_TYPE.UPDATE], outstandingTokens: [] as string[] };
  const atTam = { expectTypes: [TEEP_TYPE.QUERY_RESPONSE, TEEP_TYPE.SUCCESS, TEEP_TYPE.ERROR], outstandingTokens: [hex(token)] };
  const base = { validationTime: NOW.toISOString(), externalAad: "", certificateInExternalAad: false };
  const toAgent = (id: string, title: string, message: Uint8Array, expect: CoseCaseEntry["expect"], policy = devicePolicy): CaseBytes => ({
    entry: { id, title, ...base, policy, teep: atAgent, expect },
    message,
    anchors: [deviceRoot.der],
    certificates: [],
  });

  const good = await sign(query, tamSigner, COSE_ALG.ESP256!);
  const tampered = new Uint8Array(good);
  tampered[tampered.length - 3]! ^= 0x01;
  const expired = tam("p256", { keySeed: "expired", notBefore: -400, notAfter: -35 });
  const rogueRoot = pki.root("CN=TAM Root,O=TAM Operator", { keySeed: "rogue" });
  const rogue = pki.ee("CN=TAM Signer,O=TAM Operator", rogueRoot, { keyAlg: "p256", keySeed: "rogue", extensions: { certificatePolicies: [TAM_POLICY] } });
  const rsa = tam("rsa2048");

  const agentSign = (payload: Uint8Array) => signCose1(payload, { signer: keyObjectSigner(agent.key.privateKey!, COSE_ALG.Ed25519!), x5chain: [agent.der] });
  const toTam = (id: string, title: string, message: Uint8Array, expect: CoseCaseEntry["expect"]): CaseBytes => ({
    entry: { id, title, ...base, policy: anyPolicy, teep: atTam, expect },
    message,
    anchors: [agentRoot.der],
    certificates: [],
  });

  return [
    toAgent("tam-query-request", "QueryRequest from the TAM: x5chain protected (ending at its own root), bridge certificates in x5bag, ESP256", good, { valid: true, signer: SIGNER }),
    toAgent("tam-query-request-rs256", "the same with an RS256 (RSASSA-PKCS1-v1_5, RFC 8812) signer", await sign(query, rsa, COSE_ALG.RS256!), { valid: true, signer: SIGNER }),
    toAgent("x5t-with-unprotected-x5chain", "x5chain unprotected, the end entity named by a protected x5t (RFC 9360 2)", await sign(query, tamSigner, COSE_ALG.ESP256!, { x5chainIn: "unprotected" }), { valid: true, signer: SIGNER }),
    toAgent("unprotected-x5chain", "x5chain only in the unprotected header and no x5t: the signer is not integrity protected (RFC 9360 2)", await sign(query, tamSigner, COSE_ALG.ESP256!, { x5chainIn: "unprotected", x5t: false }), { valid: false, code: "SIGNER_NOT_PROTECTED", teepError: 6, signer: SIGNER }),
    toAgent("missing-x5bag", "no x5bag: the bridge certificates are missing, no path to the device root", await sign(query, tamSigner, COSE_ALG.ESP256!, { x5bag: undefined }), { valid: false, code: "NO_PATH", teepError: 6, signer: SIGNER }),
    toAgent("expired-tam-certificate", "the TAM signer certificate expired 35 days before the validation time", await sign(query, expired, COSE_ALG.ESP256!), { valid: false, code: "EXPIRED", teepError: 9, signer: SIGNER }),
    toAgent("untrusted-self-signed-root", "x5chain ends in a self-signed root named like the TAM root but not certified by anyone the device trusts", await signCose1(query, { signer: keyObjectSigner(rogue.key.privateKey!, COSE_ALG.ESP256!), x5chain: [rogue.der, rogueRoot.der] }), { valid: false, code: "NO_PATH", teepError: 6, signer: SIGNER }),
    toAgent("policy-mapping-inhibited", "the valid QueryRequest checked with initial-policy-mapping-inhibit: the bridge's mappings are not allowed", good, { valid: false, code: "POLICY", teepError: 6, signer: SIGNER }, { ...devicePolicy, policyMappingInhibit: true }),
    toAgent("signature-tampered", "one bit of the signature flipped", tampered, { valid: false, code: "SIGNATURE_INVALID", teepError: 6, signer: SIGNER }),
    toTam("query-response-token", "QueryResponse from the agent with the token of the outstanding QueryRequest", await agentSign(response), { valid: true, signer: "O=Device Maker, CN=TEEP Agent 0001" }),
    toTam("query-response-wrong-token", "QueryResponse whose token matches no outstanding request", await agentSign(encodeTeep({ type: TEEP_TYPE.QUERY_RESPONSE, token: new Uint8Array(16).fill(0x33), selectedVersion: 0 })), { valid: false, code: "TOKEN_MISMATCH", teepError: 1, signer: "O=Device Maker, CN=TEEP Agent 0001" }),
  ];
}

/** Writes DIR/cose/: one folder per case and the manifest. Returns the manifest. */
export async function exportCoseCases(dir: string): Promise<CoseManifest> {
  const root = join(dir, COSE_SUITE_NAME);
  rmSync(root, { recursive: true, force: true }); // a previous export's cases
  mkdirSync(root, { recursive: true });
  const manifest: CoseManifest = { format: COSE_EXPORT_FORMAT, description: COSE_DESCRIPTION, cases: [] };
  for (const c of await coseCases()) {
    const rel = `${COSE_SUITE_NAME}/${c.entry.id}`;
    const base = join(dir, rel);
    mkdirSync(join(base, "anchors"), { recursive: true });
    writeFileSync(join(base, "message.cbor"), c.message);
    writeFileSync(join(base, "message.hex"), hex(c.message) + "\n");
    const anchors = c.anchors.map((d, i) => {
      const f = `anchors/${String(i).padStart(2, "0")}.der`;
      writeFileSync(join(base, f), d);
      return `${rel}/${f}`;
    });
    if (c.certificates.length) mkdirSync(join(base, "certificates"), { recursive: true });
    const certificates = c.certificates.map((d, i) => {
      const f = `certificates/${String(i).padStart(2, "0")}.der`;
      writeFileSync(join(base, f), d);
      return `${rel}/${f}`;
    });
    const entry: CoseCaseEntry = { ...c.entry, dir: rel, message: `${rel}/message.cbor`, messageHex: `${rel}/message.hex`, anchors, certificates };
    writeFileSync(join(base, "case.json"), JSON.stringify(entry, null, 1) + "\n");
    manifest.cases.push(entry);
  }
  writeFileSync(join(root, "manifest.json"), JSON.stringify(manifest, null, 1) + "\n");
  return manifest;
}
