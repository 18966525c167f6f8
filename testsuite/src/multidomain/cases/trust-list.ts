// Trust lists (RFC 5217 3.4): the relying party holds several anchors instead of
// inheriting trust through cross-certificates.
import type { Scenario } from "../model.js";
import { POL, cert, ent, scenario } from "./common.js";
import { bridgeBag, bridgeCerts, bridgeDomains, bridgeEntities } from "./bridge.js";

const { d1, d2, d3 } = POL;
const DOMS = [d1, d2, d3];

const multiEntities = [1, 2, 3].flatMap((i) => [
  ent(`root${i}`, `CN=Root CA ${i},O=TL Dom${i},C=US`),
  ent(`ca${i}`, `CN=Issuing CA ${i},O=TL Dom${i},C=US`),
  ent(`ee${i}`, `CN=User ${i},O=TL Dom${i},C=US`),
]);
const multiCerts = [1, 2, 3].flatMap((i) => [
  cert(`root${i}`, "root", `root${i}`, `root${i}`),
  cert(`ca${i}`, "ca", `ca${i}`, `root${i}`, { policies: [DOMS[i - 1]!.med] }),
  cert(`ee${i}`, "ee", `ee${i}`, `ca${i}`, { policies: [DOMS[i - 1]!.med] }),
]);

// Two anchors with one name and two keys.
const twinEntities = [
  ent("ta-a", "CN=Trust Root,O=TL,C=US", { keySeed: "a" }),
  ent("ta-b", "CN=Trust Root,O=TL,C=US", { keySeed: "b" }),
  ent("ca", "CN=Issuing CA,O=TL,C=US"),
  ent("ee", "CN=Frank,O=TL,C=US"),
];
const twinCerts = [
  cert("ta-a", "root", "ta-a", "ta-a"),
  cert("ta-b", "root", "ta-b", "ta-b"),
  // No key identifiers: the key has to be found by trying the signature.
  cert("ca", "ca", "ca", "ta-b", { policies: [POL.hier.med], authorityKeyId: false }),
  cert("ee", "ee", "ee", "ca", { policies: [POL.hier.med] }),
];

export const trustList: Scenario[] = [
  scenario({
    id: "tl-multi-anchor",
    group: "trust-list",
    title: "Three anchors; the EE chains to the second",
    topology: "Root CA 1, 2, 3 as anchors, each -> Issuing CA -> user; EE under Root CA 2",
    rationale: "Catalog 21. RFC 5217 3.4 local trust list; the path ends at Root CA 2.",
    entities: multiEntities,
    certs: multiCerts,
    case: { target: "ee2", bag: ["ca1", "ca2", "ca3"], anchors: ["root1", "root2", "root3"] },
    expect: { valid: true, userConstrainedPolicySet: [d2.med], path: ["ee2", "ca2", "root2"] },
  }),
  scenario({
    id: "tl-same-name-anchors",
    group: "trust-list",
    title: "Two anchors share a name with different keys; no key identifiers",
    topology: "Trust Root (key A) and Trust Root (key B) as anchors; Trust Root (B) -> Issuing CA -> Frank",
    rationale: "Catalog 22. RFC 5280 6.1.3 (a)(1): the anchor is chosen by the key that verifies, not by name alone.",
    entities: twinEntities,
    certs: twinCerts,
    case: { target: "ee", bag: ["ca"], anchors: ["ta-a", "ta-b"] },
    expect: { valid: true, userConstrainedPolicySet: [POL.hier.med], path: ["ee", "ca", "ta-b"] },
  }),
  scenario({
    id: "tl-same-name-wrong-key",
    group: "trust-list",
    title: "The only anchor has the right name and the wrong key",
    topology: "Trust Root (key A) as anchor; Trust Root (B) -> Issuing CA -> Frank",
    rationale: "RFC 5280 6.1.3 (a)(1): the Issuing CA's signature does not verify with the anchor's key.",
    entities: twinEntities,
    certs: twinCerts,
    case: { target: "ee", bag: ["ca"], anchors: ["ta-a"] },
    expect: { valid: false, userConstrainedPolicySet: [], errorCode: "INVALID_SIGNATURE" },
  }),
  scenario({
    id: "tl-inhibit-inherited-trust",
    group: "trust-list",
    title: "initial-policy-mapping-inhibit: no trust inherited through the bridge",
    topology: "PCA1 <-> BCA <-> PCA3 -> Dom3 Issuing CA -> Carol, anchor PCA1, initial-policy-mapping-inhibit",
    rationale:
      "Catalog 23, RFC 5217 3.4: a relying party that does not want inherited trust inhibits mapping; RFC 5280 6.1.4 (b)(2) deletes the mapped nodes at PCA1's certificate and explicit policy fails.",
    domains: bridgeDomains,
    entities: bridgeEntities(),
    certs: bridgeCerts(),
    case: {
      target: "carol",
      bag: bridgeBag,
      anchors: ["r1"],
      settings: { initialPolicySet: [d1.med], initialExplicitPolicy: true, initialPolicyMappingInhibit: true },
    },
    expect: { valid: false, userConstrainedPolicySet: [], errorCode: "POLICY" },
  }),
  scenario({
    id: "tl-local-list-instead",
    group: "trust-list",
    title: "Mapping inhibited, but PCA3 is on the local trust list",
    topology: "PCA1 <-> BCA <-> PCA3 -> Dom3 Issuing CA -> Carol, anchors PCA1 and PCA3, initial-policy-mapping-inhibit",
    rationale: "RFC 5217 3.4: with PCA3 trusted directly no mapping is needed; the policy is domain 3's.",
    domains: bridgeDomains,
    entities: bridgeEntities(),
    certs: bridgeCerts(),
    case: {
      target: "carol",
      bag: bridgeBag.filter((id) => id !== "r3"),
      anchors: ["r1", "r3"],
      settings: { initialPolicySet: [d1.med, d3.med], initialExplicitPolicy: true, initialPolicyMappingInhibit: true },
    },
    expect: { valid: true, userConstrainedPolicySet: [d3.med], path: ["carol", "s3", "r3"] },
  }),
];
