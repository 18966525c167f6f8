// Distance-guided search (RFC 4158 3.5.8): per name, the distance to the nearest anchor
// from the reachability pass; an issuer whose distance exceeds the depth left is not
// tried in that pass. In a mesh, the search then checks only the signatures of the path
// it returns, where iterative deepening alone checked every cross-certificate in reach.
import { describe, expect, it } from "vitest";
import type { Entity } from "../../testsuite/src/generate/pki.js";
import { dn, expectValid, pki, run, subjects } from "./helpers.js";

describe("distance-guided search in a ring mesh", () => {
  const p = pki("discovery-distance");
  // Eight peers in a ring, each cross-certified with both neighbours both ways, plus a
  // chord 0 <-> 4; each peer has a two-level sub-CA chain. The anchor is peer 0.
  const peers = Array.from({ length: 8 }, (_, i) => p.root(`CN=Peer ${i},O=Ring,C=US`));
  const bag: Entity[] = [];
  const link = (a: number, b: number) => bag.push(p.cross(peers[a]!, peers[b]!), p.cross(peers[b]!, peers[a]!));
  for (let i = 0; i < 8; i++) link(i, (i + 1) % 8);
  link(0, 4);
  const subs = peers.map((peer, i) => {
    const s1 = p.ca(`CN=Sub ${i}.1,O=Ring,C=US`, peer);
    const s2 = p.ca(`CN=Sub ${i}.2,O=Ring,C=US`, s1);
    bag.push(s1, s2);
    return s2;
  });
  // Peers' self-signed certificates are in the bag too, as in a real mesh directory.
  bag.push(...peers.slice(1));

  it("checks no signature beyond the path's own, and finds the shortest path", async () => {
    const target = p.ee("CN=Leaf under Peer 3,O=Ring,C=US", subs[3]!);
    const r = await run(target, { intermediates: bag, anchors: [peers[0]!] });
    expectValid(r);
    // Leaf <- Sub 3.2 <- Sub 3.1 <- Peer 3 (by Peer 4 or Peer 2) <- ... <- Peer 0: 3 hops around the ring either way vs. the chord: 0 -> 4 -> 3.
    expect(subjects(r)).toEqual([
      dn("CN=Leaf under Peer 3,O=Ring,C=US"),
      dn("CN=Sub 3.2,O=Ring,C=US"),
      dn("CN=Sub 3.1,O=Ring,C=US"),
      dn("CN=Peer 3,O=Ring,C=US"),
      dn("CN=Peer 4,O=Ring,C=US"),
      dn("CN=Peer 0,O=Ring,C=US"),
    ]);
    // Every certificate of the path below the anchor: one signature each, and no other.
    expect(r.spent!.signatureChecks).toBe(r.path.length - 1);
  });

  it("for every peer's leaf, the signature checks equal the path's own", async () => {
    for (let i = 1; i < 8; i++) {
      const target = p.ee(`CN=Leaf ${i},O=Ring,C=US`, subs[i]!);
      const r = await run(target, { intermediates: bag, anchors: [peers[0]!] });
      expectValid(r);
      expect(r.spent!.signatureChecks, `leaf under peer ${i}`).toBe(r.path.length - 1);
    }
  });
});
