// Builds the TrustGraph of one call from its inputs and what the search recorded.
//
// Nodes: one per subject name + public key (RFC 4158 2.4.2), for every certificate and
// anchor, plus one per issuer name no input gives a key for. Edges: one per certificate
// that is not self-signed, from its issuer's node to its subject's node. The issuer of a
// certificate is, in order of evidence: the next certificate (or the anchor) of a
// candidate path; a key the search verified its signature with; the node whose subject
// key identifier equals its authority key identifier; the only node of that name; the
// node whose key verifies its signature (checked here, outside the call's budget).
import type { Certificate, SubjectPublicKey } from "../parsing/certificate.js";
import type { DistinguishedName } from "../parsing/name.js";
import { NodeSignatureVerifier } from "../crypto/verifier.js";
import type { TrustAnchor } from "../stores/trust-anchors.js";
import { certificateFields, spkiSha256 } from "./fields.js";
import type { SearchRecorder } from "./recorder.js";
import type { GraphCandidate, GraphDomain, GraphEdge, GraphNode, TrustGraph } from "./types.js";

export interface GraphInputs {
  /** Absent for a verifier's graph (its material only). */
  target?: Certificate;
  /** Every certificate the call could use (the bag and listable issuer sources). */
  certificates: Iterable<Certificate>;
  anchors: readonly TrustAnchor[];
  time: Date;
  recorder: SearchRecorder;
  valid?: boolean;
  error?: { code: string; message: string };
}

/** Signature checks the graph may spend resolving ambiguous issuers (not the call's budget). */
const MAX_RESOLVE_CHECKS = 2000;

interface NodeState {
  node: GraphNode;
  name: DistinguishedName;
  keyIds: Set<string>;
}

export function buildGraph(g: GraphInputs): TrustGraph {
  const rec = g.recorder;
  const certs = new Map<string, Certificate>();
  for (const c of g.certificates) certs.set(c.sha256, c);
  for (const [h, c] of rec.seen) certs.set(h, c);
  if (g.target) certs.set(g.target.sha256, g.target);

  const nodes = new Map<string, NodeState>();
  const byName = new Map<string, NodeState[]>();
  const nodeOf = (name: DistinguishedName, key: SubjectPublicKey | undefined): NodeState => {
    const keyHash = key ? spkiSha256(key.spki) : undefined;
    const k = `${name.key}|${keyHash ?? "?"}`;
    let st = nodes.get(k);
    if (!st) {
      const node: GraphNode = { id: `n${nodes.size}`, subject: name.text, domain: "", target: false, anchor: false, bridge: false, selfSigned: false, known: !!key };
      if (keyHash) node.keySha256 = keyHash;
      st = { node, name, keyIds: new Set() };
      nodes.set(k, st);
      if (key) {
        const l = byName.get(name.key);
        if (l) l.push(st);
        else byName.set(name.key, [st]);
      }
    }
    return st;
  };

  for (const a of g.anchors) {
    const st = nodeOf(a.subject, a.publicKey);
    st.node.anchor = true;
    if (a.cert) st.node.anchorCert = certificateFields(a.cert);
    if (a.subjectKeyId) st.keyIds.add(a.subjectKeyId);
  }
  for (const c of certs.values()) {
    const st = nodeOf(c.subject, c.publicKey);
    if (c.subjectKeyId) st.keyIds.add(c.subjectKeyId);
  }
  const targetNode = g.target ? nodeOf(g.target.subject, g.target.publicKey) : undefined;
  if (targetNode) targetNode.node.target = true;

  // Issuer evidence from candidate paths: exact.
  const issuerOf = new Map<string, NodeState>();
  for (const r of rec.candidates) {
    const cs = r.cand.certs;
    cs.forEach((c, k) => {
      const up = cs[k + 1];
      issuerOf.set(c.sha256, up ? nodeOf(up.subject, up.publicKey) : nodeOf(r.cand.anchor.subject, r.cand.anchor.publicKey));
    });
  }
  let resolveChecks = 0;
  const verifier = new NodeSignatureVerifier();
  const resolveIssuer = (c: Certificate): NodeState => {
    const known = issuerOf.get(c.sha256);
    if (known) return known;
    const named = byName.get(c.issuer.key) ?? [];
    const outcomes = rec.signatures.get(c.sha256);
    if (outcomes) for (const st of named) if (outcomes.get(st.node.keySha256!)?.ok) return st;
    const akid = c.authorityKeyId?.keyId;
    if (akid) {
      const byId = named.filter((st) => st.keyIds.has(akid));
      if (byId.length === 1) return byId[0]!;
    }
    if (named.length === 1) return named[0]!;
    // Several keys under that name and no evidence yet: the one whose key verifies.
    for (const st of named) {
      if (outcomes?.get(st.node.keySha256!)?.ok === false) continue;
      if (resolveChecks >= MAX_RESOLVE_CHECKS) break;
      const key = keyOf(st, certs, g.anchors);
      if (!key) continue;
      resolveChecks++;
      if (verifier.verify(c, key).ok) return st;
    }
    return nodeOf(c.issuer, undefined);
  };

  const edges: GraphEdge[] = [];
  const edgeByCert = new Map<string, GraphEdge>();
  const edgeStates: { edge: GraphEdge; from: NodeState; to: NodeState }[] = [];
  const t = g.time.getTime();
  for (const c of certs.values()) {
    const to = nodeOf(c.subject, c.publicKey);
    const from = resolveIssuer(c);
    if (from === to) {
      to.node.selfSigned = true;
      if (!to.node.selfSignedCert && !(to.node.anchorCert?.sha256 === c.sha256)) to.node.selfSignedCert = certificateFields(c);
      continue;
    }
    const outcome = rec.signatures.get(c.sha256);
    const fromHash = from.node.keySha256;
    let signature: GraphEdge["signature"] = "not-checked";
    let signatureError: GraphEdge["signatureError"];
    if (outcome && fromHash && outcome.has(fromHash)) {
      const o = outcome.get(fromHash);
      if (o === undefined) signature = "deferred";
      else if (o.ok) signature = "verified";
      else {
        signature = "failed";
        signatureError = { code: o.code, message: o.message };
      }
    } else if (outcome && !from.node.known && [...outcome.values()].some((o) => o && !o.ok)) {
      const bad = [...outcome.values()].find((o) => o && !o.ok);
      signature = "failed";
      if (bad && !bad.ok) signatureError = { code: bad.code, message: `${bad.message} (no key of that issuer name verifies it)` };
    }
    const edge: GraphEdge = {
      id: `e${edges.length}`,
      from: from.node.id,
      to: to.node.id,
      cert: certificateFields(c),
      cross: false,
      validity: t > c.notAfter.getTime() ? "expired" : t < c.notBefore.getTime() ? "not-yet-valid" : "valid",
      signature,
      onPath: false,
      candidates: [],
      rejections: [],
    };
    if (signatureError) edge.signatureError = signatureError;
    if (rec.cutUnreachable.has(c.sha256)) edge.cut = "unreachable";
    edges.push(edge);
    edgeByCert.set(c.sha256, edge);
    edgeStates.push({ edge, from, to });
  }

  // Issuers the search tried for a certificate whose key did not verify its signature.
  for (const [sha, outcomes] of rec.signatures) {
    const e = edgeByCert.get(sha);
    if (!e) continue;
    const c = certs.get(sha)!;
    for (const st of byName.get(c.issuer.key) ?? []) {
      const o = outcomes.get(st.node.keySha256!);
      if (!o || o.ok || st.node.id === e.from) continue;
      (st.node.notIssuerOf ??= []).push({ edge: e.id, code: o.code, message: o.message });
    }
  }

  const nodeList = [...nodes.values()].map((s) => s.node);
  const domains = assignDomains(nodeList, edgeStates);

  // Mutual cross-certificate pairs.
  const crossByEnds = new Map<string, GraphEdge>();
  for (const e of edges) if (e.cross) crossByEnds.set(`${e.from}>${e.to}`, e);
  for (const e of edges) {
    if (!e.cross || e.pair) continue;
    const back = crossByEnds.get(`${e.to}>${e.from}`);
    if (back && !back.pair) {
      e.pair = back.id;
      back.pair = e.id;
    }
  }

  // Candidates, the found path, rejections and revocation.
  const candidates: GraphCandidate[] = [];
  let path: string[] = [];
  rec.candidates.forEach((r, i) => {
    const ids = r.cand.certs.map((c) => edgeByCert.get(c.sha256)?.id).filter((x): x is string => !!x);
    const anchor = nodeOf(r.cand.anchor.subject, r.cand.anchor.publicKey).node.id;
    const cand: GraphCandidate = { edges: ids, anchor, valid: r.valid === true };
    for (const id of ids) edges[Number(id.slice(1))]!.candidates.push(i);
    if (r.valid === true && path.length === 0) {
      path = ids;
      for (const id of ids) edges[Number(id.slice(1))]!.onPath = true;
    }
    if (r.failure) {
      cand.error = { ...r.failure };
      const failedCert = r.cand.certs[r.failure.certIndex];
      const fe = failedCert ? edgeByCert.get(failedCert.sha256) : undefined;
      if (fe) {
        cand.failedEdge = fe.id;
        fe.rejections.push({ candidate: i, code: r.failure.code, message: r.failure.message });
      } else cand.failedNode = failedCert ? nodeOf(failedCert.subject, failedCert.publicKey).node.id : anchor;
    }
    for (const s of r.statuses ?? []) {
      const e = edgeByCert.get(r.cand.certs[s.certIndex]?.sha256 ?? "");
      if (!e || e.revocation?.status === "revoked") continue;
      e.revocation = { status: s.status };
      if (s.revocationTime) e.revocation.time = s.revocationTime.toISOString();
      if (s.reason) e.revocation.reason = s.reason;
      if (s.source) e.revocation.source = s.source;
    }
    candidates.push(cand);
  });

  const out: TrustGraph = {
    format: "certpath-graph/1",
    time: g.time.toISOString(),
    nodes: nodeList,
    edges,
    domains,
    anchors: nodeList.filter((n) => n.anchor).map((n) => n.id),
    path,
    candidates,
  };
  if (g.valid !== undefined) out.valid = g.valid;
  if (targetNode) out.target = targetNode.node.id;
  const te = g.target && edgeByCert.get(g.target.sha256);
  if (te) out.targetEdge = te.id;
  if (g.error) out.error = { code: g.error.code, message: g.error.message };
  return out;
}

function keyOf(st: NodeState, certs: Map<string, Certificate>, anchors: readonly TrustAnchor[]): SubjectPublicKey | undefined {
  for (const a of anchors) if (spkiSha256(a.publicKey.spki) === st.node.keySha256 && a.subject.key === st.name.key) return a.publicKey;
  for (const c of certs.values()) if (c.subject.key === st.name.key && spkiSha256(c.publicKey.spki) === st.node.keySha256) return c.publicKey;
  return undefined;
}

/** The name without its most specific RDN ("C=US, O=Dom1" for "C=US, O=Dom1, CN=PCA1"). */
function parentName(n: DistinguishedName): string {
  return n.rdns
    .slice(0, -1)
    .map((r) => r.map((a) => `${a.type}=${a.norm}`).join("+"))
    .join(",");
}

/**
 * Domains: a root (an anchor, a self-signed CA, or a node nothing issues to) and the CAs
 * below it. Each other node hangs under one parent: an issuer sharing its name prefix
 * (O/OU/DC), or else its only issuer among the inputs; its certificates from that parent
 * are hierarchical, every other certificate crosses domains (a node with several foreign
 * issuers and none of its own name is the root of its own domain: a bridge, say). Domains
 * are the connected components of the hierarchical edges. A bridge is a CA alone in its
 * domain, no anchor, cross-certified in both directions with two or more other domains, some
 * two of which are not cross-certified with each other (in a full mesh every peer is).
 */
function assignDomains(nodes: GraphNode[], edges: { edge: GraphEdge; from: NodeState; to: NodeState }[]): GraphDomain[] {
  const issuers = new Map<string, NodeState[]>();
  for (const { edge, from } of edges) {
    const l = issuers.get(edge.to) ?? [];
    if (!l.includes(from)) l.push(from);
    issuers.set(edge.to, l);
  }
  const isRoot = (n: GraphNode) => n.anchor || n.selfSigned || !issuers.has(n.id);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const parentOf = new Map<string, string>();
  for (const { to } of edges) {
    if (parentOf.has(to.node.id) || isRoot(to.node)) continue;
    const all = issuers.get(to.node.id)!;
    const known = all.filter((st) => st.node.known);
    const mine = parentName(to.name);
    const same = known.find((st) => parentName(st.name) === mine);
    const parent = same ?? (known.length === 1 ? known[0] : known.length === 0 && all.length === 1 ? all[0] : undefined);
    parentOf.set(to.node.id, parent ? parent.node.id : "");
  }
  const parent = new Map(nodes.map((n) => [n.id, n.id]));
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(x, r);
    return r;
  };
  for (const { edge } of edges) {
    const hier = parentOf.get(edge.to) === edge.from;
    edge.cross = !hier;
    if (hier) {
      const a = find(edge.from);
      const b = find(edge.to);
      // Keep a root as the representative, so the domain is named after it.
      if (a !== b) {
        if (isRoot(byId.get(b)!) && !isRoot(byId.get(a)!)) parent.set(a, b);
        else parent.set(b, a);
      }
    }
  }
  const groups = new Map<string, GraphNode[]>();
  for (const n of nodes) {
    const r = find(n.id);
    const l = groups.get(r);
    if (l) l.push(n);
    else groups.set(r, [n]);
  }
  const domains: GraphDomain[] = [];
  for (const [rep, members] of groups) {
    const id = `d${domains.length}`;
    const root = members.find((m) => m.id === rep && isRoot(m)) ?? members.find(isRoot) ?? members[0]!;
    for (const m of members) m.domain = id;
    domains.push({ id, label: root.known ? root.subject : `${root.subject} (not among the inputs)`, nodes: members.map((m) => m.id) });
  }
  // Bridges: alone in their domain, no anchor, cross-certified both ways with two or more other domains.
  const out = new Map<string, Set<string>>();
  const into = new Map<string, Set<string>>();
  const note = (m: Map<string, Set<string>>, n: string, d: string) => {
    let s = m.get(n);
    if (!s) m.set(n, (s = new Set()));
    s.add(d);
  };
  for (const { edge } of edges) {
    if (!edge.cross) continue;
    note(out, edge.from, byId.get(edge.to)!.domain);
    note(into, edge.to, byId.get(edge.from)!.domain);
  }
  // Domains cross-certified directly both ways: partners of a bridge are not all linked to each other, as a mesh's are.
  const linked = new Set<string>();
  for (const { edge } of edges) {
    if (!edge.cross) continue;
    const a = byId.get(edge.from)!.domain;
    const b = byId.get(edge.to)!.domain;
    linked.add(`${a}|${b}`);
  }
  const mutualLink = (a: string, b: string) => linked.has(`${a}|${b}`) && linked.has(`${b}|${a}`);
  for (const d of domains) {
    if (d.nodes.length !== 1) continue;
    const n = byId.get(d.nodes[0]!)!;
    if (!n.known || n.target || n.anchor) continue;
    const back = into.get(n.id) ?? new Set<string>();
    const mutual = [...(out.get(n.id) ?? [])].filter((x) => x !== d.id && back.has(x));
    const between = mutual.some((a, i) => mutual.slice(i + 1).some((b) => !mutualLink(a, b)));
    if (mutual.length >= 2 && between) n.bridge = true;
  }
  return domains;
}
