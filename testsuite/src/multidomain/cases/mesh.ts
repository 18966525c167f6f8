// Mesh PKIs (RFC 5217 3.2): principal CAs that cross-certify each other, fully or
// partially, with the loops and dead ends RFC 4158 describes.
import type { CertDecl, DomainDecl, Scenario } from "../model.js";
import { POL, cert, ent, scenario } from "./common.js";

const { d1, d2, d3 } = POL;
const DOM = { 1: d1, 2: d2, 3: d3 } as const;

const meshEntities = [
  ent("pca1", "CN=PCA1,O=Dom1,C=US", { domain: "dom1" }),
  ent("pca2", "CN=PCA2,O=Dom2,C=US", { domain: "dom2" }),
  // Domain 3 uses Ed448: the cross-certificates mix algorithms.
  ent("pca3", "CN=PCA3,O=Dom3,C=US", { domain: "dom3", keyAlg: "ed448" }),
  ent("alice", "CN=Alice,O=Dom1,C=US", { domain: "dom1" }),
  ent("carol", "CN=Carol,O=Dom3,C=US", { domain: "dom3" }),
];
const meshDomains: DomainDecl[] = [
  { id: "dom1", title: "Domain 1", policies: { medium: d1.med } },
  { id: "dom2", title: "Domain 2", policies: { medium: d2.med } },
  { id: "dom3", title: "Domain 3 (Ed448)", policies: { medium: d3.med } },
];

/** Cross-certificate PCAi -> PCAj mapping domain i's medium policy to domain j's. */
function x(i: 1 | 2 | 3, j: 1 | 2 | 3): CertDecl {
  return cert(`x${i}${j}`, "cross", `pca${j}`, `pca${i}`, { policies: [DOM[i].med], policyMappings: [[DOM[i].med, DOM[j].med]] });
}

const roots = [cert("r1", "root", "pca1", "pca1"), cert("r2", "root", "pca2", "pca2"), cert("r3", "root", "pca3", "pca3")];
const ees = [cert("alice", "ee", "alice", "pca1", { policies: [d1.med] }), cert("carol", "ee", "carol", "pca3", { policies: [d3.med] })];
const full = [x(1, 2), x(2, 1), x(1, 3), x(3, 1), x(2, 3), x(3, 2)];
const partial = [x(1, 2), x(2, 3)];
const dom1Policy = { initialPolicySet: [d1.med], initialExplicitPolicy: true };

// RFC 4158-style loops and dead ends among CAs A..E of one policy domain.
const M = POL.mesh;
const loopEntities = ["A", "B", "C", "D", "E"].map((n) => ent(`ca-${n.toLowerCase()}`, `CN=CA ${n},O=Mesh,C=US`)).concat([ent("dave", "CN=Dave,O=Mesh,C=US")]);
function mx(from: string, to: string, extra: Partial<CertDecl> = {}): CertDecl {
  return cert(`x-${from}${to}`, "cross", `ca-${to}`, `ca-${from}`, { policies: [M.med], ...extra });
}
const ra = cert("ra", "root", "ca-a", "ca-a");
const dave = cert("dave", "ee", "dave", "ca-d", { policies: [M.med] });

export const mesh: Scenario[] = [
  scenario({
    id: "mesh-full3",
    group: "mesh",
    title: "Full mesh of three principal CAs (domain 3 on Ed448), EE in domain 3",
    topology: "PCA1 <-> PCA2 <-> PCA3 <-> PCA1 (all pairs), anchor PCA1, EE under PCA3",
    rationale: "Catalog 5. RFC 5217 3.2.1: the direct cross-certificate PCA1 -> PCA3 gives a path of length 2; its mapping reports the policy in domain-1 terms.",
    domains: meshDomains,
    entities: meshEntities,
    certs: [...roots, ...full, ...ees],
    case: { target: "carol", bag: ["r2", "r3", ...full.map((c) => c.id)], anchors: ["r1"], settings: dom1Policy },
    expect: { valid: true, userConstrainedPolicySet: [d1.med], path: ["carol", "x13", "r1"] },
  }),
  scenario({
    id: "mesh-partial-right-anchor",
    group: "mesh",
    title: "Partial mesh (one-way cross-certificates), anchor at the start of the chain",
    topology: "PCA1 -> PCA2 -> PCA3 (one-way), anchor PCA1, EE under PCA3",
    rationale: "RFC 5217 3.2.2 Fig 7: from PCA1 the one-way certificates reach PCA3; two mappings, policy in domain-1 terms.",
    domains: meshDomains,
    entities: meshEntities,
    certs: [...roots, ...partial, ...ees],
    case: { target: "carol", bag: ["r2", "r3", "x12", "x23"], anchors: ["r1"], settings: dom1Policy },
    expect: { valid: true, userConstrainedPolicySet: [d1.med], path: ["carol", "x23", "x12", "r1"] },
  }),
  scenario({
    id: "mesh-partial-wrong-anchor",
    group: "mesh",
    title: "Partial mesh, relying party anchored at the far end",
    topology: "PCA1 -> PCA2 -> PCA3 (one-way), anchor PCA3, EE under PCA1",
    rationale: "Catalog 6, RFC 5217 3.2.2 Fig 7: no certificate leads from PCA3 towards PCA1.",
    domains: meshDomains,
    entities: meshEntities,
    certs: [...roots, ...partial, ...ees],
    case: { target: "alice", bag: ["r1", "r2", "x12", "x23"], anchors: ["r3"] },
    expect: { valid: false, userConstrainedPolicySet: [], errorCode: "NO_PATH" },
  }),
  scenario({
    id: "mesh-loop",
    group: "mesh",
    title: "Mesh with loops B -> C -> B, C -> D -> C and D -> B",
    topology: "A -> B; B <-> C; C <-> D; D -> B; anchor A, EE under D",
    rationale:
      "Catalog 7, RFC 4158 2.4.2 and 5.2: a (name, key) pair may not repeat on a path, so every loop is cut; the only path is Dave, C->D, B->C, A->B.",
    entities: loopEntities,
    certs: [ra, mx("a", "b"), mx("b", "c"), mx("c", "b"), mx("c", "d"), mx("d", "c"), mx("d", "b"), dave],
    case: { target: "dave", bag: ["x-ab", "x-bc", "x-cb", "x-cd", "x-dc", "x-db"], anchors: ["ra"] },
    expect: { valid: true, userConstrainedPolicySet: [M.med], path: ["dave", "x-cd", "x-bc", "x-ab", "ra"] },
  }),
  scenario({
    id: "mesh-dead-end",
    group: "mesh",
    title: "The first-ranked branch fails validation; the builder backtracks",
    topology: "A -> C (pathLen 0); A -> B -> C; E -> C (E unreachable); C -> D; anchor A, EE under D",
    rationale:
      "Catalog 8, RFC 4158 5.1 and 3.2: the anchor-issued A->C ranks first but its pathLen 0 rejects C->D (RFC 5280 6.1.4 (l)); E leads nowhere; the path through B validates.",
    entities: loopEntities,
    certs: [ra, mx("a", "c", { pathLen: 0 }), mx("a", "b"), mx("b", "c"), mx("e", "c"), mx("c", "d"), dave],
    case: { target: "dave", bag: ["x-ac", "x-ab", "x-bc", "x-ec", "x-cd"], anchors: ["ra"] },
    expect: { valid: true, userConstrainedPolicySet: [M.med], path: ["dave", "x-cd", "x-bc", "x-ab", "ra"] },
  }),
];
