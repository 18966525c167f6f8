// A whole TEEP exchange (draft-ietf-teep-protocol-26) between a TAM and a TEEP Agent:
//   TAM   -> agent  QueryRequest   signed with a NON-EXTRACTABLE WebCrypto key + x5chain
//   agent          verifies it against its TAM anchor (its device root, through a bridge CA)
//   agent -> TAM    QueryResponse  signed with the agent's own key, carrying the token
//   TAM            verifies it against its agent anchors, matches the token, reads the tc-list
//   TAM   -> agent  Update, agent -> TAM  Success
// then a replayed response, which the TAM refuses.
//
//   npm run build && node examples/teep-tam-round-trip.mjs
import { webcrypto } from "node:crypto";
import {
  signTeep, verifyTeep, cryptoKeySigner, keyObjectSigner, TeepTokenTracker, TeepTrustAnchors,
  TEEP_TYPE, TEEP_CIPHER_SUITE, SUIT_COSE_PROFILE, TEEP_DATA_ITEM, COSE_ALG,
} from "../dist/index.js";
import { TestPki } from "../testsuite/dist/generate/pki.js";

const now = new Date("2025-01-01T00:00:00Z");
const pki = new TestPki({ now, seed: "tam-round-trip-example" });
const DEVICE_POLICY = "1.3.6.1.4.1.55555.70.1";
const BRIDGE_POLICY = "1.3.6.1.4.1.55555.70.2";
const TAM_POLICY = "1.3.6.1.4.1.55555.70.3";
const text = (b) => new TextDecoder().decode(b);
const id = (s) => [new TextEncoder().encode(s)]; // a SUIT_Component_Identifier

// 1. The PKIs: device domain -- bridge -- TAM domain, and the agents' own root.
const deviceRoot = pki.root("CN=Device Trust Root,O=Device Maker");
const bridge = pki.root("CN=TEE Bridge CA,O=TEE Bridge");
const tamRoot = pki.root("CN=TAM Root,O=TAM Operator");
const bridgeByDevice = pki.cross(deviceRoot, bridge, { extensions: { certificatePolicies: [DEVICE_POLICY], policyMappings: [[DEVICE_POLICY, BRIDGE_POLICY]] } });
const tamRootByBridge = pki.cross(bridge, tamRoot, { extensions: { certificatePolicies: [BRIDGE_POLICY], policyMappings: [[BRIDGE_POLICY, TAM_POLICY]] } });
const tamCa = pki.ca("CN=TAM CA,O=TAM Operator", tamRoot, { extensions: { certificatePolicies: [TAM_POLICY] } });
const agentRoot = pki.root("CN=Agent Root,O=Device Maker");
const agent = pki.ee("CN=TEEP Agent 0001,O=Device Maker", agentRoot, { keyAlg: "ed25519" });

// 2. The TAM's key lives in WebCrypto and cannot be exported; only its public key is certified.
const tamKeys = await webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign", "verify"]);
const tamSpki = new Uint8Array(await webcrypto.subtle.exportKey("spki", tamKeys.publicKey));
const tamCert = pki.ee("CN=TAM Signer,O=TAM Operator", tamCa, { key: { alg: "p256", spki: tamSpki }, extensions: { certificatePolicies: [TAM_POLICY] } });
const tamSigning = {
  signer: cryptoKeySigner(tamKeys.privateKey), // ESP256 (-9)
  x5chain: [tamCert.der, tamCa.der, tamRoot.der], // protected
  x5bag: [tamRootByBridge.der, bridgeByDevice.der], // unprotected helpers
};
const agentSigning = { signer: keyObjectSigner(agent.key.privateKey, COSE_ALG.Ed25519), x5chain: [agent.der] };

// 3. Anchors per role: the agent trusts TAMs under its device root; the TAM trusts agents under the agent root.
const atAgent = new TeepTrustAnchors();
atAgent.tam.add(deviceRoot.pem);
const atTam = new TeepTrustAnchors();
atTam.agent.add(agentRoot.pem);
const tokens = new TeepTokenTracker();
const agentVerify = (m) => verifyTeep(m, { anchors: atAgent.tam, policy: { initialPolicySet: [DEVICE_POLICY], explicitPolicy: true }, time: now, expect: [TEEP_TYPE.QUERY_REQUEST, TEEP_TYPE.UPDATE] });
const tamVerify = (m) => verifyTeep(m, { anchors: atTam.agent, time: now, tokens, expect: [TEEP_TYPE.QUERY_RESPONSE, TEEP_TYPE.SUCCESS, TEEP_TYPE.ERROR] });
const show = (who, r) =>
  r.valid
    ? `${who}: valid ${["", "QueryRequest", "QueryResponse", "Update", "Success", "Error"][r.message.type]} (${r.cose.algName}) from ${r.cose.signer.subject}`
    : `${who}: rejected, ${r.error.code} -> TEEP err-code ${r.error.teepError}: ${r.error.message}`;

// 4. QueryRequest.
const query = await signTeep(
  {
    type: TEEP_TYPE.QUERY_REQUEST,
    token: tokens.issue(TEEP_TYPE.QUERY_REQUEST),
    versions: [0],
    supportedTeepCipherSuites: [TEEP_CIPHER_SUITE.SIGN1_ESP256, TEEP_CIPHER_SUITE.SIGN1_ED25519],
    supportedSuitCoseProfiles: [SUIT_COSE_PROFILE.SHA256_ESP256_ECDH_A128CTR],
    dataItemRequested: TEEP_DATA_ITEM.trustedComponents,
  },
  tamSigning,
);
const q = await agentVerify(query);
console.log(show("agent", q));
console.log(`  path: ${q.cose.signer.path.map((p) => p.subject).join(" <- ")}`);

// 5. QueryResponse with the token and the agent's Trusted Components.
const response = await signTeep(
  {
    type: TEEP_TYPE.QUERY_RESPONSE,
    token: q.message.token,
    selectedVersion: 0,
    tcList: [new Map([["component-id", id("wallet-ta")]])],
    requestedTcList: [{ componentId: id("payments-ta") }],
  },
  agentSigning,
);
const r = await tamVerify(response);
console.log(show("TAM", r));
console.log(`  token matched a ${["", "QueryRequest", "", "Update"][r.request.requestType]}; tc-list: ${r.message.tcList.map((c) => text(c.get("component-id")[0])).join(", ")}; requested: ${r.message.requestedTcList.map((t) => text(t.componentId[0])).join(", ")}`);

// 6. Update, then Success.
const update = await signTeep({ type: TEEP_TYPE.UPDATE, token: tokens.issue(TEEP_TYPE.UPDATE), manifestList: [new Uint8Array([0xa1, 0x02, 0x41, 0x00])] }, tamSigning);
const u = await agentVerify(update);
console.log(show("agent", u));
const success = await signTeep({ type: TEEP_TYPE.SUCCESS, token: u.message.token, msg: "installed payments-ta" }, agentSigning);
const s = await tamVerify(success);
console.log(show("TAM", s));
console.log(`  outstanding tokens: ${tokens.size}`);

// 7. The QueryResponse again: its token was used.
console.log(show("TAM (replay)", await tamVerify(response)));
