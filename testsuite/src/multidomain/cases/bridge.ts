// Bridge PKIs (RFC 5217 3.3): principal CAs cross-certify only with a bridge CA, which
// maps every domain's policies to its own OIDs (dom1 OID -> BCA OID -> dom3 OID), is
// never a trust anchor and issues no end-entity certificates. Then bridges of bridges
// (two BCAs in sequence) and RFC 5217 3.2.3's trust leak between three PKIs.
import type { CertDecl, DomainDecl, EntityDecl, Scenario, Settings } from "../model.js";
import { POL, cert, ent, patchCert, scenario } from "./common.js";

const { d1, d2, d3, bca: b, bca2: b2 } = POL;

export interface BridgeNames {
  pca3: string;
  s3: string;
  carol: string;
  /** dirName subtree the BCA -> PCA3 cross-certificate permits. */
  permitted: string;
}

const DEFAULT_NAMES: BridgeNames = {
  pca3: "CN=PCA3,O=Dom3,C=US",
  s3: "CN=Dom3 Issuing CA,O=Dom3,C=US",
  carol: "CN=Carol,O=Dom3,C=US",
  permitted: "dn:O=Dom3,C=US",
};

export const bridgeDomains: DomainDecl[] = [
  { id: "dom1", title: "Domain 1 (relying party's)", policies: { medium: d1.med, high: d1.high } },
  { id: "bridge", title: "Bridge", policies: { medium: b.med, high: b.high } },
  { id: "dom3", title: "Domain 3", policies: { medium: d3.med, high: d3.high, low: d3.low } },
];

export function bridgeEntities(n: BridgeNames = DEFAULT_NAMES): EntityDecl[] {
  return [
    ent("pca1", "CN=PCA1,O=Dom1,C=US", { domain: "dom1" }),
    ent("bca", "CN=Bridge CA,O=Bridge,C=US", { domain: "bridge" }),
    ent("pca3", n.pca3, { domain: "dom3" }),
    ent("s3", n.s3, { domain: "dom3" }),
    ent("carol", n.carol, { domain: "dom3" }),
    ent("mallory", "CN=Mallory,O=Dom4,C=US", { domain: "dom3" }),
  ];
}

/**
 * PCA1 <-> BCA <-> PCA3 with per-level mappings through the bridge's own OIDs
 * (RFC 5217 3.3.2). PCA1's certificate for the BCA sets requireExplicitPolicy 0
 * (RFC 5217 3.4); the BCA's certificate for PCA3 permits only domain 3's names.
 */
export function bridgeCerts(n: BridgeNames = DEFAULT_NAMES): CertDecl[] {
  return [
    cert("r1", "root", "pca1", "pca1"),
    cert("rb", "root", "bca", "bca"),
    cert("r3", "root", "pca3", "pca3"),
    cert("x1b", "cross", "bca", "pca1", {
      policies: [d1.med, d1.high],
      policyMappings: [
        [d1.med, b.med],
        [d1.high, b.high],
      ],
      policyConstraints: { requireExplicitPolicy: 0 },
    }),
    cert("xb1", "cross", "pca1", "bca", {
      policies: [b.med, b.high],
      policyMappings: [
        [b.med, d1.med],
        [b.high, d1.high],
      ],
      nameConstraints: { permitted: ["dn:O=Dom1,C=US"] },
    }),
    cert("xb3", "cross", "pca3", "bca", {
      policies: [b.med, b.high],
      policyMappings: [
        [b.med, d3.med],
        [b.high, d3.high],
      ],
      nameConstraints: { permitted: [n.permitted] },
    }),
    cert("x3b", "cross", "bca", "pca3", {
      policies: [d3.med, d3.high],
      policyMappings: [
        [d3.med, b.med],
        [d3.high, b.high],
      ],
      policyConstraints: { requireExplicitPolicy: 0 },
    }),
    cert("s3", "ca", "s3", "pca3", { policies: [d3.med, d3.high, d3.low] }),
    cert("carol", "ee", "carol", "s3", { policies: [d3.med] }),
  ];
}

export const bridgeBag = ["rb", "r3", "x1b", "xb1", "xb3", "x3b", "s3"];
export const bridgePath = ["carol", "s3", "xb3", "x1b", "r1"];
const dom1: Partial<Settings> = { initialPolicySet: [d1.med], initialExplicitPolicy: true };
const TOPO = "PCA1 <-> BCA <-> PCA3 -> Dom3 Issuing CA -> Carol, anchor PCA1";

function bridgeScenario(s: Partial<Scenario> & Pick<Scenario, "id" | "title" | "rationale" | "expect">): Scenario {
  return scenario({
    group: "bridge",
    topology: TOPO,
    domains: bridgeDomains,
    entities: bridgeEntities(),
    certs: bridgeCerts(),
    case: { target: "carol", bag: bridgeBag, anchors: ["r1"], settings: dom1 },
    ...s,
  });
}

const dcNames: BridgeNames = {
  pca3: "CN=PCA3,DC=dom3,DC=example",
  s3: "CN=Issuing CA,DC=dom3,DC=example",
  carol: "CN=Carol,DC=dom3,DC=example",
  permitted: "dn:DC=dom3,DC=example",
};

export const bridge: Scenario[] = [
  bridgeScenario({
    id: "bridge-basic",
    title: "Bridge with policy mapping through the bridge's own OIDs",
    rationale:
      "Catalog 10. RFC 5217 3.3.2: dom3 medium -> BCA medium -> dom1 medium; the user-constrained policy set is in domain-1 terms (RFC 5280 6.1.5 (g)).",
    expect: { valid: true, userConstrainedPolicySet: [d1.med], path: bridgePath },
  }),
  bridgeScenario({
    id: "bridge-as-anchor",
    title: "Relying party anchored at the bridge CA",
    topology: "PCA1 <-> BCA <-> PCA3 -> Dom3 Issuing CA -> Carol, anchor BCA, any policy",
    rationale:
      "Catalog 11. RFC 5217 3.3 advises against a BCA as trust anchor, but RFC 5280 path validation does not forbid it: valid, and the policy comes out in the bridge's own OID.",
    case: { target: "carol", bag: ["r1", "r3", "x1b", "xb1", "xb3", "x3b", "s3"], anchors: ["rb"] },
    expect: { valid: true, userConstrainedPolicySet: [b.med], path: ["carol", "s3", "xb3", "rb"] },
  }),
  bridgeScenario({
    id: "bridge-req-explicit-0-unmapped",
    title: "requireExplicitPolicy 0 on PCA1's cross-certificate; the EE's policy is not mapped",
    topology: TOPO + " (Carol asserts dom3 low, which the BCA does not map), any policy",
    rationale:
      "Catalog 12, RFC 5217 3.4 (set to zero): the constraint comes from the cross-certificate, not the relying party; the policy graph empties at Carol (RFC 5280 6.1.3 (f)).",
    certs: patchCert(bridgeCerts(), "carol", { policies: [d3.low] }),
    case: { target: "carol", bag: bridgeBag, anchors: ["r1"] },
    expect: { valid: false, userConstrainedPolicySet: [], errorCode: "POLICY" },
  }),
  bridgeScenario({
    id: "bridge-req-explicit-1-unmapped",
    title: "requireExplicitPolicy 1 on PCA1's cross-certificate; the EE's policy is not mapped",
    topology: TOPO + " (Carol asserts dom3 low, which the BCA does not map), any policy",
    rationale:
      "RFC 5217 3.3.2.2 (greater than zero): explicit_policy reaches 0 after the BCA's certificate, before Carol, so the result is the same as with 0 (RFC 5280 6.1.4 (h), (i)).",
    certs: patchCert(patchCert(bridgeCerts(), "carol", { policies: [d3.low] }), "x1b", { policyConstraints: { requireExplicitPolicy: 1 } }),
    case: { target: "carol", bag: bridgeBag, anchors: ["r1"] },
    expect: { valid: false, userConstrainedPolicySet: [], errorCode: "POLICY" },
  }),
  bridgeScenario({
    id: "bridge-inhibit-mapping-0",
    title: "inhibitPolicyMapping 0 on PCA1's cross-certificate to the BCA",
    rationale:
      "Catalog 13. RFC 5280 6.1.4 (b)(2): PCA1's own mapping applies, the BCA's mapping to domain 3 is inhibited, so the mapped nodes are deleted and explicit policy fails at the Dom3 Issuing CA.",
    certs: patchCert(bridgeCerts(), "x1b", { policyConstraints: { requireExplicitPolicy: 0, inhibitPolicyMapping: 0 } }),
    expect: { valid: false, userConstrainedPolicySet: [], errorCode: "POLICY" },
  }),
  bridgeScenario({
    id: "bridge-inhibit-mapping-1",
    title: "inhibitPolicyMapping 1 on PCA1's cross-certificate: the BCA may still map once",
    rationale: "RFC 5280 6.1.4 (h), (i): policy_mapping is 1 at the BCA's certificate, 0 after it; no later certificate maps.",
    certs: patchCert(bridgeCerts(), "x1b", { policyConstraints: { requireExplicitPolicy: 0, inhibitPolicyMapping: 1 } }),
    expect: { valid: true, userConstrainedPolicySet: [d1.med], path: bridgePath },
  }),
  bridgeScenario({
    id: "bridge-nc-violation",
    title: "The BCA's cross-certificate permits O=Dom3; the EE is named in O=Dom4",
    topology: "PCA1 <-> BCA <-> PCA3 (permitted O=Dom3) -> Dom3 Issuing CA -> Mallory (O=Dom4), anchor PCA1",
    rationale: "Catalog 14. RFC 5217 3.3.3, RFC 5280 6.1.3 (b).",
    certs: [...bridgeCerts(), cert("mallory", "ee", "mallory", "s3", { policies: [d3.med] })],
    case: { target: "mallory", bag: bridgeBag, anchors: ["r1"], settings: dom1 },
    expect: { valid: false, userConstrainedPolicySet: [], errorCode: "NAME_CONSTRAINTS" },
  }),
  bridgeScenario({
    id: "bridge-direct-shortcut",
    title: "A direct PCA1 <-> PCA3 cross-certification without mapping beside the bridge",
    topology: "PCA1 <-> PCA3 (direct, no mapping) and PCA1 <-> BCA <-> PCA3, anchor PCA1",
    rationale:
      "Catalog 15. The direct certificate ranks first (its issuer is the anchor, RFC 4158 3.5.8) but carries no mapping, so domain-1 policy fails (RFC 5280 6.1.3 (f)); the builder moves on to the bridge route.",
    certs: [
      ...bridgeCerts(),
      cert("x13", "cross", "pca3", "pca1", { policies: [d1.med, d1.high] }),
      cert("x31", "cross", "pca1", "pca3", { policies: [d3.med, d3.high] }),
    ],
    case: { target: "carol", bag: [...bridgeBag, "x13", "x31"], anchors: ["r1"], settings: dom1 },
    expect: { valid: true, userConstrainedPolicySet: [d1.med], path: bridgePath },
  }),
  bridgeScenario({
    id: "bridge-mapping-many-to-one",
    title: "PCA1 maps both its high and medium policies to the BCA's medium",
    topology: TOPO + ", initial policy dom1 high",
    rationale:
      "Catalog 36. RFC 5217 3.3.2 says a domain should refuse to map down an assurance level, but that binds the CA; the validator follows the mapping the cross-certificate states, so dom1 high is satisfied.",
    certs: patchCert(bridgeCerts(), "x1b", {
      policyMappings: [
        [d1.med, b.med],
        [d1.high, b.med],
      ],
    }),
    case: { target: "carol", bag: bridgeBag, anchors: ["r1"], settings: { initialPolicySet: [d1.high], initialExplicitPolicy: true } },
    expect: { valid: true, userConstrainedPolicySet: [d1.high], path: bridgePath },
  }),
  bridgeScenario({
    id: "bridge-no-assurance-upgrade",
    title: "High assurance required; the domain-3 EE is medium only",
    topology: TOPO + ", initial policy dom1 high",
    rationale: "RFC 5280 6.1.5 (g): high maps to high at every hop, the EE asserts medium, the user-constrained set is empty.",
    case: { target: "carol", bag: bridgeBag, anchors: ["r1"], settings: { initialPolicySet: [d1.high], initialExplicitPolicy: true } },
    expect: { valid: false, userConstrainedPolicySet: [], errorCode: "POLICY" },
  }),
  bridgeScenario({
    id: "bridge-dc-names",
    title: "Domain 3 uses domainComponent names; the BCA constrains it by a DC subtree",
    topology: "PCA1 <-> BCA <-> PCA3 (DC=dom3,DC=example, permitted DC subtree) -> Issuing CA -> Carol, anchor PCA1",
    rationale: "Catalog 38. Mixed C/O and DC naming across a cross-certificate; RFC 5280 7.1 dirName subtree matching.",
    entities: bridgeEntities(dcNames),
    certs: bridgeCerts(dcNames),
    expect: { valid: true, userConstrainedPolicySet: [d1.med], path: bridgePath },
  }),
];

// ---------------------------------------------------------------------------
// Bridge of bridges and the RFC 5217 3.2.3 trust leak

const bobEntities = [
  ent("pca1", "CN=PCA1,O=Dom1,C=US", { domain: "dom1" }),
  ent("bca1", "CN=Bridge CA 1,O=Bridge1,C=US", { domain: "bridge1" }),
  ent("bca2", "CN=Bridge CA 2,O=Bridge2,C=US", { domain: "bridge2" }),
  ent("pca2", "CN=PCA2,O=Dom2,C=US", { domain: "dom2" }),
  ent("s2", "CN=Dom2 Issuing CA,O=Dom2,C=US", { domain: "dom2" }),
  ent("bob", "CN=Bob,O=Dom2,C=US", { domain: "dom2" }),
];

function xm(id: string, subject: string, issuer: string, from: { med: string }, to: { med: string }, extra: Partial<CertDecl> = {}): CertDecl {
  return cert(id, "cross", subject, issuer, { policies: [from.med], policyMappings: [[from.med, to.med]], ...extra });
}

const bobCerts = [
  cert("r1", "root", "pca1", "pca1"),
  cert("rb1", "root", "bca1", "bca1"),
  cert("rb2", "root", "bca2", "bca2"),
  cert("r2", "root", "pca2", "pca2"),
  xm("x1b1", "bca1", "pca1", d1, b, { policyConstraints: { requireExplicitPolicy: 0 } }),
  xm("xb11", "pca1", "bca1", b, d1),
  xm("xb1b2", "bca2", "bca1", b, b2),
  xm("xb2b1", "bca1", "bca2", b2, b),
  xm("xb22", "pca2", "bca2", b2, d2, { nameConstraints: { permitted: ["dn:O=Dom2,C=US"] } }),
  xm("x2b2", "bca2", "pca2", d2, b2),
  cert("s2", "ca", "s2", "pca2", { policies: [d2.med] }),
  cert("bob", "ee", "bob", "s2", { policies: [d2.med] }),
];

// Three PKIs cross-certified directly: PKI1 <-> PKI2 <-> PKI3 (RFC 5217 3.2.3 Fig 9).
const leakEntities = [
  ent("pca1", "CN=PCA1,O=PKI1,C=US", { domain: "pki1" }),
  ent("pca2", "CN=PCA2,O=PKI2,C=US", { domain: "pki2" }),
  ent("pca3", "CN=PCA3,O=PKI3,C=US", { domain: "pki3" }),
  ent("bob", "CN=Bob,O=PKI2,C=US", { domain: "pki2" }),
  ent("carol", "CN=Carol,O=PKI3,C=US", { domain: "pki3" }),
];
/** PKI1's certificate for PCA2: maps d1 -> d2, and (when constrained) forbids further mapping and requires explicit policy. */
function leakCerts(constrained: boolean): CertDecl[] {
  return [
    cert("r1", "root", "pca1", "pca1"),
    cert("r2", "root", "pca2", "pca2"),
    cert("r3", "root", "pca3", "pca3"),
    xm("x12", "pca2", "pca1", d1, d2, constrained ? { policyConstraints: { requireExplicitPolicy: 0, inhibitPolicyMapping: 0 } } : {}),
    xm("x21", "pca1", "pca2", d2, d1),
    xm("x23", "pca3", "pca2", d2, d3),
    xm("x32", "pca2", "pca3", d3, d2),
    cert("bob", "ee", "bob", "pca2", { policies: [d2.med] }),
    cert("carol", "ee", "carol", "pca3", { policies: [d3.med] }),
  ];
}
const leakBag = ["r2", "r3", "x12", "x21", "x23", "x32"];

// RFC 4158 Fig 9-like: a bridged mesh with loops (X <-> Y, Y <-> W, W <-> L) around the one good path.
const Q = POL.path;
const bmEntities = ["Z", "BCA", "X", "Y", "W", "L", "N"]
  .map((n) => ent(`ca-${n.toLowerCase()}`, `CN=CA ${n},O=Bridged Mesh,C=US`))
  .concat([ent("erin", "CN=Erin,O=Bridged Mesh,C=US")]);
function bx(from: string, to: string, good = true): CertDecl {
  return cert(`x-${from}-${to}`, "cross", `ca-${to}`, `ca-${from}`, { policies: [good ? Q.med : Q.low] });
}
const bmCerts = [
  cert("rz", "root", "ca-z", "ca-z"),
  bx("z", "bca"),
  bx("bca", "z"),
  bx("bca", "x"),
  bx("x", "bca"),
  bx("bca", "y"),
  bx("y", "bca"),
  bx("x", "y", false),
  bx("y", "x", false),
  bx("y", "w", false),
  bx("w", "y", false),
  bx("w", "l", false),
  bx("l", "w", false),
  bx("x", "l"),
  bx("l", "n"),
  cert("erin", "ee", "erin", "ca-n", { policies: [Q.med] }),
];

export const bridgeOfBridges: Scenario[] = [
  scenario({
    id: "two-bridges",
    group: "bridge-of-bridges",
    title: "Two bridges in sequence, a mapping at each of the three hops",
    topology: "PCA1 <-> BCA1 <-> BCA2 <-> PCA2 -> Dom2 Issuing CA -> Bob, anchor PCA1",
    rationale: "Catalog 18. d1 -> BCA1 -> BCA2 -> d2 mappings; the policy is reported in domain-1 terms.",
    entities: bobEntities,
    certs: bobCerts,
    case: {
      target: "bob",
      bag: ["rb1", "rb2", "r2", "x1b1", "xb11", "xb1b2", "xb2b1", "xb22", "x2b2", "s2"],
      anchors: ["r1"],
      settings: dom1,
    },
    expect: { valid: true, userConstrainedPolicySet: [d1.med], path: ["bob", "s2", "xb22", "xb1b2", "x1b1", "r1"] },
  }),
  scenario({
    id: "trust-leak-constrained",
    group: "bridge-of-bridges",
    title: "RFC 5217 trust leak: PKI1 -> PKI2 -> PKI3 stopped by PKI1's cross-certificate",
    topology: "PKI1 <-> PKI2 <-> PKI3 (direct cross-certification), anchor PCA1, EE in PKI3; PCA1->PCA2 has inhibitPolicyMapping 0, requireExplicitPolicy 0",
    rationale:
      "Catalog 19, RFC 5217 3.2.3 Fig 9: PKI1 trusts PKI2 but not PKI2's other partners; the constraint sits in the cross-certificate, the relying party uses defaults. PCA2's mapping to domain 3 is inhibited (RFC 5280 6.1.4 (b)(2)), the policy graph empties and explicit policy fails at Carol. Signatures, names, validity and path length are all fine (see trust-leak-unconstrained).",
    entities: leakEntities,
    certs: leakCerts(true),
    case: { target: "carol", bag: leakBag, anchors: ["r1"] },
    expect: { valid: false, userConstrainedPolicySet: [], errorCode: "POLICY" },
  }),
  scenario({
    id: "trust-leak-unconstrained",
    group: "bridge-of-bridges",
    title: "Control for the trust leak: without the constraints the PKI3 path validates",
    topology: "PKI1 <-> PKI2 <-> PKI3 (direct cross-certification), anchor PCA1, EE in PKI3, no policy constraints",
    rationale: "The same certificates minus policyConstraints: the leak RFC 5217 3.2.3 warns about is real, so trust-leak-constrained fails for the constraint alone.",
    entities: leakEntities,
    certs: leakCerts(false),
    case: { target: "carol", bag: leakBag, anchors: ["r1"] },
    expect: { valid: true, userConstrainedPolicySet: [d1.med], path: ["carol", "x23", "x12", "r1"] },
  }),
  scenario({
    id: "trust-leak-pki2-still-trusted",
    group: "bridge-of-bridges",
    title: "The constrained cross-certificate still admits PKI2's own users",
    topology: "PKI1 <-> PKI2 <-> PKI3, anchor PCA1, EE in PKI2; PCA1->PCA2 has inhibitPolicyMapping 0, requireExplicitPolicy 0",
    rationale: "PCA1's own mapping d1 -> d2 is processed before its inhibitPolicyMapping takes effect (RFC 5280 6.1.4 (b) then (i)).",
    entities: leakEntities,
    certs: leakCerts(true),
    case: { target: "bob", bag: leakBag, anchors: ["r1"] },
    expect: { valid: true, userConstrainedPolicySet: [d1.med], path: ["bob", "x12", "r1"] },
  }),
  scenario({
    id: "bridged-mesh-loops",
    group: "bridge-of-bridges",
    title: "Bridged mesh with loops around the one path that carries the policy",
    topology: "Z <-> BCA <-> X, BCA <-> Y, X <-> Y, Y <-> W, W <-> L, X -> L -> N -> Erin, anchor Z",
    rationale:
      "Catalog 20, RFC 4158 Fig 9: the loop certificates assert another policy, so the only path satisfying the required policy is Erin, L->N, X->L, BCA->X, Z->BCA; every loop must be cut or backtracked.",
    entities: bmEntities,
    certs: bmCerts,
    case: {
      target: "erin",
      bag: bmCerts.filter((c) => c.id !== "rz" && c.id !== "erin").map((c) => c.id),
      anchors: ["rz"],
      settings: { initialPolicySet: [Q.med], initialExplicitPolicy: true },
    },
    expect: { valid: true, userConstrainedPolicySet: [Q.med], path: ["erin", "x-l-n", "x-x-l", "x-bca-x", "x-z-bca", "rz"] },
  }),
];
