// The pkijs driver (CertificateChainValidationEngine) and the certpath driver on exported PKITS cases.
import { writeFileSync, mkdirSync, copyFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as pkijs from "pkijs";
import { explainPkijs, pkijsImplementation } from "../../testsuite/src/interop/pkijs.js";
import { certpathImplementation, certpathOptions } from "../../testsuite/src/interop/certpath.js";
import { cellFromOutcome } from "../../testsuite/src/report/model.js";
import type { ExportedCase } from "../../testsuite/src/interop/types.js";
import { exportPkits, type Exported } from "./helpers.js";

const NIST1 = "2.16.840.1.101.3.2.1.48.1";
const IDS = ["4.1.1", "4.1.2", "4.1.4", "4.2.2", "4.4.1", "4.6.5", "4.16.2", "4.8.3/2", "4.14.24"];

let ex: Exported;
beforeAll(() => {
  ex = exportPkits(IDS);
});
afterAll(() => ex?.cleanup());

describe("pkijs driver", () => {
  const impl = pkijsImplementation();
  const run = (id: string) => impl.run(ex.case(id), ex.caseDir(id));
  // certpath's verdict names the rule at stake (the session passes it the same way).
  const certpathError = async (id: string) => (await certpathImplementation().run(ex.case(id), ex.caseDir(id))).detail.match(/^([A-Z_]+)/)?.[1];
  const cell = async (id: string) => {
    const code = await certpathError(id);
    return cellFromOutcome(ex.case(id), await run(id), 0, explainPkijs, code ? { certpathError: code } : {});
  };

  it("is available, with its version, and leaves pkijs's global engine alone", async () => {
    const before = pkijs.getEngine();
    expect(await impl.available()).toBe(true);
    expect(await impl.version()).toMatch(/^pkijs \d+\.\d+\.\d+/);
    await run("4.1.1");
    expect(pkijs.getEngine()).toBe(before);
  });

  it("4.1.1: valid; its userConstrPolicies is the initial {anyPolicy}, reported as a policy-set difference with the reason", async () => {
    const o = await run("4.1.1");
    expect(o.valid).toBe(true);
    expect(o.policies).toEqual(["2.5.29.32.0"]);
    expect(o.detail).toContain(`authConstrPolicies: ${NIST1}`);
    const c = await cell("4.1.1");
    expect(c.status).toBe("policy");
    expect(c.explanation).toMatch(/initial policy set \{anyPolicy\}/);
  });

  it("4.1.2 (bad CA signature) and 4.2.2 (not yet valid) are rejected", async () => {
    expect((await cell("4.1.2")).status).toBe("pass");
    const o = await run("4.2.2");
    expect(o.valid).toBe(false);
    expect(o.detail).toMatch(/resultCode 8 .*not yet valid or expired/);
  });

  it("4.4.1: a missing CRL fails hard", async () => {
    const o = await run("4.4.1");
    expect(o.valid).toBe(false);
    expect(o.detail).toMatch(/resultCode 11/);
  });

  it("explains its failures: DSA, pathLenConstraint, unknown critical extension in the end entity, indirect CRLs", async () => {
    const dsa = await cell("4.1.4");
    expect(dsa.status).toBe("fail");
    expect(dsa.explanation).toMatch(/DSA/);
    const pathLen = await cell("4.6.5");
    expect(pathLen).toMatchObject({ status: "fail", got: { valid: true } });
    expect(pathLen.explanation).toMatch(/pathLenConstraint/);
    const crit = await cell("4.16.2");
    expect(crit.status).toBe("fail");
    expect(crit.explanation).toMatch(/critical extension/);
    const indirect = await cell("4.14.24");
    expect(indirect.status).toBe("fail");
    expect(indirect.explanation).toMatch(/CRL/);
  });

  it("4.8.3/2 (explicit policy, none common): rejected like RFC 5280", async () => {
    expect((await cell("4.8.3/2")).status).toBe("pass");
  });

  it("an input it cannot parse gives no verdict, and says so", async () => {
    const dir = join(ex.dir, "custom", "garbage");
    mkdirSync(join(dir, "anchors"), { recursive: true });
    writeFileSync(join(dir, "target.der"), Uint8Array.from([0x30, 0x03, 0x02, 0x01]));
    copyFileSync(join(ex.caseDir("4.1.1"), "anchors", "00.der"), join(dir, "anchors", "01.der"));
    const c: ExportedCase = { ...ex.case("4.1.1"), dir: "custom/garbage", revocation: { mode: "none" }, files: { target: "target.der", intermediates: [], anchors: ["anchors/01.der"], crls: [], ocsp: [] } };
    const o = await impl.run(c, dir);
    expect(o.valid).toBe("error");
    expect(o.detail).toMatch(/cannot parse the target/);
    expect(explainPkijs(c, o)).toMatch(/cannot parse/);
  });

  it("hard-fail without any revocation data is flagged as not expressible", async () => {
    const base = ex.case("4.1.1");
    const c: ExportedCase = { ...base, files: { ...base.files, crls: [] } };
    const o = await impl.run(c, ex.caseDir("4.1.1"));
    expect(o.unsupported).toMatch(/checks nothing/);
  });
});

describe("certpath driver", () => {
  const impl = certpathImplementation();
  it("hands verify the case files and settings", () => {
    const o = certpathOptions(ex.case("4.1.1"), ex.caseDir("4.1.1"));
    expect(o.intermediates).toHaveLength(1);
    expect(o.trustAnchors).toHaveLength(1);
    expect(o.time).toEqual(new Date("2011-04-15T00:00:00Z"));
    expect(o.revocation).toMatchObject({ mode: "hard" });
    expect(o.revocation!.crls).toHaveLength(2);
    expect(o.policy).toMatchObject({ initialPolicySet: ["2.5.29.32.0"], initialExplicitPolicy: false });
  });

  it("passes every exported case", async () => {
    for (const id of IDS) {
      const c = ex.case(id);
      const cell = cellFromOutcome(c, await impl.run(c, ex.caseDir(id)), 0, impl.explain);
      expect(cell.status, `${id}: ${cell.detail}`).toBe("pass");
    }
  });
});
