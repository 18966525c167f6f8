// A TEEP QueryRequest (draft-ietf-teep-protocol) signed by a TAM, verified by a device
// whose only TAM anchor is its own root: the TAM's chain reaches it only through a
// bridge CA with policy mappings. Then the cases a TEEP Agent must reject, each with
// the TEEP err-code it would answer with.
//
//   npm run build && node examples/teep-query-request.mjs
import {
  verifyCoseSign1, coseSign1, x5, TeepTrustAnchors, encodeQueryRequest, decodeQueryRequest,
  COSE_HEADER, COSE_ALG, TEEP_CIPHER_SUITE, SUIT_COSE_PROFILE, TEEP_DATA_ITEM, FRESHNESS,
} from "../dist/index.js";
import { TestPki } from "../testsuite/dist/generate/pki.js";

// 1. Three domains (keys and certificates generated here, deterministic from the seed).
const pki = new TestPki({ now: new Date("2025-01-01T00:00:00Z"), seed: "teep-example" });
const DEVICE_POLICY = "1.3.6.1.4.1.55555.70.1"; // what the device accepts TAMs under
const BRIDGE_POLICY = "1.3.6.1.4.1.55555.70.2";
const TAM_POLICY = "1.3.6.1.4.1.55555.70.3"; // what the TAM domain certifies its signers under

const deviceRoot = pki.root("CN=Device Trust Root,O=Device Maker");
const bridge = pki.root("CN=TEE Bridge CA,O=TEE Bridge");
const tamRoot = pki.root("CN=TAM Root,O=TAM Operator");
// The device domain certifies the bridge, mapping its policy to the bridge's ...
const bridgeByDevice = pki.cross(deviceRoot, bridge, {
  extensions: { certificatePolicies: [DEVICE_POLICY], policyMappings: [[DEVICE_POLICY, BRIDGE_POLICY]] },
});
// ... and the bridge certifies the TAM root, mapping the bridge policy to the TAM's.
const tamRootByBridge = pki.cross(bridge, tamRoot, {
  extensions: { certificatePolicies: [BRIDGE_POLICY], policyMappings: [[BRIDGE_POLICY, TAM_POLICY]] },
});
const tamCa = pki.ca("CN=TAM CA,O=TAM Operator", tamRoot, { extensions: { certificatePolicies: [TAM_POLICY] } });
const tamSigner = pki.ee("CN=TAM Signer,O=TAM Operator", tamCa, {
  keyAlg: "p256", extensions: { certificatePolicies: [TAM_POLICY] },
});

// 2. The device: one trust anchor store per role; TAM messages are checked against `tam` only.
//    (From files: TeepTrustAnchors.fromFiles({ tam: ["tam-anchors.pem"], ... }).)
const anchors = new TeepTrustAnchors();
anchors.tam.add(deviceRoot.pem);
const devicePolicy = { initialPolicySet: [DEVICE_POLICY], explicitPolicy: true };

// 3. The QueryRequest: [1, options, cipher suites, SUIT COSE profiles, data-item-requested].
const query = encodeQueryRequest({
  challenge: new Uint8Array(16).fill(0xa5),
  versions: [0],
  supportedFreshnessMechanisms: [FRESHNESS.NONCE],
  supportedTeepCipherSuites: [TEEP_CIPHER_SUITE.SIGN1_ESP256, TEEP_CIPHER_SUITE.SIGN1_ED25519],
  supportedSuitCoseProfiles: [SUIT_COSE_PROFILE.SHA256_ESP256_ECDH_A128CTR],
  dataItemRequested: TEEP_DATA_ITEM.attestation | TEEP_DATA_ITEM.trustedComponents,
});

// The TAM's candidate chain (ending in its own self-signed root) goes in x5chain; the
// bridge cross-certificates go in x5bag. Both are untrusted input to the path builder.
function signQuery(signer, { chainIn = "protected", bag = [tamRootByBridge, bridgeByDevice] } = {}) {
  const chain = [COSE_HEADER.x5chain, x5([signer.der, tamCa.der, tamRoot.der])];
  const x5bag = bag.length ? [[COSE_HEADER.x5bag, x5(bag.map((c) => c.der))]] : [];
  return coseSign1(query, signer.key, COSE_ALG.ESP256, {
    protected: chainIn === "protected" ? [chain] : [],
    unprotected: [...(chainIn === "unprotected" ? [chain] : []), ...x5bag],
  });
}

async function check(title, message, policy = devicePolicy) {
  const r = await verifyCoseSign1(message, { anchors: anchors.tam, policy, time: pki.now });
  if (r.valid) {
    const q = decodeQueryRequest(r.payload);
    console.log(`${title}: valid (${r.algName})`);
    console.log(`  path: ${r.signer.path.map((p) => p.subject).join(" <- ")}`);
    console.log(`  policies: ${r.signer.policies.join(", ")}`);
    console.log(`  signer thumbprint (RFC 9679): ${r.thumbprintHex}`);
    console.log(`  QueryRequest: data-item-requested ${q.dataItemRequested}, ${q.supportedTeepCipherSuites.length} cipher suites`);
  } else {
    console.log(`${title}: rejected, ${r.error.code} -> TEEP err-code ${r.error.teepError}, err-msg "${r.error.errMsg}"`);
  }
  return r;
}

await check("QueryRequest from the TAM", signQuery(tamSigner));

// 4. What the device must refuse.
const expiredSigner = pki.ee("CN=TAM Signer,O=TAM Operator", tamCa, {
  keyAlg: "p256", keySeed: "expired", notBefore: -400, notAfter: -35,
  extensions: { certificatePolicies: [TAM_POLICY] },
});
await check("expired TAM certificate", signQuery(expiredSigner));
await check("missing x5bag", signQuery(tamSigner, { bag: [] }));
await check("x5chain only in the unprotected header", signQuery(tamSigner, { chainIn: "unprotected" }));
await check("policy mapping inhibited", signQuery(tamSigner), { ...devicePolicy, policyMappingInhibit: true });

// A rogue signer with its own self-signed root in x5chain: never an anchor.
const rogueRoot = pki.root("CN=TAM Root,O=TAM Operator", { keySeed: "rogue" });
const rogue = pki.ee("CN=TAM Signer,O=TAM Operator", rogueRoot, { keyAlg: "p256", keySeed: "rogue" });
const rogueMessage = coseSign1(query, rogue.key, COSE_ALG.ESP256, {
  protected: [[COSE_HEADER.x5chain, x5([rogue.der, rogueRoot.der])]],
});
await check("signed by an untrusted key", rogueMessage);
