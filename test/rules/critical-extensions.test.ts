// RFC 5280 6.1.4 (o) and 6.1.5 (f): a critical extension that is not processed
// rejects the path, on an intermediate and on the target alike.
import { describe, expect, it } from "vitest";
import { integer, utf8 } from "../../testsuite/src/generate/der.js";
import { expectError, expectValid, pki, run } from "./helpers.js";

const UNKNOWN = "1.3.6.1.4.1.55555.99.1";
const unknown = (critical: boolean) => ({ custom: [{ oid: UNKNOWN, critical, valueDer: utf8("opaque") }] });

describe("UNKNOWN_CRITICAL_EXTENSION (RFC 5280 6.1.4 (o), 6.1.5 (f))", () => {
  const p = pki("critical-extensions");
  const root = p.root("CN=Crit Root");
  const ca = p.ca("CN=Crit CA", root);

  it("passes: an unknown extension that is not critical, on the intermediate and on the target", async () => {
    const ca2 = p.ca("CN=Crit NC CA", root, { extensions: unknown(false) });
    const ee = p.ee("CN=Crit EE 0", ca2, { extensions: unknown(false) });
    expectValid(await run(ee, { intermediates: [ca2], anchors: [root] }));
  });

  it("fails: an unknown critical extension on the intermediate", async () => {
    const ca2 = p.ca("CN=Crit Bad CA", root, { extensions: unknown(true) });
    const r = await run(p.ee("CN=Crit EE 1", ca2), { intermediates: [ca2], anchors: [root] });
    expectError(r, "UNKNOWN_CRITICAL_EXTENSION", 1, "CN=Crit Bad CA", "RFC 5280 6.1.4 (o)");
    expect(r.error!.message).toContain(UNKNOWN);
  });

  it("fails: an unknown critical extension on the target", async () => {
    const ee = p.ee("CN=Crit Bad EE", ca, { extensions: unknown(true) });
    const r = await run(ee, { intermediates: [ca], anchors: [root] });
    expectError(r, "UNKNOWN_CRITICAL_EXTENSION", 0, "CN=Crit Bad EE", "RFC 5280 6.1.5 (f)");
    expect(r.error!.message).toContain(UNKNOWN);
  });

  it("passes: known extensions marked critical are processed, not rejected", async () => {
    const ee = p.ee("CN=Crit Known EE", ca, {
      extensions: {
        subjectAltName: ["dns:known.example"],
        extKeyUsage: ["serverAuth"],
        certificatePolicies: ["anyPolicy"],
        critical: { subjectAltName: true, extKeyUsage: true, certificatePolicies: true, authorityKeyIdentifier: false },
      },
    });
    const ca2 = p.ca("CN=Crit Known CA", root, { extensions: { inhibitAnyPolicy: 5, policyConstraints: { requireExplicitPolicy: 5 } } });
    expectValid(await run(ee, { intermediates: [ca], anchors: [root] }));
    expectValid(await run(p.ee("CN=Crit EE 2", ca2), { intermediates: [ca2], anchors: [root] }));
  });

  it("passes: an unknown critical extension on the trust anchor's certificate is not processed (enforceAnchorConstraints false)", async () => {
    const odd = p.root("CN=Crit Odd Root", { extensions: { custom: [{ oid: UNKNOWN, critical: true, valueDer: integer(1) }] } });
    const ca2 = p.ca("CN=Crit Under Odd", odd);
    expectValid(await run(p.ee("CN=Crit EE 3", ca2), { intermediates: [ca2], anchors: [odd], options: { enforceAnchorConstraints: false } }));
  });
  it("fails by default: the anchor certificate's unknown critical extension (anchor constraints default on, RFC 5937 2)", async () => {
    const odd = p.root("CN=Crit Odd Root", { extensions: { custom: [{ oid: UNKNOWN, critical: true, valueDer: integer(1) }] } });
    const ca2 = p.ca("CN=Crit Under Odd", odd);
    expectError(await run(p.ee("CN=Crit EE 3", ca2), { intermediates: [ca2], anchors: [odd] }), "UNKNOWN_CRITICAL_EXTENSION", 2, "CN=Crit Odd Root", "RFC 5937 2");
  });
});
