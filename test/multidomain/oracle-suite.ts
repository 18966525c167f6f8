// The multi-domain suite against oracles that share nothing with what they test (registered
// by cases.test.ts, in its process, so the generated suite is shared):
// - OpenSSL reads every generated certificate and CRL back (openssl-audit.ts) and each
//   extension's presence, criticality and value must match the case's description;
// - a generator mutation (an extension's criticality dropped) is caught by that audit;
// - a parser-table mutation (keyCertSign and cRLSign swapped in certpath's KU table) leaves
//   the generator's bytes alone (its tables are its own) and is caught by the suite's
//   verdicts.
import { describe, expect, it } from "vitest";
import { verify } from "../../src/index.js";
import { KU } from "../../src/parsing/certificate.js";
import { DEFAULT_CRITICAL } from "../../testsuite/src/generate/pki.js";
import { generateScenario } from "../../testsuite/src/multidomain/generate.js";
import { multidomainCases, runMultidomainCase, sortByGroup } from "../../testsuite/src/multidomain/suite.js";
import { opensslAudit } from "./openssl-audit.js";

const cases = sortByGroup(multidomainCases());

describe("independent audit (OpenSSL reads every generated certificate and CRL)", () => {
  it("every extension of every case has the presence, criticality and value its description gives", () => {
    const problems = opensslAudit(cases);
    expect([...problems.values()].flat()).toEqual([]);
    // It did read something: the suite has certificates and CRLs.
    expect(cases.reduce((n, g) => n + g.certs.size + g.crls.size, 0)).toBeGreaterThan(400);
  });

  it("catches a generator that drops the criticality of nameConstraints", () => {
    const id = "bridge-inhibit-mapping-0";
    const s = cases.find((g) => g.scenario.id === id)!.scenario;
    const saved = DEFAULT_CRITICAL.nameConstraints;
    DEFAULT_CRITICAL.nameConstraints = false;
    let mutated;
    try {
      mutated = generateScenario(s, { cache: false });
    } finally {
      DEFAULT_CRITICAL.nameConstraints = saved;
    }
    const problems = opensslAudit([mutated]).get(id) ?? [];
    expect(problems).toEqual([`${id}: certificate xb1: nameConstraints: critical false, want true`, `${id}: certificate xb3: nameConstraints: critical false, want true`]);
    // Unmutated, the same case is clean.
    expect(opensslAudit([generateScenario(s, { cache: false })]).get(id)).toBeUndefined();
  });
});

describe("parser-table mutation: keyCertSign and cRLSign swapped in certpath's KU table", () => {
  it("the generator's bytes do not move, and the suite's verdicts catch it", async () => {
    const revocation = cases.filter((g) => g.scenario.group === "revocation");
    const before = revocation.map((g) => generateScenario(g.scenario, { cache: false }));
    const k = KU as { keyCertSign: number; cRLSign: number };
    const [a, b] = [k.keyCertSign, k.cRLSign];
    const failed: string[] = [];
    let after;
    k.keyCertSign = b;
    k.cRLSign = a;
    try {
      after = revocation.map((g) => generateScenario(g.scenario, { cache: false }));
      for (const g of revocation) if (!(await runMultidomainCase(g, verify)).passed) failed.push(g.scenario.id);
    } finally {
      k.keyCertSign = a;
      k.cRLSign = b;
    }
    for (let i = 0; i < before.length; i++)
      for (const [id, c] of before[i]!.certs) expect(Buffer.from(after[i]!.certs.get(id)!.der).equals(Buffer.from(c.der)), id).toBe(true);
    expect(failed).toEqual(SWAP_CAUGHT_BY);
    // Restored, they pass again.
    for (const g of revocation.filter((x) => failed.includes(x.scenario.id))) expect((await runMultidomainCase(g, verify)).passed, g.scenario.id).toBe(true);
  });
});

/** The revocation cases whose verdict changes with the swap (a separate CRL signer with cRLSign only). */
const SWAP_CAUGHT_BY: string[] = ["indirect-crl-other-domain", "indirect-crl-revoked"];
