// Name-constraint floods: the hostile PKIs the budget tests and the benchmarks share
// (issue 9 item 3, issue 10 item 3), built in one place so a test and a bench measure the
// same input.
import type { Entity, TestPki } from "./pki.js";

/**
 * A CA with `subtrees` permitted dNSName subtrees (`host<i>.permitted.example`) under a
 * root, and a leaf with `sans` dNSNames that all lie in the last subtree: valid, and
 * quadratic for an engine that compares every name with every subtree. `suffix` is
 * appended to each subject (e.g. ",O=Hardening,C=US").
 */
export function permittedFlood(p: TestPki, subtrees: number, sans: number, suffix = ""): { root: Entity; ca: Entity; leaf: Entity } {
  const root = p.root(`CN=NC Root${suffix}`);
  const permitted = Array.from({ length: subtrees }, (_, i) => `dns:host${i}.permitted.example`);
  const ca = p.ca(`CN=NC CA${suffix}`, root, { extensions: { basicConstraints: { cA: true }, keyUsage: ["keyCertSign", "cRLSign"], nameConstraints: { permitted } } });
  const names = Array.from({ length: sans }, (_, i) => `dns:leaf${i}.host${subtrees - 1}.permitted.example`);
  const leaf = p.ee(`CN=NC EE${suffix}`, ca, { extensions: { keyUsage: ["digitalSignature"], subjectAltName: names } });
  return { root, ca, leaf };
}

/**
 * A root whose own nameConstraints hold `n` permitted dNSName and `n` excluded rfc822Name
 * subtrees (applied when anchor constraints are on), over a leaf with `n` subjectAltNames
 * and `n` emailAddress subject attributes (rfc822 names under RFC 5280 4.2.1.10): n x 2n
 * comparisons for a plain engine.
 */
export function nameConstraintSquare(p: TestPki, n: number, rootName: string): { root: Entity; leaf: Entity } {
  const root = p.root(rootName, {
    extensions: {
      nameConstraints: {
        permitted: Array.from({ length: n }, (_, i) => `dns:p${i}.example`),
        excluded: Array.from({ length: n }, (_, i) => `email:.x${i}.example`),
      },
    },
  });
  const subject = ["C=US", "O=NCB", ...Array.from({ length: n }, (_, i) => `E=u${i}@ok.example`)].reverse().join(",");
  const leaf = p.ee(subject, root, { keySeed: "leaf", extensions: { subjectAltName: Array.from({ length: n }, (_, i) => `dns:h.p${i}.example`) } });
  return { root, leaf };
}
