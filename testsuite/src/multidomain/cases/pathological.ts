// Pathological inputs (RFC 4158 8.1): a dense mesh with no way to the anchor, a cycle
// of AIA pointers, floods of same-name candidates, a huge decoy key, key identifiers
// that do not match, a chain deeper than the builder's depth limit.
import type { CertDecl, EntityDecl, Scenario } from "../model.js";
import { POL, cert, ent, scenario, url } from "./common.js";

const Q = POL.path;

// --- a dense mesh of fully cross-certified CAs
const MESH_SIZE = 30;
const meshIds = Array.from({ length: MESH_SIZE }, (_, i) => String(i + 1).padStart(2, "0"));
const denseEntities: EntityDecl[] = [
  ...meshIds.map((n) => ent(`m${n}`, `CN=Mesh CA ${n},O=Dense,C=US`)),
  ent("ivan", "CN=Ivan,O=Dense,C=US"),
  ent("unrelated", "CN=Unrelated Root,O=Elsewhere,C=US"),
  // An anchor with the name of the last mesh CA and a key of its own.
  ent("impostor", `CN=Mesh CA ${meshIds[MESH_SIZE - 1]},O=Dense,C=US`, { keySeed: "impostor" }),
];
const denseCrosses: CertDecl[] = meshIds.flatMap((a) =>
  meshIds.filter((b) => b !== a).map((b) => cert(`x${a}-${b}`, "cross", `m${b}`, `m${a}`, { policies: [Q.med] })),
);
const denseCerts: CertDecl[] = [
  ...denseCrosses,
  cert("ivan", "ee", "ivan", "m01", { policies: [Q.med] }),
  cert("unrelated", "root", "unrelated", "unrelated"),
  cert("impostor", "root", "impostor", "impostor"),
];

// --- a flood of same-name issuers with keys of their own
const FLOOD = 1200;
const floodEntities: EntityDecl[] = [
  ent("root", "CN=Root CA,O=Flood,C=US"),
  ent("ca", "CN=Flood CA,O=Flood,C=US"),
  ent("judy", "CN=Judy,O=Flood,C=US"),
  ...Array.from({ length: FLOOD }, (_, i) => ent(`decoy-${i}`, "CN=Flood CA,O=Flood,C=US", { keySeed: `decoy ${i}` })),
];
const decoyIds = Array.from({ length: FLOOD }, (_, i) => `decoy-${i}`);
const floodCerts: CertDecl[] = [
  cert("root", "root", "root", "root"),
  cert("ca", "ca", "ca", "root", { policies: [Q.med] }),
  cert("judy", "ee", "judy", "ca", { policies: [Q.med] }),
  ...decoyIds.map((id) => cert(id, "ca", id, "root", { policies: [Q.med] })),
];

// --- a hierarchy with a huge-key decoy, and one whose key identifiers do not match
const hugeEntities = [
  ent("root", "CN=Root CA,O=Huge,C=US"),
  ent("ca", "CN=Issuing CA,O=Huge,C=US"),
  ent("decoy", "CN=Issuing CA,O=Huge,C=US", { fabricatedRsaBits: 16384 }),
  ent("kim", "CN=Kim,O=Huge,C=US"),
];

// --- an AIA cycle: A and B certify each other, their AIA point at each other
const cycleEntities = [ent("root", "CN=Cycle Root,O=Cycle,C=US"), ent("a", "CN=CA A,O=Cycle,C=US"), ent("b", "CN=CA B,O=Cycle,C=US"), ent("leo", "CN=Leo,O=Cycle,C=US")];
const cycleCerts = [
  cert("root", "root", "root", "root"),
  cert("x-root-a", "ca", "a", "root", { notBefore: -800, notAfter: -30, policies: [Q.med] }),
  cert("x-a-b", "cross", "b", "a", { aia: { caIssuers: [url("cycle/issued-to-a.p7c")] }, policies: [Q.med] }),
  cert("x-b-a", "cross", "a", "b", { aia: { caIssuers: [url("cycle/issued-to-b.p7c")] }, policies: [Q.med] }),
  cert("leo", "ee", "leo", "a", { aia: { caIssuers: [url("cycle/issued-to-a.p7c")] }, policies: [Q.med] }),
];

// --- a chain deeper than the default maxDepth (12)
const DEPTH = 14;
const deepIds = Array.from({ length: DEPTH }, (_, i) => `level-${String(i + 1).padStart(2, "0")}`);
const deepEntities = [ent("root", "CN=Root CA,O=Deep,C=US"), ...deepIds.map((id) => ent(id, `CN=CA ${id},O=Deep,C=US`)), ent("mia", "CN=Mia,O=Deep,C=US")];
const deepCerts = [
  cert("root", "root", "root", "root"),
  ...deepIds.map((id, i) => cert(id, "ca", id, i === 0 ? "root" : deepIds[i - 1]!, { policies: [Q.med] })),
  cert("mia", "ee", "mia", deepIds[DEPTH - 1]!, { policies: [Q.med] }),
];

export const pathological: Scenario[] = [
  scenario({
    id: "dense-mesh-no-anchor",
    group: "pathological",
    title: `${MESH_SIZE} fully cross-certified CAs (${denseCrosses.length} certificates), none chains to the anchor`,
    topology: `Mesh CA 01..${MESH_SIZE} all pairs cross-certified, EE under Mesh CA 01, anchor an unrelated root`,
    rationale: "Catalog 39. RFC 4158 5.1: no name in the mesh leads to the anchor, so no path; the search must end at once.",
    entities: denseEntities,
    certs: denseCerts,
    case: { target: "ivan", bag: denseCrosses.map((c) => c.id), anchors: ["unrelated"] },
    expect: { valid: false, userConstrainedPolicySet: [], errorCode: "NO_PATH" },
  }),
  scenario({
    id: "dense-mesh-impostor-anchor",
    group: "pathological",
    title: `${MESH_SIZE} fully cross-certified CAs; the anchor has a mesh CA's name and another key`,
    topology: `Mesh CA 01..${MESH_SIZE} all pairs cross-certified, EE under Mesh CA 01, anchor 'Mesh CA ${MESH_SIZE}' with a foreign key`,
    rationale:
      "Catalog 39 variant, RFC 4158 8.1. Every name reaches the anchor's, no signature ever verifies with its key, and the mesh has astronomically many simple paths: the search must stop at its step budget.",
    entities: denseEntities,
    certs: denseCerts,
    case: { target: "ivan", bag: denseCrosses.map((c) => c.id), anchors: ["impostor"], limits: { maxSteps: 3000 } },
    expect: { valid: false, userConstrainedPolicySet: [], errorCode: "BUDGET_EXCEEDED" },
  }),
  scenario({
    id: "aia-cycle",
    group: "pathological",
    title: "AIA cycle: two CAs certify each other and point at each other; the only way out has expired",
    topology: "Cycle Root -> CA A (expired); CA A <-> CA B (AIA pointing at each other); EE under CA A, anchor Cycle Root",
    rationale:
      "Catalog 40. RFC 4158 2.4.2: the loop is cut; the one candidate path fails on the expired certificate (RFC 5280 6.1.3 (a)(2)). Nothing is fetched: the AIA URLs are data.",
    entities: cycleEntities,
    certs: cycleCerts,
    case: { target: "leo", bag: ["x-root-a", "x-a-b", "x-b-a"], anchors: ["root"] },
    expect: { valid: false, userConstrainedPolicySet: [], errorCode: "EXPIRED" },
  }),
  scenario({
    id: "candidate-flood-no-issuer",
    group: "pathological",
    title: `${FLOOD} same-name issuer candidates, each with its own key, none the real issuer`,
    topology: `Root CA -> ${FLOOD} x 'Flood CA' (decoy keys); Judy issued by the absent real Flood CA; anchor Root CA; maxSignatureChecks 400`,
    rationale: "Catalog 41 (p7c bomb). RFC 4158 8.1: each candidate costs a signature check; the search stops at its signature budget.",
    entities: floodEntities,
    certs: floodCerts,
    case: { target: "judy", bag: decoyIds, anchors: ["root"], limits: { maxSignatureChecks: 400 } },
    expect: { valid: false, userConstrainedPolicySet: [], errorCode: "BUDGET_EXCEEDED" },
  }),
  scenario({
    id: "candidate-flood-with-issuer",
    group: "pathological",
    title: `${FLOOD} same-name decoys and the real issuer; key identifiers rank it first`,
    topology: `Root CA -> ${FLOOD} x 'Flood CA' (decoy keys) + the real Flood CA -> Judy; anchor Root CA; maxSignatureChecks 400`,
    rationale: "RFC 4158 3.5.12: the authority key identifier match sorts the real issuer first, so the flood costs nothing.",
    entities: floodEntities,
    certs: floodCerts,
    case: { target: "judy", bag: [...decoyIds, "ca"], anchors: ["root"], limits: { maxSignatureChecks: 400 } },
    expect: { valid: true, userConstrainedPolicySet: [Q.med], path: ["judy", "ca", "root"] },
  }),
  scenario({
    id: "huge-key-decoy",
    group: "pathological",
    title: "A same-name decoy CA with a 16384-bit RSA key; no key identifiers",
    topology: "Root CA -> Issuing CA (Ed25519) and Root CA -> 'Issuing CA' (16384-bit RSA decoy) -> Kim, anchor Root CA",
    rationale: "Catalog 42, RFC 4158 8.1: the decoy is refused (oversized key) or fails the signature; the real path validates.",
    entities: hugeEntities,
    certs: [
      cert("root", "root", "root", "root"),
      cert("ca", "ca", "ca", "root", { policies: [Q.med] }),
      cert("decoy", "ca", "decoy", "root", { policies: [Q.med] }),
      cert("kim", "ee", "kim", "ca", { policies: [Q.med], authorityKeyId: false }),
    ],
    case: { target: "kim", bag: ["decoy", "ca"], anchors: ["root"] },
    expect: { valid: true, userConstrainedPolicySet: [Q.med], path: ["kim", "ca", "root"] },
  }),
  scenario({
    id: "kid-mismatch",
    group: "pathological",
    title: "The EE's authorityKeyIdentifier does not match the issuer's subjectKeyIdentifier",
    topology: "Root CA -> Issuing CA (SKID 'not its key') -> Kim (AKID of the real key), anchor Root CA",
    rationale: "Catalog 43. RFC 4158 3.5.12 and 5.3: key identifiers are hints; the signature decides.",
    entities: hugeEntities,
    certs: [
      cert("root", "root", "root", "root"),
      cert("ca", "ca", "ca", "root", { policies: [Q.med], subjectKeyId: "00112233445566778899aabbccddeeff00112233" }),
      cert("kim", "ee", "kim", "ca", { policies: [Q.med] }),
    ],
    case: { target: "kim", bag: ["ca"], anchors: ["root"] },
    expect: { valid: true, userConstrainedPolicySet: [Q.med], path: ["kim", "ca", "root"] },
  }),
  scenario({
    id: "deep-chain",
    group: "pathological",
    title: `A chain of ${DEPTH} CAs below the anchor, deeper than the case's maxDepth of 12`,
    topology: `Root CA -> CA level-01 -> ... -> CA level-${DEPTH} -> Mia, anchor Root CA`,
    rationale:
      "RFC 4158 8.1: the builder bounds the depth it explores (maxDepth 12, certpath's default, set explicitly by the case); the path, otherwise valid under RFC 5280, is beyond it.",
    entities: deepEntities,
    certs: deepCerts,
    case: { target: "mia", bag: deepIds, anchors: ["root"], limits: { maxDepth: 12 } },
    expect: { valid: false, userConstrainedPolicySet: [], errorCode: "BUDGET_EXCEEDED", rfc5280Valid: true },
  }),
];
