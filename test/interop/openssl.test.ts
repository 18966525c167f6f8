// The `openssl verify` driver on PKITS cases whose OpenSSL verdict is known.
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { explainOpenssl, opensslArgs, opensslImplementation, parseOpensslError, parseUserPolicies } from "../../testsuite/src/interop/openssl.js";
import { addToCounts, cellFromOutcome, emptyCounts } from "../../testsuite/src/report/model.js";
import type { ExportedCase } from "../../testsuite/src/interop/types.js";
import { exportPkits, type Exported } from "./helpers.js";

const openssl = opensslImplementation();
const haveOpenssl = await openssl.available();
const NIST1 = "2.16.840.1.101.3.2.1.48.1";

describe("openssl output parsing", () => {
  it("reads the user-constrained policy set from -policy_print", () => {
    const stderr = "Require explicit Policy: True\nAuthority Policies:\n  Policy: X509v3 Any Policy\n    Non Critical\n    No Qualifiers\nUser Policies:\n  Policy: X509v3 Any Policy\n    Non Critical\n  Policy: 2.16.840.1.101.3.2.1.48.2\n    No Qualifiers\n";
    expect(parseUserPolicies(stderr)).toEqual(["2.5.29.32.0", "2.16.840.1.101.3.2.1.48.2"]);
    expect(parseUserPolicies("User Policies: <empty>\n")).toEqual([]);
    expect(parseUserPolicies("target.pem: OK\n")).toBeUndefined();
  });

  it("reads the error line, and the driver's restatement of it", () => {
    expect(parseOpensslError("C = US, CN = x\nerror 7 at 1 depth lookup: certificate signature failure\nerror target.pem: verification failed")).toEqual({
      code: 7,
      depth: 1,
      message: "certificate signature failure",
    });
    expect(parseOpensslError("exit 2: error 54 at depth 0: CRL path validation error")).toMatchObject({ code: 54, depth: 0 });
    expect(parseOpensslError("target.pem: OK")).toBeUndefined();
  });
});

describe.skipIf(!haveOpenssl)("openssl verify driver (PKITS)", () => {
  let ex: Exported;
  beforeAll(() => {
    ex = exportPkits(["4.1.1", "4.1.2", "4.2.2", "4.4.1", "4.6.4", "4.8.11/1", "4.14.30", "4.1.5"]);
  });
  afterAll(() => ex?.cleanup());

  it("reports its version", async () => {
    expect(await openssl.version()).toMatch(/^OpenSSL \d/);
  });

  it("builds the documented command line", () => {
    const { args, unsupported } = opensslArgs(ex.case("4.1.1"), ex.caseDir("4.1.1"));
    expect(args.slice(0, 5)).toEqual(["verify", "-no-CApath", "-no-CAstore", "-CAfile", "anchors.pem"]);
    expect(args).toEqual(expect.arrayContaining(["-untrusted", "intermediates.pem", "-CRLfile", "crls.pem", "-crl_check_all", "-use_deltas", "-extended_crl", "-policy_check", "-policy_print"]));
    expect(args[args.indexOf("-attime") + 1]).toBe(String(Date.parse("2011-04-15T00:00:00Z") / 1000));
    expect(args[args.indexOf("-policy") + 1]).toBe("2.5.29.32.0");
    expect(args).not.toContain("-x509_strict");
    expect(args).not.toContain("-partial_chain"); // the PKITS anchor is self-signed
    expect(args).not.toContain("-explicit_policy");
    expect(args.at(-1)).toBe("target.pem");
    expect(unsupported).toEqual([]);
  });

  it("4.1.1 valid, with the user-constrained policy set", async () => {
    const o = await openssl.run(ex.case("4.1.1"), ex.caseDir("4.1.1"));
    expect(o.valid).toBe(true);
    expect(o.policies).toEqual([NIST1]);
    expect(o.detail).toContain("exit 0: OK");
    expect(o.detail).toContain("$ openssl verify");
  });

  it("4.1.2 invalid: CA signature failure (error 7 at depth 1)", async () => {
    const o = await openssl.run(ex.case("4.1.2"), ex.caseDir("4.1.2"));
    expect(o.valid).toBe(false);
    expect(o.detail).toMatch(/error 7 at depth 1: certificate signature failure/);
  });

  it("4.2.2 invalid: end entity not yet valid (error 9)", async () => {
    const o = await openssl.run(ex.case("4.2.2"), ex.caseDir("4.2.2"));
    expect(o.valid).toBe(false);
    expect(o.detail).toMatch(/error 9 at depth 0: certificate is not yet valid/);
  });

  it("4.4.1 invalid: missing CRL fails with -crl_check_all (error 3)", async () => {
    const o = await openssl.run(ex.case("4.4.1"), ex.caseDir("4.4.1"));
    expect(o.valid).toBe(false);
    expect(o.detail).toMatch(/error 3 at depth \d: unable to get certificate CRL/);
  });

  it("4.6.4 valid: basicConstraints not critical is accepted (no -x509_strict)", async () => {
    expect((await openssl.run(ex.case("4.6.4"), ex.caseDir("4.6.4"))).valid).toBe(true);
  });

  it("4.8.11/1: anyPolicy is reported by name and mapped to its OID", async () => {
    const o = await openssl.run(ex.case("4.8.11/1"), ex.caseDir("4.8.11/1"));
    expect(o).toMatchObject({ valid: true, policies: ["2.5.29.32.0"] });
  });

  it("known OpenSSL failures come with an explanation (4.1.5 DSA parameter inheritance, 4.14.30 self-covered CRL issuer)", async () => {
    for (const [id, code, why] of [
      ["4.1.5", 20, /DSA/],
      ["4.14.30", 54, /CRL issuer/],
    ] as const) {
      const c = ex.case(id);
      const o = await openssl.run(c, ex.caseDir(id));
      expect(o.valid).toBe(false);
      expect(parseOpensslError(o.detail)?.code).toBe(code);
      const cell = cellFromOutcome(c, o, 0, explainOpenssl);
      expect(cell.status).toBe("fail");
      expect(cell.explanation).toMatch(why);
    }
  });

  it("causes come from OpenSSL's answer, not the case's title: a known error code is explained whatever the title, an unknown one is 'unexplained' and counted", () => {
    const c = { ...ex.case("4.1.1"), title: "DSA Parameter Inheritance, kid mismatch, delta CRL" };
    const known = cellFromOutcome(c, { valid: false, detail: "exit 2: error 19 at depth 1: self-signed certificate in certificate chain" }, 0, explainOpenssl);
    expect(known).toMatchObject({ status: "fail", explanation: expect.stringMatching(/^OpenSSL reached a self-signed certificate of the untrusted bag .* \(OpenSSL error 19 at depth 1: /) });
    expect(known.unexplained).toBeUndefined();
    const unknown = cellFromOutcome(c, { valid: false, detail: "exit 2: error 79 at depth 0: some new error" }, 0, explainOpenssl);
    expect(unknown).toMatchObject({ status: "fail", unexplained: true, explanation: "unexplained: no known cause for this answer (exit 2: error 79 at depth 0: some new error)" });
    // Accepting an invalid path: the cause is keyed by the rule certpath's verdict names.
    const bad = { ...ex.case("4.1.2"), title: "anything" };
    const accepted = { valid: true as const, detail: "exit 0: OK" };
    expect(cellFromOutcome(bad, accepted, 0, explainOpenssl, { certpathError: "NAME_CONSTRAINTS" }).explanation).toBe("OpenSSL does not enforce this name constraint form (certpath: NAME_CONSTRAINTS; OpenSSL: OK)");
    expect(cellFromOutcome(bad, accepted, 0, explainOpenssl, { certpathError: "INVALID_SIGNATURE" })).toMatchObject({ unexplained: true });
    const k = emptyCounts();
    addToCounts(k, unknown);
    addToCounts(k, known);
    expect(k).toMatchObject({ cases: 2, failed: 2, unexplained: 1 });
  });

  it("-partial_chain when the anchor is not self-signed", async () => {
    // 4.1.1 with the intermediate CA as the only anchor.
    const src = ex.case("4.1.1");
    const dir = join(ex.dir, "custom", "partial");
    mkdirSync(join(dir, "anchors"), { recursive: true });
    copyFileSync(join(ex.caseDir("4.1.1"), "target.der"), join(dir, "target.der"));
    copyFileSync(join(ex.caseDir("4.1.1"), "target.pem"), join(dir, "target.pem"));
    copyFileSync(join(ex.caseDir("4.1.1"), "intermediates", "00.der"), join(dir, "anchors", "01.der"));
    copyFileSync(join(ex.caseDir("4.1.1"), "intermediates.pem"), join(dir, "anchors.pem"));
    writeFileSync(join(dir, "intermediates.pem"), "");
    const c: ExportedCase = { ...src, dir: "custom/partial", revocation: { mode: "none" }, files: { target: "target.der", intermediates: [], anchors: ["anchors/01.der"], crls: [], ocsp: [] } };
    const { args } = opensslArgs(c, dir);
    expect(args).toContain("-partial_chain");
    expect(args).not.toContain("-untrusted"); // empty bag
    expect(args).not.toContain("-crl_check_all"); // revocation off
    const o = await openssl.run(c, dir);
    expect(o.valid).toBe(true);
  });

  it("says what it cannot express: soft-fail revocation, stapled OCSP", () => {
    const base = ex.case("4.1.1");
    const soft = opensslArgs({ ...base, revocation: { mode: "soft" } }, ex.caseDir("4.1.1"));
    expect(soft.args).toContain("-crl_check_all");
    expect(soft.unsupported.join()).toMatch(/soft-fail/);
    const ocsp = opensslArgs({ ...base, files: { ...base.files, ocsp: ["ocsp/01.der"] } }, ex.caseDir("4.1.1"));
    expect(ocsp.unsupported.join()).toMatch(/OCSP/);
    const cell = cellFromOutcome(base, { valid: false, detail: "exit 2: error 3 at depth 0: unable to get certificate CRL", unsupported: soft.unsupported.join("; ") }, 0, explainOpenssl);
    expect(cell.unsupported).toMatch(/soft-fail/);
    expect(cell.explanation).toMatch(/soft-fail/);
  });

  it("a missing executable is reported as unavailable, and a run gives no verdict", async () => {
    const none = opensslImplementation({ bin: "/nonexistent/openssl" });
    expect(await none.available()).toBe(false);
    expect(await none.version()).toMatch(/^unavailable/);
    const o = await none.run(ex.case("4.1.1"), ex.caseDir("4.1.1"));
    expect(o.valid).toBe("error");
    expect(o.detail).toMatch(/did not run/);
  });
});
