// The TAM round trip of issue 15 ("Done when"): the TAM signs a QueryRequest with a
// non-extractable WebCrypto key and its x5chain; the agent verifies it against its TAM anchor
// through a bridge CA; the agent answers with a QueryResponse signed by its own key; the TAM
// verifies it against its agent anchors, matches the token and reads the tc-list; an Update
// and a Success follow. Then the replays and forgeries a TAM must refuse.
import { beforeAll, describe, expect, it } from "vitest";
import { webcrypto } from "node:crypto";
import {
  COSE_ALG,
  cryptoKeySigner,
  keyObjectSigner,
  signTeep,
  SUIT_COSE_PROFILE,
  TEEP_CIPHER_SUITE,
  TEEP_DATA_ITEM,
  TEEP_TYPE,
  TeepTokenTracker,
  TeepTrustAnchors,
  verifyTeep,
  type CoseSigner,
  type TeepMessageBody,
} from "../../src/index.js";
import type { Entity } from "../../testsuite/src/generate/pki.js";
import { devicePolicy, NOW, TAM_POLICY, teepWorld } from "./helpers.js";

const w = teepWorld("tam-round-trip");
const cid = (s: string) => [new TextEncoder().encode(s)];

// The agent's identity: its own root and device certificate (an Ed25519 KeyObject key).
const agentDevice = w.pki.ee("CN=TEEP Agent 0001,O=Device Maker", w.agentRoot, { keyAlg: "ed25519" });

// The agent holds TAM anchors (its device root: the TAM is reached through the bridge);
// the TAM holds agent anchors.
const agentSide = new TeepTrustAnchors();
agentSide.tam.add(w.deviceRoot.pem);
const tamSide = new TeepTrustAnchors();
tamSide.agent.add(w.agentRoot.pem);

let tamSigner: CoseSigner;
let tamCert: Entity;

beforeAll(async () => {
  const pair = (await webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
  const spki = new Uint8Array(await webcrypto.subtle.exportKey("spki", pair.publicKey));
  tamCert = w.pki.ee("CN=TAM Signer,O=TAM Operator", w.tamCa, { key: { alg: "p256", spki }, extensions: { certificatePolicies: [TAM_POLICY] } });
  tamSigner = cryptoKeySigner(pair.privateKey);
  expect(pair.privateKey.extractable).toBe(false);
});

const tamSign = (m: TeepMessageBody) => signTeep(m, { signer: tamSigner, x5chain: w.chainOf(tamCert), x5bag: w.bag });
const agentSign = (m: TeepMessageBody) => signTeep(m, { signer: keyObjectSigner(agentDevice.key.privateKey!, COSE_ALG.Ed25519!), x5chain: [agentDevice.der] });
const agentVerify = (msg: Uint8Array) => verifyTeep(msg, { anchors: agentSide.tam, policy: devicePolicy, time: NOW, expect: [TEEP_TYPE.QUERY_REQUEST, TEEP_TYPE.UPDATE] });

describe("TAM round trip: QueryRequest -> QueryResponse -> Update -> Success", () => {
  it("runs end to end with tokens matched and the tc-list read", async () => {
    const tokens = new TeepTokenTracker();
    const tamVerify = (msg: Uint8Array) => verifyTeep(msg, { anchors: tamSide.agent, time: NOW, expect: [TEEP_TYPE.QUERY_RESPONSE, TEEP_TYPE.SUCCESS, TEEP_TYPE.ERROR], tokens });

    // 1. TAM -> agent: QueryRequest (token: no attestation requested).
    const queryToken = tokens.issue(TEEP_TYPE.QUERY_REQUEST);
    const query = await tamSign({
      type: TEEP_TYPE.QUERY_REQUEST,
      token: queryToken,
      versions: [0],
      supportedTeepCipherSuites: [TEEP_CIPHER_SUITE.SIGN1_ESP256, TEEP_CIPHER_SUITE.SIGN1_ED25519],
      supportedSuitCoseProfiles: [SUIT_COSE_PROFILE.SHA256_ESP256_ECDH_A128CTR],
      dataItemRequested: TEEP_DATA_ITEM.trustedComponents,
    });

    // 2. The agent verifies it against its TAM anchor, through the bridge.
    const atAgent = await agentVerify(query);
    expect(atAgent.error).toBeUndefined();
    expect(atAgent.message!.type).toBe(TEEP_TYPE.QUERY_REQUEST);
    expect(atAgent.cose.algName).toBe("ESP256");
    expect(atAgent.cose.signer!.path.map((p) => p.subject)).toEqual([
      "O=TAM Operator, CN=TAM Signer",
      "O=TAM Operator, CN=TAM CA",
      "O=TAM Operator, CN=TAM Root",
      "O=TEE Bridge, CN=TEE Bridge CA",
      "O=Device Maker, CN=Device Trust Root",
    ]);

    // 3. agent -> TAM: QueryResponse with the request's token and its tc-list.
    const response = await agentSign({
      type: TEEP_TYPE.QUERY_RESPONSE,
      token: atAgent.message!.token,
      selectedVersion: 0,
      tcList: [new Map<number | string, unknown>([["component-id", cid("wallet-ta")]])],
      requestedTcList: [{ componentId: cid("payments-ta") }],
    });

    // 4. The TAM verifies it against its agent anchors, matches the token, reads the tc-list.
    const atTam = await tamVerify(response);
    expect(atTam.error).toBeUndefined();
    expect(atTam.request!.requestType).toBe(TEEP_TYPE.QUERY_REQUEST);
    expect(Buffer.from(atTam.request!.token).equals(Buffer.from(queryToken))).toBe(true);
    const qr = atTam.message as Extract<TeepMessageBody, { type: 2 }>;
    expect(qr.tcList!.map((c) => new TextDecoder().decode((c.get("component-id") as Uint8Array[])[0]))).toEqual(["wallet-ta"]);
    expect(qr.requestedTcList!.map((r) => new TextDecoder().decode(r.componentId[0]))).toEqual(["payments-ta"]);
    expect(atTam.cose.signer!.subject).toBe("O=Device Maker, CN=TEEP Agent 0001");

    // 5. TAM -> agent: Update installing the requested component.
    const updateToken = tokens.issue(TEEP_TYPE.UPDATE);
    const update = await tamSign({ type: TEEP_TYPE.UPDATE, token: updateToken, manifestList: [new Uint8Array([0xa1, 0x02, 0x41, 0x00])] });
    const updAtAgent = await agentVerify(update);
    expect(updAtAgent.error).toBeUndefined();
    expect(updAtAgent.message!.type).toBe(TEEP_TYPE.UPDATE);

    // 6. agent -> TAM: Success.
    const success = await agentSign({ type: TEEP_TYPE.SUCCESS, token: updAtAgent.message!.token, msg: "installed payments-ta" });
    const done = await tamVerify(success);
    expect(done.error).toBeUndefined();
    expect([done.message!.type, done.request!.requestType, tokens.size]).toEqual([TEEP_TYPE.SUCCESS, TEEP_TYPE.UPDATE, 0]);

    // A replayed response (its token was used) and a response with an unknown token are refused.
    const replay = await tamVerify(response);
    expect([replay.valid, replay.error!.code, replay.error!.teepError, replay.error!.field]).toEqual([false, "TOKEN_MISMATCH", 1, "token"]);
    const stray = await tamVerify(await agentSign({ type: TEEP_TYPE.SUCCESS, token: new Uint8Array(16).fill(1) }));
    expect([stray.error!.code, stray.error!.message]).toEqual(["TOKEN_MISMATCH", "Success: token 01010101010101010101010101010101 matches no outstanding request"]);
  });

  it("the agent refuses a QueryResponse sent to it (wrong type) and a TAM message under an inhibited policy mapping", async () => {
    const r = await agentVerify(await tamSign({ type: TEEP_TYPE.QUERY_RESPONSE, token: new Uint8Array(8) }));
    expect([r.error!.code, r.error!.teepError]).toEqual(["UNEXPECTED_TEEP_TYPE", 1]);
    const q = await tamSign({ type: TEEP_TYPE.UPDATE, token: new Uint8Array(8) });
    const inhibited = await verifyTeep(q, { anchors: agentSide.tam, policy: { ...devicePolicy, policyMappingInhibit: true }, time: NOW });
    expect([inhibited.error!.code, inhibited.error!.teepError]).toEqual(["POLICY", 6]);
  });

  it("the TAM refuses a response signed by a device it has no anchor for (ERR_BAD_CERTIFICATE)", async () => {
    const strangerRoot = w.pki.root("CN=Agent Root,O=Device Maker", { keySeed: "stranger" });
    const stranger = w.pki.ee("CN=TEEP Agent 0001,O=Device Maker", strangerRoot, { keyAlg: "ed25519", keySeed: "stranger" });
    const tokens = new TeepTokenTracker();
    const t = tokens.issue();
    const msg = await signTeep({ type: TEEP_TYPE.QUERY_RESPONSE, token: t }, { signer: keyObjectSigner(stranger.key.privateKey!, COSE_ALG.Ed25519!), x5chain: [stranger.der, strangerRoot.der] });
    const r = await verifyTeep(msg, { anchors: tamSide.agent, time: NOW, tokens });
    expect([r.valid, r.error!.teepError, tokens.size]).toEqual([false, 6, 1]);
  });
});

describe("examples/teep-tam-round-trip.mjs (compiled dist/, built by `npm test` before vitest)", () => {
  it("prints the round trip and the refused replay", async () => {
    const { spawnSync } = await import("node:child_process");
    const { fileURLToPath } = await import("node:url");
    const root = fileURLToPath(new URL("../..", import.meta.url));
    const r = spawnSync(process.execPath, ["examples/teep-tam-round-trip.mjs"], { cwd: root, encoding: "utf8", timeout: 60_000 });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout.replace(/token [0-9a-f]{32}/, "token <random>").trimEnd().split("\n")).toEqual([
      "agent: valid QueryRequest (ESP256) from O=TAM Operator, CN=TAM Signer",
      "  path: O=TAM Operator, CN=TAM Signer <- O=TAM Operator, CN=TAM CA <- O=TAM Operator, CN=TAM Root <- O=TEE Bridge, CN=TEE Bridge CA <- O=Device Maker, CN=Device Trust Root",
      "TAM: valid QueryResponse (Ed25519) from O=Device Maker, CN=TEEP Agent 0001",
      "  token matched a QueryRequest; tc-list: wallet-ta; requested: payments-ta",
      "agent: valid Update (ESP256) from O=TAM Operator, CN=TAM Signer",
      "TAM: valid Success (Ed25519) from O=Device Maker, CN=TEEP Agent 0001",
      "  outstanding tokens: 0",
      "TAM (replay): rejected, TOKEN_MISMATCH -> TEEP err-code 1: QueryResponse: token <random> matches no outstanding request",
    ]);
  });
});
